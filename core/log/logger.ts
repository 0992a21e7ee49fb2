/**
 * The service logger (Powertools: structured JSON on Lambda, readable locally).
 * Never log a secret, an API key or a full payload: log ids, types and sizes.
 */
import { Logger } from "@aws-lambda-powertools/logger";

export const logger = new Logger({
  serviceName: process.env.SERVICE_NAME ?? "hookrelay",
  logLevel: (process.env.LOG_LEVEL as "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT" | undefined) ?? "INFO",
});
