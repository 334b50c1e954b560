import { lazy, Suspense } from "react";

/** The Markdown renderer, loaded on first use so it stays out of the first page's JavaScript. */
const Markdown = lazy(() => import("./markdown"));

export function LazyMarkdown({ text, highlightRedactions }: { text: string; highlightRedactions?: boolean }) {
  return (
    <Suspense fallback={<p className="markdown-fallback">{text}</p>}>
      <Markdown text={text} highlightRedactions={highlightRedactions} />
    </Suspense>
  );
}
