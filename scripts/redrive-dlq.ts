/**
 * Moves delivery tasks from the delivery DLQ back to the delivery queue (fresh retry cycle):
 * `hookrelay dlq redrive` under its older name, the same code (packages/client/src/cli/dlq.ts,
 * packages/client/src/sqs/redrive.ts), flags, output and exit codes.
 *
 *   npx tsx scripts/redrive-dlq.ts [--dry-run] [--max N] [--org ORG_ID] [--endpoint EP_ID] [--json]
 *
 * Needs only the two queue URLs (--queue-url/--dlq-url or DELIVERY_QUEUE_URL/DELIVERY_DLQ_URL;
 * `npm start` prints the local ones). See docs/recovery.md, "Redrive the delivery DLQ".
 */
import { main } from "../packages/client/src/cli/main.js";

process.exitCode = await main(["dlq", "redrive", ...process.argv.slice(2)]);
