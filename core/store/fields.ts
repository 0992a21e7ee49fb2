/**
 * Reading typed fields off stored items without casts. The stores map items to records with
 * these instead of parsing with core/model's zod schemas: those must be created after
 * @hono/zod-openapi extends zod (the API derives its views from them), and a store is often
 * the first module to load core/model; the delivery bundle also stays free of the API's zod.
 * A field of the wrong type is a corrupt item: it throws rather than passing on bad data.
 */
import type { DeliveryStatus } from "../model/delivery.js";

const STATUSES: ReadonlySet<string> = new Set<DeliveryStatus>([
  "pending",
  "retrying",
  "succeeded",
  "failed",
  "skipped",
  "abandoned",
]);

type Item = Record<string, unknown>;

const corrupt = (name: string, v: unknown) => new Error(`stored item: ${name} is ${typeof v}`);

function isStatus(v: unknown): v is DeliveryStatus {
  return typeof v === "string" && STATUSES.has(v);
}

function isItem(v: unknown): v is Item {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export const field = {
  str(item: Item, name: string): string {
    const v = item[name];
    if (typeof v !== "string") throw corrupt(name, v);
    return v;
  },
  strOrNull(item: Item, name: string): string | null {
    const v = item[name];
    if (v === null || v === undefined) return null;
    if (typeof v !== "string") throw corrupt(name, v);
    return v;
  },
  num(item: Item, name: string): number {
    const v = item[name];
    if (typeof v !== "number") throw corrupt(name, v);
    return v;
  },
  numOrNull(item: Item, name: string): number | null {
    const v = item[name];
    if (v === null || v === undefined) return null;
    if (typeof v !== "number") throw corrupt(name, v);
    return v;
  },
  status(item: Item, name: string): DeliveryStatus {
    const v = item[name];
    if (!isStatus(v)) throw corrupt(name, v);
    return v;
  },
  map(item: Item, name: string): Item {
    const v = item[name];
    if (!isItem(v)) throw corrupt(name, v);
    return v;
  },
};
