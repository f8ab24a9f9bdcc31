//! Instantiation, `register` and `register_batch`: what is recorded and every refusal.

use super::*;
use crate::merkle;
use crate::validate::MAX_BATCH;

#[test]
fn instantiation_starts_an_empty_log_once() {
    instantiated();
    let empty_root = crate::hex::encode(&merkle::empty_root());
    assert_eq!(query(json!({"tree_head": {}})), json!({"tree_size": 0, "root_hash": empty_root}));
    let again = mock::execute(contract::instantiate, b"").expect_err("runs once");
    assert_eq!(again.message(), "conflict: already instantiated");

    mock::reset();
    mock::execute(contract::instantiate, b" \n").expect("empty input is accepted");
    mock::reset();
    let bad = mock::execute(contract::instantiate, br#"{"owner":"0x00"}"#).expect_err("no config");
    assert!(bad.message().starts_with("invalid message: unknown field `owner`"), "{bad}");
    assert!(!schemas::message_is_valid("instantiate", &json!({"owner": "0x00"})));
    schemas::check_message("instantiate", &json!({}));
}

#[test]
fn register_records_registrant_time_height_and_fields() {
    instantiated();
    at_height(12);
    let msg = json!({"register": {
        "hash": hash(1),
        "data_type": "kyc-record",
        "commitment_scheme": "sha3-256(salt||data)",
        "metadata_uri": "https://bank-sz.example/records/7",
    }});
    let out = call_as(BANK_SZ, msg).expect("registers");
    assert_eq!(out, json!({"hash": hash(1), "log_index": 0, "tree_size": 1}));
    assert_eq!(
        events(),
        [(
            "hash.registered".into(),
            json!({
                "hash": hash(1),
                "actor": BANK_SZ.to_string(),
                "data_type": "kyc-record",
                "commitment_scheme": "sha3-256(salt||data)",
                "metadata_uri": "https://bank-sz.example/records/7",
                "supersedes": null,
                "log_index": 0,
            })
        )]
    );
    assert_eq!(
        status(1),
        json!({
            "hash": hash(1),
            "registrant": BANK_SZ.to_string(),
            "data_type": "kyc-record",
            "commitment_scheme": "sha3-256(salt||data)",
            "metadata_uri": "https://bank-sz.example/records/7",
            "supersedes": null,
            "registered_at_ms": time_at(12),
            "registered_height": 12,
            "log_index": 0,
            "status": "active",
            "cosigners": [],
            "status_change": null,
            "superseded_by": null,
        })
    );
    // Optional fields may be omitted or null.
    let out = call_as(
        BANK_HK,
        json!({"register": {"hash": hash(2), "data_type": "x", "commitment_scheme": null}}),
    )
    .expect("registers");
    assert_eq!(out, json!({"hash": hash(2), "log_index": 1, "tree_size": 2}));
    let second = status(2);
    assert_eq!(second["registrant"], json!(BANK_HK.to_string()));
    assert_eq!(second["commitment_scheme"], Value::Null);
    assert_eq!(second["metadata_uri"], Value::Null);
}

#[test]
fn the_immediate_caller_is_the_registrant() {
    instantiated();
    let contract = Address([0xcc; 20]);
    mock::set_origin(BANK_SZ);
    mock::set_caller(contract);
    mock::execute(contract::call, json!({"register": entry(1, "kyc")}).to_string().as_bytes())
        .expect("a contract may register");
    assert_eq!(status(1)["registrant"], json!(contract.to_string()));
}

#[test]
fn a_hash_is_registered_once() {
    instantiated();
    register(BANK_SZ, 1);
    let head = query(json!({"tree_head": {}}));
    for sender in [BANK_SZ, BANK_HK] {
        let err = refused(sender, json!({"register": entry(1, "other")}));
        assert_eq!(err, format!("already exists: hash {} is already registered", hash(1)));
    }
    assert_eq!(query(json!({"tree_head": {}})), head);
    assert_eq!(status(1)["data_type"], json!("kyc-record"));
}

#[test]
fn malformed_fields_are_refused_with_the_field_named() {
    instantiated();
    let with = |field: &str, value: Value| {
        let mut body = entry(1, "kyc");
        body[field] = value;
        refused(BANK_SZ, json!({"register": body}))
    };
    let upper = hash(1).to_uppercase().replacen("0X", "0x", 1);
    for bad in [&hash(1)[2..], &hash(1)[..65], upper.as_str(), "0xzz", ""] {
        assert_eq!(
            with("hash", json!(bad)),
            format!("invalid hash: {bad:?} is not 0x followed by 64 lower-case hex digits")
        );
    }
    assert_eq!(with("data_type", json!("")), "invalid data_type: must not be empty");
    assert_eq!(
        with("data_type", json!("a".repeat(65))),
        "invalid data_type: 65 bytes; at most 64 allowed"
    );
    assert_eq!(
        with("data_type", json!("kyc record")),
        "invalid data_type: ' ' is not allowed (use A-Z a-z 0-9 . _ : / + -)"
    );
    assert_eq!(
        with("commitment_scheme", json!("")),
        "invalid commitment_scheme: must not be empty"
    );
    assert_eq!(
        with("commitment_scheme", json!("sha3\u{7}")),
        "invalid commitment_scheme: '\\u{7}' is not allowed"
    );
    assert_eq!(
        with("commitment_scheme", json!("s".repeat(65))),
        "invalid commitment_scheme: 65 bytes; at most 64 allowed"
    );
    assert_eq!(
        with("metadata_uri", json!("bank.example/r")),
        "invalid metadata_uri: \"bank.example/r\" does not start with a URI scheme (e.g. https:)"
    );
    assert_eq!(
        with("metadata_uri", json!("https://a b")),
        "invalid metadata_uri: ' ' is not allowed"
    );
    assert_eq!(
        with("metadata_uri", json!(format!("https://{}", "a".repeat(249)))),
        "invalid metadata_uri: 257 bytes; at most 256 allowed"
    );
    assert!(with("extra", json!(1)).starts_with("invalid message: unknown field `extra`"));
    assert!(
        refused(BANK_SZ, json!({"register": {"hash": hash(1)}}))
            .starts_with("invalid message: missing field `data_type`")
    );
    assert!(
        refused(BANK_SZ, json!({"register": entry(1, "kyc"), "cosign": {}}))
            .starts_with("invalid message")
    );
    assert!(
        refused(BANK_SZ, json!({"unknown": {}}))
            .starts_with("invalid message: unknown variant `unknown`")
    );
    // The longest accepted values fit (and fit the event size limit).
    let mut longest = entry(1, &"d".repeat(64));
    longest["commitment_scheme"] = json!("s".repeat(64));
    longest["metadata_uri"] = json!(format!("https://{}", "a".repeat(248)));
    call_as(BANK_SZ, json!({"register": longest})).expect("maximal entry registers");
}

#[test]
fn a_batch_registers_in_order_with_one_event_each() {
    instantiated();
    register(BANK_SZ, 100);
    let entries: Vec<Value> = (1..=3).map(|n| entry(n, "kyc")).collect();
    let out = call_as(BANK_SZ, json!({"register_batch": {"entries": entries}})).expect("registers");
    assert_eq!(
        out,
        json!({
            "registered": [
                {"hash": hash(1), "log_index": 1},
                {"hash": hash(2), "log_index": 2},
                {"hash": hash(3), "log_index": 3},
            ],
            "tree_size": 4,
        })
    );
    let logged: Vec<(String, Value)> =
        events().into_iter().map(|(t, e)| (t, e["log_index"].clone())).collect();
    assert_eq!(logged, [1, 2, 3].map(|i| ("hash.registered".to_string(), json!(i))).to_vec());
    for n in 1..=3 {
        assert_eq!(status(n)["log_index"], json!(n));
    }
}

#[test]
fn a_full_batch_fits_and_a_larger_one_is_refused() {
    instantiated();
    let batch = |range: std::ops::Range<u32>| json!({"register_batch": {"entries": range.map(|n| entry(n, "kyc")).collect::<Vec<_>>()}});
    let max = MAX_BATCH as u32;
    let err = refused(BANK_SZ, batch(0..max + 1));
    assert_eq!(err, format!("limit: at most {max} registrations per batch, got {}", max + 1));
    assert_eq!(
        refused(BANK_SZ, batch(0..0)),
        "invalid entries: at least one registration is required"
    );
    let out = call_as(BANK_SZ, batch(0..max)).expect("a full batch registers");
    assert_eq!(out["tree_size"], json!(max));
    assert_eq!(events().len(), MAX_BATCH);
}

#[test]
fn a_batch_is_all_or_nothing() {
    instantiated();
    register(BANK_SZ, 7);
    // A bad field anywhere refuses the whole batch before anything is registered.
    let mut entries: Vec<Value> = (1..=3).map(|n| entry(n, "kyc")).collect();
    entries[2]["data_type"] = json!("");
    let err = refused(BANK_SZ, json!({"register_batch": {"entries": entries}}));
    assert_eq!(err, "invalid entries[2].data_type: must not be empty");
    // A duplicate (of an earlier registration or within the batch) undoes the earlier entries.
    let entries = vec![entry(1, "kyc"), entry(2, "kyc"), entry(7, "kyc")];
    let err = refused(BANK_SZ, json!({"register_batch": {"entries": entries}}));
    assert_eq!(err, format!("already exists: hash {} is already registered (entries[2])", hash(7)));
    let entries = vec![entry(1, "kyc"), entry(2, "kyc"), entry(1, "kyc")];
    let err = refused(BANK_SZ, json!({"register_batch": {"entries": entries}}));
    assert_eq!(err, format!("already exists: hash {} is already registered (entries[2])", hash(1)));
    assert!(query_refused(json!({"status": {"hash": hash(1)}})).starts_with("not found"));
    assert_eq!(query(json!({"tree_head": {}}))["tree_size"], json!(1));
}
