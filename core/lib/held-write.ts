import { doubling } from "./backoff.js";

/**
 * How long a write held in a process after DynamoDB refused it (throttled: a hot partition)
 * waits before it is tried again: 1 s, doubling, at most a minute. Shared by the writes kept
 * behind instead of dropped: endpoint health (core/delivery/policy/write-behind.ts) and the
 * filter counts (core/filters/counts.ts).
 */
export function heldWriteRetryMs(failedWrites: number): number {
  return doubling(1_000, Math.max(0, failedWrites - 1), 60_000);
}

/** The one timer of a process's held writes, and when it fires (ms). */
export interface HeldTimer {
  timer?: ReturnType<typeof setTimeout>;
  at?: number;
}

/**
 * Arms the one timer that makes a process's held writes when no batch does (the last ones
 * before traffic stops; a process that gets no further batch, as the local stack's; on Lambda a
 * frozen process's timer runs when it is thawed): `fire` in `waitMs` (at least 100 ms), unless
 * it is armed already for no later. Armed for later (another write backing off up to a minute,
 * or its spacing ending later), it is armed again: the spacing still bounds how late a held
 * write is made. Unref'd: it never keeps a process alive.
 */
export function armHeldTimer(state: HeldTimer, nowMs: number, waitMs: number, fire: () => void): void {
  const wait = Math.max(waitMs, 100);
  if (state.timer !== undefined && (state.at ?? 0) <= nowMs + wait) return;
  clearTimeout(state.timer);
  state.timer = setTimeout(() => {
    state.timer = undefined;
    fire();
  }, wait);
  state.timer.unref();
  state.at = nowMs + wait;
}

/** The timer cleared (its process stops after a last write of what it held): it fires no more. */
export function disarmHeldTimer(state: HeldTimer): void {
  clearTimeout(state.timer);
  state.timer = undefined;
  state.at = undefined;
}
