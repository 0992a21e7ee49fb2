/**
 * DynamoDB on demand, as the production store modules see it: a stand-in for the document
 * client (`db.doc.send(command)`) whose items and semantics are the in-memory table's
 * (core/store/memory-db.ts: expressions, conditions, transactions, indexes, paging), with what
 * AWS adds on top: latency, what each call costs where it lands, and throttling.
 *
 * Documented quotas and behaviours modelled (DynamoDB Developer Guide):
 * - a partition key value takes ~1,000 write units/s and ~3,000 read units/s ("Partitions and
 *   data distribution", "Burst and adaptive capacity"); beyond it, requests are throttled;
 * - 1 write unit per 1 KB written (the larger of the item before and after an update), 1 read
 *   unit per 4 KB read strongly, half eventually consistent; a transaction bills 2x; every
 *   global secondary index that holds the item is written again ("Read/write capacity mode");
 * - a throttled single-item call is retried by the SDK (standard mode: 3 attempts, backoff
 *   base 500 ms for throttling, capped 20 s) and then throws
 *   ProvisionedThroughputExceededException; BatchWriteItem returns throttled items as
 *   UnprocessedItems instead ("BatchWriteItem");
 * - an on-demand table's default maximum: 40,000 write and 40,000 read units/s ("Quotas").
 * Latency: 3-8 ms per call (single-digit milliseconds, the service's published figure).
 * Item size is approximated by its JSON length (names plus values), close to DynamoDB's rule.
 */
import { serve } from "../../core/store/memory-db.js";
import { clean, queryPartition } from "../../core/store/memory-query.js";
import { MemoryTable } from "../../core/store/memory-table.js";
import type { Engine } from "../engine.js";
import type { Meter } from "./meter.js";

type Item = Record<string, unknown>;
type Input = Record<string, unknown>;
type Command = { input: unknown; constructor: { name: string } };

export const PARTITION_WCU_PER_S = 1_000;
export const PARTITION_RCU_PER_S = 3_000;
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

  constructor(
    private engine: Engine,
    private meter: Meter,
  ) {}

  /** The document client's `send`, as the store modules call it. */
  readonly doc = { send: (command: Command) => this.send(command) };

  async send(command: Command): Promise<unknown> {
    const input = command.input as Input;
    const kind = command.constructor.name.replace(/Command$/, "");
    for (let attempt = 1; ; attempt++) {
      await this.engine.sleep(3 + this.engine.random() * 5);
      const throttled = this.throttles(kind, input);
      if (kind === "BatchWrite") return this.batchWrite(input, throttled);
      if (!throttled) return this.apply(command, kind, input);
      this.meter.count("dynamodb_throttled_requests");
      if (attempt >= SDK_ATTEMPTS) {
        throw new SimError("ProvisionedThroughputExceededException", "throttled (simulated)", {
          $retryable: { throttling: true },
        });
      }
      await this.engine.sleep(this.engine.random() * Math.min(20_000, 500 * 2 ** attempt));
    }
  }

  /** Whether this call is throttled: its partition over its limit, or an injected fault. */
  private throttles(kind: string, input: Input): boolean {
    if (kind === "Get" || kind === "Query") return false;
    if (this.faulted()) return true;
    const pk = (input.Key as Item | undefined)?.pk ?? (input.Item as Item | undefined)?.pk;
    return typeof pk === "string" && this.overLimit(pk);
  }

  private faulted(): boolean {
    const p = this.faults.throttleWrites ?? 0;
    return p > 0 && this.engine.random() < p;
  }

  /** A partition over its write limit refuses the share of its load above the limit. */
  private overLimit(pk: string): boolean {
    const load = this.meter.partitionLoad(pk);
    return load > PARTITION_WCU_PER_S && this.engine.random() < 1 - PARTITION_WCU_PER_S / load;
  }

  /** Serves the call from the table, then meters what it read and wrote (nothing if it was refused). */
  private apply(command: Command, kind: string, input: Input): unknown {
    const keys = writtenKeys(kind, input);
    const before = keys.map((k) => this.table.get(k));
    const read: Item[] = [];
    const out = serve(this.table, command, (item) => read.push(item));
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

  /** A write's units on its partition and on each index partition that holds the item. */
  private metered(key: Item, old: Item | undefined, next: Item | undefined, factor: number): void {
    if (!old && !next) return;
    const units = wcu(Math.max(sizeOf(old), sizeOf(next))) * factor;
    this.meter.write(String(key.pk), units, String(key.sk));
    for (const index of INDEX_KEYS) {
      const held = next?.[index.partitionKey] !== undefined ? next : old;
      const indexed = held?.[index.partitionKey] as string | undefined;
      if (indexed !== undefined) this.meter.write(indexed, units, String(held?.[index.sortKey] ?? ""));
    }
  }

  /** Throttled items come back as UnprocessedItems, as BatchWriteItem does; the rest are written. */
  private batchWrite(input: Input, throttled: boolean) {
    const unprocessed: Record<string, unknown[]> = {};
    for (const [table, reqs] of Object.entries(input.RequestItems as Record<string, Item[]>)) {
      for (const r of reqs) {
        const put = r.PutRequest as { Item: Item } | undefined;
        const key = put ? put.Item : (r.DeleteRequest as { Key: Item }).Key;
        const over = this.overLimit(String(key.pk));
        const fault = this.faulted();
        if (throttled || over || fault) {
          this.meter.count("dynamodb_throttled_items");
          unprocessed[table] ??= [];
          unprocessed[table].push(r);
          continue;
        }
        const old = this.table.get(key);
        if (put) this.table.put(clean(put.Item));
        else this.table.delete(key);
        this.metered(key, old, this.table.get(key), 1);
      }
    }
    return Object.keys(unprocessed).length ? { UnprocessedItems: unprocessed } : {};
  }
}

/** The keys a single-item write or a transaction writes (a condition check writes nothing). */
function writtenKeys(kind: string, input: Input): Item[] {
  if (kind === "Put") return [input.Item as Item];
  if (kind === "Update" || kind === "Delete") return [input.Key as Item];
  if (kind !== "TransactWrite") return [];
  return (input.TransactItems as Record<string, Input>[]).flatMap((t) =>
    t.Put ? [t.Put.Item as Item] : t.Update || t.Delete ? [(t.Update ?? t.Delete)!.Key as Item] : [],
  );
}
