/**
 * What a run measured, weighted by cohort: every model reports here what it did, and a
 * simulated item that stands for k real ones counts k times (sim/cohort.ts).
 *
 * Partition load is kept per key per virtual second. A cohort of k messages of one
 * organization publishing r events/s spans k / r seconds, so one simulated write stands for
 * m = min(k, r) writes in its second when production writes it per message. On which keys, and
 * how many, follows how production makes the write (core/store/keys.ts names the keys):
 * - per message, on a key the messages share (`RATE#…`, an endpoint's rate slots, one lease a
 *   request): all m on it;
 * - per message, on a key each message has its own (`IDEM#`): one;
 * - per message, on a key that carries a shard (`MSG#`, `LOG#`, and the delivery log's index
 *   keys `REC#`, `PARK#`, `WAIT#`): m spread evenly over the shards the m messages' ids hash
 *   to: all n of the organization's plan at the id's time once m ≥ n (the ids of a cohort are
 *   distinct, their hashes uniform), else m of them from the simulated id's own. Put on the
 *   simulated id's shard alone, a cohort's writes would load one key with what n share;
 * - per batch, on the organization's items (`ORG#…`: an endpoint's health and breaker,
 *   core/delivery/health.ts `applyHealth`, once per endpoint per delivery batch that saw it
 *   fail; the rarer writes there, a healthy endpoint's `last_delivery_at` once a minute per
 *   process, filter counts once per endpoint per process per 5 s, core/filters/counts.ts,
 *   data keys and shard plans once per process, are bounded by it): one per real batch that
 *   carries the organization's tasks. The lane's batches interleave tenants (a fair queue
 *   serves every group), so a batch of B holds B × r / L of them, r the organization's rate
 *   and L the lane's (`laneRate`): m tasks fill m / B × min(B, L / r) batches, not m / B,
 *   which holds only for an organization that has the lane to itself (at 5,000 events/s of
 *   a 10,000/s lane: 500 a second, not 250). L counts events, not tasks (fan-out is not
 *   known here), and r the organization's, not one endpoint's: a lower bound for a
 *   per-batch write, an upper bound for the per-process ones;
 * - per process or per run, where the sim makes each real call itself: an endpoint's trial
 *   slots (`RATE#…#trial#…`, core/delivery/trial.ts: a process takes at most `trialInFlight`
 *   slots at a time and asks busy slots again after a second; a lease writes nothing while the
 *   slots are held; the sim runs that gate in each simulated process) and an endpoint's resume
 *   lease (`RESUME#…`, core/store/resume-lease.ts: a few writes per scheduled run, and a
 *   scheduled function's run is one real run, sim/aws/scheduler.ts): one real call, not k.
 * The table's totals (cost) count every simulated write k times, an upper bound as a cohort's
 * reads are.
 */
import type { Engine } from "../engine.js";

/** A partition's limits per second (sim/aws/dynamodb.ts cites them). */
export const PARTITION_WCU_PER_S = 1_000;
export const PARTITION_RCU_PER_S = 3_000;

/** Partition keys that carry a shard as their last part (core/store/keys.ts). */
const SHARDED = /^(MSG|LOG|REC|PARK|WAIT)#/;
/**
 * Keys one simulated call on is one real call: an endpoint's trial slots (core/store/keys.ts
 * `rateSlots` under the endpoint's id + `#trial`) and its resume lease (`resumeLease`).
 */
const ONE_REAL_CALL = /^(RATE#[^#]+#[^#]+#trial#\d+|RESUME#.*)$/;

export interface CohortWeights {
  /** How many real items one simulated item of this organization stands for. */
  ofOrg(org: string): number;
  /** The organization's real events per second (a cohort of k spans k / rate seconds). */
  rateOf(org: string): number;
  /**
   * The organization's shard count for the id time in a sort key (core/store/shard-plan.ts,
   * the plan stored in the table), or for now when the key holds no id.
   */
  shardsOf(org: string, sk: string | undefined): number;
  /**
   * The cohort interval (ms): the longest time between two simulated events of one group
   * (k / its rate), over which in-flight counts are averaged (in-flight.ts); 0 without cohorts.
   */
  intervalMs?: () => number;
  /** The delivery mapping's batch size: a per-batch write stands for m / B real ones (1 when absent). */
  batchSize?: () => number;
}

/** The keys a sharded partition key's writes land on, and the share each takes. */
interface Spread {
  keys: string[];
  share: number;
}

interface Load {
  sec: number;
  /** Units served in second `sec`. */
  w: number;
  r: number;
  /** Units served above the limit before `sec`, which this second's limit pays first. */
  owedW: number;
  owedR: number;
  overSeconds: number;
}

export class Meter {
  readonly counters = new Map<string, number>();
  readonly maxima = new Map<string, number>();
  private loads = new Map<string, Load>();
  private table = { sec: -1, w: 0, r: 0 };
  maxPartitionWcu = { value: 0, key: "" };
  maxPartitionRcu = { value: 0, key: "" };
  /** The longest run of consecutive seconds one key spent over its write limit. */
  maxSecondsOverLimit = { value: 0, key: "" };

  /** Every organization's real events per second together: the delivery lane's (sim/tenants.ts adds each group's). */
  laneRate = 0;

  constructor(
    private engine: Engine,
    readonly weights: CohortWeights,
  ) {}

  /** Forgets everything measured so far (the seeding before a scenario starts). */
  reset(): void {
    this.counters.clear();
    this.maxima.clear();
    this.loads.clear();
    this.maxPartitionWcu = { value: 0, key: "" };
    this.maxPartitionRcu = { value: 0, key: "" };
    this.maxSecondsOverLimit = { value: 0, key: "" };
  }

  count(name: string, n = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.counters.get(name) ?? 0;
  }

  max(name: string, v: number): void {
    if (v > (this.maxima.get(name) ?? Number.NEGATIVE_INFINITY)) this.maxima.set(name, v);
  }

  /**
   * Real writes (or reads) one simulated call on `pk` (sort key `sk`) stands for: `total`, and
   * the keys they land on with each one's share.
   */
  perKey(pk: string, sk?: string): { total: number; on: Spread } {
    const org = pk.split("#")[1] ?? "";
    const k = this.weights.ofOrg(org);
    const perSecond = Math.min(k, Math.max(1, this.weights.rateOf(org)));
    if (pk.startsWith("IDEM#") || ONE_REAL_CALL.test(pk)) return { total: k, on: { keys: [pk], share: 1 } };
    if (SHARDED.test(pk)) return { total: k, on: this.spread(pk, sk, org, perSecond) };
    if (pk.startsWith("ORG#")) return { total: k, on: { keys: [pk], share: this.batchesOf(org, perSecond) } };
    return { total: k, on: { keys: [pk], share: perSecond } };
  }

  /** The real batches `perSecond` tasks of `org` fill, the lane's other tenants interleaved. */
  private batchesOf(org: string, perSecond: number): number {
    const size = Math.max(1, this.weights.batchSize?.() ?? 1);
    const rate = Math.max(1, this.weights.rateOf(org));
    const ofLane = Math.max(1, (this.laneRate || rate) / rate);
    return Math.max(1, (perSecond / size) * Math.min(size, ofLane));
  }

  /** `perSecond` writes of an organization's sharded key, over the shards their ids hash to. */
  private spread(pk: string, sk: string | undefined, org: string, perSecond: number): Spread {
    const cut = pk.lastIndexOf("#");
    const own = Number(pk.slice(cut + 1));
    const n = this.weights.shardsOf(org, sk);
    if (!Number.isInteger(own) || n <= 1 || perSecond <= 1) return { keys: [pk], share: perSecond };
    const width = Math.min(n, Math.round(perSecond));
    const base = pk.slice(0, cut + 1);
    const keys = Array.from({ length: width }, (_, i) => `${base}${(own + i) % n}`);
    return { keys, share: perSecond / width };
  }

  private load(pk: string): Load {
    const sec = Math.floor(this.engine.t / 1000);
    let l = this.loads.get(pk);
    if (!l) {
      l = { sec, w: 0, r: 0, owedW: 0, owedR: 0, overSeconds: 0 };
      this.loads.set(pk, l);
    }
    if (l.sec !== sec) {
      const gone = sec - l.sec;
      l.overSeconds = l.w > PARTITION_WCU_PER_S && gone === 1 ? l.overSeconds + 1 : 0;
      // A call served past the limit (a cohort's, or one larger than what was left) is paid by
      // the seconds after it: over any span the key serves its limit per second, never more.
      l.owedW = Math.max(0, l.owedW + l.w - PARTITION_WCU_PER_S * gone);
      l.owedR = Math.max(0, l.owedR + l.r - PARTITION_RCU_PER_S * gone);
      Object.assign(l, { sec, w: 0, r: 0 });
    }
    return l;
  }

  /**
   * Whether a write ("w") or read ("r") on `pk` (sort key `sk`) is served: every key it lands
   * on (a cohort's shards, as `perKey` spreads it) has some of this second's limit left.
   */
  hasRoom(pk: string, unit: "w" | "r", sk?: string): boolean {
    return this.perKey(pk, sk).on.keys.every((key) => {
      const l = this.load(key);
      return unit === "w" ? l.owedW + l.w < PARTITION_WCU_PER_S : l.owedR + l.r < PARTITION_RCU_PER_S;
    });
  }

  private tableNow() {
    const sec = Math.floor(this.engine.t / 1000);
    if (this.table.sec !== sec) this.table = { sec, w: 0, r: 0 };
    return this.table;
  }

  /** Write units consumed on `pk` this second (what decides throttling). */
  partitionLoad(pk: string): number {
    return this.load(pk).w;
  }

  write(pk: string, units: number, sk?: string): void {
    const { total, on } = this.perKey(pk, sk);
    for (const key of on.keys) {
      const l = this.load(key);
      l.w += units * on.share;
      // Per kind of key too (`MSG`, `LOG`, `ORG`…): the busiest key overall may be a cohort's upper bound.
      const kind = key.slice(0, key.indexOf("#"));
      this.max(`partition_wcu:${kind}`, l.w);
      if (l.w > this.maxPartitionWcu.value) this.maxPartitionWcu = { value: l.w, key };
      if (l.w <= PARTITION_WCU_PER_S) continue;
      this.max(`seconds_over_limit:${kind}`, l.overSeconds + 1);
      if (l.overSeconds + 1 > this.maxSecondsOverLimit.value)
        this.maxSecondsOverLimit = { value: l.overSeconds + 1, key };
    }
    const t = this.tableNow();
    t.w += units * total;
    this.max("table_wcu_per_s", t.w);
    this.count("dynamodb_write_units", units * total);
  }

  read(pk: string, bytes: number, consistent: boolean, sk?: string): void {
    const units = Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
    const { total, on } = this.perKey(pk, sk);
    for (const key of on.keys) {
      const l = this.load(key);
      l.r += units * on.share;
      if (l.r > this.maxPartitionRcu.value) this.maxPartitionRcu = { value: l.r, key };
    }
    const t = this.tableNow();
    t.r += units * total;
    this.max("table_rcu_per_s", t.r);
    this.count("dynamodb_read_units", units * total);
  }
}
