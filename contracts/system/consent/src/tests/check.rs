//! The `check` query: reasons, best fit across consents, policy contracts, history.

use super::*;

#[test]
fn an_active_consent_allows_covered_categories_and_purposes() {
    let _fx = Fixture::new();
    grant_default();
    assert_eq!(
        check("health.lab-results", "treatment", None),
        json!({"allowed": true, "consent_id": "1",
               "reason": format!("allowed: consent 1 covers \"health.lab-results\" for \"treatment\" until {}", T0 + 30 * DAY)})
    );
    assert_eq!(check("contact.email", "treatment", Some(T0 + 29 * DAY))["allowed"], true);
}

#[test]
fn each_shortfall_has_its_own_reason() {
    let _fx = Fixture::new();
    at_block(2, T0 + 1);
    grant_as(ALICE, terms_with(json!({"valid_from_ms": T0 + DAY}))).expect("granted");
    let reason = |c: &str, p: &str, at: u64| {
        let r = check(c, p, Some(at));
        assert_eq!(
            (r["allowed"].clone(), r["consent_id"].clone()),
            (json!(false), json!("1")),
            "{r}"
        );
        r["reason"].as_str().expect("reason").to_owned()
    };
    assert_eq!(
        reason("health.genome", "treatment", T0 + 2 * DAY),
        "category not covered: consent 1 covers [health.lab-results, contact.email], not \"health.genome\""
    );
    assert_eq!(
        reason("contact.email", "marketing", T0 + 2 * DAY),
        "purpose not covered: consent 1 covers [treatment], not \"marketing\""
    );
    assert_eq!(
        reason("contact.email", "treatment", T0 + DAY - 1),
        format!("not yet valid: consent 1 is valid from {}", T0 + DAY)
    );
    assert_eq!(
        reason("contact.email", "treatment", T0 + 30 * DAY),
        format!("expired: consent 1 expired at {}", T0 + 30 * DAY)
    );
    // Before the grant's block the consent did not exist.
    assert_eq!(
        check("contact.email", "treatment", Some(T0)),
        json!({"allowed": false, "consent_id": null, "reason": format!(
            "no consent: {SUBJECT} had given {PROVIDER} no consent for transfers to {RECIPIENT} at {T0}")})
    );
}

#[test]
fn without_any_consent_the_answer_is_no_consent() {
    let _fx = Fixture::new();
    grant_default();
    let r = query(json!({"check": {"subject": SUBJECT, "provider": PROVIDER,
        "recipient": "did:web:elsewhere.example", "category": "contact.email", "purpose": "treatment"}}));
    assert_eq!(r["allowed"], false);
    assert_eq!(r["consent_id"], Value::Null);
    assert!(r["reason"].as_str().expect("reason").starts_with("no consent: "), "{r}");
}

#[test]
fn the_best_fitting_and_then_newest_consent_decides() {
    let _fx = Fixture::new();
    // 1: covers email only; 2: covers lab results, later withdrawn; 3: lab results, other purpose.
    grant_as(ALICE, terms_with(json!({"data_categories": ["contact.email"]}))).expect("1");
    grant_as(ALICE, terms_with(json!({"data_categories": ["health.lab-results"]}))).expect("2");
    grant_as(
        ALICE,
        terms_with(json!({"data_categories": ["health.lab-results"], "purposes": ["research"]})),
    )
    .expect("3");
    at_block(2, T0 + DAY);
    call_as(ALICE, json!({"withdraw": {"consent_id": "2"}})).expect("withdrawn");
    // Withdrawn (right category and purpose) beats purpose-not-covered and category-not-covered.
    let r = check("health.lab-results", "treatment", None);
    assert_eq!((r["allowed"].clone(), r["consent_id"].clone()), (json!(false), json!("2")));
    assert!(r["reason"].as_str().expect("reason").starts_with("withdrawn: consent 2"), "{r}");
    // Two consents that fit equally: the newest is named.
    let r = check("health.genome", "treatment", None);
    assert_eq!(r["consent_id"], "3", "{r}");
    // A new consent that allows wins over all of them.
    grant_as(ALICE, terms_with(json!({"data_categories": ["health.lab-results"]}))).expect("4");
    assert_eq!(check("health.lab-results", "treatment", None)["consent_id"], "4");
    assert_eq!(check("contact.email", "treatment", None)["consent_id"], "1");
    assert_eq!(check("health.lab-results", "research", None)["consent_id"], "3");
}

#[test]
fn a_policy_contract_is_consulted_with_the_documented_query() {
    let fx = Fixture::new();
    at_block(2, T0 + 7);
    grant_as(ALICE, terms_with(json!({"policy": POLICY.to_string()}))).expect("granted");
    fx.set_policy_answer(Ok(
        json!({"allowed": true, "reason": "recipient holds health-certificate c-9"}),
    ));
    let r = check("health.lab-results", "treatment", Some(T0 + DAY));
    assert_eq!(
        r["reason"],
        format!(
            "allowed: consent 1 covers \"health.lab-results\" for \"treatment\" until {}; policy {POLICY}: recipient holds health-certificate c-9",
            T0 + 30 * DAY
        )
    );
    assert_eq!(r["allowed"], true);
    assert_eq!(
        fx.policy_queries(),
        [json!({"check_transfer": {"consent_id": "1", "subject": SUBJECT, "provider": PROVIDER,
            "recipient": RECIPIENT, "category": "health.lab-results", "purpose": "treatment",
            "cross_border": true, "at_ms": T0 + DAY}})]
    );
    // Not consulted when the terms already refuse.
    check("health.genome", "treatment", Some(T0 + DAY));
    assert_eq!(fx.policy_queries().len(), 1);
}

#[test]
fn a_policy_refusal_or_failure_refuses() {
    let fx = Fixture::new();
    grant_as(ALICE, terms_with(json!({"policy": POLICY.to_string()}))).expect("granted");
    fx.set_policy_answer(Ok(
        json!({"allowed": false, "reason": "recipient holds no health-certificate"}),
    ));
    assert_eq!(
        check("health.lab-results", "treatment", None),
        json!({"allowed": false, "consent_id": "1", "reason": format!(
            "policy refused: recipient holds no health-certificate (consent 1, policy {POLICY})")})
    );
    fx.set_policy_answer(Err("credentials query failed: no contract"));
    let r = check("health.lab-results", "treatment", None);
    assert_eq!(r["allowed"], false);
    assert_eq!(
        r["reason"],
        format!(
            "policy refused: the policy could not be consulted: credentials query failed: no contract (consent 1, policy {POLICY})"
        )
    );
    fx.set_policy_answer(Ok(json!({"ok": true})));
    let r = check("health.lab-results", "treatment", None);
    assert!(
        r["reason"]
            .as_str()
            .expect("reason")
            .starts_with("policy refused: the policy answered badly:"),
        "{r}"
    );
    // A consent without a policy, given later, allows: the first allowing consent decides.
    grant_default();
    assert_eq!(check("health.lab-results", "treatment", None)["consent_id"], "2");
}

#[test]
fn a_long_policy_reason_is_shortened() {
    let fx = Fixture::new();
    grant_as(ALICE, terms_with(json!({"policy": POLICY.to_string()}))).expect("granted");
    fx.set_policy_answer(Ok(json!({"allowed": false, "reason": "x".repeat(5000)})));
    let reason = check("health.lab-results", "treatment", None)["reason"]
        .as_str()
        .expect("reason")
        .to_owned();
    assert!(reason.len() < 400 && reason.contains("x…"), "{}", reason.len());
}

#[test]
fn check_refuses_malformed_requests() {
    let _fx = Fixture::new();
    let base = json!({"subject": SUBJECT, "provider": PROVIDER, "recipient": RECIPIENT,
                      "category": "contact.email", "purpose": "treatment"});
    for (field, bad, prefix) in [
        ("subject", "alice", "invalid subject:"),
        ("recipient", "did:x", "invalid recipient:"),
        ("category", "Contact", "invalid category:"),
        ("purpose", "", "invalid purpose:"),
    ] {
        let mut msg = base.clone();
        msg[field] = json!(bad);
        let msg = json!({"check": msg});
        assert!(!schema::is_valid("query", &msg), "schema accepts {msg}");
        let err = mock::query(contract::query, msg.to_string().as_bytes()).expect_err("refused");
        assert!(err.message().starts_with(prefix), "{err}");
    }
    assert!(!schema::is_valid("query", &json!({"check": {}})));
    let err = mock::query(contract::query, br#"{"check":{}}"#).expect_err("refused");
    assert!(err.message().starts_with("invalid message: missing field"), "{err}");
}
