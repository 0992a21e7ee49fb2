/**
 * Contract of core/tasks, tracked tasks (docs/tasks.md): long work started by one API call,
 * run step by step by the scheduled-work function, resumable after a crash, followed through
 * `GET /v1/tasks/{id}`. A kind (kind.ts) is its parameters and one step; the runner
 * (runner.ts) does the rest. Modules outside the folder import only this index
 * (docs/design.md, "Layers").
 */
export {
  TASK_PORTS,
  type TaskContext,
  type TaskKind,
  type TaskKinds,
  type TaskStepInput,
  type TaskStepResult,
} from "./kind.js";
export { runScheduleName, scheduleRun, type TaskRunEvent, taskRunEvent } from "./run-event.js";
export { runTask, type TaskRunResult } from "./runner.js";
export { cancelTask, getTask, listTasks, type StartTask, startTask } from "./service.js";
