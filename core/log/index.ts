/**
 * Contract of core/log, the logger and the metrics. Modules outside the folder import only this
 * index (docs/design.md, "Layers"); what it does not re-export is internal to the folder.
 */
export { logger } from "./logger.js";
export { metrics } from "./metrics.js";
