/**
 * The emulators the benchmark runs against, started once and shared by every part of the
 * run (the service, the floor loops, the CPU micro-benchmark): DynamoDB Local (java child
 * process, as local/dynamodb.ts starts it) and fauxqs in a child process.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startDynamo } from "../local/dynamodb.js";

export interface Emulators {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** Child process ids (for the memory report). */
  sqsPid: number;
  stop(): Promise<void>;
}

export async function startEmulators(): Promise<Emulators> {
  const child = fork(fileURLToPath(new URL("./sqs-child.ts", import.meta.url)), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const sqsPort = new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`fauxqs exited with ${code}`)));
    child.once("message", (m: unknown) => resolve((m as { port: number }).port));
  });
  const [dynamo, port] = await Promise.all([startDynamo(), sqsPort]);
  child.removeAllListeners("exit");
  return {
    dynamodbEndpoint: dynamo.endpoint,
    sqsEndpoint: `http://127.0.0.1:${port}`,
    sqsPid: child.pid!,
    async stop() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.disconnect();
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      });
      await dynamo.stop();
    },
  };
}
