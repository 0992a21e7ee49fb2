/** Unit tests: type patterns, the agent filter, endpoint selection, derived message ids. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { messageIdFromSqs } from "../../core/events/message-id.js";
import { agentMatches, matchEndpoints, subscribes, typeMatches } from "../../core/filters/match.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { isId } from "../../core/model/ids.js";

describe("typeMatches", () => {
  it.each([
    ["telephony.complete", "telephony.complete", true],
    ["telephony.*", "telephony.complete", true],
    ["telephony.*", "telephony.tool.called", true],
    ["telephony.*", "telephony", false],
    ["telephony.*", "telephonyx.complete", false],
    ["telephony.*", "web.complete", false],
    ["*", "anything.at.all", true],
    ["chat.message.*", "chat.message.completed", true],
    ["chat.*", "chat.message.completed", true],
    ["web.complete", "web.completed", false],
    ["web.complete", "web", false],
  ])("%s vs %s → %s", (pattern, type, expected) => {
    expect(typeMatches(pattern, type)).toBe(expected);
  });

  it("an empty subscription takes every type", () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), (type) => subscribes([], type)));
  });

  it("an exact name always matches itself and `*` matches everything", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (type) => typeMatches(type, type) && typeMatches("*", type)),
    );
  });
});

describe("agentMatches", () => {
  it("null takes every agent, a value only its own", () => {
    expect(agentMatches(null, null)).toBe(true);
    expect(agentMatches(null, "a")).toBe(true);
    expect(agentMatches("a", "a")).toBe(true);
    expect(agentMatches("a", "b")).toBe(false);
    expect(agentMatches("a", null)).toBe(false);
    // An endpoint's integer agent matches the same value sent as a string (events store strings).
    expect(agentMatches(7, "7")).toBe(true);
    expect(agentMatches(7, "70")).toBe(false);
  });
});

describe("matchEndpoints", () => {
  const ep = (id: string, over: Partial<EndpointRecord>) =>
    ({ id, event_types: [], agent_id: null, status: "active", ...over }) as EndpointRecord;

  it("splits matching endpoints into targets and skipped (disabled)", () => {
    const res = matchEndpoints(
      [
        ep("a", {}),
        ep("b", { status: "failing" }),
        ep("c", { status: "disabled" }),
        ep("d", { event_types: ["web.*"] }),
        ep("e", { agent_id: "x", status: "disabled" }),
      ],
      { type: "telephony.complete", agent_id: "y" },
    );
    expect(res.targets.map((e) => e.id)).toEqual(["a", "b"]);
    expect(res.skipped.map((e) => e.id)).toEqual(["c"]);
  });

  it("applies payload filters last: refused events are only `filtered`, disabled or not", () => {
    const paid = JSON.stringify({ data: { status: "paid" } });
    const res = matchEndpoints(
      [
        ep("a", { filter: paid }),
        ep("b", { filter: JSON.stringify({ agent_id: "y", id: "msg_1" }) }),
        ep("c", { filter: paid, status: "disabled" }),
        ep("d", { filter: JSON.stringify({ type: { $startsWith: "telephony." } }), status: "disabled" }),
        ep("e", { filter: paid, event_types: ["web.*"] }),
        ep("f", { filter: null }),
      ],
      { id: "msg_1", type: "telephony.complete", agent_id: "y", created_at: "t", data: { status: "open" } },
    );
    expect(res.targets.map((e) => e.id)).toEqual(["b", "f"]);
    expect(res.skipped.map((e) => e.id)).toEqual(["d"]);
    // Not subscribed (e) is not "filtered": only what the filter itself refused counts.
    expect(res.filtered?.map((e) => e.id)).toEqual(["a", "c"]);
  });
});

describe("messageIdFromSqs", () => {
  it("is a valid, deterministic msg id that sorts by send time", () => {
    const t = new Date("2026-03-01T10:00:00Z");
    const a = messageIdFromSqs("0e3f7c1a-1111-2222-3333-444455556666", t);
    expect(isId("msg", a)).toBe(true);
    expect(messageIdFromSqs("0e3f7c1a-1111-2222-3333-444455556666", t)).toBe(a);
    expect(messageIdFromSqs("another", t)).not.toBe(a);
    expect(messageIdFromSqs("zzz", new Date(t.getTime() + 1)) > messageIdFromSqs("aaa", t)).toBe(true);
  });
});
