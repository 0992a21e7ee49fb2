/**
 * The load run's accounting (scripts/load.ts): what the receivers saw, against the delivery log
 * and the DLQ, per (event, endpoint) pair. Pure, so its rules are tested on their own
 * (test/reliability/load-accounting.unit.test.ts).
 *
 * An attempt the sender gave up on (its deadline passed, the connection reset: logged with no
 * status code) may still have reached the receiver, which may have answered it, 2xx or 500,
 * after the sender stopped listening. On a loaded machine that happens (the receiver shares the
 * process with the stack). Such a request is a delivery the receiver saw; the design then
 * re-sends the task, under the same webhook-id, so the receiver may see it twice: at-least-once,
 * a duplicate it dedupes, not a loss. So the receiver's counts are not required to equal the
 * log's; each answer the receiver gave is accounted for by a logged attempt: the same answer, or
 * an attempt the sender gave up on.
 */

/** What the receiver saw of one pair. */
export interface Seen {
  requests: number;
  ok: number;
  failed: number;
  webhookIds: Set<string>;
}

/** One item of the delivery log (core/store/deliveries.ts): the delivery's state, maybe an attempt. */
export interface LogItem {
  sk: unknown;
  msg_id: unknown;
  endpoint_id: unknown;
  status?: unknown;
  attempts?: unknown;
  attempt?: { success?: unknown; status_code?: unknown };
}

export interface AccountingInput {
  /** The stored events' ids. */
  msgIds: string[];
  /** Each endpoint's id and the receiver path it answers on. */
  endpoints: { id: string; path: string }[];
  /** The receiver's record, by `${msgId}/${path}`. */
  seen: Map<string, Seen>;
  /** Every log item of the organization. */
  log: LogItem[];
  /** Tasks in the DLQ, by `${msgId}/${endpointId}`. */
  letters: Map<string, number>;
  receiver: { requests: number; responses500: number };
}

export interface Accounting {
  succeeded: number;
  failed: number;
  attemptsLogged: number;
  failedAttemptsLogged: number;
  /** Attempts logged with no answer (the sender's deadline passed, a reset): the receiver may have seen them. */
  unansweredAttemptsLogged: number;
  /** Pairs with more than one 2xx (at-least-once: each explained by an attempt the sender gave up on). */
  duplicateSuccesses: number;
  /** Pairs that neither got a 2xx nor are dead-lettered. */
  lost: string[];
  mismatches: string[];
}

interface Logged {
  ok: number;
  status500: number;
  unanswered: number;
  total: number;
}

/** Each delivery's state: its latest log item (items sort by sk), by `${msgId}/${endpointId}`. */
export function latestOf(log: LogItem[]): Map<string, LogItem> {
  const latest = new Map<string, LogItem>();
  for (const item of [...log].sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1)))
    latest.set(`${item.msg_id}/${item.endpoint_id}`, item);
  return latest;
}

function attemptsByPair(log: LogItem[]): Map<string, Logged> {
  const out = new Map<string, Logged>();
  for (const item of log) {
    if (!item.attempt) continue;
    const key = `${item.msg_id}/${item.endpoint_id}`;
    const c = out.get(key) ?? { ok: 0, status500: 0, unanswered: 0, total: 0 };
    c.total++;
    if (item.attempt.success) c.ok++;
    else if (item.attempt.status_code == null) c.unanswered++;
    else c.status500++;
    out.set(key, c);
  }
  return out;
}

/** What the pairs add up to, and what does not add up. */
interface Tally {
  succeeded: number;
  failed: number;
  duplicateSuccesses: number;
  lost: string[];
  mismatches: string[];
}

export function account(input: AccountingInput): Accounting {
  const latest = latestOf(input.log);
  const logged = attemptsByPair(input.log);
  const tally: Tally = { succeeded: 0, failed: 0, duplicateSuccesses: 0, lost: [], mismatches: [] };
  for (const msgId of input.msgIds) {
    for (const ep of input.endpoints) checkPair(input, msgId, ep, { latest, logged }, tally);
  }
  const totals = checkTotals(input, logged, tally.mismatches);
  return {
    succeeded: tally.succeeded,
    failed: tally.failed,
    ...totals,
    duplicateSuccesses: tally.duplicateSuccesses,
    lost: tally.lost,
    mismatches: tally.mismatches,
  };
}

/** One (event, endpoint) pair: what the receiver saw against its log items and the DLQ. */
function checkPair(
  input: AccountingInput,
  msgId: string,
  ep: { id: string; path: string },
  log: { latest: Map<string, LogItem>; logged: Map<string, Logged> },
  tally: Tally,
): void {
  const { mismatches } = tally;
  const key = `${msgId}/${ep.id}`;
  const seen = input.seen.get(`${msgId}/${ep.path}`) ?? {
    requests: 0,
    ok: 0,
    failed: 0,
    webhookIds: new Set(),
  };
  const record = log.latest.get(key);
  const l = log.logged.get(key) ?? { ok: 0, status500: 0, unanswered: 0, total: 0 };
  const dead = input.letters.get(key) ?? 0;
  if (seen.ok === 0 && dead === 0) tally.lost.push(key);
  if (seen.ok > 1) tally.duplicateSuccesses++;
  if (seen.requests > 0 && (seen.webhookIds.size !== 1 || !seen.webhookIds.has(msgId)))
    mismatches.push(`${key}: webhook-id ${[...seen.webhookIds].join(",")}`);
  if (record?.status === "succeeded") tally.succeeded++;
  else if (record?.status === "failed") tally.failed++;
  else mismatches.push(`${key}: delivery record ${record?.status ?? "missing"}`);
  // Every answer the sender logged is one the receiver gave; every other answer the
  // receiver gave was to an attempt the sender gave up on.
  const late = seen.ok - l.ok + (seen.failed - l.status500);
  if (l.ok > seen.ok || l.status500 > seen.failed || late > l.unanswered) {
    mismatches.push(
      `${key}: receiver answered ${seen.ok} ok/${seen.failed} failed, log has ${l.ok} ok/${l.status500} failed/${l.unanswered} unanswered`,
    );
  }
  if (record?.status === "failed" && dead === 0) mismatches.push(`${key}: failed but not in the DLQ`);
  if (record?.status === "succeeded" && dead > 0) mismatches.push(`${key}: succeeded and dead-lettered`);
  if (record && Number(record.attempts) !== l.total)
    mismatches.push(`${key}: record says ${record.attempts} attempts, log has ${l.total}`);
}

/** The whole run: the receiver's requests and 500s against the attempts logged. */
function checkTotals(
  input: AccountingInput,
  logged: Map<string, Logged>,
  mismatches: string[],
): Pick<Accounting, "attemptsLogged" | "failedAttemptsLogged" | "unansweredAttemptsLogged"> {
  const all = [...logged.values()];
  const sum = (f: (l: Logged) => number) => all.reduce((n, l) => n + f(l), 0);
  const attemptsLogged = sum((l) => l.total);
  const unanswered = sum((l) => l.unanswered);
  const status500 = sum((l) => l.status500);
  const { requests, responses500 } = input.receiver;
  // Every request received is a logged attempt; every logged answer is a request received.
  if (requests > attemptsLogged || requests < attemptsLogged - unanswered)
    mismatches.push(
      `${attemptsLogged} attempts logged (${unanswered} unanswered), ${requests} requests received`,
    );
  if (responses500 < status500 || responses500 > status500 + unanswered)
    mismatches.push(`${status500} 500s logged (${unanswered} unanswered), ${responses500} answered`);
  return {
    attemptsLogged,
    failedAttemptsLogged: status500 + unanswered,
    unansweredAttemptsLogged: unanswered,
  };
}
