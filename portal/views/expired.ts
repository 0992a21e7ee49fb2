/** The page a user sees when the session has expired, was revoked or the link is broken. */
import type { ApiError } from "../api.js";
import { h, hint } from "../dom.js";

const TITLES: Record<string, string> = {
  session_expired: "This session has expired",
  session_revoked: "This session has ended",
  no_session: "No session",
};

export function expiredPage(err: ApiError, knownReturnUrl: string | null): HTMLElement {
  const raw = err.details?.return_url ?? knownReturnUrl;
  const returnUrl = typeof raw === "string" && /^https?:\/\//.test(raw) ? raw : null;
  return h(
    "div",
    { class: "expired", "data-testid": "expired" },
    h("h1", {}, TITLES[err.code] ?? "This link is not valid"),
    h("p", {}, "For your security, webhook settings are only available through a fresh link."),
    returnUrl
      ? h(
          "p",
          {},
          h(
            "a",
            { class: "button primary", href: returnUrl, target: "_top", rel: "noopener noreferrer" },
            "Return and sign in again",
          ),
        )
      : hint("Open the webhooks page again from the application you came from."),
  );
}
