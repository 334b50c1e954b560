import { useEffect, useRef, useState } from "react";

/** Copies `text` to the clipboard; says so for a moment (visibly and to screen readers). */
export function CopyButton({
  text,
  label,
  className = "button small",
  children,
}: {
  text: string;
  label: string;
  className?: string;
  children?: string;
}) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API unavailable (plain http): copy through a temporary text area.
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      document.execCommand?.("copy");
      area.remove();
    }
    setCopied(true);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setCopied(false), 1500);
  }

  return (
    <button type="button" className={className} onClick={copy} aria-label={label} title={label}>
      {copied ? "Copied" : (children ?? "Copy")}
      <span className="visually-hidden" role="status">
        {copied ? "Copied to clipboard" : ""}
      </span>
    </button>
  );
}
