/**
 * Endpoint handles for the API profiles whose pages use other ids (docs/seeds.md): an integer
 * `number` (1, 2, … per organization), a `uuid`, and the organization's integer `org_number`.
 * They are given the first time a profile needs them (on creation through a profile, or when
 * a profile first lists an endpoint created elsewhere), stored on the endpoint item, and never
 * change. Finding an endpoint by a handle reads the organization's endpoints in one query: at
 * most MAX_ENDPOINTS_PER_ORG items, the partition the endpoint items live in.
 */
import { randomUUID } from "node:crypto";
import type { Uses } from "../deps.js";
import { type EndpointRecord, notFound } from "../model/index.js";

export type HandleDeps = Uses<"endpointHandleStore" | "endpointStore">;

/** A record that has its handles. */
export type HandledEndpoint = EndpointRecord &
  Required<Pick<EndpointRecord, "number" | "uuid" | "org_number">>;

const hasHandles = (rec: EndpointRecord): rec is HandledEndpoint =>
  rec.number !== undefined && rec.uuid !== undefined && rec.org_number !== undefined;

/** Gives the record its handles (unless a concurrent caller did first); 404 if it was deleted meanwhile. */
async function give(deps: HandleDeps, rec: EndpointRecord, org_number: number): Promise<HandledEndpoint> {
  const store = deps.endpointHandleStore;
  const number = await store.nextNumber(rec.org_id);
  const stored = await store.assign(rec.org_id, rec.id, { number, uuid: randomUUID(), org_number });
  if (!stored || !hasHandles(stored)) throw notFound("endpoint");
  return stored;
}

/** Every endpoint of the organization with its handles, oldest first (handles given in that order). */
export async function listWithHandles(deps: HandleDeps, org: string): Promise<HandledEndpoint[]> {
  const all = await deps.endpointStore.listAll(org);
  if (all.every(hasHandles)) return all;
  // Read once for the whole list, not once per endpoint that still needs its handles.
  const orgNumber = await deps.endpointHandleStore.orgNumber(org);
  const out: HandledEndpoint[] = [];
  // One at a time, so endpoints without a number are numbered in creation order.
  for (const rec of all) out.push(hasHandles(rec) ? rec : await give(deps, rec, orgNumber));
  return out;
}

/**
 * The record with its handles. A new one is numbered after the organization's older
 * endpoints that have no number yet (made through the canonical API), so numbers follow
 * creation order.
 */
export async function withHandles(deps: HandleDeps, rec: EndpointRecord): Promise<HandledEndpoint> {
  if (hasHandles(rec)) return rec;
  const found = (await listWithHandles(deps, rec.org_id)).find((e) => e.id === rec.id);
  if (!found) throw notFound("endpoint");
  return found;
}

/** The endpoint with this integer id or UUID, or 404 (another organization's is not found either). */
export async function requireByHandle(
  deps: HandleDeps,
  org: string,
  handle: { number: number } | { uuid: string },
): Promise<HandledEndpoint> {
  const found = (await deps.endpointStore.listAll(org)).find((e) =>
    "number" in handle ? e.number === handle.number : e.uuid === handle.uuid.toLowerCase(),
  );
  if (!found || !hasHandles(found)) throw notFound("endpoint");
  return found;
}
