/**
 * DynamoDB on demand, as the production store modules see it: a stand-in for the document
 * client (`db.doc.send(command)`) that keeps items in memory and meters what each call
 * costs where it lands.
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
import type { Engine } from "../engine.js";
import { applyUpdate, type ExprInput, holds, project } from "./dynamo-expr.js";
import type { Meter } from "./meter.js";

type Item = Record<string, unknown>;
type Input = Record<string, unknown> & ExprInput;

export const PARTITION_WCU_PER_S = 1_000;
export const PARTITION_RCU_PER_S = 3_000;
export const TABLE_MAX_WCU_PER_S = 40_000;
const SDK_ATTEMPTS = 3;

const INDEXES: Record<string, [string, string]> = {
  GSI1: ["gsi1pk", "gsi1sk"],
  GSI2: ["gsi2pk", "gsi2sk"],
};

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
  private parts = new Map<string, Map<string, Item>>();
  faults: DynamoFaults = {};

  constructor(
    private engine: Engine,
    private meter: Meter,
  ) {}

  /** The document client's `send`, as the store modules call it. */
  readonly doc = { send: (command: { input: unknown; constructor: { name: string } }) => this.send(command) };

  async send(command: { input: unknown; constructor: { name: string } }): Promise<unknown> {
    const input = command.input as Input;
    const kind = command.constructor.name.replace(/Command$/, "");
    for (let attempt = 1; ; attempt++) {
      await this.engine.sleep(3 + this.engine.random() * 5);
      const throttled = this.throttles(kind, input);
      if (!throttled || kind === "BatchWrite") return this.apply(kind, input, throttled);
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
    const p = this.faults.throttleWrites ?? 0;
    if (p > 0 && this.engine.random() < p) return true;
    const pk = (input.Key as Item | undefined)?.pk ?? (input.Item as Item | undefined)?.pk;
    if (typeof pk !== "string") return false;
    const load = this.meter.partitionLoad(pk);
    return load > PARTITION_WCU_PER_S && this.engine.random() < 1 - PARTITION_WCU_PER_S / load;
  }

  private apply(kind: string, input: Input, throttled: boolean): unknown {
    switch (kind) {
      case "Get":
        return this.get(input);
      case "Put":
        return this.put(input, 1);
      case "Update":
        return this.update(input, 1);
      case "Delete":
        return this.del(input, 1);
      case "Query":
        return this.query(input);
      case "BatchWrite":
        return this.batchWrite(input, throttled);
      case "TransactWrite":
        return this.transact(input);
      default:
        throw new Error(`the DynamoDB model has no ${kind}`);
    }
  }

  private part(pk: string): Map<string, Item> {
    let p = this.parts.get(pk);
    if (!p) {
      p = new Map();
      this.parts.set(pk, p);
    }
    return p;
  }

  item(key: Item): Item | undefined {
    return this.parts.get(String(key.pk))?.get(String(key.sk));
  }

  private get(input: Input) {
    const item = this.item(input.Key as Item);
    this.meter.read(String((input.Key as Item).pk), sizeOf(item), input.ConsistentRead === true, item);
    return {
      Item: item
        ? project(structuredClone(item), input.ProjectionExpression as string, input.ExpressionAttributeNames)
        : undefined,
    };
  }

  private check(input: Input, old: Item | undefined): void {
    if (!holds(input.ConditionExpression as string | undefined, old, input)) {
      const extra =
        input.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && old ? { Item: structuredClone(old) } : {};
      throw new SimError("ConditionalCheckFailedException", "The conditional request failed", extra);
    }
  }

  private write(key: Item, old: Item | undefined, next: Item | undefined, factor: number): void {
    const bytes = Math.max(sizeOf(old), sizeOf(next));
    this.meter.write(String(key.pk), wcu(bytes) * factor, next ?? old);
    for (const [, [ipk]] of Object.entries(INDEXES)) {
      const indexed = (next?.[ipk] ?? old?.[ipk]) as string | undefined;
      if (indexed !== undefined) this.meter.write(indexed, wcu(bytes) * factor, next ?? old);
    }
    const part = this.part(String(key.pk));
    if (next) part.set(String(key.sk), next);
    else part.delete(String(key.sk));
  }

  private put(input: Input, factor: number) {
    const item = structuredClone(input.Item as Item);
    const old = this.item(item);
    this.check(input, old);
    this.write(item, old, item, factor);
    return input.ReturnValues === "ALL_OLD" ? { Attributes: old } : {};
  }

  private update(input: Input, factor: number) {
    const key = input.Key as Item;
    const old = this.item(key);
    this.check(input, old);
    const next = applyUpdate(input.UpdateExpression as string, old ?? { ...key }, input);
    this.write(key, old, next, factor);
    const rv = input.ReturnValues;
    if (rv === "ALL_NEW" || rv === "UPDATED_NEW") return { Attributes: structuredClone(next) };
    if (rv === "ALL_OLD" || rv === "UPDATED_OLD") return { Attributes: old && structuredClone(old) };
    return {};
  }

  private del(input: Input, factor: number) {
    const key = input.Key as Item;
    const old = this.item(key);
    this.check(input, old);
    if (old) this.write(key, old, undefined, factor);
    return input.ReturnValues === "ALL_OLD" ? { Attributes: old } : {};
  }

  private batchWrite(input: Input, throttled: boolean) {
    const unprocessed: Record<string, unknown[]> = {};
    for (const [table, reqs] of Object.entries(input.RequestItems as Record<string, Item[]>)) {
      for (const r of reqs) {
        const put = r.PutRequest as { Item: Item } | undefined;
        const key = put ? put.Item : (r.DeleteRequest as { Key: Item }).Key;
        const load = this.meter.partitionLoad(String(key.pk));
        const over = load > PARTITION_WCU_PER_S && this.engine.random() < 1 - PARTITION_WCU_PER_S / load;
        const fault =
          (this.faults.throttleWrites ?? 0) > 0 && this.engine.random() < this.faults.throttleWrites!;
        if (throttled || over || fault) {
          this.meter.count("dynamodb_throttled_items");
          unprocessed[table] ??= [];
          unprocessed[table].push(r);
          continue;
        }
        if (put) this.put({ Item: put.Item }, 1);
        else this.del({ Key: key }, 1);
      }
    }
    return Object.keys(unprocessed).length ? { UnprocessedItems: unprocessed } : {};
  }

  private transact(input: Input) {
    const items = input.TransactItems as Record<string, Input>[];
    const reasons = items.map((t) => {
      const [op, body] = Object.entries(t)[0] as [string, Input];
      const key = (op === "Put" ? body.Item : body.Key) as Item;
      return holds(body.ConditionExpression as string | undefined, this.item(key), body)
        ? { Code: "None" }
        : { Code: "ConditionalCheckFailed" };
    });
    if (reasons.some((r) => r.Code !== "None")) {
      throw new SimError("TransactionCanceledException", "Transaction cancelled", {
        CancellationReasons: reasons,
      });
    }
    for (const t of items) {
      const [op, body] = Object.entries(t)[0] as [string, Input];
      if (op === "Put") this.put(body, 2);
      else if (op === "Update") this.update(body, 2);
      else if (op === "Delete") this.del(body, 2);
    }
    return {};
  }

  private query(input: Input) {
    const index = input.IndexName as string | undefined;
    const [pkName, skName] = index ? INDEXES[index]! : ["pk", "sk"];
    const kce = input.KeyConditionExpression as string;
    const m = new RegExp(`(?:^|\\s)(${pkName}|#\\w+)\\s*=\\s*(:\\w+)`).exec(kce)!;
    const pkValue = String(input.ExpressionAttributeValues![m[2]!]);
    const candidates = index
      ? [...this.parts.values()].flatMap((p) => [...p.values()].filter((i) => i[pkName] === pkValue))
      : [...(this.parts.get(pkValue)?.values() ?? [])];
    const sorted = candidates
      .filter((i) => holds(kce, i, input))
      .sort((a, b) =>
        String(a[skName]) < String(b[skName]) ? -1 : String(a[skName]) > String(b[skName]) ? 1 : 0,
      );
    if (input.ScanIndexForward === false) sorted.reverse();
    let from = 0;
    const start = input.ExclusiveStartKey as Item | undefined;
    if (start) from = sorted.findIndex((i) => i.pk === start.pk && i.sk === start.sk) + 1;
    const limit = (input.Limit as number | undefined) ?? Number.POSITIVE_INFINITY;
    const page = sorted.slice(from, from + limit);
    const more = from + page.length < sorted.length && page.length === limit;
    this.meter.read(
      pkValue,
      page.reduce((n, i) => n + sizeOf(i), 0),
      input.ConsistentRead === true,
      page[0],
    );
    const items = page
      .filter((i) => holds(input.FilterExpression as string | undefined, i, input))
      .map((i) =>
        project(structuredClone(i), input.ProjectionExpression as string, input.ExpressionAttributeNames),
      );
    const last = page.at(-1);
    const lastKey =
      more && last ? Object.fromEntries(["pk", "sk", pkName, skName].map((k) => [k, last[k]])) : undefined;
    return {
      Items: input.Select === "COUNT" ? undefined : items,
      Count: items.length,
      LastEvaluatedKey: lastKey,
    };
  }
}
