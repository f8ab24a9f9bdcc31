//! Native tests of the contract on the SDK mock host. The credentials contract is a stub that
//! keeps the issuer admissions it was asked for in (mock) storage, so a reverted execution
//! reverts them too; system actions are recorded by the mock host.
//!
//! The helpers check every message a test sends against the JSON Schemas in `schema/`, every
//! query response against its response schema and every event against its topic's schema.

mod actions;
mod input;
mod lifecycle;
mod queries;
mod schema;

use crate::contract;
use bayledger_contract_sdk::{Address, Error, mock, storage};
use serde_json::{Value, json};

/// The governance contract's own address.
pub(crate) const GOV: Address = Address([0x60; 20]);
pub(crate) const CREDENTIALS: Address = Address([0xc2; 20]);
/// Four members of weight 1 (A, B, C, D) and one of weight 2 (E, added by some tests).
pub(crate) const A: Address = Address([0xa1; 20]);
pub(crate) const B: Address = Address([0xa2; 20]);
pub(crate) const C: Address = Address([0xa3; 20]);
pub(crate) const D: Address = Address([0xa4; 20]);
pub(crate) const E: Address = Address([0xa5; 20]);
pub(crate) const STRANGER: Address = Address([0x5a; 20]);

pub(crate) const HEIGHT: u64 = 10;
pub(crate) const T0: u64 = 1_700_000_000_000;
pub(crate) const PERIOD: u64 = 20;

pub(crate) const HEALTH: &str = "health-certificate";
pub(crate) const GD: &str = "did:bayledger:test:guangdong-health";

/// The stubbed credentials contract: `add_issuer` / `remove_issuer` from the governance
/// contract only; refuses an issuer it already has, like the real one.
fn credentials_call(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let msg: Value = serde_json::from_slice(msg).map_err(|e| Error::new(e.to_string()))?;
    if bayledger_contract_sdk::env::caller() != GOV {
        return Err(Error::new("unauthorized: only the committee may admit issuers"));
    }
    let (op, body) = msg.as_object().and_then(|o| o.iter().next()).expect("one variant");
    let key = format!(
        "stub/issuer/{}/{}",
        body["credential_type"].as_str().unwrap_or(""),
        body["issuer"].as_str().unwrap_or("")
    );
    match op.as_str() {
        "add_issuer" if storage::has(key.as_bytes()) => {
            Err(Error::new("already exists: issuer is already authorised"))
        }
        "add_issuer" => {
            storage::set(key.as_bytes(), b"1");
            Ok(Vec::new())
        }
        "remove_issuer" if storage::has(key.as_bytes()) => {
            storage::remove(key.as_bytes());
            Ok(Vec::new())
        }
        "remove_issuer" => Err(Error::new("not found: issuer is not authorised")),
        other => Err(Error::new(format!("stub: unexpected {other}"))),
    }
}

/// Whether the stub has `issuer` admitted for `credential_type`.
pub(crate) fn issuer_admitted(credential_type: &str, issuer: &str) -> bool {
    mock::with(|h| {
        h.storage.contains_key(format!("stub/issuer/{credential_type}/{issuer}").as_bytes())
    })
}

pub(crate) fn member(a: Address, weight: u64, name: &str) -> Value {
    json!({"address": a.to_string(), "weight": weight, "name": name})
}

/// Four equal members, 50% participation, 67% approval, [`PERIOD`] blocks, execute on pass.
pub(crate) fn instantiate_msg() -> Value {
    json!({
        "members": [member(A, 1, "Org A"), member(B, 1, "Org B"), member(C, 1, "Org C"), member(D, 1, "Org D")],
        "participation_threshold": 50,
        "approval_threshold": 67,
        "voting_period_blocks": PERIOD,
        "credentials": CREDENTIALS.to_string(),
    })
}

/// A fresh mock host with the contract at [`GOV`] (able to call itself), the credentials stub,
/// and the contract instantiated with `msg` at height [`HEIGHT`].
pub(crate) fn setup_with(msg: Value) {
    mock::reset();
    mock::set_self_address(GOV);
    mock::set_governance(GOV);
    mock::on_call(GOV, contract::call);
    mock::on_query(GOV, contract::query);
    mock::on_call(CREDENTIALS, credentials_call);
    at(HEIGHT);
    schema::assert_valid("instantiate", &msg);
    mock::set_sender(STRANGER);
    mock::execute(contract::instantiate, msg.to_string().as_bytes()).expect("instantiates");
    check_events();
}

/// [`setup_with`] the default [`instantiate_msg`].
pub(crate) fn setup() {
    setup_with(instantiate_msg());
}

/// Moves to block `height` (one second per block after [`T0`]).
pub(crate) fn at(height: u64) {
    mock::set_block(height, T0 + height * 1000);
}

/// Sends `msg` from `sender`; the result (an answer or the refusal).
pub(crate) fn send(sender: Address, msg: &Value) -> Result<Value, Error> {
    schema::assert_valid("call", msg);
    send_unchecked(sender, msg)
}

/// [`send`] without the schema check (for malformed messages).
pub(crate) fn send_unchecked(sender: Address, msg: &Value) -> Result<Value, Error> {
    mock::set_sender(sender);
    let out = mock::execute(contract::call, msg.to_string().as_bytes())?;
    check_events();
    if out.is_empty() {
        return Ok(Value::Null);
    }
    let answer: Value = serde_json::from_slice(&out).expect("JSON");
    let name = msg.as_object().and_then(|o| o.keys().next()).expect("variant");
    schema::assert_response(&format!("call:{name}"), &answer);
    Ok(answer)
}

/// [`send`] that must succeed.
pub(crate) fn ok(sender: Address, msg: Value) -> Value {
    send(sender, &msg).unwrap_or_else(|e| panic!("{msg} refused: {}", e.message()))
}

/// [`send_unchecked`] that must be refused with an error starting with `prefix`; checks that
/// the refusal changed nothing.
pub(crate) fn refused(sender: Address, msg: Value, prefix: &str) -> String {
    let before = mock::with(|h| (h.storage.clone(), h.system_actions.clone()));
    let err = send_unchecked(sender, &msg).expect_err("refused").message().to_string();
    assert!(err.starts_with(prefix), "{msg}: expected {prefix:?}, got {err:?}");
    assert_eq!(mock::with(|h| (h.storage.clone(), h.system_actions.clone())), before);
    assert!(mock::events().is_empty(), "a refused call emitted events");
    err
}

/// Runs query `msg`, checks the answer against its schema and returns it.
pub(crate) fn query(msg: Value) -> Value {
    schema::assert_valid("query", &msg);
    let out = mock::query(contract::query, msg.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("{msg} failed: {}", e.message()));
    let answer: Value = serde_json::from_slice(&out).expect("JSON");
    let name = msg.as_object().and_then(|o| o.keys().next()).expect("variant").clone();
    schema::assert_response(&name, &answer);
    answer
}

/// A query that must fail with `prefix`.
pub(crate) fn query_err(msg: Value, prefix: &str) -> String {
    let err = mock::query(contract::query, msg.to_string().as_bytes())
        .expect_err("query fails")
        .message()
        .to_string();
    assert!(err.starts_with(prefix), "{msg}: expected {prefix:?}, got {err:?}");
    err
}

/// Checks the events emitted so far against their schemas.
fn check_events() {
    for e in mock::events() {
        let data: Value = serde_json::from_slice(&e.data).expect("event JSON");
        schema::assert_event(&e.topic, &data);
    }
}

/// The events of the last call as `(topic, data)`.
pub(crate) fn events() -> Vec<(String, Value)> {
    mock::events()
        .into_iter()
        .map(|e| (e.topic, serde_json::from_slice(&e.data).expect("JSON")))
        .collect()
}

/// The topics of the last call's events.
pub(crate) fn topics() -> Vec<String> {
    events().into_iter().map(|(t, _)| t).collect()
}

/// The system actions applied so far, as JSON.
pub(crate) fn system_actions() -> Vec<Value> {
    mock::system_actions().iter().map(|a| serde_json::from_slice(a).expect("JSON")).collect()
}

pub(crate) fn propose(actions: Value) -> Value {
    json!({"propose": {"title": "Test proposal", "actions": actions}})
}

pub(crate) fn vote(id: u64, v: &str) -> Value {
    json!({"vote": {"id": id, "vote": v}})
}

pub(crate) fn execute(id: u64) -> Value {
    json!({"execute": {"id": id}})
}

pub(crate) fn add_issuer() -> Value {
    json!([{"add_issuer": {"credential_type": HEALTH, "issuer": GD}}])
}

/// The status of proposal `id` now.
pub(crate) fn status(id: u64) -> String {
    query(json!({"proposal": {"id": id}}))["status"].as_str().expect("status").to_string()
}
