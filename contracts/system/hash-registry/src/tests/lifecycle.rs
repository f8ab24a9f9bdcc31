//! `revoke` and `supersede`: registrant only, once, and what status and history show after.

use super::*;

fn revoke(sender: Address, n: u32, reason: &str) -> Result<Value, Error> {
    call_as(sender, json!({"revoke": {"hash": hash(n), "reason": reason}}))
}

fn supersede_msg(old: u32, new: u32) -> Value {
    json!({"supersede": {"hash": hash(old), "reason": "corrected address", "new": entry(new, "kyc-record")}})
}

#[test]
fn the_registrant_revokes_with_a_reason() {
    instantiated();
    register(BANK_SZ, 1);
    at_height(20);
    assert_eq!(revoke(BANK_SZ, 1, "customer record withdrawn"), Ok(Value::Null));
    assert_eq!(
        events(),
        [(
            "hash.revoked".into(),
            json!({
                "hash": hash(1),
                "actor": BANK_SZ.to_string(),
                "log_index": 0,
                "reason": "customer record withdrawn",
            })
        )]
    );
    let status = status(1);
    assert_eq!(status["status"], json!("revoked"));
    assert_eq!(
        status["status_change"],
        json!({
            "at_ms": time_at(20),
            "height": 20,
            "actor": BANK_SZ.to_string(),
            "reason": "customer record withdrawn",
        })
    );
    assert_eq!(status["superseded_by"], Value::Null);
}

#[test]
fn revocation_refusals() {
    instantiated();
    register(BANK_SZ, 1);
    assert_eq!(
        refused(BANK_HK, json!({"revoke": {"hash": hash(1), "reason": "mine now"}})),
        format!("unauthorized: only the registrant {BANK_SZ} may revoke {}", hash(1))
    );
    assert_eq!(
        refused(BANK_SZ, json!({"revoke": {"hash": hash(9), "reason": "r"}})),
        format!("not found: hash {} is not registered", hash(9))
    );
    let bad_reason =
        |reason: Value| refused(BANK_SZ, json!({"revoke": {"hash": hash(1), "reason": reason}}));
    assert_eq!(bad_reason(json!("")), "invalid reason: must not be empty");
    assert_eq!(
        bad_reason(json!("r".repeat(257))),
        "invalid reason: 257 bytes; at most 256 allowed"
    );
    assert_eq!(
        bad_reason(json!("line\nbreak")),
        "invalid reason: control characters are not allowed"
    );
    assert!(
        refused(BANK_SZ, json!({"revoke": {"hash": hash(1)}}))
            .starts_with("invalid message: missing field `reason`")
    );
    revoke(BANK_SZ, 1, &"r".repeat(256)).expect("the longest reason is accepted");
    assert_eq!(
        refused(BANK_SZ, json!({"revoke": {"hash": hash(1), "reason": "again"}})),
        format!("conflict: hash {} is already revoked", hash(1))
    );
    assert_eq!(
        refused(BANK_SZ, supersede_msg(1, 2)),
        format!("conflict: hash {} is already revoked", hash(1))
    );
}

#[test]
fn supersede_registers_the_new_hash_and_links_both() {
    instantiated();
    register(BANK_SZ, 1);
    register(BANK_HK, 50);
    at_height(30);
    let out = call_as(BANK_SZ, supersede_msg(1, 2)).expect("supersedes");
    assert_eq!(out, json!({"hash": hash(2), "log_index": 2, "tree_size": 3}));
    let actor = BANK_SZ.to_string();
    assert_eq!(
        events(),
        [
            (
                "hash.registered".into(),
                json!({
                    "hash": hash(2), "actor": actor, "data_type": "kyc-record",
                    "commitment_scheme": null, "metadata_uri": null, "supersedes": hash(1), "log_index": 2,
                })
            ),
            (
                "hash.superseded".into(),
                json!({
                    "hash": hash(1), "actor": actor, "log_index": 0, "reason": "corrected address",
                    "new_hash": hash(2), "new_log_index": 2,
                })
            ),
        ]
    );
    let old = status(1);
    assert_eq!(old["status"], json!("superseded"));
    assert_eq!(old["superseded_by"], json!(hash(2)));
    assert_eq!(old["status_change"]["height"], json!(30));
    let new = status(2);
    assert_eq!(
        (new["status"].clone(), new["supersedes"].clone()),
        (json!("active"), json!(hash(1)))
    );
    assert_eq!(new["registered_height"], json!(30));

    // Superseded is final, like revoked; the new registration lives on independently.
    assert_eq!(
        refused(BANK_SZ, json!({"revoke": {"hash": hash(1), "reason": "r"}})),
        format!("conflict: hash {} is already superseded by {}", hash(1), hash(2))
    );
    assert_eq!(
        refused(BANK_SZ, supersede_msg(1, 3)),
        format!("conflict: hash {} is already superseded by {}", hash(1), hash(2))
    );
    call_as(BANK_SZ, supersede_msg(2, 3)).expect("the replacement can be superseded in turn");
}

#[test]
fn supersede_refusals() {
    instantiated();
    register(BANK_SZ, 1);
    register(BANK_HK, 2);
    assert_eq!(
        refused(BANK_HK, supersede_msg(1, 3)),
        format!("unauthorized: only the registrant {BANK_SZ} may supersede {}", hash(1))
    );
    assert_eq!(
        refused(BANK_SZ, supersede_msg(1, 2)),
        format!("already exists: hash {} is already registered", hash(2))
    );
    assert_eq!(
        refused(BANK_SZ, supersede_msg(1, 1)),
        format!("already exists: hash {} is already registered", hash(1))
    );
    assert_eq!(
        refused(BANK_SZ, supersede_msg(4, 3)),
        format!("not found: hash {} is not registered", hash(4))
    );
    let mut bad_new = supersede_msg(1, 3);
    bad_new["supersede"]["new"]["metadata_uri"] = json!("no scheme");
    assert_eq!(refused(BANK_SZ, bad_new), "invalid new.metadata_uri: ' ' is not allowed");
    let mut bad_new = supersede_msg(1, 3);
    bad_new["supersede"]["new"]["hash"] = json!("0x");
    assert!(refused(BANK_SZ, bad_new).starts_with("invalid new.hash: \"0x\""));
    let mut no_reason = supersede_msg(1, 3);
    no_reason["supersede"]["reason"] = json!("");
    assert_eq!(refused(BANK_SZ, no_reason), "invalid reason: must not be empty");
    assert_eq!(status(1)["status"], json!("active"));
}

#[test]
fn status_at_a_past_time_replays_the_history() {
    instantiated();
    at_height(11);
    register(BANK_SZ, 1);
    at_height(12);
    call_as(BANK_HK, json!({"cosign": {"hash": hash(1)}})).expect("cosigns");
    at_height(13);
    revoke(BANK_SZ, 1, "withdrawn").expect("revokes");

    let at = |height: u64| query(json!({"status": {"hash": hash(1), "at_ms": time_at(height)}}));
    assert_eq!(at(11)["status"], json!("active"));
    assert_eq!(at(11)["cosigners"], json!([]));
    assert_eq!(at(12)["cosigners"].as_array().map(Vec::len), Some(1));
    assert_eq!(at(12)["status_change"], Value::Null);
    assert_eq!(at(13)["status"], json!("revoked"));
    assert_eq!(at(13), status(1));
    assert_eq!(
        query_refused(json!({"status": {"hash": hash(1), "at_ms": time_at(11) - 1}})),
        format!(
            "not found: hash {} was not registered at {} (registered at {})",
            hash(1),
            time_at(11) - 1,
            time_at(11)
        )
    );
}
