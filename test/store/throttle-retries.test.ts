/**
 * The table's client (core/store/db.ts) over real HTTP, against a stand-in DynamoDB on
 * 127.0.0.1 that answers every call with an error (DynamoDB Local never throttles): a throttled
 * call is retried by the SDK as usual, but once inside `withoutThrottleRetries`
 * (core/store/throttle-retries.ts); any other error is retried there too.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../core/store/db.js";
import { withoutThrottleRetries } from "../../core/store/throttle-retries.js";

const ERRORS = {
  throttle: { status: 400, type: "ProvisionedThroughputExceededException" },
  internal: { status: 500, type: "InternalServerError" },
} as const;

let server: Server;
let answer: keyof typeof ERRORS = "throttle";
let requests = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      requests++;
      const { status, type } = ERRORS[answer];
      res.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
      res.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: "stand-in" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function db() {
  const { port } = server.address() as AddressInfo;
  return createDb({
    region: "us-east-1",
    tableName: "t",
    endpoints: { dynamodb: `http://127.0.0.1:${port}` },
    secrets: {},
  } as Parameters<typeof createDb>[0]);
}

/** The calls one GetItem made, and the name of the error it threw. */
async function attempt(when: "inside" | "outside", error: keyof typeof ERRORS) {
  answer = error;
  requests = 0;
  const table = db();
  const get = () => table.doc.send(new GetCommand({ TableName: "t", Key: { pk: "a", sk: "b" } }));
  const err = await (when === "inside" ? withoutThrottleRetries(get) : get()).catch((e: Error) => e);
  return { requests, name: (err as Error).name };
}

describe("withoutThrottleRetries", () => {
  it("a throttled call is made once inside, three times (the SDK's standard retries) outside", async () => {
    expect(await attempt("inside", "throttle")).toEqual({
      requests: 1,
      name: "ProvisionedThroughputExceededException",
    });
    expect(await attempt("outside", "throttle")).toEqual({
      requests: 3,
      name: "ProvisionedThroughputExceededException",
    });
  });

  it("other errors are retried inside as everywhere", async () => {
    expect(await attempt("inside", "internal")).toEqual({ requests: 3, name: "InternalServerError" });
  });

  it("the scope ends with its call: the next call outside retries again", async () => {
    await attempt("inside", "throttle");
    expect((await attempt("outside", "throttle")).requests).toBe(3);
  });
});
