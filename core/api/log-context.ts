/**
 * Every log line of an API request carries its request id (docs/tracing.md): Lambda's
 * `awsRequestId` (hono/aws-lambda hands the context over as `c.env.lambdaContext`), or a fresh
 * one where no Lambda runs the app (the local stack, tests). Handlers add the event's ids.
 */
import type { MiddlewareHandler } from "hono";
import { withInvocation } from "../log/index.js";

interface LambdaBindings {
  lambdaContext?: { awsRequestId?: string };
}

export const requestLogContext: MiddlewareHandler = (c, next) =>
  withInvocation((c.env as LambdaBindings | undefined)?.lambdaContext, () => next());
