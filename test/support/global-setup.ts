/**
 * Starts DynamoDB Local and fauxqs once per test run. Each test file then provisions its
 * own table and queues on them (test/support/stack.ts), so files never share state.
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

export default async function setup(project: TestProject) {
  const [dynamo, sqs] = await Promise.all([startDynamo(), startSqs()]);
  project.provide("dynamodbEndpoint", dynamo.endpoint);
  project.provide("sqsEndpoint", sqs.endpoint);
  return async () => {
    await Promise.all([dynamo.stop(), sqs.stop()]);
  };
}
