/**
 * `hookrelay event-types` lifecycle and contract commands as a user runs them (fresh processes
 * against the local stack): create, deprecate, export to a file, import it back, archive, get.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../local/stack.js";
import { runCli, startCliStack } from "../support/cli.js";

const dir = mkdtempSync(join(tmpdir(), "hookrelay-cli-catalog-"));
let stack: LocalStack;
let env: Record<string, string>;

beforeAll(async () => {
  ({ stack, env } = await startCliStack("clicat"));
});

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const hookrelay = (args: string[]) => runCli(args, env);

describe("hookrelay event-types", { timeout: 240_000 }, () => {
  it("deprecates, exports the catalog to a file, imports it back, archives", async () => {
    const name = "billing.invoice.paid";
    const schema = JSON.stringify({ type: "object", properties: { invoice_id: { type: "string" } } });
    expect(
      (
        await hookrelay([
          "event-types",
          "create",
          "--name",
          name,
          "--description",
          "Paid",
          "--schema",
          schema,
        ])
      ).code,
    ).toBe(0);
    const dep = await hookrelay([
      "event-types",
      "deprecate",
      name,
      "--note",
      "Use billing.invoice.settled",
      "--json",
    ]);
    expect(dep.code, dep.stderr).toBe(0);
    expect(JSON.parse(dep.stdout)).toMatchObject({
      status: "deprecated",
      deprecation: { note: "Use billing.invoice.settled" },
    });

    const file = join(dir, "catalog.json");
    const exported = await hookrelay(["event-types", "export", "--out", file]);
    expect(exported.code, exported.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.webhooks[name].post.deprecated).toBe(true);

    const imported = await hookrelay(["event-types", "import", file, "--json"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout).data.find((r: { name: string }) => r.name === name).action).toBe(
      "unchanged",
    );

    expect((await hookrelay(["event-types", "archive", name])).code).toBe(0);
    const got = await hookrelay(["event-types", "get", name, "--json"]);
    expect(JSON.parse(got.stdout)).toMatchObject({ name, status: "archived", schema_version: 1 });
    // A file that is not JSON is a usage error (exit code 2), sent nowhere.
    expect((await hookrelay(["event-types", "import", join(dir, "missing.json")])).code).toBe(2);
  });
});
