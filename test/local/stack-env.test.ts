/** `npm start`'s stack: the developer's environment wins over the local defaults. */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, inject, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../local/stack.js";

const NAMES = ["ALLOW_PRIVATE_TARGETS", "ALLOW_HTTP_LOCALHOST", "SECRETS_KEY_FILE"] as const;
const saved = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));
let stack: LocalStack | undefined;

afterEach(async () => {
  await stack?.stop();
  for (const n of NAMES) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
});

const start = () =>
  startLocalStack({
    emulators: {
      dynamodbEndpoint: inject("dynamodbEndpoint"),
      sqsEndpoint: inject("sqsEndpoint"),
      suffix: randomBytes(4).toString("hex"),
    },
  });

describe("local stack environment", () => {
  it("keeps the SSRF guard on when the environment says so", async () => {
    process.env.ALLOW_PRIVATE_TARGETS = "false";
    process.env.ALLOW_HTTP_LOCALHOST = "false";
    process.env.SECRETS_KEY_FILE = "/tmp/hookrelay-stack-env-test.key";
    stack = await start();
    expect(stack.config.allowPrivateTargets).toBe(false);
    expect(stack.config.allowHttpLocalhost).toBe(false);
    expect(stack.config.secrets.keyFile).toBe("/tmp/hookrelay-stack-env-test.key");
  });

  it("defaults to a development-friendly guard when the environment is silent", async () => {
    for (const n of NAMES) delete process.env[n];
    stack = await start();
    expect(stack.config.allowPrivateTargets).toBe(true);
    expect(stack.config.allowHttpLocalhost).toBe(true);
  });
});
