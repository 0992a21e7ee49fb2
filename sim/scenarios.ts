/**
 * The scenarios of issue #25, each a function of its fault (true) or its baseline (false), in
 * the order `npm run simulate` runs and lists them (and docs/scale.md's figures table follows).
 * Each family is a file of sim/scenarios/; the shared shape and helpers are sim/scenarios/shape.ts.
 *
 * Cohort sizes are chosen so a scenario runs in minutes on a 2-core machine; each is printed.
 */
import { calibration, smoke } from "./scenarios/checks.js";
import { hotTenant4k, hotTenant4kUnraised, throttleStorm } from "./scenarios/dynamodb.js";
import { awsThrottled, deadEndpoint3d, flapping, justUnderBudget, ordered } from "./scenarios/endpoints.js";
import { apiPublish, burst, hotTenant, steady10k } from "./scenarios/load.js";
import { retentionGuard, retentionUnguarded } from "./scenarios/retention.js";
import type { Scenario } from "./scenarios/shape.js";

export type { Scale, Scenario } from "./scenarios/shape.js";

export const scenarios: Scenario[] = [
  steady10k,
  hotTenant,
  deadEndpoint3d,
  flapping,
  justUnderBudget,
  burst,
  throttleStorm,
  awsThrottled,
  ordered,
  retentionGuard,
  retentionUnguarded,
  apiPublish,
  smoke,
  calibration,
  hotTenant4k,
  hotTenant4kUnraised,
];
