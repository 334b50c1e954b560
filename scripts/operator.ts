// `pnpm operator <email>`: grants the platform role "operator" to an existing user. Uses
// DATABASE_URL, else the quick start's embedded Postgres (running, or started for this command).
import { resolve } from "node:path";
import { createDb } from "@logbook/db/client";
import { startEmbeddedPostgres } from "@logbook/db/embedded";
import { schema } from "@logbook/db/client";
import { eq } from "drizzle-orm";
import pg from "pg";
import { loadLauncherEnv } from "./env";

const email = process.argv[2]?.trim().toLowerCase();
if (!email?.includes("@")) {
  console.error("usage: pnpm operator <email of an existing user>");
  process.exit(2);
}
const env = loadLauncherEnv();
let url = env.DATABASE_URL;
let stop = async () => {};
if (!url) {
  const embeddedUrl = `postgres://logbook:logbook@127.0.0.1:${env.LOGBOOK_PG_PORT}/logbook`;
  const probe = new pg.Client({ connectionString: embeddedUrl });
  const running = await probe.connect().then(
    () => true,
    () => false,
  );
  await probe.end().catch(() => {});
  if (!running) {
    const embedded = await startEmbeddedPostgres({ dataDir: resolve(env.LOGBOOK_DATA_DIR), port: env.LOGBOOK_PG_PORT });
    stop = embedded.stop;
  }
  url = embeddedUrl;
}
const handle = createDb(url, { max: 1 });
const rows = await handle.db
  .update(schema.user)
  .set({ platformRole: "operator" })
  .where(eq(schema.user.email, email))
  .returning({ id: schema.user.id });
await handle.close();
await stop();
if (rows.length === 0) {
  console.error(`No user with email ${email}: sign up first, then run this again.`);
  process.exit(1);
}
console.log(`${email} is now an operator.`);
