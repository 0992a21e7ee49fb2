/**
 * A new endpoint's stored record: the caller's settings (already checked) plus the fields
 * that always start the same way (no previous secret, no failures yet). Used by the
 * endpoints service and by the tests that write endpoints straight to the table.
 */
import {
  type EndpointRecord,
  type EndpointSettingName,
  endpointSettingDefaults,
  givenSettings,
  newId,
} from "../model/index.js";

/** What a caller chooses (core/model/endpoint-settings.ts); everything else starts the same for every endpoint. */
export type NewEndpointFields = Pick<EndpointRecord, "org_id" | "url" | "secret"> &
  Partial<Pick<EndpointRecord, EndpointSettingName | "signing_version" | "type" | "aws">>;

export function newEndpointRecord(fields: NewEndpointFields, now: Date): EndpointRecord {
  const at = now.toISOString();
  // Each setting as given, or its default (null, [], {}, RETRIES.default …).
  const { ordering, ordering_key, ...settings } = { ...endpointSettingDefaults, ...givenSettings(fields) };
  return {
    org_id: fields.org_id,
    id: newId("ep", now),
    url: fields.url,
    // An https endpoint's item stays as it always was: no `type`, no `aws`.
    ...(fields.aws ? { type: fields.type, aws: fields.aws } : {}),
    ...settings,
    // The filter as the JSON text checkFilter made of it (core/filters).
    filter: settings.filter as string | null,
    secret: fields.secret,
    previous_secret: null,
    previous_secret_expires_at: null,
    signing_version: fields.signing_version ?? "v1",
    // Absent unless asked for: an unordered endpoint's item is as it was (core/model/ordering.ts).
    ...(ordering === "strict" ? { ordering, ordering_key } : {}),
    consecutive_failures: 0,
    first_failure_at: null,
    failing_since: null,
    last_delivery_at: null,
    last_error: null,
    last_error_at: null,
    last_verified_at: null,
    created_at: at,
    updated_at: at,
  };
}
