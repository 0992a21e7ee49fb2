/**
 * The endpoints service: create, read, update, delete and rotate the secret of webhook
 * endpoints, applying the rules (rules.ts) and the per-organization limit. Every read and
 * write is keyed by the caller's organization, so another tenant's ids are simply not found.
 */

import type { Uses } from "../deps.js";
import { checkFilter, sameAgent } from "../filters/index.js";
import {
  type CursorKey,
  type EndpointRecord,
  type EndpointSettingValues,
  type EndpointType,
  givenSettings,
  isId,
  type KeyMode,
  MAX_RAW_SECRET_LENGTH,
  MAX_RETIRED_SECRETS,
  notFound,
  parksDeliveries,
  ServiceError,
} from "../model/index.js";
import { type EmitDeps, emitOperational, endpointDisabled, endpointEnabled } from "../operational/index.js";
import { keepRedacted } from "../outbound/index.js";
import { generateSigningKey } from "../signing/index.js";
import type { AwsTargetInput } from "./aws-rules.js";
import { destinationOf, updatedDestination } from "./destination.js";
import { checkOrdering } from "./ordering.js";
import { newEndpointRecord } from "./record.js";
import { scheduleResume } from "./resume.js";
import { checkEventTypes, checkHeaders } from "./rules.js";
import { generateSecret, isValidSecret, secretFromRawKey } from "./secrets.js";

/**
 * What a caller may set: the URL and the endpoint's settings (core/model/endpoint-settings.ts,
 * their schemas bound them; `failing` is never settable: only delivery outcomes set it).
 */
export type EndpointSettings = EndpointSettingValues & { url: string };

/**
 * The settings with a rule of their own, applied by name below (headers, the catalog, the
 * filter, ordering); every other setting is stored as given.
 */
function plainSettings(input: Partial<EndpointSettings>) {
  const { headers, event_types, filter, ordering, ordering_key, ...plain } = givenSettings(input);
  return plain;
}

export type SigningVersion = EndpointRecord["signing_version"];

export type CreateEndpointInput = Partial<EndpointSettings> & {
  /** Required for https; an AWS endpoint's URL is its target's (aws-rules.ts). */
  url?: string;
  /** Where it delivers; https when absent. */
  type?: EndpointType;
  /** The AWS destination's fields (role, target), for the aws_* types. */
  aws?: AwsTargetInput;
  /** A `whsec_…` secret (checked by isValidSecret). */
  secret?: string;
  /** A free-form key used as is as the HMAC key (1–255 characters); exclusive with `secret`. */
  rawSecret?: string;
  signing_version?: SigningVersion;
};
export type UpdateEndpointInput = Partial<EndpointSettings> & {
  /** Only the endpoint's own type: the type never changes (create another endpoint). */
  type?: EndpointType;
  aws?: AwsTargetInput;
};

export interface WithSecret {
  endpoint: EndpointRecord;
  /** The raw HMAC secret: returned to the caller once, never again. Absent for `v1a` (a private key is never shown). */
  secret?: string;
}

/** A new signing secret of the given version: an HMAC secret or an ed25519 private key. */
const newSecret = (version: SigningVersion) => (version === "v1a" ? generateSigningKey() : generateSecret());
const shown = (version: SigningVersion, secret: string) => (version === "v1" ? secret : undefined);

/** What the endpoint writes use: rules (config, catalog), the table, the directory to invalidate, the clock. */
export type EndpointWriterDeps = Uses<"config" | "endpoints" | "endpointStore" | "eventTypes" | "now">;

const endpointNotFound = () => notFound("endpoint");

/** Health tracking from scratch: no run of failures (core/delivery/health.ts). */
const freshHealth = { consecutive_failures: 0, first_failure_at: null, failing_since: null } as const;

export async function createEndpoint(
  deps: EndpointWriterDeps,
  org: string,
  input: CreateEndpointInput,
  /** The caller's key mode: a test key may use plain http (checkUrl); "live" when unknown. */
  mode: KeyMode = "live",
): Promise<WithSecret> {
  const target = destinationOf(deps.config, input, mode);
  const headers = checkHeaders(input.headers ?? {});
  const eventTypes = await checkEventTypes(deps, org, input.event_types ?? []);
  const version = input.signing_version ?? "v1";
  const secret = chosenSecret(input, version);
  const filter = input.filter === undefined ? null : checkFilter(input.filter);
  const ordering = checkOrdering(deps, input);
  const rec = newEndpointRecord(
    {
      org_id: org,
      ...target,
      secret,
      ...plainSettings(input),
      event_types: eventTypes,
      headers,
      filter,
      signing_version: version,
      ...ordering,
    },
    deps.now(),
  );
  const max = deps.config.limits.maxEndpointsPerOrg;
  const outcome = await deps.endpointStore.insert(rec, { max });
  if (outcome === "org_deleted") throw notFound("organization");
  if (outcome === "limit") {
    throw new ServiceError(
      400,
      "endpoint_limit_reached",
      `an organization may have at most ${max} endpoints`,
      {
        limit: max,
      },
    );
  }
  deps.endpoints.invalidate(org);
  return { endpoint: rec, secret: shown(version, secret) };
}

/** The caller's secret (checked) or a new one of the version. */
function chosenSecret(input: CreateEndpointInput, version: SigningVersion): string {
  const invalid = (message: string) => new ServiceError(400, "invalid_secret", message);
  const { secret, rawSecret } = input;
  if (secret !== undefined && rawSecret !== undefined) {
    throw invalid("give either secret or webhook_secret, not both");
  }
  if (secret !== undefined && !isValidSecret(secret)) {
    throw invalid("secret must be whsec_ followed by the base64 of 24 to 64 bytes");
  }
  if (rawSecret !== undefined && (rawSecret.length < 1 || rawSecret.length > MAX_RAW_SECRET_LENGTH)) {
    throw invalid(`webhook_secret must be 1 to ${MAX_RAW_SECRET_LENGTH} characters`);
  }
  if (version === "v1a" && (secret ?? rawSecret) !== undefined) {
    throw invalid("secret applies to v1 (HMAC) endpoints only");
  }
  if (rawSecret !== undefined) return secretFromRawKey(rawSecret);
  return secret ?? newSecret(version);
}

export async function listEndpoints(
  deps: Uses<"endpointStore">,
  org: string,
  limit: number,
  cursor?: CursorKey,
) {
  const { items, last } = await deps.endpointStore.list(org, { limit, cursor });
  return { endpoints: items, last };
}

/**
 * One endpoint, read now (not the directory's cache), or 404 `not_found`; with `agent`, also
 * 404 unless it is that agent's (an agent's endpoints, core/endpoints/agents.ts). Vocabulary
 * (docs/design.md): `require…` reads and throws, the directory's `cached` may answer
 * undefined, the store's `get` is the raw read.
 */
export async function requireEndpoint(
  deps: Uses<"endpointStore">,
  org: string,
  id: string,
  agent?: string,
): Promise<EndpointRecord> {
  // Ids that cannot be ours are 404 without a read.
  const rec = isId("ep", id) ? await deps.endpointStore.get(org, id) : undefined;
  if (!rec || (agent !== undefined && !sameAgent(rec.agent_id, agent))) throw endpointNotFound();
  return rec;
}

export async function updateEndpoint(
  deps: EndpointWriterDeps & EmitDeps & Uses<"scheduler">,
  org: string,
  id: string,
  input: UpdateEndpointInput,
  mode: KeyMode = "live",
): Promise<EndpointRecord> {
  const current = await requireEndpoint(deps, org, id);
  const set: Partial<EndpointRecord> = updatedDestination(deps.config, current, input, mode);
  // A credential header sent back redacted (as a view without secrets showed it) keeps its value.
  if (input.headers !== undefined) set.headers = checkHeaders(keepRedacted(input.headers, current.headers));
  if (input.event_types !== undefined) {
    set.event_types = await checkEventTypes(deps, org, input.event_types, current.event_types);
  }
  Object.assign(set, plainSettings(input));
  if (input.filter !== undefined) set.filter = checkFilter(input.filter);
  Object.assign(set, checkOrdering(deps, input, current));
  if (input.status !== undefined) {
    // (Re)activating by hand starts health tracking afresh: the caller says the receiver is fixed.
    if (input.status === "active" && current.status !== "active") Object.assign(set, freshHealth);
  }
  // A new URL is a new receiver: the old one's failures say nothing about it, so its breaker
  // closes and a `failing` endpoint is active again (a disabled one stays disabled).
  if (
    (set.url !== undefined && set.url !== current.url) ||
    (set.aws && set.aws.role_arn !== current.aws?.role_arn)
  ) {
    Object.assign(set, freshHealth, { breaker_open_until: null, slow_until: null });
    if ((set.status ?? current.status) === "failing") set.status = "active";
  }
  if (Object.keys(set).length === 0) return current;
  set.updated_at = deps.now().toISOString();
  const updated = await deps.endpointStore.patch(org, id, set);
  if (!updated) throw endpointNotFound();
  deps.endpoints.invalidate(org);
  // Deliveries parked while it was disabled or paused resume (docs/delivery.md, "Disabled endpoints").
  if (parksDeliveries(current.status) && !parksDeliveries(updated.status)) {
    await scheduleResume(deps, updated, { kind: "unparked" });
  }
  await emitStatusChange(deps, current, updated);
  return updated;
}

/** `hookrelay.endpoint.disabled` / `.enabled` when a caller switched the endpoint off or on. */
function emitStatusChange(deps: EmitDeps & Uses<"now">, before: EndpointRecord, after: EndpointRecord) {
  const off = before.status !== "disabled" && after.status === "disabled";
  const on = before.status === "disabled" && after.status !== "disabled";
  if (!off && !on) return;
  const at = deps.now();
  return emitOperational(deps, [on ? endpointEnabled(after, at) : endpointDisabled(before, "manual", at)]);
}

export async function deleteEndpoint(
  deps: Uses<"endpoints" | "endpointStore">,
  org: string,
  id: string,
): Promise<void> {
  if (!isId("ep", id) || !(await deps.endpointStore.remove(org, id))) throw endpointNotFound();
  deps.endpoints.invalidate(org);
}

/**
 * New secret (HMAC secret returned once; ed25519 private key never shown), of the endpoint's
 * signing version or of `version` to switch. The old one keeps signing (a second signature)
 * for SECRET_GRACE_HOURS, so receivers can switch without dropping deliveries; so does every
 * key retired earlier whose grace has not ended, up to MAX_RETIRED_SECRETS, after which a
 * rotation is refused (409 `too_many_secrets`) rather than dropping a key receivers may use.
 */
export async function rotateSecret(
  deps: Uses<"config" | "endpoints" | "endpointStore" | "now">,
  org: string,
  id: string,
  version?: SigningVersion,
): Promise<WithSecret> {
  if (!isId("ep", id)) throw endpointNotFound();
  const target = version ?? (await requireEndpoint(deps, org, id)).signing_version;
  const now = deps.now();
  const graceMs = deps.config.secretGraceHours * 3600_000;
  const until = graceMs > 0 ? new Date(now.getTime() + graceMs).toISOString() : null;
  const secret = newSecret(target);
  const updated = await deps.endpointStore.replaceSecret(org, id, {
    secret,
    previousUntil: until,
    now: now.toISOString(),
    signingVersion: target,
  });
  if (!updated) throw endpointNotFound();
  if ("full" in updated) {
    throw new ServiceError(
      409,
      "too_many_secrets",
      `${MAX_RETIRED_SECRETS} earlier secrets still sign during their grace period; rotate again after ${updated.full}, when the first of them ends`,
      { retry_after: updated.full },
    );
  }
  deps.endpoints.invalidate(org);
  return { endpoint: updated, secret: shown(target, secret) };
}
