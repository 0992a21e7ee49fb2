/**
 * `npm start`: the whole service on this machine. Prints where the API listens, a working
 * admin API key and a curl line; Ctrl-C stops everything (no java process is left behind).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../core/config/index.js";
import { bootstrapOrg } from "../core/orgs/index.js";
import { createSession } from "../core/portal/index.js";
import { StackError } from "./java.js";
import { startLocalStack } from "./stack.js";

const dataDir = resolve(process.env.DATA_DIR ?? ".data");
const port = Number(process.env.PORT ?? 3000);
const credentialsFile = join(dataDir, "local-credentials.json");

interface LocalCredentials {
  org_id: string;
  api_key: string;
}

/** The default organization and its admin key: created on first start, reused afterwards. */
function localCredentials(orgId: string): LocalCredentials {
  try {
    return JSON.parse(readFileSync(credentialsFile, "utf8")) as LocalCredentials;
  } catch {
    const creds = { org_id: orgId, api_key: `sk_test_${randomBytes(24).toString("base64url")}` };
    writeFileSync(credentialsFile, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
    return creds;
  }
}

/**
 * A secret of this stack kept in .data/: generated on first start, so printed portal links
 * (portal-secret) and API keys (api-key-pepper) survive a restart. The environment wins.
 */
function stackSecret(name: string, file: string): string {
  const fromEnv = process.env[name];
  if (fromEnv) return fromEnv;
  const path = join(dataDir, file);
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    writeFileSync(path, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

async function main() {
  const started = Date.now();
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, ".probe"), "");
  } catch (err) {
    throw new StackError(`cannot write to ${dataDir}: ${(err as Error).message}`);
  }
  const stack = await startLocalStack({
    dataDir,
    port,
    env: {
      PORTAL_SECRET: stackSecret("PORTAL_SECRET", "portal-secret"),
      API_KEY_PEPPER: stackSecret("API_KEY_PEPPER", "api-key-pepper"),
    },
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    await stack.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  const creds = localCredentials(stack.config.platformOrgId);
  await bootstrapOrg(stack.deps, { orgId: creds.org_id, name: "Platform", apiKey: creds.api_key });
  const portal = await createSession(
    stack.deps,
    { orgId: creds.org_id, keyId: "local", role: "admin", mode: "test" },
    { expires_in: 24 * 3600 },
    `${stack.url}/portal`,
  );
  const health = await stack.health();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const q = stack.config.queues;
  // fauxqs keeps the URL a queue was created with (host and port of the first start); it finds
  // queues by name, so the URL on this run's endpoint is the one to give a user.
  const onEndpoint = (url: string) => `${stack.env.SQS_ENDPOINT}${new URL(url).pathname}`;
  const dynamoPort = new URL(stack.env.DYNAMODB_ENDPOINT!).port;
  console.log(`
hookrelay is running (started in ${seconds} s)

  API        ${stack.url}/v1        docs: ${stack.url}/docs
  health     ${Object.entries(health)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ")}
  org        ${creds.org_id}
  API key    ${creds.api_key}   (admin; saved in ${credentialsFile})
  portal     ${portal.url}
             (the customer portal for ${creds.org_id}, valid 24 h)

  queues     ingest    ${onEndpoint(q.ingest)}
             delivery  ${onEndpoint(q.delivery)}
             DLQs      ${onEndpoint(q.ingestDlq)}  ${onEndpoint(q.deliveryDlq)}
  emulators  SQS       ${stack.env.SQS_ENDPOINT}   (fauxqs, on 127.0.0.1 only)
             DynamoDB  ${stack.env.DYNAMODB_ENDPOINT}   (DynamoDB Local, table ${stack.config.tableName})

For the hookrelay CLI and client (paste into your shell):
  export HOOKRELAY_URL=${stack.url}
  export HOOKRELAY_API_KEY=${creds.api_key}
  export DELIVERY_QUEUE_URL=${onEndpoint(q.delivery)}
  export DELIVERY_DLQ_URL=${onEndpoint(q.deliveryDlq)}

  curl -s ${stack.url}/v1/webhook-endpoints -H "Authorization: Bearer ${creds.api_key}"
  npx hookrelay dlq redrive --dry-run

Press Ctrl-C to stop.`);
  // DynamoDB Local has no option to bind one address (docs/security.md, "npm start").
  console.warn(
    `warning: DynamoDB Local listens on every network interface (port ${dynamoPort}), unauthenticated: ` +
      "on a shared network, firewall that port. Signing secrets in it are encrypted, with the key in " +
      `${stack.config.secrets.keyFile ?? "KMS"}; API keys written into it match no key without ` +
      `${join(dataDir, "api-key-pepper")}.`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof StackError || err instanceof ConfigError) {
    console.error(`error: ${err.message}`);
  } else {
    console.error(`error: ${(err as Error)?.message ?? String(err)}`);
  }
  process.exit(1);
});
