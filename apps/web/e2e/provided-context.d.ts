import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
    redisUrl: string;
    /** BullMQ prefix and export directory the API uses (a test may start a worker with them). */
    queuePrefix: string;
    exportDir: string;
  }
}
