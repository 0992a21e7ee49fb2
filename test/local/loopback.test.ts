/**
 * What `npm start` runs listens on 127.0.0.1 only: the API and the SQS emulator answer on
 * loopback and refuse connections on the machine's other addresses. DynamoDB Local cannot be
 * bound to one address (no such option); `npm start` warns about it (docs/security.md).
 */
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, serveApi } from "../../local/server.js";
import { type LocalSqs, startSqs } from "../../local/sqs.js";

/** The machine's own non-loopback addresses (the container's eth0 and the like; CI machines have one). */
const external = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && !a.internal && !a.address.startsWith("fe80:"))
  .map((a) => a!.address);

function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

let sqs: LocalSqs;
let api: ApiServer;
beforeAll(async () => {
  sqs = await startSqs();
  const app = new Hono().get("/", (c) => c.text("ok"));
  api = await serveApi(app.fetch);
});
afterAll(async () => {
  await sqs?.stop();
  await api?.close();
});

describe.each([
  ["fauxqs (SQS)", () => sqs.endpoint],
  ["the API server", () => api.url],
])("%s", (_name, url) => {
  it("answers on 127.0.0.1 and refuses every other address of the machine", async () => {
    const port = Number(new URL(url()).port);
    expect(await tryConnect("127.0.0.1", port)).toBe("connected");
    for (const address of [...external, "::1"]) {
      expect(await tryConnect(address, port), address).toBe("ECONNREFUSED");
    }
  });
});
