/**
 * `npm run simulate`'s command line (sim/options.ts, sim/cli.ts): `--help` prints every option
 * the parser accepts and exits 0; an unknown option or a missing value names the argument and
 * exits 2, before the simulation's modules load.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { OPTIONS, parseCli } from "../../sim/options.js";

const run = promisify(execFile);

describe("simulate's options", () => {
  it("--help lists every option the parser accepts", () => {
    const parsed = parseCli(["--help"]);
    expect(parsed.kind).toBe("help");
    const text = parsed.kind === "help" ? parsed.text : "";
    for (const name of Object.keys(OPTIONS)) expect(text).toContain(`--${name}`);
  });

  it("an unknown option, a missing value or a positional is an error naming it", () => {
    for (const [args, named] of [
      [["--scenrio", "smoke"], "--scenrio"],
      [["--seed"], "--seed"],
      [["smoke"], "smoke"],
    ] as const) {
      const parsed = parseCli([...args]);
      expect(parsed.kind).toBe("error");
      expect(parsed.kind === "error" && parsed.text).toContain(named);
    }
  });

  it("the options given are the run's", () => {
    const parsed = parseCli(["--scenario", "smoke", "--span", "0.1", "--from", "a.json", "--from", "b.json"]);
    expect(parsed).toMatchObject({
      kind: "run",
      values: { scenario: "smoke", span: "0.1", from: ["a.json", "b.json"] },
    });
  });

  it("the command: --help exits 0 with the usage, an unknown option exits 2 with the message", async () => {
    const cwd = new URL("../..", import.meta.url).pathname;
    const help = await run("npx", ["tsx", "sim/cli.ts", "--help"], { cwd });
    expect(help.stdout).toContain("usage: npm run simulate");
    const bad = await run("npx", ["tsx", "sim/cli.ts", "--nope"], { cwd }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 2 });
    expect((bad as { stderr: string }).stderr).toContain("--nope");
  });
});
