//! The proposal lifecycle: passing by weighted vote (and executing on the deciding vote),
//! rejection, expiry, and every refusal of the lifecycle.

use super::*;

#[test]
fn three_of_four_pass_and_the_deciding_vote_executes() {
    setup();
    let answer = ok(A, propose(add_issuer()));
    assert_eq!(answer, json!({"id": 1, "status": "open"}));
    assert_eq!(topics(), ["governance.proposed", "governance.voted"]);
    // Two yes of four could still be outvoted (2/4 < 67%).
    assert_eq!(ok(B, vote(1, "yes")), json!({"id": 1, "status": "open"}));
    assert!(!issuer_admitted(HEALTH, GD));
    // The third yes decides it and executes it in the same transaction.
    assert_eq!(ok(C, vote(1, "yes")), json!({"id": 1, "status": "executed"}));
    assert_eq!(
        topics(),
        [
            "governance.voted",
            "governance.passed",
            "governance.contract_called",
            "governance.executed"
        ]
    );
    assert!(issuer_admitted(HEALTH, GD));
    let p = query(json!({"proposal": {"id": 1}}));
    assert_eq!(p["status"], "executed");
    assert_eq!(p["tally"], json!({"yes": 3, "no": 0, "abstain": 0, "total_weight": 4}));
    assert_eq!(p["executed_height"], HEIGHT);
    // The fourth member can no longer vote on it.
    let err = refused(D, vote(1, "no"), "conflict:");
    assert!(err.contains("no longer open") && err.contains("executed"), "{err}");
}

#[test]
fn a_sole_member_passes_and_executes_by_proposing() {
    setup_with(json!({
        "members": [member(A, 1, "dev")],
        "participation_threshold": 100,
        "approval_threshold": 100,
        "voting_period_blocks": 5,
        "credentials": CREDENTIALS.to_string(),
    }));
    assert_eq!(ok(A, propose(add_issuer())), json!({"id": 1, "status": "executed"}));
    assert!(issuer_admitted(HEALTH, GD));
}

#[test]
fn two_no_votes_reject_and_nothing_executes() {
    setup();
    ok(A, propose(add_issuer()));
    ok(B, vote(1, "no"));
    assert_eq!(ok(C, vote(1, "no")), json!({"id": 1, "status": "rejected"}));
    assert_eq!(topics(), ["governance.voted", "governance.rejected"]);
    assert!(!issuer_admitted(HEALTH, GD));
    let err = refused(STRANGER, execute(1), "conflict:");
    assert!(err.contains("rejected"), "{err}");
    refused(D, vote(1, "yes"), "conflict:");
}

#[test]
fn a_non_member_cannot_propose_or_vote() {
    setup();
    let err = refused(STRANGER, propose(add_issuer()), "unauthorized:");
    assert!(err.contains("only committee members may propose"), "{err}");
    ok(A, propose(add_issuer()));
    let err = refused(STRANGER, vote(1, "yes"), "unauthorized:");
    assert!(err.contains("was not a committee member when proposal 1 was made"), "{err}");
}

#[test]
fn each_member_votes_once_and_the_proposer_has_voted() {
    setup();
    ok(A, propose(add_issuer()));
    let err = refused(A, vote(1, "yes"), "conflict:");
    assert!(err.contains("already voted on proposal 1"), "{err}");
    ok(B, vote(1, "abstain"));
    refused(B, vote(1, "yes"), "conflict:");
    let votes = query(json!({"votes": {"id": 1}}));
    assert_eq!(votes["votes"].as_array().map(Vec::len), Some(2));
}

#[test]
fn execute_below_the_thresholds_is_refused() {
    setup_with(json!({
        "members": [member(A, 1, ""), member(B, 1, ""), member(C, 1, ""), member(D, 1, "")],
        "participation_threshold": 50,
        "approval_threshold": 67,
        "voting_period_blocks": PERIOD,
        "execute_on_pass": false,
        "credentials": CREDENTIALS.to_string(),
    }));
    ok(A, propose(add_issuer()));
    ok(B, vote(1, "yes"));
    let err = refused(STRANGER, execute(1), "not passed:");
    assert!(err.contains("2 yes, 0 no, 0 abstain of 4 weight"), "{err}");
    // Passing without executing: anyone may then execute, once.
    assert_eq!(ok(C, vote(1, "yes")), json!({"id": 1, "status": "passed"}));
    assert!(!issuer_admitted(HEALTH, GD));
    assert_eq!(ok(STRANGER, execute(1)), json!({"id": 1, "status": "executed"}));
    assert!(issuer_admitted(HEALTH, GD));
    let err = refused(STRANGER, execute(1), "conflict:");
    assert!(err.contains("already executed"), "{err}");
}

#[test]
fn an_expired_proposal_cannot_pass_or_execute() {
    setup_with(json!({
        "members": [member(A, 1, ""), member(B, 1, ""), member(C, 1, ""), member(D, 1, "")],
        "participation_threshold": 50,
        "approval_threshold": 67,
        "voting_period_blocks": PERIOD,
        "execute_on_pass": false,
        "credentials": CREDENTIALS.to_string(),
    }));
    ok(A, propose(add_issuer()));
    ok(A, propose(add_issuer()));
    ok(B, vote(2, "yes"));
    ok(C, vote(2, "yes"));
    assert_eq!(status(2), "passed");
    // The last block of the period still accepts votes.
    at(HEIGHT + PERIOD);
    ok(B, vote(1, "yes"));
    at(HEIGHT + PERIOD + 1);
    assert_eq!(status(1), "expired");
    assert_eq!(status(2), "expired");
    let err = refused(C, vote(1, "yes"), "expired:");
    assert!(err.contains(&format!("ended at block {}", HEIGHT + PERIOD)), "{err}");
    let err = refused(STRANGER, execute(2), "expired:");
    assert!(err.contains("without execution"), "{err}");
    assert!(!issuer_admitted(HEALTH, GD));
}

#[test]
fn unknown_proposals_are_not_found() {
    setup();
    refused(A, vote(7, "yes"), "not found: no proposal 7");
    refused(A, execute(7), "not found: no proposal 7");
    query_err(json!({"proposal": {"id": 7}}), "not found: no proposal 7");
}

#[test]
fn weights_are_fixed_when_a_proposal_is_made() {
    setup();
    // Proposal 1 adds E (weight 2) and passes; proposal 2, made before, keeps four voters.
    ok(A, propose(json!([{"add_member": member(E, 2, "Org E")}])));
    ok(A, propose(add_issuer()));
    ok(B, vote(1, "yes"));
    ok(C, vote(1, "yes"));
    assert_eq!(status(1), "executed");
    let err = refused(E, vote(2, "yes"), "unauthorized:");
    assert!(err.contains("proposal 2"), "{err}");
    // A proposal made now counts E's weight: total 6.
    ok(A, propose(add_issuer()));
    let p = query(json!({"proposal": {"id": 3}}));
    assert_eq!(p["tally"]["total_weight"], 6);
    assert_eq!(ok(E, vote(3, "yes")), json!({"id": 3, "status": "open"}));
    // 4 of 6 is below 67%; 5 of 6 is not.
    assert_eq!(ok(B, vote(3, "yes")), json!({"id": 3, "status": "open"}));
    assert_eq!(ok(C, vote(3, "yes")), json!({"id": 3, "status": "executed"}));
}

#[test]
fn run_actions_is_only_execute_s_own_step() {
    setup();
    ok(A, propose(json!([{"remove_member": {"address": D.to_string()}}])));
    for sender in [A, STRANGER, GOV] {
        let err = refused(sender, json!({"run_actions": {"id": 1}}), "unauthorized:");
        assert!(err.contains("own step of execute"), "{err}");
    }
}
