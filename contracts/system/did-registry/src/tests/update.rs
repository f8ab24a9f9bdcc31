//! `update`: authorisation, key rotation, controller delegation, optimistic concurrency.

use super::*;
use serde_json::json;

fn update(sender: Address, did: &str, document: Value) -> Result<Value, Error> {
    call_as(sender, json!({"update": {"did": did, "document": document}}))
}

#[test]
fn the_controller_updates_and_each_update_is_a_new_version() {
    setup();
    let alice = Key::new(1);
    let did = create(&alice, doc(None, &alice));
    mock::set_block(2, T0 + 5_000);
    let mut d = doc(None, &alice);
    d["service"] = json!([{"id": "#hub", "type": "DIDCommMessaging", "serviceEndpoint": "wss://hub.example/ws"}]);
    assert_eq!(
        update(alice.address(), &did, d).expect("updates"),
        json!({"did": did, "version_id": "2"})
    );
    assert_eq!(events(), [("did.updated".to_string(), json!({"did": did, "version_id": "2"}))]);
    let r = resolve(&did);
    assert_eq!(r["didDocument"]["service"][0]["serviceEndpoint"], "wss://hub.example/ws");
    assert_eq!(
        r["didDocumentMetadata"],
        json!({
            "created": "2026-11-30T01:02:03Z",
            "updated": "2026-11-30T01:02:08Z",
            "versionId": "2",
            "deactivated": false,
        })
    );
}

#[test]
fn strangers_cannot_update_and_nothing_changes() {
    setup();
    let (alice, mallory) = (Key::new(1), Key::new(9));
    let did = create(&alice, doc(None, &alice));
    let before = resolve(&did);
    let err = refused(
        mallory.address(),
        json!({"update": {"did": did, "document": doc(None, &mallory)}}),
    );
    assert_eq!(
        err,
        format!(
            "unauthorized: {} does not control {did} (it is not the address of an \
             authentication method of the DID or of one of its controllers)",
            mallory.address()
        )
    );
    assert_eq!(resolve(&did), before);
}

#[test]
fn key_rotation_moves_control_from_the_old_key_to_the_new() {
    setup();
    let (old, new) = (Key::new(1), Key::new(2));
    let did = create(&old, doc(Some(&did_of("rotating")), &old));
    assert!(authorized(&did, old.address()).0);
    assert!(!authorized(&did, new.address()).0);

    // The old key replaces itself with the new one (a JWK this time).
    let rotated = json!({
        "verificationMethod": [new.jwk_method("#key-2")],
        "authentication": ["#key-2"],
        "assertionMethod": ["#key-2"],
    });
    update(old.address(), &did, rotated).expect("rotates");
    let (ok, reason) = authorized(&did, new.address());
    assert!(ok);
    assert_eq!(reason, format!("authentication method {did}#key-2"));
    let (ok, reason) = authorized(&did, old.address());
    assert!(!ok);
    assert!(reason.starts_with("not a controller: "), "{reason}");

    let err = refused(old.address(), json!({"update": {"did": did, "document": doc(None, &old)}}));
    assert!(err.starts_with("unauthorized: "), "{err}");
    update(new.address(), &did, doc(None, &new)).expect("the new key updates");
    // The old document is still resolvable as version 1.
    let v1 = query(json!({"resolve": {"did": did, "version_id": "1"}}));
    assert_eq!(v1["didDocument"]["verificationMethod"][0]["publicKeyMultibase"], old.multibase());
}

#[test]
fn controllers_act_for_the_dids_they_control_one_level_deep() {
    setup();
    let (regulator, bank, branch) = (Key::new(1), Key::new(2), Key::new(3));
    let regulator_did = create(&regulator, doc(Some(&did_of("regulator")), &regulator));
    let mut bank_doc = doc(Some(&did_of("bank")), &bank);
    bank_doc["controller"] = json!([regulator_did]);
    let bank_did = create(&bank, bank_doc);
    let mut branch_doc = doc(Some(&did_of("branch")), &branch);
    branch_doc["controller"] = json!(bank_did);
    let branch_did = create(&branch, branch_doc.clone());

    let (ok, reason) = authorized(&branch_did, bank.address());
    assert!(ok);
    assert_eq!(reason, format!("controller {bank_did}: authentication method {bank_did}#key-1"));
    // The regulator controls the bank, but not the bank's branch: control is one level.
    assert!(authorized(&bank_did, regulator.address()).0);
    let (ok, reason) = authorized(&branch_did, regulator.address());
    assert!(!ok && reason.starts_with("not a controller: "), "{reason}");

    // The bank updates the branch (its controller list kept), the regulator cannot.
    branch_doc["service"] =
        json!([{"id": "#api", "type": "Api", "serviceEndpoint": "https://branch.example"}]);
    update(bank.address(), &branch_did, branch_doc.clone()).expect("controller updates");
    let err = refused(
        regulator.address(),
        json!({"update": {"did": branch_did, "document": branch_doc}}),
    );
    assert!(err.starts_with("unauthorized: "), "{err}");

    // A controller hands the branch over entirely: only the controller remains.
    let handover = json!({"controller": bank_did});
    update(bank.address(), &branch_did, handover).expect("controller-only document");
    assert!(!authorized(&branch_did, branch.address()).0);
    assert!(authorized(&branch_did, bank.address()).0);
}

#[test]
fn an_update_must_leave_someone_in_control() {
    setup();
    let alice = Key::new(1);
    let did = create(&alice, doc(None, &alice));
    let keyless = json!({"verificationMethod": [alice.multikey_method("#key-1")], "assertionMethod": ["#key-1"]});
    let err = refused(alice.address(), json!({"update": {"did": did, "document": keyless}}));
    assert!(
        err.starts_with("invalid document: no authentication method and no other controller"),
        "{err}"
    );
    // Listing only itself as controller does not count either.
    let self_only = json!({"controller": did});
    let err = refused(alice.address(), json!({"update": {"did": did, "document": self_only}}));
    assert!(err.starts_with("invalid document: "), "{err}");
}

#[test]
fn the_document_id_must_match_the_did_updated() {
    setup();
    let alice = Key::new(1);
    let did = create(&alice, doc(None, &alice));
    let other = did_of("other");
    let err = refused(
        alice.address(),
        json!({"update": {"did": did, "document": doc(Some(&other), &alice)}}),
    );
    assert_eq!(err, format!("invalid id: \"{other}\" is not the DID {did}"));
}

#[test]
fn previous_version_id_guards_against_lost_updates() {
    setup();
    let alice = Key::new(1);
    let did = create(&alice, doc(None, &alice));
    let msg = |previous: &str| json!({"update": {"did": did, "document": doc(None, &alice), "previous_version_id": previous}});
    call_as(alice.address(), msg("1")).expect("current version");
    let err = refused(alice.address(), msg("1"));
    assert_eq!(err, format!("conflict: {did} is at version 2, not 1"));
    let err = refused(alice.address(), msg("01"));
    assert!(err.starts_with("invalid previous_version_id: "), "{err}");
    let deactivate = json!({"deactivate": {"did": did, "previous_version_id": "3"}});
    let err = refused(alice.address(), deactivate);
    assert_eq!(err, format!("conflict: {did} is at version 2, not 3"));
}

#[test]
fn unknown_and_malformed_dids_are_refused() {
    setup();
    let alice = Key::new(1);
    let ghost = did_of("ghost");
    let err =
        refused(alice.address(), json!({"update": {"did": ghost, "document": doc(None, &alice)}}));
    assert_eq!(err, format!("not found: {ghost} is not registered"));
    let err = refused(alice.address(), json!({"deactivate": {"did": "did:bayledger:testnet"}}));
    assert!(err.starts_with("invalid did: "), "{err}");
    let err = refused(alice.address(), json!({"deactivate": {"did": "did:bayledger:mainnet:x"}}));
    assert!(err.starts_with("invalid did: ") && err.contains("mainnet"), "{err}");
}
