/**
 * hookrelay dlq redrive: move delivery tasks from the delivery DLQ back to the delivery queue,
 * each with a fresh retry cycle (../sqs/redrive.ts). Two ways:
 *
 * - through the API (`--api`): a platform admin starts a `dlq_redrive` task (POST
 *   /v1/dlq/redrive), `--wait` follows it with a progress bar; only the API key is needed;
 * - straight on SQS: the queue URLs (flags, or DELIVERY_QUEUE_URL / DELIVERY_DLQ_URL as the
 *   functions have them; `npm start` prints the local ones) and AWS credentials (any, against
 *   the local emulator).
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { ConfigError, unwrap } from "../client.js";
import { type RedriveResult, redriveDeliveryDlq } from "../sqs/redrive.js";
import { type Command, type Context, flag, intFlag, UsageError } from "./command.js";
import { startedTask } from "./tasks.js";

function isLocal(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || url.hostname.endsWith(".localhost");
}

/**
 * The emulator behind a local queue URL. fauxqs names its queues `sqs.<region>.localhost`;
 * such names are loopback (RFC 6761) but not every resolver knows it, so connect to 127.0.0.1.
 */
function localEndpoint(url: URL): string {
  const named = url.hostname === "localhost" || url.hostname.endsWith(".localhost");
  return named ? `${url.protocol}//127.0.0.1${url.port ? `:${url.port}` : ""}` : url.origin;
}

/** `https://sqs.eu-west-1.amazonaws.com/…` names its region: no AWS_REGION needed. */
function regionOf(url: URL): string | undefined {
  return /^sqs\.([a-z0-9-]+)\.amazonaws\.com$/.exec(url.hostname)?.[1];
}

/** An SQS failure as one line (exit 3), never a stack trace. */
function sqsError(err: unknown, where: string): ConfigError {
  const e = err as Error & { code?: string; Code?: string };
  const what = e.code ?? e.Code ?? e.name;
  const hint = /QueueDoesNotExist|NonExistentQueue/.test(`${what} ${e.message}`)
    ? " (check --queue-url and --dlq-url)"
    : /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(`${what} ${e.message}`)
      ? "; is it running? (npm start prints the local queue URLs)"
      : "";
  return new ConfigError(`cannot use SQS at ${where}: ${what}: ${e.message}${hint}`);
}

function summary(result: RedriveResult, dryRun: boolean): string {
  const hidden = result.hidden > 0 ? ` (${result.hidden} of them visible again within 30 s)` : "";
  return `${dryRun ? "would move" : "moved"} ${result.moved} task(s); ${result.left} left in the DLQ${hidden}`;
}

/** The redrive as a task of the service (platform admins): started, then followed with `--wait`. */
async function redriveViaApi(ctx: Context): Promise<void> {
  const max = intFlag(ctx, "max");
  const org = flag(ctx, "org");
  const endpoint = flag(ctx, "endpoint");
  const body = {
    ...(org && { org_id: org }),
    ...(endpoint && { endpoint_id: endpoint }),
    ...(max !== undefined && { max }),
    ...(ctx.flags["dry-run"] === true && { dry_run: true }),
  };
  const started = await unwrap(ctx.client().POST("/v1/dlq/redrive", { body }));
  await startedTask(ctx, started.task_id);
}

export const dlqCommands: Record<string, Command> = {
  "dlq redrive": {
    usage:
      "[--dry-run] [--max N] [--org ORG_ID] [--endpoint EP_ID] [--api [--wait] | --queue-url URL --dlq-url URL [--sqs-endpoint URL]]",
    options: {
      api: { type: "boolean" },
      wait: { type: "boolean" },
      "dry-run": { type: "boolean" },
      max: { type: "string" },
      org: { type: "string" },
      endpoint: { type: "string" },
      "queue-url": { type: "string" },
      "dlq-url": { type: "string" },
      "sqs-endpoint": { type: "string" },
    },
    async run(ctx) {
      const queueUrl = flag(ctx, "queue-url") || process.env.DELIVERY_QUEUE_URL;
      const dlqUrl = flag(ctx, "dlq-url") || process.env.DELIVERY_DLQ_URL;
      // The API mode is asked for, never guessed from HOOKRELAY_API_KEY being set: with the URLs
      // missing, a shell that also holds a key must get the usage error, not a different command.
      if (ctx.flags.api === true) return redriveViaApi(ctx);
      if (!queueUrl || !dlqUrl) {
        throw new UsageError(
          "give --queue-url and --dlq-url (or DELIVERY_QUEUE_URL and DELIVERY_DLQ_URL), or --api with HOOKRELAY_API_KEY",
        );
      }
      let dlq: URL;
      try {
        dlq = new URL(dlqUrl);
        new URL(queueUrl);
      } catch {
        throw new UsageError("--queue-url and --dlq-url must be URLs");
      }
      // Against the local emulator: its own address, and placeholder credentials it accepts.
      const local = isLocal(dlq);
      const endpoint =
        flag(ctx, "sqs-endpoint") || process.env.SQS_ENDPOINT || (local ? localEndpoint(dlq) : undefined);
      const hasCredentials = Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
      const sqs = new SQSClient({
        region: process.env.AWS_REGION || regionOf(dlq) || "us-east-1",
        ...(endpoint && { endpoint }),
        ...(local && !hasCredentials && { credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
      });
      const dryRun = ctx.flags["dry-run"] === true;
      ctx.out.progress(`${dryRun ? "counting" : "redriving"} tasks of ${dlqUrl}…`);
      const max = intFlag(ctx, "max");
      let result: RedriveResult;
      try {
        result = await redriveDeliveryDlq(sqs, {
          dlqUrl,
          queueUrl,
          max,
          dryRun,
          orgId: flag(ctx, "org"),
          endpointId: flag(ctx, "endpoint"),
        });
      } catch (err) {
        throw sqsError(err, endpoint ?? dlq.origin);
      } finally {
        sqs.destroy();
      }
      ctx.out.result({ ...result, dry_run: dryRun }, () => summary(result, dryRun));
    },
  },
};
