import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { type FormEvent, type KeyboardEvent, useState } from "react";
import { errorMessage, useTRPC } from "../lib/trpc";
import { FormError } from "./states";

type ListKey = "retrievalTools" | "connectorTools";

export interface ToolSettings {
  retrievalTools: readonly string[];
  connectorTools: readonly string[];
  defaults: { retrievalTools: readonly string[]; connectorTools: readonly string[] };
}

const lists: { listKey: ListKey; label: string; singular: string; description: string }[] = [
  {
    listKey: "retrievalTools",
    label: "Retrieval tools",
    singular: "retrieval tool",
    description: "An answer that called one of these is a RAG answer (grounded in retrieved context).",
  },
  {
    listKey: "connectorTools",
    label: "Connector tools",
    singular: "connector tool",
    description: "An answer that called one of these is connector troubleshooting (diagnosing a connector or integration).",
  },
];

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

interface ServerIssue {
  path: (string | number)[];
  message: string;
}

/** The server's validation issues, keyed by list (and pattern index), as messages a person can act on. */
function serverIssues(error: unknown): ServerIssue[] {
  if (!(error instanceof TRPCClientError)) return [];
  return (error.data as { issues?: ServerIssue[] } | undefined)?.issues ?? [];
}

/**
 * Which tool names (glob patterns, `*` = anything, case-insensitive) count as retrieval and as
 * connector tools when the worker derives an interaction's response type.
 */
export function ClassificationToolSettings({ orgId, initial }: { orgId: string; initial: ToolSettings }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<ListKey, string[]>>({
    retrievalTools: [...initial.retrievalTools],
    connectorTools: [...initial.connectorTools],
  });
  const [saved, setSaved] = useState<Record<ListKey, readonly string[]>>({
    retrievalTools: initial.retrievalTools,
    connectorTools: initial.connectorTools,
  });
  const [savedMessage, setSavedMessage] = useState(false);

  const mutation = useMutation(
    trpc.classification.updateSettings.mutationOptions({
      onSuccess: (data) => {
        setSaved(data);
        setValues({ retrievalTools: [...data.retrievalTools], connectorTools: [...data.connectorTools] });
        setSavedMessage(true);
        void queryClient.invalidateQueries({ queryKey: trpc.classification.getSettings.queryKey({ orgId }) });
      },
    }),
  );

  const issues = mutation.isError ? serverIssues(mutation.error) : [];
  const dirty = !sameList(values.retrievalTools, saved.retrievalTools) || !sameList(values.connectorTools, saved.connectorTools);

  function update(key: ListKey, next: string[]) {
    setSavedMessage(false);
    mutation.reset();
    setValues((v) => ({ ...v, [key]: next }));
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSavedMessage(false);
    mutation.mutate({ orgId, retrievalTools: values.retrievalTools, connectorTools: values.connectorTools });
  }

  return (
    <form className="panel form" onSubmit={onSubmit} aria-label="Tool settings">
      <p className="notice">
        The worker derives each interaction's response type from its tool calls. Patterns are globs (<code>*</code> matches
        anything, case-insensitive). Changes apply to interactions labelled from now on — reclassify a period below for the past.
      </p>
      <div className="classification-lists">
        {lists.map((list) => (
          <PatternList
            key={list.listKey}
            {...list}
            patterns={values[list.listKey]}
            defaults={initial.defaults[list.listKey]}
            issues={issues.filter((i) => i.path[0] === list.listKey)}
            onChange={(next) => update(list.listKey, next)}
          />
        ))}
      </div>
      <FormError
        message={
          mutation.isError
            ? issues.length > 0
              ? "Not saved: fix the patterns marked above."
              : `Not saved: ${errorMessage(mutation.error)}`
            : null
        }
      />
      <div className="button-row" style={{ alignItems: "center" }}>
        <button type="submit" className="button primary" disabled={mutation.isPending}>
          {mutation.isPending ? "Saving…" : "Save tool settings"}
        </button>
        <span role="status" className="muted">
          {savedMessage
            ? "Saved. New interactions are labelled with these patterns."
            : dirty && !mutation.isError
              ? "Unsaved changes."
              : ""}
        </span>
      </div>
    </form>
  );
}

function PatternList({
  listKey,
  label,
  singular,
  description,
  patterns,
  defaults,
  issues,
  onChange,
}: {
  listKey: ListKey;
  label: string;
  singular: string;
  description: string;
  patterns: string[];
  defaults: readonly string[];
  issues: ServerIssue[];
  onChange: (next: string[]) => void;
}) {
  const [draft, setDraft] = useState("");
  const [draftError, setDraftError] = useState<string | null>(null);
  const isDefault = sameList(patterns, defaults);
  const inputId = `new-${listKey}`;
  const errorsId = `${listKey}-errors`;

  const messages = issues.map((i) => {
    const index = typeof i.path[1] === "number" ? i.path[1] : undefined;
    const pattern = index === undefined ? undefined : patterns[index];
    const shown = pattern && pattern.length > 40 ? `${pattern.slice(0, 40)}…` : pattern;
    return index === undefined ? `${label}: ${i.message}` : `${label}, pattern ${index + 1} (“${shown ?? ""}”): ${i.message}`;
  });
  const invalidIndexes = new Set(issues.map((i) => i.path[1]).filter((p): p is number => typeof p === "number"));

  function add() {
    const value = draft.trim();
    if (value === "") return setDraftError("Enter a tool name or pattern.");
    if (patterns.some((p) => p.toLowerCase() === value.toLowerCase())) return setDraftError(`“${value}” is already in the list.`);
    setDraftError(null);
    setDraft("");
    onChange([...patterns, value]);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "Enter") {
      // Enter adds the pattern; it does not submit the whole form.
      e.preventDefault();
      add();
    }
  }

  return (
    <fieldset className="classification-list" aria-describedby={`${listKey}-hint ${errorsId}`}>
      <legend className="section-title">
        {label}{" "}
        <span className={isDefault ? "badge neutral" : "badge customised"} data-testid={`${listKey}-state`}>
          {isDefault ? "defaults" : "customised"}
        </span>
      </legend>
      <p id={`${listKey}-hint`} className="hint">
        {description}
      </p>
      {patterns.length === 0 ? (
        <p className="muted small">No patterns: no tool counts as a {singular}.</p>
      ) : (
        <ul className="pattern-chips" aria-label={label}>
          {patterns.map((p, i) => (
            <li key={p} className={invalidIndexes.has(i) ? "pattern-chip invalid" : "pattern-chip"}>
              <code>{p}</code>
              <button
                type="button"
                className="pattern-chip-remove"
                aria-label={`Remove ${p} from ${label.toLowerCase()}`}
                onClick={() => onChange(patterns.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="inline-form">
        <label className="field grow" htmlFor={inputId}>
          <span>Add a {singular}</span>
          <input
            id={inputId}
            value={draft}
            placeholder={listKey === "retrievalTools" ? "kb_fetch or *wiki*" : "*airbyte*"}
            aria-invalid={draftError ? true : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              setDraftError(null);
            }}
            onKeyDown={onKeyDown}
          />
        </label>
        <button type="button" className="button" onClick={add} aria-label={`Add to ${label.toLowerCase()}`}>
          Add
        </button>
        <button
          type="button"
          className="button ghost"
          disabled={isDefault}
          onClick={() => {
            setDraftError(null);
            onChange([...defaults]);
          }}
          aria-label={`Reset ${label.toLowerCase()} to defaults`}
        >
          Reset to defaults
        </button>
      </div>
      {draftError ? (
        <span className="form-error" role="alert">
          {draftError}
        </span>
      ) : null}
      <div id={errorsId}>
        {messages.map((m) => (
          <div key={m} className="form-error" role="alert">
            {m}
          </div>
        ))}
      </div>
      <details className="classification-defaults">
        <summary>Defaults ({defaults.length})</summary>
        <p className="mono small">{defaults.join("  ")}</p>
      </details>
    </fieldset>
  );
}
