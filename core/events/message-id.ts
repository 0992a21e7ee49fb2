/**
 * Message ids for events that came without a producer id.
 *
 * A redelivered SQS message must map to the same message, or a crash between storing and
 * deleting it would publish the event twice. So the id is derived from the SQS message id:
 * the ULID time part is the SQS send time (ids keep sorting by time) and the random part is
 * a hash of the SQS message id. It still satisfies `isId("msg", …)`.
 */
import { createHash } from "node:crypto";
import { encodeTime } from "ulid";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function messageIdFromSqs(sqsMessageId: string, sentAt: Date): string {
  const digest = createHash("sha256").update(sqsMessageId).digest();
  let random = "";
  // 16 base-32 characters = 80 bits, five bits from each byte (plenty: the input is unique).
  for (let i = 0; i < 16; i++) random += CROCKFORD[digest[i]! & 31];
  return `msg_${encodeTime(sentAt.getTime(), 10)}${random}`;
}
