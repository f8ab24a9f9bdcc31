//! `holds_valid`: the cross-contract interface of docs/domain-contracts.md.

use super::*;

const ID: &str = "urn:uuid:hv-1";

fn expect(at_ms: u64, valid: bool, credential_id: Option<&str>, reason: &str) {
    assert_eq!(
        holds_valid(at_ms),
        json!({"valid": valid, "credential_id": credential_id, "reason": reason}),
        "at {at_ms}"
    );
}

#[test]
fn an_active_credential_in_its_window_from_an_authorised_issuer_is_valid() {
    with_type();
    at(2, T0 + HOUR);
    issue(ID, 1);
    expect(
        T0 + HOUR,
        true,
        Some(ID),
        "credential \"urn:uuid:hv-1\" is active, within its validity window, and from an authorised issuer",
    );
    // at_ms omitted: the latest block's time.
    let now = query(json!({"holds_valid": {"subject": TRAVELLER, "credential_type": HEALTH}}));
    assert_eq!(now["valid"], json!(true));
    // Other subjects and other types hold nothing.
    let other = query(json!({"holds_valid": {"subject": TRAVELLER_2, "credential_type": HEALTH}}));
    assert_eq!(
        other,
        json!({
            "valid": false,
            "credential_id": null,
            "reason": format!("{TRAVELLER_2} holds no \"health-certificate\" credential issued by {}", T0 + HOUR),
        })
    );
    let other_type =
        query(json!({"holds_valid": {"subject": TRAVELLER, "credential_type": VACCINATION}}));
    assert_eq!(other_type["valid"], json!(false));
}

#[test]
fn before_issuance_nothing_is_held() {
    with_type();
    at(2, T0 + DAY);
    issue(ID, 1);
    expect(
        T0 + DAY - 1,
        false,
        None,
        &format!(
            "{TRAVELLER} holds no \"health-certificate\" credential issued by {}",
            T0 + DAY - 1
        ),
    );
}

#[test]
fn the_validity_window_bounds_validity() {
    with_type();
    let mut msg = issue_msg(ID, 1);
    msg["issue"]["valid_from_ms"] = json!(T0 + DAY);
    msg["issue"]["valid_until_ms"] = json!(T0 + 30 * DAY);
    ok(GD_KEY, msg);
    expect(
        T0 + DAY - 1,
        false,
        Some(ID),
        &format!("credential \"{ID}\" is not valid before {}", T0 + DAY),
    );
    assert_eq!(holds_valid(T0 + DAY)["valid"], json!(true));
    assert_eq!(holds_valid(T0 + 30 * DAY - 1)["valid"], json!(true));
    expect(
        T0 + 30 * DAY,
        false,
        Some(ID),
        &format!("credential \"{ID}\" is expired at {}", T0 + 30 * DAY),
    );
}

#[test]
fn suspension_and_revocation_count_from_their_time() {
    with_type();
    issue(ID, 1);
    at(2, T0 + DAY);
    ok(GD_KEY, json!({"suspend": {"id": ID, "reason": "review"}}));
    at(3, T0 + 2 * DAY);
    ok(GD_KEY, json!({"reinstate": {"id": ID, "reason": "cleared"}}));
    at(4, T0 + 3 * DAY);
    ok(GD_KEY, json!({"revoke": {"id": ID, "reason": "fraud"}}));
    let valid = |t: u64| holds_valid(t)["valid"].clone();
    assert_eq!(
        [T0, T0 + DAY - 1, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY - 1, T0 + 3 * DAY].map(valid),
        [true, true, false, true, true, false].map(|b| json!(b))
    );
    expect(T0 + DAY, false, Some(ID), &format!("credential \"{ID}\" is suspended at {}", T0 + DAY));
    expect(
        T0 + 3 * DAY,
        false,
        Some(ID),
        &format!("credential \"{ID}\" is revoked at {}", T0 + 3 * DAY),
    );
}

#[test]
fn a_removed_issuer_invalidates_from_its_removal_on() {
    with_type();
    issue(ID, 1);
    at(2, T0 + DAY);
    ok(COMMITTEE, json!({"remove_issuer": {"credential_type": HEALTH, "issuer": GD}}));
    assert_eq!(holds_valid(T0 + DAY - 1)["valid"], json!(true));
    expect(
        T0 + DAY,
        false,
        Some(ID),
        &format!(
            "issuer {GD} of credential \"{ID}\" is not authorised for \"health-certificate\" at {}",
            T0 + DAY
        ),
    );
    assert_eq!(credential(ID, None)["issuer_authorized"], json!(false));
    assert_eq!(credential(ID, Some(T0))["issuer_authorized"], json!(true));
    // Re-admission makes its earlier credentials count again from then on.
    at(3, T0 + 2 * DAY);
    ok(COMMITTEE, json!({"add_issuer": {"credential_type": HEALTH, "issuer": GD}}));
    assert_eq!(holds_valid(T0 + 2 * DAY)["valid"], json!(true));
    assert_eq!(holds_valid(T0 + DAY + 1)["valid"], json!(false));
}

#[test]
fn the_latest_valid_credential_is_named() {
    with_type();
    issue("urn:first", 1);
    at(2, T0 + DAY);
    issue("urn:second", 2);
    at(3, T0 + 2 * DAY);
    issue("urn:third", 3);
    ok(GD_KEY, json!({"revoke": {"id": "urn:third", "reason": "replaced"}}));
    // The third is revoked, so the second (latest valid) is named; at T0 only the first existed.
    assert_eq!(holds_valid(T0 + 2 * DAY)["credential_id"], json!("urn:second"));
    assert_eq!(holds_valid(T0 + DAY - 1)["credential_id"], json!("urn:first"));
    ok(GD_KEY, json!({"revoke": {"id": "urn:second", "reason": "replaced"}}));
    ok(GD_KEY, json!({"revoke": {"id": "urn:first", "reason": "replaced"}}));
    // None valid: the latest one issued and why.
    expect(
        T0 + 2 * DAY,
        false,
        Some("urn:third"),
        &format!("credential \"urn:third\" is revoked at {}", T0 + 2 * DAY),
    );
}

#[test]
fn credentials_of_other_issuers_count_when_they_are_authorised() {
    with_type();
    ok(COMMITTEE, json!({"add_issuer": {"credential_type": HEALTH, "issuer": HK}}));
    let mut msg = issue_msg(ID, 1);
    msg["issue"]["issuer"] = json!(HK);
    ok(HK_KEY, msg);
    assert_eq!(holds_valid(T0)["valid"], json!(true));
}

#[test]
fn holds_valid_checks_its_input() {
    with_type();
    assert_eq!(
        query_fails_invalid(
            json!({"holds_valid": {"subject": "traveller", "credential_type": HEALTH}})
        ),
        "invalid subject: \"traveller\" is not a DID (did:<method>:<id>)"
    );
    assert!(
        query_fails_invalid(
            json!({"holds_valid": {"subject": TRAVELLER, "credential_type": "Health"}})
        )
        .starts_with("invalid credential_type:")
    );
    assert!(
        query_fails_invalid(json!({"holds_valid": {"subject": TRAVELLER}}))
            .starts_with("invalid message: missing field `credential_type`")
    );
}
