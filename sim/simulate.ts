/** Runs scenarios by name: each with its fault, then without it, on the same seed. */
import { resultOf, type ScenarioResult } from "./report.js";
import { runOnce } from "./run.js";
import { type Scale, scenarios } from "./scenarios.js";

export interface SimulateOptions {
  seed: number;
  scale: Scale;
  onResult?: (r: ScenarioResult) => void;
}

export async function simulate(
  names: string[] | undefined,
  opts: SimulateOptions,
): Promise<ScenarioResult[]> {
  const chosen = names ? names.map(find) : scenarios.filter((s) => !s.counterfactual);
  const out: ScenarioResult[] = [];
  for (const s of chosen) {
    const started = performance.now();
    const spec = (fault: boolean) => {
      const x = s.spec(fault, opts.scale);
      return { ...x, world: { warm: !s.cold, ...x.world } };
    };
    const faulty = spec(true);
    const figures = await runOnce(faulty, opts.seed, true);
    const baseline = await runOnce(spec(false), opts.seed, false);
    const k = Math.max(...faulty.groups.map((g) => g.k));
    const r = resultOf(s.name, (performance.now() - started) / 1000, k, figures, baseline);
    opts.onResult?.(r);
    out.push(r);
  }
  return out;
}

function find(name: string) {
  const s = scenarios.find((x) => x.name === name);
  if (!s) throw new Error(`no scenario ${name}; known: ${scenarios.map((x) => x.name).join(", ")}`);
  return s;
}
