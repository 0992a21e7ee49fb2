/**
 * Starts DynamoDB Local and fauxqs once per test run, for the projects that need them
 * (integration and slow, vitest.config.ts). Each test file then provisions its own table and
 * queues on them (test/support/stack.ts), so files never share state.
 *
 * Vitest runs each project's global setup with its own module graph, so the emulators are
 * shared through `globalThis` (one main process) and stopped by the last project's teardown.
 */
import type { TestProject } from "vitest/node";
import { startDynamo } from "../../local/dynamodb.js";
import { startSqs } from "../../local/sqs.js";

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    sqsEndpoint: string;
  }
}

interface Emulators {
  endpoints: Promise<{ dynamodbEndpoint: string; sqsEndpoint: string; stop(): Promise<void> }>;
  users: number;
}

const key = Symbol.for("hookrelay.test.emulators");
const shared = globalThis as { [key]?: Emulators };

async function start() {
  const [dynamo, sqs] = await Promise.all([startDynamo(), startSqs()]);
  return {
    dynamodbEndpoint: dynamo.endpoint,
    sqsEndpoint: sqs.endpoint,
    stop: async () => {
      await Promise.all([dynamo.stop(), sqs.stop()]);
    },
  };
}

export default async function setup(project: TestProject) {
  shared[key] ??= { endpoints: start(), users: 0 };
  const emulators = shared[key];
  emulators.users += 1;
  const { dynamodbEndpoint, sqsEndpoint } = await emulators.endpoints;
  project.provide("dynamodbEndpoint", dynamodbEndpoint);
  project.provide("sqsEndpoint", sqsEndpoint);
  return async () => {
    emulators.users -= 1;
    if (emulators.users > 0) return;
    shared[key] = undefined;
    await (await emulators.endpoints).stop();
  };
}
