/**
 * The calibration table (docs/scale.md, "Calibration"): per shape, the local stack's side and
 * the simulation's, each over its runs (`--runs N`: N local runs, N simulation seeds). A delay
 * percentile is the median over a side's runs, with their min–max, and the two medians are
 * compared; a count is compared run by run, so it is marked when any run of the simulation
 * differs from any run of the local stack. Pure: sim/calibrate.ts prints and writes it.
 */
import type { Side } from "./sim-side.js";

export const COUNTS = [
  "deliveries",
  "attempts",
  "failed_attempts",
  "slow_lane_moves",
  "breaker_opens",
  "parked",
  "dead_letters",
] as const;

type Percentile = keyof Side["other"];
const PERCENTILES: readonly Percentile[] = ["p50_ms", "p95_ms", "p99_ms"];

/** The median of a side's runs (of an even count, the mean of the middle two, rounded). */
export function median(values: readonly number[]): number {
  const v = [...values].sort((x, y) => x - y);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid]! : Math.round((v[mid - 1]! + v[mid]!) / 2);
}

/** Within 30 % of the local stack's figure (or 50 ms of it, the local timer's grain). */
export const close = (sim: number, local: number) => Math.abs(sim - local) <= Math.max(0.3 * local, 50);

/** One value when every run gave it, else the range. */
function spread(values: readonly number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
}

/** The median, with the runs' min–max when there are several and they differ. */
function medianOf(values: readonly number[]): string {
  const range = spread(values);
  return values.length > 1 && range.includes("–") ? `${median(values)} (${range})` : `${median(values)}`;
}

/** Equal in every run on both sides: one value for all. */
const sameRunByRun = (sim: readonly number[], local: readonly number[]) =>
  new Set([...sim, ...local]).size === 1;

export function calibrationTable(sides: readonly Side[]): string {
  const head = [
    "| shape | side | runs | deliveries | attempts | failed attempts | slow-lane moves | breaker opens | parked | dead letters | trial deferrals | other tenant p50 / p95 / p99 (ms), median (min–max) |",
    "| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |",
  ];
  const rows: string[] = [];
  for (const shape of new Set(sides.map((s) => s.shape))) {
    const local = sides.filter((s) => s.shape === shape && s.side === "local stack");
    const sim = sides.filter((s) => s.shape === shape && s.side === "simulation");
    for (const runs of [local, sim]) {
      if (!runs.length) continue;
      const other = runs === sim && local.length ? local : undefined;
      const count = (k: (typeof COUNTS)[number]) => {
        const v = runs.map((s) => s[k]);
        const differs =
          other &&
          !sameRunByRun(
            v,
            other.map((s) => s[k]),
          );
        return `${spread(v)}${differs ? " ≠" : ""}`;
      };
      const delay = (k: Percentile) => {
        const v = runs.map((s) => s.other[k]);
        const far = other && !close(median(v), median(other.map((s) => s.other[k])));
        return `${medianOf(v)}${far ? " ≠" : ""}`;
      };
      // Older runs' JSON has no trial deferrals.
      const deferrals = runs.map((s) => s.trial_deferrals).filter((d) => d !== undefined);
      rows.push(
        `| ${shape} | ${runs[0]!.side} | ${runs.length} | ${COUNTS.map(count).join(" | ")} | ${deferrals.length ? medianOf(deferrals) : "–"} | ${PERCENTILES.map(delay).join(" / ")} |`,
      );
    }
  }
  return [...head, ...rows].join("\n");
}
