/**
 * The one worker pool: runs `fn` over `items` with at most `limit` calls in flight and
 * returns the results in the items' order. Used wherever one call fans out to many AWS
 * requests (recovery's reads, SQS batch sends), by the bench and load scripts, and by the
 * portal's message log (portal/views/messages.ts: no imports here, so the browser bundle takes it).
 *
 * A dozen lines rather than a dependency (p-map, p-limit): every Lambda bundle carries it,
 * and nothing here needs cancellation or per-item timeouts. A rejection of `fn` rejects the
 * whole map, as Promise.all does; callers that must not stop catch inside `fn`.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}
