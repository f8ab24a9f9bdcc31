// DOM building without innerHTML (every value from the chain is text, never
// markup), plus the page furniture shared by every page: headings, key/value
// lists, tables, links, notices and JSON blocks.

import { ApiError } from "./api.js";
import { short } from "./format.js";

/** Creates an element: attributes (`on*` functions become listeners) and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** A link inside the explorer (`#/…`). */
export function link(route, text, attrs = {}) {
  return h("a", { href: `#/${route}`, ...attrs }, text);
}

/** A hash or address in monospace, linked when `route` is given, shortened when `shorten`. */
export function mono(value, route, { shorten = false } = {}) {
  if (!value) return h("span", { class: "muted" }, "—");
  const text = shorten ? short(value) : value;
  const attrs = { class: "mono", title: value };
  return route ? link(route, text, attrs) : h("span", attrs, text);
}

export const addrLink = (addr, opts) => mono(addr, addr && `address/${addr}`, opts);
export const txLink = (hash, opts) => mono(hash, hash && `tx/${hash}`, opts);
export const blockLink = (height) => link(`block/${height}`, String(height), { class: "mono" });

/** Opens explorer route `route` (re-rendering when it is the current one). */
export function go(route) {
  const target = `#/${route}`;
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = target;
}

/** A definition list of [label, value] rows (rows that are null are skipped). */
export function facts(rows, attrs = {}) {
  return h(
    "dl",
    { class: "facts", ...attrs },
    rows.filter(Boolean).map(([k, v, id]) => [h("dt", {}, k), h("dd", id ? { "data-field": id } : {}, v)]),
  );
}

/** A table with a caption, column headers and rows of cells. */
export function table(caption, headers, rows, empty = "Nothing yet.") {
  if (!rows.length) return h("p", { class: "muted" }, empty);
  return h(
    "table",
    {},
    h("caption", { class: "visually-hidden" }, caption),
    h("thead", {}, h("tr", {}, headers.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))),
  );
}

/** A section with a heading. */
export function section(title, ...children) {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  return h("section", { class: "card", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

/** A notice: kind is `error`, `warn`, `ok` or `info`. */
export function notice(kind, ...children) {
  return h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

/** Pretty-printed JSON in a <pre>. */
export function jsonBlock(value, attrs = {}) {
  return h("pre", { class: "json", ...attrs }, JSON.stringify(value, null, 2));
}

/** A status badge (`ok`, `aborted`, `active`, `revoked`…). */
export function badge(text, kind) {
  return h("span", { class: `badge ${kind ?? text}` }, text);
}

/** A notice that says plainly why something could not be shown (not found, pruned, unreachable…). */
export function explain(e) {
  if (e instanceof ApiError) {
    if (e.notFound) return notice("warn", h("strong", {}, "Not found. "), e.message);
    if (e.pruned) return notice("warn", h("strong", {}, "Pruned. "), "This node no longer keeps that height: ", e.message);
    if (e.status === 0) return notice("error", h("strong", {}, "The node is unreachable. "), e.message);
    if (e.unimplemented) return notice("warn", h("strong", {}, "Not available. "), "This node does not offer that API: ", e.message);
    return notice("error", h("strong", {}, `The node refused (${e.status}). `), e.message);
  }
  return notice("error", h("strong", {}, "Error. "), e.message ?? String(e));
}
