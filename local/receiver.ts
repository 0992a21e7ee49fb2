/**
 * `npm run receiver`: a development webhook receiver on 127.0.0.1 that prints every
 * webhook and, when WEBHOOK_SECRET is set, verifies its signature with the
 * `standardwebhooks` library (what your own receiver would do).
 */
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const port = Number(process.env.RECEIVER_PORT ?? 4000);
const secret = process.env.WEBHOOK_SECRET;
const verifier = secret ? new Webhook(secret.replace(/^whsec_/, "")) : undefined;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => k.startsWith("webhook-") || k === "user-agent"),
    ) as Record<string, string>;
    let verdict = "signature not checked (set WEBHOOK_SECRET)";
    if (verifier) {
      try {
        verifier.verify(body, headers);
        verdict = "signature valid";
      } catch (err) {
        verdict = `SIGNATURE INVALID: ${(err as Error).message}`;
      }
    }
    console.log(`\n${new Date().toISOString()} ${req.method} ${req.url} — ${verdict}`);
    for (const [k, v] of Object.entries(headers)) console.log(`  ${k}: ${v}`);
    console.log(`  ${body}`);
    res.writeHead(verifier && verdict !== "signature valid" ? 400 : 204).end();
  });
});

server.on("error", (err: NodeJS.ErrnoException) => {
  console.error(
    `error: ${err.code === "EADDRINUSE" ? `port ${port} is in use; set RECEIVER_PORT` : err.message}`,
  );
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => console.log(`receiver listening on http://127.0.0.1:${port}/`));
