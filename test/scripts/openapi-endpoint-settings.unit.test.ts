/**
 * scripts/openapi-endpoint-settings.ts: the CLI's endpoint-setting flags from the endpoint
 * bodies' schemas, as zod writes them into the OpenAPI document (nullable as a type list or an
 * anyOf member, enums, bounds); only the contract's fields, not the aliases.
 */
import { describe, expect, it } from "vitest";
import { endpointSettingFlags } from "../../scripts/openapi-endpoint-settings.js";

const properties = {
  label: { type: ["string", "null"], minLength: 1, maxLength: 255, description: "Display name" },
  name: { type: "string", description: "Alias of `label`" },
  agent_id: { anyOf: [{ type: "string", maxLength: 128 }, { type: "integer" }, { type: "null" }] },
  rate_limit: { type: ["integer", "null"], minimum: 1, maximum: 500 },
  status: { type: "string", enum: ["active", "paused"] },
  send_traceparent: { type: "boolean" },
  event_types: { type: "array", items: { type: "string", maxLength: 128 }, maxItems: 100 },
  headers: { type: "object", additionalProperties: { type: "string" } },
  filter: { type: ["object", "null"] },
  // A throwaway field, as the recipe's trial added it: no edit of the generator or the CLI.
  owner: { type: ["string", "null"], maxLength: 200, description: "Who answers for it" },
};
const doc = (props: Record<string, unknown>) => ({
  components: {
    schemas: { UpdateEndpoint: { properties: props }, CreateHttpsEndpoint: { properties: props } },
  },
});

describe("endpointSettingFlags", () => {
  it("reads each contract field's kind, bounds, choices, description and nullability", () => {
    const names = Object.keys(properties).filter((n) => n !== "name");
    const flags = endpointSettingFlags(doc(properties), names);
    expect(flags.map((f) => f.field)).toEqual(names);
    expect(Object.fromEntries(flags.map(({ field, ...f }) => [field, f]))).toEqual({
      label: { kind: "string", nullable: true, min: 1, max: 255, description: "Display name" },
      agent_id: { kind: "string", nullable: true, max: 128 },
      rate_limit: { kind: "integer", nullable: true, min: 1, max: 500 },
      status: { kind: "choice", nullable: false, values: ["active", "paused"] },
      send_traceparent: { kind: "boolean", nullable: false, values: ["true", "false"] },
      event_types: { kind: "list", nullable: false, max: 128, maxItems: 100 },
      headers: { kind: "map", nullable: false },
      filter: { kind: "json", nullable: true },
      owner: { kind: "string", nullable: true, max: 200, description: "Who answers for it" },
    });
  });

  it("fails the generation on a field the bodies lack or a shape the CLI has no flag for", () => {
    expect(() => endpointSettingFlags(doc(properties), ["missing"])).toThrow(/lack the setting missing/);
    const odd = { ...properties, weights: { type: "array", items: { type: "number" } } };
    expect(() => endpointSettingFlags(doc(odd), ["weights"])).toThrow(
      /no flag for the endpoint field weights/,
    );
  });
});
