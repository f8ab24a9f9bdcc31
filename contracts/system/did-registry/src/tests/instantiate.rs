//! Instantiation: the network is required, checked, and fixed once.

use super::*;
use serde_json::json;

#[test]
fn the_network_is_fixed_once() {
    setup();
    assert_eq!(query(json!({"config": {}})), json!({"network": NETWORK}));
    let again = mock::execute(contract::instantiate, br#"{"network":"other"}"#);
    assert_eq!(again, Err(Error::new("conflict: already instantiated")));
}

#[test]
fn a_network_is_required_and_checked() {
    for (msg, expected) in [
        (&b""[..], "invalid message: EOF while parsing a value at line 1 column 0"),
        (b"{}", "invalid message: missing field `network` at line 1 column 2"),
        (
            br#"{"network":"Main Net"}"#,
            "invalid network: network may contain only [a-z0-9-], found 'M'",
        ),
        (br#"{"network":""}"#, "invalid network: network must be 1-50 characters, got 0"),
        (br#"{"network":"x","admin":"0x"}"#, "invalid message: unknown field `admin`"),
    ] {
        mock::reset();
        let err = mock::execute(contract::instantiate, msg).expect_err("refused");
        assert!(err.message().starts_with(expected), "{}: {err}", String::from_utf8_lossy(msg));
        let msg: Value = serde_json::from_slice(msg).unwrap_or(Value::Null);
        assert!(!schemas::accepts("instantiate.json", &msg), "schema accepts {msg}");
    }
}

#[test]
fn nothing_works_before_instantiation() {
    mock::reset();
    let err = mock::query(contract::query, br#"{"config":{}}"#).expect_err("refused");
    assert_eq!(err.message(), "conflict: the registry is not instantiated");
}
