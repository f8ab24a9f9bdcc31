//! Instantiation, the committee role and `config`.

use super::*;

#[test]
fn instantiate_records_both_addresses_and_announces_the_committee() {
    setup();
    assert_eq!(
        query(json!({"config": {}})),
        json!({"committee": COMMITTEE.to_string(), "did_registry": DID_REGISTRY.to_string()})
    );
    mock::reset();
    mock::execute(contract::instantiate, instantiate_msg().to_string().as_bytes())
        .expect("instantiates");
    assert_eq!(
        events(),
        [(
            "credential.committee_changed".into(),
            json!({"previous": null, "committee": COMMITTEE.to_string()})
        )]
    );
}

#[test]
fn instantiate_requires_the_configuration_and_runs_once() {
    mock::reset();
    let run = |msg: &[u8]| {
        mock::execute(contract::instantiate, msg).expect_err("refused").message().to_string()
    };
    assert!(run(b"").starts_with("invalid message: instantiate needs {"), "{}", run(b""));
    assert!(run(b"  \n").starts_with("invalid message: instantiate needs"));
    assert!(run(b"{}").starts_with("invalid message: missing field `committee`"), "{}", run(b"{}"));
    let no_registry = json!({"committee": COMMITTEE.to_string()}).to_string();
    assert!(
        run(no_registry.as_bytes()).starts_with("invalid message: missing field `did_registry`")
    );
    let mut extra = instantiate_msg();
    extra["admin"] = json!(COMMITTEE.to_string());
    schema::assert_invalid("instantiate", &extra);
    assert!(
        run(extra.to_string().as_bytes()).starts_with("invalid message: unknown field `admin`")
    );
    let bad = json!({"committee": "0x12", "did_registry": DID_REGISTRY.to_string()});
    schema::assert_invalid("instantiate", &bad);
    assert_eq!(
        run(bad.to_string().as_bytes()),
        "invalid committee: \"0x12\": address must be 40 hex digits, got 2"
    );
    let upper = json!({
        "committee": COMMITTEE.to_string(),
        "did_registry": DID_REGISTRY.to_string().to_uppercase().replacen("0X", "0x", 1),
    });
    schema::assert_invalid("instantiate", &upper);
    assert!(run(upper.to_string().as_bytes()).starts_with("invalid did_registry:"));
    assert!(mock::with(|h| h.storage.is_empty()), "refusals store nothing");

    setup();
    assert_eq!(run(instantiate_msg().to_string().as_bytes()), "conflict: already instantiated");
}

#[test]
fn the_committee_hands_over_its_role() {
    setup();
    let next = Address([0xc2; 20]);
    ok(COMMITTEE, json!({"set_committee": {"committee": next.to_string()}}));
    assert_eq!(
        events(),
        [(
            "credential.committee_changed".into(),
            json!({"previous": COMMITTEE.to_string(), "committee": next.to_string()})
        )]
    );
    assert_eq!(query(json!({"config": {}}))["committee"], json!(next.to_string()));
    // The old committee has lost every committee right; the new one has them.
    assert_eq!(
        fails(COMMITTEE, register_type_msg(HEALTH, 1)),
        format!("unauthorized: only the committee {next} may register credential types")
    );
    ok(next, register_type_msg(HEALTH, 1));
}

#[test]
fn only_the_committee_may_hand_over_its_role() {
    setup();
    for sender in [STRANGER, OWNER, GD_KEY] {
        assert_eq!(
            fails(sender, json!({"set_committee": {"committee": sender.to_string()}})),
            format!(
                "unauthorized: only the committee {COMMITTEE} may hand over the committee role"
            )
        );
    }
    let long = format!("0x{}", "0".repeat(41));
    let err = fails_invalid(COMMITTEE, json!({"set_committee": {"committee": long}}));
    assert!(err.starts_with("invalid committee:"), "{err}");
}
