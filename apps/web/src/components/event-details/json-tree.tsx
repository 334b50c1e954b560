import { useState } from "react";
import { CopyButton } from "./copy-button";

/**
 * JSON as a tree: objects and arrays fold and unfold (buttons with aria-expanded), each branch can be
 * copied as JSON and each leaf as its value. Long arrays and objects show their first entries and a
 * "show more" button, so a large payload never renders thousands of rows at once.
 */

const PAGE = 100;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function JsonTree({ value, label, openDepth = 2 }: { value: unknown; label: string; openDepth?: number }) {
  return (
    <section className="json-tree" aria-label={label}>
      <JsonNode name={null} value={value as Json} depth={0} openDepth={openDepth} />
    </section>
  );
}

function isBranch(value: Json): value is Json[] | { [key: string]: Json } {
  return typeof value === "object" && value !== null;
}

function JsonNode({ name, value, depth, openDepth }: { name: string | null; value: Json; depth: number; openDepth: number }) {
  const [open, setOpen] = useState(depth < openDepth);
  const [shown, setShown] = useState(PAGE);
  const key =
    name === null ? null : (
      <span className="json-key">
        {name}
        <span className="json-punct">: </span>
      </span>
    );

  if (!isBranch(value)) {
    return (
      <div className="json-row json-leaf" style={{ paddingLeft: depth * 16 + 18 }}>
        {key}
        <JsonScalar value={value} />
        <CopyButton
          className="json-copy"
          text={typeof value === "string" ? value : JSON.stringify(value)}
          label={`Copy ${name ?? "value"}`}
        />
      </div>
    );
  }

  const isArray = Array.isArray(value);
  const entries: [string, Json][] = isArray ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const summary = isArray ? `[${entries.length}]` : `{${entries.length}}`;
  const title = name ?? "root";
  return (
    <div className="json-branch">
      <div className="json-row" style={{ paddingLeft: depth * 16 }}>
        <button
          type="button"
          className="json-toggle"
          aria-label={`${open ? "Collapse" : "Expand"} ${title}`}
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          disabled={entries.length === 0}
        >
          <span aria-hidden="true">{entries.length === 0 ? " " : open ? "▾" : "▸"}</span>
        </button>
        {key}
        <span className="json-summary">
          {open && entries.length ? (isArray ? "[" : "{") : summary}
          {!open && entries.length ? <span className="json-preview"> {preview(value)}</span> : null}
        </span>
        <CopyButton className="json-copy" text={JSON.stringify(value, null, 2)} label={`Copy ${title} as JSON`} />
      </div>
      {open && entries.length ? (
        <div>
          {entries.slice(0, shown).map(([k, v]) => (
            <JsonNode key={k} name={k} value={v} depth={depth + 1} openDepth={openDepth} />
          ))}
          {entries.length > shown ? (
            <div className="json-row" style={{ paddingLeft: (depth + 1) * 16 + 18 }}>
              <button type="button" className="link-button" onClick={() => setShown(shown + PAGE)}>
                Show {Math.min(PAGE, entries.length - shown)} more of {entries.length - shown}
              </button>
            </div>
          ) : null}
          <div className="json-row json-punct" style={{ paddingLeft: depth * 16 + 18 }}>
            {isArray ? "]" : "}"}
          </div>
        </div>
      ) : null}
    </div>
  );
}

function JsonScalar({ value }: { value: Exclude<Json, object> | null }) {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === "string") return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === "number") return <span className="json-number">{String(value)}</span>;
  return <span className="json-boolean">{String(value)}</span>;
}

/** A one-line glimpse of a folded branch: its first keys or items. */
function preview(value: Json[] | { [key: string]: Json }): string {
  const text = Array.isArray(value)
    ? value.slice(0, 3).map((v) => (isBranch(v) ? "…" : JSON.stringify(v)))
    : Object.keys(value).slice(0, 4);
  const more = (Array.isArray(value) ? value.length : Object.keys(value).length) > text.length ? ", …" : "";
  return `${text.join(", ")}${more}`;
}
