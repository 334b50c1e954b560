/** How the worker reports what it does; main.ts writes JSON lines, tests may collect or drop them. */
export type Log = (message: string, fields?: Record<string, unknown>) => void;

/** One JSON object per line on stdout (errors on stderr), ready for any log shipper. */
export function createJsonLog(service = "worker"): Log {
  return (message, fields = {}) => {
    const level = fields.error === undefined ? "info" : "error";
    const line = JSON.stringify({ time: new Date().toISOString(), level, service, msg: message, ...fields });
    if (level === "error") process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  };
}

export const silentLog: Log = () => {};
