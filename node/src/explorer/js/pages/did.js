// DID resolution: `did:bayledger:…` → the W3C DID document and its metadata,
// from the did-registry contract's `resolve` query.

import * as api from "../api.js";
import { addrLink, badge, facts, go, h, jsonBlock, notice, section, table } from "../dom.js";
import { decodeJsonBytes } from "../format.js";

export async function render({ main, params }) {
  const did = params[0];
  const input = h("input", { id: "did-input", type: "text", value: did || "", spellcheck: "false", placeholder: "did:bayledger:<network>:<id>", required: true });
  const form = h(
    "form",
    { class: "inline-form", onsubmit: (ev) => { ev.preventDefault(); go(`did/${input.value.trim()}`); } },
    h("label", { for: "did-input" }, "DID"),
    input,
    h("button", { type: "submit" }, "Resolve"),
  );
  main.replaceChildren(h("h1", {}, "Resolve a DID"), section("DID", form));
  if (!did) return;
  const registry = await api.systemContract("did-registry");
  const r = await api.query(registry, { resolve: { did } });
  const res = decodeJsonBytes(api.field(r, "data", "")).json ?? {};
  const meta = res.didResolutionMetadata ?? {};
  if (meta.error) {
    main.append(notice("warn", h("strong", {}, `${meta.error}: `), meta.errorMessage ?? "", h("span", { "data-field": "did-error" }, "")));
    return;
  }
  const doc = res.didDocument ?? {};
  const dm = res.didDocumentMetadata ?? {};
  const methods = doc.verificationMethod ?? [];
  const refs = (rel) => (doc[rel] ?? []).map((x) => (typeof x === "string" ? x : x.id));
  const parts = [
    section(
      "Document",
      facts([
        ["Id", h("span", { class: "mono" }, doc.id ?? ""), "did-id"],
        ["Status", dm.deactivated ? badge("deactivated", "revoked") : badge("active"), "did-status"],
        ["Version", String(dm.versionId ?? "—")],
        ["Created", dm.created ?? "—"],
        ["Updated", dm.updated ?? "—"],
        ["Controller", [].concat(doc.controller ?? []).join(", ") || "—"],
        ["Registry", addrLink(registry), null],
      ]),
    ),
    section(
      "Verification methods",
      table(
        "Verification methods",
        ["Id", "Type", "Controller", "Used for"],
        methods.map((m) => [
          h("span", { class: "mono" }, m.id),
          m.type,
          h("span", { class: "mono" }, m.controller ?? ""),
          ["authentication", "assertionMethod", "keyAgreement", "capabilityInvocation", "capabilityDelegation"].filter((rel) => refs(rel).includes(m.id)).join(", ") || "—",
        ]),
        "No verification methods.",
      ),
    ),
    (doc.service ?? []).length
      ? section("Services", table("Services", ["Id", "Type", "Endpoint"], doc.service.map((s) => [s.id, [].concat(s.type).join(", "), JSON.stringify(s.serviceEndpoint)])))
      : null,
    section("DID document (JSON)", jsonBlock(doc, { "data-field": "did-document" })),
  ];
  main.append(...parts.filter(Boolean));
}
