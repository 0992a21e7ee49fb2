/**
 * Filters fuzzed: whatever the filter and the event, compiling either accepts or refuses
 * with a FilterError (never another exception), evaluating never throws, and the work it
 * counts stays within (filter values) × (event values) × a small constant.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileFilter, FilterError, jsonSize } from "../../core/filters/compile.js";
import { evaluate } from "../../core/filters/evaluate.js";

const OPS = [
  "$eq",
  "$neq",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$startsWith",
  "$endsWith",
  "$exist",
];
const KEYS = ["a", "b", "c", "tags", "__proto__", "constructor", ...OPS, "$and", "$or", "$not", "$bad"];

const scalar = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer({ min: -3, max: 3 }),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.constantFrom(...KEYS);
/** Filter-like values: the operator keys appear often, with operands of every type. */
const filterValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, scalar, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 4 }),
  object: fc.dictionary(key, tie("value"), { maxKeys: 4 }),
})).object;
const eventValue = fc.jsonValue({ maxDepth: 5 });

/** The bound the evaluator promises, in counted steps. */
const bound = (filter: unknown, event: unknown) => 4 * jsonSize(filter) * (jsonSize(event) + 1);

describe("fuzz", () => {
  it("compiles or refuses cleanly; evaluates without throwing, within the bound", () => {
    let evaluated = 0;
    fc.assert(
      fc.property(filterValue, eventValue, (filter, event) => {
        let compiled: ReturnType<typeof compileFilter>;
        try {
          compiled = compileFilter(filter);
        } catch (err) {
          expect(err).toBeInstanceOf(FilterError);
          return;
        }
        evaluated++;
        const budget = { steps: 0 };
        expect(typeof evaluate(compiled, event, budget)).toBe("boolean");
        expect(budget.steps).toBeLessThanOrEqual(bound(filter, event));
      }),
      { numRuns: 3000 },
    );
    // The generator must reach the evaluator often, or the property proves little.
    expect(evaluated).toBeGreaterThan(300);
  });

  it("stays within the bound on the worst shapes: wide arrays under every filter node", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", 1, null, true), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        (elements, depth) => {
          // Event: arrays of objects nested `depth` times, each level `elements` wide.
          let ev: unknown = elements;
          let f: Record<string, unknown> = { a: { $nin: elements, $neq: elements, $in: elements } };
          for (let i = 0; i < depth; i++) {
            ev = elements.map(() => ({ a: ev }));
            f = { a: { $or: [f, { $not: f }] } };
          }
          const budget = { steps: 0 };
          evaluate(compileFilter(f), { a: ev }, budget);
          expect(budget.steps).toBeLessThanOrEqual(bound(f, { a: ev }));
        },
      ),
      { numRuns: 200 },
    );
  });
});
