/**
 * Building the page. Every string from a tenant or a receiver (payloads, response bodies,
 * headers, descriptions) reaches the DOM as a text node or an attribute value, never as
 * markup: there is no innerHTML anywhere in the portal.
 */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "value" && "value" in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

const SVG = "http://www.w3.org/2000/svg";
export function svg(tag: string, attrs: Record<string, string | number>, ...children: Node[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(c);
  return el;
}

export const fmtTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" }) : "—";

export const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/** A status pill; the class is chosen from a fixed list, the text is escaped like any other. */
export function pill(status: string): HTMLElement {
  const known = [
    "active",
    "disabled",
    "failing",
    "paused",
    "succeeded",
    "failed",
    "pending",
    "retrying",
    "abandoned",
    "skipped",
    "expired",
    "erased",
  ];
  return h("span", { class: `pill pill-${known.includes(status) ? status : "other"}` }, status);
}

/** One card of a view: a titled section (`attrs` adds to it, e.g. a data-testid). */
export function card(title: string, attrs: Attrs, ...children: Child[]): HTMLElement {
  return h("section", { class: "card", ...attrs }, h("h2", {}, title), ...children);
}

/** A muted line: what a card does, under its title, or a wait in progress. */
export const hint = (text: string): HTMLElement => h("p", { class: "muted" }, text);

export function notice(kind: "error" | "ok" | "info", ...children: Child[]): HTMLElement {
  return h(
    "div",
    { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" },
    ...children,
  );
}
