/**
 * Cursor pagination shared by every list route: `?limit=&cursor=` in, `next_cursor` out.
 *
 * A cursor is the base64url of the JSON of DynamoDB's LastEvaluatedKey. It is opaque to
 * clients but not secret; what makes it safe is that the store checks the decoded key
 * still belongs to the caller's partition (`cursorWithin` in core/store/cursor.ts), so a forged cursor can
 * never page into another organization's items.
 */
import { z } from "@hono/zod-openapi";
import { type CursorKey, invalidCursor, MAX_CURSOR_LENGTH, PAGE_SIZE } from "../model/index.js";

export const paginationQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(PAGE_SIZE.max)
    .default(PAGE_SIZE.default)
    .openapi({ param: { name: "limit", in: "query" }, example: PAGE_SIZE.default }),
  cursor: z
    .string()
    .max(MAX_CURSOR_LENGTH)
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "`next_cursor` of the previous page" }),
});
export type PaginationQuery = z.infer<typeof paginationQuery>;

/** `{ data: T[], next_cursor }`: the shape of every list response. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: "Pass as `cursor` for the next page; null at the end" }),
  });
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  if (!key) return null;
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

const cursorKey = z.record(z.string().regex(/^[a-z0-9_]{1,32}$/), z.string().max(1024));

/** Decodes a client's cursor; 400 `invalid_cursor` on anything that is not one of ours. */
export function decodeCursor(cursor: string | undefined): CursorKey | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  const res = cursorKey.safeParse(parsed);
  if (!res.success || Object.keys(res.data).length === 0 || Object.keys(res.data).length > 6) {
    throw invalidCursor();
  }
  return res.data;
}

/** `?limit=&cursor=` as a store reads it: the page size and the decoded cursor. */
export function pageQuery(q: PaginationQuery): { limit: number; cursor: CursorKey | undefined } {
  return { limit: q.limit, cursor: decodeCursor(q.cursor) };
}

/** A list answer: the page's items and the cursor of the next page (null at the end). */
export function pageBody<T>(data: T[], last: Record<string, unknown> | undefined) {
  return { data, next_cursor: encodeCursor(last) };
}
