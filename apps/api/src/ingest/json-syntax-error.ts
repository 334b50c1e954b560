/**
 * Where and why a text is not JSON (RFC 8259), for error messages a client can act on. V8's own
 * messages do not always carry a position (Node 20: "Unexpected token 'o', ... is not valid JSON"),
 * so the first error is found by this scanner: linear, and iterative, so deep nesting cannot
 * overflow the stack. Returns null when the text is valid JSON.
 */
export function findJsonSyntaxError(text: string): { position: number; reason: string } | null {
  const n = text.length;
  const stack: ("{" | "[")[] = [];
  let expect: "value" | "valueOrClose" | "key" | "keyOrClose" | "colon" | "commaOrClose" = "value";
  let i = 0;
  const fail = (reason: string, at = i) => ({ position: at, reason });
  const unexpected = () => fail(`unexpected character ${JSON.stringify(text[i])}`);

  for (;;) {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
    if (i >= n) return stack.length === 0 && expect === "commaOrClose" ? null : fail("unexpected end of input");
    const ch = text[i]!;
    if (expect === "colon") {
      if (ch !== ":") return fail("expected ':' after a property name");
      i++;
      expect = "value";
    } else if (expect === "commaOrClose") {
      const top = stack.at(-1);
      if (!top) return fail("unexpected content after the end of the JSON value");
      const close = top === "{" ? "}" : "]";
      if (ch === ",") {
        i++;
        expect = top === "{" ? "key" : "value";
      } else if (ch === close) {
        stack.pop();
        i++;
      } else {
        return fail(`expected ',' or '${close}'`);
      }
    } else if (expect === "key" || expect === "keyOrClose") {
      if (ch === "}" && expect === "keyOrClose") {
        stack.pop();
        i++;
        expect = "commaOrClose";
      } else if (ch === '"') {
        const end = scanString(text, i);
        if (typeof end !== "number") return end;
        i = end;
        expect = "colon";
      } else {
        return fail("expected a double-quoted property name");
      }
    } else if (ch === "]" && expect === "valueOrClose") {
      stack.pop();
      i++;
      expect = "commaOrClose";
    } else if (ch === "{" || ch === "[") {
      stack.push(ch);
      i++;
      expect = ch === "{" ? "keyOrClose" : "valueOrClose";
    } else if (ch === '"') {
      const end = scanString(text, i);
      if (typeof end !== "number") return end;
      i = end;
      expect = "commaOrClose";
    } else {
      const literal = ["true", "false", "null"].find((l) => text.startsWith(l, i));
      NUMBER.lastIndex = i;
      const number = literal ? null : NUMBER.exec(text);
      if (!literal && !number) return unexpected();
      i += literal ? literal.length : number![0].length;
      expect = "commaOrClose";
    }
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

/** The index after the string starting at `start` (a double quote), or the error in it. */
function scanString(text: string, start: number): number | { position: number; reason: string } {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 0x20) return { position: j, reason: "control character in a string (escape it)" };
    if (c === 92) {
      const next = text[j + 1];
      if (next === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return { position: j, reason: "bad \\u escape in a string" };
        j += 5;
      } else if (next !== undefined && ESCAPES.has(next)) {
        j++;
      } else {
        return { position: j, reason: "bad escape in a string" };
      }
    }
  }
  return { position: text.length, reason: "unterminated string" };
}
