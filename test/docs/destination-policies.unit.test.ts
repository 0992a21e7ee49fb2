/**
 * The trust and permission policies docs/destinations.md shows are the text the endpoint view
 * (and so the portal's copy buttons and the CLI) gives: both come from core/model/aws-policies.ts,
 * and the documented blocks are checked against it, so they never drift apart.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { permissionPolicy, policyText, trustPolicy } from "../../core/model/aws-policies.js";

const doc = readFileSync(new URL("../../docs/destinations.md", import.meta.url), "utf8");
const jsonBlocks = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => m[1]);

describe("docs/destinations.md's policies", () => {
  it("the trust policy is the function's, with the placeholders", () => {
    expect(jsonBlocks).toContain(
      policyText(trustPolicy("<the endpoint's external_id>", "<hookrelay account>", "aws")),
    );
  });

  it("the permission policy of the documented queue is the function's", () => {
    const queue = "https://sqs.us-east-1.amazonaws.com/123456789012/webhooks";
    expect(doc).toContain(`\`${queue}\``);
    expect(jsonBlocks).toContain(policyText(permissionPolicy("aws_sqs", { target: queue }, "aws")));
  });

  it("each type's action and resource are the permission table's row", () => {
    const rows: [Parameters<typeof permissionPolicy>[0], string, string, string][] = [
      ["aws_sqs", QUEUE, "sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:orders.fifo"],
      ["aws_sns", TOPIC, "sns:Publish", TOPIC],
      ["aws_eventbridge", BUS, "events:PutEvents", BUS],
      ["aws_s3", "acme-webhooks", "s3:PutObject", "arn:aws:s3:::acme-webhooks/hookrelay/*"],
    ];
    for (const [type, target, action, resource] of rows) {
      const [statement] = permissionPolicy(type, { target, prefix: "hookrelay/" }, "aws").Statement;
      expect(statement).toEqual({ Effect: "Allow", Action: action, Resource: resource });
      expect(doc).toMatch(new RegExp(`\\| \`${type}\` \\| \`${action}\``));
    }
  });

  it("another partition's ARNs name that partition", () => {
    const [s] = permissionPolicy("aws_s3", { target: "b", prefix: "" }, "aws-cn").Statement;
    expect(s!.Resource).toBe("arn:aws-cn:s3:::b/*");
    const trust = trustPolicy("hookrelay-x", "123456789012", "aws-us-gov");
    expect(trust.Statement[0]!.Principal).toEqual({ AWS: "arn:aws-us-gov:iam::123456789012:root" });
  });
});

const QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:webhooks";
const BUS = "arn:aws:events:us-east-1:123456789012:event-bus/webhooks";
