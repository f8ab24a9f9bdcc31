//! `create`: default and chosen ids, self-certification, controllers, duplicates, squatting.

use super::*;
use serde_json::json;

#[test]
fn create_defaults_the_did_to_the_senders_address_and_normalises_the_document() {
    setup();
    let alice = Key::new(1);
    let r = call_as(alice.address(), json!({"create": {"document": doc(None, &alice)}}))
        .expect("creates");
    let did = default_did(&alice);
    assert_eq!(r, json!({"did": did, "version_id": "1"}));
    assert_eq!(did, format!("did:bayledger:testnet:{}", &alice.address().to_string()[2..]));
    assert_eq!(events(), [("did.created".to_string(), json!({"did": did, "version_id": "1"}))]);

    let resolved = resolve(&did);
    assert_eq!(
        resolved["didDocument"],
        json!({
            "@context": "https://www.w3.org/ns/did/v1.1",
            "id": did,
            "verificationMethod": [{
                "id": "#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": alice.multibase(),
            }],
            "authentication": ["#key-1"],
            "assertionMethod": ["#key-1"],
        })
    );
    assert!(authorized(&did, alice.address()).0);
}

#[test]
fn create_with_a_chosen_id_and_a_json_web_key() {
    setup();
    let bank = Key::new(2);
    let did = did_of("bank-a.eu");
    let document = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": [bank.jwk_method(&format!("{did}#sig"))],
        "authentication": [format!("{did}#sig")],
        "capabilityInvocation": ["#sig"],
        "service": [{
            "id": "#verify",
            "type": ["LinkedDomains", "HashVerification"],
            "serviceEndpoint": "https://bank-a.example/verify",
        }],
    });
    assert_eq!(create(&bank, document.clone()), did);
    let resolved = resolve(&did)["didDocument"].clone();
    let mut expected = document;
    expected["verificationMethod"][0]["controller"] = json!(did);
    assert_eq!(resolved, expected, "kept as given, method controller filled in");
}

#[test]
fn a_duplicate_create_is_refused() {
    setup();
    let alice = Key::new(1);
    let did = create(&alice, doc(Some(&did_of("alice-org")), &alice));
    let err = refused(alice.address(), json!({"create": {"document": doc(Some(&did), &alice)}}));
    assert_eq!(err, format!("already exists: {did} is already registered"));
    create(&alice, doc(None, &alice));
    let err = refused(alice.address(), json!({"create": {"document": doc(None, &alice)}}));
    assert!(err.starts_with("already exists: "), "{err}");
}

#[test]
fn the_sender_must_control_the_new_document() {
    setup();
    let (alice, mallory) = (Key::new(1), Key::new(9));
    // Mallory publishes a document naming only Alice's key.
    let err = refused(
        mallory.address(),
        json!({"create": {"document": doc(Some(&did_of("alice")), &alice)}}),
    );
    assert!(err.starts_with(&format!("unauthorized: {} would not control", mallory.address())));
    // A key that only asserts does not make the sender a controller.
    let assert_only = json!({
        "id": did_of("x"),
        "verificationMethod": [alice.multikey_method("#key-1")],
        "assertionMethod": ["#key-1"],
    });
    let err = refused(alice.address(), json!({"create": {"document": assert_only}}));
    assert!(err.starts_with("unauthorized: "), "{err}");
    assert_eq!(resolve(&did_of("x"))["didResolutionMetadata"]["error"], "notFound");
}

#[test]
fn a_controller_may_create_a_document_it_controls() {
    setup();
    let (bank, branch_key) = (Key::new(2), Key::new(3));
    let bank_did = create(&bank, doc(Some(&did_of("bank")), &bank));
    // The branch's own key is not the sender's; the bank controls it as its controller.
    let branch = json!({
        "id": did_of("bank.branch-1"),
        "controller": bank_did,
        "verificationMethod": [branch_key.jwk_method("#key-1")],
        "authentication": ["#key-1"],
    });
    let did = create(&bank, branch);
    assert!(authorized(&did, bank.address()).0);
    assert!(authorized(&did, branch_key.address()).0);
}

#[test]
fn controllers_must_be_registered_active_dids_of_this_registry() {
    setup();
    let alice = Key::new(1);
    let with_controller = |controller: Value| {
        let mut d = doc(Some(&did_of("a")), &alice);
        d["controller"] = controller;
        json!({"create": {"document": d}})
    };
    let err = refused(alice.address(), with_controller(json!(did_of("ghost"))));
    assert_eq!(err, format!("invalid controller: {} is not registered", did_of("ghost")));
    let err = refused(alice.address(), with_controller(json!("did:web:bank.example")));
    assert!(err.starts_with("invalid controller: ") && err.contains("method not supported"));
    let err = refused(alice.address(), with_controller(json!("did:bayledger:mainnet:bank")));
    assert!(err.contains("belongs to network \"mainnet\""), "{err}");
    let err = refused(alice.address(), with_controller(json!([])));
    assert!(err.starts_with("invalid controller: an empty list"), "{err}");
    let self_did = did_of("a");
    let err = refused(alice.address(), with_controller(json!([self_did, self_did])));
    assert!(err.ends_with("is listed twice"), "{err}");
    let many: Vec<String> = (0..9).map(|i| did_of(&format!("c{i}"))).collect();
    let err = refused(alice.address(), with_controller(json!(many)));
    assert_eq!(err, "limit: at most 8 controllers, got 9");

    // Listing itself is allowed (and grants nothing extra).
    call_as(alice.address(), with_controller(json!([self_did]))).expect("self-controlled");

    let bank = Key::new(2);
    let bank_did = create(&bank, doc(Some(&did_of("bank")), &bank));
    call_as(bank.address(), json!({"deactivate": {"did": bank_did}})).expect("deactivates");
    let mut d = doc(Some(&did_of("b")), &alice);
    d["controller"] = json!(bank_did);
    let err = refused(alice.address(), json!({"create": {"document": d}}));
    assert_eq!(err, format!("invalid controller: {bank_did} is deactivated"));
}

#[test]
fn ids_shaped_like_addresses_belong_to_their_accounts() {
    setup();
    let (alice, mallory) = (Key::new(1), Key::new(9));
    let alice_hex = crate::did::address_id(&alice.address());
    // Mallory cannot squat Alice's default DID, even with her own key in it.
    let err = refused(
        mallory.address(),
        json!({"create": {"document": doc(Some(&did_of(&alice_hex)), &mallory)}}),
    );
    assert_eq!(
        err,
        format!(
            "unauthorized: the id \"{alice_hex}\" is the address of account 0x{alice_hex}; only \
             that account may create {}",
            did_of(&alice_hex)
        )
    );
    // Nor can Alice create an upper-case twin of her own.
    let upper = alice_hex.to_uppercase();
    let err = refused(
        alice.address(),
        json!({"create": {"document": doc(Some(&did_of(&upper)), &alice)}}),
    );
    assert!(err.starts_with("invalid id: ") && err.contains("lower-case"), "{err}");
    // The explicit lower-case form is her default DID.
    assert_eq!(create(&alice, doc(Some(&did_of(&alice_hex)), &alice)), default_did(&alice));
}

#[test]
fn the_document_id_must_be_a_did_of_this_registry() {
    setup();
    let alice = Key::new(1);
    for (id, why) in [
        ("did:bayledger:mainnet:alice", "belongs to network \"mainnet\""),
        ("did:web:alice.example", "method not supported"),
        ("did:bayledger:testnet:al/ice", "may contain only"),
        ("alice", "is not a DID"),
    ] {
        let err = refused(alice.address(), json!({"create": {"document": doc(Some(id), &alice)}}));
        assert!(err.starts_with("invalid id: ") && err.contains(why), "{id}: {err}");
    }
}
