/**
 * Contract of core/lib, the generic helpers every layer may use: the worker pool, the
 * per-organization cache, a bounded LRU map, a bounded cache of shared loads, a token bucket,
 * the backoff and spread of what is tried again (backoff.ts), and the retry and the one timer
 * of the writes a process holds (held-write.ts). Modules outside the folder import only this
 * index (docs/design.md, "Layers"); what it does not re-export is internal to the folder.
 */
export { doubling, spreadSeconds } from "./backoff.js";
export { armHeldTimer, disarmHeldTimer, type HeldTimer, heldWriteRetryMs } from "./held-write.js";
export { type Loads, type LoadsOptions, loads, loadsPer } from "./loads.js";
export { type Lru, lru, lruMemo, lruPer, type Memo } from "./lru.js";
export { type OrgCacheOptions, type OrgItemCache, orgCache, orgItemCache } from "./org-cache.js";
export { mapLimit } from "./pool.js";
export { type RateBudget, rateBudget } from "./rate-budget.js";
