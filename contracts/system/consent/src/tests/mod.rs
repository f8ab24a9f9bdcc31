//! Native tests of the contract on the SDK's mock host. The DID registry and policy contracts
//! are mock closures ([`Fixture`]); every message sent, response received and event emitted
//! is checked against `schema/consent.json`.

mod check;
mod delegation;
mod grant;
mod queries;
mod transfer;
mod withdraw;

#[path = "../../tests/common/schema.rs"]
mod schema;

use crate::contract;
use bayledger_contract_sdk::mock;
use bayledger_contract_sdk::{Address, Error};
use serde::Deserialize;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

pub const REGISTRY: Address = Address([0xd1; 20]);
pub const POLICY: Address = Address([0xe1; 20]);
/// Controls [`SUBJECT`].
pub const ALICE: Address = Address([0xa1; 20]);
/// Controls [`PROVIDER`].
pub const HOSPITAL: Address = Address([0xb1; 20]);
/// Controls nothing.
pub const MALLORY: Address = Address([0x66; 20]);

pub const SUBJECT: &str = "did:bayledger:test:alice";
pub const PROVIDER: &str = "did:bayledger:test:hospital-gd";
pub const RECIPIENT: &str = "did:bayledger:test:clinic-hk";

/// Block time of the fixture's first block.
pub const T0: u64 = 1_700_000_000_000;
pub const DAY: u64 = 86_400_000;

/// A fresh mock chain with the contract instantiated, a DID registry knowing
/// `SUBJECT → ALICE` and `PROVIDER → HOSPITAL`, and a policy contract whose answer the test
/// sets. Handles are shared with the mock closures.
pub struct Fixture {
    controllers: Rc<RefCell<BTreeMap<String, Vec<Address>>>>,
    policy_answer: Rc<RefCell<Result<Value, String>>>,
    policy_queries: Rc<RefCell<Vec<Value>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorizedQuery {
    authorized: AuthorizedArgs,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorizedArgs {
    did: String,
    address: String,
}

impl Fixture {
    pub fn new() -> Fixture {
        mock::reset();
        mock::set_block(1, T0);
        let fx = Fixture {
            controllers: Rc::default(),
            policy_answer: Rc::new(RefCell::new(Ok(json!({"allowed": true, "reason": "fine"})))),
            policy_queries: Rc::default(),
        };
        fx.set_controller(SUBJECT, ALICE);
        fx.set_controller(PROVIDER, HOSPITAL);

        let controllers = fx.controllers.clone();
        mock::on_query(REGISTRY, move |msg| {
            let q: AuthorizedQuery = serde_json::from_slice(msg)
                .map_err(|e| Error::new(format!("registry mock: unexpected query: {e}")))?;
            let reason = match controllers.borrow().get(&q.authorized.did) {
                None => "unknown DID",
                Some(addrs) if addrs.iter().any(|a| a.to_string() == q.authorized.address) => {
                    "controller"
                }
                Some(_) => "not a controller",
            };
            Ok(json!({"authorized": reason == "controller", "reason": reason})
                .to_string()
                .into_bytes())
        });
        let (answer, seen) = (fx.policy_answer.clone(), fx.policy_queries.clone());
        mock::on_query(POLICY, move |msg| {
            seen.borrow_mut().push(serde_json::from_slice(msg).expect("policy query is JSON"));
            match &*answer.borrow() {
                Ok(v) => Ok(v.to_string().into_bytes()),
                Err(e) => Err(Error::new(e.clone())),
            }
        });

        let init = json!({"did_registry": REGISTRY.to_string()});
        schema::assert_valid("instantiate", &init);
        mock::execute(contract::instantiate, init.to_string().as_bytes()).expect("instantiates");
        fx
    }

    /// Lets `address` act for `did` in the mock registry.
    pub fn set_controller(&self, did: &str, address: Address) {
        self.controllers.borrow_mut().entry(did.to_owned()).or_default().push(address);
    }

    /// What the policy contract answers next: a JSON value, or a failure.
    pub fn set_policy_answer(&self, answer: Result<Value, &str>) {
        *self.policy_answer.borrow_mut() = answer.map_err(str::to_owned);
    }

    /// The queries the policy contract received so far.
    pub fn policy_queries(&self) -> Vec<Value> {
        self.policy_queries.borrow().clone()
    }
}

/// Moves to block `height` at `time_ms`.
pub fn at_block(height: u64, time_ms: u64) {
    mock::set_block(height, time_ms);
}

/// Grant terms: `SUBJECT` lets `PROVIDER` (CN-GD) send lab results and contact details to
/// `RECIPIENT` (HK) for treatment, for 30 days from `T0`.
pub fn terms() -> Value {
    json!({
        "subject": SUBJECT,
        "provider": PROVIDER,
        "recipient": RECIPIENT,
        "data_categories": ["health.lab-results", "contact.email"],
        "purposes": ["treatment"],
        "legal_basis": "separate-consent",
        "jurisdictions": {"provider": "CN-GD", "recipient": "HK"},
        "valid_from_ms": T0,
        "valid_until_ms": T0 + 30 * DAY
    })
}

/// `terms()` with the fields of `changes` replaced.
pub fn terms_with(changes: Value) -> Value {
    let mut t = terms();
    for (k, v) in changes.as_object().expect("an object of changes") {
        t[k] = v.clone();
    }
    t
}

/// The one variant name of a `{"variant": {...}}` message.
fn variant(msg: &Value) -> String {
    msg.as_object()
        .and_then(|o| o.keys().next().cloned())
        .unwrap_or_else(|| panic!("not a one-variant message: {msg}"))
}

/// Events of the last execution as `(topic, data)`, each checked against its schema.
pub fn events() -> Vec<(String, Value)> {
    mock::events()
        .into_iter()
        .map(|e| {
            let data: Value = serde_json::from_slice(&e.data).expect("event data is JSON");
            schema::assert_valid(&format!("event.{}", e.topic), &data);
            (e.topic, data)
        })
        .collect()
}

/// Sends a schema-valid call as `sender`; a success's response and events are checked
/// against the schema.
pub fn call_as(sender: Address, msg: Value) -> Result<Value, Error> {
    schema::assert_valid("call", &msg);
    mock::set_sender(sender);
    let out = mock::execute(contract::call, msg.to_string().as_bytes())?;
    let response: Value = serde_json::from_slice(&out).expect("call returns JSON");
    schema::assert_valid(&format!("response.{}", variant(&msg)), &response);
    events();
    Ok(response)
}

/// `grant` of `terms` sent by `sender`.
pub fn grant_as(sender: Address, terms: Value) -> Result<Value, Error> {
    call_as(sender, json!({"grant": terms}))
}

/// `grant` of `terms()` by `ALICE`; returns the consent id.
pub fn grant_default() -> String {
    let r = grant_as(ALICE, terms()).expect("the subject may grant");
    r["consent_id"].as_str().expect("an id").to_owned()
}

/// Sends bytes the schema does not accept (or that are not JSON) and expects a refusal that
/// starts with `prefix`.
pub fn call_malformed(sender: Address, raw: &str, prefix: &str) {
    if let Ok(v) = serde_json::from_str::<Value>(raw) {
        assert!(!schema::is_valid("call", &v), "the schema accepts {raw}");
    }
    mock::set_sender(sender);
    let err = mock::execute(contract::call, raw.as_bytes()).expect_err("refused");
    assert!(err.message().starts_with(prefix), "{raw}: {err}");
}

/// A schema-valid query; its answer is checked against the schema.
pub fn try_query(msg: Value) -> Result<Value, Error> {
    schema::assert_valid("query", &msg);
    let out = mock::query(contract::query, msg.to_string().as_bytes())?;
    let response: Value = serde_json::from_slice(&out).expect("query returns JSON");
    let def = match variant(&msg).as_str() {
        "consents_by_subject" | "consents_by_provider" => "consents".to_owned(),
        v => v.to_owned(),
    };
    schema::assert_valid(&format!("response.{def}"), &response);
    Ok(response)
}

/// A query that must succeed.
pub fn query(msg: Value) -> Value {
    try_query(msg.clone()).unwrap_or_else(|e| panic!("query {msg} failed: {e}"))
}

/// `check` of `category` for `purpose` between the default parties at `at_ms`.
pub fn check(category: &str, purpose: &str, at_ms: Option<u64>) -> Value {
    query(json!({"check": {
        "subject": SUBJECT, "provider": PROVIDER, "recipient": RECIPIENT,
        "category": category, "purpose": purpose, "at_ms": at_ms
    }}))
}

/// Asserts an error message starts with `prefix`.
#[track_caller]
pub fn assert_err_starts(result: Result<Value, Error>, prefix: &str) -> Error {
    let err = result.expect_err("expected a refusal");
    assert!(err.message().starts_with(prefix), "expected {prefix:?}…, got {:?}", err.message());
    err
}
