//! What executed proposals do: committee changes, system actions, issuer admissions and
//! contract calls — and that a failing action reverts every action of its proposal while the
//! failure is recorded.

use super::*;

/// A one-member committee (A), so `propose` executes at once.
fn sole() {
    setup_with(json!({
        "members": [member(A, 1, "dev")],
        "participation_threshold": 100,
        "approval_threshold": 100,
        "voting_period_blocks": PERIOD,
        "credentials": CREDENTIALS.to_string(),
    }));
}

fn members() -> Vec<(String, u64)> {
    query(json!({"config": {}}))["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            (m["address"].as_str().expect("address").to_string(), m["weight"].as_u64().expect("w"))
        })
        .collect()
}

#[test]
fn committee_changes_take_effect_in_order() {
    sole();
    let answer = ok(
        A,
        propose(json!([
            {"add_member": member(B, 3, "Org B")},
            {"update_member": {"address": A.to_string(), "weight": 2}},
            {"set_rules": {"participation_threshold": 60, "voting_period_blocks": 7}},
        ])),
    );
    assert_eq!(answer["status"], "executed");
    assert_eq!(members(), [(A.to_string(), 2), (B.to_string(), 3)]);
    let config = query(json!({"config": {}}));
    assert_eq!(config["total_weight"], 5);
    assert_eq!(config["participation_threshold"], 60);
    assert_eq!(config["approval_threshold"], 100);
    assert_eq!(config["voting_period_blocks"], 7);
    let changed: Vec<String> = topics()
        .into_iter()
        .filter(|t| t.starts_with("governance.member") || t.ends_with("rules_changed"))
        .collect();
    assert_eq!(
        changed,
        ["governance.member_added", "governance.member_updated", "governance.rules_changed"]
    );
    // A alone (2 of 5) no longer passes anything; B's yes does.
    assert_eq!(
        ok(A, propose(json!([{"remove_member": {"address": A.to_string()}}])))["status"],
        "open"
    );
    let p = query(json!({"proposal": {"id": 2}}));
    assert_eq!(p["end_height"], HEIGHT + 7);
    assert_eq!(ok(B, vote(2, "yes"))["status"], "executed");
    assert_eq!(members(), [(B.to_string(), 3)]);
}

#[test]
fn system_actions_go_to_the_vm_in_order() {
    sole();
    let key = format!("0x02{}", "ab".repeat(32));
    let actions = json!([
        {"system": {"set_validator": {"pub_key": key, "power": 10, "name": "v5", "effective_height": 50}}},
        {"system": {"grant_upload": {"account": B.to_string()}}},
        {"system": {"freeze": {"address": C.to_string()}}},
        {"system": {"migrate": {"contract": CREDENTIALS.to_string(), "code_hash": format!("0x{}", "11".repeat(32)), "msg": {}}}},
        {"system": {"set_params": {"effective_height": 60, "params": {"max_block_txs": 500}}}},
    ]);
    assert_eq!(ok(A, propose(actions.clone()))["status"], "executed");
    let applied = system_actions();
    let expected: Vec<Value> =
        actions.as_array().expect("array").iter().map(|a| a["system"].clone()).collect();
    assert_eq!(applied, expected);
    let recorded: Vec<Value> = events()
        .into_iter()
        .filter(|(t, _)| t == "governance.system_action")
        .map(|(_, d)| d["action"].clone())
        .collect();
    assert_eq!(recorded, expected);
}

#[test]
fn a_failing_action_reverts_the_whole_proposal_and_the_failure_is_recorded() {
    sole();
    // The VM refuses validator changes at past heights.
    mock::on_system_apply(|a| {
        if a.starts_with(b"{\"set_validator\"") {
            Err("effective height 5 is not above the current height 10".into())
        } else {
            Ok(())
        }
    });
    let key = format!("0x03{}", "cd".repeat(32));
    let answer = ok(
        A,
        propose(json!([
            {"add_member": member(B, 1, "Org B")},
            {"system": {"grant_upload": {"account": B.to_string()}}},
            {"add_issuer": {"credential_type": HEALTH, "issuer": GD}},
            {"system": {"set_validator": {"pub_key": key, "power": 1, "effective_height": 5}}},
        ])),
    );
    assert_eq!(answer["status"], "failed");
    // Nothing of the first three actions remains.
    assert_eq!(members(), [(A.to_string(), 1)]);
    assert!(system_actions().is_empty());
    assert!(!issuer_admitted(HEALTH, GD));
    let p = query(json!({"proposal": {"id": 1}}));
    assert_eq!(p["status"], "failed");
    let error = p["error"].as_str().expect("error");
    assert_eq!(
        error,
        "action 3 (system): system action refused: effective height 5 is not above the current height 10"
    );
    assert_eq!(
        topics(),
        [
            "governance.proposed",
            "governance.voted",
            "governance.passed",
            "governance.execution_failed"
        ]
    );
    let history = query(json!({"history": {}}));
    assert_eq!(history["entries"][1]["outcome"], "failed");
    assert_eq!(history["entries"][1]["error"], error);

    // Once the VM accepts, anyone may retry within the period; it then executes once.
    mock::on_system_apply(|_| Ok(()));
    assert_eq!(ok(STRANGER, execute(1)), json!({"id": 1, "status": "executed"}));
    assert_eq!(members(), [(A.to_string(), 1), (B.to_string(), 1)]);
    assert_eq!(system_actions().len(), 2);
    assert!(issuer_admitted(HEALTH, GD));
    assert!(query(json!({"proposal": {"id": 1}})).get("error").is_none());
}

#[test]
fn a_failed_proposal_cannot_be_retried_after_its_period() {
    sole();
    mock::on_system_apply(|_| Err("not now".into()));
    let actions = json!([{"system": {"grant_upload": {"account": B.to_string()}}}]);
    assert_eq!(ok(A, propose(actions))["status"], "failed");
    mock::on_system_apply(|_| Ok(()));
    at(HEIGHT + PERIOD + 1);
    let err = refused(STRANGER, execute(1), "expired:");
    assert!(err.contains("without execution"), "{err}");
    // It stays on record as failed, with its error.
    let p = query(json!({"proposal": {"id": 1}}));
    assert_eq!(p["status"], "failed");
    assert_eq!(p["error"], "action 0 (system): system action refused: not now");
    assert!(system_actions().is_empty());
}

#[test]
fn issuer_admission_and_removal_go_through_the_credentials_contract() {
    sole();
    ok(A, propose(add_issuer()));
    assert!(issuer_admitted(HEALTH, GD));
    // Admitting twice fails in the credentials contract: the proposal fails with its reason.
    let answer = ok(A, propose(add_issuer()));
    assert_eq!(answer["status"], "failed");
    let error = query(json!({"proposal": {"id": 2}}))["error"].as_str().expect("error").to_string();
    assert!(
        error.starts_with(&format!("action 0 (add_issuer): {CREDENTIALS} refused: already exists")),
        "{error}"
    );
    ok(A, propose(json!([{"remove_issuer": {"credential_type": HEALTH, "issuer": GD}}])));
    assert!(!issuer_admitted(HEALTH, GD));
}

#[test]
fn generic_calls_run_as_the_governance_contract_but_never_call_it() {
    sole();
    let msg = json!({"add_issuer": {"credential_type": HEALTH, "issuer": GD}});
    let answer = ok(
        A,
        propose(json!([{"call_contract": {"contract": CREDENTIALS.to_string(), "msg": msg}}])),
    );
    assert_eq!(answer["status"], "executed");
    assert!(issuer_admitted(HEALTH, GD));
    let (_, called) =
        events().into_iter().find(|(t, _)| t == "governance.contract_called").expect("event");
    assert_eq!(called, json!({"id": 1, "contract": CREDENTIALS.to_string(), "msg": msg}));
    let err = refused(
        A,
        propose(
            json!([{"call_contract": {"contract": GOV.to_string(), "msg": {"execute": {"id": 1}}}}]),
        ),
        "invalid contract:",
    );
    assert!(err.contains("cannot call the governance contract itself"), "{err}");
}

#[test]
fn the_last_member_cannot_be_removed() {
    sole();
    let answer = ok(A, propose(json!([{"remove_member": {"address": A.to_string()}}])));
    assert_eq!(answer["status"], "failed");
    let error = query(json!({"proposal": {"id": 1}}))["error"].as_str().expect("error").to_string();
    assert!(error.contains("last member"), "{error}");
    assert_eq!(members(), [(A.to_string(), 1)]);
}

#[test]
fn membership_errors_surface_at_execution() {
    sole();
    for (actions, reason) in [
        (json!([{"add_member": member(A, 1, "")}]), "already exists: "),
        (json!([{"remove_member": {"address": B.to_string()}}]), "not found: "),
        (json!([{"update_member": {"address": B.to_string(), "weight": 2}}]), "not found: "),
    ] {
        let answer = ok(A, propose(actions));
        let id = answer["id"].as_u64().expect("id");
        assert_eq!(answer["status"], "failed");
        let error =
            query(json!({"proposal": {"id": id}}))["error"].as_str().expect("e").to_string();
        assert!(error.contains(reason), "{error}");
    }
}
