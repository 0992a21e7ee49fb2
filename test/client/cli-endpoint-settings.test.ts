/**
 * `hookrelay endpoints create|update`'s setting flags, made from the OpenAPI document
 * (packages/client/src/cli/settings.ts, scripts/openapi-endpoint-settings.ts), as a user runs
 * them (fresh processes against the local stack): the fields that had no flag (`rate_limit`,
 * `filter` from text or `@file`), `--no-<flag>` for null, and what is refused before anything
 * is sent (exit code 2) or by the API (exit code 1).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.js";
import { runCli, startCliStack } from "../support/cli.js";
import { type Receiver, startReceiver } from "../support/receiver.js";

const dir = mkdtempSync(join(tmpdir(), "hookrelay-cli-settings-"));
let stack: LocalStack;
let receiver: Receiver;
let env: Record<string, string>;

beforeAll(async () => {
  ({ stack, env } = await startCliStack("cliset"));
  receiver = await startReceiver({ fallback: { status: 204 } });
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const hookrelay = (args: string[]) => runCli(args, env);

/** The endpoint as the API shows it now. */
const view = async (id: string) => JSON.parse((await hookrelay(["endpoints", "get", id, "--json"])).stdout);

const lastLine = (text: string) => text.trim().split("\n").at(-1) ?? "";

// Each command is a fresh process (tsx compiles the CLI): seconds each on a loaded machine.
describe("hookrelay endpoints: the setting flags", { timeout: 240_000 }, () => {
  it("sets rate_limit and filter (text, then @file), clears them with --no-…, keeps what is omitted", async () => {
    const filter = { data: { amount: { $gte: 100 } } };
    const created = await hookrelay([
      "endpoints",
      "create",
      "--url",
      receiver.url,
      "--rate-limit",
      "20",
      "--filter",
      JSON.stringify(filter),
      "--label",
      "billing",
      "--header",
      "x-tenant: acme",
      "--json",
    ]);
    expect(created.code, created.stderr).toBe(0);
    const ep = JSON.parse(created.stdout);
    expect(ep).toMatchObject({ rate_limit: 20, filter, label: "billing", headers: { "x-tenant": "acme" } });

    // A file, pretty-printed, read whole; the omitted fields stay as they are.
    const other = { type: "invoice.paid", data: { currency: { $in: ["EUR", "USD"] } } };
    const file = join(dir, "filter.json");
    writeFileSync(file, JSON.stringify(other, null, 2));
    const updated = await hookrelay([
      "endpoints",
      "update",
      ep.id,
      "--filter",
      `@${file}`,
      "--rate-limit",
      "7",
    ]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(await view(ep.id)).toMatchObject({ rate_limit: 7, filter: other, label: "billing" });

    const cleared = await hookrelay([
      "endpoints",
      "update",
      ep.id,
      "--no-rate-limit",
      "--no-filter",
      "--no-label",
    ]);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(await view(ep.id)).toMatchObject({ rate_limit: null, filter: null, label: null, max_retries: 5 });
  });

  it("refuses bad values before sending (exit 2), leaves the bounds to the API (exit 1), and --help states them", async () => {
    const ep = JSON.parse((await hookrelay(["endpoints", "create", "--url", receiver.url, "--json"])).stdout);
    const update = (...flags: string[]) => hookrelay(["endpoints", "update", ep.id, ...flags]);

    const notJson = await update("--filter", "{data:");
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^error: --filter must be a JSON object: /m);
    expect(notJson.stderr).toMatch(/^usage: hookrelay endpoints update /m);
    const array = await update("--filter", "[1]");
    expect(array.code).toBe(2);
    expect(array.stderr).toMatch(/^error: --filter must be a JSON object: got an array$/m);
    const missing = await update("--filter", `@${join(dir, "missing.json")}`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--filter: cannot read .*missing\.json \(ENOENT\)/);
    // Bounded: a file over 1 MiB is refused before it is parsed.
    const big = join(dir, "big.json");
    writeFileSync(big, `{"a":"${"x".repeat(1024 * 1024)}"}`);
    expect((await update("--filter", `@${big}`)).stderr).toMatch(
      /--filter: .*big\.json is over 1048576 bytes/,
    );
    expect((await update("--rate-limit", "2.5")).code).toBe(2);
    expect((await update("--rate-limit", "5", "--no-rate-limit")).code).toBe(2);

    // Within the CLI's reach but out of the field's bounds: the API's answer.
    const over = await update("--rate-limit", "501");
    expect(over.code).toBe(1);
    expect(lastLine(over.stderr)).toMatch(/^error: validation_error \(HTTP 400\)/);
    const badFilter = await update("--filter", JSON.stringify({ data: { $nope: 1 } }));
    expect(badFilter.code).toBe(1);
    expect(await view(ep.id)).toMatchObject({ rate_limit: null, filter: null });

    const help = await hookrelay(["endpoints", "create", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/\[--rate-limit N \| --no-rate-limit\]/);
    expect(help.stdout).toContain("--rate-limit N  (1–500; --no-rate-limit sends null)");
    expect(help.stdout).toContain("--filter JSON|@FILE  (a JSON object, or @FILE holding one;");
    expect(help.stdout).toContain("--event-type TYPE  (repeated, at most 100; each 1–128 characters)");
  });
});
