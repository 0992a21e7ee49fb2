/**
 * The in-memory table answers the document client's commands as DynamoDB does, for what the
 * stores rely on: conditions, updates, transactions, the idempotency claim's old item, index
 * projections, Limit and paging.
 */
import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { putIfAbsent, takeMarked, updateIf, updateOrFound } from "../../core/store/item.js";
import { createMemoryDb } from "../../core/store/memory-db.js";
import { holds } from "../../core/store/memory-evaluate.js";
import { parseCondition } from "../../core/store/memory-expression.js";

const db = () => createMemoryDb();

describe("in-memory table", () => {
  it("refuses a put over an existing item, and an update whose condition fails", async () => {
    const d = db();
    expect(await putIfAbsent(d, { pk: "A", sk: "1", n: 1 })).toBe(true);
    expect(await putIfAbsent(d, { pk: "A", sk: "1", n: 2 })).toBe(false);
    const bump = (max: number) =>
      updateIf(d, {
        Key: { pk: "A", sk: "1" },
        UpdateExpression: "SET n = if_not_exists(n, :zero) + :one, l = list_append(if_not_exists(l, :e), :x)",
        ConditionExpression: "attribute_exists(pk) AND n < :max",
        ExpressionAttributeValues: { ":zero": 0, ":one": 1, ":max": max, ":e": [], ":x": ["a"] },
      });
    expect(await bump(2)).toBe(true);
    expect(await bump(2)).toBe(false);
    expect(d.memory.get({ pk: "A", sk: "1" })).toEqual({ pk: "A", sk: "1", n: 2, l: ["a"] });
  });

  it("returns the old item in attribute-value form when a condition fails and it was asked for", async () => {
    const d = db();
    await putIfAbsent(d, { pk: "K", sk: "1", msg_id: "m1", expires_at: 10 });
    const claim = d.doc.send(
      new PutCommand({
        TableName: d.table,
        Item: { pk: "K", sk: "1", msg_id: "m2" },
        ConditionExpression: "attribute_not_exists(pk) OR expires_at < :now",
        ExpressionAttributeValues: { ":now": 5 },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    await expect(claim).rejects.toMatchObject({
      name: "ConditionalCheckFailedException",
      Item: { msg_id: { S: "m1" } },
    });
  });

  it("carries the item as it was on an update's refusal only: a take finds its own mark there, not another's", async () => {
    const d = db();
    const lease = (mark: string, now: number) =>
      takeMarked(d, "h", mark, {
        Key: { pk: "R", sk: "1" },
        UpdateExpression: "SET s = :until, h = :mark",
        ConditionExpression: "attribute_not_exists(s) OR s <= :now",
        ExpressionAttributeValues: { ":until": now + 10, ":mark": mark, ":now": now },
      });
    expect(await lease("m1", 0)).toBe(true);
    // The same take's retry, refused on what it wrote: its own.
    expect(await lease("m1", 5)).toBe(true);
    // Another take, refused on m1's live lease: not its own.
    expect(await lease("m2", 5)).toBe(false);
    // The lease lapsed: a new take holds it, over the stale mark.
    expect(await lease("m3", 10)).toBe(true);
    expect(d.memory.get({ pk: "R", sk: "1" })).toEqual({ pk: "R", sk: "1", s: 20, h: "m3" });
    const refused = updateOrFound(d, {
      Key: { pk: "R", sk: "2" },
      UpdateExpression: "SET s = :one",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":one": 1 },
    });
    expect(await refused).toEqual({ found: undefined });
  });

  it("cancels a whole transaction when one condition fails, with the reasons", async () => {
    const d = db();
    await putIfAbsent(d, { pk: "T", sk: "1" });
    const tx = d.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: d.table, Item: { pk: "T", sk: "2" } } },
          {
            Put: {
              TableName: d.table,
              Item: { pk: "T", sk: "1" },
              ConditionExpression: "attribute_not_exists(pk)",
            },
          },
        ],
      }),
    );
    await expect(tx).rejects.toMatchObject({
      name: "TransactionCanceledException",
      CancellationReasons: [{ Code: "None" }, { Code: "ConditionalCheckFailed" }],
    });
    expect(d.memory.get({ pk: "T", sk: "2" })).toBeUndefined();
  });

  it("pages a partition in sort-key order, and a keys-only index returns keys only", async () => {
    const d = db();
    for (const sk of ["c", "a", "b"]) {
      await putIfAbsent(d, { pk: "P", sk, gsi2pk: "R", gsi2sk: `x${sk}`, body: "big" });
    }
    const page1 = await d.doc.send(
      new QueryCommand({
        TableName: d.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": "P" },
        Limit: 2,
      }),
    );
    expect(page1.Items!.map((i) => i.sk)).toEqual(["a", "b"]);
    expect(page1.LastEvaluatedKey).toEqual({ pk: "P", sk: "b" });
    const index = await d.doc.send(
      new QueryCommand({
        TableName: d.table,
        IndexName: "GSI2",
        KeyConditionExpression: "gsi2pk = :pk AND gsi2sk >= :from",
        ExpressionAttributeValues: { ":pk": "R", ":from": "xb" },
        ScanIndexForward: false,
      }),
    );
    expect(index.Items).toEqual([
      { pk: "P", sk: "c", gsi2pk: "R", gsi2sk: "xc" },
      { pk: "P", sk: "b", gsi2pk: "R", gsi2sk: "xb" },
    ]);
    await d.doc.send(
      new UpdateCommand({
        TableName: d.table,
        Key: { pk: "P", sk: "c" },
        UpdateExpression: "REMOVE gsi2pk, gsi2sk",
      }),
    );
    const after = await d.doc.send(
      new QueryCommand({
        TableName: d.table,
        IndexName: "GSI2",
        KeyConditionExpression: "gsi2pk = :pk",
        ExpressionAttributeValues: { ":pk": "R" },
      }),
    );
    expect(after.Items!.map((i) => i.sk)).toEqual(["a", "b"]);
  });

  it("refuses an item over 400 KB", async () => {
    await expect(putIfAbsent(db(), { pk: "B", sk: "1", body: "x".repeat(400 * 1024) })).rejects.toMatchObject(
      {
        name: "ValidationException",
      },
    );
  });

  it("binds AND tighter than OR, and NOT tighter than both, as DynamoDB does", () => {
    const item = { pk: "A", sk: "1", a: 1, b: 2, c: 3 };
    const values = { ":one": 1, ":two": 2, ":no": 0 };
    const check = (text: string) => holds(item, parseCondition(text), values);
    expect(check("a = :no OR b = :two AND c = :no")).toBe(false);
    expect(check("a = :one OR b = :no AND c = :no")).toBe(true);
    expect(check("(a = :one OR b = :no) AND c = :no")).toBe(false);
    expect(check("NOT a = :no AND b = :two")).toBe(true);
    expect(check("a = :no OR b = :no OR c = :no OR a = :one")).toBe(true);
  });
});
