/**
 * The ids every log line of a step carries (docs/tracing.md): the Lambda request id, and for an
 * event's work its trace id, `msg_id`, `endpoint_id`, the attempt and its span id. Entry points
 * and the per-record code set them once with `withLogContext`; the logger's formatter
 * (logger.ts) adds them to every line logged inside, so no call site repeats them.
 *
 * AsyncLocalStorage, not the logger's own keys: a batch's records run concurrently in one
 * process (and the local stack runs every function in one), so the keys must follow each
 * record's async work, not a process-wide logger.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

export interface LogContext {
  function_request_id?: string;
  sqs_message_id?: string;
  trace_id?: string;
  span_id?: string;
  org_id?: string;
  msg_id?: string;
  endpoint_id?: string;
  attempt?: number;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `fields` added to the current context (a copy: the caller's is unchanged). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...defined(fields) }, fn);
}

/**
 * Runs one invocation of a function with its request id: Lambda's `awsRequestId`, or a fresh
 * one where no Lambda runs the handler (the local stack's event sources, tests), so every line
 * of one invocation can be told from another's.
 */
export function withInvocation<T>(context: { awsRequestId?: string } | undefined, fn: () => T): T {
  return withLogContext({ function_request_id: context?.awsRequestId ?? randomUUID() }, fn);
}

/** Adds fields to the current context, for the rest of this scope (e.g. the attempt, once counted). */
export function addLogContext(fields: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, defined(fields));
}

/** The fields of the current context (empty outside any). */
export function logContext(): LogContext {
  return { ...storage.getStore() };
}

function defined(fields: LogContext): LogContext {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as LogContext;
}
