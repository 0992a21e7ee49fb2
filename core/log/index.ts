/**
 * Contract of core/log, the logger, the ids every log line of a step carries, and the metrics.
 * Modules outside the folder import only this index (docs/design.md, "Layers"); what it does not
 * re-export is internal to the folder.
 */
export { addLogContext, type LogContext, logContext, withInvocation, withLogContext } from "./context.js";
export { logger } from "./logger.js";
export { metrics } from "./metrics.js";
export { type LogSummary, logSummary } from "./summary.js";
export { inSpan, noopTracer, tracerFor } from "./tracer.js";
