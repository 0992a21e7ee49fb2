/** Responses of /v1/tasks: a tracked task as the API shows it (docs/tasks.md). */
import { z } from "@hono/zod-openapi";
import { TASK_STATUSES, type TaskRecord } from "../../model/index.js";
import { paginationQuery } from "../pagination.js";
import { pathId } from "./params.js";

export const taskIdParam = pathId("task_01JQ3Z7Y8K4M2N6P9R1S3T5V7W");
export const tasksQuery = paginationQuery;

const time = z.string().nullable().openapi({ format: "date-time" });

export const taskView = z
  .object({
    id: z.string().openapi({ example: "task_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
    kind: z.string().openapi({ description: "What the task does: `replay`, `recover`, `dlq_redrive`, …" }),
    status: z.enum(TASK_STATUSES),
    params: z.record(z.string(), z.unknown()).openapi({ description: "The parameters it was started with" }),
    total: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "Items the task will handle; null until it has counted them" }),
    done: z.number().int().openapi({ description: "Items handled" }),
    failed: z.number().int().openapi({ description: "Items that could not be handled" }),
    error: z
      .string()
      .nullable()
      .openapi({ description: "Why the task failed, or the last failed step's error" }),
    created_at: z.string().openapi({ format: "date-time" }),
    started_at: time,
    finished_at: time,
  })
  .openapi("Task");

export const taskCreated = z
  .object({
    task_id: z.string().openapi({ example: "task_01JQ3Z7Y8K4M2N6P9R1S3T5V7W" }),
    status: z.enum(TASK_STATUSES),
  })
  .openapi("TaskStarted");

export function toTaskView(t: TaskRecord): z.infer<typeof taskView> {
  return {
    id: t.id,
    kind: t.kind,
    status: t.status,
    params: t.params,
    total: t.total,
    done: t.done,
    failed: t.failed,
    error: t.error,
    created_at: t.created_at,
    started_at: t.started_at,
    finished_at: t.finished_at,
  };
}

export const redriveBody = z
  .strictObject({
    org_id: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: "Only the tasks of this organization" }),
    endpoint_id: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .openapi({ description: "Only the tasks of this endpoint" }),
    max: z
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .optional()
      .openapi({ description: "Stop after moving this many (default: every one)" }),
    dry_run: z.boolean().optional().openapi({ description: "Count what would move; move nothing" }),
  })
  .openapi("RedriveDlq", { example: { org_id: "org_123", max: 500 } });
