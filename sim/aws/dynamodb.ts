/**
 * DynamoDB on demand, as the production store modules see it: a stand-in for the document
 * client (`db.doc.send(command)`) whose items and semantics are the in-memory table's
 * (core/store/memory-db.ts: expressions, conditions, transactions, indexes, paging), with what
 * AWS adds on top: latency, what each call costs where it lands, and throttling.
 *
 * Documented quotas and behaviours modelled (DynamoDB Developer Guide):
 * - a partition serves at most 1,000 write units/s and 3,000 read units/s ("Partitions and
 *   data distribution"; "Service, account, and table quotas": per-partition throughput);
 *   beyond it the request is throttled. The limit is hard: burst capacity (up to 300 s of
 *   unused capacity) is a provisioned-mode reserve, and on-demand keeps no credit beyond the
 *   partition's limit; adaptive capacity ("Burst and adaptive capacity") moves throughput to
 *   a hot partition and isolates hot items in partitions of their own ("split for heat"), but
 *   never above 1,000 WCU / 3,000 RCU for one item key. The model holds the limit per
 *   partition key value (sim/aws/meter.ts), the item collection on one partition: a key
 *   is served up to its limit in each second, no more, and the rest of the second's calls on
 *   it are throttled (the last call served may pass the limit by less than its own units,
 *   which the key then owes the next second). Reads of a cohort are metered, not throttled
 *   (what they read is cached per process: k times a simulated miss is an upper bound);
 * - a conditional write whose condition is false still consumes write capacity, by the size of
 *   the item as it is (1 unit when there is none) ("Read and write operations": conditional
 *   writes), so refused takes and claims load their key like the writes they stand for;
 * - 1 write unit per 1 KB written (the larger of the item before and after an update), 1 read
 *   unit per 4 KB read strongly, half eventually consistent; a transaction bills 2x; a global
 *   secondary index is written again when the item's entry in it changes (an index key, or a
 *   projected attribute: sim/aws/dynamodb-index.ts cites the rule), by the size of its index
 *   entry, the projected attributes ("Provisioned throughput considerations for global
 *   secondary indexes": a keys-only entry is the keys alone), and an index partition at its
 *   limit throttles the table's write ("Global secondary indexes: throttling", back-pressure);
 * - a throttled call is retried by the SDK (production's clients: standard mode, 3 attempts,
 *   core/config/aws.ts; the installed @smithy/core's delay for a throttling error: a random
 *   share of min(20 s, 1 s x 2^retries); none inside core/store/throttle-retries.ts's
 *   `withoutThrottleRetries`, as production's client) and then throws
 *   ProvisionedThroughputExceededException; BatchWriteItem returns throttled items as
 *   UnprocessedItems, and throws when none of its items could be written ("BatchWriteItem");
 * - an on-demand table's default maximum: 40,000 write and 40,000 read units/s ("Quotas"),
 *   metered here, not enforced (docs/scale.md: the quota plan raises it).
 * Latency: 3-8 ms per call (single-digit milliseconds, the service's published figure).
 * Item size is approximated by its JSON length (names plus values), close to DynamoDB's rule.
 */
import { serve } from "../../core/store/memory-db.js";
import { applyUpdate } from "../../core/store/memory-evaluate.js";
import { parseUpdate } from "../../core/store/memory-expression.js";
import { clean, queryPartition } from "../../core/store/memory-query.js";
import { MemoryTable } from "../../core/store/memory-table.js";
import { throttleRetriesOff } from "../../core/store/throttle-retries.js";
import type { Engine } from "../engine.js";
import { indexWrites } from "./dynamodb-index.js";
import { type Meter, PARTITION_RCU_PER_S, PARTITION_WCU_PER_S } from "./meter.js";

type Item = Record<string, unknown>;
type Input = Record<string, unknown>;
type Command = { input: unknown; constructor: { name: string } };

export { PARTITION_RCU_PER_S, PARTITION_WCU_PER_S };
export const TABLE_MAX_WCU_PER_S = 40_000;
const SDK_ATTEMPTS = 3;

/** The global secondary indexes' keys (core/config/infra.ts): the item is written again under them. */
const INDEX_KEYS = [...new MemoryTable().indexKeys.values()];

class SimError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super(message);
    Object.assign(this, extra);
  }
}

const sizeOf = (item: Item | undefined) => (item ? JSON.stringify(item).length : 0);
const wcu = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

export interface DynamoFaults {
  /** Probability that a write is throttled whatever its partition's load (throttle-storm). */
  throttleWrites?: number;
}

export class DynamoModel {
  readonly table = new MemoryTable();
  faults: DynamoFaults = {};
  /** Whether partitions throttle at their limits (lifted while a world is seeded: sim/tenants.ts). */
  limits = true;
  /** AWS's latency per call; off for the calibration's local machine (sim/calibration/local-machine.ts). */
  latency = true;

  constructor(
    private engine: Engine,
    private meter: Meter,
  ) {}

  /** The document client's `send`, as the store modules call it. */
  readonly doc = { send: (command: Command) => this.send(command) };

  async send(command: Command): Promise<unknown> {
    const input = command.input as Input;
    const kind = command.constructor.name.replace(/Command$/, "");
    // A call its caller makes without throttle retries (core/store/throttle-retries.ts) is tried once.
    const attempts = throttleRetriesOff() ? 1 : SDK_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      const ms = 3 + this.engine.random() * 5;
      await this.engine.sleep(this.latency ? ms : 0);
      let refused: string | undefined;
      if (kind === "BatchWrite") {
        const out = this.batchWrite(input);
        if (typeof out !== "string") return out;
        refused = out;
      } else {
        refused = this.refusal(kind, input);
        if (refused === undefined) return this.apply(command, kind, input);
      }
      this.meter.count("dynamodb_throttled_requests");
      // By the kind of key that refused it (`ORG`, `MSG`…; `fault`: throttle-storm's injection).
      this.meter.count(`dynamodb_throttled:${refused}`);
      if (attempt >= attempts) {
        throw new SimError("ProvisionedThroughputExceededException", "throttled (simulated)", {
          $retryable: { throttling: true },
        });
      }
      await this.engine.sleep(this.engine.random() * Math.min(20_000, 1_000 * 2 ** (attempt - 1)));
    }
  }

  /**
   * Why this call is throttled, if it is: the kind of a partition key it lands on that is at its
   * limit, or "fault" (an injected throttle).
   */
  private refusal(kind: string, input: Input): string | undefined {
    if (!this.limits) return undefined;
    if (kind === "Get") return this.full(String((input.Key as Item).pk), "r");
    if (kind === "Query") return this.full(queryPartition(this.table, input).pk, "r");
    const writes = writtenKeys(kind, input);
    if (writes.length === 0) return undefined;
    if (this.faulted()) return "fault";
    for (const write of writes) {
      const full = this.unwritable(write);
      if (full) return full;
    }
    return undefined;
  }

  /** The kind of `pk` (`ORG`, `MSG`…) if it has no room left this second, else undefined. */
  private full(pk: string, unit: "w" | "r", sk?: string): string | undefined {
    // A cohort's read is metered, not throttled: what an organization's shared keys are read
    // for (its item, its endpoints, its shard plan) is cached per process, so k times one
    // simulated miss is an upper bound on the real reads, not the count the limit applies to.
    if (unit === "r" && this.meter.perKey(pk, sk).on.share > 1) return undefined;
    return this.meter.hasRoom(pk, unit, sk) ? undefined : `${pk.split("#")[0]}${unit === "r" ? ":read" : ""}`;
  }

  private faulted(): boolean {
    const p = this.faults.throttleWrites ?? 0;
    return p > 0 && this.engine.random() < p;
  }

  /**
   * The kind of a full partition the write lands on: its own, or an index partition it writes
   * (dynamodb-index.ts: only where the item's entry changes, the partitions the write is billed
   * on), judged on the item as the write would leave it; undefined when all have room.
   */
  private unwritable(write: Written): string | undefined {
    const { key } = write;
    const own = this.full(String(key.pk), "w", String(key.sk));
    if (own) return own;
    const old = this.table.get(key);
    const next = afterWrite(old, write);
    for (const index of INDEX_KEYS) {
      for (const w of indexWrites(index, old, next)) {
        const full = this.full(w.pk, "w", w.sk);
        if (full) return full;
      }
    }
    return undefined;
  }

  /** Serves the call from the table, then meters what it read and wrote (nothing if it was refused). */
  private apply(command: Command, kind: string, input: Input): unknown {
    const keys = writtenKeys(kind, input).map((w) => w.key);
    const before = keys.map((k) => this.table.get(k));
    const read: Item[] = [];
    let out: unknown;
    try {
      out = serve(this.table, command, (item) => read.push(item));
    } catch (err) {
      // A single-item write refused on its condition is billed by the item as it is.
      if ((err as Error).name === "ConditionalCheckFailedException" && keys.length === 1)
        this.meter.write(String(keys[0]!.pk), wcu(sizeOf(before[0])), String(keys[0]!.sk));
      throw err;
    }
    const bytes = read.reduce((n, i) => n + sizeOf(i), 0);
    if (kind === "Get") {
      const key = input.Key as Item;
      this.meter.read(String(key.pk), bytes, input.ConsistentRead === true, String(key.sk));
    }
    if (kind === "Query")
      this.meter.read(queryPartition(this.table, input).pk, bytes, input.ConsistentRead === true);
    const factor = kind === "TransactWrite" ? 2 : 1;
    for (const [i, key] of keys.entries()) this.metered(key, before[i], this.table.get(key), factor);
    return out;
  }

  /**
   * A write's units on its partition and on each index partition whose entry of the item it
   * changes (dynamodb-index.ts): an index entry costs by its own size, the projected attributes
   * (a keys-only index's entry holds the table's and the index's keys only: GSI2's, 1 unit
   * however large the log item).
   */
  private metered(key: Item, old: Item | undefined, next: Item | undefined, factor: number): void {
    if (!old && !next) return;
    const units = wcu(Math.max(sizeOf(old), sizeOf(next))) * factor;
    this.meter.write(String(key.pk), units, String(key.sk));
    for (const index of INDEX_KEYS) {
      for (const w of indexWrites(index, old, next)) {
        const entry = { pk: key.pk, sk: key.sk, i: w.pk, s: w.sk };
        const own = index.keysOnly ? wcu(sizeOf(entry)) * factor : units;
        this.meter.write(w.pk, own, w.sk);
      }
    }
  }

  /**
   * Throttled items come back as UnprocessedItems, as BatchWriteItem does, the rest are
   * written; when none of them could be, the call is throttled: why, as `refusal` says.
   */
  private batchWrite(input: Input): string | { UnprocessedItems?: Record<string, unknown[]> } {
    const unprocessed: Record<string, unknown[]> = {};
    let written = 0;
    let why = "";
    for (const [table, reqs] of Object.entries(input.RequestItems as Record<string, Item[]>)) {
      for (const r of reqs) {
        const put = r.PutRequest as { Item: Item } | undefined;
        const key = put ? put.Item : (r.DeleteRequest as { Key: Item }).Key;
        const write = put ? { key } : { key, deletes: true };
        const refused = this.limits ? (this.faulted() ? "fault" : this.unwritable(write)) : undefined;
        if (refused) {
          why = refused;
          this.meter.count("dynamodb_throttled_items");
          unprocessed[table] ??= [];
          unprocessed[table].push(r);
          continue;
        }
        const old = this.table.get(key);
        if (put) this.table.put(clean(put.Item));
        else this.table.delete(key);
        this.metered(key, old, this.table.get(key), 1);
        written++;
      }
    }
    if (written === 0 && why) return why;
    return Object.keys(unprocessed).length ? { UnprocessedItems: unprocessed } : {};
  }
}

/** A write of one item: its key (a put's whole item), an update's own input, or a delete. */
interface Written {
  key: Item;
  update?: Input;
  deletes?: boolean;
}

/**
 * The item as `write` would leave it (undefined: deleted), before the table serves it: an
 * update applied to a copy, as the in-memory table applies it (its condition not evaluated: a
 * write is refused before it). An expression the table refuses leaves the item as it is.
 */
function afterWrite(old: Item | undefined, { key, update, deletes }: Written): Item | undefined {
  if (deletes) return undefined;
  if (!update) return key;
  try {
    const names = update.ExpressionAttributeNames as Record<string, string> | undefined;
    const actions = parseUpdate(String(update.UpdateExpression ?? ""), names);
    const values = clean((update.ExpressionAttributeValues ?? {}) as Item);
    return applyUpdate(old ?? { pk: key.pk, sk: key.sk }, actions, values);
  } catch {
    return old;
  }
}

/** The items a single-item write or a transaction writes (a condition check writes nothing). */
function writtenKeys(kind: string, input: Input): Written[] {
  if (kind === "Put") return [{ key: input.Item as Item }];
  if (kind === "Update") return [{ key: input.Key as Item, update: input }];
  if (kind === "Delete") return [{ key: input.Key as Item, deletes: true }];
  if (kind !== "TransactWrite") return [];
  return (input.TransactItems as Record<string, Input>[]).flatMap((t): Written[] => {
    if (t.Put) return [{ key: t.Put.Item as Item }];
    if (t.Update) return [{ key: t.Update.Key as Item, update: t.Update }];
    return t.Delete ? [{ key: t.Delete.Key as Item, deletes: true }] : [];
  });
}
