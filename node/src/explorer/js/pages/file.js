// "Was this file registered?": the file is hashed here (SHA3-256, never
// uploaded), the hash registry is asked, and its answer is checked in the
// browser (js/registry.js). A hash can also be given directly (`#/verify/0x…`).

import { addrLink, badge, blockLink, explain, facts, go, h, link, mono, notice, section } from "../dom.js";
import { sha3File } from "../sha3.js";
import { to0x } from "../bytes.js";
import { checkHash } from "../registry.js";
import { time } from "../format.js";

export async function render({ main, params }) {
  const result = h("div", { id: "verify-result", "aria-live": "polite" });
  const fileInput = h("input", { id: "file-input", type: "file", class: "visually-hidden" });
  const drop = h(
    "label",
    { for: "file-input", class: "dropzone", id: "dropzone" },
    h("strong", {}, "Drop a file here, or choose one"),
    h("span", { class: "muted" }, "It is hashed in this browser with SHA3-256 and never leaves your computer."),
  );
  const hashInput = h("input", { id: "hash-input", type: "text", spellcheck: "false", placeholder: "0x… (64 hex digits)", value: params[0] || "" });
  const hashForm = h(
    "form",
    { class: "inline-form", onsubmit: (ev) => { ev.preventDefault(); go(`verify/${hashInput.value.trim()}`); } },
    h("label", { for: "hash-input" }, "Or a SHA3-256 hash"),
    hashInput,
    h("button", { type: "submit" }, "Check"),
  );
  const onFile = (file) => {
    main.dataset.state = "loading";
    hashAndCheck(file, result)
      .catch((e) => result.replaceChildren(explain(e)))
      .finally(() => (main.dataset.state = "ready"));
  };
  fileInput.addEventListener("change", () => fileInput.files[0] && onFile(fileInput.files[0]));
  drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    if (ev.dataTransfer.files[0]) onFile(ev.dataTransfer.files[0]);
  });
  main.replaceChildren(
    h("h1", {}, "Was this file registered?"),
    section("File", fileInput, drop, hashForm),
    result,
  );
  if (params[0]) {
    if (!/^(0x)?[0-9a-fA-F]{64}$/.test(params[0])) throw new Error(`${JSON.stringify(params[0])} is not a SHA3-256 hash (64 hex digits)`);
    await check(params[0], null, result);
  }
}

async function hashAndCheck(file, result) {
  const progress = h("progress", { max: file.size || 1, value: 0, "aria-label": "Hashing" });
  result.replaceChildren(h("p", {}, `Hashing ${file.name} (${file.size.toLocaleString("en-US")} bytes)… `, progress));
  const digest = await sha3File(file, (done) => (progress.value = done));
  await check(to0x(digest), file, result);
}

async function check(hash, file, result) {
  const steps = h("ol", { class: "checks" });
  const draw = (report) => steps.replaceChildren(...report.checks.map(checkItem));
  result.replaceChildren(h("p", { class: "muted" }, "Asking the hash registry and checking its proofs…"), steps);
  const report = await checkHash(hash, draw);
  draw(report);
  const notVerified = report.notVerified.length
    ? [h("h3", {}, "Not verified here"), h("ul", { class: "not-verified" }, report.notVerified.map((t) => h("li", {}, t)))]
    : null;
  const parts = [
    verdict(report, file),
    report.registration ? registrationCard(report.registration) : null,
    section("Verified in your browser", proofVerdict(report), steps, notVerified),
  ];
  result.replaceChildren(...parts.filter(Boolean));
}

function verdict(report, file) {
  const reg = report.registration;
  const who = file ? [`${file.name} · `] : [];
  const hashLine = h("p", {}, ...who, "SHA3-256 ", h("span", { class: "mono", "data-field": "file-hash" }, report.hash));
  if (!reg) {
    return notice("warn", h("h2", { "data-field": "verdict" }, "Not registered"), hashLine, said(report));
  }
  const kind = reg.status === "active" ? "ok" : "warn";
  const text = reg.status === "active" ? "Registered · active" : `Registered · ${reg.status}`;
  return notice(kind, h("h2", { "data-field": "verdict" }, text), hashLine, said(report));
}

/** The registry's own one-line answer. */
function said(report) {
  return report.answer.reason ? h("p", {}, "The registry says: ", h("q", {}, report.answer.reason)) : null;
}

function registrationCard(reg) {
  const change = reg.status_change;
  return section(
    "Registration",
    facts([
      ["Registrant", addrLink(reg.registrant), "registrant"],
      ["Registered", time(reg.registered_at_ms), "registered-at"],
      ["Block", blockLink(reg.registered_height), "registered-height"],
      ["Data type", reg.data_type, "data-type"],
      ["Status", badge(reg.status), "status"],
      ["Log index", String(reg.log_index)],
      reg.commitment_scheme ? ["Commitment scheme", reg.commitment_scheme] : null,
      reg.metadata_uri ? ["Metadata", reg.metadata_uri] : null,
      reg.supersedes ? ["Supersedes", link(`verify/${reg.supersedes}`, reg.supersedes, { class: "mono" })] : null,
      reg.superseded_by ? ["Superseded by", link(`verify/${reg.superseded_by}`, reg.superseded_by, { class: "mono" }), "superseded-by"] : null,
      change ? ["Status change", `${time(change.at_ms)} (block ${change.height}) by ${change.actor}: ${change.reason}`, "status-change"] : null,
      ["Co-signers", reg.cosigners.length ? h("ul", { class: "plain" }, reg.cosigners.map((c) => h("li", {}, addrLink(c.address), ` · ${time(c.at_ms)}`))) : "none", "cosigners"],
    ]),
  );
}

function proofVerdict(report) {
  if (report.failed) {
    return notice("error", h("strong", { "data-field": "proof-verdict" }, "Proof verification FAILED"), " — do not rely on this answer: the node's data does not check out (see below).");
  }
  const what = report.registration
    ? "the registration, its log leaf's RFC 9162 inclusion in the registry's tree head, and that head are in the state committed by"
    : "the absence of a registration is proven against the state committed by";
  const block = report.blockHash ? [" (", mono(report.blockHash, `block/${report.height}`, { shorten: true }), ")"] : "";
  return notice("ok", h("strong", { "data-field": "proof-verdict" }, "Proof verified"), ` — ${what} block ${report.height}`, block, ", which more than 2/3 of its validators' power signed.");
}

function checkItem(c) {
  const icon = { ok: "✓", fail: "✗", running: "…" }[c.state] ?? "–";
  return h("li", { class: `check ${c.state}`, "data-check": c.id }, h("span", { class: "check-icon", "aria-hidden": "true" }, icon), h("span", { class: "visually-hidden" }, `${c.state}: `), h("strong", {}, c.label), c.detail ? h("div", { class: "check-detail" }, c.detail) : null);
}
