/**
 * SSRF with ALLOW_PRIVATE_TARGETS off (the AWS default): every private or special address,
 * in every notation a URL parser accepts, and names that resolve to such addresses.
 *
 * - At the API: creating or re-pointing an endpoint at such a URL is a 400 `invalid_url`
 *   (literal addresses and the names RFC 6761 reserves for loopback; other names are only
 *   knowable at connect time).
 * - At delivery time (endpoints written straight to the table, past the API): the attempt
 *   fails with a clear error, the task is dead-lettered (max_retries 0), and not one TCP
 *   connection reaches the receiver listening on 127.0.0.1.
 * - Names resolving to private space: the connect-time lookup of the delivery Agent, fed by
 *   a custom resolver, refuses the connection before a socket is opened.
 */
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { guardedLookup } from "../../core/outbound/ssrf.js";
import { createTestOrg, type TestOrg } from "../support/api.js";
import { attemptsOfMsg, enqueue, taskFor, waitForDelivery } from "../support/deliveries.js";
import { type DeliveryPollers, startDelivery } from "../support/delivery.js";
import { putEndpoint } from "../support/endpoints.js";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { createTestStack, type TestStack, uniqueOrg } from "../support/stack.js";

/** Hosts that all mean "this machine" (IPv4 127/8, 0.0.0.0, ::1, ::, and loopback names). */
const LOOPBACK_HOSTS = [
  "127.0.0.1",
  "2130706433", // decimal
  "0177.0.0.1", // octal
  "0177.0.0.01",
  "017700000001", // one octal number
  "0x7f000001", // hex
  "0x7f.0x0.0x0.0x1",
  "0x7f.0.0.1",
  "127.1", // short forms
  "127.0.1",
  "127.0.0.1.", // trailing dot
  "127.127.127.127",
  "0.0.0.0", // reaches local listeners on Linux
  "0",
  "[::1]",
  "[0:0:0:0:0:0:0:1]",
  "[::]",
  "[::ffff:127.0.0.1]", // IPv4-mapped IPv6
  "[::ffff:7f00:1]",
  "[0:0:0:0:0:ffff:127.0.0.1]",
  "[::ffff:0:127.0.0.1]", // IPv4-translated
  "[::127.0.0.1]", // deprecated IPv4-compatible
  "[64:ff9b::127.0.0.1]", // NAT64 of loopback
  "[2002:7f00:1::1]", // 6to4 of loopback
  "localhost",
  "LOCALHOST",
  "localhost.",
  "api.localhost",
  "a.b.localhost.",
];

/** Other private and special ranges (nothing listens there; the guard must still refuse). */
const SPECIAL_HOSTS = [
  "10.0.0.1",
  "10.255.255.255",
  "012.0.0.1", // octal 10.0.0.1
  "172.16.0.1",
  "172.31.255.254",
  "192.168.0.1",
  "0xc0a80001", // hex 192.168.0.1
  "3232235521", // decimal 192.168.0.1
  "169.254.169.254", // cloud metadata
  "169.254.169.254.",
  "2852039166", // decimal metadata
  "0xa9fea9fe", // hex metadata
  "0251.0376.0251.0376", // octal metadata
  "169.254.170.2", // ECS task metadata
  "[fd00:ec2::254]", // AWS IMDS over IPv6
  "[::ffff:169.254.169.254]",
  "[::ffff:a9fe:a9fe]",
  "169.254.1.1", // link-local
  "[fe80::1]",
  "100.64.0.1", // carrier-grade NAT
  "100.127.255.254",
  "224.0.0.1", // multicast
  "239.255.255.250",
  "[ff02::1]",
  "255.255.255.255", // broadcast
  "240.0.0.1", // reserved
  "192.0.2.1", // documentation
  "[fc00::1]", // IPv6 unique local
  "[fd12:3456:789a::1]",
  "[fec0::1]", // site-local
  "[::ffff:10.0.0.1]",
  "[::ffff:a00:1]",
  "[64:ff9b::a00:1]",
  "[2001:db8::1]",
];

const PUBLIC_URLS = [
  "https://example.com/hook",
  "https://8.8.8.8/hook",
  "https://[2606:4700:4700::1111]/hook",
  "https://localhost.example.com/hook",
  "https://my-localhost.com/hook",
];

describe("SSRF at the API (ALLOW_PRIVATE_TARGETS off)", () => {
  let stack: TestStack;
  let org: TestOrg;
  beforeAll(async () => {
    stack = await createTestStack({ ALLOW_PRIVATE_TARGETS: "false", ALLOW_HTTP_LOCALHOST: "false" });
    org = await createTestOrg(stack);
  });

  it.each([...LOOPBACK_HOSTS, ...SPECIAL_HOSTS])("refuses https://%s/ on create and update", async (host) => {
    const org = await createTestOrg(stack);
    const url = `https://${host}/hook`;
    const created = await org.request("POST", "/v1/webhook-endpoints", { url });
    expect(created.status, `${url}: ${created.text}`).toBe(400);
    expect(created.body.error.code).toBe("invalid_url");
    expect(created.body.error.message).toMatch(/private|loopback|special|not allowed|SSRF/i);

    const ok = await org.request("POST", "/v1/webhook-endpoints", { url: "https://example.com/hook" });
    expect(ok.status).toBe(201);
    const patched = await org.request("PATCH", `/v1/webhook-endpoints/${ok.body.id}`, { url });
    expect(patched.status, url).toBe(400);
    expect(patched.body.error.code).toBe("invalid_url");
    const after = await org.request("GET", `/v1/webhook-endpoints/${ok.body.id}`);
    expect(after.body.url).toBe("https://example.com/hook");
  });

  it.each(LOOPBACK_HOSTS.slice(0, 6))("refuses plain http://%s/ as well", async (host) => {
    const res = await org.request("POST", "/v1/webhook-endpoints", { url: `http://${host}:8080/hook` });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_url");
  });

  it("accepts public addresses and names that merely contain 'localhost'", async () => {
    for (const url of PUBLIC_URLS) {
      const res = await org.request("POST", "/v1/webhook-endpoints", { url });
      expect(res.status, `${url}: ${res.text}`).toBe(201);
      await org.request("DELETE", `/v1/webhook-endpoints/${res.body.id}`);
    }
  });

  it("TLS-less URLs are refused for a live key", async () => {
    const live = await createTestOrg(stack, "admin", "live");
    for (const url of ["http://example.com/hook", "http://8.8.8.8/hook", "http://localhost:3000/hook"]) {
      const res = await live.request("POST", "/v1/webhook-endpoints", { url });
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe("invalid_url");
    }
  });

  it("a test key may use plain http to public hosts only: private targets stay refused", async () => {
    for (const url of ["http://example.com/hook", "http://8.8.8.8/hook"]) {
      const res = await org.request("POST", "/v1/webhook-endpoints", { url });
      expect(res.status, `${url}: ${res.text}`).toBe(201);
      await org.request("DELETE", `/v1/webhook-endpoints/${res.body.id}`);
    }
    for (const url of ["http://localhost:3000/hook", "http://10.0.0.1/hook", "http://[::1]/hook"]) {
      const res = await org.request("POST", "/v1/webhook-endpoints", { url });
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe("invalid_url");
    }
  });

  it("private targets are accepted only when the deployment allows them", async () => {
    const open = await createTestStack({ ALLOW_PRIVATE_TARGETS: "true" });
    const o = await createTestOrg(open);
    for (const url of [
      "https://10.0.0.1/hook",
      "https://localhost:8443/hook",
      "http://127.0.0.1:3000/hook",
    ]) {
      const res = await o.request("POST", "/v1/webhook-endpoints", { url });
      expect(res.status, `${url}: ${res.text}`).toBe(201);
    }
  });
});

describe("SSRF at delivery time (ALLOW_PRIVATE_TARGETS off)", () => {
  let stack: TestStack;
  let receiver: Receiver;
  let source: DeliveryPollers;
  beforeAll(async () => {
    stack = await createTestStack({
      ALLOW_PRIVATE_TARGETS: "false",
      RETRY_SCHEDULE: "1",
      ENDPOINT_CACHE_SECONDS: "0",
    });
    receiver = await startReceiver();
    source = startDelivery(stack, { concurrency: 3 });
  });
  afterAll(async () => {
    await source?.stop();
    await receiver?.close();
  });

  it("no request reaches a receiver on 127.0.0.1, whatever the notation", async () => {
    const org = uniqueOrg();
    const port = receiver.port;
    const cases = await Promise.all(
      [...LOOPBACK_HOSTS, ...SPECIAL_HOSTS].map(async (host) => {
        // Loopback forms carry the receiver's port: an unguarded request would land there.
        const url = LOOPBACK_HOSTS.includes(host) ? `http://${host}:${port}/hook` : `http://${host}/hook`;
        const ep = await putEndpoint(stack.deps, { org_id: org, max_retries: 0, url, timeout_ms: 2000 });
        return { host, url, ep, task: taskFor(ep, { host }) };
      }),
    );
    await enqueue(stack.deps, ...cases.map((c) => c.task));

    for (const c of cases) {
      const d = await waitForDelivery(stack.deps, c.task, "failed");
      expect(d.attempts, c.url).toBe(1);
      const [attempt] = await attemptsOfMsg(stack.deps, org, c.task.msg_id, [c.task.endpoint_id]);
      expect(attempt, c.url).toMatchObject({ success: false, status_code: null, response_body: null });
      // Names under .localhost may not resolve at all on this machine; both end the attempt
      // before any connection.
      const expected = /localhost/i.test(c.host)
        ? /\(SSRF guard\)$|^DNS lookup failed/
        : /^target address \S+ is [\w ().,/-]+ \(SSRF guard\)$/;
      expect(attempt!.error, c.url).toMatch(expected);
      expect(d.last_error, c.url).toBe(attempt!.error);
    }
    expect(receiver.requests).toHaveLength(0);
    expect(receiver.connections()).toBe(0);
  });

  it("names resolving to private space are refused at connect time, before any socket", async () => {
    const resolver = (answers: string[]) =>
      ((_host: string, _opts: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
        cb(
          null,
          answers.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })),
        )) as unknown as Parameters<typeof guardedLookup>[0];
    const hostile = [
      ["127.0.0.1"],
      ["::ffff:127.0.0.1"],
      ["93.184.216.34", "127.0.0.1"], // one private record among public ones
      ["10.1.2.3"],
      ["169.254.169.254"],
      ["fd00:ec2::254"],
      ["0.0.0.0"],
    ];
    for (const answers of hostile) {
      const agent = new Agent({ connect: { lookup: guardedLookup(resolver(answers)) } });
      const err = await request(`http://rebind.example:${receiver.port}/hook`, {
        method: "POST",
        body: "{}",
        dispatcher: agent,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      await agent.close();
      expect(String((err as Error)?.cause ?? err), answers.join(",")).toMatch(/SSRF guard/);
    }
    expect(receiver.connections()).toBe(0);

    // Control: the same resolver without the guard does reach the receiver, so the checks
    // above are not vacuous.
    const open = new Agent({
      connect: {
        lookup: (_h, _o, cb) => cb(null, [{ address: "127.0.0.1", family: 4 }]),
      },
    });
    const res = await request(`http://rebind.example:${receiver.port}/hook`, {
      method: "POST",
      body: "{}",
      dispatcher: open,
    });
    await res.body.text();
    await open.close();
    expect(res.statusCode).toBe(200);
    expect(receiver.requests).toHaveLength(1);
  });
});
