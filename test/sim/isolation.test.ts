/**
 * The #25 item 5 aims the simulation shows for isolation (docs/scale.md, Findings), each
 * scenario on a short span: the production delivery code on modelled AWS.
 */
import { describe, expect, it } from "vitest";
import { missed, simulate } from "./cli.js";

describe("npm run simulate: isolation aims", () => {
  it("just-under-budget: the endpoint answering 200 in 1.9 s moves to the slow lane; the others' p95 stays within 2x", async () => {
    const r = await simulate("--scenario", "just-under-budget", "--span", "0.05");
    expect(missed(r)).toEqual([]);
    expect((r.max_in_flight as Record<string, number>)["delivery-slow"]).toBeGreaterThan(0);
  }, 300_000);

  it("flapping: a 50 % endpoint's retries wait behind the other tenants' first attempts (fair queues); their p95 stays within 2x", async () => {
    const r = await simulate("--scenario", "flapping", "--span", "0.02", "--k", "0.05");
    // Every aim, the others' p95 (11.2x on main before the fair queues) among them.
    expect(missed(r)).toEqual([]);
  }, 600_000);
});
