/**
 * Contract of core/config, the settings: the deployment's constants shared with infra/ (infra.ts),
 * the runtime configuration read from the environment (runtime.ts), the AWS clients' options
 * (aws.ts). Modules outside the folder import only this index (docs/design.md, "Layers"); what it
 * does not re-export is internal to the folder.
 */
export { clientOptions } from "./aws.js";
export {
  fanoutSweep,
  functions,
  isolation,
  type QueueSettings,
  queues,
  SQS_FIFO,
  SQS_MAX_DELAY_SECONDS,
  SQS_MAX_IN_FLIGHT,
  SQS_MAX_MESSAGE_BYTES,
  SQS_MAX_VISIBILITY_SECONDS,
  table,
} from "./infra.js";
export { ORDERED_START_BUDGET_MS } from "./ordered.js";
export { type Config, ConfigError, loadConfig } from "./runtime.js";
