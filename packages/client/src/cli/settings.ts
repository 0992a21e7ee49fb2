/**
 * The flags of an endpoint's settings (`endpoints create|update`): one per field of the endpoint
 * contract, made from the OpenAPI document by `npm run generate` (generated/endpoint-settings.ts,
 * scripts/openapi-endpoint-settings.ts), so a field the server adds needs no edit here. A
 * field's flag is its name with dashes (`max_retries` → `--max-retries`); a list or map is
 * repeated and named in the singular (`event_types` → `--event-type`, `headers` → `--header
 * name:value`); a nullable field also has `--no-<flag>`, which sends null. Bounds are stated in
 * `--help` and checked by the API (a value out of them is its 400, exit code 1), as before.
 */
import { ENDPOINT_SETTING_FLAGS } from "../../generated/endpoint-settings.js";
import { type Context, choiceFlag, flag, intFlag, jsonFileFlag, UsageError } from "./command.js";

/** What the generation writes for a field (its `as const` data, read through this shape). */
interface SettingFlag {
  readonly field: string;
  readonly kind: "string" | "integer" | "choice" | "boolean" | "list" | "map" | "json";
  readonly nullable: boolean;
  readonly description?: string;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly maxItems?: number;
}

const SETTINGS: readonly SettingFlag[] = ENDPOINT_SETTING_FLAGS;

const repeated = (s: SettingFlag) => s.kind === "list" || s.kind === "map";
const flagName = (s: SettingFlag) => {
  const name = s.field.replaceAll("_", "-");
  return repeated(s) ? name.replace(/s$/, "") : name;
};

export const settingOptions: Record<string, { type: "string" | "boolean"; multiple?: boolean }> =
  Object.fromEntries(
    SETTINGS.flatMap((s) => [
      [flagName(s), { type: "string", ...(repeated(s) && { multiple: true }) }],
      ...(s.nullable ? [[`no-${flagName(s)}`, { type: "boolean" }]] : []),
    ]),
  );

/** The value's placeholder in the usage line. */
function metavar(s: SettingFlag): string {
  if (s.values) return s.values.join("|");
  if (s.kind === "integer") return "N";
  if (s.kind === "map") return "name:value";
  if (s.kind === "json") return "JSON|@FILE";
  return flagName(s).split("-").at(-1)!.toUpperCase();
}

export const settingsUsage = SETTINGS.map((s) => {
  const set = `--${flagName(s)} ${metavar(s)}`;
  return `[${s.nullable ? `${set} | --no-${flagName(s)}` : set}]${repeated(s) ? "…" : ""}`;
}).join(" ");

/** What a value may be, from the document's bounds. */
function bounds(s: SettingFlag): string {
  const range =
    s.min !== undefined && s.max !== undefined
      ? `${s.min}–${s.max}`
      : s.max !== undefined
        ? `at most ${s.max}`
        : "";
  const parts = [
    s.kind === "integer" && range,
    s.kind === "string" && range && `${range} characters`,
    s.kind === "list" && `repeated${s.maxItems !== undefined ? `, at most ${s.maxItems}` : ""}`,
    s.kind === "list" && range && `each ${range} characters`,
    s.kind === "map" && "repeated",
    s.kind === "json" && "a JSON object, or @FILE holding one",
    s.nullable && `--no-${flagName(s)} sends null`,
  ];
  return parts.filter(Boolean).join("; ");
}

/** `--help`: each setting's flag and bounds, then the document's description of the field. */
export const settingsHelp = SETTINGS.map((s) => {
  const head = `  --${flagName(s)} ${metavar(s)}${bounds(s) ? `  (${bounds(s)})` : ""}`;
  return s.description ? `${head}\n      ${s.description}` : head;
});

function given(ctx: Context, s: SettingFlag, name: string): unknown {
  switch (s.kind) {
    case "integer":
      return intFlag(ctx, name);
    case "choice":
    case "boolean": {
      const v = choiceFlag(ctx, name, s.values ?? []);
      return s.kind === "boolean" && v !== undefined ? v === "true" : v;
    }
    case "list":
      return ctx.flags[name] as string[] | undefined;
    case "map": {
      const pairs = (ctx.flags[name] as string[] | undefined)?.map((h) => {
        const at = h.indexOf(":");
        if (at < 1) throw new UsageError(`--${name} must be name:value, got ${h}`);
        return [h.slice(0, at).trim(), h.slice(at + 1).trim()] as const;
      });
      return pairs && Object.fromEntries(pairs);
    }
    case "json":
      return jsonFileFlag(ctx, name);
    default:
      return flag(ctx, name);
  }
}

/** The body fields the setting flags give; omitted flags are omitted (on update: kept as they are). */
export function settingsBody(ctx: Context): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const name = flagName(s);
    const value = given(ctx, s, name);
    const cleared = s.nullable && ctx.flags[`no-${name}`] === true;
    if (cleared && value !== undefined) throw new UsageError(`--${name} and --no-${name} exclude each other`);
    if (cleared) out[s.field] = null;
    else if (value !== undefined) out[s.field] = value;
  }
  return out;
}
