/**
 * `trace-phases.ts --batches`: which tasks each receive took, on either side (docs/scale.md
 * "Calibration", the bursts' p50). Times are ms after the first publish call; a task's tenant is
 * its event's seq (bench/burst-shapes.ts `publishOrder`: a, b, a, b …, so a's seqs are even).
 * Lines: the ingest queue's receives (`t n`), the task sends (`t aN bN`), the delivery queue's
 * receives (`t aN bN`, `+` a further receive of a batch above 10 locally, `↻N` tasks received
 * before), tenant a's deliveries (how many by 300 / 500 / 700 ms, and the p50); then the delivery
 * receives while b's tasks move (2-5 s) and, over the whole run, the sends to the slow lane and its
 * receives (`t n`, ms), b's requests (`t×n`, by 0.1 s), and the failed attempts and the breaker's
 * opening as counted (ms): burst-hang's attempts.
 */
import { percentiles } from "../../bench/stats.js";

export interface SeenMessage {
  queue: string;
  body: string;
  callAt?: number;
  answerAt?: number;
  /** The call that sent or received it (locally) or the invocation (simulation): one id each. */
  call?: number;
  /** A receive without a long poll (local: a batch's further receive). */
  more?: boolean;
}

/** How long after the first publish the lists go on (ms). */
const WINDOW_MS = 1500;

const seqOf = (body: string) => Number(body.match(/\\?"seq\\?":(\d+)/)?.[1]);

/** The messages each call (or invocation) sent or took on `queue`, in order. */
function byCall(seen: SeenMessage[], queue: string | undefined, side: "callAt" | "answerAt") {
  const out = new Map<number, SeenMessage[]>();
  for (const s of seen)
    if (s.queue === queue && s[side] !== undefined) out.set(s.call!, [...(out.get(s.call!) ?? []), s]);
  return [...out.values()];
}

/** How many of the messages are tenant a's and b's tasks. */
function ab(ms: SeenMessage[]) {
  const a = ms.filter((m) => seqOf(m.body) % 2 === 0).length;
  return `a${a} b${ms.length - a}`;
}

export function batches(
  seen: SeenMessage[],
  aDelays: number[],
  bRequests: number[],
  queues: { ingest?: string; deliver?: string; slow?: string },
  outcomes: { at: number; what: string }[] = [],
) {
  const { ingest, deliver, slow } = queues;
  const t0 = Math.min(
    ...seen.filter((s) => s.queue === ingest && s.callAt !== undefined).map((s) => s.callAt!),
  );
  const group = (queue: string | undefined, side: "callAt" | "answerAt") => byCall(seen, queue, side);
  const at = (ms: number) => Math.round(ms - t0);
  const sec = (ms: number) => ((ms - t0) / 1000).toFixed(1);
  // The first wave only: what decides a's p50 (the later sends are b's tasks one by one).
  const early = (ms: SeenMessage[]) => (ms[0]!.answerAt ?? ms[0]!.callAt!) - t0 < WINDOW_MS;
  const taken = new Set<string>();
  const receives = group(deliver, "answerAt")
    .filter(early)
    .map((ms) => {
      const again = ms.filter((m) => taken.has(m.body)).length;
      for (const m of ms) taken.add(m.body);
      return `${at(ms[0]!.answerAt!)}${ms[0]!.more ? "+" : ""} ${ab(ms)}${again ? ` ↻${again}` : ""}`;
    });
  const sends = group(deliver, "callAt").filter(early);
  const sorted = [...aDelays].sort((x, y) => x - y);
  return {
    ingest_receives: group(ingest, "answerAt")
      .filter(early)
      .map((ms) => `${at(ms[0]!.answerAt!)} ${ms.length}`),
    // The ingest handlers' sends; the trial gate's re-sends (one task each) only counted.
    task_sends: sends.filter((ms) => ms.length > 1).map((ms) => `${at(ms[0]!.callAt!)} ${ab(ms)}`),
    single_task_sends: sends.filter((ms) => ms.length === 1).length,
    delivery_receives: receives,
    a_by_300_500_700_ms: [300, 500, 700].map((ms) => sorted.filter((d) => d <= ms).length).join(" / "),
    a_p50_ms: Math.round(percentiles(aDelays).p50),
    // The slow lane's receives (ms) and b's requests (s), over the whole run: burst-hang's attempts.
    slow_receives: group(slow, "answerAt").map((ms) => `${at(ms[0]!.answerAt!)} ${ms.length}`),
    // The sends to the slow lane (moves, then parks; ms, tasks): what its receives find.
    slow_sends: group(slow, "callAt").map((ms) => `${at(ms[0]!.callAt!)} ${ms.length}`),
    // The delivery queue's receives while b's tasks move (2-5 s): the trial gate's deferrals back.
    moving_delivery_receives: group(deliver, "answerAt")
      .filter((ms) => at(ms[0]!.answerAt!) > 2000 && at(ms[0]!.answerAt!) < 5000)
      .map((ms) => `${at(ms[0]!.answerAt!)}${ms[0]!.more ? "+" : ""} ${ab(ms)}`),
    b_requests: [...new Set(bRequests.map(sec))].map(
      (t) => `${t}×${bRequests.filter((b) => sec(b) === t).length}`,
    ),
    // Failed attempts and the breaker's opening (ms) as counted: when it opened after which failure.
    outcomes: outcomes.map((o) => `${at(o.at)} ${o.what}`),
  };
}
