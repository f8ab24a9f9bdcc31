//! Read access: consent views over time, history, lists by subject and provider, limits.

use super::*;
use crate::validate::MAX_NAME_LEN;

#[test]
fn a_consent_reads_differently_over_time_with_expiry_derived() {
    let _fx = Fixture::new();
    at_block(3, T0 + 10);
    grant_as(ALICE, terms_with(json!({"valid_from_ms": T0 + DAY}))).expect("granted");
    let at = |t: u64| query(json!({"consent": {"id": "1", "at_ms": t}}));
    assert_eq!(at(T0)["status"], "not_yet_given");
    assert_eq!(at(T0)["history"], json!([]));
    assert_eq!(at(T0 + 10)["status"], "pending");
    assert_eq!(at(T0 + DAY)["status"], "active");
    let expired = at(T0 + 30 * DAY);
    assert_eq!(expired["status"], "expired");
    assert_eq!(expired["status_at_ms"], T0 + 30 * DAY);
    assert_eq!(
        expired["history"][1],
        json!({"seq": 1, "event": "expired", "at_ms": T0 + 30 * DAY, "height": null,
               "actor": null, "submitted_by": null, "via": "derived"})
    );
    // Without at_ms: the block time. Moving the clock past the window expires it without
    // any transaction, and emits nothing.
    assert_eq!(query(json!({"consent": {"id": "1"}}))["status"], "pending");
    at_block(4, T0 + 31 * DAY);
    mock::take_events();
    assert_eq!(query(json!({"consent": {"id": "1"}}))["status"], "expired");
    assert_eq!(query(json!({"history": {"id": "1"}}))["events"][1]["event"], "expired");
    assert!(mock::events().is_empty());
}

#[test]
fn history_pages() {
    let _fx = Fixture::new();
    grant_default();
    at_block(2, T0 + 5);
    call_as(ALICE, json!({"withdraw": {"consent_id": "1"}})).expect("withdrawn");
    let page = |after: Value, limit: Value| {
        query(json!({"history": {"id": "1", "start_after": after, "limit": limit}}))
    };
    let all = page(Value::Null, Value::Null);
    assert_eq!((all["id"].clone(), all["at_ms"].clone()), (json!("1"), json!(T0 + 5)));
    let kinds = |v: &Value| {
        v["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| e["event"].as_str().map(str::to_owned))
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&all), [Some("given".to_owned()), Some("withdrawn".to_owned())]);
    assert_eq!(kinds(&page(Value::Null, json!(1))), [Some("given".to_owned())]);
    assert_eq!(kinds(&page(json!(0), json!(1))), [Some("withdrawn".to_owned())]);
    assert_eq!(kinds(&page(json!(1), Value::Null)), Vec::<Option<String>>::new());
    // As of before the withdrawal.
    let before = query(json!({"history": {"id": "1", "at_ms": T0 + 4}}));
    assert_eq!(kinds(&before), [Some("given".to_owned())]);
}

#[test]
fn consents_are_listed_by_subject_and_by_provider() {
    let fx = Fixture::new();
    let bob = "did:bayledger:test:bob";
    let lab = "did:bayledger:test:lab-sz";
    fx.set_controller(bob, Address([0xbb; 20]));
    grant_default(); // 1: alice → hospital
    grant_as(Address([0xbb; 20]), terms_with(json!({"subject": bob}))).expect("2: bob → hospital");
    grant_as(ALICE, terms_with(json!({"provider": lab, "valid_until_ms": T0 + DAY})))
        .expect("3: alice → lab");
    grant_default(); // 4
    let ids = |v: &Value| {
        v["consents"]
            .as_array()
            .expect("list")
            .iter()
            .map(|c| c["id"].as_str().expect("id").to_owned())
            .collect::<Vec<_>>()
    };
    let by_subject = |after: Value, limit: u32, at: Value| {
        query(json!({"consents_by_subject":
        {"subject": SUBJECT, "start_after": after, "limit": limit, "at_ms": at}}))
    };
    assert_eq!(ids(&by_subject(Value::Null, 10, Value::Null)), ["1", "3", "4"]);
    assert_eq!(ids(&by_subject(Value::Null, 2, Value::Null)), ["1", "3"]);
    assert_eq!(ids(&by_subject(json!("3"), 2, Value::Null)), ["4"]);
    assert_eq!(ids(&by_subject(json!("4"), 2, Value::Null)), Vec::<String>::new());
    let later = by_subject(Value::Null, 10, json!(T0 + 2 * DAY));
    assert_eq!(later["at_ms"], T0 + 2 * DAY);
    assert_eq!(
        later["consents"][1],
        json!({"id": "3", "subject": SUBJECT, "provider": lab, "recipient": RECIPIENT, "cross_border": true,
               "valid_from_ms": T0, "valid_until_ms": T0 + DAY, "status": "expired"})
    );
    let by_provider = query(json!({"consents_by_provider": {"provider": PROVIDER}}));
    assert_eq!(ids(&by_provider), ["1", "2", "4"]);
    assert_eq!(by_provider["consents"][1]["subject"], bob);
    assert_eq!(
        ids(&query(json!({"consents_by_provider": {"provider": "did:web:nobody.example"}}))),
        Vec::<String>::new()
    );
    for (msg, prefix) in [
        (json!({"consents_by_subject": {"subject": "bob"}}), "invalid subject:"),
        (
            json!({"consents_by_provider": {"provider": PROVIDER, "start_after": "x"}}),
            "invalid start_after:",
        ),
        (json!({"delegation_nonce": {"subject": "nobody"}}), "invalid subject:"),
        (json!({"consent": {"id": "0"}}), "invalid id:"),
    ] {
        assert!(!schema::is_valid("query", &msg), "schema accepts {msg}");
        let err = mock::query(contract::query, msg.to_string().as_bytes()).expect_err("refused");
        assert!(err.message().starts_with(prefix), "{msg}: {err}");
    }
}

#[test]
fn list_pages_default_to_ten_cap_at_one_hundred_and_fit_the_return_limit() {
    let fx = Fixture::new();
    // 100 consents with the longest DIDs, so the largest page is as big as it gets.
    let long = |tag: &str, i: usize| {
        format!("did:bayledger:{tag}:{}{i:03}", "x".repeat(128 - 18 - tag.len()))
    };
    let subject = long("s", 0);
    fx.set_controller(&subject, ALICE);
    let categories: Vec<String> =
        (0..16).map(|i| format!("{}{i:02}", "c".repeat(MAX_NAME_LEN - 2))).collect();
    for i in 0..101 {
        let t = terms_with(
            json!({"subject": subject, "provider": long("p", i), "recipient": long("r", i),
                                  "data_categories": categories}),
        );
        grant_as(ALICE, t).expect("granted");
    }
    let page =
        |limit: Value| query(json!({"consents_by_subject": {"subject": subject, "limit": limit}}));
    assert_eq!(page(Value::Null)["consents"].as_array().map(Vec::len), Some(10));
    let biggest = page(json!(1000));
    assert_eq!(biggest["consents"].as_array().map(Vec::len), Some(100));
    let bytes = biggest.to_string().len();
    assert!(bytes < bayledger_contract_sdk::limits::MAX_RETURN_LEN, "{bytes} bytes");
    // The largest single view and event also fit.
    let view = query(json!({"consent": {"id": "101"}}));
    assert!(view.to_string().len() < 8 * 1024, "{}", view.to_string().len());
}

#[test]
fn queries_refuse_unknown_consents_and_malformed_messages() {
    let _fx = Fixture::new();
    for msg in [json!({"consent": {"id": "3"}}), json!({"history": {"id": "3"}})] {
        assert_eq!(try_query(msg).map_err(|e| e.to_string()), Err("not found: consent 3".into()));
    }
    for raw in
        [r#"{"consent":{"id":"1","x":1}}"#, r#"{"config":{},"check":{}}"#, "[]", r#"{"audit":{}}"#]
    {
        let v: Value = serde_json::from_str(raw).expect("JSON");
        assert!(!schema::is_valid("query", &v), "schema accepts {raw}");
        let err = mock::query(contract::query, raw.as_bytes()).expect_err(raw);
        assert!(err.message().starts_with("invalid message:"), "{raw}: {err}");
    }
}
