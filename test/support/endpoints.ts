/**
 * Endpoints written straight to the test stack's table (no endpoints API, so no URL rules):
 * built the way the endpoints service builds them, with `overrides` applied last.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Deps } from "../../core/deps.js";
import { type NewEndpointFields, newEndpointRecord } from "../../core/endpoints/record.js";
import { generateSecret } from "../../core/endpoints/secrets.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { keys } from "../../core/store/keys.js";

export const newSecret = generateSecret;

/** `secret` defaults to a fresh one; any other record field may be overridden (id, status, …). */
export async function putEndpointRecord(
  deps: Deps,
  fields: Partial<EndpointRecord> & Pick<NewEndpointFields, "org_id" | "url">,
): Promise<EndpointRecord> {
  const ep: EndpointRecord = {
    ...newEndpointRecord({ secret: newSecret(), ...fields }, new Date()),
    ...fields,
  };
  await deps.db.doc.send(
    new PutCommand({ TableName: deps.db.table, Item: { ...keys.endpoint(ep.org_id, ep.id), ...ep } }),
  );
  return ep;
}
