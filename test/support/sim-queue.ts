/**
 * One simulated SQS queue on its own virtual clock, for the sim models' unit tests
 * (test/sim/lambda.unit, in-flight.unit): cohorts `intervalMs` apart (0: no cohorts), k read as given.
 */
import { Meter } from "../../sim/aws/meter.js";
import { SimQueue } from "../../sim/aws/sqs.js";
import { Engine } from "../../sim/engine.js";

export function simQueue(intervalMs: number) {
  const engine = new Engine(1);
  const meter = new Meter(engine, {
    ofOrg: () => 1,
    rateOf: () => 1,
    shardsOf: () => 16,
    intervalMs: () => intervalMs,
  });
  const settings = { visibilityTimeoutSeconds: 60, retentionSeconds: 86_400, maxReceiveCount: 5 };
  return { engine, meter, queue: new SimQueue("q", settings, engine, meter) };
}
