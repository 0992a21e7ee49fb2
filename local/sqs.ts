/**
 * Runs fauxqs, the SQS emulator, in this process: in memory for tests, in SQLite under
 * `dataDir` for `npm start`, so queued, delayed and in-flight messages (pending retries)
 * survive a restart (with a fix for its persistence: local/fauxqs-release.ts). fauxqs 2 needs Node ≥ 22.5 (node:sqlite); npm scripts run on the Node 24
 * that the `node` devDependency installs.
 */
import { mkdirSync } from "node:fs";
import { type ListenOptions, Server } from "node:net";
import { startFauxqs } from "fauxqs";
import { fixFauxqsRelease } from "./fauxqs-release.js";
import { StackError } from "./java.js";
import { freePort } from "./ports.js";

export interface LocalSqs {
  endpoint: string;
  /** Where the emulator listens, as it reports it (`http://127.0.0.1:<port>`). */
  address: string;
  stop(): Promise<void>;
}

export async function startSqs(options: { port?: number; dataDir?: string } = {}): Promise<LocalSqs> {
  if (options.dataDir) {
    await fixFauxqsRelease();
    try {
      mkdirSync(options.dataDir, { recursive: true });
    } catch (err) {
      throw new StackError(`cannot use ${options.dataDir} for queue data: ${(err as Error).message}`);
    }
  }
  const port = options.port ?? (await freePort());
  const server = await onLoopback(() =>
    startFauxqs({
      port,
      logger: false,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    }),
  );
  return { endpoint: `http://127.0.0.1:${server.port}`, address: server.address, stop: () => server.stop() };
}

/**
 * fauxqs 2.4.1 listens on 0.0.0.0 whatever its options say (its `host` only names the host in
 * queue URLs): an unauthenticated queue service on every interface. While it starts, a listen
 * on 0.0.0.0 in this process is made on 127.0.0.1 instead. Nothing else here listens on
 * 0.0.0.0; test/local/loopback.test.ts fails if a fauxqs upgrade gets around this.
 */
async function onLoopback<T>(start: () => Promise<T>): Promise<T> {
  const listen = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    const first = args[0] as ListenOptions | undefined;
    if (first && typeof first === "object" && first.host === "0.0.0.0") {
      args[0] = { ...first, host: "127.0.0.1" };
    }
    return (listen as (...a: unknown[]) => Server).apply(this, args);
  } as typeof listen;
  try {
    return await start();
  } finally {
    Server.prototype.listen = listen;
  }
}
