/**
 * The burst shapes: what `npm run bench` measures on the local stack (bench/burst.ts) and
 * `npm run simulate -- --calibrate` runs on both the local stack and the simulation
 * (sim/calibration/). Data only, so the simulation imports it without the benchmark's clients.
 */
/** What tenant b's endpoint does: answers at once, never answers, or answers 204 after 1.9 s. */
export type BurstBad = "none" | "hang" | "under-budget";

export interface BurstShape {
  name: string;
  label: string;
  /** Events each of the two tenants publishes (fan-out 1: one endpoint each). */
  perTenant: number;
  /** Tenant a's events when fewer than `perTenant` (the rest of b's follow a's). */
  otherEvents?: number;
  bad: BurstBad;
  /** Events per second per tenant; all at once when unset. */
  ratePerTenant?: number;
  /**
   * Counts are read this long after the first publish: a time the run is quiet at (every
   * delivery done, or the hanging endpoint's breaker open and its parked tasks waiting out
   * the 60 s cooldown), so both sides of the calibration read the same state.
   */
  observeSeconds: number;
}

export const BURST_SHAPES: readonly BurstShape[] = [
  {
    name: "burst-hang",
    label: "2 x 100 at once, b hangs",
    perTenant: 100,
    bad: "hang",
    observeSeconds: 55,
  },
  {
    name: "burst-1.9s",
    label: "2 x 100 at once, b answers in 1.9 s",
    perTenant: 100,
    bad: "under-budget",
    observeSeconds: 30,
  },
  {
    name: "burst-healthy",
    label: "2 x 100 at once, both healthy",
    perTenant: 100,
    bad: "none",
    observeSeconds: 20,
  },
  {
    name: "paced",
    label: "paced 2 x 10 events/s for 10 s, fan-out 1",
    perTenant: 100,
    bad: "none",
    ratePerTenant: 10,
    observeSeconds: 25,
  },
];

/** Not reported: the first run on fresh emulators pays for the JVM's and Node's JIT, pools, caches. */
export const WARM_UP: BurstShape = {
  name: "warm-up",
  label: "warm-up, 2 x 30 at once, both healthy",
  perTenant: 30,
  bad: "none",
  observeSeconds: 20,
};

/** Not run by default: the calibration test's shape (test/sim/calibrate.slow.test.ts), small for CPU. */
// Tenant a publishes 2, as many as its endpoint's trial slots (isolation.trialInFlight), so a
// machine too loaded to answer a's requests within 1 s moves none of a's tasks to the slow lane:
// fewer than the 5 answers the latency rule needs (a's endpoint is not moved), and none refused
// by the trial gate, which sends a task it refused to the slow lane on one slow answer
// (policy/trial.ts). With 4, at load 16-27, a's 2 refused tasks read a slow first answer now and
// then (since a38882e they wait for it): 21 moves against the simulation's 20.
const SMALL: BurstShape = {
  name: "burst-hang-small",
  label: "2 + 20 at once, b hangs",
  perTenant: 20,
  otherEvents: 2,
  bad: "hang",
  observeSeconds: 45,
};

export function burstShape(name: string): BurstShape {
  const s = [...BURST_SHAPES, SMALL].find((x) => x.name === name);
  if (!s) throw new Error(`unknown shape ${name} (${BURST_SHAPES.map((x) => x.name).join(", ")})`);
  return s;
}

/** The order of publishing: a, b, a, b … while a has events, then b's; each entry a tenant. */
export function publishOrder(shape: BurstShape): ("a" | "b")[] {
  const a = shape.otherEvents ?? shape.perTenant;
  const out: ("a" | "b")[] = [];
  for (let i = 0; i < Math.max(a, shape.perTenant); i++) {
    if (i < a) out.push("a");
    if (i < shape.perTenant) out.push("b");
  }
  return out;
}
