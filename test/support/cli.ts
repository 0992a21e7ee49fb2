/**
 * The `hookrelay` CLI as a user runs it (the bin of packages/client, as `npx hookrelay` does):
 * a fresh process per command, against a local stack with an organization of its own.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import type { LocalStack } from "../../local/stack.js";
import { startTestLocalStack } from "./local-stack.js";

const bin = fileURLToPath(new URL("../../node_modules/.bin/hookrelay", import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `hookrelay …args` with `env` (HOOKRELAY_URL, HOOKRELAY_API_KEY) over this process's environment. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A local stack and a new organization (`org_<prefix>…`) whose admin key the CLI's env carries. */
export async function startCliStack(
  prefix: string,
): Promise<{ stack: LocalStack; env: Record<string, string> }> {
  const stack = await startTestLocalStack({});
  const apiKey = `sk_test_${randomBytes(24).toString("base64url")}`;
  await bootstrapOrg(stack.deps, {
    orgId: `org_${prefix}${randomBytes(4).toString("hex")}`,
    name: "cli",
    apiKey,
  });
  return { stack, env: { HOOKRELAY_URL: stack.url, HOOKRELAY_API_KEY: apiKey } };
}
