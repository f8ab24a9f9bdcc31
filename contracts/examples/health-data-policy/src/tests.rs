//! Native tests on the SDK's mock host; the credentials contract is a closure that records
//! what it is asked. Every message and answer is checked against the schema.

#[path = "../../../system/consent/tests/common/schema.rs"]
mod schema;

use crate::contract;
use bayledger_contract_sdk::mock;
use bayledger_contract_sdk::{Address, Error};
use serde_json::{Value, json};
use std::cell::RefCell;
use std::rc::Rc;

const CREDENTIALS: Address = Address([0xc7; 20]);
const RECIPIENT: &str = "did:bayledger:test:clinic-hk";
const AT: u64 = 1_700_000_000_000;

fn config() -> Value {
    json!({"credentials": CREDENTIALS.to_string(), "credential_type": "health-certificate",
           "health_categories": ["health.lab-results", "health.imaging"]})
}

/// A policy instantiated with `config()`, and a credentials stub answering `answer` and
/// recording its queries.
fn deployed(answer: Result<Value, &'static str>) -> Rc<RefCell<Vec<Value>>> {
    mock::reset();
    schema::assert_valid("instantiate", &config());
    mock::execute(contract::instantiate, config().to_string().as_bytes()).expect("instantiates");
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    mock::on_query(CREDENTIALS, move |msg| {
        log.borrow_mut().push(serde_json::from_slice(msg).expect("JSON query"));
        match &answer {
            Ok(v) => Ok(v.to_string().into_bytes()),
            Err(e) => Err(Error::new(*e)),
        }
    });
    seen
}

fn check_transfer(category: &str, cross_border: bool) -> Result<Value, Error> {
    let msg = json!({"check_transfer": {"consent_id": "3", "subject": "did:bayledger:test:alice",
        "provider": "did:bayledger:test:hospital-gd", "recipient": RECIPIENT,
        "category": category, "purpose": "treatment", "cross_border": cross_border, "at_ms": AT}});
    schema::assert_valid("query", &msg);
    let out = mock::query(contract::query, msg.to_string().as_bytes())?;
    let answer: Value = serde_json::from_slice(&out).expect("JSON answer");
    schema::assert_valid("response.check_transfer", &answer);
    Ok(answer)
}

#[test]
fn non_health_data_and_domestic_health_data_pass_without_asking() {
    let seen = deployed(Ok(json!({"valid": false, "credential_id": null, "reason": "none"})));
    assert_eq!(
        check_transfer("contact.email", true),
        Ok(json!({"allowed": true, "reason": "\"contact.email\" is not a health category"}))
    );
    assert_eq!(
        check_transfer("health.imaging", false),
        Ok(json!({"allowed": true, "reason": "\"health.imaging\" stays within one jurisdiction"}))
    );
    // A prefix of a listed category is not a health category: names match exactly.
    assert_eq!(check_transfer("health", true).map(|a| a["allowed"].clone()), Ok(json!(true)));
    assert!(seen.borrow().is_empty());
}

#[test]
fn cross_border_health_data_needs_a_valid_credential_of_the_recipient() {
    let seen = deployed(Ok(
        json!({"valid": true, "credential_id": "7", "reason": "active, issuer authorised"}),
    ));
    assert_eq!(
        check_transfer("health.lab-results", true),
        Ok(json!({"allowed": true, "reason": format!(
            "recipient {RECIPIENT} holds a valid health-certificate credential (7) for cross-border health data: active, issuer authorised")}))
    );
    assert_eq!(
        *seen.borrow(),
        [
            json!({"holds_valid": {"subject": RECIPIENT, "credential_type": "health-certificate", "at_ms": AT}})
        ]
    );

    deployed(Ok(
        json!({"valid": false, "credential_id": "7", "reason": "revoked at 1699999999999"}),
    ));
    assert_eq!(
        check_transfer("health.lab-results", true),
        Ok(json!({"allowed": false, "reason": format!(
            "cross-border transfer of \"health.lab-results\" needs the recipient {RECIPIENT} to hold a valid health-certificate credential: revoked at 1699999999999")}))
    );
}

#[test]
fn a_failing_credentials_contract_fails_the_query() {
    deployed(Err("not found: credential type health-certificate"));
    let err = check_transfer("health.imaging", true).expect_err("fails");
    assert_eq!(
        err.message(),
        format!(
            "credentials contract {CREDENTIALS} failed: not found: credential type health-certificate"
        )
    );
    deployed(Ok(json!({"answer": 42})));
    let err = check_transfer("health.imaging", true).expect_err("fails");
    assert!(err.message().contains("answered badly: missing field `valid`"), "{err}");
    // Domestic transfers never ask, so they keep working.
    assert_eq!(
        check_transfer("health.imaging", false).map(|a| a["allowed"].clone()),
        Ok(json!(true))
    );
}

#[test]
fn config_is_readable_and_set_once() {
    deployed(Ok(json!({})));
    let out = mock::query(contract::query, br#"{"config":{}}"#).expect("config");
    let got: Value = serde_json::from_slice(&out).expect("JSON");
    schema::assert_valid("response.config", &got);
    assert_eq!(got, config());
    assert_eq!(
        mock::execute(contract::instantiate, config().to_string().as_bytes()),
        Err(Error::new("conflict: already instantiated"))
    );
}

#[test]
fn bad_configurations_are_refused() {
    let with = |field: &str, v: Value| {
        let mut c = config();
        c[field] = v;
        c
    };
    let many: Vec<String> = (0..33).map(|i| format!("health.c{i}")).collect();
    for (msg, prefix) in [
        (
            with("credentials", json!("0x12")),
            "invalid credentials: \"0x12\": address must be 40 hex digits, got 2",
        ),
        (with("credentials", json!("c7".repeat(20))), "invalid credentials: "),
        (
            with("credential_type", json!("Health Certificate")),
            "invalid credential_type: \"Health Certificate\" is not a name",
        ),
        (with("credential_type", json!("a:b")), "invalid credential_type:"),
        (with("health_categories", json!([])), "invalid health_categories: 1 to 32 names, got 0"),
        (
            with("health_categories", json!(many)),
            "invalid health_categories: 1 to 32 names, got 33",
        ),
        (
            with("health_categories", json!(["Health"])),
            "invalid health_categories: \"Health\" is not a name",
        ),
        (
            with("health_categories", json!(["a", "a"])),
            "invalid health_categories: \"a\" is listed twice",
        ),
        (with("extra", json!(1)), "invalid message: unknown field `extra`"),
        (json!({}), "invalid message: missing field"),
    ] {
        mock::reset();
        assert!(!schema::is_valid("instantiate", &msg), "schema accepts {msg}");
        let err =
            mock::execute(contract::instantiate, msg.to_string().as_bytes()).expect_err("refused");
        assert!(err.message().starts_with(prefix), "{msg}: {err}");
    }
    mock::reset();
    let err = mock::execute(contract::instantiate, b"").expect_err("empty");
    assert!(err.message().starts_with("invalid message:"), "{err}");
}

#[test]
fn calls_and_malformed_queries_are_refused() {
    deployed(Ok(json!({})));
    let call = json!({"check_transfer": {}});
    assert!(!schema::is_valid("call", &call));
    let err = mock::execute(contract::call, call.to_string().as_bytes()).expect_err("no calls");
    assert_eq!(
        err.message(),
        "invalid message: health-data-policy has no transactions; query check_transfer or config"
    );
    for raw in [r#"{"check_transfer":{"category":"x"}}"#, r#"{"allow":{}}"#, "null"] {
        let v: Value = serde_json::from_str(raw).expect("JSON");
        assert!(!schema::is_valid("query", &v), "schema accepts {raw}");
        let err = mock::query(contract::query, raw.as_bytes()).expect_err(raw);
        assert!(err.message().starts_with("invalid message:"), "{raw}: {err}");
    }
}
