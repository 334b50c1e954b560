import type { PrivacySettings } from "@logbook/shared/privacy";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { type CSSProperties, type FormEvent, useState } from "react";
import { errorMessage, useTRPC } from "../lib/trpc";
import { FormError } from "./states";

const MAX_PATTERN_LENGTH = 200;

// The global stylesheet styles text inputs; checkboxes and the textarea need their own sizing here.
const checkboxStyle: CSSProperties = { minHeight: 0, width: 16, height: 16, padding: 0, margin: 0 };
const checkRowStyle: CSSProperties = { display: "flex", alignItems: "center", gap: 8, fontWeight: 400 };
const textareaStyle: CSSProperties = {
  font: "inherit",
  fontFamily: "var(--mono)",
  fontSize: 12.5,
  border: "1px solid var(--border-strong)",
  borderRadius: "var(--radius)",
  padding: "6px 10px",
  minHeight: 96,
  resize: "vertical",
};

const kinds = [
  { key: "redactEmails", label: "Email addresses", example: "[email]" },
  { key: "redactPhones", label: "Phone numbers", example: "[phone]" },
  { key: "redactIps", label: "IP addresses", example: "[ip]" },
  { key: "redactCards", label: "Card numbers", example: "[card]" },
] as const;

interface PatternLine {
  line: number;
  pattern: string;
}

/** Non-blank lines of the textarea, trimmed, with their 1-based line numbers. */
function patternLines(text: string): PatternLine[] {
  return text
    .split("\n")
    .map((raw, i) => ({ line: i + 1, pattern: raw.trim() }))
    .filter((l) => l.pattern !== "");
}

/** The problem with one pattern, checked as the server will: a valid JavaScript regular expression. */
function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    new RegExp(pattern, "g");
    return null;
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message})`;
  }
}

/** The server's validation issues on `customPatterns.N`, as messages by line. */
function serverPatternErrors(error: unknown, lines: PatternLine[]): string[] {
  if (!(error instanceof TRPCClientError)) return [];
  const issues = (error.data as { issues?: { path: (string | number)[]; message: string }[] } | undefined)?.issues ?? [];
  return issues
    .filter((i) => i.path[0] === "customPatterns")
    .map((i) => {
      const at = typeof i.path[1] === "number" ? lines[i.path[1]] : undefined;
      return at ? `Line ${at.line}: ${i.message}` : `Custom patterns: ${i.message}`;
    });
}

/** The privacy settings of one organization: what to redact at ingest, or dropping content entirely. */
export function PrivacyForm({ orgId, initial }: { orgId: string; initial: PrivacySettings }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [settings, setSettings] = useState(initial);
  const [patternsText, setPatternsText] = useState(initial.customPatterns.join("\n"));
  const [saved, setSaved] = useState(false);

  const mutation = useMutation(
    trpc.settings.updatePrivacy.mutationOptions({
      onSuccess: (data) => {
        setSaved(true);
        queryClient.setQueryData(trpc.settings.getPrivacy.queryKey({ orgId }), data);
      },
    }),
  );

  const lines = patternLines(patternsText);
  const lineErrors = lines.flatMap(({ line, pattern }) => {
    const problem = patternProblem(pattern);
    return problem ? [`Line ${line}: ${problem}`] : [];
  });
  const serverErrors = mutation.isError ? serverPatternErrors(mutation.error, lines) : [];
  const patternErrors = lineErrors.length > 0 ? lineErrors : serverErrors;

  function change(update: Partial<PrivacySettings>) {
    setSaved(false);
    mutation.reset();
    setSettings((s) => ({ ...s, ...update }));
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (lineErrors.length > 0) return;
    setSaved(false);
    mutation.mutate({ orgId, ...settings, customPatterns: lines.map((l) => l.pattern) });
  }

  return (
    <form className="panel form" onSubmit={onSubmit} aria-label="Privacy settings">
      <p className="notice">
        Redaction happens at ingest, before storage, and applies to the content and metadata of new events. Events already stored
        are not changed.
      </p>
      <fieldset className="form" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="section-title" style={{ padding: 0 }}>
          Redact
        </legend>
        {kinds.map((k) => (
          <label key={k.key} style={checkRowStyle}>
            <input
              type="checkbox"
              style={checkboxStyle}
              checked={settings[k.key]}
              onChange={(e) => change({ [k.key]: e.target.checked })}
            />
            <span>
              {k.label} <span className="hint">replaced by {k.example}</span>
            </span>
          </label>
        ))}
      </fieldset>

      <div className="field">
        <label className="field">
          <span>Custom patterns</span>
          <textarea
            name="customPatterns"
            style={textareaStyle}
            value={patternsText}
            placeholder={"ACME-\\d{6}\ncustomer-[a-z0-9]+"}
            aria-invalid={patternErrors.length > 0}
            aria-describedby="patterns-hint patterns-errors"
            onChange={(e) => {
              change({});
              setPatternsText(e.target.value);
            }}
          />
        </label>
        <div id="patterns-hint" className="hint">
          Regular expressions (JavaScript syntax), one per line; matches are replaced by [redacted].
        </div>
        <div id="patterns-errors">
          {patternErrors.map((message) => (
            <div key={message} className="form-error" role="alert">
              {message}
            </div>
          ))}
        </div>
      </div>

      <label style={checkRowStyle}>
        <input
          type="checkbox"
          style={checkboxStyle}
          checked={settings.dropContent}
          onChange={(e) => change({ dropContent: e.target.checked })}
        />
        <span>
          Drop question and answer content entirely <span className="hint">interactions are stored without their content</span>
        </span>
      </label>

      <FormError message={mutation.isError && serverErrors.length === 0 ? errorMessage(mutation.error) : null} />
      <div className="button-row" style={{ alignItems: "center" }}>
        <button type="submit" className="button primary" disabled={mutation.isPending || lineErrors.length > 0}>
          {mutation.isPending ? "Saving…" : "Save"}
        </button>
        <span role="status" className="muted">
          {saved ? "Saved. New events are redacted with these settings." : ""}
        </span>
      </div>
    </form>
  );
}
