import type { AppRouter } from "@logbook/api/router";
import { QueryCache, QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchStreamLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export function createTrpcClient() {
  return createTRPCClient<AppRouter>({
    // Batched, and each answer streamed as soon as it is ready: a page's rows never wait for its statistics.
    links: [httpBatchStreamLink({ url: `${window.location.origin}/trpc` })],
  });
}

/** The tRPC error code of `error` (e.g. "UNAUTHORIZED", "FORBIDDEN"), if it is a tRPC error. */
export function trpcErrorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) {
    const data = error.data as { code?: string } | undefined;
    return data?.code;
  }
  return undefined;
}

/** A message fit to show a person. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong. Try again.";
}

const noRetry = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST"]);

export function createQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({
      onError(error) {
        // The session ended while the app was open: send the user to sign in, then back here.
        if (trpcErrorCode(error) === "UNAUTHORIZED" && !window.location.pathname.startsWith("/sign-")) {
          const next = window.location.pathname + window.location.search;
          window.location.assign(`/sign-in?next=${encodeURIComponent(next)}`);
        }
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => !noRetry.has(trpcErrorCode(error) ?? "") && count < 2,
      },
    },
  });
}
