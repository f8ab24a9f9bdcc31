//! `cosign`: anyone but the registrant, once each, while the registration is active.

use super::*;
use crate::validate::MAX_COSIGNERS;

fn cosign(sender: Address, n: u32) -> Result<Value, Error> {
    call_as(sender, json!({"cosign": {"hash": hash(n)}}))
}

#[test]
fn cosigners_are_listed_with_time_and_height_in_order() {
    instantiated();
    register(BANK_SZ, 1);
    at_height(15);
    assert_eq!(cosign(BANK_HK, 1), Ok(Value::Null));
    assert_eq!(
        events(),
        [(
            "hash.cosigned".into(),
            json!({"hash": hash(1), "actor": BANK_HK.to_string(), "log_index": 0, "cosigners": 1})
        )]
    );
    at_height(16);
    cosign(AUDITOR, 1).expect("a second co-signer");
    assert_eq!(events()[0].1["cosigners"], json!(2));
    let status = status(1);
    assert_eq!(
        status["cosigners"],
        json!([
            {"address": BANK_HK.to_string(), "at_ms": time_at(15), "height": 15},
            {"address": AUDITOR.to_string(), "at_ms": time_at(16), "height": 16},
        ])
    );
    assert_eq!(status["status"], json!("active"));
}

#[test]
fn cosigning_refusals() {
    instantiated();
    register(BANK_SZ, 1);
    assert_eq!(
        refused(BANK_SZ, json!({"cosign": {"hash": hash(1)}})),
        format!(
            "unauthorized: the registrant {BANK_SZ} cannot co-sign its own registration {}",
            hash(1)
        )
    );
    cosign(BANK_HK, 1).expect("first co-signature");
    assert_eq!(
        refused(BANK_HK, json!({"cosign": {"hash": hash(1)}})),
        format!("already exists: {BANK_HK} has already co-signed {}", hash(1))
    );
    assert_eq!(
        refused(BANK_HK, json!({"cosign": {"hash": hash(2)}})),
        format!("not found: hash {} is not registered", hash(2))
    );
    assert!(
        refused(BANK_HK, json!({"cosign": {"hash": "0x12"}})).starts_with("invalid hash: \"0x12\"")
    );
    assert!(
        refused(BANK_HK, json!({"cosign": {}}))
            .starts_with("invalid message: missing field `hash`")
    );

    call_as(BANK_SZ, json!({"revoke": {"hash": hash(1), "reason": "record withdrawn"}}))
        .expect("revokes");
    assert_eq!(
        refused(AUDITOR, json!({"cosign": {"hash": hash(1)}})),
        format!("conflict: hash {} is revoked; it can no longer be co-signed", hash(1))
    );
}

#[test]
fn cosigners_are_bounded() {
    instantiated();
    register(BANK_SZ, 1);
    for i in 0..MAX_COSIGNERS {
        cosign(Address([i as u8 + 1; 20]), 1).expect("under the bound");
    }
    assert_eq!(status(1)["cosigners"].as_array().map(Vec::len), Some(MAX_COSIGNERS));
    assert_eq!(
        refused(AUDITOR, json!({"cosign": {"hash": hash(1)}})),
        format!("limit: hash {} already has {MAX_COSIGNERS} co-signers, the most allowed", hash(1))
    );
}
