/**
 * A conditional write that found the item not as expected. Stores use it to turn that answer
 * into a result ("already there", "gone") instead of an error; every other failure is thrown.
 */
export function isConditionalCheckFailed(err: unknown): boolean {
  return (err as { name?: string } | null)?.name === "ConditionalCheckFailedException";
}
