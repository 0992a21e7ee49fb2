/**
 * The organization's catalog as an OpenAPI 3.1 document (`GET /v1/event-types/openapi.json`,
 * docs/event-types.md): one entry per type under `webhooks`, each a POST whose body is the
 * webhook envelope (`id`, `type`, `timestamp`, `agent_id`, `data`) with the type's schema as
 * `data`, its examples, and the Standard Webhooks headers. A receiver generates the types of
 * what it will receive from it (openapi-typescript, docs/client.md). Pure: no I/O.
 *
 * Each schema sits in `components.schemas` under a PascalCase name; its local `$ref`s
 * (`#/$defs/…`) are rewritten to point inside that component, because a `#` in an OpenAPI
 * document means the document's root. catalog-import.ts undoes exactly that.
 */
import { createHash } from "node:crypto";
import { type EventTypeDef, schemaVersionOf, statusOf } from "../model/index.js";
import { exampleData } from "./example.js";
import { canonicalJson } from "./payload-hash.js";

export type OpenApiDocument = Record<string, unknown>;

/** What receivers get in the three Standard Webhooks headers (docs/receiving.md). */
const HEADERS = {
  WebhookId: {
    name: "webhook-id",
    description: "The event's id (msg_…), the same on every retry: deduplicate on it.",
    schema: { type: "string", examples: ["msg_01JQ3Z7Y8K4M2N6P9R1S3T5V7W"] },
  },
  WebhookTimestamp: {
    name: "webhook-timestamp",
    description: "When this attempt was signed, in seconds since the epoch; refuse one too far from now.",
    schema: { type: "string", pattern: "^[0-9]+$", examples: ["1767225600"] },
  },
  WebhookSignature: {
    name: "webhook-signature",
    description:
      "Space-separated signatures of `{webhook-id}.{webhook-timestamp}.{body}`: `v1,<base64 HMAC-SHA256>` with the endpoint's whsec_ secret (several during a rotation), or `v1a,<base64 ed25519>`. Verify with the standardwebhooks or svix libraries.",
    schema: { type: "string", examples: ["v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="] },
  },
} as const;

/** PascalCase names, made unique: `billing.invoice-paid` → `BillingInvoicePaid`. */
function componentNames(types: readonly EventTypeDef[]): Map<string, string> {
  const used = new Set<string>();
  const names = new Map<string, string>();
  for (const t of types) {
    const base =
      t.name
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join("") || "Event";
    let name = base;
    for (let i = 2; used.has(name) || used.has(`${name}Event`); i++) name = `${base}${i}`;
    used.add(name).add(`${name}Event`);
    names.set(t.name, name);
  }
  return names;
}

/** The schema with every local `$ref` (`#…`) moved under `prefix` (and back, in catalog-import.ts). */
export function movedRefs(schema: unknown, from: string, to: string): unknown {
  if (Array.isArray(schema)) return schema.map((s) => movedRefs(s, from, to));
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    const ref = k === "$ref" && typeof v === "string" && (v === from || v.startsWith(`${from}/`));
    out[k] = ref ? to + (v as string).slice(from.length) : movedRefs(v, from, to);
  }
  return out;
}

const DEF_KEYS = ["$defs", "definitions"] as const;

/**
 * The schema as components: itself under `name`, and each of its top-level `$defs` (or
 * `definitions`) as a component of its own (`name_key`), marked with where it came from so an
 * import puts it back. Generators such as openapi-typescript read `$defs` left inside a
 * component as a property of the object; hoisted, they become types of their own.
 */
function dataComponents(schema: Record<string, unknown>, name: string): Record<string, unknown> {
  const root = `#/components/schemas/${name}`;
  const out: Record<string, unknown> = {};
  const moves: [string, string][] = [];
  const rest: Record<string, unknown> = { ...schema };
  for (const key of DEF_KEYS) {
    const defs = schema[key];
    if (defs === null || typeof defs !== "object" || Array.isArray(defs)) continue;
    delete rest[key];
    for (const [def, sub] of Object.entries(defs)) {
      let component = `${name}_${def.replace(/[^A-Za-z0-9._-]/g, "_")}`;
      while (component in out || moves.some(([, to]) => to === `#/components/schemas/${component}`))
        component += "_";
      moves.push([
        `${root}/${key}/${def.replace(/~/g, "~0").replace(/\//g, "~1")}`,
        `#/components/schemas/${component}`,
      ]);
      out[component] = { ...(sub as object), "x-hookrelay-def": { key, name: def } };
    }
  }
  // First every local ref under the component, then the hoisted definitions' refs to theirs.
  const move = (s: unknown) =>
    moves.reduce((acc, [from, to]) => movedRefs(acc, from, to), movedRefs(s, "#", root));
  for (const [k, v] of Object.entries(out)) out[k] = move(v);
  out[name] = move(rest);
  return out;
}

/** The key of an example the export made up (not one of the type's own). */
export const GENERATED = "generated";

const EXAMPLE_EVENT = { id: "msg_01JQ3Z7Y8K4M2N6P9R1S3T5V7W", timestamp: "2026-01-01T00:00:00.000Z" };

function envelope(t: EventTypeDef, dataRef: string | undefined): Record<string, unknown> {
  return {
    type: "object",
    description: `The body of a ${t.name} webhook.`,
    required: ["id", "type", "timestamp", "data"],
    properties: {
      id: { type: "string", description: "The event's id; the same as the webhook-id header." },
      type: { type: "string", const: t.name },
      timestamp: { type: "string", format: "date-time", description: "When the event was accepted." },
      agent_id: {
        type: ["string", "integer"],
        description: "The agent the event is about, when the producer named one.",
      },
      data: dataRef ? { $ref: dataRef } : { type: "object", additionalProperties: true },
    },
    additionalProperties: false,
  };
}

function operation(t: EventTypeDef, component: string): Record<string, unknown> {
  // A type without examples gets one made from its schema, named so an import leaves it out.
  const samples = t.examples?.length
    ? t.examples.map((data, i) => [`example${i + 1}`, { value: { ...EXAMPLE_EVENT, type: t.name, data } }])
    : [
        [
          GENERATED,
          {
            summary: "Made from the schema",
            value: { ...EXAMPLE_EVENT, type: t.name, data: exampleData(t) },
          },
        ],
      ];
  const status = statusOf(t);
  return {
    operationId: t.name,
    summary: t.description.split("\n")[0]!.slice(0, 120),
    description: t.description,
    tags: ["Webhooks"],
    // Archived: no new events, but already-published ones may still arrive.
    ...(status === "active" ? {} : { deprecated: true }),
    "x-hookrelay-status": status,
    ...(t.deprecation ? { "x-hookrelay-deprecation": t.deprecation.note } : {}),
    "x-hookrelay-schema-version": schemaVersionOf(t),
    parameters: Object.keys(HEADERS).map((k) => ({ $ref: `#/components/parameters/${k}` })),
    requestBody: {
      required: true,
      content: {
        "application/json": {
          schema: { $ref: `#/components/schemas/${component}Event` },
          examples: Object.fromEntries(samples),
        },
      },
    },
    responses: {
      "200": {
        description:
          "Any 2xx answer acknowledges the event; anything else (or no answer in time) is retried.",
      },
    },
  };
}

export function catalogDocument(org: string, types: readonly EventTypeDef[]): OpenApiDocument {
  const names = componentNames(types);
  const schemas: Record<string, unknown> = {};
  const webhooks: Record<string, unknown> = {};
  for (const t of types) {
    const c = names.get(t.name)!;
    let dataRef: string | undefined;
    if (t.schema) {
      dataRef = `#/components/schemas/${c}`;
      Object.assign(schemas, dataComponents(t.schema, c));
    }
    schemas[`${c}Event`] = envelope(t, dataRef);
    webhooks[t.name] = { post: operation(t, c) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: `Webhooks of ${org}`,
      // Changes whenever the catalog does.
      version: createHash("sha256").update(canonicalJson(types)).digest("hex").slice(0, 12),
      description:
        "The events this organization's endpoints may receive: one webhook per event type, with the JSON Schema of its `data` (hookrelay event catalog). Generate receiver types with openapi-typescript.",
    },
    // Where the webhooks go: each endpoint's own URL.
    servers: [
      {
        url: "{endpoint}",
        description: "Your endpoint, as registered in hookrelay",
        variables: {
          endpoint: { default: "https://receiver.invalid/webhooks", description: "The endpoint's URL" },
        },
      },
    ],
    tags: [{ name: "Webhooks", description: "Each event type, as a POST to your endpoint." }],
    // What authenticates a webhook: its signature (the header is also listed on each operation for generators).
    security: [{ webhookSignature: [] }],
    webhooks,
    components: {
      schemas,
      parameters: Object.fromEntries(
        Object.entries(HEADERS).map(([k, h]) => [k, { ...h, in: "header", required: true }]),
      ),
      securitySchemes: {
        webhookSignature: {
          type: "apiKey",
          in: "header",
          name: "webhook-signature",
          description: HEADERS.WebhookSignature.description,
        },
      },
    },
  };
}
