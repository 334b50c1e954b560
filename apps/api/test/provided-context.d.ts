import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** BullMQ key prefix of this run, so runs sharing a Redis do not see each other's jobs. */
    queuePrefix: string;
  }
}
