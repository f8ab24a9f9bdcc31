//! Signed delegations: keys made with k256, digests built by `tests/common/wallet.rs` from the
//! documented layout (not with the contract's encoder), signatures submitted by a relayer.

use super::*;
use crate::delegation::{GrantTerms, grant_digest, grant_preimage, withdraw_digest};
use crate::msg::LegalBasis;
use k256::ecdsa::SigningKey;
use wallet::{hex, unhex};

#[path = "../../tests/common/wallet.rs"]
mod wallet;

/// A fresh random secp256k1 key.
fn random_key() -> SigningKey {
    loop {
        if let Ok(key) = SigningKey::from_slice(&rand::random::<[u8; 32]>()) {
            return key;
        }
    }
}

/// The ADR 0003 address of a key (computed by `bayledger-types`, not by the contract).
fn address_of(key: &SigningKey) -> Address {
    let compressed = key.verifying_key().to_sec1_point(true);
    let compressed: [u8; 33] = compressed.as_bytes().try_into().expect("33 bytes");
    Address(bayledger_types::Address::from_compressed_pubkey(&compressed).0)
}

/// `0x` + hex of `r ‖ s ‖ v`.
fn sign(key: &SigningKey, digest: &[u8; 32]) -> String {
    let (sig, recid) = key.sign_prehash_recoverable(digest);
    let mut rsv = sig.to_bytes().to_vec();
    rsv.push(recid.to_byte());
    format!("0x{}", hex(&rsv))
}

const CONTRACT: Address = mock::MockHost::CONTRACT;

/// `terms` with a delegation signed by `key` for `nonce`.
fn delegated_grant(key: &SigningKey, nonce: u64, terms: &Value) -> Value {
    let signature = sign(key, &wallet::grant_digest(CONTRACT.0, nonce, terms));
    let mut t = terms.clone();
    t["delegation"] = json!({"nonce": nonce, "signature": signature});
    json!({"grant": t})
}

fn delegated_withdraw(key: &SigningKey, nonce: u64, subject: &str, id: u64) -> Value {
    let signature = sign(key, &wallet::withdraw_digest(CONTRACT.0, nonce, subject, id));
    json!({"withdraw": {"consent_id": id.to_string(), "delegation": {"nonce": nonce, "signature": signature}}})
}

fn nonce() -> Value {
    query(json!({"delegation_nonce": {"subject": SUBJECT}}))["nonce"].clone()
}

/// A fixture where a freshly generated key controls `SUBJECT`.
fn fixture_with_wallet() -> (Fixture, SigningKey) {
    let fx = Fixture::new();
    let key = random_key();
    fx.set_controller(SUBJECT, address_of(&key));
    (fx, key)
}

#[test]
fn anyone_may_submit_a_grant_signed_by_the_subject() {
    let (_fx, key) = fixture_with_wallet();
    assert_eq!(
        query(json!({"delegation_nonce": {"subject": SUBJECT}})),
        json!({"subject": SUBJECT, "nonce": 0})
    );
    let r = call_as(MALLORY, delegated_grant(&key, 0, &terms())).expect("relayed grant");
    assert_eq!(r["consent_id"], "1");
    let (_, given) = events().remove(0);
    assert_eq!(
        (given["actor"].clone(), given["via"].clone()),
        (json!(address_of(&key).to_string()), json!("delegation"))
    );
    let history = query(json!({"history": {"id": "1"}}))["events"].clone();
    assert_eq!(history[0]["actor"], address_of(&key).to_string());
    assert_eq!(history[0]["submitted_by"], MALLORY.to_string());
    assert_eq!(history[0]["via"], "delegation");
    assert_eq!(nonce(), 1);
    // The next delegation uses nonce 1, optional fields included.
    let t = terms_with(
        json!({"policy": POLICY.to_string(), "notice_hash": format!("0x{}", "5a".repeat(32))}),
    );
    call_as(HOSPITAL, delegated_grant(&key, 1, &t)).expect("second relayed grant");
    assert_eq!(nonce(), 2);
}

#[test]
fn a_replayed_or_out_of_order_delegation_is_refused() {
    let (_fx, key) = fixture_with_wallet();
    let msg = delegated_grant(&key, 0, &terms());
    call_as(MALLORY, msg.clone()).expect("first use");
    let err = call_as(MALLORY, msg).expect_err("replay");
    assert_eq!(
        err.message(),
        format!(
            "unauthorized: delegation nonce 0 is not the next nonce 1 of {SUBJECT} (already used, or out of order)"
        )
    );
    let err = call_as(MALLORY, delegated_grant(&key, 5, &terms())).expect_err("skips ahead");
    assert!(
        err.message().starts_with("unauthorized: delegation nonce 5 is not the next nonce 1"),
        "{err}"
    );
    assert_eq!(nonce(), 1);
    assert_eq!(
        query(json!({"consents_by_subject": {"subject": SUBJECT}}))["consents"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[test]
fn a_signature_over_other_terms_or_by_another_key_is_refused() {
    let (_fx, key) = fixture_with_wallet();
    // Signed for 30 days, submitted for a year: the recovered key is someone else's.
    let mut msg = delegated_grant(&key, 0, &terms());
    msg["grant"]["valid_until_ms"] = json!(T0 + 365 * DAY);
    let err = call_as(MALLORY, msg).expect_err("tampered");
    assert!(err.message().starts_with("unauthorized: 0x"), "{err}");
    assert!(
        err.message()
            .ends_with(&format!("does not control the subject {SUBJECT}: not a controller")),
        "{err}"
    );
    // A valid signature by a key that does not control the subject.
    let stranger = random_key();
    let err = call_as(MALLORY, delegated_grant(&stranger, 0, &terms()))
        .expect_err("not the subject's key");
    assert_eq!(
        err.message(),
        format!(
            "unauthorized: {} does not control the subject {SUBJECT}: not a controller",
            address_of(&stranger)
        )
    );
    // Signed for another contract.
    let other = Address([0x99; 20]);
    let mut t = terms();
    t["delegation"] =
        json!({"nonce": 0, "signature": sign(&key, &wallet::grant_digest(other.0, 0, &terms()))});
    assert_err_starts(call_as(MALLORY, json!({"grant": t})), "unauthorized: 0x");
    // Nothing was stored and the nonce is unused.
    assert_eq!(nonce(), 0);
    assert_eq!(query(json!({"consents_by_subject": {"subject": SUBJECT}}))["consents"], json!([]));
}

#[test]
fn malformed_or_unrecoverable_signatures_are_invalid() {
    let (_fx, key) = fixture_with_wallet();
    let good = delegated_grant(&key, 0, &terms());
    let sig = good["grant"]["delegation"]["signature"].as_str().expect("sig").to_owned();
    let with_sig = |s: String| {
        let mut m = good.clone();
        m["grant"]["delegation"]["signature"] = json!(s);
        m
    };
    call_malformed(
        MALLORY,
        &with_sig(sig[..sig.len() - 2].to_owned()).to_string(),
        "invalid delegation signature: expected 0x followed by 130 lower-case hex digits, got 128 digits",
    );
    call_malformed(
        MALLORY,
        &with_sig(sig.to_uppercase().replacen("0X", "0x", 1)).to_string(),
        "invalid delegation signature:",
    );
    // v = 2 and high S are well-formed hex but recover nothing.
    let mut rsv = unhex(&sig);
    rsv[64] = 2;
    let err = call_as(MALLORY, with_sig(format!("0x{}", hex(&rsv)))).expect_err("v = 2");
    assert_eq!(
        err.message(),
        "invalid delegation signature: no key recovers from it (need low-S r ‖ s ‖ v with v = 0 or 1)"
    );
    let (sig_struct, recid) =
        key.sign_prehash_recoverable(&wallet::grant_digest(CONTRACT.0, 0, &terms()));
    let (r, s) = sig_struct.split_scalars();
    let high =
        k256::ecdsa::Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).expect("scalars");
    let mut high_rsv = high.to_bytes().to_vec();
    high_rsv.push(recid.to_byte() ^ 1);
    assert_err_starts(
        call_as(MALLORY, with_sig(format!("0x{}", hex(&high_rsv)))),
        "invalid delegation signature: no key recovers",
    );
    assert_eq!(nonce(), 0);
    call_as(MALLORY, good).expect("the untouched signature still works");
}

#[test]
fn the_subject_withdraws_by_delegation() {
    let (_fx, key) = fixture_with_wallet();
    call_as(ALICE, json!({"grant": terms()})).expect("direct grant, no nonce used");
    call_as(ALICE, json!({"grant": terms()})).expect("second consent");
    assert_eq!(nonce(), 0);
    // A withdrawal signed for consent 1 cannot withdraw consent 2.
    let mut for_one = delegated_withdraw(&key, 0, SUBJECT, 1);
    for_one["withdraw"]["consent_id"] = json!("2");
    assert_err_starts(call_as(MALLORY, for_one), "unauthorized: 0x");

    at_block(2, T0 + DAY);
    let r = call_as(MALLORY, delegated_withdraw(&key, 0, SUBJECT, 1)).expect("relayed withdrawal");
    assert_eq!(r, json!({"consent_id": "1", "withdrawn_at_ms": T0 + DAY}));
    let (_, withdrawn) = events().remove(0);
    assert_eq!(
        (withdrawn["actor"].clone(), withdrawn["via"].clone()),
        (json!(address_of(&key).to_string()), json!("delegation"))
    );
    assert_eq!(nonce(), 1);
    assert_eq!(query(json!({"consent": {"id": "1"}}))["status"], "withdrawn");
    assert_eq!(query(json!({"consent": {"id": "2"}}))["status"], "active");
    // Replaying it changes nothing.
    assert_err_starts(
        call_as(MALLORY, delegated_withdraw(&key, 0, SUBJECT, 1)),
        "conflict: consent 1 was already withdrawn",
    );
    assert_err_starts(
        call_as(MALLORY, delegated_withdraw(&key, 0, SUBJECT, 2)),
        "unauthorized: delegation nonce 0 is not the next nonce 1",
    );
}

/// The terms of the test vector (`docs/privacy.md`, section 6).
fn vector_terms<'a>(categories: &'a [String], purposes: &'a [String]) -> GrantTerms<'a> {
    GrantTerms {
        subject: "did:bayledger:test:alice",
        provider: "did:bayledger:test:hospital-gd",
        recipient: "did:bayledger:test:clinic-hk",
        data_categories: categories,
        purposes,
        legal_basis: LegalBasis::SeparateConsent,
        provider_jurisdiction: "CN-GD",
        recipient_jurisdiction: "HK",
        valid_from_ms: 1_700_000_000_000,
        valid_until_ms: 1_731_536_000_000,
        policy: Some(Address([0x22; 20])),
        notice_hash: None,
    }
}

/// The contract's encoder agrees with the documented layout, and the layout is pinned: this
/// vector is printed in `docs/privacy.md` for wallet implementers.
#[test]
fn the_digest_matches_the_documented_layout_and_test_vector() {
    mock::reset();
    let contract = Address([0x11; 20]);
    let t = json!({
        "subject": "did:bayledger:test:alice",
        "provider": "did:bayledger:test:hospital-gd",
        "recipient": "did:bayledger:test:clinic-hk",
        "data_categories": ["health.lab-results"],
        "purposes": ["treatment"],
        "legal_basis": "separate-consent",
        "jurisdictions": {"provider": "CN-GD", "recipient": "HK"},
        "valid_from_ms": 1_700_000_000_000u64,
        "valid_until_ms": 1_731_536_000_000u64,
        "policy": format!("0x{}", "22".repeat(20)),
        "notice_hash": null
    });
    let (categories, purposes) =
        (vec!["health.lab-results".to_owned()], vec!["treatment".to_owned()]);
    let terms = vector_terms(&categories, &purposes);
    assert_eq!(grant_preimage(&contract, 7, &terms), wallet::grant_preimage(contract.0, 7, &t));
    assert_eq!(grant_digest(&contract, 7, &terms), wallet::grant_digest(contract.0, 7, &t));
    assert_eq!(
        hex(&grant_digest(&contract, 7, &terms)),
        "84efbd67b7111569d0f0aa42a8c6b44526b20d3ad6eb7d4498cae3ed68b76d77"
    );
    assert_eq!(
        withdraw_digest(&contract, 7, "did:bayledger:test:alice", 42),
        wallet::withdraw_digest(contract.0, 7, "did:bayledger:test:alice", 42)
    );
    assert_eq!(
        hex(&withdraw_digest(&contract, 7, "did:bayledger:test:alice", 42)),
        "68ed09747ea5483ae018f063921d6aa6fd97822ff443dd068e1e954a3cbfb1d4"
    );
    // RFC 6979 signatures are deterministic, so the signature is part of the vector too.
    let key = SigningKey::from_slice(&[0x42; 32]).expect("valid scalar");
    assert_eq!(address_of(&key).to_string(), "0x84122e46464cb07f236f020cb881ad79267fd618");
    assert_eq!(
        sign(&key, &grant_digest(&contract, 7, &terms)),
        "0x09396b0eccb242ec3b5e8a25dbeda9733d589b101e573ae96e021bbf06164f0876b698994d0a439a4628072d9de349938af19a2ac4d69428cc7808733599c6e400"
    );
}

/// `docs/privacy.md` prints the test vector above and a salted-commitment example; both must
/// stay true.
#[test]
fn the_vectors_printed_in_docs_privacy_md_are_right() {
    mock::reset();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../docs/privacy.md");
    let doc = std::fs::read_to_string(path).expect("docs/privacy.md");
    let lines: Vec<&str> = doc.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("preimage")).expect("a preimage line");
    let end = lines.iter().position(|l| l.starts_with("grant digest")).expect("a digest line");
    let printed: String = lines[start..end]
        .join(" ")
        .trim_start_matches("preimage")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (categories, purposes) =
        (vec!["health.lab-results".to_owned()], vec!["treatment".to_owned()]);
    let terms = vector_terms(&categories, &purposes);
    let contract = Address([0x11; 20]);
    assert_eq!(printed, hex(&grant_preimage(&contract, 7, &terms)));
    let key = SigningKey::from_slice(&[0x42; 32]).expect("valid scalar");
    let digest = grant_digest(&contract, 7, &terms);
    for value in [
        hex(&digest),
        address_of(&key).to_string(),
        sign(&key, &digest),
        hex(&withdraw_digest(&contract, 7, "did:bayledger:test:alice", 42)),
    ] {
        assert!(doc.contains(&value), "docs/privacy.md lacks {value}");
    }
    // The salted-commitment example: SHA3-256(salt ‖ data) and the plain hash.
    use sha3::{Digest, Sha3_256};
    let salt: Vec<u8> = (0u8..32).collect();
    let data = br#"{"blood_type":"O+"}"#;
    let commitment = hex(&Sha3_256::digest([&salt[..], data].concat()));
    assert!(doc.contains(&format!("salt   = {}", hex(&salt))));
    assert!(doc.contains(&format!("C      = {commitment}")), "{commitment}");
    assert!(doc.contains(&format!("plain  = {}", hex(&Sha3_256::digest(data)))));
}
