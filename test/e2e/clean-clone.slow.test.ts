/**
 * The README's first command on a clean clone: `npm install` alone leaves what `npm test`, the
 * client package and `npx hookrelay` need. A clone has no generated or built files (both are
 * gitignored), so the root `prepare` script, which npm runs on `npm install` and `npm ci`,
 * writes packages/client/generated/ and builds packages/client/dist/.
 *
 * The clone is the repository's tracked files; its node_modules is a hard-linked copy of
 * ours (the registry is not contacted), so `npm install --offline` installs nothing and runs
 * only the lifecycle scripts, as it would after a first install.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../../", import.meta.url));
let clone: string;

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, NODE_OPTIONS: "", npm_config_offline: "true" };
    execFile(cmd, args, { cwd, env, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** The tracked files, as `git clone` would check them out (the working tree's version). */
async function trackedFiles(): Promise<string[]> {
  const ls = await run("git", ["ls-files", "-z"], repo);
  expect(ls.code, ls.out).toBe(0);
  return ls.out.split("\0").filter((f) => f && existsSync(join(repo, f)));
}

/** Hard links when the temporary directory is on the same file system (seconds), else a copy. */
async function copyNodeModules(to: string): Promise<void> {
  const linked = await run("cp", ["-al", join(repo, "node_modules"), to], repo);
  if (linked.code !== 0) cpSync(join(repo, "node_modules"), join(to, "node_modules"), { recursive: true });
}

beforeAll(async () => {
  clone = mkdtempSync(join(tmpdir(), "hookrelay-clone-"));
  for (const file of await trackedFiles()) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    cpSync(join(repo, file), join(clone, file));
  }
  await copyNodeModules(clone);
  expect(existsSync(join(clone, "packages", "client", "generated"))).toBe(false);
  expect(existsSync(join(clone, "packages", "client", "dist"))).toBe(false);
}, 180_000);

afterAll(() => {
  if (clone) rmSync(clone, { recursive: true, force: true });
});

describe("a clean clone after `npm install`", { timeout: 240_000 }, () => {
  it("has the generated types, the built client, and a working CLI", async () => {
    const npm = await run("npm", ["install", "--offline", "--no-audit", "--no-fund"], clone);
    expect(npm.code, npm.out).toBe(0);

    // What test/client/package.slow.test.ts, the client's types and the CLI need (the CLI reads
    // tables `npm run generate` derives from the document: destinations.ts, endpoint-settings.ts).
    const generated = readdirSync(join(clone, "packages", "client", "generated"));
    expect(generated).toEqual(
      expect.arrayContaining(["destinations.ts", "endpoint-settings.ts", "openapi.d.ts", "openapi.json"]),
    );

    // Plain Node, no TypeScript loader, no source condition: the package's entry points resolve.
    const imports = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const c = await import("@hookrelay/client"); const v = await import("@hookrelay/client/verify");
         const p = await import("@hookrelay/client/publish");
         console.log(typeof c.createClient, typeof v.verify, typeof p.publishEvents);`,
      ],
      clone,
    );
    expect(imports).toEqual({ code: 0, out: "function function function\n" });

    const help = await run("npx", ["--offline", "hookrelay", "--help"], clone);
    expect(help.code, help.out).toBe(0);
    expect(help.out).toMatch(/^usage: hookrelay <command>/);
    // The endpoint-setting flags come from the generated table (packages/client/src/cli/settings.ts).
    const create = await run("npx", ["--offline", "hookrelay", "endpoints", "create", "--help"], clone);
    expect(create.code, create.out).toBe(0);
    expect(create.out).toContain("--rate-limit N  (1–500; --no-rate-limit sends null)");
  });
});
