import type { ReactNode } from "react";

/**
 * A small Markdown renderer for questions and answers: headings, paragraphs, lists, block quotes,
 * fenced code, rules, and inline code, bold, italic, strikethrough and links. It builds React
 * elements only — no HTML string is ever inserted — so untrusted text cannot inject markup; links
 * keep only http(s) and mailto targets. Loaded lazily (see lazy-markdown.tsx).
 */

type Block =
  | { type: "heading"; level: number; text: string }
  | { type: "paragraph"; text: string }
  | { type: "code"; lang: string; text: string }
  | { type: "quote"; lines: string[] }
  | { type: "list"; ordered: boolean; start: number; items: string[] }
  | { type: "rule" };

const FENCE = /^\s{0,3}(```|~~~)\s*([\w+-]*)\s*$/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s{0,3}>\s?(.*)$/;

export function parseBlocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i++]!);
      i++; // the closing fence (or the end)
      blocks.push({ type: "code", lang: fence[2] ?? "", text: body.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: "heading", level: heading[1]!.length, text: heading[2]! });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: "rule" });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) quoted.push(QUOTE.exec(lines[i++]!)![1]!);
      blocks.push({ type: "quote", lines: quoted });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      const isOrdered = !bullet;
      const pattern = isOrdered ? ORDERED : BULLET;
      const items: string[] = [];
      while (i < lines.length) {
        const current = lines[i]!;
        const match = pattern.exec(current);
        if (match) {
          items.push(isOrdered ? match[2]! : match[1]!);
        } else if (current.trim() !== "" && /^\s+/.test(current) && items.length > 0) {
          items[items.length - 1] += ` ${current.trim()}`; // a continuation line
        } else break;
        i++;
      }
      blocks.push({ type: "list", ordered: isOrdered, start: ordered ? Number(ordered[1]) : 1, items });
      continue;
    }
    const paragraph: string[] = [];
    while (i < lines.length) {
      const current = lines[i]!;
      if (current.trim() === "" || FENCE.test(current) || HEADING.test(current) || QUOTE.test(current)) break;
      if (paragraph.length > 0 && (BULLET.test(current) || ORDERED.test(current) || RULE.test(current))) break;
      paragraph.push(current.trim());
      i++;
    }
    blocks.push({ type: "paragraph", text: paragraph.join("\n") });
  }
  return blocks;
}

/** Only these link targets become links; anything else (javascript:, data:, …) stays text. */
export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  return /^(https?:\/\/|mailto:)/i.test(trimmed) ? trimmed : null;
}

const REDACTION = /\[(email|phone|ip|card|redacted)\]/;
const INLINE =
  /(`+)([\s\S]*?[^`])\1(?!`)|\*\*([\s\S]+?)\*\*|__([\s\S]+?)__|~~([\s\S]+?)~~|\*([^*\s][^*]*?)\*|\b_([^_\s][^_]*?)_\b|\[([^\]]+)\]\(([^)\s]+)(?:\s+"[^"]*")?\)|<(https?:\/\/[^>\s]+)>|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])|\[(email|phone|ip|card|redacted)\]|\n/;

/** Inline Markdown → React nodes. `marks` highlights the redaction placeholders ([email], …). */
export function renderInline(text: string, marks: boolean, keyPrefix = "i"): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = text;
  let n = 0;
  while (rest.length > 0) {
    const match = INLINE.exec(rest);
    if (!match) {
      out.push(rest);
      break;
    }
    if (match.index > 0) out.push(rest.slice(0, match.index));
    const key = `${keyPrefix}-${n++}`;
    const [whole, , code, strong, strong2, strike, em, em2, linkText, linkUrl, autoLink, bareUrl, redaction] = match;
    if (code !== undefined) out.push(<code key={key}>{code.trim() === "" ? code : code.replace(/^ (.*) $/, "$1")}</code>);
    else if (strong !== undefined || strong2 !== undefined)
      out.push(<strong key={key}>{renderInline((strong ?? strong2)!, marks, key)}</strong>);
    else if (strike !== undefined) out.push(<del key={key}>{renderInline(strike, marks, key)}</del>);
    else if (em !== undefined || em2 !== undefined) out.push(<em key={key}>{renderInline((em ?? em2)!, marks, key)}</em>);
    else if (linkText !== undefined) {
      const href = safeHref(linkUrl!);
      out.push(
        href ? (
          <a key={key} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {renderInline(linkText, marks, key)}
          </a>
        ) : (
          <span key={key}>{whole}</span>
        ),
      );
    } else if (autoLink !== undefined || bareUrl !== undefined) {
      const url = (autoLink ?? bareUrl)!;
      out.push(
        <a key={key} href={url} target="_blank" rel="noopener noreferrer nofollow">
          {url}
        </a>,
      );
    } else if (redaction !== undefined) {
      out.push(
        marks ? (
          <mark key={key} className="redaction" title="Redacted">
            {whole}
          </mark>
        ) : (
          whole
        ),
      );
    } else out.push(<br key={key} />);
    rest = rest.slice(match.index + whole.length);
  }
  return out;
}

export function hasRedactions(text: string): boolean {
  return REDACTION.test(text);
}

/** Markdown text as React elements, inside a `.markdown` container. */
export default function Markdown({ text, highlightRedactions = false }: { text: string; highlightRedactions?: boolean }) {
  const blocks = parseBlocks(text);
  const inline = (t: string, key: string) => renderInline(t, highlightRedactions, key);
  return (
    <div className="markdown">
      {blocks.map((block, i) => {
        const key = `b${i}`;
        switch (block.type) {
          case "heading": {
            // Headings inside the panel start below its own section headings.
            const level = Math.min(6, block.level + 3);
            const Tag = `h${level}` as "h4" | "h5" | "h6";
            return <Tag key={key}>{inline(block.text, key)}</Tag>;
          }
          case "paragraph":
            return <p key={key}>{inline(block.text, key)}</p>;
          case "code":
            return (
              <pre key={key} className="markdown-code" data-lang={block.lang || undefined}>
                <code>{block.text}</code>
              </pre>
            );
          case "quote":
            return (
              <blockquote key={key}>
                <Markdown text={block.lines.join("\n")} highlightRedactions={highlightRedactions} />
              </blockquote>
            );
          case "list": {
            const items = block.items.map((item, j) => <li key={`${key}-${j}`}>{inline(item, `${key}-${j}`)}</li>);
            return block.ordered ? (
              <ol key={key} start={block.start === 1 ? undefined : block.start}>
                {items}
              </ol>
            ) : (
              <ul key={key}>{items}</ul>
            );
          }
          case "rule":
            return <hr key={key} />;
        }
        return null;
      })}
    </div>
  );
}
