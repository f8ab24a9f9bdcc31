//! Instantiation and `grant`.

use super::*;
use crate::contract::MAX_CONSENTS_PER_PARTIES;

#[test]
fn instantiate_records_the_registry_once() {
    let _fx = Fixture::new();
    assert_eq!(query(json!({"config": {}})), json!({"did_registry": REGISTRY.to_string()}));
    let again = json!({"did_registry": MALLORY.to_string()}).to_string();
    assert_eq!(
        mock::execute(contract::instantiate, again.as_bytes()),
        Err(Error::new("conflict: already instantiated"))
    );
    assert_eq!(query(json!({"config": {}})), json!({"did_registry": REGISTRY.to_string()}));
}

#[test]
fn instantiate_refuses_missing_or_bad_configuration() {
    mock::reset();
    for (raw, prefix) in [
        ("", "invalid message:"),
        ("{}", "invalid message: missing field `did_registry`"),
        (
            r#"{"did_registry":"0x12"}"#,
            "invalid did_registry: \"0x12\": expected 0x followed by 40",
        ),
        (
            r#"{"did_registry":"0xD1D1D1D1D1D1D1D1D1D1D1D1D1D1D1D1D1D1D1D1"}"#,
            "invalid did_registry:",
        ),
        (
            r#"{"did_registry":"0xd1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1","x":1}"#,
            "invalid message: unknown field `x`",
        ),
    ] {
        if let Ok(v) = serde_json::from_str::<Value>(raw) {
            assert!(!schema::is_valid("instantiate", &v), "schema accepts {raw}");
        }
        let err = mock::execute(contract::instantiate, raw.as_bytes()).expect_err(raw);
        assert!(err.message().starts_with(prefix), "{raw}: {err}");
    }
}

#[test]
fn the_subject_grants_and_everything_is_recorded() {
    let _fx = Fixture::new();
    at_block(5, T0 + 1000);
    let r = grant_as(ALICE, terms()).expect("the subject may grant");
    assert_eq!(r, json!({"consent_id": "1", "cross_border": true}));
    assert_eq!(
        events(),
        [(
            "consent.given".to_owned(),
            json!({
                "consent_id": "1", "subject": SUBJECT, "provider": PROVIDER, "recipient": RECIPIENT,
                "data_categories": ["health.lab-results", "contact.email"], "purposes": ["treatment"],
                "legal_basis": "separate-consent",
                "jurisdictions": {"provider": "CN-GD", "recipient": "HK"}, "cross_border": true,
                "valid_from_ms": T0, "valid_until_ms": T0 + 30 * DAY,
                "policy": null, "notice_hash": null,
                "actor": ALICE.to_string(), "via": "direct"
            })
        )]
    );
    let view = query(json!({"consent": {"id": "1"}}));
    assert_eq!(view["status"], "active");
    assert_eq!(view["status_at_ms"], T0 + 1000);
    assert_eq!(
        (view["given_at_ms"].as_u64(), view["given_height"].as_u64()),
        (Some(T0 + 1000), Some(5))
    );
    assert_eq!(
        view["history"],
        json!([{"seq": 0, "event": "given", "at_ms": T0 + 1000, "height": 5,
                "actor": ALICE.to_string(), "submitted_by": ALICE.to_string(), "via": "direct"}])
    );
    for field in [
        "subject",
        "provider",
        "recipient",
        "data_categories",
        "purposes",
        "legal_basis",
        "jurisdictions",
        "valid_from_ms",
        "valid_until_ms",
    ] {
        assert_eq!(view[field], terms()[field], "{field}");
    }
    assert_eq!((view["policy"].clone(), view["notice_hash"].clone()), (Value::Null, Value::Null));
}

#[test]
fn ids_are_sequential_and_cross_border_follows_the_jurisdictions() {
    let _fx = Fixture::new();
    let notice = format!("0x{}", "ab".repeat(32));
    let domestic = terms_with(json!({
        "jurisdictions": {"provider": "CN-GD", "recipient": "CN-GD"},
        "policy": POLICY.to_string(),
        "notice_hash": notice,
        "legal_basis": "consent"
    }));
    assert_eq!(grant_as(ALICE, terms()).map(|r| r["consent_id"].clone()), Ok(json!("1")));
    assert_eq!(grant_as(ALICE, domestic), Ok(json!({"consent_id": "2", "cross_border": false})));
    let (_, given) = events().remove(0);
    assert_eq!(
        (given["policy"].as_str(), given["notice_hash"].as_str()),
        (Some(&*POLICY.to_string()), Some(&*notice))
    );
    let view = query(json!({"consent": {"id": "2"}}));
    assert_eq!(
        (view["cross_border"].clone(), view["legal_basis"].clone()),
        (json!(false), json!("consent"))
    );
    assert_eq!(view["policy"], POLICY.to_string());
    assert_eq!(view["notice_hash"], notice);
}

#[test]
fn only_a_controller_of_the_subject_may_grant() {
    let _fx = Fixture::new();
    let err = assert_err_starts(grant_as(MALLORY, terms()), "unauthorized:");
    assert_eq!(
        err.message(),
        format!("unauthorized: {MALLORY} does not control the subject {SUBJECT}: not a controller")
    );
    // The provider cannot grant on the subject's behalf either.
    assert_err_starts(grant_as(HOSPITAL, terms()), "unauthorized:");
    // Nor can anyone grant for a DID the registry does not know.
    let err = grant_as(ALICE, terms_with(json!({"subject": "did:bayledger:test:nobody"})))
        .expect_err("unknown subject");
    assert!(err.message().ends_with(": unknown DID"), "{err}");
    assert!(mock::events().is_empty());
    assert_eq!(
        try_query(json!({"consent": {"id": "1"}})).map_err(|e| e.to_string()),
        Err("not found: consent 1".into())
    );
}

#[test]
fn an_unreachable_or_confused_registry_refuses() {
    let _fx = Fixture::new();
    mock::on_query(REGISTRY, |_| Err(Error::new("out of order")));
    let err = grant_as(ALICE, terms()).expect_err("cannot confirm");
    assert_eq!(
        err.message(),
        format!(
            "unauthorized: control of the subject {SUBJECT} by {ALICE} could not be confirmed: \
             DID registry {REGISTRY} failed: out of order"
        )
    );
    mock::on_query(REGISTRY, |_| Ok(b"yes".to_vec()));
    let err = grant_as(ALICE, terms()).expect_err("bad answer");
    assert!(err.message().contains("answered badly"), "{err}");
}

#[test]
fn invalid_terms_are_refused_with_the_field_named() {
    let _fx = Fixture::new();
    let long_did = format!("did:web:{}", "a".repeat(121));
    let cases = [
        (json!({"subject": "alice"}), "invalid subject: \"alice\" is not a DID"),
        (json!({"provider": "did:bayledger:"}), "invalid provider:"),
        (json!({"recipient": long_did}), "invalid recipient: a DID is at most 128 bytes, got 129"),
        (json!({"data_categories": []}), "invalid data_categories: the list is empty"),
        (
            json!({"data_categories": ["Health"]}),
            "invalid data_categories: \"Health\" is not a name",
        ),
        (json!({"data_categories": ["a", "a"]}), "invalid data_categories: \"a\" is listed twice"),
        (
            json!({"data_categories": (0..17).map(|i| format!("c{i}")).collect::<Vec<_>>()}),
            "invalid data_categories: at most 16 entries, got 17",
        ),
        (
            json!({"purposes": (0..9).map(|i| format!("p{i}")).collect::<Vec<_>>()}),
            "invalid purposes: at most 8",
        ),
        (
            json!({"jurisdictions": {"provider": "cn-gd", "recipient": "HK"}}),
            "invalid jurisdictions.provider:",
        ),
        (
            json!({"jurisdictions": {"provider": "CN", "recipient": "HONGKONG"}}),
            "invalid jurisdictions.recipient:",
        ),
        (
            json!({"valid_until_ms": T0}),
            &*format!("invalid valid_until_ms: {T0} is not after valid_from_ms {T0}"),
        ),
        (json!({"policy": "0x1234"}), "invalid policy: \"0x1234\": expected 0x followed by 40"),
        (json!({"notice_hash": format!("0x{}", "AB".repeat(32))}), "invalid notice_hash:"),
    ];
    for (change, prefix) in cases {
        let t = terms_with(change.clone());
        // Syntax the schema can express is refused there too; the window rule is not syntax.
        let syntax_error = change.get("valid_until_ms").is_none();
        assert_eq!(schema::is_valid("call", &json!({"grant": t})), !syntax_error, "{change}");
        mock::set_sender(ALICE);
        let err = mock::execute(contract::call, json!({"grant": t}).to_string().as_bytes())
            .expect_err("refused");
        assert!(err.message().starts_with(prefix), "{change}: {err}");
    }
    // A window that already ended.
    at_block(2, T0 + 31 * DAY);
    let err = grant_as(ALICE, terms()).expect_err("ended");
    assert_eq!(
        err.message(),
        format!(
            "invalid valid_until_ms: {} is not after the block time {}",
            T0 + 30 * DAY,
            T0 + 31 * DAY
        )
    );
}

#[test]
fn malformed_grants_are_invalid_messages() {
    let _fx = Fixture::new();
    let mut t = terms();
    t["legal_basis"] = json!("legitimate-interest");
    call_malformed(
        ALICE,
        &json!({"grant": t}).to_string(),
        "invalid message: unknown variant `legitimate-interest`",
    );
    let mut t = terms();
    t["extra"] = json!(1);
    call_malformed(
        ALICE,
        &json!({"grant": t}).to_string(),
        "invalid message: unknown field `extra`",
    );
    let mut t = terms();
    t.as_object_mut().expect("object").remove("purposes");
    call_malformed(
        ALICE,
        &json!({"grant": t}).to_string(),
        "invalid message: missing field `purposes`",
    );
    call_malformed(ALICE, r#"{"give":{}}"#, "invalid message: unknown variant `give`");
    call_malformed(ALICE, "grant", "invalid message:");
}

#[test]
fn the_same_parties_may_hold_at_most_64_consents() {
    let _fx = Fixture::new();
    for i in 1..=MAX_CONSENTS_PER_PARTIES {
        assert_eq!(
            grant_as(ALICE, terms()).map(|r| r["consent_id"].clone()),
            Ok(json!(i.to_string()))
        );
    }
    let err = grant_as(ALICE, terms()).expect_err("limit");
    assert_eq!(
        err.message(),
        format!(
            "limit: {SUBJECT} already gave {PROVIDER} 64 consents for transfers to {RECIPIENT}"
        )
    );
    // Other parties are unaffected.
    grant_as(ALICE, terms_with(json!({"recipient": "did:web:other.example"})))
        .expect("other recipient");
}
