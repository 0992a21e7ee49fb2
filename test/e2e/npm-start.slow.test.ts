/**
 * `npm start` as a user runs it: prints a working API URL and key, reports every part
 * healthy, and leaves no process (java) behind after Ctrl-C.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type StartedService, startService } from "../support/npm-start.js";
import { waitFor } from "../support/wait.js";

// Named like the default (`.data`), so the paths printed are the ones the README shows.
const tmp = mkdtempSync(join(tmpdir(), "hookrelay-start-"));
const dataDir = join(tmp, ".data");
let service: StartedService | undefined;
/** Every service started, so a test that fails half-way leaves no process behind. */
const started: StartedService[] = [];
const start = async (env: Record<string, string>) => {
  const s = await startService(env);
  started.push(s);
  return s;
};

afterAll(async () => {
  for (const s of started) await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * The README's sample of what `npm start` prints, one pattern per line: `…` stands for anything,
 * numbers for any number (ports, timings), so the sample cannot drift from the real banner.
 */
function readmeBanner(): { line: string; pattern: RegExp }[] {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const block = /and the local queue URLs:\n\n```\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? "";
  return block
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const escaped = line.trim().replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const source = escaped.replaceAll("…", ".*").replace(/\d+(\\\.\d+)*/g, "[\\d.]+");
      return { line, pattern: new RegExp(`^${source}$`) };
    });
}

/** Processes whose command line mentions our data dir (DynamoDB Local's -dbPath). */
function processesUsing(dir: string): string[] {
  try {
    return execFileSync("pgrep", ["-f", dir], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

// Each start boots DynamoDB Local (java): minutes on a loaded two-core machine.
describe("npm start", { timeout: 240_000 }, () => {
  it("serves a healthy API with a working key and stops cleanly", async () => {
    service = await start({ DATA_DIR: dataDir });
    const { url, key } = service;
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(JSON.stringify(await health.json())).not.toMatch(/error/);

    const list = await fetch(`${url}/v1/webhook-endpoints`, { headers: { authorization: `Bearer ${key}` } });
    expect(list.status).toBe(200);

    // The printed customer-portal link: the page loads and its token is a working session.
    const portal = /portal\s+(http:\/\/\S+)/.exec(service.output())?.[1];
    expect(portal).toMatch(/\/portal#token=hrps_/);
    expect((await fetch(portal!)).status).toBe(200);
    const token = new URLSearchParams(new URL(portal!).hash.slice(1)).get("token");
    const current = await fetch(`${url}/v1/portal-sessions/current`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(current.status).toBe(200);

    // The emulators, the queue URLs the DLQ redrive needs, and a warning about DynamoDB Local.
    const out = service.output();
    // The README's sample banner is what was printed, line by line and in order.
    const printed = out.split("\n").map((l) => l.trim());
    let at = 0;
    const banner = readmeBanner();
    expect(banner.length).toBeGreaterThan(15);
    for (const { line, pattern } of banner) {
      const found = printed.findIndex((l, i) => i >= at && pattern.test(l));
      expect(found, `README line not printed (in this order): ${line}\n${out}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
    expect(out).toMatch(/emulators\s+SQS\s+http:\/\/127\.0\.0\.1:\d+\s+\(fauxqs, on 127\.0\.0\.1 only\)/);
    expect(out).toMatch(/DynamoDB\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toMatch(/warning: DynamoDB Local listens on every network interface \(port \d+\)/);
    const exported = Object.fromEntries(
      [...out.matchAll(/export (DELIVERY_QUEUE_URL|DELIVERY_DLQ_URL)=(\S+)/g)].map((m) => [m[1], m[2]]),
    );
    expect(Object.keys(exported)).toEqual(["DELIVERY_QUEUE_URL", "DELIVERY_DLQ_URL"]);
    const redrive = execFileSync(
      process.execPath,
      ["node_modules/.bin/hookrelay", "dlq", "redrive", "--dry-run", "--json"],
      { env: { ...process.env, ...exported }, encoding: "utf8" },
    );
    expect(JSON.parse(redrive)).toEqual({ moved: 0, left: 0, hidden: 0, dry_run: true });

    expect(processesUsing(dataDir).length).toBeGreaterThan(0);
    expect(await service.stop()).toBe(0);
    await waitFor(() => processesUsing(dataDir).length === 0, { what: "no process left behind" });
  });

  it("reuses the organization and key on the next start", async () => {
    const first = await start({ DATA_DIR: dataDir });
    service = first;
    await first.stop();
    const second = await start({ DATA_DIR: dataDir });
    service = second;
    expect(second.key).toBe(first.key);
    const list = await fetch(`${second.url}/v1/webhook-endpoints`, {
      headers: { authorization: `Bearer ${second.key}` },
    });
    expect(list.status).toBe(200);
    await second.stop();
  });

  it("fails with one clear line when the port is busy", async () => {
    const { createServer } = await import("node:net");
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as { port: number }).port;
    const res = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, ["--import", "tsx", "local/start.ts"], {
        env: { ...process.env, DATA_DIR: dataDir, PORT: String(port) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      p.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      p.once("exit", (code) => resolve({ code, stderr }));
    });
    busy.close();
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toMatch(/^error: port \d+ \(API\) is already in use/);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
  });
});
