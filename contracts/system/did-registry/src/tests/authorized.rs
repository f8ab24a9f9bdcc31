//! `authorized`: the cross-contract interface of docs/domain-contracts.md.

use super::*;
use serde_json::json;

#[test]
fn answers_with_a_reason_either_way() {
    setup();
    let (alice, mallory) = (Key::new(1), Key::new(9));
    let did = create(&alice, doc(None, &alice));
    assert_eq!(
        query(json!({"authorized": {"did": did, "address": alice.address().to_string()}})),
        json!({"authorized": true, "reason": format!("authentication method {did}#key-1")})
    );
    assert_eq!(
        query(json!({"authorized": {"did": did, "address": mallory.address().to_string()}})),
        json!({
            "authorized": false,
            "reason": format!(
                "not a controller: {} is not the address of an authentication method of {did} \
                 or of one of its controllers",
                mallory.address()
            ),
        })
    );
    // Upper-case hex digits name the same address.
    let upper = format!("0x{}", alice.address().to_string()[2..].to_uppercase());
    assert_eq!(query(json!({"authorized": {"did": did, "address": upper}}))["authorized"], true);
}

#[test]
fn unknown_dids_are_not_authorized() {
    setup();
    let alice = Key::new(1);
    for (did, detail) in [
        (did_of("ghost"), "is not registered"),
        ("did:web:bank.example".to_string(), "method not supported"),
        ("did:bayledger:mainnet:bank".to_string(), "belongs to network"),
    ] {
        let (ok, reason) = authorized(&did, alice.address());
        assert!(!ok);
        assert!(reason.starts_with("unknown DID: ") && reason.contains(detail), "{reason}");
    }
}

#[test]
fn keys_in_other_relationships_do_not_authorize() {
    setup();
    let (alice, assistant) = (Key::new(1), Key::new(2));
    let mut d = doc(None, &alice);
    d["verificationMethod"] =
        json!([alice.multikey_method("#key-1"), assistant.jwk_method("#assist")]);
    d["assertionMethod"] = json!(["#assist"]);
    d["capabilityInvocation"] = json!(["#assist"]);
    let did = create(&alice, d);
    assert!(authorized(&did, alice.address()).0);
    assert!(!authorized(&did, assistant.address()).0);
}

#[test]
fn malformed_input_is_an_error() {
    setup();
    let alice = Key::new(1);
    let did = create(&alice, doc(None, &alice));
    let err = |did: &str, address: &str| {
        try_query(json!({"authorized": {"did": did, "address": address}}))
            .expect_err("refused")
            .message()
            .to_string()
    };
    let hex = &alice.address().to_string()[2..];
    assert_eq!(err(&did, hex), format!("invalid address \"{hex}\": address must start with 0x"));
    assert!(
        err(&did, "0x1234")
            .starts_with("invalid address \"0x1234\": address must be 40 hex digits")
    );
    assert!(
        err("did:bayledger:testnet:", &alice.address().to_string()).starts_with("invalid did: ")
    );
}
