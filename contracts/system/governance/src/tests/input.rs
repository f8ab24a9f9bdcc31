//! Refusals of malformed input: instantiate messages, proposals and queries.

use super::*;

fn instantiate_err(msg: Value, prefix: &str) {
    mock::reset();
    let err = mock::execute(contract::instantiate, msg.to_string().as_bytes())
        .expect_err("refused")
        .message()
        .to_string();
    assert!(err.starts_with(prefix), "{msg}: expected {prefix:?}, got {err:?}");
}

#[test]
fn bad_instantiate_messages_are_refused() {
    let with = |key: &str, value: Value| {
        let mut m = instantiate_msg();
        m[key] = value;
        m
    };
    instantiate_err(json!({}), "invalid message:");
    instantiate_err(with("members", json!([])), "invalid members: 0 given");
    instantiate_err(
        with("members", json!([member(A, 1, ""), member(A, 2, "")])),
        "invalid members:",
    );
    instantiate_err(with("members", json!([member(A, 0, "")])), "invalid members[0].weight:");
    instantiate_err(
        with(
            "members",
            json!([{"address": A.to_string().to_uppercase().replace("0X", "0x"), "weight": 1}]),
        ),
        "invalid members[0].address:",
    );
    instantiate_err(with("participation_threshold", json!(0)), "invalid participation_threshold:");
    instantiate_err(with("approval_threshold", json!(101)), "invalid approval_threshold:");
    instantiate_err(with("voting_period_blocks", json!(0)), "invalid voting_period_blocks:");
    instantiate_err(with("credentials", json!("0x12")), "invalid credentials:");
    instantiate_err(with("extra", json!(1)), "invalid message: unknown field");
    // Instantiating twice is refused.
    setup();
    mock::set_sender(STRANGER);
    let again = mock::execute(contract::instantiate, instantiate_msg().to_string().as_bytes());
    assert_eq!(
        again.map_err(|e| e.message().to_string()),
        Err("conflict: already instantiated".into())
    );
}

#[test]
fn malformed_proposals_are_refused_before_they_open() {
    setup();
    let title = |t: &str| json!({"propose": {"title": t, "actions": add_issuer()}});
    refused(A, title(""), "invalid title:");
    refused(A, title(&"x".repeat(129)), "invalid title:");
    refused(A, json!({"propose": {"title": "t", "actions": []}}), "invalid actions: 0 given");
    let seventeen: Vec<Value> = (0..17).map(|_| add_issuer()[0].clone()).collect();
    refused(A, propose(json!(seventeen)), "invalid actions: 17 given");
    for (action, prefix) in [
        (json!({"add_member": member(B, 0, "")}), "invalid add_member.weight:"),
        (json!({"remove_member": {"address": "0x12"}}), "invalid address:"),
        (json!({"update_member": {"address": B.to_string()}}), "invalid update_member:"),
        (json!({"set_rules": {"approval_threshold": 0}}), "invalid approval_threshold:"),
        (json!({"set_rules": {}}), "invalid set_rules:"),
        (json!({"system": {"freeze": {"address": "0x12"}}}), "invalid address:"),
        (json!({"system": {"admit_node": {"node_key": "0x02", "name": "n"}}}), "invalid node_key:"),
        (
            json!({"system": {"migrate": {"contract": B.to_string(), "code_hash": "0x11", "msg": {}}}}),
            "invalid code_hash:",
        ),
        (json!({"add_issuer": {"credential_type": HEALTH, "issuer": "gd"}}), "invalid issuer:"),
        (json!({"call_contract": {"contract": B.to_string(), "msg": 5}}), "invalid msg:"),
    ] {
        let msg = propose(json!([action]));
        let before = mock::with(|h| h.storage.clone());
        mock::set_sender(A);
        let err = mock::execute(contract::call, msg.to_string().as_bytes())
            .expect_err("refused")
            .message()
            .to_string();
        assert!(err.starts_with(prefix), "{action}: expected {prefix:?}, got {err:?}");
        assert!(err.ends_with(")"), "names the action: {err}");
        assert_eq!(mock::with(|h| h.storage.clone()), before);
    }
    refused(
        A,
        json!({"propose": {"title": "t", "actions": [{"unknown": {}}]}}),
        "invalid message:",
    );
    assert_eq!(query(json!({"config": {}}))["proposal_count"], 0);
}

#[test]
fn issuer_actions_need_a_credentials_contract() {
    setup_with(json!({
        "members": [member(A, 1, "")],
        "participation_threshold": 100,
        "approval_threshold": 100,
        "voting_period_blocks": 5,
    }));
    refused(
        A,
        propose(add_issuer()),
        "invalid actions: this committee has no credentials contract",
    );
}

#[test]
fn bad_queries_are_refused() {
    setup();
    query_err(json!({"proposals": {"status": "pending"}}), "invalid message:");
    query_err(json!({"votes": {"id": 1}}), "not found:");
    query_err(json!({"nothing": {}}), "invalid message:");
}
