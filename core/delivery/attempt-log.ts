/** Reading the attempt log: per endpoint or per event, newest first, 404 for ids not the caller's. */
import type { Deps } from "../deps.js";
import { getEndpointOf } from "../endpoints/service.js";
import { notFound } from "../model/errors.js";
import {
  type AttemptPage,
  type AttemptQuery,
  attemptsOfEndpoint,
  attemptsOfMessage,
} from "../store/attempts.js";
import { getMessage } from "../store/messages.js";

export async function endpointAttempts(
  deps: Deps,
  org: string,
  endpointId: string,
  q: AttemptQuery,
): Promise<AttemptPage> {
  await getEndpointOf(deps, org, endpointId);
  return attemptsOfEndpoint(deps.db, org, endpointId, q);
}

export async function eventAttempts(
  deps: Deps,
  org: string,
  msgId: string,
  q: AttemptQuery,
): Promise<AttemptPage> {
  const m = await getMessage(deps.db, org, msgId);
  if (!m) throw notFound("event");
  return attemptsOfMessage(deps.db, org, msgId, q, [...m.targets, ...(m.skipped ?? [])]);
}
