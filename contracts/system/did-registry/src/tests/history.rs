//! `history`: every version, paginated, with operation, time, sender and document hash.

use super::*;
use bayledger_contract_sdk::crypto;
use serde::Deserialize;
use serde_json::json;
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct RawResolution {
    #[serde(rename = "didDocument")]
    document: Box<RawValue>,
}

/// The SHA3-256 of the document exactly as a resolution returns it.
fn resolved_document_hash(did: &str, version: &str) -> String {
    let msg = json!({"resolve": {"did": did, "version_id": version}});
    let out = mock::query(contract::query, msg.to_string().as_bytes()).expect("resolves");
    let raw: RawResolution = serde_json::from_slice(&out).expect("JSON");
    let digest = crypto::sha3_256(raw.document.get().as_bytes());
    format!("0x{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

#[test]
fn history_lists_every_version_in_order() {
    setup();
    let (alice, bank) = (Key::new(1), Key::new(2));
    let bank_did = create(&bank, doc(Some(&did_of("bank")), &bank));
    let mut d = doc(Some(&did_of("alice-org")), &alice);
    d["controller"] = json!(bank_did);
    let did = create(&alice, d.clone());
    mock::set_block(2, T0 + 1_000);
    call_as(bank.address(), json!({"update": {"did": did, "document": d}})).expect("updates");
    mock::set_block(3, T0 + 2_000);
    call_as(alice.address(), json!({"deactivate": {"did": did}})).expect("deactivates");

    let h = query(json!({"history": {"did": did}}));
    let entry = |v: &str, op: &str, t: u64, height: u64, sender: &Key| {
        json!({
            "version_id": v,
            "operation": op,
            "time_ms": t,
            "height": height,
            "sender": sender.address().to_string(),
            "document_hash": resolved_document_hash(&did, v),
        })
    };
    assert_eq!(
        h,
        json!({
            "did": did,
            "versions": [
                entry("1", "create", T0, 1, &alice),
                entry("2", "update", T0 + 1_000, 2, &bank),
                entry("3", "deactivate", T0 + 2_000, 3, &alice),
            ],
        })
    );
    // The bank's history is its own.
    assert_eq!(
        query(json!({"history": {"did": bank_did}}))["versions"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn history_pages_by_version_id() {
    setup();
    let alice = Key::new(1);
    let did = create(&alice, doc(None, &alice));
    for _ in 0..104 {
        call_as(alice.address(), json!({"update": {"did": did, "document": doc(None, &alice)}}))
            .expect("updates");
    }
    let ids = |msg: Value| -> Vec<String> {
        query(msg)["versions"]
            .as_array()
            .expect("versions")
            .iter()
            .map(|v| v["version_id"].as_str().expect("id").to_string())
            .collect()
    };
    let first = ids(json!({"history": {"did": did}}));
    assert_eq!(first, (1..=10).map(|v| v.to_string()).collect::<Vec<_>>(), "default page of 10");
    assert_eq!(
        ids(json!({"history": {"did": did, "start_after": "10", "limit": 3}})),
        ["11", "12", "13"]
    );
    assert_eq!(ids(json!({"history": {"did": did, "limit": 1000}})).len(), 100, "at most 100");
    assert_eq!(
        ids(json!({"history": {"did": did, "start_after": "103", "limit": null}})),
        ["104", "105"]
    );
    assert!(ids(json!({"history": {"did": did, "start_after": "105"}})).is_empty());
    assert!(ids(json!({"history": {"did": did, "limit": 0}})).is_empty());
}

#[test]
fn history_refuses_unknown_dids_and_bad_cursors() {
    setup();
    let alice = Key::new(1);
    let did = create(&alice, doc(None, &alice));
    let err = |msg: Value| try_query(msg).expect_err("refused").message().to_string();
    assert_eq!(
        err(json!({"history": {"did": did_of("ghost")}})),
        format!("not found: {} is not registered", did_of("ghost"))
    );
    assert!(err(json!({"history": {"did": "did:web:x"}})).starts_with("invalid did: "));
    assert!(
        err(json!({"history": {"did": did, "start_after": "x"}}))
            .starts_with("invalid start_after: ")
    );
}
