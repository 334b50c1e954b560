import { type ReactNode, type RefObject, useEffect, useLayoutEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";

/**
 * A small dialog anchored under a button, rendered in document.body so a scrolling table never
 * clips it. Closes on Escape (focus returns to the anchor) and on a click outside.
 */
export function LogPopover({
  anchor,
  label,
  onClose,
  children,
  width = 280,
}: {
  anchor: RefObject<HTMLElement | null>;
  label: string;
  onClose: () => void;
  children: ReactNode;
  width?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null);

  useLayoutEffect(() => {
    const rect = anchor.current?.getBoundingClientRect();
    if (!rect) return;
    const left = Math.max(8, Math.min(rect.left, window.innerWidth - width - 8));
    setPosition({ top: rect.bottom + 4, left });
  }, [anchor, width]);

  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>("input, select, button, [tabindex]");
    first?.focus();
    const onDown = (event: MouseEvent) => {
      const target = event.target as Node;
      if (ref.current?.contains(target) || anchor.current?.contains(target)) return;
      onClose();
    };
    const onResize = () => onClose();
    document.addEventListener("mousedown", onDown);
    window.addEventListener("resize", onResize);
    return () => {
      document.removeEventListener("mousedown", onDown);
      window.removeEventListener("resize", onResize);
    };
  }, [anchor, onClose]);

  return createPortal(
    <div
      ref={ref}
      role="dialog"
      aria-label={label}
      className="log-popover"
      data-log-popover=""
      style={{ top: position?.top ?? -9999, left: position?.left ?? -9999, width }}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.stopPropagation();
          event.preventDefault();
          onClose();
          anchor.current?.focus();
        }
      }}
    >
      {children}
    </div>,
    document.body,
  );
}
