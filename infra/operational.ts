/**
 * The EventBridge bus operational events are put on (core/operational, docs/operations.md),
 * so a platform can route them with rules (to SNS, a pager, a Lambda) besides the webhooks to
 * its own organization's endpoints. A custom bus, not the account's default one: rules and
 * permissions stay this stage's own.
 */
import { stageName } from "./stage.js";

export function createOperationalBus(): aws.cloudwatch.EventBus {
  return new aws.cloudwatch.EventBus("OperationalEvents", { name: stageName("operational") });
}
