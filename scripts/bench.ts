// `pnpm bench <name>`: runs one benchmark of scripts/bench/<name>.ts. Each prints readable lines and,
// as its very last line, one JSON object with its figures, so runs can be compared.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = join(dirname(fileURLToPath(import.meta.url)), "bench");
const available = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
  .map((f) => f.replace(/\.ts$/, ""))
  .sort();
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: pnpm bench <name>\navailable: ${available.join(", ")}`);
  process.exit(name ? 2 : 0);
}
const bench = (await import(join(dir, `${name}.ts`))) as { run(args: string[]): Promise<Record<string, unknown>> };
const figures = await bench.run(process.argv.slice(3));
console.log(JSON.stringify(figures));
process.exit(0);
