//! `migrate`: an in-place upgrade keeps every registration, the history and the Merkle log
//! untouched; only `{}` (or empty input) on an instantiated registry is accepted.

use super::*;

fn migrate(msg: &[u8]) -> Result<Vec<u8>, Error> {
    mock::set_sender(AUDITOR);
    mock::execute(contract::migrate, msg)
}

#[test]
fn migrating_keeps_registrations_and_the_log() {
    instantiated();
    register(BANK_SZ, 1);
    register(BANK_HK, 2);
    call_as(BANK_HK, json!({"cosign": {"hash": hash(1)}})).expect("co-signs");
    let (head, before) = (query(json!({"tree_head": {}})), storage());
    for msg in [&b"{}"[..], b"", b" \n"] {
        assert_eq!(migrate(msg), Ok(Vec::new()), "{:?}", String::from_utf8_lossy(msg));
        assert_eq!(storage(), before, "migrate rewrote state");
        assert!(mock::events().is_empty(), "migrate emitted events");
    }
    assert_eq!(query(json!({"tree_head": {}})), head);
    let verified = query(json!({"verify": {"hash": hash(1), "registrant": BANK_SZ.to_string()}}));
    assert_eq!(verified["valid"], json!(true), "{verified}");
    assert_eq!(status(1)["cosigners"].as_array().map(Vec::len), Some(1));
}

#[test]
fn bad_migrations_are_refused() {
    instantiated();
    let err = migrate(br#"{"version":2}"#).expect_err("unknown field");
    assert!(err.message().starts_with("invalid message: unknown field `version`"), "{err}");
    let err = migrate(br#""v2""#).expect_err("not an object");
    assert!(err.message().starts_with("invalid message: "), "{err}");
    mock::reset();
    let err = migrate(b"{}").expect_err("never instantiated");
    assert_eq!(err.message(), "not found: the registry was never instantiated; nothing to migrate");
}
