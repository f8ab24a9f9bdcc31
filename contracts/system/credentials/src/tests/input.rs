//! Malformed messages: the contract and the schemas refuse the same inputs, with a reason.

use super::*;

#[test]
fn malformed_calls_are_refused_with_a_reason() {
    with_type();
    let refusal = |msg: &[u8]| send(GD_KEY, msg).expect_err("refused").message().to_string();
    assert!(refusal(b"revoke urn:x").starts_with("invalid message:"));
    assert!(refusal(b"").starts_with("invalid message:"));
    assert!(refusal(b"{}").starts_with("invalid message:"));
    for (msg, starts) in [
        (json!({"delete": {"id": "urn:x"}}), "invalid message: unknown variant `delete`"),
        (
            json!({"revoke": {"id": "urn:x", "reason": "r", "by": "me"}}),
            "invalid message: unknown field `by`",
        ),
        (
            json!({"add_issuer": {"credential_type": HEALTH}}),
            "invalid message: missing field `issuer`",
        ),
        (json!({"set_committee": {}}), "invalid message: missing field `committee`"),
        (json!({"issue": {"id": 5}}), "invalid message: invalid type: integer `5`"),
    ] {
        let err = fails_invalid(GD_KEY, msg.clone());
        assert!(err.starts_with(starts), "{msg}: {err}");
    }
}

#[test]
fn malformed_queries_are_refused_with_a_reason() {
    with_type();
    for (msg, starts) in [
        (json!({"credential": {}}), "invalid message: missing field `id`"),
        (
            json!({"credential": {"id": "urn:x", "when": 1}}),
            "invalid message: unknown field `when`",
        ),
        (json!({"config": {}, "types": {}}), "invalid message:"),
        (json!({"types": {"limit": -1}}), "invalid message:"),
        (json!({"types": {"start_after": "Not An Id"}}), "invalid start_after:"),
        (
            json!({"issuers": {"credential_type": HEALTH, "start_after": "x"}}),
            "invalid start_after:",
        ),
        (json!({"credential": {"id": "not a uri"}}), "invalid id:"),
        (json!({"credentials_by_issuer": {"issuer": "gd"}}), "invalid issuer:"),
        (
            json!({"is_authorized_issuer": {"credential_type": HEALTH, "issuer": "gd"}}),
            "invalid issuer:",
        ),
    ] {
        let err = query_fails_invalid(msg.clone());
        assert!(err.starts_with(starts), "{msg}: {err}");
    }
    let not_json = mock::query(contract::query, b"credential").expect_err("not JSON");
    assert!(not_json.message().starts_with("invalid message:"), "{not_json}");
}

#[test]
fn the_largest_accepted_strings_fit_every_event() {
    setup();
    let longest_type = "t".repeat(64);
    let mut msg = register_type_msg(&longest_type, 1);
    msg["register_type"]["name"] = json!("\"".repeat(128));
    msg["register_type"]["description"] = json!("\\".repeat(1024));
    msg["register_type"]["schema_uri"] = json!(format!("urn:{}", "u".repeat(252)));
    ok(COMMITTEE, msg);
    let longest_did = format!("did:bayledger:{}", "d".repeat(128 - 14));
    ok(COMMITTEE, json!({"add_issuer": {"credential_type": longest_type, "issuer": longest_did}}));
    control(&longest_did, GD_KEY);
    let id = format!("urn:{}", "i".repeat(124));
    ok(
        GD_KEY,
        json!({"issue": {
            "id": id, "credential_type": longest_type, "issuer": longest_did,
            "subject": longest_did, "vc_hash": hash(9),
        }}),
    );
    ok(GD_KEY, json!({"revoke": {"id": id, "reason": "\"".repeat(256)}}));
    assert_eq!(credential(&id, None)["status"], json!("revoked"));
    assert_eq!(
        query(json!({"credentials_by_subject": {"subject": longest_did}}))["credentials"][0]["id"],
        json!(id)
    );
}
