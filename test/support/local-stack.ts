/**
 * The whole local stack (local/stack.ts: API, ingest, delivery pollers, scheduler) for one
 * test file, on the emulators global setup started, with its own table and queues.
 */
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../local/stack.js";
import { sharedEmulators } from "./stack.js";

/** Started on the shared emulators, its API on a free port. */
export function startTestLocalStack(
  options: Omit<LocalStackOptions, "emulators" | "port"> = {},
): Promise<LocalStack> {
  return startLocalStack({ ...options, port: 0, emulators: sharedEmulators() });
}
