//! `withdraw` (direct; delegated withdrawals are in `delegation.rs`).

use super::*;

fn withdraw_as(sender: Address, id: &str) -> Result<Value, Error> {
    call_as(sender, json!({"withdraw": {"consent_id": id}}))
}

#[test]
fn the_subject_withdraws_and_later_checks_fail() {
    let _fx = Fixture::new();
    let id = grant_default();
    at_block(3, T0 + DAY);
    assert_eq!(check("health.lab-results", "treatment", None)["allowed"], true);

    at_block(4, T0 + 2 * DAY);
    let r = withdraw_as(ALICE, &id).expect("the subject may withdraw");
    assert_eq!(r, json!({"consent_id": "1", "withdrawn_at_ms": T0 + 2 * DAY}));
    assert_eq!(
        events(),
        [(
            "consent.withdrawn".to_owned(),
            json!({"consent_id": "1", "subject": SUBJECT, "provider": PROVIDER,
                   "recipient": RECIPIENT, "at_ms": T0 + 2 * DAY,
                   "actor": ALICE.to_string(), "via": "direct"})
        )]
    );
    let later = check("health.lab-results", "treatment", None);
    assert_eq!(
        later,
        json!({"allowed": false, "consent_id": "1",
               "reason": format!("withdrawn: consent 1 was withdrawn at {}", T0 + 2 * DAY)})
    );
    // The record keeps what happened before: a check as of the day before still allows.
    assert_eq!(check("health.lab-results", "treatment", Some(T0 + DAY))["allowed"], true);
    let view = query(json!({"consent": {"id": "1"}}));
    assert_eq!(view["status"], "withdrawn");
    assert_eq!(
        view["history"][1],
        json!({"seq": 1, "event": "withdrawn", "at_ms": T0 + 2 * DAY, "height": 4,
               "actor": ALICE.to_string(), "submitted_by": ALICE.to_string(), "via": "direct"})
    );
    // Withdrawal is final: there is no expiry event after it.
    assert_eq!(
        query(json!({"consent": {"id": "1", "at_ms": T0 + 99 * DAY}}))["history"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

#[test]
fn only_the_subject_may_withdraw() {
    let fx = Fixture::new();
    let id = grant_default();
    for who in [HOSPITAL, MALLORY] {
        let err = withdraw_as(who, &id).expect_err("not the subject");
        assert_eq!(
            err.message(),
            format!("unauthorized: {who} does not control the subject {SUBJECT}: not a controller")
        );
    }
    assert_eq!(query(json!({"consent": {"id": "1"}}))["status"], "active");
    // A second key of the subject may.
    fx.set_controller(SUBJECT, MALLORY);
    withdraw_as(MALLORY, &id).expect("now a controller");
}

#[test]
fn withdrawing_twice_an_expired_or_an_unknown_consent_is_refused() {
    let _fx = Fixture::new();
    let id = grant_default();
    at_block(2, T0 + 5);
    withdraw_as(ALICE, &id).expect("first withdrawal");
    assert_eq!(
        withdraw_as(ALICE, &id).map_err(|e| e.to_string()),
        Err(format!("conflict: consent 1 was already withdrawn at {}", T0 + 5))
    );

    let id2 = grant_default();
    at_block(3, T0 + 30 * DAY);
    assert_eq!(
        withdraw_as(ALICE, &id2).map_err(|e| e.to_string()),
        Err(format!(
            "conflict: consent 2 expired at {}; there is nothing to withdraw",
            T0 + 30 * DAY
        ))
    );
    assert_eq!(
        withdraw_as(ALICE, "9").map_err(|e| e.to_string()),
        Err("not found: consent 9".into())
    );
    call_malformed(
        ALICE,
        r#"{"withdraw":{"consent_id":"01"}}"#,
        "invalid consent_id: \"01\" is not a consent id",
    );
    call_malformed(ALICE, r#"{"withdraw":{"consent_id":1}}"#, "invalid message: invalid type");
}

#[test]
fn a_pending_consent_can_be_withdrawn_before_it_starts() {
    let _fx = Fixture::new();
    grant_as(ALICE, terms_with(json!({"valid_from_ms": T0 + 10 * DAY}))).expect("future window");
    assert_eq!(query(json!({"consent": {"id": "1"}}))["status"], "pending");
    withdraw_as(ALICE, "1").expect("withdrawn while pending");
    let view = query(json!({"consent": {"id": "1", "at_ms": T0 + 11 * DAY}}));
    assert_eq!(view["status"], "withdrawn");
    assert_eq!(
        check("contact.email", "treatment", Some(T0 + 11 * DAY))["reason"],
        format!("withdrawn: consent 1 was withdrawn at {T0}")
    );
}
