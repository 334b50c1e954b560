import { TRPCError } from "@trpc/server";
import { authRequestContext } from "../auth/request-context";

const codes: Record<number, TRPCError["code"]> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  422: "BAD_REQUEST",
  429: "TOO_MANY_REQUESTS",
};

/**
 * Calls a better-auth server API as the signed-in caller, so its hooks see who acted, and turns
 * its errors into tRPC errors with the same message.
 */
export async function callAuth<T>(
  caller: { actor: { id: string; email: string; name: string }; ip: string | null },
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await authRequestContext.run(caller, fn);
  } catch (error) {
    const e = error as { status?: unknown; statusCode?: number; body?: { message?: string }; message?: string };
    const status = typeof e.statusCode === "number" ? e.statusCode : undefined;
    if (status && status < 500) {
      throw new TRPCError({ code: codes[status] ?? "BAD_REQUEST", message: e.body?.message ?? e.message ?? "Request refused" });
    }
    throw error;
  }
}
