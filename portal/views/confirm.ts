/** A button that asks first, inline (no window.confirm: it is blocked in some embedded frames). */
import { ApiFailure } from "../api.js";
import { clear, h, notice } from "../dom.js";

export function confirmButton(
  label: string,
  question: string,
  confirmLabel: string,
  action: () => Promise<void>,
  danger = false,
): HTMLElement {
  const wrap = h("span", { class: "confirm" });
  const open = h("button", { type: "button", class: danger ? "danger" : "" }, label);
  open.addEventListener("click", () => {
    clear(wrap);
    const status = h("div", {});
    const yes = h("button", { type: "button", class: danger ? "danger" : "primary" }, confirmLabel);
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      try {
        await action();
        clear(wrap);
        wrap.append(open);
      } catch (err) {
        yes.disabled = false;
        if (!(err instanceof ApiFailure)) throw err;
        clear(status);
        status.append(notice("error", err.error.message));
      }
    });
    const no = h("button", { type: "button", onclick: () => wrap.replaceChildren(open) }, "Cancel");
    wrap.append(
      h("div", { class: "confirm-box", role: "group" }, h("p", {}, question), yes, " ", no, status),
    );
  });
  wrap.append(open);
  return wrap;
}
