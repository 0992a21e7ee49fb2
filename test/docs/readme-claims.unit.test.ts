/**
 * What the README promises, checked against the code that keeps the promise: the retry window
 * against the schedule and the limits, the idle cost against docs/cost.md, and every variable
 * the local tools read against docs/configuration.md. ("Retries for days" and "nothing to pay
 * when idle" were claims no configuration made true.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { retry } from "../../core/config/infra.js";
import { RETRIES } from "../../core/model/limits.js";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const readme = read("README.md");
const flat = readme.replace(/\s+/g, " ");

/** Seconds from the first attempt to the last, with `retries` retries and no jitter. */
function window(retries: number): number {
  const delays = retry.scheduleSeconds;
  let total = 0;
  for (let n = 1; n <= retries; n++) total += delays[Math.min(n, delays.length) - 1]!;
  return total;
}

describe("README claims", () => {
  it("states the default and the longest retry window the schedule gives", () => {
    const hours = (window(RETRIES.default) / 3600).toFixed(1);
    const days = (window(RETRIES.max) / 86_400).toFixed(1);
    expect(flat).toContain(`${RETRIES.default + 1} attempts over ${hours} hours by default`);
    expect(flat).toContain(`up to ${RETRIES.max + 1} over ${days} days`);
    expect(flat).toContain(
      `default ${RETRIES.default}: the last attempt ${hours} h after the first; with ${RETRIES.max}, ${days} days`,
    );
    expect(flat).not.toMatch(/for days/);
  });

  it("states the idle cost docs/cost.md adds up, KMS key included", () => {
    const idle = /Idle, it costs about (\$\d+) a month/.exec(flat)?.[1];
    expect(idle).toBeDefined();
    const cost = read("docs/cost.md").replace(/\s+/g, " ");
    expect(cost).toContain(`with no traffic at all, about **${idle} a month**`);
    expect(cost).toMatch(/the KMS key that wraps/);
    expect(flat).not.toMatch(/nothing to pay/i);
  });

  it("documents every variable npm start and npm run receiver read", () => {
    const config = read("docs/configuration.md");
    for (const file of ["local/start.ts", "local/receiver.ts"]) {
      const names = [...read(file).matchAll(/process\.env\.([A-Z_]+)|stackSecret\("([A-Z_]+)"/g)].map(
        (m) => m[1] ?? m[2],
      );
      expect(names.length, file).toBeGreaterThan(0);
      for (const name of names) expect(config, `${name} (${file})`).toContain(`\`${name}\``);
    }
  });
});
