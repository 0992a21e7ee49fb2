/**
 * One contract per limit (core/model/limits.ts): the API bodies and the ingest message accept
 * exactly the same agent ids and event-type names, so an endpoint can always be set up to
 * receive any event a producer may publish, and the reverse.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createEndpointBody } from "../../core/api/schemas/endpoints.js";
import { createEventTypeBody } from "../../core/api/schemas/event-types.js";
import { publishEventBody } from "../../core/api/schemas/events.js";
import { ingestMessage } from "../../core/model/client.js";
import { AGENT_ID, MAX_EVENT_TYPE_LENGTH } from "../../core/model/limits.js";

const endpointAccepts = (agent_id: unknown) =>
  createEndpointBody.safeParse({ url: "https://example.com", agent_id }).success;
const eventAccepts = (agent_id: unknown) =>
  ingestMessage.safeParse({ org_id: "acme", type: "a.b", data: {}, agent_id }).success;
const publishAccepts = (agent_id: unknown) =>
  publishEventBody.safeParse({ type: "a.b", data: {}, agent_id }).success;

/** Around every boundary of the agent-id rule, plus anything else. */
const agentIds = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.integer(),
  fc.double(),
  fc.nat({ max: AGENT_ID.maxLength + 3 }).map((n) => "a".repeat(n)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(null, true, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2),
);

describe("agent_id: one rule for endpoints and events", () => {
  it("an endpoint filter is accepted exactly when an event may carry it", () => {
    fc.assert(
      fc.property(agentIds, (v) => {
        // null clears an endpoint's filter; an event simply has no agent.
        if (v === null) return;
        expect(endpointAccepts(v), JSON.stringify(v)).toBe(eventAccepts(v));
        expect(publishAccepts(v), JSON.stringify(v)).toBe(eventAccepts(v));
      }),
      { numRuns: 500 },
    );
  });

  it("regression: a negative integer or a 129-character id is refused on both", () => {
    for (const v of [-1, "x".repeat(AGENT_ID.maxLength + 1)]) {
      expect(endpointAccepts(v)).toBe(false);
      expect(eventAccepts(v)).toBe(false);
    }
    for (const v of [0, 42, "x".repeat(AGENT_ID.maxLength)]) {
      expect(endpointAccepts(v)).toBe(true);
      expect(eventAccepts(v)).toBe(true);
    }
  });
});

describe("event-type names: one length everywhere", () => {
  const name = (n: number) => `a.${"b".repeat(n - 2)}`;

  it(`a ${MAX_EVENT_TYPE_LENGTH}-character name is accepted by the catalog, events and endpoints`, () => {
    const ok = name(MAX_EVENT_TYPE_LENGTH);
    expect(createEventTypeBody.safeParse({ name: ok, description: "d" }).success).toBe(true);
    expect(ingestMessage.safeParse({ org_id: "acme", type: ok, data: {} }).success).toBe(true);
    expect(createEndpointBody.safeParse({ url: "https://example.com", event_types: [ok] }).success).toBe(
      true,
    );
  });

  it("one character more is refused by all three", () => {
    const long = name(MAX_EVENT_TYPE_LENGTH + 1);
    expect(createEventTypeBody.safeParse({ name: long, description: "d" }).success).toBe(false);
    expect(ingestMessage.safeParse({ org_id: "acme", type: long, data: {} }).success).toBe(false);
    expect(createEndpointBody.safeParse({ url: "https://example.com", event_types: [long] }).success).toBe(
      false,
    );
  });
});
