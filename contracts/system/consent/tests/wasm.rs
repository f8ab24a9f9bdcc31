//! Runs the built `consent.wasm` in the real VM (`bayledger_vm::testing::TestChain`) next to the
//! built `did_registry.wasm`: every authorisation is a real cross-contract query to a real DID
//! document holding a freshly generated secp256k1 key, and delegations are recovered by the
//! VM's `secp256k1_recover`.
//!
//! The modules come from `scripts/build-contracts.sh` ([`bayledger_vm::testing::built_contract`]):
//! a missing or out-of-date module fails the tests, which must never pass without running it.

mod common;

use bayledger_types::Address;
use bayledger_types::pb::ExecStatus;
use common::chain::{DAY, T0, Wallet, World, decoded, expect_ok, refused, terms};
use common::wallet;
use serde_json::{Value, json};

const RELAYER: Address = Address([0x7e; 20]);

/// A world with a subject, a provider and a recipient, each holding a DID.
fn parties() -> (World, Wallet, Wallet, Wallet) {
    let mut w = World::new();
    let alice = w.wallet("alice");
    let hospital = w.wallet("hospital-gd");
    let clinic = w.wallet("clinic-hk");
    (w, alice, hospital, clinic)
}

fn data_hash(n: u8) -> String {
    format!("0x{}", format!("{n:02x}").repeat(32))
}

#[test]
fn grant_check_transfer_withdraw_and_audit_in_the_vm() {
    let (mut w, alice, hospital, clinic) = parties();
    w.chain.set_block(2, T0 + 10);
    let out = w.consent_call(alice.address(), &json!({"grant": terms(&alice, &hospital, &clinic)}));
    expect_ok(&out, "grant");
    assert_eq!(
        serde_json::from_slice::<Value>(&out.return_data).ok(),
        Some(json!({"consent_id": "1", "cross_border": true}))
    );
    let events = decoded(&out.events);
    assert_eq!(events[0].0, "consent.given");
    assert_eq!(events[0].1["actor"], alice.address().to_string());
    assert_eq!(out.events[0].contract, w.consent.0.to_vec());

    w.chain.set_block(3, T0 + DAY);
    let allowed = w.check(&alice, &hospital, &clinic, "health.lab-results", "treatment");
    assert_eq!(
        (allowed["allowed"].clone(), allowed["consent_id"].clone()),
        (json!(true), json!("1"))
    );

    let receipt = json!({"record_transfer": {"consent_id": "1", "data_hash": data_hash(0xaa),
        "category": "health.lab-results", "purpose": "treatment"}});
    let out = w.consent_call(hospital.address(), &receipt);
    expect_ok(&out, "record_transfer");
    assert_eq!(decoded(&out.events)[0].1["recorded_by"], hospital.address().to_string());
    // The subject is not the provider.
    refused(
        &w.consent_call(alice.address(), &receipt),
        &format!(
            "unauthorized: {} does not control the provider {}",
            alice.address(),
            hospital.did
        ),
    );

    w.chain.set_block(4, T0 + 2 * DAY);
    let out = w.consent_call(alice.address(), &json!({"withdraw": {"consent_id": "1"}}));
    expect_ok(&out, "withdraw");
    assert_eq!(decoded(&out.events)[0].0, "consent.withdrawn");

    w.chain.set_block(5, T0 + 3 * DAY);
    assert_eq!(
        w.check(&alice, &hospital, &clinic, "health.lab-results", "treatment"),
        json!({"allowed": false, "consent_id": "1",
               "reason": format!("withdrawn: consent 1 was withdrawn at {}", T0 + 2 * DAY)})
    );
    refused(
        &w.consent_call(hospital.address(), &receipt),
        &format!("conflict: consent 1: withdrawn: consent 1 was withdrawn at {}", T0 + 2 * DAY),
    );

    // The auditor's view.
    let view = w.consent_query(&json!({"consent": {"id": "1"}}));
    assert_eq!(view["status"], "withdrawn");
    let kinds: Vec<Value> =
        view["history"].as_array().expect("history").iter().map(|e| e["event"].clone()).collect();
    assert_eq!(kinds, [json!("given"), json!("withdrawn")]);
    let transfers = w.consent_query(&json!({"transfers": {"consent_id": "1"}}));
    assert_eq!(transfers["transfers"].as_array().map(Vec::len), Some(1));
    assert_eq!(transfers["transfers"][0]["data_hash"], data_hash(0xaa));
    assert_eq!(transfers["transfers"][0]["height"], 3);
    let by_provider = w.consent_query(&json!({"consents_by_provider": {"provider": hospital.did}}));
    assert_eq!(by_provider["consents"][0]["status"], "withdrawn");
    // As of the day of the transfer the consent was active.
    assert_eq!(
        w.consent_query(&json!({"consent": {"id": "1", "at_ms": T0 + DAY}}))["status"],
        "active"
    );
}

#[test]
fn expiry_is_derived_without_a_transaction() {
    let (mut w, alice, hospital, clinic) = parties();
    expect_ok(
        &w.consent_call(alice.address(), &json!({"grant": terms(&alice, &hospital, &clinic)})),
        "grant",
    );
    w.chain.set_block(9, T0 + 30 * DAY);
    let view = w.consent_query(&json!({"consent": {"id": "1"}}));
    assert_eq!(view["status"], "expired");
    assert_eq!(view["history"][1]["via"], "derived");
    assert_eq!(
        w.check(&alice, &hospital, &clinic, "contact.email", "treatment")["reason"],
        format!("expired: consent 1 expired at {}", T0 + 30 * DAY)
    );
    refused(
        &w.consent_call(alice.address(), &json!({"withdraw": {"consent_id": "1"}})),
        "conflict: consent 1 expired at",
    );
}

#[test]
fn non_subjects_are_refused_by_the_real_registry() {
    let (mut w, alice, hospital, clinic) = parties();
    let msg = json!({"grant": terms(&alice, &hospital, &clinic)});
    refused(
        &w.consent_call(hospital.address(), &msg),
        &format!("unauthorized: {} does not control the subject {}", hospital.address(), alice.did),
    );
    let mut unknown = terms(&alice, &hospital, &clinic);
    unknown["subject"] = json!("did:bayledger:bayledger-test:nobody");
    refused(&w.consent_call(alice.address(), &json!({"grant": unknown})), "unauthorized:");
    expect_ok(&w.consent_call(alice.address(), &msg), "grant");
    refused(
        &w.consent_call(clinic.address(), &json!({"withdraw": {"consent_id": "1"}})),
        &format!("unauthorized: {} does not control the subject {}", clinic.address(), alice.did),
    );
}

#[test]
fn delegations_are_recovered_by_the_vm_and_cannot_be_replayed() {
    let (mut w, alice, hospital, clinic) = parties();
    let t = terms(&alice, &hospital, &clinic);
    let nonce = |w: &World| {
        w.consent_query(&json!({"delegation_nonce": {"subject": alice.did}}))["nonce"].clone()
    };
    assert_eq!(nonce(&w), 0);
    let sig = alice.key.sign_digest(&wallet::grant_digest(w.consent.0, 0, &t));
    let mut delegated = t.clone();
    delegated["delegation"] =
        json!({"nonce": 0, "signature": format!("0x{}", wallet::hex(sig.as_bytes()))});
    let msg = json!({"grant": delegated});
    let out = w.consent_call(RELAYER, &msg);
    expect_ok(&out, "delegated grant");
    let given = &decoded(&out.events)[0].1;
    assert_eq!(
        (given["actor"].clone(), given["via"].clone()),
        (json!(alice.address().to_string()), json!("delegation"))
    );
    assert_eq!(nonce(&w), 1);
    refused(
        &w.consent_call(RELAYER, &msg),
        "unauthorized: delegation nonce 0 is not the next nonce 1",
    );

    // A signature by another key (the provider's) is refused with the signer named.
    let forged = hospital.key.sign_digest(&wallet::grant_digest(w.consent.0, 1, &t));
    let mut bad = t.clone();
    bad["delegation"] =
        json!({"nonce": 1, "signature": format!("0x{}", wallet::hex(forged.as_bytes()))});
    refused(
        &w.consent_call(RELAYER, &json!({"grant": bad})),
        &format!("unauthorized: {} does not control the subject {}", hospital.address(), alice.did),
    );

    let sig = alice.key.sign_digest(&wallet::withdraw_digest(w.consent.0, 1, &alice.did, 1));
    let withdraw = json!({"withdraw": {"consent_id": "1",
        "delegation": {"nonce": 1, "signature": format!("0x{}", wallet::hex(sig.as_bytes()))}}});
    let out = w.consent_call(RELAYER, &withdraw);
    expect_ok(&out, "delegated withdrawal");
    let history = w.consent_query(&json!({"history": {"id": "1"}}));
    assert_eq!(history["events"][1]["submitted_by"], RELAYER.to_string());
    assert_eq!(history["events"][1]["actor"], alice.address().to_string());
    assert_eq!(nonce(&w), 2);
}

#[test]
fn malformed_messages_abort_with_a_reason() {
    let (mut w, alice, ..) = parties();
    let out = w.chain.call(alice.address(), w.consent, b"not json");
    assert_eq!(out.status, ExecStatus::Aborted);
    assert!(out.error.contains("invalid message"), "{}", out.error);
    assert!(!common::schema::is_valid("query", &json!({"consent": {"id": "0"}})));
    let out = w.chain.query(w.consent, br#"{"consent":{"id":"0"}}"#);
    assert!(out.error.contains("invalid id: \"0\" is not a consent id"), "{}", out.error);
    let out = w.chain.query(w.consent, br#"{"consent":{"id":"4"}}"#);
    assert!(out.error.contains("not found: consent 4"), "{}", out.error);
}
