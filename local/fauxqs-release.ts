/**
 * A fix for fauxqs 2.4.1 with SQLite persistence (`npm start`): a visibility change to 0
 * (ChangeMessageVisibility, single or batch) makes its PersistenceManager write NULL into the
 * NOT NULL column `approximate_receive_count`. The call answers 500 after the message has left
 * the emulator's in-flight set but before it is back among the ready ones, so it is gone until
 * the next start: a DLQ redrive, which makes what it only counted visible again, lost dead
 * letters (5 → 2 → 0 over two dry runs). Reported upstream with a reproduction in
 * docs/upstream/fauxqs-change-visibility-zero.md; 2.4.1 is the newest version.
 *
 * The fix replaces that one method so it clears only the in-flight columns, which is what it
 * means (the load code of the same class treats a row without a receipt handle as ready). It
 * reaches a module the package does not export, so it applies only where the method is found:
 * if an upgrade renames it, test/local/persistent-queues.test.ts says whether the bug is back.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { pathToFileURL } from "node:url";

interface Persistence {
  db: DatabaseSync;
  updateMessageReady(messageId: string): void;
}

const READY =
  "UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?";

let applied: Promise<void> | undefined;

/** Patches fauxqs's persistence once per process; before the first persistent start. */
export function fixFauxqsRelease(): Promise<void> {
  applied ??= apply();
  return applied;
}

/** The module file next to the package entry `import "fauxqs"` resolves to, as Node finds it. */
function persistenceModule(): string | undefined {
  const dirs = createRequire(import.meta.url).resolve.paths("fauxqs") ?? [];
  const file = dirs.map((d) => join(d, "fauxqs", "dist", "persistence.js")).find((f) => existsSync(f));
  return file && pathToFileURL(file).href;
}

async function apply(): Promise<void> {
  const file = persistenceModule();
  if (!file) return;
  const mod = (await import(file).catch(() => ({}))) as {
    PersistenceManager?: { prototype: Partial<Persistence> };
  };
  const proto = mod.PersistenceManager?.prototype;
  if (typeof proto?.updateMessageReady !== "function") return;
  const statements = new WeakMap<object, StatementSync>();
  proto.updateMessageReady = function (this: Persistence, messageId: string) {
    let ready = statements.get(this);
    if (!ready) {
      ready = this.db.prepare(READY);
      statements.set(this, ready);
    }
    ready.run(messageId);
  };
}
