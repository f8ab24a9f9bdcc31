//! Runs the built `kv_registry.wasm` on the real VM through `bayledger_vm::testing::TestChain`.
//!
//! The module comes from `scripts/build-contracts.sh` ([`bayledger_vm::testing::built_contract`]):
//! a missing or out-of-date module fails the tests, which must never pass without running it.

use bayledger_types::Address;
use bayledger_types::pb::{Event, ExecStatus};
use bayledger_vm::testing::TestChain;
use serde_json::{Value, json};

const OWNER: Address = Address([0xa1; 20]);
const STRANGER: Address = Address([0xb2; 20]);

fn kv_registry_wasm() -> Vec<u8> {
    bayledger_vm::testing::built_contract(env!("CARGO_MANIFEST_DIR"), "kv_registry")
}

/// A chain with the registry deployed by `OWNER` (who becomes its owner).
fn deployed() -> (TestChain, Address) {
    let mut chain = TestChain::new();
    chain.set_block(7, 1_700_000_000_000);
    let code =
        chain.upload(&kv_registry_wasm()).expect("kv_registry.wasm passes upload validation");
    let contract = chain
        .instantiate(OWNER, code, b"{}")
        .unwrap_or_else(|o| panic!("instantiate failed: {:?} {}", o.status, o.error));
    (chain, contract)
}

fn call(
    chain: &mut TestChain,
    sender: Address,
    contract: Address,
    msg: Value,
) -> bayledger_vm::ExecOutcome {
    chain.call(sender, contract, msg.to_string().as_bytes())
}

fn query(chain: &TestChain, contract: Address, msg: Value) -> Value {
    let out = chain.query(contract, msg.to_string().as_bytes());
    assert_eq!(out.status, ExecStatus::Ok, "query {msg} failed: {}", out.error);
    serde_json::from_slice(&out.return_data).expect("query returns JSON")
}

fn decoded(events: &[Event]) -> Vec<(String, Value)> {
    events
        .iter()
        .map(|e| (e.topic.clone(), serde_json::from_slice(&e.data).expect("event data is JSON")))
        .collect()
}

#[test]
fn deploy_set_and_query() {
    let (mut chain, contract) = deployed();
    assert_eq!(query(&chain, contract, json!({"owner": {}})), json!({"owner": OWNER.to_string()}));

    let out = call(&mut chain, OWNER, contract, json!({"set": {"key": "alpha", "value": "1"}}));
    assert_eq!(out.status, ExecStatus::Ok, "{}", out.error);
    assert!(out.fuel_used > 0);
    assert_eq!(decoded(&out.events), [("kv.set".into(), json!({"key": "alpha", "value": "1"}))]);
    assert_eq!(out.events[0].contract, contract.0.to_vec());

    assert_eq!(
        query(&chain, contract, json!({"get": {"key": "alpha"}})),
        json!({"key": "alpha", "value": "1"})
    );
    assert_eq!(
        query(&chain, contract, json!({"get": {"key": "beta"}})),
        json!({"key": "beta", "value": null})
    );

    let out = call(&mut chain, OWNER, contract, json!({"remove": {"key": "alpha"}}));
    assert_eq!(out.status, ExecStatus::Ok, "{}", out.error);
    assert_eq!(decoded(&out.events), [("kv.remove".into(), json!({"key": "alpha"}))]);
    assert_eq!(
        query(&chain, contract, json!({"get": {"key": "alpha"}})),
        json!({"key": "alpha", "value": null})
    );
}

#[test]
fn non_owner_is_refused_with_the_reason_in_the_outcome() {
    let (mut chain, contract) = deployed();
    call(&mut chain, OWNER, contract, json!({"set": {"key": "k", "value": "v"}}));

    let out =
        call(&mut chain, STRANGER, contract, json!({"set": {"key": "k", "value": "hijacked"}}));
    assert_eq!(out.status, ExecStatus::Aborted);
    assert!(
        out.error.contains(&format!("unauthorized: only the owner {OWNER} may write")),
        "error: {}",
        out.error
    );
    assert!(out.events.is_empty());
    assert_eq!(
        query(&chain, contract, json!({"get": {"key": "k"}})),
        json!({"key": "k", "value": "v"})
    );

    let out = call(
        &mut chain,
        OWNER,
        contract,
        json!({"transfer_ownership": {"new_owner": STRANGER.to_string()}}),
    );
    assert_eq!(out.status, ExecStatus::Ok, "{}", out.error);
    assert_eq!(
        decoded(&out.events),
        [(
            "kv.owner".into(),
            json!({"previous": OWNER.to_string(), "owner": STRANGER.to_string()})
        )]
    );
    let out = call(&mut chain, OWNER, contract, json!({"remove": {"key": "k"}}));
    assert_eq!(out.status, ExecStatus::Aborted);
    assert!(
        out.error.contains(&format!("unauthorized: only the owner {STRANGER} may write")),
        "error: {}",
        out.error
    );
}

#[test]
fn list_pages_in_key_order() {
    let (mut chain, contract) = deployed();
    for k in ["c", "a", "d", "b"] {
        let out = call(
            &mut chain,
            OWNER,
            contract,
            json!({"set": {"key": k, "value": k.to_uppercase()}}),
        );
        assert_eq!(out.status, ExecStatus::Ok, "{}", out.error);
    }
    let entry = |k: &str| json!({"key": k, "value": k.to_uppercase()});
    let page = |start_after: Value| {
        query(&chain, contract, json!({"list": {"start_after": start_after, "limit": 3}}))
    };
    assert_eq!(page(Value::Null), json!({"entries": [entry("a"), entry("b"), entry("c")]}));
    assert_eq!(page(json!("c")), json!({"entries": [entry("d")]}));
    assert_eq!(page(json!("d")), json!({"entries": []}));
}

#[test]
fn malformed_messages_abort_with_a_reason() {
    let (mut chain, contract) = deployed();
    let out = chain.call(OWNER, contract, b"not json");
    assert_eq!(out.status, ExecStatus::Aborted);
    assert!(out.error.contains("invalid message"), "error: {}", out.error);
    let out = chain.query(contract, br#"{"get":{}}"#);
    assert_eq!(out.status, ExecStatus::Aborted);
    assert!(out.error.contains("missing field `key`"), "error: {}", out.error);
}

#[test]
fn instantiate_with_an_explicit_owner() {
    let mut chain = TestChain::new();
    let code = chain.upload(&kv_registry_wasm()).expect("valid code");
    let msg = json!({"owner": STRANGER.to_string()}).to_string();
    let contract = chain
        .instantiate(OWNER, code, msg.as_bytes())
        .unwrap_or_else(|o| panic!("instantiate failed: {:?} {}", o.status, o.error));
    assert_eq!(
        query(&chain, contract, json!({"owner": {}})),
        json!({"owner": STRANGER.to_string()})
    );
    let bad =
        chain.instantiate(OWNER, code, br#"{"owner":"0x12"}"#).expect_err("invalid owner refused");
    assert_eq!(bad.status, ExecStatus::Aborted);
    assert!(bad.error.contains("invalid owner address"), "error: {}", bad.error);
}
