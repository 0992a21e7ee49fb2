/**
 * The tracked task of an erasure by subject (core/tasks, docs/tasks.md): each step reads one
 * page of the subject index (ERASURE_STEP events, after the last one done) and erases those
 * events; the cursor is the last message id, so a run that crashed resumes after what it
 * finished, and a repeated step finds nothing left to count (eraseEvent is idempotent). The
 * erasure's audit item gets the counts as they grow, and its end.
 */
import * as z from "zod";
import { ERASURE_STEP } from "../model/index.js";
import type { TaskContext, TaskKind } from "../tasks/index.js";
import { eraseEvent } from "./erase.js";

export const erasureParams = z.object({ erasure_id: z.string(), subject_sha256: z.string() });
export type ErasureParams = z.infer<typeof erasureParams>;

export const erasureTask: TaskKind<ErasureParams> = {
  params: erasureParams,
  async step(deps: TaskContext, { org, params, cursor }) {
    const page = await deps.erasureStore.subjectPage(org, params.subject_sha256, {
      limit: ERASURE_STEP,
      after: cursor,
    });
    let erased = 0;
    let responses = 0;
    for (const msgId of page.ids) {
      const res = await eraseEvent(deps, org, msgId);
      if (res.erased) erased++;
      responses += res.responses;
    }
    if (erased + responses > 0)
      await deps.erasureStore.addCounts(org, params.erasure_id, { erased, responses });
    const finished = !page.more;
    if (finished)
      await deps.erasureStore.finish(org, params.erasure_id, "succeeded", deps.now().toISOString());
    return { cursor: page.ids.at(-1) ?? cursor, done: erased, failed: 0, finished };
  },
};
