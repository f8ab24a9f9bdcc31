// The explorer's shell: hash routes (`#/block/12`, `#/tx/0x…`, …), the search
// box, and how a page that fails is shown (not found, pruned height, node
// unreachable). Each page module exports `render(ctx)`; `ctx.main` is the
// element to fill, `ctx.every(ms, fn)` schedules a refresh that stops when the
// reader leaves the page. When a page has rendered, <main> gets
// `data-page=<name>` and `data-state=ready|error` (the browser tests wait on it).

import * as api from "./api.js";
import { explain, go, h, notice } from "./dom.js";
import { resolve } from "./search.js";
import * as dashboard from "./pages/dashboard.js";
import * as block from "./pages/block.js";
import * as tx from "./pages/tx.js";
import * as address from "./pages/address.js";
import * as did from "./pages/did.js";
import * as file from "./pages/file.js";

const ROUTES = [
  [/^$/, "dashboard", dashboard],
  [/^block\/([^/]+)$/, "block", block],
  [/^tx\/([^/]+)$/, "tx", tx],
  [/^address\/([^/]+)$/, "address", address],
  [/^did(?:\/(.+))?$/, "did", did],
  [/^verify(?:\/([^/]+))?$/, "verify", file],
  [/^search\/(.*)$/, "search", { render: notRecognised }],
];

let generation = 0;
let timers = [];

function route() {
  return decodeURIComponent(location.hash.replace(/^#\/?/, ""));
}

async function show() {
  const gen = ++generation;
  timers.forEach(clearInterval);
  timers = [];
  const path = route();
  const main = document.getElementById("main");
  const match = ROUTES.map(([re, name, mod]) => [path.match(re), name, mod]).find(([m]) => m);
  const [m, name, mod] = match ?? [[], "missing", { render: missing }];
  main.setAttribute("aria-busy", "true");
  main.dataset.page = name;
  main.dataset.state = "loading";
  const ctx = {
    main,
    params: m.slice(1).map((p) => p ?? ""),
    current: () => gen === generation,
    every: (ms, fn) => timers.push(setInterval(() => gen === generation && fn(), ms)),
  };
  markNav(path);
  try {
    await mod.render(ctx);
    if (gen !== generation) return;
    main.dataset.state = "ready";
  } catch (e) {
    if (gen !== generation) return;
    main.replaceChildren(h("h1", {}, heading(e)), explain(e));
    main.dataset.state = "error";
  }
  main.setAttribute("aria-busy", "false");
  // After a navigation (not the first load), screen readers start at the new content.
  if (gen > 1) main.focus({ preventScroll: true });
}

/** `aria-current` on the navigation link of the current section. */
function markNav(path) {
  for (const a of document.querySelectorAll("header nav a")) {
    const section = a.getAttribute("href").replace(/^#\/?/, "");
    const current = section === "" ? path === "" : path === section || path.startsWith(`${section}/`);
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

function heading(e) {
  if (e instanceof api.ApiError && e.notFound) return "Not found";
  if (e instanceof api.ApiError && e.pruned) return "Pruned";
  return "Something went wrong";
}

function missing({ main }) {
  main.replaceChildren(h("h1", {}, "No such page"), notice("warn", "The explorer has no page at ", h("code", {}, location.hash), "."));
}

function notRecognised({ main, params }) {
  main.replaceChildren(
    h("h1", {}, "Nothing matches"),
    notice("warn", h("strong", {}, JSON.stringify(params[0])), " is not a height, a block or transaction hash, an address, a DID or a data hash."),
    h("p", {}, "Hashes are 64 hex digits, addresses 40 (with or without 0x); DIDs start with did:bayledger:."),
  );
}

async function search(event) {
  event.preventDefault();
  const input = document.getElementById("search-input");
  const q = input.value.trim();
  if (!q) return;
  const main = document.getElementById("main");
  main.setAttribute("aria-busy", "true");
  try {
    const target = await resolve(q);
    input.value = "";
    go(target);
  } catch (e) {
    main.replaceChildren(h("h1", {}, "Search failed"), explain(e));
    main.dataset.state = "error";
    main.setAttribute("aria-busy", "false");
  }
}

async function footer() {
  try {
    const s = await api.status();
    const line = document.getElementById("chain-line");
    line.textContent = `Chain ${api.field(s, "chain_id")} · node ${api.field(s, "node_version")}`;
  } catch {
    /* the pages say what is wrong */
  }
}

document.getElementById("search-form").addEventListener("submit", search);
window.addEventListener("hashchange", show);
footer();
show();
