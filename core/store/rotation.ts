/**
 * An endpoint's secret rotation as stored: the current key retires, with every retired key
 * still in its grace, by the policy of core/model/rotation.ts applied to the sealed values
 * (no key is opened to be moved). A read, then a write conditioned on the secret read, so two
 * rotations at once never lose a key: the one that loses the race reads again.
 */
import { type EndpointRecord, type KeyFields, rotateKeys } from "../model/index.js";
import { getItem, updateReturning } from "./item.js";
import { keys } from "./keys.js";
import type { Db } from "./table.js";

export interface RotationWrite {
  secret: string;
  /** Until when the current secret keeps signing; null: it, and every retired key, stops now. */
  previousUntil: string | null;
  now: string;
  /** The secret's kind (`v1a`: `secret` is an ed25519 key); unchanged when absent. */
  signingVersion?: EndpointRecord["signing_version"];
}

/** The item as written; `{ full }` when the retired keys are at their bound; undefined: no such endpoint. */
export type SealedRotation = { item: Record<string, unknown> } | { full: string } | undefined;

const MAX_RACES = 5;

export async function rotateSealed(
  db: Db,
  org: string,
  id: string,
  next: RotationWrite,
): Promise<SealedRotation> {
  const stored = await db.secrets.encrypt(org, next.secret);
  const version = next.signingVersion ? { ":v": next.signingVersion } : {};
  for (let race = 0; race < MAX_RACES; race++) {
    const item = await getItem(db, keys.endpoint(org, id));
    if (!item) return undefined;
    // The key fields as stored (sealed): the policy never looks inside a key.
    const current = item as unknown as KeyFields;
    const rotated = rotateKeys(current, stored, next.previousUntil, new Date(next.now));
    if ("full" in rotated) return rotated;
    const written = await updateReturning(db, {
      Key: keys.endpoint(org, id),
      UpdateExpression:
        "SET secret = :s, previous_secret = :p, previous_secret_expires_at = :pe, earlier_secrets = :e, updated_at = :now" +
        (next.signingVersion ? ", signing_version = :v" : ""),
      ConditionExpression: "secret = :old",
      ExpressionAttributeValues: {
        ":s": rotated.secret,
        ":p": rotated.previous_secret,
        ":pe": rotated.previous_secret_expires_at,
        ":e": rotated.earlier_secrets,
        ":now": next.now,
        ":old": current.secret,
        ...version,
      },
    });
    if (written) return { item: written };
  }
  throw new Error(`endpoint ${id}: its secret kept changing during a rotation`);
}
