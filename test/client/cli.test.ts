/**
 * The `hookrelay` CLI (the bin of packages/client, as `npx hookrelay` runs it) against the
 * whole local stack: JSON for scripts, tables for people, and exit codes scripts rely on.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policyText } from "../../core/model/aws-policies.js";
import { bootstrapOrg } from "../../core/orgs/bootstrap.js";
import { startTask } from "../../core/tasks/index.js";
import type { LocalStack } from "../../local/stack.js";
import { startTestLocalStack } from "../support/local-stack.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { waitFor } from "../support/wait.js";

const bin = fileURLToPath(new URL("../../node_modules/.bin/hookrelay", import.meta.url));
let stack: LocalStack;
let receiver: Receiver;
let env: Record<string, string>;
let orgId: string;

beforeAll(async () => {
  stack = await startTestLocalStack({});
  receiver = await startReceiver({ fallback: { status: 503 } });
  const apiKey = `sk_test_${randomBytes(24).toString("base64url")}`;
  orgId = `org_cli${randomBytes(4).toString("hex")}`;
  await bootstrapOrg(stack.deps, { orgId, name: "cli", apiKey });
  env = { HOOKRELAY_URL: stack.url, HOOKRELAY_API_KEY: apiKey };
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

/** The error a failed command ends with (before it: progress, and Node's own warnings). */
const lastLine = (text: string) => text.trim().split("\n").at(-1) ?? "";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function hookrelay(args: string[], extraEnv: Record<string, string> = {}, command = [bin]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...command, ...args],
      { env: { ...process.env, ...env, ...extraEnv } },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** `hookrelay dlq redrive` from the local delivery queue's DLQ at `dlqUrl`. */
const redrive = (dlqUrl: string, ...flags: string[]) =>
  hookrelay(["dlq", "redrive", ...flags, "--queue-url", stack.config.queues.delivery, "--dlq-url", dlqUrl]);

// Each command is a fresh process (tsx compiles the CLI): seconds each on a loaded machine.
describe("hookrelay CLI", { timeout: 240_000 }, () => {
  it("sets and reads the retention, starts an erasure and lists the records (docs/data.md)", async () => {
    const set = await hookrelay(["retention", "set", "7", "--json"]);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ days: 7, source: "organization" });
    const bad = await hookrelay(["retention", "set", "0"]);
    expect(bad.code).toBe(1);
    const get = await hookrelay(["retention", "get"]);
    expect(get.stdout).toContain("payloads are kept 7 days (organization");
    const started = await hookrelay(["erasures", "start", "user-cli-1", "--json"]);
    expect(started.code, started.stderr).toBe(0);
    const r = JSON.parse(started.stdout) as { id: string; task_id: string };
    expect(r.task_id).toMatch(/^task_/);
    const list = await hookrelay(["erasures", "list", "--json"]);
    expect(JSON.parse(list.stdout).data.map((x: { id: string }) => x.id)).toContain(r.id);
    expect(list.stdout).not.toContain("user-cli-1");
  });

  it("manages endpoints: create, list --json, update, table output, delete", async () => {
    const created = await hookrelay(["endpoints", "create", "--url", receiver.url, "--json"]);
    expect(created.code).toBe(0);
    const ep = JSON.parse(created.stdout) as { id: string; secret: string };
    expect(ep.secret).toMatch(/^whsec_/);

    const list = await hookrelay(["endpoints", "list", "--json"]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({
      data: [{ id: ep.id, status: "active" }],
      next_cursor: null,
    });

    const updated = await hookrelay(["endpoints", "update", ep.id, "--status", "disabled", "--json"]);
    expect(JSON.parse(updated.stdout)).toMatchObject({ id: ep.id, status: "disabled", max_retries: 5 });

    const traced = await hookrelay(["endpoints", "update", ep.id, "--send-traceparent", "true", "--json"]);
    expect(JSON.parse(traced.stdout)).toMatchObject({ id: ep.id, send_traceparent: true });
    const bad = await hookrelay(["endpoints", "update", ep.id, "--send-traceparent", "yes"]);
    expect(bad.code).not.toBe(0);

    const table = await hookrelay(["endpoints", "list"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+STATUS\s+URL/);
    expect(table.stdout).toContain(`${ep.id}  disabled`);

    expect((await hookrelay(["endpoints", "delete", ep.id])).code).toBe(0);
    expect(JSON.parse((await hookrelay(["endpoints", "list", "--json"])).stdout).data).toEqual([]);
  });

  it("creates an AWS endpoint with strict ordering: the external id and the role's policies once, the type in the list (docs/destinations.md)", async () => {
    const queue = "https://sqs.us-east-1.amazonaws.com/123456789012/cli-orders";
    const role = "arn:aws:iam::123456789012:role/hookrelay-delivery";
    // An aws_sqs endpoint on `queue` assuming `roleArn`, with more flags.
    const createSqs = (roleArn: string, ...more: string[]) =>
      hookrelay([
        "endpoints",
        "create",
        "--type",
        "aws_sqs",
        "--queue-url",
        queue,
        "--role-arn",
        roleArn,
        ...more,
      ]);
    const created = await createSqs(role, "--ordering", "strict", "--ordering-key", "data.customer_id");
    expect(created.code, created.stderr).toBe(0);
    const id = /^id\s+(\S+)$/m.exec(created.stdout)![1]!;
    const view = JSON.parse((await hookrelay(["endpoints", "get", id, "--json"])).stdout);
    expect(view).toMatchObject({ type: "aws_sqs", queue_url: queue, role_arn: role, ordering: "strict" });
    expect(view.ordering_key).toBe("data.customer_id");
    // The human answer: the secret's note, then the external id and both policies, paste-ready.
    expect(created.stdout).toContain(`external id ${view.external_id}`);
    expect(created.stdout).toContain(`Give the role this trust policy:\n${policyText(view.trust_policy)}\n`);
    expect(created.stdout).toContain(`and this permission policy:\n${policyText(view.permission_policy)}`);
    expect(created.stdout).not.toMatch(/^trust_policy/m);

    const table = await hookrelay(["endpoints", "list"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+STATUS\s+URL\s+TYPE/);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+active\\s+${queue.replaceAll(".", "\\.")}\\s+aws_sqs`));

    // Update: ordering off, another queue; the external id stays.
    const other = "https://sqs.us-east-1.amazonaws.com/123456789012/cli-other";
    const updated = await hookrelay([
      "endpoints",
      "update",
      id,
      "--queue-url",
      other,
      "--ordering",
      "none",
      "--json",
    ]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({
      queue_url: other,
      ordering: "none",
      ordering_key: null,
      external_id: view.external_id,
    });
    // Usage errors before any request: a key without strict ordering, an https endpoint without a URL.
    const keyless = await hookrelay([
      "endpoints",
      "update",
      id,
      "--ordering",
      "none",
      "--ordering-key",
      "data.x",
    ]);
    expect(keyless.code).toBe(2);
    expect((await hookrelay(["endpoints", "create", "--type", "https"])).code).toBe(2);
    // A role of another shape: the API's 400, nothing created.
    const bad = await createSqs("x");
    expect(bad.code).toBe(1);
    expect(lastLine(bad.stderr)).toMatch(/^error: (invalid_destination|validation_error) \(HTTP 400\)/);
    expect((await hookrelay(["endpoints", "delete", id])).code).toBe(0);
  });

  it("publishes an event and follows its attempts", async () => {
    const ep = JSON.parse((await hookrelay(["endpoints", "create", "--url", receiver.url, "--json"])).stdout);
    const published = await hookrelay([
      "events",
      "publish",
      "--type",
      "voice.call.ended",
      "--data",
      '{"call_id":"c_1"}',
      "--json",
    ]);
    expect(published.code).toBe(0);
    const { id } = JSON.parse(published.stdout) as { id: string };
    // The receiver answers 503: the first attempt fails, and tail prints it as one JSON line.
    const tail = await hookrelay([
      "attempts",
      "tail",
      "--endpoint",
      ep.id,
      "--count",
      "1",
      "--interval",
      "0.2",
      "--json",
    ]);
    expect(tail.code).toBe(0);
    const lines = tail.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg_id: id,
      endpoint_id: ep.id,
      status: "failed",
      status_code: 503,
    });

    const event = JSON.parse((await hookrelay(["events", "get", id, "--json"])).stdout);
    expect(event.deliveries[0]).toMatchObject({ endpoint_id: ep.id });
    const resent = await hookrelay(["resend", id, ep.id, "--json"]);
    expect(JSON.parse(resent.stdout)).toMatchObject({ message_id: id, status: "pending" });
  });

  it("rotates an endpoint's secret and sends a test event signed with the new one", async () => {
    const ep = JSON.parse((await hookrelay(["endpoints", "create", "--url", receiver.url, "--json"])).stdout);
    const rotated = await hookrelay(["endpoints", "rotate-secret", ep.id, "--json"]);
    expect(rotated.code).toBe(0);
    const { id, secret } = JSON.parse(rotated.stdout) as { id: string; secret: string };
    expect(id).toBe(ep.id);
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(ep.secret);
    const shown = await hookrelay(["endpoints", "secret", ep.id, "--json"]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ secret });

    const sent = await hookrelay(["endpoints", "test", ep.id, "--json"]);
    expect(sent.code).toBe(0);
    const test = JSON.parse(sent.stdout) as { success: boolean; message_id: string; endpoint_count: number };
    expect(test).toMatchObject({ success: true, endpoint_count: 1 });
    const delivered = await waitFor(
      () => receiver.requests.find((r) => r.headers["webhook-id"] === test.message_id),
      { what: "the test event at the receiver" },
    );
    const headers = delivered.headers as Record<string, string>;
    expect(new Webhook(secret).verify(delivered.body, headers)).toMatchObject({ type: "webhook.test" });

    const human = await hookrelay(["endpoints", "test", ep.id]);
    expect(human.stdout).toMatch(/^success\s+true$/m);
    expect((await hookrelay(["endpoints", "rotate-secret", ep.id, "--signing-version", "v3"])).code).toBe(2);
    expect((await hookrelay(["endpoints", "rotate-secret", "ep_missing"])).code).toBe(1);
  });

  it("manages event types: create with a schema, list, and a duplicate is refused", async () => {
    const name = `cli.thing${randomBytes(3).toString("hex")}.happened`;
    const schema = '{"type":"object","required":["thing_id"]}';
    const create = ["event-types", "create", "--name", name, "--description", "A thing happened"];
    const created = await hookrelay([...create, "--schema", schema, "--json"]);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name, custom: true, schema: JSON.parse(schema) });

    const list = await hookrelay(["event-types", "list", "--json"]);
    expect(JSON.parse(list.stdout).data).toContainEqual(expect.objectContaining({ name, custom: true }));
    const table = await hookrelay(["event-types", "list"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+CUSTOM\s+RETENTION_DAYS\s+DESCRIPTION/);
    expect(table.stdout).toContain(name);

    // The catalog now validates publishes of the type.
    const bad = await hookrelay(["events", "publish", "--type", name, "--data", "{}"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: \S+ \(HTTP 4\d\d\)/);

    const again = await hookrelay(create);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/\(HTTP 409\)/);
    expect((await hookrelay([...create, "--schema", "not json"])).code).toBe(2);
    expect((await hookrelay(["event-types", "create", "--name", name])).code).toBe(2);
  });

  it("manages API keys: create shows the key once, it works in its role, revoke ends it", async () => {
    const created = await hookrelay(["api-keys", "create", "--role", "viewer", "--name", "ci", "--json"]);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { id: string; key: string; role: string };
    expect(key).toMatchObject({ role: "viewer", name: "ci", mode: "live", revoked_at: null });
    expect(key.key).toMatch(/^sk_live_/);

    const listed = JSON.parse((await hookrelay(["api-keys", "list", "--json"])).stdout);
    const row = listed.data.find((k: { id: string }) => k.id === key.id);
    expect(row).toMatchObject({ role: "viewer", revoked_at: null });
    expect(row).not.toHaveProperty("key");
    const table = await hookrelay(["api-keys", "list"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+ROLE\s+MODE\s+PREFIX/);
    expect(table.stdout).not.toContain(key.key);

    const asViewer = { HOOKRELAY_API_KEY: key.key };
    expect((await hookrelay(["endpoints", "list"], asViewer)).code).toBe(0);
    const write = await hookrelay(["api-keys", "create", "--role", "admin"], asViewer);
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/\(HTTP 403\)/);

    const revoked = await hookrelay(["api-keys", "revoke", key.id]);
    expect(revoked).toMatchObject({ code: 0, stdout: `revoked ${key.id}\n` });
    const after = await hookrelay(["endpoints", "list"], asViewer);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/\(HTTP 401\)/);
    expect((await hookrelay(["api-keys", "create", "--role", "owner"])).code).toBe(2);
    expect((await hookrelay(["api-keys", "revoke"])).code).toBe(2);
  });

  it("creates a portal session: the link on stdout, the whole session with --json", async () => {
    const human = await hookrelay(["portal", "--capability", "view", "--expires-in", "600"]);
    expect(human.code).toBe(0);
    const link = new URL(human.stdout.trim());
    expect(`${link.origin}${link.pathname}`).toBe(`${stack.url}/portal`);
    expect(link.hash).toMatch(/^#token=hrps_/);
    expect(human.stderr).toMatch(/^session ps_\S+, valid until \S+Z/);

    const json = await hookrelay(["portal", "--agent-id", "agent_7", "--json"]);
    expect(json.code).toBe(0);
    const session = JSON.parse(json.stdout) as { id: string; url: string; token: string; expires_at: string };
    expect(session.url).toContain(session.token);
    // The token works as the API's bearer, within its scope: the session names its agent.
    const current = await fetch(`${stack.url}/v1/portal-sessions/current`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    expect(await current.json()).toMatchObject({ id: session.id, agent_id: "agent_7" });

    const bad = await hookrelay(["portal", "--capability", "everything"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: validation_error \(HTTP 400\)/);
  });

  it("exits 1 with the service's error code, 2 on usage errors, 3 when the service is unusable", async () => {
    const missing = await hookrelay(["endpoints", "get", "ep_missing"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe("error: not_found (HTTP 404): endpoint not found");

    const unknown = await hookrelay(["endpoints", "frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown command: endpoints frobnicate/);
    const badFlag = await hookrelay(["endpoints", "list", "--nope"]);
    expect(badFlag.code).toBe(2);
    expect((await hookrelay(["endpoints", "create"])).code).toBe(2);

    const noKey = await hookrelay(["endpoints", "list"], { HOOKRELAY_API_KEY: "" });
    expect(noKey.code).toBe(3);
    expect(noKey.stderr).toMatch(/HOOKRELAY_API_KEY/);
    const down = await hookrelay(["endpoints", "list"], { HOOKRELAY_URL: "http://127.0.0.1:9" });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/cannot reach the service/);
  });

  it("follows a task to its end (tasks get --wait), lists tasks, and a finished one cannot be canceled", async () => {
    // A kind the service does not know: its first run fails it, on the local stack's scheduler.
    const task = await startTask(stack.deps, { org: orgId, kind: "nonesuch", params: {} });
    const waited = await hookrelay(["tasks", "get", task.id, "--wait", "--json"]);
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({ id: task.id, status: "failed" });
    expect(waited.stderr).toMatch(/failed: 0 so far/);

    const list = await hookrelay(["tasks", "list"]);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^ID\s+KIND\s+STATUS\s+TOTAL\s+DONE\s+FAILED/);
    expect(list.stdout).toContain(task.id);
    const cancel = await hookrelay(["tasks", "cancel", task.id]);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr.trim()).toMatch(/^error: task_finished \(HTTP 409\)/);

    // A replay with --wait: started, followed to its end (nothing failed in the window: total 0).
    const ep = JSON.parse((await hookrelay(["endpoints", "create", "--url", receiver.url, "--json"])).stdout);
    const replay = await hookrelay(["replay", ep.id, "--since", "2026-01-01T00:00:00Z", "--wait", "--json"]);
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({
      kind: "replay",
      status: "succeeded",
      total: 0,
      done: 0,
    });
    expect(replay.stderr).toMatch(/\[#+\] 100% 0\/0/);

    // recover is a task too: without --wait it prints the task to follow; with it, the bar.
    const recover = await hookrelay(["recover", ep.id, "--since", "2026-01-01T00:00:00Z"]);
    expect(recover.code).toBe(0);
    expect(recover.stdout).toMatch(/^started task_\w+: hookrelay tasks get task_\w+ --wait\n$/);
    const waitedRecover = await hookrelay([
      "recover",
      ep.id,
      "--since",
      "2026-01-01T00:00:00Z",
      "--wait",
      "--json",
    ]);
    expect(waitedRecover.code).toBe(0);
    expect(JSON.parse(waitedRecover.stdout)).toMatchObject({
      kind: "recover",
      status: "succeeded",
      total: 0,
    });
    expect(waitedRecover.stderr).toMatch(/\[#+\] 100% 0\/0/);
  });

  it("counts the delivery DLQ of the local stack (dlq redrive --dry-run)", async () => {
    const res = await redrive(
      stack.config.queues.deliveryDlq,
      "--dry-run",
      "--json",
      "--sqs-endpoint",
      stack.env.SQS_ENDPOINT!,
    );
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ moved: 0, left: 0, hidden: 0, dry_run: true });
  });

  it("scripts/redrive-dlq.ts is the same command: the two queue URLs are all it needs", async () => {
    const script = [
      "--import",
      "tsx",
      fileURLToPath(new URL("../../scripts/redrive-dlq.ts", import.meta.url)),
    ];
    const urls = {
      DELIVERY_QUEUE_URL: stack.config.queues.delivery,
      DELIVERY_DLQ_URL: stack.config.queues.deliveryDlq,
    };
    // No TABLE_NAME, no SQS_ENDPOINT, no region: a local queue URL names its emulator.
    const env = { TABLE_NAME: "", SQS_ENDPOINT: "", AWS_REGION: "", ...urls };
    const res = await hookrelay(["--dry-run"], env, script);
    expect(res).toMatchObject({ code: 0, stdout: "would move 0 task(s); 0 left in the DLQ\n" });
    const json = await hookrelay(["--dry-run", "--json"], env, script);
    expect(JSON.parse(json.stdout)).toEqual({ moved: 0, left: 0, hidden: 0, dry_run: true });

    const noUrls = await hookrelay(["--dry-run"], { DELIVERY_QUEUE_URL: "", DELIVERY_DLQ_URL: "" }, script);
    expect(noUrls.code).toBe(2);
    expect(noUrls.stderr).toMatch(/(^|\n)error: give --queue-url and --dlq-url/);
  });

  it("dlq redrive --api starts a dlq_redrive task (platform admins only) and --wait follows it", async () => {
    const tenant = await hookrelay(["dlq", "redrive", "--api"]);
    expect(tenant.code).toBe(1);
    expect(lastLine(tenant.stderr)).toMatch(/^error: forbidden \(HTTP 403\)/);

    const platformKey = `sk_test_${randomBytes(24).toString("base64url")}`;
    await bootstrapOrg(stack.deps, {
      orgId: stack.config.platformOrgId,
      name: "platform",
      apiKey: platformKey,
    });
    const asPlatform = { HOOKRELAY_API_KEY: platformKey };
    const dry = await hookrelay(["dlq", "redrive", "--api", "--dry-run", "--wait", "--json"], asPlatform);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      kind: "dlq_redrive",
      status: "succeeded",
      params: { dry_run: true },
    });
    expect(dry.stderr).toMatch(/\[#+\] 100%/);
    const started = await hookrelay(["dlq", "redrive", "--api", "--org", orgId, "--max", "5"], asPlatform);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^started task_\w+: hookrelay tasks get task_\w+ --wait\n$/);
  });

  it("dlq redrive: a missing queue or an emulator that is down is one line and exit 3, no stack trace", async () => {
    const missing = await redrive(`${stack.env.SQS_ENDPOINT}/000000000000/no-such-queue`, "--dry-run");
    expect(missing.code).toBe(3);
    expect(lastLine(missing.stderr)).toMatch(
      /^error: cannot use SQS at http:\/\/127\.0\.0\.1:\d+: \S+: .*\(check --queue-url and --dlq-url\)$/,
    );

    const down = await hookrelay([
      "dlq",
      "redrive",
      "--queue-url",
      "http://127.0.0.1:9/000000000000/q",
      "--dlq-url",
      "http://127.0.0.1:9/000000000000/q-dlq",
    ]);
    expect(down.code).toBe(3);
    expect(lastLine(down.stderr)).toMatch(
      /^error: cannot use SQS at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED.*is it running\?/,
    );
    for (const run of [missing, down]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
