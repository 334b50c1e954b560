import { planLimits } from "@logbook/shared/plans";
import type { MiddlewareHandler } from "hono";
import type { Redis } from "ioredis";
import { problem } from "./problem";
import type { ApiKeyVars } from "./api-key-auth";

/**
 * The tenant's public API rate limit, per plan, counted in Redis (one-second fixed windows shared by
 * every API process). Over the limit: 429 with Retry-After. Redis down: the request is let through.
 */
export function rateLimit(redis: Redis, log: (line: string) => void): MiddlewareHandler<{ Variables: ApiKeyVars }> {
  return async (c, next) => {
    const { tenantId } = c.get("apiKey");
    const { plan } = c.get("settings");
    const limit = planLimits[plan].apiRequestsPerSecond;
    const now = Date.now();
    const window = Math.floor(now / 1000);
    const key = `logbook:ratelimit:${tenantId}:${window}`;
    let count = 0;
    try {
      const results = await redis.multi().incr(key).pexpire(key, 2000).exec();
      count = Number(results?.[0]?.[1] ?? 0);
    } catch (error) {
      log(`rate limit: Redis unavailable, request let through (${(error as Error).message})`);
    }
    c.header("RateLimit-Limit", String(limit));
    c.header("RateLimit-Remaining", String(Math.max(0, limit - count)));
    if (count > limit) {
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * 1000 - now) / 1000));
      c.header("Retry-After", String(retryAfter));
      return problem(
        c,
        429,
        "rate_limited",
        `Rate limit of ${limit} requests per second (plan ${plan}) exceeded; retry after ${retryAfter} s.`,
        {
          limit,
          plan,
          retry_after_s: retryAfter,
        },
      );
    }
    await next();
  };
}
