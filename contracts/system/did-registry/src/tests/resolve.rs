//! `resolve`: the W3C resolution shape, errors as resolution metadata, and resolution of past
//! versions by id and by time.

use super::*;
use crate::datetime;
use serde_json::json;

fn resolve_with(did: &str, options: Value) -> Value {
    let mut msg = json!({"resolve": {"did": did}});
    for (k, v) in options.as_object().expect("options object") {
        msg["resolve"][k] = v.clone();
    }
    query(msg)
}

fn error_of(r: &Value) -> (String, String) {
    assert_eq!(r["didDocument"], Value::Null, "{r}");
    assert_eq!(r["didDocumentMetadata"], json!({}), "{r}");
    let m = &r["didResolutionMetadata"];
    let text = |k: &str| m[k].as_str().unwrap_or_else(|| panic!("no {k} in {r}")).to_string();
    (text("error"), text("errorMessage"))
}

#[test]
fn resolution_has_the_w3c_shape() {
    setup();
    let bank = Key::new(2);
    let did = create(&bank, doc(Some(&did_of("bank")), &bank));
    assert_eq!(
        resolve(&did),
        json!({
            "didDocument": {
                "@context": "https://www.w3.org/ns/did/v1.1",
                "id": did,
                "verificationMethod": [{
                    "id": "#key-1",
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": bank.multibase(),
                }],
                "authentication": ["#key-1"],
                "assertionMethod": ["#key-1"],
            },
            "didDocumentMetadata": {
                "created": "2026-11-30T01:02:03Z",
                "updated": "2026-11-30T01:02:03Z",
                "versionId": "1",
                "deactivated": false,
            },
            "didResolutionMetadata": {"contentType": "application/did+json"},
        })
    );
}

#[test]
fn failures_are_reported_in_resolution_metadata() {
    setup();
    let cases = [
        (did_of("nobody"), "notFound", "is not registered"),
        ("did:bayledger:mainnet:bank".to_string(), "notFound", "belongs to network \"mainnet\""),
        ("did:web:bank.example".to_string(), "methodNotSupported", "not a did:bayledger DID"),
        ("did:bayledger:testnet:a b".to_string(), "invalidDid", "may contain only"),
        ("bank".to_string(), "invalidDid", "is not a DID"),
    ];
    for (did, code, detail) in cases {
        let r = resolve(&did);
        let (error, message) = error_of(&r);
        assert_eq!(error, code, "{did}");
        assert!(message.contains(detail), "{did}: {message}");
    }
}

/// Versions 1, 2, 3 at T0, T0 + 1 s and T0 + 2.5 s, each with a different key.
fn three_versions() -> (String, [Key; 3]) {
    let keys = [Key::new(1), Key::new(2), Key::new(3)];
    let did = create(&keys[0], doc(Some(&did_of("versioned")), &keys[0]));
    for (i, (height, time)) in [(2, T0 + 1_000), (3, T0 + 2_500)].into_iter().enumerate() {
        mock::set_block(height, time);
        call_as(
            keys[i].address(),
            json!({"update": {"did": did, "document": doc(None, &keys[i + 1])}}),
        )
        .expect("updates");
    }
    (did, keys)
}

fn key_of(r: &Value) -> &str {
    r["didDocument"]["verificationMethod"][0]["publicKeyMultibase"].as_str().expect("key")
}

#[test]
fn past_versions_resolve_by_id_with_their_successor() {
    setup();
    let (did, keys) = three_versions();
    for (v, key) in keys.iter().enumerate() {
        let r = resolve_with(&did, json!({"version_id": (v + 1).to_string()}));
        assert_eq!(key_of(&r), key.multibase(), "version {}", v + 1);
        assert_eq!(r["didDocumentMetadata"]["versionId"], (v + 1).to_string());
    }
    let v2 = resolve_with(&did, json!({"version_id": "2"}));
    assert_eq!(
        v2["didDocumentMetadata"],
        json!({
            "created": "2026-11-30T01:02:03Z",
            "updated": "2026-11-30T01:02:04Z",
            "versionId": "2",
            "deactivated": false,
            "nextUpdate": "2026-11-30T01:02:05.500Z",
            "nextVersionId": "3",
        })
    );
    let latest = resolve_with(&did, json!({"version_id": "3"}));
    assert_eq!(latest, resolve(&did), "the latest version has no successor");
    let (error, message) = error_of(&resolve_with(&did, json!({"version_id": "4"})));
    assert_eq!(
        (error.as_str(), message),
        ("notFound", format!("{did} has no version 4 (the latest is 3)"))
    );
    let (error, _) = error_of(&resolve_with(&did, json!({"version_id": "0"})));
    assert_eq!(error, "invalidOptions");
}

#[test]
fn version_time_resolves_the_version_in_force_then() {
    setup();
    let (did, keys) = three_versions();
    let at = |time: Value| resolve_with(&did, json!({"version_time": time}));
    let cases =
        [(T0, 0), (T0 + 999, 0), (T0 + 1_000, 1), (T0 + 2_499, 1), (T0 + 2_500, 2), (u64::MAX, 2)];
    for (time, key) in cases {
        assert_eq!(key_of(&at(json!(time))), keys[key].multibase(), "ms {time}");
        // The same instant as an XML dateTime, when it is one.
        if time < 253_402_300_800_000 {
            let text = datetime::format_ms(time);
            assert_eq!(key_of(&at(json!(text))), keys[key].multibase(), "{text}");
        }
    }
    // The printed `updated` of a version resolves back to that version.
    let v3 = resolve(&did);
    let updated = v3["didDocumentMetadata"]["updated"].clone();
    assert_eq!(at(updated)["didDocumentMetadata"]["versionId"], "3");
    // Time zones are honoured.
    assert_eq!(key_of(&at(json!("2026-11-30T02:02:04+01:00"))), keys[1].multibase());

    let (error, message) = error_of(&at(json!(T0 - 1)));
    assert_eq!(error, "notFound");
    assert_eq!(message, format!("{did} did not exist at 2026-11-30T01:02:02.999Z"));
    let (error, message) = error_of(&at(json!("30/11/2026")));
    assert!(error == "invalidOptions" && message.starts_with("version_time: "), "{message}");
    let both = resolve_with(&did, json!({"version_id": "1", "version_time": T0}));
    assert_eq!(
        error_of(&both),
        ("invalidOptions".into(), "give version_id or version_time, not both".into())
    );
}

#[test]
fn nulls_mean_the_current_version_and_bad_option_types_are_refused() {
    setup();
    let (did, _) = three_versions();
    let r = resolve_with(&did, json!({"version_id": null, "version_time": null}));
    assert_eq!(r, resolve(&did));
    for bad in [json!({"version_time": -1}), json!({"version_time": 1.5}), json!({"version_id": 2})]
    {
        let mut msg = json!({"resolve": {"did": did}});
        for (k, v) in bad.as_object().expect("object") {
            msg["resolve"][k] = v.clone();
        }
        let err = try_query(msg.clone()).expect_err("refused");
        assert!(err.message().starts_with("invalid message: "), "{msg}: {err}");
        assert!(!schemas::accepts("query.json", &msg), "the schema refuses {msg} too");
    }
}
