/**
 * Counts every AWS SDK call by origin, service and operation, with a middleware at the
 * `initialize` step (once per logical call; SDK retries are counted apart).
 *
 * The origin comes from an AsyncLocalStorage set around each handler invocation
 * (`CallCounter.wrap`). Calls made outside a handler are the Lambda event source mapping's
 * ReceiveMessage / DeleteMessageBatch (on AWS the ESM makes them and they are billed to the
 * account) or, for anything else, the local scheduler poller (EventBridge Scheduler on AWS).
 *
 * DynamoDB calls are also asked for `ReturnConsumedCapacity: TOTAL`, so DynamoDB Local
 * reports the read and write units each call consumed.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export type Origin = "producer" | "ingest" | "deliver" | "maintenance" | "esm" | "local-scheduler";

interface Stack {
  middlewareStack: {
    add(
      mw: (next: (args: Args) => Promise<Out>, context: Ctx) => (args: Args) => Promise<Out>,
      opts: { step: "initialize"; name: string; override?: boolean },
    ): void;
  };
}
interface Args {
  input: Record<string, unknown>;
}
interface Out {
  output: Record<string, unknown>;
}
interface Ctx {
  commandName?: string;
  clientName?: string;
}
interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

const CAPACITY_OPS = new Set([
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "GetItem",
  "Query",
  "Scan",
  "BatchGetItem",
  "BatchWriteItem",
  "TransactWriteItems",
  "TransactGetItems",
]);
const WRITE_OPS = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"]);

export interface CallSnapshot {
  /** origin → "Service.Operation" → calls. */
  calls: Record<string, Record<string, number>>;
  /** Consumed capacity reported by DynamoDB Local, per origin. */
  capacity: Record<string, { read: number; write: number }>;
  /** ReceiveMessage calls that returned no message, per origin. */
  emptyReceives: Record<string, number>;
  /** Records handed to each handler, and invocations. */
  records: Record<string, number>;
  invocations: Record<string, number>;
  /** Wall time spent in each handler (ms, summed over invocations). */
  handlerMs: Record<string, number>;
  /** "Service.Operation" → summed call latency (ms), every origin. */
  opMs: Record<string, number>;
}

export class CallCounter {
  private readonly als = new AsyncLocalStorage<Origin>();
  private snap: CallSnapshot = CallCounter.empty();

  private static empty(): CallSnapshot {
    return {
      calls: {},
      capacity: {},
      emptyReceives: {},
      records: {},
      invocations: {},
      handlerMs: {},
      opMs: {},
    };
  }

  /** Instruments a client (an SQSClient, a DynamoDBClient or DynamoDBDocumentClient). */
  instrument(client: unknown, service: "SQS" | "DynamoDB", fixedOrigin?: Origin): void {
    (client as Stack).middlewareStack.add(
      (next, context) => async (args) => {
        const op = (context.commandName ?? "Unknown").replace(/Command$/, "");
        const origin = fixedOrigin ?? this.als.getStore() ?? this.outside(service, op);
        const byOp = this.snap.calls[origin] ?? {};
        this.snap.calls[origin] = byOp;
        byOp[`${service}.${op}`] = (byOp[`${service}.${op}`] ?? 0) + 1;
        const started = performance.now();
        const ask = service === "DynamoDB" && CAPACITY_OPS.has(op) && !args.input.ReturnConsumedCapacity;
        const out = await next(
          ask ? { ...args, input: { ...args.input, ReturnConsumedCapacity: "TOTAL" } } : args,
        );
        const name = `${service}.${op}`;
        this.snap.opMs[name] = (this.snap.opMs[name] ?? 0) + (performance.now() - started);
        if (service === "DynamoDB") this.addCapacity(origin, op, out.output.ConsumedCapacity);
        if (op === "ReceiveMessage" && ((out.output.Messages as unknown[] | undefined)?.length ?? 0) === 0) {
          this.snap.emptyReceives[origin] = (this.snap.emptyReceives[origin] ?? 0) + 1;
        }
        return out;
      },
      { step: "initialize", name: "benchCallCounter", override: true },
    );
  }

  private outside(service: string, op: string): Origin {
    return service === "SQS" && (op === "ReceiveMessage" || op === "DeleteMessageBatch")
      ? "esm"
      : "local-scheduler";
  }

  private addCapacity(origin: string, op: string, consumed: unknown): void {
    if (!consumed) return;
    const list = (Array.isArray(consumed) ? consumed : [consumed]) as Capacity[];
    const c = this.snap.capacity[origin] ?? { read: 0, write: 0 };
    this.snap.capacity[origin] = c;
    for (const item of list) {
      if (item.WriteCapacityUnits !== undefined || item.ReadCapacityUnits !== undefined) {
        c.write += item.WriteCapacityUnits ?? 0;
        c.read += item.ReadCapacityUnits ?? 0;
      } else if (WRITE_OPS.has(op)) c.write += item.CapacityUnits ?? 0;
      else c.read += item.CapacityUnits ?? 0;
    }
  }

  /** Runs a handler invocation under `origin`. */
  wrap<E extends { Records?: unknown[] }, R>(origin: Origin, fn: (e: E) => Promise<R>): (e: E) => Promise<R> {
    return (event: E) => {
      this.snap.invocations[origin] = (this.snap.invocations[origin] ?? 0) + 1;
      this.snap.records[origin] = (this.snap.records[origin] ?? 0) + (event?.Records?.length ?? 0);
      const started = performance.now();
      const snap = this.snap;
      return this.als.run(origin, () =>
        fn(event).finally(() => {
          snap.handlerMs[origin] = (snap.handlerMs[origin] ?? 0) + (performance.now() - started);
        }),
      );
    };
  }

  /** Returns the counts since the last take and starts counting from zero. */
  take(): CallSnapshot {
    const s = this.snap;
    this.snap = CallCounter.empty();
    return s;
  }
}

/** Sum of calls of a snapshot, optionally only some origins. */
export function totalCalls(s: CallSnapshot, origins?: readonly string[]): number {
  let n = 0;
  for (const [origin, ops] of Object.entries(s.calls)) {
    if (origins && !origins.includes(origin)) continue;
    for (const v of Object.values(ops)) n += v;
  }
  return n;
}
