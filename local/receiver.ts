/**
 * `npm run receiver`: a development webhook receiver on 127.0.0.1 that prints every
 * webhook and verifies its signature (what your own receiver would do): `v1` with the
 * `standardwebhooks` library when WEBHOOK_SECRET (`whsec_…`) is set, `v1a` with node:crypto
 * when WEBHOOK_PUBLIC_KEY (`whpk_…`) is set (docs/receiving.md).
 */
import { createPublicKey, verify } from "node:crypto";
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const port = Number(process.env.RECEIVER_PORT ?? 4000);
const secret = process.env.WEBHOOK_SECRET;
const publicKey = process.env.WEBHOOK_PUBLIC_KEY;

function v1aVerifier(whpk: string) {
  const x = Buffer.from(whpk.replace(/^whpk_/, ""), "base64").toString("base64url");
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
  return {
    verify(body: string, headers: Record<string, string>) {
      const signed = Buffer.from(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`);
      const ok = (headers["webhook-signature"] ?? "")
        .split(" ")
        .filter((s) => s.startsWith("v1a,"))
        .some((s) => verify(null, signed, key, Buffer.from(s.slice(4), "base64")));
      if (!ok) throw new Error("no v1a signature verifies with WEBHOOK_PUBLIC_KEY");
    },
  };
}

const verifier = publicKey
  ? v1aVerifier(publicKey)
  : secret
    ? new Webhook(secret.replace(/^whsec_/, ""))
    : undefined;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => k.startsWith("webhook-") || k === "user-agent"),
    ) as Record<string, string>;
    let verdict = "signature not checked (set WEBHOOK_SECRET or WEBHOOK_PUBLIC_KEY)";
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
