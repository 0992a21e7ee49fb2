/** A hand-built SQS event, for calling a handler directly (e.g. to redeliver the same record). */
import { randomBytes } from "node:crypto";
import type { SQSEvent, SQSRecord } from "aws-lambda";

/** A record's body (objects are sent as JSON), with its SQS message id and sent time if given. */
export type RecordInput = string | { id?: string; body: unknown; sentAt?: number };

export function sqsEvent(records: RecordInput[], receiveCount = 1): SQSEvent {
  return {
    Records: records.map((r): SQSRecord => {
      const {
        id = `m-${randomBytes(8).toString("hex")}`,
        body,
        sentAt = Date.now(),
      } = typeof r === "string" ? { body: r } : r;
      return {
        messageId: id,
        receiptHandle: `rh-${id}`,
        body: typeof body === "string" ? body : JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: String(sentAt),
          SenderId: "000000000000",
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:Queue",
        awsRegion: "us-east-1",
      };
    }),
  };
}
