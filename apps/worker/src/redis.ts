import { Redis, type RedisOptions } from "ioredis";

/**
 * Opens an ioredis connection for BullMQ. `maxRetriesPerRequest: null` is required by BullMQ 6
 * for connections that workers use (it throws on a shared instance without it): commands wait
 * for a reconnect instead of failing after a few retries.
 */
export function createRedisConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: "logbook-worker", ...options });
}
