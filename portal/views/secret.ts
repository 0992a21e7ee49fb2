/** The signing secret: reveal (reveal_secret), rotate (rotate_secret) with the grace period explained. */
import type { Endpoint } from "../api.js";
import type { Ctx } from "../ctx.js";
import { card, clear, fmtTime, h } from "../dom.js";
import { confirmButton } from "./confirm.js";

export function secretBox(secret: string, text: string): HTMLElement {
  const code = h("code", { class: "secret", "data-testid": "secret" }, secret);
  return h(
    "div",
    { class: "secret-box" },
    h("p", {}, text),
    code,
    " ",
    h("button", { type: "button", onclick: () => void navigator.clipboard?.writeText(secret) }, "Copy"),
  );
}

/** A v1a endpoint's public key and JWKS URL: public, shown whenever asked. */
export function publicKeyBox(ep: Pick<Endpoint, "public_key" | "jwks_url">): HTMLElement {
  return h(
    "div",
    { class: "secret-box" },
    h("p", {}, "Deliveries are signed with ed25519 (v1a). Verify them with this public key:"),
    h("code", { class: "secret", "data-testid": "public-key" }, ep.public_key ?? ""),
    h("p", { class: "small" }, "or with the keys of the JWK Set at ", h("code", {}, ep.jwks_url ?? ""), "."),
  );
}

export function secretSection(ep: Endpoint, ctx: Ctx): HTMLElement {
  const out = h("div", {});
  const grace = ctx.session.secret_grace_hours;
  const section = card(
    "Signing secret",
    { "data-testid": "secret-section" },
    h(
      "p",
      {},
      "Every delivery is signed with this secret (Standard Webhooks, ",
      h("code", {}, "webhook-signature"),
      " header). Current secret: ",
      h("code", {}, ep.secret_hint),
    ),
    ep.previous_secret_expires_at
      ? h(
          "p",
          { class: "muted" },
          `The previous secret also signs deliveries until ${fmtTime(ep.previous_secret_expires_at)}.`,
        )
      : null,
    out,
  );
  const actions = h("div", { class: "actions" });
  if (ep.signing_version === "v1a") out.append(publicKeyBox(ep));
  // A v1a private key never leaves the service (the API answers 409): nothing to reveal.
  if (ctx.can("reveal_secret") && ep.signing_version !== "v1a") actions.append(revealButton(ep, ctx, out));
  if (ctx.can("rotate_secret")) actions.append(rotateButton(ep, ctx, out, grace));
  if (actions.childElementCount) section.append(actions);
  return section;
}

/** Reveal: the current secret, shown in `out`. */
function revealButton(ep: Endpoint, ctx: Ctx, out: HTMLElement): HTMLElement {
  return h(
    "button",
    {
      type: "button",
      onclick: async () => {
        const { secret } = await ctx.api.get<{ secret: string }>(`/webhook-endpoints/${ep.id}/secret`);
        clear(out);
        out.append(secretBox(secret, "The current signing secret:"));
      },
    },
    "Reveal secret",
  );
}

/** Rotate, once confirmed with the grace period explained: the new secret (or key) shown in `out`. */
function rotateButton(ep: Endpoint, ctx: Ctx, out: HTMLElement, grace: number): HTMLElement {
  const explain =
    grace > 0
      ? `A new secret is created now. For the next ${grace} hours every delivery carries two signatures, one with the old secret and one with the new, so your receiver keeps verifying while you switch it over.`
      : "A new secret is created now and the old one stops signing at once: update your receiver immediately.";
  return confirmButton("Rotate secret", explain, "Rotate now", async () => {
    const rotated = await ctx.api.post<Endpoint & { secret?: string }>(
      `/webhook-endpoints/${ep.id}/rotate-secret`,
    );
    clear(out);
    const until = rotated.previous_secret_expires_at;
    out.append(
      rotated.secret
        ? secretBox(rotated.secret, "The new signing secret. Store it now: it is shown only once.")
        : publicKeyBox(rotated),
      h(
        "p",
        { class: "muted" },
        until ? `The old secret keeps signing until ${fmtTime(until)}.` : "The old secret no longer signs.",
      ),
    );
  });
}
