//! `deactivate`: final, keyless, refuses later changes, keeps the history resolvable.

use super::*;
use serde_json::json;

#[test]
fn deactivation_is_final_and_resolves_as_deactivated() {
    setup();
    let alice = Key::new(1);
    let did = create(&alice, doc(None, &alice));
    mock::set_block(5, T0 + 60_000);
    let r = call_as(alice.address(), json!({"deactivate": {"did": did}})).expect("deactivates");
    assert_eq!(r, json!({"did": did, "version_id": "2"}));
    assert_eq!(events(), [("did.deactivated".to_string(), json!({"did": did, "version_id": "2"}))]);

    assert_eq!(
        resolve(&did),
        json!({
            "didDocument": {"@context": "https://www.w3.org/ns/did/v1.1", "id": did},
            "didDocumentMetadata": {
                "created": "2026-11-30T01:02:03Z",
                "updated": "2026-11-30T01:03:03Z",
                "versionId": "2",
                "deactivated": true,
            },
            "didResolutionMetadata": {"contentType": "application/did+json"},
        })
    );
    let (ok, reason) = authorized(&did, alice.address());
    assert!(!ok);
    assert_eq!(reason, format!("deactivated: {did} is deactivated"));

    let conflict = format!("conflict: {did} is deactivated; a deactivated DID cannot change");
    assert_eq!(
        refused(alice.address(), json!({"update": {"did": did, "document": doc(None, &alice)}})),
        conflict
    );
    assert_eq!(refused(alice.address(), json!({"deactivate": {"did": did}})), conflict);
    let err = refused(alice.address(), json!({"create": {"document": doc(None, &alice)}}));
    assert!(err.starts_with("already exists: "), "a deactivated id is never reused: {err}");

    // The version before deactivation stays resolvable, pointing at its successor.
    let v1 = query(json!({"resolve": {"did": did, "version_id": "1"}}));
    assert_eq!(v1["didDocument"]["authentication"], json!(["#key-1"]));
    assert_eq!(
        v1["didDocumentMetadata"],
        json!({
            "created": "2026-11-30T01:02:03Z",
            "updated": "2026-11-30T01:02:03Z",
            "versionId": "1",
            "deactivated": false,
            "nextUpdate": "2026-11-30T01:03:03Z",
            "nextVersionId": "2",
        })
    );
}

#[test]
fn only_a_controller_may_deactivate() {
    setup();
    let (alice, mallory) = (Key::new(1), Key::new(9));
    let did = create(&alice, doc(None, &alice));
    let err = refused(mallory.address(), json!({"deactivate": {"did": did}}));
    assert!(
        err.starts_with(&format!("unauthorized: {} does not control {did}", mallory.address()))
    );
    assert_eq!(resolve(&did)["didDocumentMetadata"]["deactivated"], false);
}

#[test]
fn a_deactivated_controller_no_longer_grants_control() {
    setup();
    let (bank, branch) = (Key::new(2), Key::new(3));
    let bank_did = create(&bank, doc(Some(&did_of("bank")), &bank));
    let mut branch_doc = doc(Some(&did_of("branch")), &branch);
    branch_doc["controller"] = json!(bank_did);
    let branch_did = create(&branch, branch_doc);
    assert!(authorized(&branch_did, bank.address()).0);

    // The bank deactivates the branch's controller DID: its own.
    call_as(bank.address(), json!({"deactivate": {"did": bank_did}})).expect("deactivates");
    let (ok, reason) = authorized(&branch_did, bank.address());
    assert!(!ok && reason.starts_with("not a controller: "), "{reason}");
    let err = refused(bank.address(), json!({"deactivate": {"did": branch_did}}));
    assert!(err.starts_with("unauthorized: "), "{err}");
    // The branch's own key still controls it.
    assert!(authorized(&branch_did, branch.address()).0);
    call_as(branch.address(), json!({"deactivate": {"did": branch_did}})).expect("own key");
}

#[test]
fn a_controller_may_deactivate_the_did_it_controls() {
    setup();
    let (bank, branch) = (Key::new(2), Key::new(3));
    let bank_did = create(&bank, doc(Some(&did_of("bank")), &bank));
    let mut branch_doc = doc(Some(&did_of("branch")), &branch);
    branch_doc["controller"] = json!(bank_did);
    let branch_did = create(&branch, branch_doc);
    call_as(bank.address(), json!({"deactivate": {"did": branch_did}}))
        .expect("controller deactivates");
    assert_eq!(resolve(&branch_did)["didDocumentMetadata"]["deactivated"], true);
    assert!(!authorized(&branch_did, branch.address()).0);
}
