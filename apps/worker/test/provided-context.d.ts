declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    /** BullMQ key prefix of this test run; each file appends its own suffix. */
    queuePrefix: string;
  }
}

export {};
