/**
 * aws_eventbridge: each event is one entry put on the customer's bus. It has no attributes:
 * its `detail` is the envelope, `detail-type` the event type, and the bus's IAM (only the
 * customer's role can put) stands for the signature (docs/destinations.md).
 */
import { arnTarget, awsType, EntryFailed } from "./aws.js";

const BUS_ARN = /^arn:(aws|aws-cn|aws-us-gov):events:([a-z0-9-]+):(\d{12}):event-bus\/([\w.\-/]{1,256})$/;
const bus = arnTarget(
  "event_bus_arn",
  BUS_ARN,
  "event bus ARN: arn:aws:events:<region>:<account>:event-bus/<name>",
);

interface PutEventsOutput {
  FailedEntryCount?: number;
  Entries?: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
}

export const AWS_EVENTBRIDGE = awsType({
  type: "aws_eventbridge",
  label: "Amazon EventBridge bus",
  schemaName: "CreateEventBridgeEndpoint",
  fields: {
    event_bus_arn: {
      min: 1,
      max: 2048,
      example: "arn:aws:events:us-east-1:123456789012:event-bus/webhooks",
      view: "the bus",
      label: "Event bus ARN",
      hint: "Events arrive with source hookrelay and the event type as detail-type.",
      placeholder: "arn:aws:events:us-east-1:123456789012:event-bus/webhooks",
    },
  },
  targetField: "event_bus_arn",
  check: (value, _given, _current, deployment) => bus(value, deployment),
  action: "events:PutEvents",
  resource: (dest) => dest.target,
  maxBytes: 262_144,
  verb: "PutEvents on",
  input(target, { body, headers }) {
    const seconds = Number(headers["webhook-timestamp"]);
    const entry = {
      EventBusName: target.target,
      Source: "hookrelay",
      DetailType: target.event_type,
      Detail: body,
      ...(Number.isFinite(seconds) ? { Time: new Date(seconds * 1000) } : {}),
    };
    return { Entries: [entry] };
  },
  receipt(res: PutEventsOutput) {
    const first = res.Entries?.[0];
    // PutEvents answers 200 with the entry's own error: throttling, an internal error, access.
    if ((res.FailedEntryCount ?? 0) > 0 || first?.ErrorCode) {
      throw new EntryFailed(first?.ErrorCode ?? "InternalFailure", first?.ErrorMessage ?? "entry failed");
    }
    return `EventId ${first?.EventId ?? "?"}`;
  },
});
