/**
 * The customers' side of AWS destinations (docs/destinations.md): STS, which hands out an
 * hour's credentials for an assumed role, and each customer's SQS queue, which accepts
 * `SendMessage` up to a rate (a FIFO queue's 300/s, a KMS-encrypted queue's key quota) and
 * throttles the rest. It is the SDK clients' `requestHandler` (the production AWS destination,
 * core/delivery/aws/, runs unchanged on it), answering on the virtual clock. A delivered
 * message is reported to the receivers' observer like an HTTP 200, so the run's figures
 * count it as any delivery.
 */
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { Engine } from "../engine.js";
import type { Receipt } from "../receivers.js";
import type { Meter } from "./meter.js";

interface Request {
  hostname: string;
  headers: Record<string, string>;
  body?: unknown;
}

const wire = (statusCode: number, body: string, type: string) => ({
  statusCode,
  headers: { "content-type": type, "content-length": String(Buffer.byteLength(body)) },
  body: Readable.from([Buffer.from(body)]),
});

export class CustomerAws {
  /** Messages per second each queue (by name) accepts while its limit holds. */
  private limits = new Map<string, (t: number) => number>();
  private second = new Map<string, { at: number; used: number }>();

  constructor(
    private engine: Engine,
    private meter: Meter,
    private weightOf: (body: string) => number,
    private report: () => ((r: Receipt, t: number) => void) | undefined,
  ) {}

  limit(queue: string, perSecond: (t: number) => number): void {
    this.limits.set(queue, perSecond);
  }

  readonly requestHandler = {
    handle: (req: Request) =>
      new Promise<{ response: ReturnType<typeof wire> }>((resolve) => {
        const answer = this.answer(req);
        this.engine.after(answer.latencyMs, () => resolve({ response: answer.response() }));
      }),
  };

  private answer(req: Request) {
    if (req.hostname.startsWith("sts.")) {
      this.meter.count("sts_assume_role");
      const exp = new Date(this.engine.now().getTime() + 3_600_000).toISOString();
      const xml = `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIASIM</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>${exp}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`;
      return { latencyMs: 40, response: () => wire(200, xml, "text/xml") };
    }
    // The SDK's JSON protocol hands the body over as bytes (a Uint8Array that warns when used as
    // a string): decoded as such.
    const body: unknown = req.body;
    const text = body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body ?? "{}");
    const input = JSON.parse(text) as { QueueUrl: string; MessageBody: string };
    const queue = input.QueueUrl.slice(input.QueueUrl.lastIndexOf("/") + 1);
    const k = this.weightOf(input.MessageBody);
    if (!this.admit(queue, k)) {
      this.meter.count("customer_sqs_throttled", k);
      const body = JSON.stringify({
        __type: "com.amazon.coral.availability#ThrottlingException",
        message: "Rate exceeded",
      });
      return { latencyMs: 15, response: () => wire(400, body, "application/x-amz-json-1.0") };
    }
    this.meter.count("customer_sqs_sent", k);
    return {
      latencyMs: 20,
      response: () => {
        this.delivered(queue, input.MessageBody, req.headers);
        const md5 = createHash("md5").update(input.MessageBody).digest("hex");
        return wire(
          200,
          JSON.stringify({ MessageId: "m", MD5OfMessageBody: md5 }),
          "application/x-amz-json-1.0",
        );
      },
    };
  }

  /** Whether the queue takes `k` more messages in this virtual second. */
  private admit(queue: string, k: number): boolean {
    const limit = this.limits.get(queue)?.(this.engine.t) ?? Number.POSITIVE_INFINITY;
    const at = Math.floor(this.engine.t / 1000);
    const s = this.second.get(queue);
    const used = s && s.at === at ? s.used : 0;
    if (used + k > limit) return false;
    this.second.set(queue, { at, used: used + k });
    return true;
  }

  private delivered(queue: string, body: string, headers: Record<string, string>) {
    const sim = (JSON.parse(body) as { data?: { sim?: { t: number; org: string } } }).data?.sim;
    const observe = this.report();
    if (!sim || !observe) return;
    const msgId = (JSON.parse(body) as { id: string }).id ?? headers["x-amz-target"] ?? "";
    const receipt: Receipt = { publishedAt: sim.t, org: sim.org, endpoint: queue, msgId, status: 0 };
    observe(receipt, this.engine.t);
    observe({ ...receipt, status: 200 }, this.engine.t);
  }
}
