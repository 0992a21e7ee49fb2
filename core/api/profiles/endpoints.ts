/**
 * The caller's endpoints as a profile's handlers use them: the one endpoint service (for one
 * agent when `agent` is given, as under seed 003's paths), every record answered with its
 * handles (core/endpoints/handles.ts), and an endpoint named the way its page names it. What is
 * left in each profile is its mapping: its fields in, its view out.
 */
import type { Context } from "hono";
import {
  type CreateEndpointInput,
  endpointsOf,
  type HandledEndpoint,
  listWithHandles,
  requireByHandle,
  type UpdateEndpointInput,
  withHandles,
} from "../../endpoints/index.js";
import { sameAgent } from "../../filters/index.js";
import { notFound } from "../../model/index.js";
import type { ApiContext } from "../context.js";
import type { ApiEnv } from "../env.js";
import { orgOf } from "../router.js";

/** How a page names an endpoint: this API's `ep_…` id, or its integer or UUID handle. */
export type EndpointRef = { id: string } | { number: number } | { uuid: string };

export function profileEndpoints(deps: ApiContext, c: Context<ApiEnv>, agent?: string) {
  const org = orgOf(c);
  const service = endpointsOf(deps, c.get("principal"), agent);
  const mine = (rec: HandledEndpoint) => agent === undefined || sameAgent(rec.agent_id, agent);

  /** The endpoint, or 404 when it is absent, another organization's or another agent's. */
  async function find(ref: EndpointRef): Promise<HandledEndpoint> {
    if ("id" in ref) return withHandles(deps, await service.get(ref.id));
    const rec = await requireByHandle(deps, org, ref);
    if (!mine(rec)) throw notFound("endpoint");
    return rec;
  }
  // An `ep_…` id goes to the service as it is: it does the one read (and the scope check).
  const idOf = async (ref: EndpointRef) => ("id" in ref ? ref.id : (await find(ref)).id);

  return {
    /** Every endpoint (of the agent), oldest first. */
    list: async () => (await listWithHandles(deps, org)).filter(mine),
    create: async (input: CreateEndpointInput) => {
      const { endpoint, secret } = await service.create(input);
      return { endpoint: await withHandles(deps, endpoint), secret };
    },
    find,
    // The record written back carries the handles it was found by: withHandles reads nothing more.
    update: async (ref: EndpointRef, input: UpdateEndpointInput) =>
      withHandles(deps, await service.update(await idOf(ref), input)),
    remove: async (ref: EndpointRef) => service.remove(await idOf(ref)),
  };
}
