/**
 * Raises one organization's message shard count ahead of a launch (docs/operations.md, "Raise
 * an organization's shards"): the automatic rule only doubles the count after DynamoDB has
 * throttled the organization's messages, and its raise starts 5 min later; an operator who
 * knows a tenant's launch raises it before.
 *
 *   TABLE_NAME=… [AWS_REGION=…] [DYNAMODB_ENDPOINT=…] npx tsx scripts/raise-shards.ts --org ORG_ID --shards N [--json]
 *
 * The new count applies to messages created from RAISE_LEAD_MS (300 s) after the raise on,
 * so every running process learns of it first (core/store/shard-plans.ts); stored items never
 * move. It goes through the production store function (raiseShards): a count is an integer
 * above the current one (the latest epoch's, a pending one included) and at most MAX_SHARDS.
 * Exit codes: 0 raised, or already at that count; 1 refused (lower than the current count,
 * above MAX_SHARDS, no such organization); 2 usage.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ServiceError } from "../core/model/index.js";
import { createDb } from "../core/store/db.js";
import { orgStore } from "../core/store/orgs.js";
import { MAX_SHARDS, type ShardPlan } from "../core/store/shard-plan.js";
import { RAISE_LEAD_MS, raiseShards, storedShardPlan } from "../core/store/shard-plans.js";
import type { Db } from "../core/store/table.js";

/** An organization id as the keys can hold it (`#` separates a key's parts). */
const ORG_ID = /^[A-Za-z0-9_-]{1,128}$/;

export class UsageError extends Error {}
export class Refused extends Error {}

export interface RaiseArgs {
  org: string;
  shards: number;
  json: boolean;
}

export interface RaiseOutcome {
  org: string;
  status: "raised" | "unchanged";
  shards: number;
  /** When the new count starts (ISO 8601): messages created from then on use it. */
  since?: string;
  plan: ShardPlan;
}

export function parseRaiseArgs(argv: string[]): RaiseArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      org: { type: "string" },
      shards: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.org || !ORG_ID.test(values.org))
    throw new UsageError("--org ORG_ID is required (letters, digits, _ and -)");
  const shards = Number(values.shards);
  if (!values.shards || !/^\d+$/.test(values.shards) || shards < 1)
    throw new UsageError(`--shards N is required: a whole number from 1 to ${MAX_SHARDS}`);
  return { org: values.org, shards, json: values.json };
}

/**
 * Raises `org` to `shards` from `now + RAISE_LEAD_MS` on. Unchanged when the plan's latest
 * count is already `shards`; Refused when it is higher, or the organization does not exist.
 */
export async function raiseOrgShards(
  db: Db,
  org: string,
  shards: number,
  now: number,
): Promise<RaiseOutcome> {
  const record = await orgStore(db).get(org);
  if (!record || record.deleted_at) throw new Refused(`no organization ${org}`);
  // A raise stored meanwhile by another writer (the automatic rule) is read again, twice at most.
  for (let tries = 0; tries < 3; tries++) {
    const current = await storedShardPlan(db, org);
    const latest = current[current.length - 1]!.shards;
    if (latest === shards) return { org, status: "unchanged", shards, plan: current };
    if (shards < latest) throw new Refused(`${org} has ${latest} shards: a count never goes down`);
    let plan: ShardPlan | undefined;
    try {
      plan = await raiseShards(db, org, shards, now + RAISE_LEAD_MS);
    } catch (err) {
      if (err instanceof RangeError) throw new Refused(err.message);
      // Deleted since it was read above: the store refuses to bring its plan back.
      if (err instanceof ServiceError && err.status === 404) throw new Refused(`no organization ${org}`);
      throw err;
    }
    if (plan)
      return { org, status: "raised", shards, since: new Date(plan.at(-1)!.since).toISOString(), plan };
  }
  throw new Refused(`${org}'s plan kept changing; run again`);
}

function describe(o: RaiseOutcome): string {
  if (o.status === "unchanged")
    return `${o.org} already has ${o.shards} shards for new messages; nothing changed`;
  return `${o.org}: messages created from ${o.since} on are spread over ${o.shards} shards`;
}

async function main(argv: string[]): Promise<number> {
  try {
    const args = parseRaiseArgs(argv);
    const table = process.env.TABLE_NAME;
    if (!table)
      throw new UsageError("set TABLE_NAME (and AWS_REGION, or DYNAMODB_ENDPOINT for DynamoDB Local)");
    const db = createDb({
      region: process.env.AWS_REGION ?? "us-east-1",
      tableName: table,
      endpoints: { dynamodb: process.env.DYNAMODB_ENDPOINT },
      secrets: {},
    });
    const outcome = await raiseOrgShards(db, args.org, args.shards, Date.now());
    process.stdout.write(`${args.json ? JSON.stringify(outcome) : describe(outcome)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError || err instanceof Refused)) throw err;
    process.stderr.write(`raise-shards: ${err.message}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  process.exitCode = await main(process.argv.slice(2));
