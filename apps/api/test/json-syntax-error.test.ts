import { describe, expect, it } from "vitest";
import { findJsonSyntaxError } from "../src/ingest/json-syntax-error";

describe("findJsonSyntaxError", () => {
  it("agrees with JSON.parse on what is valid", () => {
    const samples = [
      "{}",
      "[]",
      ' { "a" : [1, -2.5e+3, true, false, null, "x\\n\\u00e9\\"", {}] } ',
      "0",
      '"s"',
      "",
      "{",
      "[1,]",
      '{"a":1,}',
      "01",
      "-",
      "1.",
      "tru",
      '"\\x"',
      '"\\u12g4"',
      '"tab\there"',
      '{"a" 1}',
      "{} {}",
      "[1 2]",
      "{'a': 1}",
      "NaN",
    ];
    for (const text of samples) {
      let valid = true;
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
      expect(findJsonSyntaxError(text) === null, JSON.stringify(text)).toBe(valid);
    }
  });

  it("points at the first offending character", () => {
    expect(findJsonSyntaxError('{\n  "type": oops\n}')).toEqual({ position: 12, reason: 'unexpected character "o"' });
    expect(findJsonSyntaxError('{"a":1,}')).toEqual({ position: 7, reason: "expected a double-quoted property name" });
    expect(findJsonSyntaxError("[1 2]")).toEqual({ position: 3, reason: "expected ',' or ']'" });
    expect(findJsonSyntaxError('{"a": "b')).toEqual({ position: 8, reason: "unterminated string" });
    expect(findJsonSyntaxError("[1,")).toEqual({ position: 3, reason: "unexpected end of input" });
  });

  it("deep nesting does not overflow the stack", () => {
    const deep = `${"[".repeat(200_000)}x`;
    expect(findJsonSyntaxError(deep)).toEqual({ position: 200_000, reason: 'unexpected character "x"' });
  });
});
