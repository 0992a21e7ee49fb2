/**
 * Lambda entry of scheduled work: EventBridge Scheduler invokes it with the JSON body of a
 * "maintenance" entry: a run of a tracked task (core/tasks), or the delivery engine's
 * maintenance (the auto-disable check of a failing endpoint, the resumption of parked
 * deliveries), or the fan-out sweep's rate schedule with `{"kind":"fanout.sweep"}`.
 *
 * The function may schedule further maintenance, which targets itself: its own ARN comes from
 * the invocation's context (always there), not from a variable that could only be added
 * after the function was created. So the dependencies are built on the first invocation.
 */
import type { Context } from "aws-lambda";
import { contextFor, createDeps } from "../core/compose.js";
import { loadConfig } from "../core/config/index.js";
import { createScheduledHandler, SCHEDULED_PORTS } from "../core/scheduled/index.js";

let handle: ReturnType<typeof createScheduledHandler> | undefined;

export function handler(
  event: unknown,
  context: Pick<Context, "invokedFunctionArn"> & Partial<Pick<Context, "awsRequestId">>,
) {
  handle ??= createScheduledHandler(
    contextFor(SCHEDULED_PORTS, createDeps(loadConfig(withOwnArn(process.env, context)))),
  );
  return handle(event, context);
}

/** The environment with MAINTENANCE_FUNCTION_ARN defaulting to this function's unqualified ARN. */
export function withOwnArn(
  env: Record<string, string | undefined>,
  context: Pick<Context, "invokedFunctionArn">,
): Record<string, string | undefined> {
  // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]: schedules target the function itself.
  const own = context.invokedFunctionArn.split(":").slice(0, 7).join(":");
  return { ...env, MAINTENANCE_FUNCTION_ARN: env.MAINTENANCE_FUNCTION_ARN || own };
}
