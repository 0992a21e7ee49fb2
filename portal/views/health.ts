/**
 * Endpoint health: consecutive failures, the failing/disabled state and why, and the success
 * rate and latency per hour over 24 h and per day over 7 days (aggregated by the API:
 * GET /v1/webhook-endpoints/{id}/stats).
 */
import type { Endpoint, EndpointStats, StatsBucket } from "../api.js";
import type { Ctx } from "../ctx.js";
import { card, fmtTime, h, svg } from "../dom.js";

function state(ep: Endpoint): string {
  if (ep.status === "disabled") return "Disabled: no deliveries are made until it is enabled again.";
  if (ep.status === "paused") {
    return "Paused: nothing is sent and nothing counts as a failure; events are held and delivered when it is resumed.";
  }
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
  const [day, week] = await Promise.all(
    (["24h", "7d"] as const).map((w) =>
      ctx.api.get<EndpointStats>(`/webhook-endpoints/${ep.id}/stats?window=${w}`),
    ),
  );
  return card(
    "Health",
    { "data-testid": "health" },
    h("p", {}, state(ep)),
    breaker(ep),
    h(
      "ul",
      { class: "stats" },
      h("li", {}, h("strong", {}, String(ep.consecutive_failures)), " consecutive failures"),
      h("li", {}, h("strong", { "data-testid": "rate-24h" }, rate(day!)), " success (24 h)"),
      h("li", {}, h("strong", {}, rate(week!)), " success (7 days)"),
      h("li", {}, h("strong", {}, ms(day!.median_latency_ms)), " median latency (24 h)"),
    ),
    lastError(ep),
    h(
      "div",
      { class: "charts" },
      chart("Last 24 hours (per hour)", day!),
      chart("Last 7 days (per day, UTC)", week!),
    ),
  );
}

/** The last failure, kept after a recovery as history, and when it happened (text nodes: escaped). */
function lastError(ep: Endpoint): HTMLElement | null {
  if (!ep.last_error) return null;
  const at = ep.last_error_at
    ? h("span", { "data-testid": "last-error-at" }, ` (${fmtTime(ep.last_error_at)})`)
    : null;
  return h(
    "p",
    { class: "small" },
    "Last error: ",
    h("code", { "data-testid": "last-error" }, ep.last_error),
    at,
  );
}

const rate = (s: { success_rate: number | null }) =>
  s.success_rate === null ? "—" : `${Math.round(100 * s.success_rate)}%`;

const ms = (v: number | null) => (v === null ? "—" : `${v} ms`);

/** Bars: success rate (height, green/red split); a line: mean latency, scaled to the slowest bucket. */
function chart(title: string, stats: EndpointStats): HTMLElement {
  const data: StatsBucket[] = stats.buckets;
  const w = 12;
  const height = 60;
  const maxLatency = Math.max(1, ...data.map((b) => b.mean_latency_ms ?? 0));
  const bars = data.flatMap((b, i) => {
    if (!b.attempts)
      return [svg("rect", { x: i * w + 1, y: height - 2, width: w - 2, height: 2, class: "bar-empty" })];
    const okH = (height * b.succeeded) / b.attempts;
    return [
      svg("rect", { x: i * w + 1, y: 0, width: w - 2, height: height - okH, class: "bar-fail" }),
      svg("rect", { x: i * w + 1, y: height - okH, width: w - 2, height: okH, class: "bar-ok" }),
    ];
  });
  const points = data
    .map((b, i) =>
      b.mean_latency_ms === null
        ? null
        : `${i * w + w / 2},${height - (height * b.mean_latency_ms) / maxLatency}`,
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
  const note = stats.truncated ? " Busy endpoint: the oldest events of the window are left out." : "";
  return h(
    "figure",
    { "data-window": stats.window },
    graphic,
    h(
      "figcaption",
      { class: "small muted" },
      `${title}: ${stats.attempts} attempts; bars = success rate, line = mean latency (max ${Math.round(maxLatency)} ms).${note}`,
    ),
  );
}
