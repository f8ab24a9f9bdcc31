//! Status changes (revoke, suspend, reinstate): who may make them, which are allowed, and the
//! status history answering for past times.

use super::*;
use crate::credentials::MAX_HISTORY;

const ID: &str = "urn:uuid:status-1";

fn change(sender: Address, action: &str, reason: &str) -> Result<(), Error> {
    call_as(sender, json!({action: {"id": ID, "reason": reason}}))
}

fn status_at(at_ms: u64) -> Value {
    credential(ID, Some(at_ms))["status"].clone()
}

#[test]
fn the_issuer_suspends_reinstates_and_revokes_with_reasons() {
    with_type();
    issue(ID, 1);
    at(2, T0 + DAY);
    change(GD_KEY, "suspend", "under review").expect("suspends");
    let data = |reason: &str| {
        json!({
            "id": ID,
            "credential_type": HEALTH,
            "issuer": GD,
            "subject": TRAVELLER,
            "reason": reason,
            "status_list": 0,
            "status_list_index": 0,
        })
    };
    assert_eq!(events(), [("credential.suspended".into(), data("under review"))]);
    at(3, T0 + 2 * DAY);
    change(GD_KEY, "reinstate", "review passed").expect("reinstates");
    assert_eq!(events(), [("credential.reinstated".into(), data("review passed"))]);
    at(4, T0 + 3 * DAY);
    change(GD_KEY, "revoke", "issued in error").expect("revokes");
    assert_eq!(events(), [("credential.revoked".into(), data("issued in error"))]);

    let c = credential(ID, None);
    assert_eq!(c["status"], json!("revoked"));
    let entry = |action: &str, status: &str, reason: Value, day: u64, height: u64| {
        json!({
            "action": action, "status": status, "reason": reason,
            "at_ms": T0 + day * DAY, "height": height, "by": GD_KEY.to_string(),
        })
    };
    assert_eq!(
        c["history"],
        json!([
            entry("issued", "active", Value::Null, 0, 1),
            entry("suspended", "suspended", json!("under review"), 1, 2),
            entry("reinstated", "active", json!("review passed"), 2, 3),
            entry("revoked", "revoked", json!("issued in error"), 3, 4),
        ])
    );
}

#[test]
fn status_and_history_answer_for_past_times() {
    with_type();
    at(1, T0);
    issue(ID, 1);
    at(2, T0 + DAY);
    change(GD_KEY, "suspend", "check").expect("suspends");
    at(3, T0 + 2 * DAY);
    change(GD_KEY, "reinstate", "ok").expect("reinstates");
    at(4, T0 + 3 * DAY);
    change(GD_KEY, "revoke", "fraud").expect("revokes");

    let times = [
        T0,
        T0 + DAY - 1,
        T0 + DAY,
        T0 + 2 * DAY - 1,
        T0 + 2 * DAY,
        T0 + 3 * DAY - 1,
        T0 + 3 * DAY,
    ];
    assert_eq!(
        times.map(status_at),
        ["active", "active", "suspended", "suspended", "active", "active", "revoked"]
            .map(|s| json!(s))
    );
    let past = credential(ID, Some(T0 + DAY + 5));
    assert_eq!(past["at_ms"], json!(T0 + DAY + 5));
    assert_eq!(past["history"].as_array().map(Vec::len), Some(2), "history up to at_ms only");
    assert_eq!(
        query_fails(json!({"credential": {"id": ID, "at_ms": T0 - 1}})),
        format!("not found: credential \"{ID}\" was issued at {T0}, after {}", T0 - 1)
    );
}

#[test]
fn another_party_cannot_change_the_status() {
    with_type();
    ok(COMMITTEE, json!({"add_issuer": {"credential_type": HEALTH, "issuer": HK}}));
    issue(ID, 1);
    // Not the committee, not another authorised issuer, not a stranger.
    for sender in [COMMITTEE, HK_KEY, STRANGER, OWNER] {
        for action in ["revoke", "suspend", "reinstate"] {
            assert_eq!(
                change(sender, action, "hostile").expect_err("refused").message(),
                format!(
                    "unauthorized: {sender} does not control issuer {GD}: {sender} is not a controller of {GD}"
                ),
                "{action} by {sender}"
            );
        }
    }
    assert_eq!(credential(ID, None)["history"].as_array().map(Vec::len), Some(1));
}

#[test]
fn revocation_is_final() {
    with_type();
    issue(ID, 1);
    change(GD_KEY, "revoke", "lost").expect("revokes");
    let refusal = format!("conflict: credential \"{ID}\" is revoked, and revocation is final");
    for action in ["revoke", "reinstate", "suspend"] {
        assert_eq!(
            change(GD_KEY, action, "again").expect_err("final").message(),
            refusal,
            "{action}"
        );
    }
}

#[test]
fn suspension_and_reinstatement_need_the_right_status() {
    with_type();
    issue(ID, 1);
    assert_eq!(
        change(GD_KEY, "reinstate", "nothing to lift").expect_err("active").message(),
        format!("conflict: credential \"{ID}\" is not suspended")
    );
    change(GD_KEY, "suspend", "check").expect("suspends");
    assert_eq!(
        change(GD_KEY, "suspend", "again").expect_err("suspended").message(),
        format!("conflict: credential \"{ID}\" is already suspended")
    );
    // A suspended credential may be revoked.
    change(GD_KEY, "revoke", "confirmed").expect("revokes");
    assert_eq!(credential(ID, None)["status"], json!("revoked"));
}

#[test]
fn a_removed_issuer_still_manages_its_credentials() {
    with_type();
    issue(ID, 1);
    ok(COMMITTEE, json!({"remove_issuer": {"credential_type": HEALTH, "issuer": GD}}));
    change(GD_KEY, "revoke", "authority closed").expect("revokes");
}

#[test]
fn status_changes_check_their_input() {
    with_type();
    issue(ID, 1);
    assert_eq!(
        fails(GD_KEY, json!({"revoke": {"id": "urn:uuid:unknown", "reason": "r"}})),
        "not found: credential \"urn:uuid:unknown\""
    );
    assert_eq!(
        fails_invalid(GD_KEY, json!({"revoke": {"id": ID, "reason": ""}})),
        "invalid reason: 0 bytes; 1 to 256 bytes allowed"
    );
    assert_eq!(
        fails_invalid(GD_KEY, json!({"suspend": {"id": ID, "reason": "r".repeat(257)}})),
        "invalid reason: 257 bytes; 1 to 256 bytes allowed"
    );
    assert_eq!(
        fails_invalid(GD_KEY, json!({"suspend": {"id": ID, "reason": "line\nbreak"}})),
        "invalid reason: control characters are not allowed"
    );
    assert!(
        fails_invalid(GD_KEY, json!({"revoke": {"id": ID}}))
            .starts_with("invalid message: missing field `reason`")
    );
    registry_fails();
    assert!(
        change(GD_KEY, "revoke", "r")
            .expect_err("no answer")
            .message()
            .starts_with("unauthorized: cannot confirm that")
    );
}

#[test]
fn status_history_is_bounded_but_revocation_stays_possible() {
    with_type();
    issue(ID, 1);
    let next_action = || {
        if credential(ID, None)["status"] == json!("active") { "suspend" } else { "reinstate" }
    };
    let len = || credential(ID, None)["history"].as_array().map_or(0, Vec::len);
    let mut t = T0;
    while len() < MAX_HISTORY - 1 {
        t += 1;
        at(t - T0 + 1, t);
        change(GD_KEY, next_action(), "cycle").expect("under the limit");
    }
    assert_eq!(
        change(GD_KEY, next_action(), "one more").expect_err("limit").message(),
        format!(
            "limit: credential \"{ID}\" has 31 status-history entries; only a revocation may follow"
        )
    );
    change(GD_KEY, "revoke", "final").expect("revocation always fits");
    assert_eq!(len(), MAX_HISTORY);
}
