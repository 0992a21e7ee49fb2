/**
 * What every view is handed (the API, the session, navigation), and `link`: the views and the
 * router both import it, so a view never imports the router that imports it.
 */
import type { Api, Session } from "./api.js";

export interface Ctx {
  api: Api;
  session: Session;
  can(capability: string): boolean;
  go(page: string): void;
  rerender(): void;
}

/** A click handler that navigates inside the portal. */
export const link = (ctx: Pick<Ctx, "go">, page: string) => (e: Event) => {
  e.preventDefault();
  ctx.go(page);
};
