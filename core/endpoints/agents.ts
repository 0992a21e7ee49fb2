/**
 * An agent's endpoints (/v1/agents/{agent_id}/webhooks): the organization's endpoints whose
 * `agent_id` is that agent, managed through the ordinary endpoints service. An endpoint of
 * another agent (or of none) is not found under this agent, like another tenant's.
 */
import type { Uses } from "../deps.js";
import { type AgentId, sameAgent } from "../filters/index.js";
import { type EndpointRecord, type KeyMode, type Principal, validationError } from "../model/index.js";
import type { EmitDeps } from "../operational/index.js";
import {
  type CreateEndpointInput,
  createEndpoint,
  deleteEndpoint,
  type EndpointWriterDeps,
  requireEndpoint,
  type UpdateEndpointInput,
  updateEndpoint,
  type WithSecret,
} from "./service.js";

/** A body's own agent_id may only repeat the path's. */
function checkAgent(agent: string, given: AgentId | null | undefined): void {
  if (given !== undefined && !sameAgent(agent, given)) {
    throw validationError("agent_id must be the path's agent (or left out)");
  }
}

export async function listAgentEndpoints(
  deps: Uses<"endpointStore">,
  org: string,
  agent: string,
): Promise<EndpointRecord[]> {
  return (await deps.endpointStore.listAll(org)).filter((e) => sameAgent(e.agent_id, agent));
}

/** As createEndpoint, for this agent, and (as such APIs require) with at least one event type. */
export async function createAgentEndpoint(
  deps: EndpointWriterDeps,
  org: string,
  agent: string,
  input: CreateEndpointInput,
  mode: KeyMode = "live",
): Promise<WithSecret> {
  checkAgent(agent, input.agent_id);
  if (!input.event_types || input.event_types.length === 0) {
    throw validationError("events must contain at least 1 item", [
      { path: "events", code: "too_small", message: "at least 1 event type" },
    ]);
  }
  return createEndpoint(deps, org, { ...input, agent_id: input.agent_id ?? agent }, mode);
}

/** The endpoint, or 404 when it does not exist or is another agent's (or none's). */
export const getAgentEndpoint = (deps: Uses<"endpointStore">, org: string, agent: string, id: string) =>
  requireEndpoint(deps, org, id, agent);

export async function updateAgentEndpoint(
  deps: EndpointWriterDeps & EmitDeps & Uses<"scheduler">,
  org: string,
  agent: string,
  id: string,
  input: UpdateEndpointInput,
  mode: KeyMode = "live",
): Promise<EndpointRecord> {
  checkAgent(agent, input.agent_id);
  if (input.event_types !== undefined && input.event_types.length === 0) {
    throw validationError("events must contain at least 1 item");
  }
  await getAgentEndpoint(deps, org, agent, id);
  return updateEndpoint(deps, org, id, input, mode);
}

export async function deleteAgentEndpoint(
  deps: Uses<"endpoints" | "endpointStore">,
  org: string,
  agent: string,
  id: string,
): Promise<void> {
  await getAgentEndpoint(deps, org, agent, id);
  await deleteEndpoint(deps, org, id);
}

/**
 * The endpoint operations for the whole organization (`agent` undefined) or for one agent:
 * what /v1/webhook-endpoints and /v1/agents/{agent_id}/webhooks call (core/api/routes/endpoint-crud.ts).
 */
export function endpointsOf(
  deps: EndpointWriterDeps & EmitDeps & Uses<"scheduler">,
  who: Pick<Principal, "orgId" | "mode">,
  agent?: string,
) {
  const { orgId: org, mode } = who;
  if (agent === undefined) {
    return {
      create: (input: CreateEndpointInput) => createEndpoint(deps, org, input, mode),
      get: (id: string) => requireEndpoint(deps, org, id),
      update: (id: string, input: UpdateEndpointInput) => updateEndpoint(deps, org, id, input, mode),
      remove: (id: string) => deleteEndpoint(deps, org, id),
    };
  }
  return {
    create: (input: CreateEndpointInput) => createAgentEndpoint(deps, org, agent, input, mode),
    get: (id: string) => getAgentEndpoint(deps, org, agent, id),
    update: (id: string, input: UpdateEndpointInput) =>
      updateAgentEndpoint(deps, org, agent, id, input, mode),
    remove: (id: string) => deleteAgentEndpoint(deps, org, agent, id),
  };
}
