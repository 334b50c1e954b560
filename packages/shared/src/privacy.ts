/**
 * Per-tenant privacy settings and the redaction applied at ingest, before anything is stored:
 * emails, phone numbers, IP addresses, card-like numbers (Luhn-checked) and custom patterns in content
 * and metadata, or content dropped entirely.
 */
import { z } from "zod";

export const MAX_CUSTOM_PATTERNS = 20;

export const privacySettingsSchema = z.strictObject({
  redactEmails: z.boolean().default(false),
  redactPhones: z.boolean().default(false),
  redactIps: z.boolean().default(false),
  redactCards: z.boolean().default(false),
  customPatterns: z
    .array(
      z
        .string()
        .min(1)
        .max(200, "a pattern must be at most 200 characters")
        .refine(isValidRegex, { message: "is not a valid regular expression" }),
    )
    .max(MAX_CUSTOM_PATTERNS, `at most ${MAX_CUSTOM_PATTERNS} patterns`)
    .default([]),
  dropContent: z.boolean().default(false),
});
export type PrivacySettings = z.output<typeof privacySettingsSchema>;

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source, "g");
    return true;
  } catch {
    return false;
  }
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])/g;
const IPV6 = /(?<![:\w])(?:[A-Fa-f0-9]{1,4}:){2,7}[A-Fa-f0-9]{1,4}(?![:\w])/g;
const PHONE = /(?<![\w+])\+?\(?\d{1,4}\)?[\s.-]?\(?\d{2,4}\)?[\s.-]?\d{3,4}[\s.-]?\d{3,4}(?!\w)/g;

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export interface Redactor {
  dropContent: boolean;
  /** Returns the redacted text, or the same string when nothing matched. */
  text(value: string): string;
  /** Redacts every string inside a JSON value (keys stay). */
  value<T>(value: T): T;
}

/** Compiles settings once per request; null when the tenant redacts nothing. */
export function createRedactor(settings: Partial<PrivacySettings> | null | undefined): Redactor | null {
  if (!settings) return null;
  const steps: ((s: string) => string)[] = [];
  if (settings.redactEmails) steps.push((s) => s.replace(EMAIL, "[email]"));
  if (settings.redactCards) steps.push((s) => s.replace(CARD, (m) => (luhn(m.replace(/\D/g, "")) ? "[card]" : m)));
  if (settings.redactIps) steps.push((s) => s.replace(IPV4, "[ip]").replace(IPV6, "[ip]"));
  if (settings.redactPhones) steps.push((s) => s.replace(PHONE, (m) => (m.replace(/\D/g, "").length >= 7 ? "[phone]" : m)));
  for (const source of settings.customPatterns ?? []) {
    if (!isValidRegex(source)) continue;
    const re = new RegExp(source, "g");
    steps.push((s) => s.replace(re, "[redacted]"));
  }
  if (steps.length === 0 && !settings.dropContent) return null;
  const text = (value: string) => steps.reduce((s, step) => step(s), value);
  const deep = (v: unknown): unknown => {
    if (typeof v === "string") return text(v);
    if (Array.isArray(v)) return v.map(deep);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]));
    return v;
  };
  return { dropContent: settings.dropContent ?? false, text, value: <T>(v: T) => deep(v) as T };
}
