/**
 * Contract of core/filters, event matching (type, agent, payload filter) and the filter counts.
 * Modules outside the folder import only this index (docs/design.md, "Layers"); what it does not
 * re-export is internal to the folder.
 */
export {
  countFiltered,
  FILTER_COUNT_SPACING_MS,
  type FilterCountDeps,
  filterCountWaitMs,
  writeAllFilterCounts,
  writeFilterCounts,
} from "./counts.js";
export {
  checkFilter,
  type FilterVerdict,
  filterBudget,
  filterInput,
  judgeFilter,
} from "./filter.js";
export {
  type AgentId,
  agentMatches,
  type Matched,
  matchEndpoints,
  SKIP_REASONS,
  sameAgent,
  subscribes,
  typeMatches,
} from "./match.js";
