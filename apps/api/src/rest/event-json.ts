const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * An event as the public API shows it: top-level keys in snake_case (`actorEmail` → `actor_email`),
 * the values as they are — metadata, labels and tool calls are the caller's own JSON, left untouched.
 */
export function toSnakeEvent(item: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) out[snake(key)] = value;
  return out;
}
