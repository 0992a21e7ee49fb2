/** Pages by path (the fragment's `page`): one function per screen, each rendering into `body`. */
import { type Ctx, link } from "./ctx.js";
import { h } from "./dom.js";
import { attemptPage, legacyAttemptPage } from "./views/attempt-page.js";
import { endpointPage } from "./views/endpoint.js";
import { endpointForm } from "./views/endpoint-form.js";
import { endpointsPage } from "./views/endpoints.js";
import { eventPage, messagesPage } from "./views/messages.js";
import { tasksPage } from "./views/tasks.js";

type View = (body: HTMLElement, ctx: Ctx, ...params: string[]) => Promise<void>;

const ROUTES: Array<[RegExp, View]> = [
  [/^\/endpoints\/?$/, endpointsPage],
  [/^\/endpoints\/new$/, (body, ctx) => endpointForm(body, ctx)],
  [/^\/endpoints\/([\w-]+)\/edit$/, (body, ctx, id) => endpointForm(body, ctx, id)],
  [/^\/endpoints\/([\w-]+)$/, endpointPage],
  [/^\/messages\/?$/, messagesPage],
  [/^\/tasks\/?$/, tasksPage],
  [/^\/messages\/([\w-]+)$/, eventPage],
  [/^\/messages\/([\w-]+)\/endpoints\/([\w-]+)\/attempts\/([\w-]+)$/, attemptPage],
  [/^\/messages\/([\w-]+)\/attempts\/([\w-]+)$/, legacyAttemptPage],
];

export async function route(page: string, body: HTMLElement, ctx: Ctx): Promise<void> {
  for (const [pattern, view] of ROUTES) {
    const m = pattern.exec(page);
    if (m) return view(body, ctx, ...m.slice(1));
  }
  body.appendChild(h("h1", {}, "Page not found"));
  body.appendChild(h("p", {}, h("a", { href: "#", onclick: link(ctx, "/endpoints") }, "Back to endpoints")));
}
