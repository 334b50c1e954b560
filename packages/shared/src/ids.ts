const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
// Random bytes are drawn 4 KB at a time: ingest makes one id per event.
const pool = new Uint8Array(4096);
let poolPos = pool.length;

/** A time-ordered UUID (version 7): 48 bits of milliseconds, then random bits. */
export function uuidv7(now = Date.now()): string {
  if (poolPos + 10 > pool.length) {
    crypto.getRandomValues(pool);
    poolPos = 0;
  }
  const r = poolPos;
  poolPos += 10;
  const h = HEX;
  return (
    h[Math.floor(now / 2 ** 40) & 0xff]! +
    h[Math.floor(now / 2 ** 32) & 0xff]! +
    h[Math.floor(now / 2 ** 24) & 0xff]! +
    h[Math.floor(now / 2 ** 16) & 0xff]! +
    "-" +
    h[Math.floor(now / 2 ** 8) & 0xff]! +
    h[now & 0xff]! +
    "-" +
    h[0x70 | (pool[r]! & 0x0f)]! +
    h[pool[r + 1]!]! +
    "-" +
    h[0x80 | (pool[r + 2]! & 0x3f)]! +
    h[pool[r + 3]!]! +
    "-" +
    h[pool[r + 4]!]! +
    h[pool[r + 5]!]! +
    h[pool[r + 6]!]! +
    h[pool[r + 7]!]! +
    h[pool[r + 8]!]! +
    h[pool[r + 9]!]!
  );
}
