//! `record_transfer` and the `transfers` query.

use super::*;

fn data_hash(n: u8) -> String {
    format!("0x{}", format!("{n:02x}").repeat(32))
}

fn transfer(
    sender: Address,
    id: &str,
    n: u8,
    category: &str,
    purpose: &str,
) -> Result<Value, Error> {
    call_as(
        sender,
        json!({"record_transfer": {"consent_id": id, "data_hash": data_hash(n),
                                   "category": category, "purpose": purpose}}),
    )
}

#[test]
fn the_provider_records_receipts_linked_to_the_consent() {
    let _fx = Fixture::new();
    let id = grant_default();
    at_block(9, T0 + DAY);
    let r = transfer(HOSPITAL, &id, 1, "health.lab-results", "treatment").expect("allowed");
    let receipt = json!({"consent_id": "1", "seq": 0, "data_hash": data_hash(1),
        "category": "health.lab-results", "purpose": "treatment",
        "recorded_by": HOSPITAL.to_string(), "at_ms": T0 + DAY, "height": 9});
    assert_eq!(r, receipt);
    assert_eq!(
        events(),
        [(
            "consent.transfer_recorded".to_owned(),
            json!({"consent_id": "1", "seq": 0, "subject": SUBJECT, "provider": PROVIDER,
                   "recipient": RECIPIENT, "category": "health.lab-results", "purpose": "treatment",
                   "data_hash": data_hash(1), "recorded_by": HOSPITAL.to_string(),
                   "at_ms": T0 + DAY, "height": 9})
        )]
    );
    at_block(10, T0 + DAY + 5);
    for n in 2..=4 {
        let r = transfer(HOSPITAL, &id, n, "contact.email", "treatment").expect("allowed");
        assert_eq!(r["seq"], u64::from(n) - 1);
    }
    let page = |after: Value, limit| {
        query(json!({"transfers": {"consent_id": "1", "start_after": after, "limit": limit}}))
    };
    let first = page(Value::Null, 2);
    assert_eq!(first["consent_id"], "1");
    assert_eq!(first["transfers"][0], receipt);
    assert_eq!(first["transfers"][1]["data_hash"], data_hash(2));
    let rest = page(json!(1), 10);
    let seqs: Vec<u64> = rest["transfers"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|t| t["seq"].as_u64())
        .collect();
    assert_eq!(seqs, [2, 3]);
    assert_eq!(page(json!(3), 10)["transfers"], json!([]));
    assert_eq!(
        query(json!({"transfers": {"consent_id": "1"}}))["transfers"].as_array().map(Vec::len),
        Some(4)
    );
}

#[test]
fn only_a_controller_of_the_provider_may_record() {
    let _fx = Fixture::new();
    let id = grant_default();
    for who in [ALICE, MALLORY] {
        let err =
            transfer(who, &id, 1, "contact.email", "treatment").expect_err("not the provider");
        assert_eq!(
            err.message(),
            format!(
                "unauthorized: {who} does not control the provider {PROVIDER}: not a controller"
            )
        );
    }
    assert_eq!(query(json!({"transfers": {"consent_id": "1"}}))["transfers"], json!([]));
}

#[test]
fn transfers_the_consent_does_not_allow_are_conflicts() {
    let fx = Fixture::new();
    let id = grant_default();
    let refused = |id: &str, category: &str, purpose: &str| {
        transfer(HOSPITAL, id, 1, category, purpose).expect_err("refused").message().to_owned()
    };
    assert_eq!(
        refused(&id, "health.genome", "treatment"),
        "conflict: consent 1: category not covered: consent 1 covers [health.lab-results, contact.email], not \"health.genome\""
    );
    assert_eq!(
        refused(&id, "contact.email", "marketing"),
        "conflict: consent 1: purpose not covered: consent 1 covers [treatment], not \"marketing\""
    );
    // After withdrawal.
    at_block(2, T0 + DAY);
    call_as(ALICE, json!({"withdraw": {"consent_id": id}})).expect("withdrawn");
    at_block(3, T0 + DAY + 1);
    assert_eq!(
        refused(&id, "contact.email", "treatment"),
        format!("conflict: consent 1: withdrawn: consent 1 was withdrawn at {}", T0 + DAY)
    );
    // Not yet valid, and expired.
    let later = grant_as(ALICE, terms_with(json!({"valid_from_ms": T0 + 5 * DAY})))
        .expect("granted")["consent_id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        refused(&later, "contact.email", "treatment"),
        format!("conflict: consent 2: not yet valid: consent 2 is valid from {}", T0 + 5 * DAY)
    );
    at_block(4, T0 + 30 * DAY);
    assert_eq!(
        refused(&later, "contact.email", "treatment"),
        format!("conflict: consent 2: expired: consent 2 expired at {}", T0 + 30 * DAY)
    );
    // Refused by the policy.
    let guarded = grant_as(
        ALICE,
        terms_with(json!({"policy": POLICY.to_string(), "valid_until_ms": T0 + 60 * DAY})),
    )
    .expect("granted")["consent_id"]
        .as_str()
        .expect("id")
        .to_owned();
    fx.set_policy_answer(Ok(json!({"allowed": false, "reason": "no health-certificate"})));
    assert_eq!(
        refused(&guarded, "health.lab-results", "treatment"),
        format!(
            "conflict: consent 3: policy refused: no health-certificate (consent 3, policy {POLICY})"
        )
    );
    // The policy saw the transfer's block time.
    assert_eq!(
        fx.policy_queries().last().map(|q| q["check_transfer"]["at_ms"].clone()),
        Some(json!(T0 + 30 * DAY))
    );
    fx.set_policy_answer(Ok(json!({"allowed": true, "reason": "ok"})));
    transfer(HOSPITAL, &guarded, 1, "health.lab-results", "treatment").expect("now allowed");
    for consent in ["1", "2"] {
        assert_eq!(query(json!({"transfers": {"consent_id": consent}}))["transfers"], json!([]));
    }
}

#[test]
fn malformed_receipts_and_unknown_consents_are_refused() {
    let _fx = Fixture::new();
    grant_default();
    let err = transfer(HOSPITAL, "7", 1, "contact.email", "treatment").expect_err("unknown");
    assert_eq!(err.message(), "not found: consent 7");
    for (hash, prefix) in [
        (
            "0x1234",
            "invalid data_hash: \"0x1234\": expected 0x followed by 64 lower-case hex digits, got 4 digits",
        ),
        (&*format!("0x{}", "AB".repeat(32)), "invalid data_hash:"),
        (&*"ab".repeat(32), "invalid data_hash:"),
    ] {
        let msg = json!({"record_transfer": {"consent_id": "1", "data_hash": hash,
                                             "category": "contact.email", "purpose": "treatment"}});
        call_malformed(HOSPITAL, &msg.to_string(), prefix);
    }
    let msg = json!({"record_transfer": {"consent_id": "1", "data_hash": data_hash(1),
                                         "category": "Contact", "purpose": "treatment"}});
    call_malformed(HOSPITAL, &msg.to_string(), "invalid category:");
    assert_eq!(
        try_query(json!({"transfers": {"consent_id": "7"}})).map_err(|e| e.to_string()),
        Err("not found: consent 7".into())
    );
}
