/** The endpoint form's event-type picker and custom header rows (portal/views/endpoint-form.ts). */
import { exampleData } from "../../core/events/example.js";
import type { EventType } from "../api.js";
import { h, pretty } from "../dom.js";
import { lifecycleBadge } from "./event-types.js";

export function typePicker(catalog: EventType[], selected: string[]) {
  const chosen = new Set(selected);
  const boxes: HTMLInputElement[] = [];
  // An archived type takes no new subscriptions: it is offered only to an endpoint that has it.
  const offered = catalog.filter((t) => t.status !== "archived" || chosen.has(t.name));
  const items = offered.map((t) => {
    const box = h("input", {
      type: "checkbox",
      name: "event_type",
      value: t.name,
      checked: chosen.has(t.name),
    });
    boxes.push(box);
    return h(
      "div",
      { class: "type" },
      h(
        "label",
        {},
        box,
        h("code", {}, t.name),
        " ",
        lifecycleBadge(t),
        h("span", { class: "muted" }, t.description),
      ),
      t.deprecation ? h("div", { class: "small deprecation" }, t.deprecation.note) : null,
      h(
        "details",
        {},
        h("summary", {}, "Schema and example"),
        h("div", { class: "small" }, "JSON Schema"),
        h("pre", {}, t.schema ? pretty(t.schema) : "No schema: any JSON data."),
        h("div", { class: "small" }, "Example data"),
        h("pre", {}, pretty(t.examples?.[0] ?? exampleData({ name: t.name, schema: t.schema ?? undefined }))),
      ),
    );
  });
  // Patterns (`telephony.*`) set through the API are kept as they are.
  const patterns = selected.filter((s) => !offered.some((t) => t.name === s));
  const extra = patterns.map((p) => {
    const box = h("input", { type: "checkbox", name: "event_type", value: p, checked: true });
    boxes.push(box);
    return h(
      "div",
      { class: "type" },
      h("label", {}, box, h("code", {}, p), " ", h("span", { class: "muted" }, "pattern")),
    );
  });
  return {
    el: h("div", { class: "types" }, ...items, ...extra),
    selected: () => boxes.filter((b) => b.checked).map((b) => b.value),
  };
}

export function headerRows(initial: Record<string, string>) {
  const list = h("div", { class: "headers" });
  const add = (name = "", value = "") => {
    const row = h(
      "div",
      { class: "row header-row" },
      h("input", { name: "header_name", placeholder: "X-Header", value: name, "aria-label": "Header name" }),
      h("input", { name: "header_value", placeholder: "value", value, "aria-label": "Header value" }),
      h("button", { type: "button", onclick: () => row.remove() }, "Remove"),
    );
    list.append(row);
  };
  for (const [k, v] of Object.entries(initial)) add(k, v);
  return {
    el: h("div", {}, list, h("button", { type: "button", onclick: () => add() }, "Add header")),
    values: () => {
      const out: Record<string, string> = {};
      for (const row of list.querySelectorAll(".header-row")) {
        const [n, v] = row.querySelectorAll("input");
        if (n?.value.trim()) out[n.value.trim()] = v?.value ?? "";
      }
      return out;
    },
  };
}
