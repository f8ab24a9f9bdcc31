//! Issuing (anchoring) credentials, and every reason it is refused.

use super::*;

const ID: &str = "urn:uuid:6f1c2c8e-7a3b-4f7e-9a55-0c1d2e3f4a5b";

#[test]
fn an_authorised_issuer_anchors_a_credential() {
    with_type();
    at(7, T0 + HOUR);
    registry_asked();
    issue(ID, 0xa1);
    // The sender's control of the issuer DID was asked of the DID registry, in its interface.
    assert_eq!(
        registry_asked(),
        [json!({"authorized": {"did": GD, "address": GD_KEY.to_string()}})]
    );
    assert_eq!(
        events(),
        [(
            "credential.issued".into(),
            json!({
                "id": ID,
                "credential_type": HEALTH,
                "issuer": GD,
                "subject": TRAVELLER,
                "vc_hash": hash(0xa1),
                "status_list": 0,
                "status_list_index": 0,
            })
        )]
    );
    assert_eq!(
        credential(ID, None),
        json!({
            "id": ID,
            "credential_type": HEALTH,
            "schema_version": 1,
            "issuer": GD,
            "subject": TRAVELLER,
            "vc_hash": hash(0xa1),
            "vc_hash_alg": "sha2-256",
            "issued_at_ms": T0 + HOUR,
            "issued_height": 7,
            "valid_from_ms": T0,
            "valid_until_ms": T0 + 365 * DAY,
            "at_ms": T0 + HOUR,
            "status": "active",
            "issuer_authorized": true,
            "status_list": 0,
            "status_list_index": 0,
            "history": [{
                "action": "issued",
                "status": "active",
                "reason": null,
                "at_ms": T0 + HOUR,
                "height": 7,
                "by": GD_KEY.to_string(),
            }],
        })
    );
}

#[test]
fn optional_fields_default() {
    with_type();
    let msg = json!({"issue": {
        "id": ID, "credential_type": HEALTH, "issuer": GD, "subject": TRAVELLER, "vc_hash": hash(1),
    }});
    ok(GD_KEY, msg);
    let c = credential(ID, None);
    assert_eq!(
        (&c["vc_hash_alg"], &c["valid_from_ms"], &c["valid_until_ms"]),
        (&json!("sha3-256"), &Value::Null, &Value::Null)
    );
}

#[test]
fn status_indexes_count_up_per_issuer_or_are_chosen() {
    with_type();
    ok(COMMITTEE, json!({"add_issuer": {"credential_type": HEALTH, "issuer": HK}}));
    issue("urn:gd:0", 1);
    issue("urn:gd:1", 2);
    let mut hk = issue_msg("urn:hk:0", 3);
    hk["issue"]["issuer"] = json!(HK);
    ok(HK_KEY, hk);
    let index = |id: &str| credential(id, None)["status_list_index"].clone();
    assert_eq!(
        [index("urn:gd:0"), index("urn:gd:1"), index("urn:hk:0")],
        [json!(0), json!(1), json!(0)]
    );

    // An index fixed in the signed VC: here the issuer's next one (2), and one in list 1.
    let mut chosen = issue_msg("urn:gd:chosen", 4);
    chosen["issue"]["status_index"] = json!(2);
    ok(GD_KEY, chosen);
    let mut far = issue_msg("urn:gd:far", 5);
    far["issue"]["status_index"] = json!(131_072 + 7);
    ok(GD_KEY, far);
    assert_eq!(events()[0].1["status_list"], json!(1));
    assert_eq!(events()[0].1["status_list_index"], json!(7));
    // Automatic numbering skips the taken index 2.
    issue("urn:gd:next", 6);
    assert_eq!(index("urn:gd:next"), json!(3));

    let mut taken = issue_msg("urn:gd:taken", 7);
    taken["issue"]["status_index"] = json!(1);
    assert_eq!(
        fails(GD_KEY, taken),
        format!("already exists: status index 1 of issuer {GD} belongs to credential \"urn:gd:1\"")
    );
}

#[test]
fn an_issuer_never_admitted_is_refused() {
    with_type();
    let mut msg = issue_msg(ID, 1);
    msg["issue"]["issuer"] = json!(HK);
    assert_eq!(
        fails(HK_KEY, msg),
        format!("unauthorized: issuer {HK} is not authorised to issue \"health-certificate\"")
    );
    // Admitted for another type only: still refused for this one.
    ok(COMMITTEE, register_type_msg(VACCINATION, 2));
    ok(COMMITTEE, json!({"add_issuer": {"credential_type": VACCINATION, "issuer": HK}}));
    let mut msg = issue_msg(ID, 1);
    msg["issue"]["issuer"] = json!(HK);
    assert!(
        fails(HK_KEY, msg).starts_with("unauthorized: issuer did:bayledger:test:hk-health is not")
    );
}

#[test]
fn a_removed_issuer_is_refused() {
    with_type();
    issue("urn:before", 1);
    at(2, T0 + DAY);
    ok(COMMITTEE, json!({"remove_issuer": {"credential_type": HEALTH, "issuer": GD}}));
    assert_eq!(
        fails(GD_KEY, issue_msg(ID, 2)),
        format!("unauthorized: issuer {GD} is not authorised to issue \"health-certificate\"")
    );
}

#[test]
fn a_sender_not_controlling_the_issuer_did_is_refused() {
    with_type();
    // HK_KEY is a real authority's key, but not GD's.
    assert_eq!(
        fails(HK_KEY, issue_msg(ID, 1)),
        format!(
            "unauthorized: {HK_KEY} does not control issuer {GD}: {HK_KEY} is not a controller of {GD}"
        )
    );
    assert_eq!(
        fails(COMMITTEE, issue_msg(ID, 1)),
        format!(
            "unauthorized: {COMMITTEE} does not control issuer {GD}: {COMMITTEE} is not a controller of {GD}"
        )
    );
    // The issuer's DID is unknown to the registry.
    ok(
        COMMITTEE,
        json!({"add_issuer": {"credential_type": HEALTH, "issuer": "did:bayledger:test:ghost"}}),
    );
    let mut ghost = issue_msg(ID, 1);
    ghost["issue"]["issuer"] = json!("did:bayledger:test:ghost");
    assert_eq!(
        fails(GD_KEY, ghost),
        format!(
            "unauthorized: {GD_KEY} does not control issuer did:bayledger:test:ghost: unknown DID did:bayledger:test:ghost"
        )
    );
    // After a key rotation in the DID registry, the new key acts for GD and the old one cannot.
    let new_key = Address([0x63; 20]);
    control(GD, new_key);
    assert!(fails(GD_KEY, issue_msg(ID, 1)).starts_with("unauthorized:"));
    ok(new_key, issue_msg(ID, 1));
}

#[test]
fn a_failing_did_registry_refuses_the_issue() {
    with_type();
    registry_fails();
    assert_eq!(
        fails(GD_KEY, issue_msg(ID, 1)),
        format!(
            "unauthorized: cannot confirm that {GD_KEY} controls issuer {GD}: the DID registry failed: invalid message: registry under test fails"
        )
    );
}

#[test]
fn an_unexpected_did_registry_answer_refuses_the_issue() {
    with_type();
    mock::on_query(DID_REGISTRY, |_| Ok(br#"{"yes":true}"#.to_vec()));
    let err = fails(GD_KEY, issue_msg(ID, 1));
    assert!(
        err.starts_with(&format!(
            "unauthorized: cannot confirm that {GD_KEY} controls issuer {GD}: unexpected DID registry answer: missing field `authorized`"
        )),
        "{err}"
    );
}

#[test]
fn expired_or_inverted_validity_is_refused() {
    with_type();
    at(9, T0 + 10 * DAY);
    let mut expired = issue_msg(ID, 1);
    expired["issue"]["valid_until_ms"] = json!(T0 + DAY);
    assert_eq!(
        fails(GD_KEY, expired),
        format!(
            "invalid valid_until_ms: {} has already passed (block time {})",
            T0 + DAY,
            T0 + 10 * DAY
        )
    );
    let mut ends_now = issue_msg(ID, 1);
    ends_now["issue"]["valid_until_ms"] = json!(T0 + 10 * DAY);
    assert!(fails(GD_KEY, ends_now).starts_with("invalid valid_until_ms:"));
    let mut inverted = issue_msg(ID, 1);
    inverted["issue"]["valid_from_ms"] = json!(T0 + 30 * DAY);
    inverted["issue"]["valid_until_ms"] = json!(T0 + 20 * DAY);
    assert_eq!(
        fails(GD_KEY, inverted),
        format!(
            "invalid valid_until_ms: {} is not after valid_from_ms {}",
            T0 + 20 * DAY,
            T0 + 30 * DAY
        )
    );
    // A window starting in the future is fine.
    let mut future = issue_msg(ID, 1);
    future["issue"]["valid_from_ms"] = json!(T0 + 20 * DAY);
    ok(GD_KEY, future);
}

#[test]
fn ids_and_vc_hashes_are_anchored_once() {
    with_type();
    issue(ID, 1);
    assert_eq!(fails(GD_KEY, issue_msg(ID, 2)), format!("already exists: credential \"{ID}\""));
    assert_eq!(
        fails(GD_KEY, issue_msg("urn:uuid:other", 1)),
        format!("already exists: vc_hash {} is anchored as credential \"{ID}\"", hash(1))
    );
}

#[test]
fn unknown_types_and_bad_fields_are_refused() {
    with_type();
    let mut unknown = issue_msg(ID, 1);
    unknown["issue"]["credential_type"] = json!(VACCINATION);
    assert_eq!(fails(GD_KEY, unknown), "not found: credential type \"vaccination-record\"");
    let with = |field: &str, value: Value| {
        let mut msg = issue_msg(ID, 1);
        msg["issue"][field] = value;
        fails_invalid(GD_KEY, msg)
    };
    assert_eq!(with("id", json!("")), "invalid id: 0 bytes; 1 to 128 bytes allowed");
    assert_eq!(
        with("id", json!("6f1c2c8e")),
        "invalid id: \"6f1c2c8e\" is not an absolute URI (scheme:…)"
    );
    assert!(
        with("id", json!(format!("urn:{}", "x".repeat(125)))).starts_with("invalid id: 129 bytes")
    );
    assert!(
        with("subject", json!("traveller"))
            .starts_with("invalid subject: \"traveller\" is not a DID")
    );
    assert!(with("issuer", json!("did:bayledger")).starts_with("invalid issuer:"));
    assert!(with("vc_hash", json!(hash(1).to_uppercase())).starts_with("invalid vc_hash:"));
    assert!(
        with("vc_hash_alg", json!("md5")).starts_with("invalid message: unknown variant `md5`")
    );
    assert!(with("valid_until_ms", json!(-1)).starts_with("invalid message:"));
    assert!(with("status_index", json!("one")).starts_with("invalid message:"));
    assert!(
        with("holder", json!(TRAVELLER)).starts_with("invalid message: unknown field `holder`")
    );
    assert_eq!(query(json!({"credentials_by_issuer": {"issuer": GD}})), json!({"credentials": []}));
}
