//! Issuers per type: admission and removal by the committee, periods, and the issuer queries.

use super::*;
use crate::issuers::MAX_PERIODS;

fn add(sender: Address, issuer: &str) -> Result<(), Error> {
    call_as(sender, json!({"add_issuer": {"credential_type": HEALTH, "issuer": issuer}}))
}

fn remove(sender: Address, issuer: &str) -> Result<(), Error> {
    call_as(sender, json!({"remove_issuer": {"credential_type": HEALTH, "issuer": issuer}}))
}

fn authorized(issuer: &str, at_ms: Option<u64>) -> Value {
    query(
        json!({"is_authorized_issuer": {"credential_type": HEALTH, "issuer": issuer, "at_ms": at_ms}}),
    )
}

#[test]
fn admission_and_removal_keep_dated_periods() {
    setup();
    ok(COMMITTEE, register_type_msg(HEALTH, 1));
    at(2, T0 + 10);
    add(COMMITTEE, GD).expect("admits");
    assert_eq!(
        events(),
        [("credential.issuer_added".into(), json!({"credential_type": HEALTH, "issuer": GD}))]
    );
    at(3, T0 + 20);
    remove(COMMITTEE, GD).expect("removes");
    assert_eq!(
        events(),
        [("credential.issuer_removed".into(), json!({"credential_type": HEALTH, "issuer": GD}))]
    );
    at(4, T0 + 30);
    add(COMMITTEE, GD).expect("re-admits");

    assert_eq!(
        query(json!({"issuers": {"credential_type": HEALTH}})),
        json!({"credential_type": HEALTH, "issuers": [{
            "issuer": GD,
            "authorized": true,
            "periods": [
                {"from_ms": T0 + 10, "from_height": 2, "until_ms": T0 + 20, "until_height": 3},
                {"from_ms": T0 + 30, "from_height": 4, "until_ms": null, "until_height": null},
            ],
        }]})
    );
    let at_time = |t: u64| authorized(GD, Some(t))["authorized"].clone();
    assert_eq!(
        [T0 + 9, T0 + 10, T0 + 19, T0 + 20, T0 + 29, T0 + 30].map(at_time),
        [false, true, true, false, false, true].map(|b| json!(b))
    );
    assert_eq!(
        authorized(GD, Some(T0 + 25)),
        json!({
            "authorized": false,
            "at_ms": T0 + 25,
            "reason": format!("{GD} was not authorised for \"health-certificate\" at {}", T0 + 25),
        })
    );
    // Without at_ms: the latest block's time.
    assert_eq!(
        authorized(GD, None),
        json!({
            "authorized": true,
            "at_ms": T0 + 30,
            "reason": format!("{GD} was authorised for \"health-certificate\" at {}", T0 + 30),
        })
    );
}

#[test]
fn only_the_committee_admits_and_removes_issuers() {
    with_type();
    for sender in [STRANGER, OWNER, GD_KEY] {
        assert_eq!(
            add(sender, HK).expect_err("refused").message(),
            format!("unauthorized: only the committee {COMMITTEE} may admit issuers")
        );
        assert_eq!(
            remove(sender, GD).expect_err("refused").message(),
            format!("unauthorized: only the committee {COMMITTEE} may remove issuers")
        );
    }
    assert_eq!(authorized(GD, None)["authorized"], json!(true));
    assert_eq!(authorized(HK, None)["authorized"], json!(false));
}

#[test]
fn admissions_need_a_known_type_and_a_change() {
    with_type();
    assert_eq!(
        add(COMMITTEE, GD).expect_err("twice").message(),
        format!("already exists: issuer {GD} is already authorised for \"health-certificate\"")
    );
    assert_eq!(
        remove(COMMITTEE, HK).expect_err("never admitted").message(),
        format!("not found: issuer {HK} is not authorised for \"health-certificate\"")
    );
    remove(COMMITTEE, GD).expect("removes");
    assert_eq!(
        remove(COMMITTEE, GD).expect_err("already removed").message(),
        format!("not found: issuer {GD} is not authorised for \"health-certificate\"")
    );
    let unknown = json!({"add_issuer": {"credential_type": VACCINATION, "issuer": GD}});
    assert_eq!(fails(COMMITTEE, unknown), "not found: credential type \"vaccination-record\"");
    let bad_did = json!({"add_issuer": {"credential_type": HEALTH, "issuer": "guangdong"}});
    assert_eq!(
        fails_invalid(COMMITTEE, bad_did),
        "invalid issuer: \"guangdong\" is not a DID (did:<method>:<id>)"
    );
    assert_eq!(
        query_fails(json!({"issuers": {"credential_type": VACCINATION}})),
        "not found: credential type \"vaccination-record\""
    );
    assert_eq!(
        query(json!({"is_authorized_issuer": {"credential_type": VACCINATION, "issuer": GD}})),
        json!({
            "authorized": false,
            "at_ms": T0,
            "reason": "credential type \"vaccination-record\" is not registered",
        })
    );
}

#[test]
fn admission_periods_are_bounded() {
    with_type();
    for i in 1..MAX_PERIODS as u64 {
        at(1 + 2 * i, T0 + 2 * i);
        remove(COMMITTEE, GD).expect("removes");
        at(2 + 2 * i, T0 + 2 * i + 1);
        add(COMMITTEE, GD).expect("re-admits");
    }
    remove(COMMITTEE, GD).expect("removes");
    assert_eq!(
        add(COMMITTEE, GD).expect_err("limit").message(),
        format!("limit: issuer {GD} has been admitted for \"health-certificate\" 32 times")
    );
    let issuers = query(json!({"issuers": {"credential_type": HEALTH}}));
    assert_eq!(issuers["issuers"][0]["periods"].as_array().map(Vec::len), Some(32));
}

#[test]
fn issuers_page_in_did_order() {
    with_type();
    let dids: Vec<String> =
        (0..5).map(|i| format!("did:bayledger:test:authority-{i}")).rev().collect();
    for did in &dids {
        add(COMMITTEE, did).expect("admits");
    }
    let page = |start_after: Option<&str>| -> Vec<String> {
        query(
            json!({"issuers": {"credential_type": HEALTH, "start_after": start_after, "limit": 3}}),
        )["issuers"]
            .as_array()
            .expect("array")
            .iter()
            .map(|i| i["issuer"].as_str().expect("did").to_string())
            .collect()
    };
    let a = |i: u8| format!("did:bayledger:test:authority-{i}");
    assert_eq!(page(None), [a(0), a(1), a(2)]);
    assert_eq!(page(Some(&a(2))), [a(3), a(4), GD.to_string()]);
    assert_eq!(page(Some(GD)), Vec::<String>::new());
}
