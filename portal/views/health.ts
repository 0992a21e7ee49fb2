/**
 * Endpoint health: consecutive failures, the failing/disabled state and why, and the success
 * rate and latency per hour over 24 h and per day over 7 days (from the attempt log).
 */
import type { Attempt, Endpoint, Page } from "../api.js";
import { fmtTime, h, svg } from "../dom.js";
import type { Ctx } from "../router.js";

const DAY = 24 * 3600_000;

async function recentAttempts(ctx: Ctx, id: string, since: number): Promise<Attempt[]> {
  const out: Attempt[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page: Page<Attempt> = await ctx.api.get(`/webhook-endpoints/${id}/attempts?limit=100${q}`);
    out.push(...page.data);
    const oldest = page.data.at(-1);
    cursor = oldest && Date.parse(oldest.timestamp) >= since ? page.next_cursor : null;
  } while (cursor && out.length < 2000);
  return out.filter((a) => Date.parse(a.timestamp) >= since);
}

function state(ep: Endpoint): string {
  if (ep.status === "disabled") return "Disabled: no deliveries are made until it is enabled again.";
  if (ep.status === "failing") {
    return `Failing since ${fmtTime(ep.failing_since)}: every delivery has failed for a day. It is disabled automatically if failures continue.`;
  }
  if (ep.consecutive_failures > 0) return "Recent deliveries failed; retries continue on their schedule.";
  return "Healthy.";
}

function breaker(ep: Endpoint): HTMLElement | null {
  const b = ep.breaker;
  const lane =
    ep.lane === "slow" ? " Deliveries use the slow lane: recent attempts took long to answer." : "";
  if (!b || b.state === "closed") return lane ? h("p", { class: "muted" }, lane.trim()) : null;
  const why =
    b.state === "open"
      ? `Circuit breaker open until ${fmtTime(b.open_until)}: after repeated failures no requests are made and deliveries wait; then one probe is sent.`
      : "Circuit breaker half-open: one probe delivery is testing the endpoint; a success closes it.";
  return h("p", { class: "bad", "data-testid": "breaker" }, why, lane);
}

export async function healthSection(ep: Endpoint, ctx: Ctx): Promise<HTMLElement> {
  const now = Date.now();
  const attempts = await recentAttempts(ctx, ep.id, now - 7 * DAY);
  const day = attempts.filter((a) => Date.parse(a.timestamp) >= now - DAY);
  return h(
    "section",
    { class: "card", "data-testid": "health" },
    h("h2", {}, "Health"),
    h("p", {}, state(ep)),
    breaker(ep),
    h(
      "ul",
      { class: "stats" },
      h("li", {}, h("strong", {}, String(ep.consecutive_failures)), " consecutive failures"),
      h("li", {}, h("strong", {}, rate(day)), " success (24 h)"),
      h("li", {}, h("strong", {}, rate(attempts)), " success (7 days)"),
      h("li", {}, h("strong", {}, median(day)), " median latency (24 h)"),
    ),
    ep.last_error ? h("p", { class: "small" }, "Last error: ", h("code", {}, ep.last_error)) : null,
    h(
      "div",
      { class: "charts" },
      chart("Last 24 hours (per hour)", buckets(day, now, 24, 3600_000)),
      chart("Last 7 days (per day)", buckets(attempts, now, 7, DAY)),
    ),
  );
}

const rate = (list: Attempt[]) =>
  list.length
    ? `${Math.round((100 * list.filter((a) => a.status === "succeeded").length) / list.length)}%`
    : "—";

function median(list: Attempt[]): string {
  if (!list.length) return "—";
  const sorted = list.map((a) => a.latency_ms).sort((x, y) => x - y);
  return `${sorted[Math.floor(sorted.length / 2)]} ms`;
}

interface Bucket {
  total: number;
  ok: number;
  latency: number;
}

function buckets(list: Attempt[], now: number, n: number, size: number): Bucket[] {
  const out: Bucket[] = Array.from({ length: n }, () => ({ total: 0, ok: 0, latency: 0 }));
  for (const a of list) {
    const i = n - 1 - Math.floor((now - Date.parse(a.timestamp)) / size);
    const b = out[i];
    if (!b) continue;
    b.total++;
    if (a.status === "succeeded") b.ok++;
    b.latency += a.latency_ms;
  }
  return out;
}

/** Bars: success rate (height, green/red split); a line: mean latency, scaled to the slowest bucket. */
function chart(title: string, data: Bucket[]): HTMLElement {
  const w = 12;
  const height = 60;
  const maxLatency = Math.max(1, ...data.map((b) => (b.total ? b.latency / b.total : 0)));
  const bars = data.flatMap((b, i) => {
    if (!b.total)
      return [svg("rect", { x: i * w + 1, y: height - 2, width: w - 2, height: 2, class: "bar-empty" })];
    const okH = (height * b.ok) / b.total;
    return [
      svg("rect", { x: i * w + 1, y: 0, width: w - 2, height: height - okH, class: "bar-fail" }),
      svg("rect", { x: i * w + 1, y: height - okH, width: w - 2, height: okH, class: "bar-ok" }),
    ];
  });
  const points = data
    .map((b, i) =>
      b.total ? `${i * w + w / 2},${height - (height * (b.latency / b.total)) / maxLatency}` : null,
    )
    .filter((p) => p !== null)
    .join(" ");
  const line = svg("polyline", { points, class: "latency" });
  const graphic = svg(
    "svg",
    {
      viewBox: `0 0 ${data.length * w} ${height}`,
      preserveAspectRatio: "none",
      class: "chart",
      role: "img",
      "aria-label": title,
    },
    ...bars,
    line,
  );
  return h(
    "figure",
    {},
    graphic,
    h(
      "figcaption",
      { class: "small muted" },
      `${title}: bars = success rate, line = mean latency (max ${Math.round(maxLatency)} ms)`,
    ),
  );
}
