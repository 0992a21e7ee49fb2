/**
 * The slowest request of a real batch, under cohorts (docs/scale.md, Cohorts).
 *
 * A delivery invocation sends its batch's records concurrently and writes their outcomes once
 * every request has answered, so its time grows with the records a batch holds: measured on
 * `steady-10k` at k 40, 165 ms for one record, 255 ms for four, 360 ms for ten. At the target's
 * rates a real batch is full (AWS Lambda Developer Guide, "Using Lambda with Amazon SQS":
 * the poller hands over `batchSize` records once that many wait). A simulated batch of n
 * records standing for Σk real ones stands for real invocations of min(batchSize, Σk) records
 * each (sim/aws/lambda.ts), while it sends only n requests: with k = 4,000 a batch is one
 * record, whose invocation took the time of a one-record batch, and the lane carried 2.2 times
 * what it would.
 *
 * So each record's request is drawn as before (the production code sees that answer) and the
 * real batch's other records are drawn too, d - 1 more answers of the same receiver (a cohort
 * stands for identical messages), d = ⌈min(batchSize, Σk) / n⌉: the invocation ends that much
 * later when one of them answers after the batch's own last answer. A stream of its own, so the
 * other models' draws do not move.
 *
 * The record's delays are its cohort's members' (sim/stats.ts): its own, and as many more as the
 * mapping gave waits for (sim/aws/queue-wait.ts: min(k, 20), at least d), each answered by a
 * batch-mate's draw (then by draws of a second stream, which the batch's time does not read)
 * and delayed by its own wait for a unit instead of the record's.
 */
import { rng } from "../../bench/rng.js";
import type { Tail } from "./lambda.js";
import type { SimMessage } from "./sqs.js";

/** A delivery's key in the batch tail: its message and endpoint, as its task and its request name them. */
export const tailKey = (msgId: string, endpoint: string) => `${msgId}|${endpoint}`;

export class BatchTail {
  private draws = new Map<string, number>();
  /** Each open record's cohort members' waits for a unit, its own first (queue-wait.ts). */
  private waits = new Map<string, number[]>();
  /** Virtual times a record's own request, and the slowest of its real batch's, answered. */
  private answers = new Map<string, { own: number; slowest: number }>();
  private readonly random: () => number;
  /** The members' answers beyond the batch-mates'. */
  private readonly more: () => number;

  constructor(seed: number) {
    this.random = rng(seed ^ 0x7a11);
    this.more = rng(seed ^ 0x3e3b);
  }

  /**
   * A batch's invocation starts: each of these records stands for `draws` records of a real
   * batch; `members[i]`, when given, are record i's cohort members' waits for a unit.
   */
  open(keys: string[], draws: number, members: number[][] = []): void {
    keys.forEach((key, i) => {
      this.draws.set(key, draws);
      if (members[i] && members[i].length > 1) this.waits.set(key, members[i]);
    });
  }

  /**
   * Record `key`'s request, sent at `t`, was answered in `ownMs`: its real batch-mates' answers
   * are drawn by `latency` (the receiver's behaviour). Returned: the cohort's other members'
   * answers (ms, those that answer), each shifted by its wait for a unit less the record's: their
   * delays beside its own (sim/stats.ts). A request that never answers is cut by the sender's
   * deadline, which the handler waits for anyway: it and such draws add nothing.
   */
  requested(key: string, t: number, ownMs: number, latency: (random: () => number) => number): number[] {
    const d = this.draws.get(key);
    if (d === undefined || !Number.isFinite(ownMs)) return [];
    const mates: number[] = [];
    for (let i = 1; i < d; i++) mates.push(latency(this.random));
    const answered = mates.filter((ms) => Number.isFinite(ms));
    this.answers.set(key, { own: t + ownMs, slowest: t + Math.max(ownMs, ...answered) });
    const waits = this.waits.get(key);
    if (!waits) return answered;
    const members: number[] = [];
    for (let i = 1; i < waits.length; i++) {
      const ms = mates[i - 1] ?? latency(this.more);
      if (Number.isFinite(ms)) members.push(ms + waits[i]! - waits[0]!);
    }
    return members;
  }

  /**
   * The invocation's handler returned: how much longer its real batches wait (ms), the last of
   * their answers after the last of its own, and forget its records.
   */
  close(keys: string[]): number {
    let own = 0;
    let slowest = 0;
    for (const key of keys) {
      const a = this.answers.get(key);
      if (a) [own, slowest] = [Math.max(own, a.own), Math.max(slowest, a.slowest)];
      this.draws.delete(key);
      this.waits.delete(key);
      this.answers.delete(key);
    }
    return Math.max(0, slowest - own);
  }
}

/** The delivery lanes' tail: a record's key read off its task (core/model/task.ts: msg_id, endpoint_id). */
export function deliveryTail(tail: BatchTail): Tail {
  const keys = (batch: SimMessage[]) =>
    batch.map((m) =>
      tailKey(
        /"msg_id":"([^"]+)"/.exec(m.body)?.[1] ?? "",
        /"endpoint_id":"([^"]+)"/.exec(m.body)?.[1] ?? "",
      ),
    );
  return {
    open: (batch, draws, members) => tail.open(keys(batch), draws, members),
    close: (batch) => tail.close(keys(batch)),
  };
}
