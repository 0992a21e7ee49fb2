/**
 * An endpoint whose every attempt fails is disabled `DISABLE_AFTER_DAYS` after its run of
 * failures began (Svix: "all attempts failing for 5 days"), where it used to wait
 * `FAILING_AFTER_HOURS` + `DISABLE_AFTER_DAYS` (6 days): issue #25, "Auto-disable comes only
 * after 24 h plus 5 days". The production health writes and maintenance handler, in memory.
 */
import { expect, it } from "vitest";
import { createMemoryContext } from "../../core/compose.js";
import { applyHealth } from "../../core/delivery/health.js";
import { createMaintenanceHandler } from "../../core/delivery/index.js";
import { putEndpointRecord } from "../support/endpoints.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

it("a dead endpoint is disabled 5 days after its first failure, not 24 h + 5 days", async () => {
  const start = Date.parse("2026-01-01T00:00:00Z");
  let clock = start;
  const ctx = createMemoryContext({ now: () => new Date(clock) });
  const ep = await putEndpointRecord(ctx.deps, { org_id: "org_dead", url: "https://dead.test/hook" });
  const fail = async () => {
    const cached = (await ctx.deps.endpointStore.get(ep.org_id, ep.id))!;
    await applyHealth(ctx.deps, cached, [{ ok: false, at: new Date(clock), error: "HTTP 500" }]);
  };
  // Failures every hour from the first one on: failing after 24 h, then disabled.
  for (; clock <= start + 7 * DAY; clock += HOUR) {
    await fail();
    await ctx.scheduler.fireDue(new Date(clock), createMaintenanceHandler(ctx.deps));
    const now = await ctx.deps.endpointStore.get(ep.org_id, ep.id);
    if (now?.status === "disabled") break;
  }
  const disabled = await ctx.deps.endpointStore.get(ep.org_id, ep.id);
  expect(disabled?.status).toBe("disabled");
  expect((clock - start) / DAY).toBe(5);
});
