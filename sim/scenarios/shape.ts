/**
 * What a scenario is, and the building blocks the scenario families share (sim/scenarios/*.ts;
 * their order and names are the index's, sim/scenarios.ts).
 *
 * `scale.k` multiplies every cohort size and `scale.span` every duration: the cohort test
 * runs a scenario at k/10 on a span/10 and compares the figures (test/sim/cohort.test.ts).
 */
import type { Behaviour } from "../receivers.js";
import type { RunSpec } from "../run.js";
import type { Group } from "../tenants.js";

export interface Scale {
  k: number;
  span: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** Starts with the event sources scaled down (5 concurrent invocations); others start scaled up. */
  cold?: boolean;
  /** What the design would do without one of its rules: run by name only, never in the full round. */
  counterfactual?: boolean;
  spec(faulty: boolean, scale: Scale): RunSpec;
}

export const HOUR = 3600;
export const DAY = 24 * HOUR;
export const k = (base: number, s: Scale) => Math.max(1, Math.round(base * s.k));

/** Tenants at a rate, healthy endpoints, fan-out 1-5 (the background every scenario has). */
export function others(rate: number, base: number, s: Scale, tenants = 200): Group {
  return { name: "ok", tenants, endpointsPerTenant: 15, ratePerS: rate, k: k(base, s), fanout: "mix" };
}

/** One tenant with one endpoint at `rate`, behaving `b` while faulty. */
export function single(
  name: string,
  rate: number,
  base: number,
  s: Scale,
  b: (t: number) => Behaviour,
): Group {
  return {
    name,
    tenants: 1,
    endpointsPerTenant: 1,
    ratePerS: rate,
    k: k(base, s),
    fanout: 1,
    atFault: true,
    behaviour: (_i, _j, t) => b(t),
  };
}
