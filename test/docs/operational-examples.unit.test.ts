/**
 * docs/operations.md shows an example body for every operational event type; each must be a
 * valid body of its type as the OpenAPI document declares it (core/api/schemas/operational.ts),
 * with exactly the fields of its `data`, so the runbook never drifts from what is sent.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { operationalEventBody } from "../../core/api/schemas/operational.js";
import { OPERATIONAL_EVENT_TYPES, type OperationalType } from "../../core/model/operational.js";

const doc = readFileSync(new URL("../../docs/operations.md", import.meta.url), "utf8");
const examples = new Map(
  [...doc.matchAll(/#### `(hookrelay\.[a-z_.]+)`\n+```json\n([\s\S]*?)```/g)].map((m) => [
    m[1]!,
    JSON.parse(m[2]!) as { type: string; data: Record<string, unknown> },
  ]),
);

describe("docs/operations.md: an example payload per operational event type", () => {
  it("lists every type, and no other", () => {
    expect([...examples.keys()].sort()).toEqual(OPERATIONAL_EVENT_TYPES.map((t) => t.name).sort());
  });

  for (const { name } of OPERATIONAL_EVENT_TYPES) {
    it(`${name}: a valid body of its type, with exactly its fields`, () => {
      const example = examples.get(name);
      const schema = operationalEventBody(name as OperationalType);
      expect(schema.safeParse(example).error).toBeUndefined();
      const fields = Object.keys(schema.shape.data.shape).sort();
      expect(Object.keys(example?.data ?? {}).sort()).toEqual(fields);
    });
  }
});
