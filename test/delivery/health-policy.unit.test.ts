/**
 * The endpoint's health thresholds (core/delivery/policy/health.ts) at their edges, pure: the
 * writes that follow them are tested through core/delivery/health.ts (auto-disable,
 * breaker-window, health-write-behind).
 */
import { describe, expect, it } from "vitest";
import {
  becomesFailing,
  disableAt,
  LAST_DELIVERY_REFRESH_MS,
  successWrite,
  windowVerdict,
} from "../../core/delivery/policy/health.js";
import { emptyWindow, observe } from "../../core/delivery/policy/window.js";
import { newEndpointRecord } from "../../core/endpoints/record.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { deploymentContext } from "../support/decide-context.js";

const now = Date.parse("2026-01-01T12:00:00Z");
const HOUR = 3_600_000;
const { isolation } = deploymentContext(new Date(now)).config;
const endpoint = (over: Partial<EndpointRecord> = {}): EndpointRecord => ({
  ...newEndpointRecord({ org_id: "org_a", url: "https://example.com/h", secret: "whsec_x" }, new Date(now)),
  ...over,
});
const iso = (ms: number) => new Date(ms).toISOString();
/** `n` attempts in order, the i-th `ok(i)`, ending at `now`. */
const windowOf = (ok: boolean | ((i: number) => boolean), n: number, latencyMs = 10) => {
  let w = emptyWindow();
  for (let i = 0; i < n; i++) {
    w = observe(w, { atMs: now - n + i, ok: typeof ok === "boolean" ? ok : ok(i), latencyMs }, isolation);
  }
  return w;
};

describe("a success's write", () => {
  const at = { now, cacheMs: 10_000 };

  it("a healthy endpoint with a fresh last_delivery_at: none", () => {
    expect(successWrite(endpoint({ last_delivery_at: iso(now - 1000) }), {}, now, at)).toBeNull();
  });

  it("a stale last_delivery_at (a minute old): refreshed to the latest success", () => {
    const e = endpoint({ last_delivery_at: iso(now - LAST_DELIVERY_REFRESH_MS) });
    expect(successWrite(e, {}, now, at)).toBe(iso(now));
  });

  it("an unhealthy endpoint is reset, unless this process reset it within the cache's life", () => {
    const e = endpoint({ consecutive_failures: 3, last_delivery_at: iso(now - 1000) });
    expect(successWrite(e, {}, now, at)).toBe(iso(now));
    expect(successWrite(e, { healedAt: now - 5_000 }, now, at)).toBeNull();
  });

  it("a failure this process saw since its reset counts though the cached record predates it", () => {
    const e = endpoint({ last_delivery_at: iso(now - 1000) });
    expect(successWrite(e, { failedSinceHeal: true }, now, at)).toBe(iso(now));
  });
});

describe("failing and disabled", () => {
  it("an active endpoint becomes failing once its run has lasted failingAfterHours", () => {
    const health = { failingAfterHours: 24 };
    expect(becomesFailing({ status: "active" }, iso(now - 24 * HOUR), now, health)).toBe(true);
    expect(becomesFailing({ status: "active" }, iso(now - 24 * HOUR + 1), now, health)).toBe(false);
    expect(becomesFailing({ status: "failing" }, iso(now - 48 * HOUR), now, health)).toBe(false);
  });

  it("the auto-disable falls due disableAfterDays after the run began, never before failing", () => {
    const health = { disableAfterDays: 5 };
    const run = { firstFailureAt: iso(now), failingSince: iso(now + 24 * HOUR) };
    expect(disableAt(run, health)).toEqual(new Date(now + 5 * 24 * HOUR));
    expect(disableAt({ ...run, failingSince: iso(now + 6 * 24 * HOUR) }, health)).toEqual(
      new Date(now + 6 * 24 * HOUR),
    );
  });
});

describe("the breaker and the slow lane", () => {
  it("this process's run of breakerFailures failures opens it; the endpoint's shared count does not", () => {
    const run = windowOf(false, isolation.breakerFailures);
    expect(windowVerdict(endpoint(), run, new Date(now), isolation)).toBe("consecutive failures");
    const short = windowOf(false, isolation.breakerFailures - 1);
    expect(windowVerdict(endpoint(), short, new Date(now), isolation)).toBeNull();
    // Other processes' failures, added between successes that were not all written.
    const counted = endpoint({ consecutive_failures: 100 * isolation.breakerFailures });
    expect(windowVerdict(counted, windowOf(false, 1), new Date(now), isolation)).toBeNull();
  });

  it("the window's failure rate opens a closed breaker; a slow median moves the endpoint", () => {
    // 9 in 10 failing, never breakerFailures in a row.
    const failing = windowOf((i) => i % 10 === 9, 2 * isolation.windowMinRequests);
    expect(windowVerdict(endpoint(), failing, new Date(now), isolation)).toBe("failure rate");
    const open = endpoint({ breaker_open_until: iso(now + 60_000) });
    expect(windowVerdict(open, failing, new Date(now), isolation)).toBeNull();
    const slow = windowOf(true, 5, isolation.fastLaneBudgetMs);
    expect(windowVerdict(endpoint(), slow, new Date(now), isolation)).toBe("slow-lane");
    expect(windowVerdict(endpoint(), windowOf(true, 5), new Date(now), isolation)).toBeNull();
  });
});
