/**
 * The service logger (Powertools: structured JSON on Lambda, readable locally).
 * Never log a secret, an API key or a full payload: log ids, types and sizes.
 */
import { LogFormatter, Logger, LogItem } from "@aws-lambda-powertools/logger";
import type { LogAttributes, UnformattedAttributes } from "@aws-lambda-powertools/logger/types";
import { logContext } from "./context.js";

/**
 * Powertools' standard keys, then the ids of the step being logged (context.ts), then the
 * call's own fields (which win). Powertools does not export its own formatter, so its base
 * keys are named here.
 */
class ContextFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base = {
      level: attributes.logLevel,
      message: attributes.message,
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_name: attributes.lambdaContext?.functionName,
      sampling_rate: attributes.sampleRateValue,
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: base }).addAttributes({ ...logContext(), ...additional });
  }
}

export const logger = new Logger({
  serviceName: process.env.SERVICE_NAME ?? "hookrelay",
  logLevel: (process.env.LOG_LEVEL as "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT" | undefined) ?? "INFO",
  logFormatter: new ContextFormatter(),
});
