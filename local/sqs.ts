/**
 * Runs fauxqs, the SQS emulator, in this process: in memory for tests, in SQLite under
 * `dataDir` for `npm start`, so queued, delayed and in-flight messages (pending retries)
 * survive a restart. fauxqs 2 needs Node ≥ 22.5 (node:sqlite); npm scripts run on the Node 24
 * that the `node` devDependency installs.
 */
import { mkdirSync } from "node:fs";
import { startFauxqs } from "fauxqs";
import { StackError } from "./java.js";
import { freePort } from "./ports.js";

export interface LocalSqs {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startSqs(options: { port?: number; dataDir?: string } = {}): Promise<LocalSqs> {
  if (options.dataDir) {
    try {
      mkdirSync(options.dataDir, { recursive: true });
    } catch (err) {
      throw new StackError(`cannot use ${options.dataDir} for queue data: ${(err as Error).message}`);
    }
  }
  const server = await startFauxqs({
    port: options.port ?? (await freePort()),
    logger: false,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}
