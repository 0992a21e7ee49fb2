/**
 * The customer portal: a small single-page app over the public API. Reads the session token
 * from the URL fragment (`#token=…&page=/endpoints`), theming from the query string
 * (`?accent=%23…&logo=https://…&dark=1&title=…`), and posts its height to the embedding page.
 */
import { Api, type ApiError, ApiFailure, type Session } from "./api.js";
import type { Ctx } from "./ctx.js";
import { clear, h, notice } from "./dom.js";
import { route } from "./router.js";
import { expiredPage } from "./views/expired.js";

const root = document.getElementById("app")!;
const query = new URLSearchParams(location.search);
const fragment = new URLSearchParams(location.hash.slice(1));
const token = fragment.get("token") ?? "";
let page = fragment.get("page") ?? query.get("page") ?? "/endpoints";
let ended = false;

function applyTheme(): void {
  const accent = query.get("accent");
  if (accent && /^#?[0-9a-fA-F]{3,8}$/.test(accent)) {
    // CSSOM, not an inline style attribute: allowed by the CSP's style-src 'self'.
    document.documentElement.style.setProperty("--accent", accent.startsWith("#") ? accent : `#${accent}`);
  }
  if (query.get("dark") === "1" || query.get("dark") === "true")
    document.documentElement.classList.add("dark");
}

function header(): HTMLElement {
  const logo = query.get("logo");
  const title = query.get("title") ?? "Webhooks";
  const safeLogo = logo && /^https:\/\//.test(logo) ? logo : null;
  return h(
    "header",
    { class: "top" },
    safeLogo ? h("img", { class: "logo", src: safeLogo, alt: "", referrerpolicy: "no-referrer" }) : null,
    h("strong", { class: "title" }, title),
    h(
      "nav",
      {},
      h("a", { href: "#", "data-page": "/endpoints", onclick: navClick }, "Endpoints"),
      h("a", { href: "#", "data-page": "/messages", onclick: navClick }, "Message log"),
      h("a", { href: "#", "data-page": "/tasks", onclick: navClick }, "Tasks"),
    ),
  );
}

function navClick(e: Event): void {
  e.preventDefault();
  const target = (e.currentTarget as HTMLElement).dataset.page;
  if (target) go(target);
}

/** Keeps the token and the page in the fragment, so a reload or a deep link lands where it was. */
function writeFragment(replace: boolean): void {
  const f = new URLSearchParams({ token, page });
  const url = `${location.pathname}${location.search}#${f.toString()}`;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
}

let session: Session | undefined;
let api: Api;

function end(err: ApiError): void {
  if (ended) return;
  ended = true;
  clear(root);
  root.appendChild(expiredPage(err, session?.return_url ?? null));
}

export function go(to: string, replace = false): void {
  page = to;
  writeFragment(replace);
  void render();
}

async function render(): Promise<void> {
  if (ended || !session) return;
  clear(root);
  root.appendChild(header());
  for (const a of root.querySelectorAll<HTMLAnchorElement>("nav a")) {
    if (page.startsWith(a.dataset.page ?? "-")) a.setAttribute("aria-current", "page");
  }
  const body = h("section", { class: "page" });
  root.appendChild(body);
  const ctx: Ctx = {
    api,
    session,
    can: (cap) => (session!.capabilities as readonly string[]).includes(cap),
    go,
    rerender: () => void render(),
  };
  try {
    await route(page, body, ctx);
  } catch (err) {
    if (ended) return;
    const e = err instanceof ApiFailure ? err.error : { message: (err as Error).message, code: "error" };
    body.appendChild(notice("error", `${e.message} (${e.code})`));
  }
}

function reportHeight(): void {
  if (window.parent === window) return;
  let last = 0;
  const post = () => {
    // The body's own height, not the document's: that is at least the frame's, so it never shrinks.
    const height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    // Only a number leaves the frame, so any parent may read it.
    window.parent.postMessage({ type: "hookrelay:portal:height", height }, "*");
  };
  new ResizeObserver(post).observe(document.body);
  post();
}

async function start(): Promise<void> {
  applyTheme();
  reportHeight();
  if (!token) {
    end({ status: 401, code: "no_session", message: "This page needs a portal session link." });
    return;
  }
  api = new Api(token, end);
  try {
    session = await api.get<Session>("/portal-sessions/current");
  } catch (err) {
    if (!ended)
      end(err instanceof ApiFailure ? err.error : { status: 0, code: "error", message: String(err) });
    return;
  }
  writeFragment(true);
  window.addEventListener("popstate", () => {
    page = new URLSearchParams(location.hash.slice(1)).get("page") ?? "/endpoints";
    void render();
  });
  await render();
}

void start();
