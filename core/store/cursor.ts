/**
 * Guards for client-supplied pagination keys. A cursor (core/api/pagination.ts) decodes to a
 * DynamoDB key; before a store passes it as ExclusiveStartKey it checks the key lies inside
 * the partition being queried, so a forged cursor can never page into another tenant.
 */
import { type CursorKey, invalidCursor } from "../model/index.js";

/**
 * `expect`: attributes that must equal these values (e.g. `{ pk }`); `prefixes`: attributes
 * that must start with these (e.g. `{ sk: "EP#" }`; "" admits any string). A key holding
 * any other attribute is rejected too. Throws 400 `invalid_cursor`.
 */
export function cursorWithin(
  key: CursorKey | undefined,
  expect: Record<string, string>,
  prefixes: Record<string, string> = {},
): CursorKey | undefined {
  if (!key) return undefined;
  // DynamoDB refuses an empty key attribute (a 500 if it got there): no key of ours has one.
  if (Object.values(key).some((v) => v === "")) throw invalidCursor();
  for (const [attr, value] of Object.entries(expect)) if (key[attr] !== value) throw invalidCursor();
  for (const [attr, prefix] of Object.entries(prefixes)) {
    const v = key[attr];
    if (typeof v !== "string" || !v.startsWith(prefix)) throw invalidCursor();
  }
  const allowed = new Set([...Object.keys(expect), ...Object.keys(prefixes)]);
  for (const attr of Object.keys(key)) if (!allowed.has(attr)) throw invalidCursor();
  return key;
}
