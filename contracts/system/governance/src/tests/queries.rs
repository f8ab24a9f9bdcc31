//! Queries: the committee, proposals by status with paging, votes and the decisions log.

use super::*;

#[test]
fn config_shows_the_committee_and_its_rules() {
    setup();
    let config = query(json!({"config": {}}));
    assert_eq!(config["total_weight"], 4);
    assert_eq!(config["participation_threshold"], 50);
    assert_eq!(config["approval_threshold"], 67);
    assert_eq!(config["voting_period_blocks"], PERIOD);
    assert_eq!(config["execute_on_pass"], true);
    assert_eq!(config["credentials"], CREDENTIALS.to_string());
    assert_eq!(config["proposal_count"], 0);
    assert_eq!(config["members"][0], member(A, 1, "Org A"));
    assert_eq!(config["members"].as_array().map(Vec::len), Some(4));
}

#[test]
fn proposals_are_listed_by_status_and_paged() {
    setup();
    for _ in 0..5 {
        ok(A, propose(add_issuer()));
    }
    // 1 executes; 2 is rejected; 3, 4, 5 stay open.
    ok(B, vote(1, "yes"));
    ok(C, vote(1, "yes"));
    ok(B, vote(2, "no"));
    ok(C, vote(2, "no"));
    let ids = |q: Value| -> Vec<u64> {
        query(q)["proposals"]
            .as_array()
            .expect("proposals")
            .iter()
            .map(|p| p["id"].as_u64().expect("id"))
            .collect()
    };
    assert_eq!(ids(json!({"proposals": {}})), [1, 2, 3, 4, 5]);
    assert_eq!(ids(json!({"proposals": {"status": "open"}})), [3, 4, 5]);
    assert_eq!(ids(json!({"proposals": {"status": "open", "limit": 2}})), [3, 4]);
    assert_eq!(ids(json!({"proposals": {"status": "open", "start_after": 3}})), [4, 5]);
    assert_eq!(ids(json!({"proposals": {"status": "executed"}})), [1]);
    assert_eq!(ids(json!({"proposals": {"status": "rejected"}})), [2]);
    at(HEIGHT + PERIOD + 1);
    assert_eq!(ids(json!({"proposals": {"status": "expired"}})), [3, 4, 5]);
    assert_eq!(ids(json!({"proposals": {"status": "open"}})), Vec::<u64>::new());
}

#[test]
fn votes_are_listed_with_their_weights() {
    setup();
    ok(A, propose(add_issuer()));
    at(HEIGHT + 1);
    ok(C, vote(1, "abstain"));
    ok(B, vote(1, "no"));
    let votes = query(json!({"votes": {"id": 1}}));
    assert_eq!(
        votes["votes"],
        json!([
            {"voter": A.to_string(), "vote": "yes", "weight": 1, "height": HEIGHT},
            {"voter": B.to_string(), "vote": "no", "weight": 1, "height": HEIGHT + 1},
            {"voter": C.to_string(), "vote": "abstain", "weight": 1, "height": HEIGHT + 1},
        ])
    );
    let page = query(json!({"votes": {"id": 1, "start_after": A.to_string(), "limit": 1}}));
    assert_eq!(page["votes"][0]["voter"], B.to_string());
    assert_eq!(page["votes"].as_array().map(Vec::len), Some(1));
    // Another proposal's votes stay apart.
    ok(D, propose(add_issuer())).get("id").expect("id");
    let others = query(json!({"votes": {"id": 1}}));
    assert_eq!(others["votes"].as_array().map(Vec::len), Some(3));
    query_err(json!({"votes": {"id": 9}}), "not found:");
}

#[test]
fn history_logs_every_decision_in_order() {
    setup();
    ok(A, propose(add_issuer()));
    ok(A, propose(add_issuer()));
    ok(B, vote(2, "no"));
    ok(C, vote(2, "no"));
    at(HEIGHT + 2);
    ok(B, vote(1, "yes"));
    ok(C, vote(1, "yes"));
    let history = query(json!({"history": {}}));
    let outcomes: Vec<(u64, &str, u64)> = history["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["proposal_id"].as_u64().expect("id"),
                e["outcome"].as_str().expect("outcome"),
                e["height"].as_u64().expect("height"),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [(2, "rejected", HEIGHT), (1, "passed", HEIGHT + 2), (1, "executed", HEIGHT + 2)]
    );
    let page = query(json!({"history": {"start_after": 1, "limit": 1}}));
    assert_eq!(page["entries"][0]["seq"], 2);
}
