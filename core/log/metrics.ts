/**
 * CloudWatch metrics through Powertools (embedded metric format: a structured log line, no
 * API call). Created on first use so the local stack can switch them off
 * (POWERTOOLS_METRICS_DISABLED) before anything reads the environment.
 */
import { Metrics } from "@aws-lambda-powertools/metrics";

let instance: Metrics | undefined;

export function metrics(): Metrics {
  instance ??= new Metrics({
    // One namespace per deployed stage (infra/access.ts sets it to `hookrelay/<stage>`).
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? "hookrelay",
    serviceName: process.env.SERVICE_NAME ?? "hookrelay",
  });
  return instance;
}
