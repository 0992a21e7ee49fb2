/**
 * Every kind of tracked task the scheduled-work function runs, by the name a task record
 * carries (core/tasks). Here, above the services, because each kind lives with the work it
 * does (a replay in core/delivery) and core/tasks knows none of them. A new kind: write its
 * `TaskKind` next to its service, export it from that folder's index, add it here.
 */
import { recoverTask, redriveTask, replayTask } from "../delivery/index.js";
import { erasureTask } from "../erasure/index.js";
import type { TaskKinds } from "../tasks/index.js";

export const TASK_KINDS: TaskKinds = {
  dlq_redrive: redriveTask as TaskKinds[string],
  erasure: erasureTask as TaskKinds[string],
  recover: recoverTask as TaskKinds[string],
  replay: replayTask as TaskKinds[string],
};
