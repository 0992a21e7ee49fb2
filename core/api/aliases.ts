/**
 * Field aliases: the names other webhook APIs give this API's endpoint fields, accepted in
 * requests and returned in answers, so their clients' requests work as written. The
 * canonical names stay this API's; this module is the only one that knows the others.
 * Which API uses which name, and what is not offered, is in docs/seeds.md.
 */
import { isDeepStrictEqual } from "node:util";
import { z } from "@hono/zod-openapi";
import { eventTypeList, MAX_LABEL_LENGTH, MAX_RAW_SECRET_LENGTH, validationError } from "../model/index.js";

const seconds = (min: number, max: number, of: string) =>
  z
    .number()
    .int()
    .min(min)
    .max(max)
    .openapi({ description: `Alias of \`timeout_ms\` in seconds (${min}–${max}); ${of}` });

/** Accepted in create and update bodies (every one optional). */
export const aliasInput = {
  events: eventTypeList.optional().openapi({ description: "Alias of `event_types`" }),
  event_patterns: eventTypeList
    .nullable()
    .optional()
    .openapi({ description: "Alias of `event_types`; null = every type" }),
  enabled: z.boolean().optional().openapi({ description: "true = status active, false = status disabled" }),
  is_active: z.boolean().optional().openapi({ description: "Alias of `enabled`" }),
  name: z
    .string()
    .min(1)
    .max(MAX_LABEL_LENGTH)
    .optional()
    .openapi({ description: `Alias of \`label\` (1–${MAX_LABEL_LENGTH} chars)` }),
  webhook_url: z.string().min(1).max(500).optional().openapi({ description: "Alias of `url` (≤ 500 chars)" }),
  timeout: seconds(5, 120, "seconds").optional(),
  timeout_seconds: seconds(3, 60, "seconds").optional(),
};

/** Create only: a free-form signing key used as the raw HMAC key (not `whsec_…`). */
export const rawSecretInput = {
  webhook_secret: z
    .string()
    .min(1)
    .max(MAX_RAW_SECRET_LENGTH)
    .optional()
    .openapi({
      description:
        `Your own signing key, any string up to ${MAX_RAW_SECRET_LENGTH} characters, used as is (its ` +
        "UTF-8 bytes) as the HMAC-SHA256 key. Exclusive with `secret`. Verify with Standard Webhooks " +
        "libraries in raw-key mode (docs/seeds.md).",
      example: "optional_secret_for_hmac",
    }),
};

type AliasIn = { [K in keyof typeof aliasInput]?: z.infer<(typeof aliasInput)[K]> };

/** The canonical fields the aliases stand for. */
export interface Aliased {
  url?: string;
  label?: string | null;
  event_types?: string[];
  status?: "active" | "disabled" | "paused";
  timeout_ms?: number;
}

/**
 * The one value given under any of `names` (canonical first). The same value under two
 * names is fine; two different values are a 400 naming both.
 */
function agree<T>(given: [string, T | undefined][]): T | undefined {
  const present = given.filter((g): g is [string, T] => g[1] !== undefined);
  const [first, ...rest] = present;
  if (!first) return undefined;
  const clash = rest.find(([, v]) => !isDeepStrictEqual(v, first[1]));
  if (clash) throw validationError(`${first[0]} and ${clash[0]} disagree: give one of them`);
  return first[1];
}

const statusOf = (on: boolean | undefined) => (on === undefined ? undefined : on ? "active" : "disabled");
const msOf = (s: number | undefined) => (s === undefined ? undefined : s * 1000);

/** The body with every alias folded into its canonical field (400 when two names disagree). */
export function resolveAliases<T extends Aliased>(body: T & AliasIn): Omit<T, keyof AliasIn> {
  const { events, event_patterns, enabled, is_active, name, webhook_url, timeout, timeout_seconds, ...rest } =
    body;
  const out: Aliased = { ...rest };
  const resolved: Aliased = {
    url: agree([
      ["url", body.url],
      ["webhook_url", webhook_url],
    ]),
    label: agree([
      ["label", body.label],
      ["name", name],
    ]),
    event_types: agree([
      ["event_types", body.event_types],
      ["events", events],
      // null: every type, as an empty list means here.
      ["event_patterns", event_patterns === null ? [] : event_patterns],
    ]),
    status: agree([
      ["status", body.status],
      ["enabled", statusOf(enabled)],
      ["is_active", statusOf(is_active)],
    ]),
    timeout_ms: agree([
      ["timeout_ms", body.timeout_ms],
      ["timeout", msOf(timeout)],
      ["timeout_seconds", msOf(timeout_seconds)],
    ]),
  };
  for (const [k, v] of Object.entries(resolved)) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out as Omit<T, keyof AliasIn>;
}

/** Returned in every endpoint answer next to the canonical fields they mirror. */
export const aliasOutput = {
  events: z.array(z.string()).openapi({ description: "= `event_types`" }),
  subscribed_event_patterns: z.array(z.string()).openapi({ description: "= `event_types`" }),
  events_count: z.number().int().openapi({ description: "Entries in `event_types` (0 = every type)" }),
  is_active: z.boolean().openapi({ description: "= `enabled`" }),
  name: z.string().nullable().openapi({ description: "= `label`" }),
  webhook_url: z.string().openapi({ description: "= `url`" }),
  timeout: z.number().int().openapi({ description: "= `timeout_ms` in seconds, rounded" }),
  timeout_seconds: z.number().int().openapi({ description: "= `timeout_ms` in seconds, rounded" }),
};

type AliasOut = { [K in keyof typeof aliasOutput]: z.infer<(typeof aliasOutput)[K]> };

export function aliasesOf(v: {
  url: string;
  label: string | null;
  event_types: string[];
  status: string;
  timeout_ms: number;
}): AliasOut {
  const secondsOf = Math.round(v.timeout_ms / 1000);
  return {
    events: v.event_types,
    subscribed_event_patterns: v.event_types,
    events_count: v.event_types.length,
    is_active: v.status !== "disabled",
    name: v.label,
    webhook_url: v.url,
    timeout: secondsOf,
    timeout_seconds: secondsOf,
  };
}
