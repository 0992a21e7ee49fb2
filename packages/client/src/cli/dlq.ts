/**
 * hookrelay dlq redrive: move delivery tasks from the delivery DLQ back to the delivery queue,
 * each with a fresh retry cycle (core/queue/redrive.ts). Talks to SQS, not to the API: it needs
 * the queue URLs (flags, or DELIVERY_QUEUE_URL / DELIVERY_DLQ_URL as the functions have them;
 * `npm start` prints the local ones) and AWS credentials (any, against the local emulator).
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { redriveDeliveryDlq } from "../../../../core/queue/redrive.js";
import { type Command, flag, intFlag, UsageError } from "./command.js";

function isLocal(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || url.hostname.endsWith(".localhost");
}

export const dlqCommands: Record<string, Command> = {
  "dlq redrive": {
    usage:
      "[--dry-run] [--max N] [--org ORG_ID] [--endpoint EP_ID] [--queue-url URL] [--dlq-url URL] [--sqs-endpoint URL]",
    options: {
      "dry-run": { type: "boolean" },
      max: { type: "string" },
      org: { type: "string" },
      endpoint: { type: "string" },
      "queue-url": { type: "string" },
      "dlq-url": { type: "string" },
      "sqs-endpoint": { type: "string" },
    },
    async run(ctx) {
      const queueUrl = flag(ctx, "queue-url") ?? process.env.DELIVERY_QUEUE_URL;
      const dlqUrl = flag(ctx, "dlq-url") ?? process.env.DELIVERY_DLQ_URL;
      if (!queueUrl || !dlqUrl) {
        throw new UsageError("give --queue-url and --dlq-url (or DELIVERY_QUEUE_URL and DELIVERY_DLQ_URL)");
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
        flag(ctx, "sqs-endpoint") ?? process.env.SQS_ENDPOINT ?? (local ? dlq.origin : undefined);
      const hasCredentials = Boolean(process.env.AWS_ACCESS_KEY_ID || process.env.AWS_PROFILE);
      const sqs = new SQSClient({
        region: process.env.AWS_REGION ?? "us-east-1",
        ...(endpoint && { endpoint }),
        ...(local && !hasCredentials && { credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
      });
      const dryRun = ctx.flags["dry-run"] === true;
      ctx.out.progress(`${dryRun ? "counting" : "redriving"} tasks of ${dlqUrl}…`);
      try {
        const result = await redriveDeliveryDlq(sqs, {
          dlqUrl,
          queueUrl,
          max: intFlag(ctx, "max"),
          dryRun,
          orgId: flag(ctx, "org"),
          endpointId: flag(ctx, "endpoint"),
        });
        ctx.out.result(
          { ...result, dry_run: dryRun },
          () => `${dryRun ? "would move" : "moved"} ${result.moved} task(s); ${result.left} left in the DLQ`,
        );
      } finally {
        sqs.destroy();
      }
    },
  },
};
