import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EnvError, optionalUrl, parseEnv, port } from "./env";

const schema = z.object({ DATABASE_URL: z.string(), PORT: port(3000), REDIS_URL: optionalUrl(["redis"]) });

describe("parseEnv", () => {
  it("returns typed values with defaults", () => {
    expect(parseEnv("t", schema, { DATABASE_URL: "postgres://x" })).toEqual({ DATABASE_URL: "postgres://x", PORT: 3000 });
  });

  it("names every missing or bad variable in one message", () => {
    try {
      parseEnv("logbook api", schema, { PORT: "nope", REDIS_URL: "http://x" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      const message = (error as Error).message;
      expect(message).toContain("logbook api: invalid environment");
      expect(message).toMatch(/DATABASE_URL is missing/);
      expect(message).toMatch(/PORT is invalid/);
      expect(message).toMatch(/REDIS_URL is invalid: must be a URL starting with redis:\/\//);
    }
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv("t", schema, { DATABASE_URL: "x", PORT: "", REDIS_URL: "" }).PORT).toBe(3000);
  });
});
