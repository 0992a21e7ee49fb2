/** A message body's organization and endpoint (ingest messages and delivery tasks both carry org_id). */
export function bodyTags(body: string): { org?: string; endpoint?: string } {
  const org = /"org_id":"([^"]+)"/.exec(body)?.[1];
  const endpoint = /"endpoint_id":"([^"]+)"/.exec(body)?.[1];
  return { org, endpoint };
}
