//! Native tests of the contract on the SDK mock host, with the DID registry stubbed by
//! `mock::on_query`.
//!
//! The helpers check every message a test sends against the JSON Schemas in `schema/`, every
//! query response against the response schema of its query, and every event against the schema
//! of its topic; refused calls must leave storage and events untouched.

mod admin;
mod input;
mod issue;
mod issuers;
mod lists;
mod schema;
mod status;
mod status_list;
mod types;
mod validity;

use crate::contract;
use bayledger_contract_sdk::mock;
use bayledger_contract_sdk::{Address, Error};
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::BTreeMap;

pub(crate) const COMMITTEE: Address = Address([0xc1; 20]);
pub(crate) const DID_REGISTRY: Address = Address([0xd1; 20]);
/// Owner of the health-certificate type (e.g. a consortium working group).
pub(crate) const OWNER: Address = Address([0x0e; 20]);
/// Key of the Guangdong health authority (controls [`GD`]).
pub(crate) const GD_KEY: Address = Address([0x61; 20]);
/// Key of a second health authority (controls [`HK`]).
pub(crate) const HK_KEY: Address = Address([0x62; 20]);
pub(crate) const STRANGER: Address = Address([0x5a; 20]);

pub(crate) const GD: &str = "did:bayledger:test:guangdong-health";
pub(crate) const HK: &str = "did:bayledger:test:hk-health";
pub(crate) const TRAVELLER: &str = "did:bayledger:test:traveller-1";
pub(crate) const TRAVELLER_2: &str = "did:bayledger:test:traveller-2";
pub(crate) const HEALTH: &str = "health-certificate";
pub(crate) const VACCINATION: &str = "vaccination-record";

/// Block time at height 1.
pub(crate) const T0: u64 = 1_700_000_000_000;
pub(crate) const HOUR: u64 = 3_600_000;
pub(crate) const DAY: u64 = 24 * HOUR;

/// The stubbed DID registry: which address controls which DID, and what it was asked.
#[derive(Default)]
struct DidRegistryStub {
    controllers: BTreeMap<String, Address>,
    asked: Vec<Value>,
    failing: bool,
}

thread_local! {
    static DIDS: RefCell<DidRegistryStub> = RefCell::default();
}

/// Answers `{"authorized":{"did","address"}}` like the DID registry (docs/domain-contracts.md).
fn did_registry_query(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let msg: Value = serde_json::from_slice(msg).map_err(|e| Error::new(e.to_string()))?;
    DIDS.with(|d| {
        let mut d = d.borrow_mut();
        d.asked.push(msg.clone());
        if d.failing {
            return Err(Error::new("invalid message: registry under test fails"));
        }
        let q = &msg["authorized"];
        let (did, address) = (q["did"].as_str().unwrap_or(""), q["address"].as_str().unwrap_or(""));
        let answer = match d.controllers.get(did) {
            None => json!({"authorized": false, "reason": format!("unknown DID {did}")}),
            Some(c) if c.to_string() == address => json!({"authorized": true, "reason": ""}),
            Some(_) => {
                json!({"authorized": false, "reason": format!("{address} is not a controller of {did}")})
            }
        };
        Ok(answer.to_string().into_bytes())
    })
}

/// `address` controls `did` from now on (replacing any other controller).
pub(crate) fn control(did: &str, address: Address) {
    DIDS.with(|d| d.borrow_mut().controllers.insert(did.to_string(), address));
}

/// Makes the stubbed registry fail every query.
pub(crate) fn registry_fails() {
    DIDS.with(|d| d.borrow_mut().failing = true);
}

/// The queries the stubbed registry received, clearing them.
pub(crate) fn registry_asked() -> Vec<Value> {
    DIDS.with(|d| std::mem::take(&mut d.borrow_mut().asked))
}

pub(crate) fn instantiate_msg() -> Value {
    json!({"committee": COMMITTEE.to_string(), "did_registry": DID_REGISTRY.to_string()})
}

/// A fresh contract at height 1, time [`T0`]; GD_KEY controls GD and HK_KEY controls HK.
pub(crate) fn setup() {
    mock::reset();
    DIDS.with(|d| *d.borrow_mut() = DidRegistryStub::default());
    mock::on_query(DID_REGISTRY, did_registry_query);
    at(1, T0);
    let msg = instantiate_msg();
    schema::assert_valid("instantiate", &msg);
    mock::set_sender(STRANGER);
    mock::execute(contract::instantiate, msg.to_string().as_bytes()).expect("instantiates");
    check_events();
    control(GD, GD_KEY);
    control(HK, HK_KEY);
}

/// [`setup`], the health-certificate type registered (owner [`OWNER`]) and GD admitted for it.
pub(crate) fn with_type() {
    setup();
    ok(COMMITTEE, register_type_msg(HEALTH, 0x11));
    ok(COMMITTEE, json!({"add_issuer": {"credential_type": HEALTH, "issuer": GD}}));
}

/// Moves to block `height` at `time_ms`.
pub(crate) fn at(height: u64, time_ms: u64) {
    mock::set_block(height, time_ms);
}

/// `0x` + 64 hex digits of 32 × `byte`.
pub(crate) fn hash(byte: u8) -> String {
    format!("0x{}", format!("{byte:02x}").repeat(32))
}

pub(crate) fn register_type_msg(id: &str, schema: u8) -> Value {
    json!({"register_type": {
        "id": id,
        "name": "Health certificate",
        "description": "Cross-border health certificate (W3C VC 2.0)",
        "schema_hash": hash(schema),
        "schema_uri": format!("https://schemas.example.org/{id}/v1.json"),
        "owner": OWNER.to_string(),
    }})
}

/// A health certificate from GD to [`TRAVELLER`] with VC hash `hash(vc)`, valid for a year.
pub(crate) fn issue_msg(id: &str, vc: u8) -> Value {
    json!({"issue": {
        "id": id,
        "credential_type": HEALTH,
        "issuer": GD,
        "subject": TRAVELLER,
        "vc_hash": hash(vc),
        "vc_hash_alg": "sha2-256",
        "valid_from_ms": T0,
        "valid_until_ms": T0 + 365 * DAY,
    }})
}

/// Issues [`issue_msg`] as GD_KEY.
pub(crate) fn issue(id: &str, vc: u8) {
    ok(GD_KEY, issue_msg(id, vc));
}

/// Sends `msg` (which must fit the call schema) from `sender`. On success checks the events;
/// on failure checks that nothing changed.
pub(crate) fn call_as(sender: Address, msg: Value) -> Result<(), Error> {
    schema::assert_valid("call", &msg);
    send(sender, msg.to_string().as_bytes())
}

/// Sends raw bytes with no schema check (malformed input).
pub(crate) fn send(sender: Address, msg: &[u8]) -> Result<(), Error> {
    let before = mock::with(|h| h.storage.clone());
    mock::set_sender(sender);
    let result = mock::execute(contract::call, msg);
    match &result {
        Ok(data) => {
            assert!(data.is_empty(), "calls return no data");
            check_events();
        }
        Err(_) => {
            assert!(mock::events().is_empty(), "a refused call emitted events");
            assert!(mock::with(|h| h.storage == before), "a refused call changed storage");
        }
    }
    result.map(|_| ())
}

/// `call_as` that must succeed.
pub(crate) fn ok(sender: Address, msg: Value) {
    if let Err(e) = call_as(sender, msg.clone()) {
        panic!("{msg} refused: {e}");
    }
}

/// `call_as` that must fail; returns the error message.
pub(crate) fn fails(sender: Address, msg: Value) -> String {
    match call_as(sender, msg.clone()) {
        Ok(()) => panic!("{msg} was accepted"),
        Err(e) => e.message().to_string(),
    }
}

/// A message the call schema refuses too: sends it and returns the contract's refusal.
pub(crate) fn fails_invalid(sender: Address, msg: Value) -> String {
    schema::assert_invalid("call", &msg);
    match send(sender, msg.to_string().as_bytes()) {
        Ok(()) => panic!("{msg} was accepted"),
        Err(e) => e.message().to_string(),
    }
}

/// The events of the last call as `(topic, data)`.
pub(crate) fn events() -> Vec<(String, Value)> {
    mock::events()
        .into_iter()
        .map(|e| (e.topic, serde_json::from_slice(&e.data).expect("event data is JSON")))
        .collect()
}

fn check_events() {
    for (topic, data) in events() {
        schema::assert_valid(&format!("event:{topic}"), &data);
    }
}

fn run_query(msg: &Value) -> Result<Value, Error> {
    schema::assert_valid("query", msg);
    run_raw_query(msg)
}

fn run_raw_query(msg: &Value) -> Result<Value, Error> {
    let out = mock::query(contract::query, msg.to_string().as_bytes())?;
    Ok(serde_json::from_slice(&out).expect("query returns JSON"))
}

/// A query that must succeed; its response is checked against the schema of the query.
pub(crate) fn query(msg: Value) -> Value {
    let response = run_query(&msg).unwrap_or_else(|e| panic!("query {msg} failed: {e}"));
    let name = msg.as_object().and_then(|o| o.keys().next()).expect("one variant");
    schema::assert_valid(&format!("response:{name}"), &response);
    response
}

/// A query that must fail; returns the error message.
pub(crate) fn query_fails(msg: Value) -> String {
    match run_query(&msg) {
        Ok(v) => panic!("query {msg} answered {v}"),
        Err(e) => e.message().to_string(),
    }
}

/// A query the query schema refuses too; returns the contract's refusal.
pub(crate) fn query_fails_invalid(msg: Value) -> String {
    schema::assert_invalid("query", &msg);
    match run_raw_query(&msg) {
        Ok(v) => panic!("query {msg} answered {v}"),
        Err(e) => e.message().to_string(),
    }
}

/// `credential` at `at_ms` (`None`: now).
pub(crate) fn credential(id: &str, at_ms: Option<u64>) -> Value {
    query(json!({"credential": {"id": id, "at_ms": at_ms}}))
}

/// `holds_valid` of TRAVELLER for health certificates at `at_ms`.
pub(crate) fn holds_valid(at_ms: u64) -> Value {
    query(json!({"holds_valid": {"subject": TRAVELLER, "credential_type": HEALTH, "at_ms": at_ms}}))
}
