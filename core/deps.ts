/**
 * How code below the composition root names what it is handed (types only). A service or a
 * helper takes `Uses<"messageStore" | "now">`: the parts it uses, declared where it is used. An
 * entry point (the API app, the ingest, delivery and scheduled handlers) lists its parts once,
 * `const X_PORTS = [...] as const satisfies Parts` beside itself, and takes
 * `Uses<(typeof X_PORTS)[number]>`; the root hands it exactly those (core/compose.ts contextFor).
 * The whole set of parts (core/all-deps.ts) is imported only here and by the root.
 */
import type { Deps } from "./all-deps.js";

export type { FilterCountMemo, HealthMemo, HeldCount } from "./all-deps.js";

/** The name of one part the root builds: "messageStore", "now", … */
export type Part = keyof Deps;

/** An entry point's list of parts (its context). */
export type Parts = readonly Part[];

/** The parts a service uses: `Uses<"messageStore" | "now">`. */
export type Uses<K extends Part> = Pick<Deps, K>;

/** The clock alone. */
export type Clock = Uses<"now">;
