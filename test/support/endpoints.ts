/**
 * Endpoints written straight to the test stack's table (no endpoints API, so no URL rules):
 * built the way the endpoints service builds them, with the given fields applied last.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Deps } from "../../core/all-deps.js";
import { type NewEndpointFields, newEndpointRecord } from "../../core/endpoints/record.js";
import { generateSecret } from "../../core/endpoints/secrets.js";
import type { EndpointRecord } from "../../core/model/endpoint.js";
import { getEndpoint } from "../../core/store/endpoints.js";
import { keys } from "../../core/store/keys.js";
import { uniqueOrg } from "./stack.js";

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

/**
 * The endpoint fixture: a fresh organization, a URL nothing listens on, 5 retries and a 3 s
 * timeout unless `fields` says otherwise.
 */
export const putEndpoint = (deps: Deps, fields: Partial<EndpointRecord> = {}) =>
  putEndpointRecord(deps, {
    org_id: uniqueOrg(),
    url: "http://127.0.0.1:9/hook",
    max_retries: 5,
    timeout_ms: 3000,
    ...fields,
  });

export async function updateEndpointFields(deps: Deps, ep: EndpointRecord, fields: Partial<EndpointRecord>) {
  const names = Object.keys(fields);
  await deps.db.doc.send(
    new UpdateCommand({
      TableName: deps.db.table,
      Key: keys.endpoint(ep.org_id, ep.id),
      UpdateExpression: `SET ${names.map((_, i) => `#n${i} = :v${i}`).join(", ")}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#n${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(
        names.map((n, i) => [`:v${i}`, fields[n as keyof EndpointRecord]]),
      ),
    }),
  );
}

export async function deleteEndpointItem(deps: Deps, ep: EndpointRecord) {
  await deps.db.doc.send(
    new DeleteCommand({ TableName: deps.db.table, Key: keys.endpoint(ep.org_id, ep.id) }),
  );
}

export const endpointNow = (deps: Deps, ep: EndpointRecord) => getEndpoint(deps.db, ep.org_id, ep.id);
