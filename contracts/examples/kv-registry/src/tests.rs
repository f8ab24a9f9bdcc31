//! Unit tests of the contract logic against the SDK's mock host.

use crate::contract::{self, MAX_KEY_LEN, MAX_VALUE_LEN};
use bayledger_contract_sdk::mock::{self, MockHost};
use bayledger_contract_sdk::{Address, Error};
use serde_json::{Value, json};

const OWNER: Address = Address([0xa1; 20]);
const STRANGER: Address = Address([0xb2; 20]);

fn instantiated() {
    mock::reset();
    mock::set_sender(OWNER);
    mock::execute(contract::instantiate, b"").expect("instantiates");
}

fn call_as(sender: Address, msg: Value) -> Result<Vec<u8>, Error> {
    mock::set_sender(sender);
    mock::execute(contract::call, msg.to_string().as_bytes())
}

fn query(msg: Value) -> Value {
    let out = mock::query(contract::query, msg.to_string().as_bytes()).expect("query succeeds");
    serde_json::from_slice(&out).expect("query returns JSON")
}

/// `(topic, data as JSON)` of the events of the last execution.
fn events() -> Vec<(String, Value)> {
    mock::events()
        .into_iter()
        .map(|e| (e.topic, serde_json::from_slice(&e.data).expect("event data is JSON")))
        .collect()
}

fn set(key: &str, value: &str) {
    call_as(OWNER, json!({"set": {"key": key, "value": value}})).expect("owner may set");
}

#[test]
fn instantiate_makes_the_sender_owner_by_default() {
    instantiated();
    assert_eq!(
        events(),
        [("kv.owner".into(), json!({"previous": null, "owner": OWNER.to_string()}))]
    );
    assert_eq!(query(json!({"owner": {}})), json!({"owner": OWNER.to_string()}));
}

#[test]
fn instantiate_accepts_an_explicit_owner_once() {
    mock::reset();
    let msg = json!({"owner": STRANGER.to_string()}).to_string();
    mock::execute(contract::instantiate, msg.as_bytes()).expect("instantiates");
    assert_eq!(query(json!({"owner": {}})), json!({"owner": STRANGER.to_string()}));
    assert_eq!(
        mock::execute(contract::instantiate, b"{}"),
        Err(Error::new("already instantiated"))
    );

    mock::reset();
    let bad =
        mock::execute(contract::instantiate, br#"{"owner":"0x12"}"#).expect_err("bad address");
    assert_eq!(
        bad.message(),
        r#"invalid owner address "0x12": address must be 40 hex digits, got 2"#
    );
    assert_eq!(
        mock::execute(contract::instantiate, b"{}").map(|_| query(json!({"owner": {}}))),
        Ok(json!({"owner": MockHost::SENDER.to_string()}))
    );
}

#[test]
fn set_then_get_and_missing_keys_are_null() {
    instantiated();
    set("alpha", "1");
    assert_eq!(events(), [("kv.set".into(), json!({"key": "alpha", "value": "1"}))]);
    assert_eq!(query(json!({"get": {"key": "alpha"}})), json!({"key": "alpha", "value": "1"}));
    assert_eq!(query(json!({"get": {"key": "beta"}})), json!({"key": "beta", "value": null}));
    set("alpha", "2 \"quoted\"");
    assert_eq!(
        query(json!({"get": {"key": "alpha"}})),
        json!({"key": "alpha", "value": "2 \"quoted\""})
    );
}

#[test]
fn remove_deletes_and_refuses_missing_keys() {
    instantiated();
    set("k", "v");
    call_as(OWNER, json!({"remove": {"key": "k"}})).expect("owner may remove");
    assert_eq!(events(), [("kv.remove".into(), json!({"key": "k"}))]);
    assert_eq!(query(json!({"get": {"key": "k"}})), json!({"key": "k", "value": null}));
    let err = call_as(OWNER, json!({"remove": {"key": "k"}})).expect_err("already gone");
    assert_eq!(err.message(), r#"not found: key "k""#);
}

#[test]
fn non_owner_writes_are_refused_without_side_effects() {
    instantiated();
    set("k", "v");
    let refusal = format!("unauthorized: only the owner {OWNER} may write");
    for msg in [
        json!({"set": {"key": "k", "value": "hijacked"}}),
        json!({"remove": {"key": "k"}}),
        json!({"transfer_ownership": {"new_owner": STRANGER.to_string()}}),
    ] {
        assert_eq!(call_as(STRANGER, msg.clone()), Err(Error::new(refusal.clone())), "{msg}");
        assert!(mock::events().is_empty(), "{msg}");
    }
    assert_eq!(query(json!({"get": {"key": "k"}})), json!({"key": "k", "value": "v"}));
    assert_eq!(query(json!({"owner": {}})), json!({"owner": OWNER.to_string()}));
}

#[test]
fn ownership_transfer_moves_the_write_right() {
    instantiated();
    call_as(OWNER, json!({"transfer_ownership": {"new_owner": STRANGER.to_string()}}))
        .expect("transfers");
    assert_eq!(
        events(),
        [(
            "kv.owner".into(),
            json!({"previous": OWNER.to_string(), "owner": STRANGER.to_string()})
        )]
    );
    let err =
        call_as(OWNER, json!({"set": {"key": "k", "value": "v"}})).expect_err("old owner refused");
    assert_eq!(err.message(), format!("unauthorized: only the owner {STRANGER} may write"));
    call_as(STRANGER, json!({"set": {"key": "k", "value": "v"}})).expect("new owner writes");
    let bad = call_as(STRANGER, json!({"transfer_ownership": {"new_owner": "nope"}}))
        .expect_err("bad address");
    assert!(bad.message().starts_with("invalid new owner address \"nope\""), "{bad}");
}

#[test]
fn list_pages_through_entries_in_key_order() {
    instantiated();
    for k in ["c", "a", "b", "d"] {
        set(k, &k.to_uppercase());
    }
    let page = |start_after: Value, limit: Value| {
        query(json!({"list": {"start_after": start_after, "limit": limit}}))
    };
    let entry = |k: &str| json!({"key": k, "value": k.to_uppercase()});
    assert_eq!(page(Value::Null, json!(2)), json!({"entries": [entry("a"), entry("b")]}));
    assert_eq!(page(json!("b"), json!(2)), json!({"entries": [entry("c"), entry("d")]}));
    assert_eq!(page(json!("d"), json!(2)), json!({"entries": []}));
    assert_eq!(
        query(json!({"list": {}})),
        json!({"entries": [entry("a"), entry("b"), entry("c"), entry("d")]})
    );
}

#[test]
fn list_limit_defaults_to_ten_and_caps_at_one_hundred() {
    instantiated();
    for i in 0..120 {
        set(&format!("k{i:03}"), "v");
    }
    let count = |msg: Value| query(msg)["entries"].as_array().map(Vec::len);
    assert_eq!(count(json!({"list": {"start_after": null}})), Some(10));
    assert_eq!(count(json!({"list": {"limit": 1000}})), Some(100));
    assert_eq!(
        query(json!({"list": {"start_after": "k118"}}))["entries"],
        json!([{"key": "k119", "value": "v"}])
    );
}

#[test]
fn malformed_and_oversized_input_is_refused_with_a_reason() {
    instantiated();
    let unknown = call_as(OWNER, json!({"delete": {"key": "k"}})).expect_err("unknown variant");
    assert!(
        unknown.message().starts_with("invalid message: unknown variant `delete`"),
        "{unknown}"
    );
    let not_json = mock::execute(contract::call, b"set k v").expect_err("not JSON");
    assert!(not_json.message().starts_with("invalid message:"), "{not_json}");
    let empty = call_as(OWNER, json!({"set": {"key": "", "value": "v"}})).expect_err("empty key");
    assert_eq!(empty.message(), "key must not be empty");
    let long_key = "k".repeat(MAX_KEY_LEN + 1);
    let err =
        call_as(OWNER, json!({"set": {"key": long_key, "value": "v"}})).expect_err("long key");
    assert_eq!(err.message(), "key is 129 bytes; at most 128 allowed");
    let long_value = "v".repeat(MAX_VALUE_LEN + 1);
    let err =
        call_as(OWNER, json!({"set": {"key": "k", "value": long_value}})).expect_err("long value");
    assert_eq!(err.message(), "value is 1025 bytes; at most 1024 allowed");
    // The largest accepted value, all control characters, still fits the event size limit.
    let worst = "\u{1}".repeat(MAX_VALUE_LEN);
    call_as(OWNER, json!({"set": {"key": "k".repeat(MAX_KEY_LEN), "value": worst}})).expect("fits");
    let q =
        mock::query(contract::query, br#"{"owner":{},"extra":1}"#).expect_err("one variant only");
    assert!(q.message().starts_with("invalid message:"), "{q}");
}
