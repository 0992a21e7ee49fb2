/**
 * Reading typed fields off stored items without casts. The stores map items to records with
 * these instead of parsing with core/model's zod schemas: those must be created after
 * @hono/zod-openapi extends zod (the API derives its views from them), and a store is often
 * the first module to load core/model; the delivery bundle also stays free of the API's zod.
 * A field of the wrong type is a corrupt item: it throws rather than passing on bad data.
 */
import type { DeliveryStatus } from "../model/index.js";

const STATUSES: ReadonlySet<string> = new Set<DeliveryStatus>([
  "pending",
  "retrying",
  "succeeded",
  "failed",
  "skipped",
  "abandoned",
  "expired",
  "erased",
]);

type Item = Record<string, unknown>;

const corrupt = (name: string, v: unknown) => new Error(`stored item: ${name} is ${typeof v}`);

function isStatus(v: unknown): v is DeliveryStatus {
  return typeof v === "string" && STATUSES.has(v);
}

function isItem(v: unknown): v is Item {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number";

/** A reader of a field that must hold a T. */
function required<T>(is: (v: unknown) => v is T) {
  return (item: Item, name: string): T => {
    const v = item[name];
    if (!is(v)) throw corrupt(name, v);
    return v;
  };
}

/** A reader of a field that holds a T, or null (absent reads as null). */
function nullable<T>(is: (v: unknown) => v is T) {
  return (item: Item, name: string): T | null => {
    const v = item[name];
    if (v === null || v === undefined) return null;
    if (!is(v)) throw corrupt(name, v);
    return v;
  };
}

export const field = {
  str: required(isString),
  strOrNull: nullable(isString),
  num: required(isNumber),
  numOrNull: nullable(isNumber),
  status: required(isStatus),
  map: required(isItem),
};
