import { contentColumns, defaultExportColumns, type ExportColumn, exportColumns } from "@logbook/shared/exports";
import type { ExportFilterInput } from "@logbook/shared/exports";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { Link } from "wouter";
import { errorMessage, useTRPC } from "../lib/trpc";
import { FormError } from "./states";

/**
 * "Export" for a log view: takes the view's current filters and period, asks for format,
 * compression and columns, and queues the export; the Exports page shows its progress.
 */
export function ExportButton({
  orgId,
  filter,
  withContent,
}: {
  orgId: string;
  filter: ExportFilterInput;
  /** Offer the content columns (question, answer): roles that read content, auditors redacted. */
  withContent: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [format, setFormat] = useState<"csv" | "jsonl">("csv");
  const [gzip, setGzip] = useState(false);
  const [columns, setColumns] = useState<Set<ExportColumn>>(() => new Set(defaultExportColumns));
  const [queued, setQueued] = useState<string | null>(null);
  const offered = exportColumns.filter((c) => withContent || !contentColumns.includes(c));

  const create = useMutation(
    trpc.exports.create.mutationOptions({
      onSuccess: (row) => {
        setQueued(row.id);
        return queryClient.invalidateQueries({ queryKey: trpc.exports.list.pathKey() });
      },
    }),
  );

  function open() {
    setQueued(null);
    create.reset();
    dialog.current?.showModal();
  }
  function onSubmit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ orgId, filter, format, gzip, columns: offered.filter((c) => columns.has(c)) });
  }
  const toggle = (column: ExportColumn) =>
    setColumns((current) => {
      const next = new Set(current);
      if (next.has(column)) next.delete(column);
      else next.add(column);
      return next;
    });

  return (
    <>
      <button type="button" className="button" onClick={open}>
        Export
      </button>
      <dialog ref={dialog} className="export-dialog" aria-labelledby="export-dialog-title">
        <form className="form" onSubmit={onSubmit}>
          <h2 id="export-dialog-title">Export these events</h2>
          <p className="muted">The current filters and period are exported, oldest first.</p>
          <fieldset className="export-choice">
            <legend>Format</legend>
            <label>
              <input type="radio" name="format" checked={format === "csv"} onChange={() => setFormat("csv")} /> CSV
            </label>
            <label>
              <input type="radio" name="format" checked={format === "jsonl"} onChange={() => setFormat("jsonl")} /> JSON Lines
            </label>
            <label>
              <input type="checkbox" name="gzip" checked={gzip} onChange={(e) => setGzip(e.target.checked)} /> gzip
            </label>
          </fieldset>
          <fieldset className="export-columns">
            <legend>
              Columns{" "}
              <button type="button" className="button ghost small" onClick={() => setColumns(new Set(offered))}>
                All
              </button>
              <button type="button" className="button ghost small" onClick={() => setColumns(new Set())}>
                None
              </button>
            </legend>
            {offered.map((c) => (
              <label key={c}>
                <input type="checkbox" checked={columns.has(c)} onChange={() => toggle(c)} /> {c}
              </label>
            ))}
          </fieldset>
          <FormError message={create.isError ? errorMessage(create.error) : null} />
          {queued ? (
            <p role="status" data-testid="export-queued">
              Export queued. Follow it on the <Link href={`~/o/${orgId}/exports`}>Exports page</Link>.
            </p>
          ) : null}
          <div className="button-row">
            <button type="button" className="button ghost" onClick={() => dialog.current?.close()}>
              Close
            </button>
            <button type="submit" className="button primary" disabled={create.isPending || columns.size === 0}>
              {create.isPending ? "Queuing…" : "Start export"}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}

/** A log view's query input as an export filter: without the organization and paging fields. */
export function exportFilterOf(input: ExportFilterInput & { orgId?: string; limit?: number; cursor?: unknown; order?: unknown }) {
  const { orgId: _orgId, limit: _limit, cursor: _cursor, order: _order, ...filter } = input;
  return filter as ExportFilterInput;
}
