//! `credentials_by_subject` and `credentials_by_issuer`.

use super::*;

fn ids(response: Value) -> Vec<String> {
    response["credentials"]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect()
}

/// GD issues urn:h0..h2 (health) and urn:v0 (vaccination) to TRAVELLER, urn:o0 to TRAVELLER_2;
/// HK issues urn:k0 (health) to TRAVELLER.
fn populated() {
    with_type();
    ok(COMMITTEE, register_type_msg(VACCINATION, 2));
    ok(COMMITTEE, json!({"add_issuer": {"credential_type": VACCINATION, "issuer": GD}}));
    ok(COMMITTEE, json!({"add_issuer": {"credential_type": HEALTH, "issuer": HK}}));
    issue("urn:h0", 1);
    let mut v = issue_msg("urn:v0", 2);
    v["issue"]["credential_type"] = json!(VACCINATION);
    ok(GD_KEY, v);
    issue("urn:h1", 3);
    let mut o = issue_msg("urn:o0", 4);
    o["issue"]["subject"] = json!(TRAVELLER_2);
    ok(GD_KEY, o);
    let mut k = issue_msg("urn:k0", 5);
    k["issue"]["issuer"] = json!(HK);
    ok(HK_KEY, k);
    issue("urn:h2", 6);
}

#[test]
fn a_subjects_credentials_page_by_type_then_newest_first() {
    populated();
    let by_subject = |extra: Value| {
        let mut msg = json!({"credentials_by_subject": {"subject": TRAVELLER}});
        for (k, v) in extra.as_object().expect("object") {
            msg["credentials_by_subject"][k] = v.clone();
        }
        ids(query(msg))
    };
    assert_eq!(by_subject(json!({})), ["urn:h2", "urn:k0", "urn:h1", "urn:h0", "urn:v0"]);
    assert_eq!(by_subject(json!({"limit": 2})), ["urn:h2", "urn:k0"]);
    assert_eq!(by_subject(json!({"start_after": "urn:k0", "limit": 2})), ["urn:h1", "urn:h0"]);
    assert_eq!(by_subject(json!({"start_after": "urn:h0"})), ["urn:v0"]);
    assert_eq!(by_subject(json!({"credential_type": VACCINATION})), ["urn:v0"]);
    assert_eq!(
        by_subject(json!({"credential_type": HEALTH, "start_after": "urn:k0"})),
        ["urn:h1", "urn:h0"]
    );
    ok(GD_KEY, json!({"suspend": {"id": "urn:h2", "reason": "review"}}));
    let first = query(json!({"credentials_by_subject": {"subject": TRAVELLER, "limit": 1}}));
    assert_eq!(
        first,
        json!({"credentials": [{
            "id": "urn:h2",
            "credential_type": HEALTH,
            "issuer": GD,
            "subject": TRAVELLER,
            "issued_at_ms": T0,
            "valid_from_ms": T0,
            "valid_until_ms": T0 + 365 * DAY,
            "status": "suspended",
        }]})
    );
}

#[test]
fn an_issuers_credentials_page_in_status_index_order() {
    populated();
    let by_issuer = |issuer: &str, start_after: Option<&str>, limit: u32| {
        ids(query(
            json!({"credentials_by_issuer": {"issuer": issuer, "start_after": start_after, "limit": limit}}),
        ))
    };
    assert_eq!(by_issuer(GD, None, 10), ["urn:h0", "urn:v0", "urn:h1", "urn:o0", "urn:h2"]);
    assert_eq!(by_issuer(GD, Some("urn:v0"), 2), ["urn:h1", "urn:o0"]);
    assert_eq!(by_issuer(HK, None, 10), ["urn:k0"]);
    assert_eq!(by_issuer("did:bayledger:test:nobody", None, 10), Vec::<String>::new());
}

#[test]
fn start_after_must_belong_to_the_list() {
    populated();
    assert_eq!(
        query_fails(
            json!({"credentials_by_subject": {"subject": TRAVELLER, "start_after": "urn:o0"}})
        ),
        "invalid start_after: credential \"urn:o0\" is not in this list"
    );
    assert_eq!(
        query_fails(json!({"credentials_by_subject": {
            "subject": TRAVELLER, "credential_type": VACCINATION, "start_after": "urn:h0"
        }})),
        "invalid start_after: credential \"urn:h0\" is not in this list"
    );
    assert_eq!(
        query_fails(json!({"credentials_by_issuer": {"issuer": HK, "start_after": "urn:h0"}})),
        "invalid start_after: credential \"urn:h0\" is not in this list"
    );
    assert_eq!(
        query_fails(json!({"credentials_by_issuer": {"issuer": HK, "start_after": "urn:none"}})),
        "not found: credential \"urn:none\""
    );
}

#[test]
fn pages_default_to_ten_and_cap_at_one_hundred() {
    with_type();
    for i in 0..105u32 {
        let mut msg = issue_msg(&format!("urn:n:{i:03}"), 0);
        msg["issue"]["vc_hash"] = json!(format!("0x{i:064x}"));
        ok(GD_KEY, msg);
    }
    let count = |limit: Value| {
        query(json!({"credentials_by_issuer": {"issuer": GD, "limit": limit}}))["credentials"]
            .as_array()
            .map(Vec::len)
    };
    assert_eq!(count(Value::Null), Some(10));
    assert_eq!(count(json!(1000)), Some(100));
    assert_eq!(count(json!(0)), Some(0));
    assert_eq!(
        ids(query(
            json!({"credentials_by_subject": {"subject": TRAVELLER, "start_after": "urn:n:001"}})
        )),
        ["urn:n:000"]
    );
}
