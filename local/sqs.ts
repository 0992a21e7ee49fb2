/** Runs fauxqs, the SQS emulator, in this process. */
import { startFauxqs } from "fauxqs";
import { freePort } from "./ports.js";

export interface LocalSqs {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startSqs(options: { port?: number } = {}): Promise<LocalSqs> {
  const server = await startFauxqs({ port: options.port ?? (await freePort()), logger: false });
  return { endpoint: `http://127.0.0.1:${server.port}`, stop: () => server.stop() };
}
