/**
 * scripts/raise-shards.ts on DynamoDB Local: an operator raises an organization's message
 * shard count ahead of a launch through the production store function (raiseShards), from
 * RAISE_LEAD_MS after the raise on; a lower count, an unknown organization and bad arguments
 * are refused and change nothing; the same count again is a no-op. A deleted organization's
 * plan stays deleted: neither the script nor the automatic rule writes it again, even when the
 * deletion lands between their read of the organization and their write.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { deleteOrganization } from "../../core/orgs/index.js";
import { keys } from "../../core/store/keys.js";
import { BASE_PLAN, MAX_SHARDS } from "../../core/store/shard-plan.js";
import {
  growShards,
  RAISE_LEAD_MS,
  raiseShards,
  shardPlanOf,
  storedShardPlan,
} from "../../core/store/shard-plans.js";
import type { Db } from "../../core/store/table.js";
import { parseRaiseArgs, Refused, raiseOrgShards, UsageError } from "../../scripts/raise-shards.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

let stack: TestStack;

beforeAll(async () => {
  stack = await createTestStack();
});

async function newOrg(): Promise<string> {
  const org = uniqueOrg();
  await stack.deps.orgStore.putIfAbsent({
    org_id: org,
    name: "launch",
    created_at: new Date().toISOString(),
  });
  return org;
}

const script = fileURLToPath(new URL("../../scripts/raise-shards.ts", import.meta.url));

/** The script as an operator runs it: its own process, the table named by the environment alone. */
function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    TABLE_NAME: stack.env.TABLE_NAME,
    DYNAMODB_ENDPOINT: stack.env.DYNAMODB_ENDPOINT,
    AWS_REGION: "us-east-1",
  };
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", script, ...args], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("scripts/raise-shards.ts", { timeout: 120_000 }, () => {
  it("raises an organization to 64 shards from the lead on; every process's next read sees it", async () => {
    const org = await newOrg();
    const before = Date.now();
    const res = await run(["--org", org, "--shards", "64", "--json"]);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as { status: string; since: string; plan: unknown };
    expect(out.status).toBe("raised");
    const since = Date.parse(out.since);
    expect(since).toBeGreaterThanOrEqual(before + RAISE_LEAD_MS);
    const plan = await storedShardPlan(stack.deps.db, org);
    expect(plan).toEqual([...BASE_PLAN, { since, shards: 64 }]);
    expect(out.plan).toEqual(plan);
    // A process that had never read the plan (this one) reads it as stored.
    expect(await shardPlanOf(stack.deps.db, org)).toEqual(plan);

    // The same count again: nothing changes (a runbook may run twice).
    const again = await run(["--org", org, "--shards", "64"]);
    expect(again).toMatchObject({
      code: 0,
      stdout: `${org} already has 64 shards for new messages; nothing changed\n`,
    });
    // Lower: refused, the plan unchanged.
    const lower = await run(["--org", org, "--shards", "32"]);
    expect(lower.code).toBe(1);
    expect(lower.stderr).toContain("a count never goes down");
    expect(await storedShardPlan(stack.deps.db, org)).toEqual(plan);
  });

  it("refuses an unknown organization, a count past the maximum and bad arguments, writing nothing", async () => {
    const org = await newOrg();
    const db = stack.deps.db;
    await expect(raiseOrgShards(db, uniqueOrg(), 64, Date.now())).rejects.toThrow(Refused);
    await expect(raiseOrgShards(db, org, MAX_SHARDS + 1, Date.now())).rejects.toThrow(/at most 256/);
    await expect(raiseOrgShards(db, org, 8, Date.now())).rejects.toThrow(/never goes down/);
    expect(await storedShardPlan(db, org)).toEqual(BASE_PLAN);
    for (const argv of [
      ["--org", org],
      ["--org", org, "--shards", "0"],
      ["--org", org, "--shards", "1.5"],
      ["--org", org, "--shards", "abc"],
      ["--org", "org#other", "--shards", "64"],
      ["--shards", "64"],
    ])
      expect(() => parseRaiseArgs(argv)).toThrow(UsageError);
    const usage = await run(["--org", org, "--shards", "many"]);
    expect(usage.code).toBe(2);
    expect(await storedShardPlan(db, org)).toEqual(BASE_PLAN);
  });

  it("extends a plan the automatic rule raised meanwhile, from its latest count", async () => {
    const org = await newOrg();
    const db = stack.deps.db;
    const first = await raiseOrgShards(db, org, 32, Date.now());
    expect(first.status).toBe("raised");
    // A later raise starts after the pending one (an epoch starts after the last one).
    const second = await raiseOrgShards(db, org, 128, Date.now() + 1);
    expect(second.plan.map((e) => e.shards)).toEqual([16, 32, 128]);
  });

  it("writes nothing for a deleted organization, even when the deletion lands during the raise", async () => {
    const db = stack.deps.db;
    const planItem = async (org: string) =>
      (
        await db.doc.send(
          new GetCommand({ TableName: db.table, Key: keys.shardPlan(org), ConsistentRead: true }),
        )
      ).Item;
    const deleted = await newOrg();
    await deleteOrganization(stack.deps, deleted);
    const script = await run(["--org", deleted, "--shards", "64"]);
    expect(script.code).toBe(1);
    expect(script.stderr).toContain(`no organization ${deleted}`);
    // A write already in flight: the automatic rule after a throttled message write, a raise.
    expect(await growShards(db, deleted)).toBeUndefined();
    await expect(raiseShards(db, deleted, 32, Date.now())).rejects.toMatchObject({ status: 404 });
    expect(await planItem(deleted)).toBeUndefined();

    // The script read the organization before the DELETE, whose steps all run before its write.
    const org = await newOrg();
    let deleting: Promise<void> | undefined;
    const late: Db = {
      ...db,
      doc: {
        send: async (command: unknown) => {
          if (command instanceof PutCommand || command instanceof TransactWriteCommand) {
            deleting ??= deleteOrganization(stack.deps, org);
            await deleting;
          }
          return db.doc.send(command as GetCommand);
        },
      } as unknown as Db["doc"],
    };
    await expect(raiseOrgShards(late, org, 64, Date.now())).rejects.toThrow(`no organization ${org}`);
    expect(deleting).toBeDefined();
    expect(await planItem(org)).toBeUndefined();
  });
});
