//! Native tests of the contract against the SDK's mock host. Every message sent through these
//! helpers, every response and every event is checked against the JSON Schemas in `schema/`;
//! a refused message that the schema also rejects must be refused as `invalid …` or `limit: …`.

#[path = "../../tests/support/rfc9162.rs"]
mod rfc9162;
#[path = "../../tests/support/schemas.rs"]
mod schemas;

mod cosign;
mod lifecycle;
mod migrate;
mod proofs;
mod queries;
mod register;
mod schema;

use crate::contract;
use bayledger_contract_sdk::mock;
use bayledger_contract_sdk::{Address, Error};
use serde_json::{Value, json};

/// The Shenzhen bank: registers customer records.
pub const BANK_SZ: Address = Address([0x5a; 20]);
/// The Hong Kong bank: receives records, verifies and co-signs.
pub const BANK_HK: Address = Address([0x4b; 20]);
/// A third party.
pub const AUDITOR: Address = Address([0xad; 20]);
/// Block time at height 10, where every test starts.
pub const T0: u64 = 1_700_000_000_000;

/// A distinct, deterministic hash for `n`.
pub fn hash(n: u32) -> String {
    format!("0x{:032x}{:032x}", n, u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
}

/// A fresh registry at height 10, time [`T0`].
pub fn instantiated() {
    mock::reset();
    at_height(10);
    mock::set_sender(BANK_SZ);
    mock::execute(contract::instantiate, b"{}").expect("instantiates");
}

/// Moves to block `height`, one second per block after height 10.
pub fn at_height(height: u64) {
    mock::set_block(height, time_at(height));
}

/// The block time of `height` (see [`at_height`]).
pub fn time_at(height: u64) -> u64 {
    T0 + (height - 10) * 1000
}

/// The whole contract storage.
fn storage() -> std::collections::BTreeMap<Vec<u8>, Vec<u8>> {
    mock::with(|h| h.storage.clone())
}

/// Sends `msg` as a transaction from `sender`; on success checks the return data and events
/// against the schemas and returns the return data as JSON (`null` when empty).
pub fn call_as(sender: Address, msg: Value) -> Result<Value, Error> {
    schemas::check_message("call", &msg);
    mock::set_sender(sender);
    let data = mock::execute(contract::call, msg.to_string().as_bytes())?;
    schemas::check_call_return(&msg, &data);
    for (topic, event) in events() {
        schemas::check_event(&topic, &event);
    }
    Ok(if data.is_empty() { Value::Null } else { serde_json::from_slice(&data).expect("JSON") })
}

/// Sends `msg` from `sender` expecting a refusal; checks that nothing changed and returns the
/// error message.
pub fn refused(sender: Address, msg: Value) -> String {
    let before = storage();
    mock::set_sender(sender);
    let err = mock::execute(contract::call, msg.to_string().as_bytes())
        .expect_err(&format!("{msg} should be refused"));
    assert_eq!(storage(), before, "a refused call changed state: {msg}");
    assert!(mock::events().is_empty(), "a refused call emitted events: {msg}");
    schema_agrees("call", &msg, err.message());
    err.message().to_string()
}

/// A message the schema rejects must be refused by the contract as `invalid …` (or `limit: …`
/// for a list over its bound).
fn schema_agrees(kind: &str, msg: &Value, error: &str) {
    if !schemas::message_is_valid(kind, msg) {
        assert!(
            error.starts_with("invalid ") || error.starts_with("limit: "),
            "schema-invalid {msg} refused with {error:?}"
        );
    }
}

/// Runs a query that must succeed; checks message and response against the schemas.
pub fn query(msg: Value) -> Value {
    schemas::check_message("query", &msg);
    let out = mock::query(contract::query, msg.to_string().as_bytes())
        .unwrap_or_else(|e| panic!("query {msg} failed: {e}"));
    let value: Value = serde_json::from_slice(&out).expect("query returns JSON");
    schemas::check_response(schemas::variant(&msg), &value);
    value
}

/// Runs a query that must fail; returns the error message.
pub fn query_refused(msg: Value) -> String {
    let err = mock::query(contract::query, msg.to_string().as_bytes())
        .expect_err(&format!("query {msg} should fail"));
    schema_agrees("query", &msg, err.message());
    err.message().to_string()
}

/// `(topic, data)` of the events of the last call.
pub fn events() -> Vec<(String, Value)> {
    mock::events()
        .into_iter()
        .map(|e| (e.topic, serde_json::from_slice(&e.data).expect("event data is JSON")))
        .collect()
}

/// A `register` body.
pub fn entry(n: u32, data_type: &str) -> Value {
    json!({"hash": hash(n), "data_type": data_type})
}

/// Registers hash `n` as `sender`, returning the response.
pub fn register(sender: Address, n: u32) -> Value {
    call_as(sender, json!({"register": entry(n, "kyc-record")})).expect("registers")
}

/// The `status` of hash `n`.
pub fn status(n: u32) -> Value {
    query(json!({"status": {"hash": hash(n)}}))
}
