/**
 * The endpoint's contract: every field a caller sets, declared once (issue #24 item 3). Each
 * setting has its input schema (bounds; the description is the OpenAPI document's), the value
 * a new endpoint starts with when the caller leaves it out, and its schema in the endpoint view.
 * From this one table: the API's create and update bodies and its view (core/api/schemas), the
 * new record's defaults (core/endpoints/record.ts), the update's copy of what was given
 * (core/endpoints/service.ts), and so the OpenAPI document, the client's generated types, the
 * CLI and the portal. Adding a field: docs/design.md, "Adding an endpoint field".
 *
 * Plain zod with `.meta()`, which the OpenAPI generator reads: the delivery functions load this
 * module without the API's zod extension.
 */
import * as z from "zod";
import { agentIdInput, eventTypeString } from "./client.js";
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_EVENT_TYPES_PER_ENDPOINT,
  MAX_LABEL_LENGTH,
  RATE_LIMIT,
  RETRIES,
  TIMEOUT_MS,
} from "./limits.js";
import { ORDERING_KEY } from "./ordering.js";

/** A subscription list: exact event types or patterns. Shared by the canonical field and its aliases. */
export const eventTypeList = z
  .array(eventTypeString)
  .max(MAX_EVENT_TYPES_PER_ENDPOINT)
  .meta({
    description: "Exact event types or patterns (`telephony.*`, `*`); empty = every type",
    example: ["chat.message.completed", "voice.call.ended"],
  });

const ordering = z.enum(["none", "strict"]);

/**
 * One setting. `initial`: what a create that omits it stores (and a view of an item written
 * before the field existed shows). `view`: its schema in the endpoint view, when it differs from
 * the input's (no bounds to state, a wider type such as `failing`, a view's own words).
 * No zod `default` on inputs: generated clients would make the field required, and on PATCH an
 * omitted field is kept, not reset; the descriptions state the defaults.
 */
const setting = <S extends z.ZodType, V extends z.ZodType = S>(
  input: S,
  initial: z.output<S>,
  view: V = input as unknown as V,
) => ({ input, initial, view });

export const ENDPOINT_SETTINGS = {
  label: setting(
    z
      .string()
      .min(1)
      .max(MAX_LABEL_LENGTH)
      .nullable()
      .meta({ description: `Display name, 1–${MAX_LABEL_LENGTH} chars` }),
    null,
    z.string().nullable(),
  ),
  description: setting(z.string().max(MAX_DESCRIPTION_LENGTH).nullable(), null, z.string().nullable()),
  event_types: setting(eventTypeList, [], z.array(z.string())),
  // The events' own rule (core/model/client.ts), so a filter can always match some event.
  agent_id: setting(
    agentIdInput.nullable().meta({
      description:
        "Deliver only this agent's events; null = every agent. Returned in the JSON type given " +
        '(an integer stays an integer); `7` and `"7"` are the same agent.',
    }),
    null,
    z.union([z.string(), z.number().int()]).nullable(),
  ),
  max_retries: setting(
    z
      .number()
      .int()
      .min(RETRIES.min)
      .max(RETRIES.max)
      .meta({
        description: `Retries after the first attempt, ${RETRIES.min}–${RETRIES.max}; ${RETRIES.default} when omitted on create, unchanged when omitted on update`,
        example: RETRIES.default,
      }),
    RETRIES.default,
    z.number().int(),
  ),
  timeout_ms: setting(
    z
      .number()
      .int()
      .min(TIMEOUT_MS.min)
      .max(TIMEOUT_MS.max)
      .meta({
        description: `Deadline of a whole attempt in ms, ${TIMEOUT_MS.min}–${TIMEOUT_MS.max}; ${TIMEOUT_MS.default} when omitted on create, unchanged when omitted on update`,
        example: TIMEOUT_MS.default,
      }),
    TIMEOUT_MS.default,
    z.number().int(),
  ),
  rate_limit: setting(
    z
      .number()
      .int()
      .min(RATE_LIMIT.min)
      .max(RATE_LIMIT.max)
      .nullable()
      .meta({
        description: `At most this many deliveries per second to this endpoint (${RATE_LIMIT.min}–${RATE_LIMIT.max}), across every delivery process; deliveries over it wait for a later second (no attempt is counted). null = no limit (the default on create); unchanged when omitted on update`,
        example: 50,
      }),
    null,
    z.number().int().nullable().meta({
      description: "Deliveries per second at most, across every delivery process; null = no limit",
    }),
  ),
  ordering: setting(
    ordering.meta({
      description:
        "strict: events are delivered one at a time, in publish order (per ordering_key value); a failing event holds the ones behind it until it succeeds or is dead-lettered (docs/delivery.md). none (the default on create): concurrent, unordered; unchanged when omitted on update",
      example: "strict",
    }),
    "none",
    ordering.meta({
      description: "strict: one event at a time, in publish order (per ordering_key value); none: unordered",
    }),
  ),
  ordering_key: setting(
    z
      .string()
      .min(1)
      .max(ORDERING_KEY.maxLength)
      .nullable()
      .meta({
        description: `With ordering strict: a dotted path into the event (data.…, agent_id or type; at most ${ORDERING_KEY.maxSegments} segments) whose value orders separately, e.g. data.customer_id: one customer's events never wait for another's. Events without a value there share one order. null = one order for the whole endpoint`,
        example: "data.customer_id",
      }),
    null,
    z.string().nullable().meta({
      description: "The event field whose value orders separately; null = one order per endpoint",
    }),
  ),
  send_traceparent: setting(
    z.boolean().meta({
      description:
        "Each attempt's request carries a W3C `traceparent` header: the event's trace id (the one given at publish, or the one hookrelay started) and a new span id per attempt (docs/tracing.md). Not signed. false when omitted on create, unchanged when omitted on update",
      example: true,
    }),
    false,
    z.boolean().meta({
      description:
        "Each attempt's request carries a W3C `traceparent` (the event's trace, a new span per attempt)",
    }),
  ),
  headers: setting(
    z.record(z.string(), z.string()).meta({
      description: "Custom headers sent with every delivery (no hop-by-hop, signature or content headers)",
      example: { "x-tenant": "acme" },
    }),
    {},
    z.record(z.string(), z.string()),
  ),
  status: setting(
    z.enum(["active", "disabled", "paused"], {
      error: "status must be active, disabled or paused (failing is set only by the service)",
    }),
    "active",
    z.enum(["active", "disabled", "failing", "paused"]).meta({
      description:
        "active; disabled (by you or auto-disabled: its events are parked, resumed on re-enable); failing (set after 24 h of failures); paused (by you: nothing is sent or counted as a failure, its events are held and delivered when it is active again)",
    }),
  ),
  // Not z.record: copying keys into a new object would lose `__proto__`; checkFilter checks it all.
  filter: setting(
    z.unknown().meta({
      type: ["object", "null"],
      description:
        "Payload filter (JSON match on `{ id, type, agent_id, timestamp, data }`, see docs/filters.md); null = every event",
      example: { data: { amount: { $gte: 100 } } },
    }),
    null,
    z.record(z.string(), z.unknown()).nullable().meta({
      description: "Payload filter (docs/filters.md); null = every event",
    }),
  ),
};

type Table = typeof ENDPOINT_SETTINGS;
export type EndpointSettingName = keyof Table;
/** Every setting as a caller gives it (checked by its schema). */
export type EndpointSettingValues = { [K in EndpointSettingName]: z.output<Table[K]["input"]> };

export const ENDPOINT_SETTING_NAMES = Object.keys(ENDPOINT_SETTINGS) as EndpointSettingName[];

const each = <T>(pick: (s: Table[EndpointSettingName]) => unknown) =>
  Object.fromEntries(ENDPOINT_SETTING_NAMES.map((k) => [k, pick(ENDPOINT_SETTINGS[k])])) as T;

/** The create and update bodies' fields: each optional (omitted = the default on create, unchanged on update). */
export const endpointSettingInputs = each<{ [K in EndpointSettingName]: z.ZodOptional<Table[K]["input"]> }>(
  (s) => s.input.optional(),
);
/** The endpoint view's fields for the settings. */
export const endpointSettingViews = each<{ [K in EndpointSettingName]: Table[K]["view"] }>((s) => s.view);
/** What a new endpoint starts with. */
export const endpointSettingDefaults = each<EndpointSettingValues>((s) => s.initial);

type Settings<T> = Pick<T, Extract<keyof T, EndpointSettingName>>;

/** The settings `given` holds, the undefined ones left out (an update's omitted fields stay as they are). */
export function givenSettings<T extends object>(given: T): Partial<Settings<T>> {
  const from = given as Record<string, unknown>;
  return Object.fromEntries(
    ENDPOINT_SETTING_NAMES.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]),
  ) as Partial<Settings<T>>;
}

/** A stored endpoint's settings as the view shows them: a field the item lacks (written before it existed) shows its default. */
export function storedSettings(stored: Partial<Record<EndpointSettingName, unknown>>): SettingViews {
  return Object.fromEntries(
    ENDPOINT_SETTING_NAMES.map((k) => [k, stored[k] ?? endpointSettingDefaults[k]]),
  ) as SettingViews;
}

type SettingViews = { [K in EndpointSettingName]: z.output<Table[K]["view"]> };
