//! The proposal lifecycle: propose (the proposer's yes vote included), vote, and execute.
//!
//! A proposal is decided by [`crate::tally::decide`] after each vote. When it passes and the
//! committee's `execute_on_pass` is set, the same transaction executes it. Execution calls this
//! contract's own `run_actions` as a nested call: if an action fails, the nested call's changes
//! (every earlier action included) are reverted by the VM, and this outer call records the
//! failure — the transaction succeeds with the proposal `failed`, retryable with `execute`
//! until its end height.

use crate::actions;
use crate::codec::to_json;
use crate::event::{self, Decided, ExecutionFailed, Proposed, Voted};
use crate::msg::{ProposalAction, Status, VoteOption};
use crate::record::{HistoryEntry, Outcome, Proposal, Stage, Tally, VoteRecord, Weighted};
use crate::response::{ExecuteResponse, ProposeResponse, VoteResponse};
use crate::state::{
    CONFIG, HISTORY, LAST_HISTORY, LAST_PROPOSAL, PROPOSALS, RUNNING, VOTES, vote_key,
};
use crate::tally::{Decision, decide};
use crate::validate::{self, MAX_DESCRIPTION, MAX_TITLE};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bayledger_contract_sdk::{Error, call, env, limits};
use serde_json::json;

/// The proposal `id`; `not found: …` otherwise.
pub(crate) fn load(id: u64) -> Result<Proposal, Error> {
    PROPOSALS.get(&id)?.ok_or_else(|| Error::new(format!("not found: no proposal {id}")))
}

/// `propose`: members only. Counts the proposer's yes vote, so a proposer who alone meets the
/// thresholds passes (and, with `execute_on_pass`, executes) the proposal at once.
pub(crate) fn propose(
    title: String,
    description: String,
    actions: Vec<ProposalAction>,
) -> Result<Vec<u8>, Error> {
    let config = CONFIG.load()?;
    let proposer = env::caller().to_string();
    if config.weight_of(&proposer).is_none() {
        return Err(Error::new(format!(
            "unauthorized: only committee members may propose; {proposer} is not a member"
        )));
    }
    validate::text("title", &title, MAX_TITLE, true)?;
    validate::text("description", &description, MAX_DESCRIPTION, false)?;
    actions::check_all(&actions)?;
    let id = LAST_PROPOSAL.get()?.unwrap_or(0) + 1;
    let height = env::block_height();
    let proposal = Proposal {
        id,
        title,
        description,
        proposer: proposer.clone(),
        actions,
        height,
        time_ms: env::block_time_ms(),
        end_height: height.saturating_add(config.voting_period_blocks),
        participation_threshold: config.participation_threshold,
        approval_threshold: config.approval_threshold,
        electorate: config
            .members
            .iter()
            .map(|m| Weighted { address: m.address.clone(), weight: m.weight })
            .collect(),
        tally: Tally { total_weight: config.total_weight(), ..Tally::default() },
        stage: Stage::Open,
        decided_height: None,
        executed_height: None,
        error: None,
    };
    let size = to_json(&proposal)?.len();
    if size > limits::MAX_VALUE_LEN {
        return Err(Error::new(format!(
            "limit: the proposal takes {size} bytes stored, at most {}",
            limits::MAX_VALUE_LEN
        )));
    }
    LAST_PROPOSAL.set(&id);
    PROPOSALS.set(&id, &proposal);
    event::emit(
        event::PROPOSED,
        &Proposed {
            id,
            proposer: &proposer,
            title: &proposal.title,
            actions: proposal.actions.len(),
            end_height: proposal.end_height,
        },
    )?;
    let status = cast(proposal, VoteOption::Yes)?;
    to_json(&ProposeResponse { id, status })
}

/// `vote`: a member of the proposal's electorate, once, while it is open.
pub(crate) fn vote(id: u64, vote: VoteOption) -> Result<Vec<u8>, Error> {
    let proposal = load(id)?;
    let status = cast(proposal, vote)?;
    to_json(&VoteResponse { id, status })
}

/// Records the caller's vote on `p`, then decides it (and executes it if it passed and the
/// committee executes on pass). Returns the status after all that.
fn cast(mut p: Proposal, vote: VoteOption) -> Result<Status, Error> {
    let height = env::block_height();
    let voter = env::caller();
    let id = p.id;
    match p.status_at(height) {
        Status::Open => {}
        Status::Expired => {
            return Err(Error::new(format!(
                "expired: proposal {id}'s voting period ended at block {}",
                p.end_height
            )));
        }
        other => {
            return Err(Error::new(format!(
                "conflict: proposal {id} is no longer open for votes ({})",
                status_name(other)
            )));
        }
    }
    let voter_s = voter.to_string();
    let weight = p.weight_of(&voter_s).ok_or_else(|| {
        Error::new(format!(
            "unauthorized: {voter_s} was not a committee member when proposal {id} was made"
        ))
    })?;
    let key = vote_key(id, &voter);
    if VOTES.has(&key) {
        return Err(Error::new(format!("conflict: {voter_s} already voted on proposal {id}")));
    }
    VOTES.set(&key, &VoteRecord { voter: voter_s.clone(), vote, weight, height });
    match vote {
        VoteOption::Yes => p.tally.yes += weight,
        VoteOption::No => p.tally.no += weight,
        VoteOption::Abstain => p.tally.abstain += weight,
    }
    event::emit(event::VOTED, &Voted { id, voter: &voter_s, vote, weight })?;
    match decide(&p.tally, p.participation_threshold, p.approval_threshold) {
        None => {
            PROPOSALS.set(&id, &p);
            Ok(Status::Open)
        }
        Some(Decision::Rejected) => {
            p.stage = Stage::Rejected;
            p.decided_height = Some(height);
            PROPOSALS.set(&id, &p);
            log(id, Outcome::Rejected, None)?;
            event::emit(event::REJECTED, &decided(&p))?;
            Ok(Status::Rejected)
        }
        Some(Decision::Passed) => {
            p.stage = Stage::Passed;
            p.decided_height = Some(height);
            PROPOSALS.set(&id, &p);
            log(id, Outcome::Passed, None)?;
            event::emit(event::PASSED, &decided(&p))?;
            if CONFIG.load()?.execute_on_pass {
                run(p).map(|r| r.status)
            } else {
                Ok(Status::Passed)
            }
        }
    }
}

/// `execute`: anyone, for a passed (or failed) proposal within its period.
pub(crate) fn execute(id: u64) -> Result<Vec<u8>, Error> {
    let p = load(id)?;
    let past_end = env::block_height() > p.end_height;
    match p.status_at(env::block_height()) {
        Status::Passed | Status::Failed if !past_end => to_json(&run(p)?),
        Status::Open => Err(Error::new(format!(
            "not passed: proposal {id} has {} yes, {} no, {} abstain of {} weight; it needs \
             {}% participation and {}% approval",
            p.tally.yes,
            p.tally.no,
            p.tally.abstain,
            p.tally.total_weight,
            p.participation_threshold,
            p.approval_threshold
        ))),
        // (Passed never reaches here: past its end it is expired.)
        Status::Expired | Status::Passed | Status::Failed => Err(Error::new(format!(
            "expired: proposal {id}'s period ended at block {} without execution",
            p.end_height
        ))),
        Status::Rejected => Err(Error::new(format!("conflict: proposal {id} was rejected"))),
        Status::Executed => {
            Err(Error::new(format!("conflict: proposal {id} was already executed")))
        }
    }
}

/// Runs `p`'s actions in the nested `run_actions` call and records the outcome.
fn run(mut p: Proposal) -> Result<ExecuteResponse, Error> {
    if let Some(running) = RUNNING.get()? {
        return Err(Error::new(format!(
            "conflict: proposal {running} is executing; proposals cannot execute each other"
        )));
    }
    let id = p.id;
    RUNNING.set(&id);
    let me = env::self_address();
    let result = call::call_contract(&me, &to_json(&json!({"run_actions": {"id": id}}))?);
    RUNNING.remove();
    // The nested call may have changed the committee, not this proposal.
    let height = env::block_height();
    p.decided_height = Some(height);
    match result {
        Ok(_) => {
            p.stage = Stage::Executed;
            p.executed_height = Some(height);
            p.error = None;
            PROPOSALS.set(&id, &p);
            log(id, Outcome::Executed, None)?;
            event::emit(event::EXECUTED, &decided(&p))?;
            Ok(ExecuteResponse { id, status: Status::Executed, error: None })
        }
        Err(e) => {
            p.stage = Stage::Failed;
            p.error = Some(e.reason.clone());
            PROPOSALS.set(&id, &p);
            log(id, Outcome::Failed, Some(e.reason.clone()))?;
            event::emit(event::EXECUTION_FAILED, &ExecutionFailed { id, error: &e.reason })?;
            Ok(ExecuteResponse { id, status: Status::Failed, error: Some(e.reason) })
        }
    }
}

/// `run_actions`: only this contract, only for the proposal being executed.
pub(crate) fn run_actions(id: u64) -> Result<Vec<u8>, Error> {
    if env::caller() != env::self_address() || RUNNING.get()? != Some(id) {
        return Err(Error::new(
            "unauthorized: run_actions is the governance contract's own step of execute",
        ));
    }
    let p = load(id)?;
    actions::run(id, &p.actions)?;
    Ok(Vec::new())
}

fn decided(p: &Proposal) -> Decided {
    Decided {
        id: p.id,
        yes: p.tally.yes,
        no: p.tally.no,
        abstain: p.tally.abstain,
        total_weight: p.tally.total_weight,
    }
}

/// Appends to the decisions log.
fn log(proposal_id: u64, outcome: Outcome, error: Option<String>) -> Result<(), Error> {
    let seq = LAST_HISTORY.get()?.unwrap_or(0) + 1;
    LAST_HISTORY.set(&seq);
    HISTORY.set(
        &seq,
        &HistoryEntry {
            seq,
            proposal_id,
            outcome,
            height: env::block_height(),
            time_ms: env::block_time_ms(),
            error,
        },
    );
    Ok(())
}

/// The JSON name of a status.
pub(crate) fn status_name(s: Status) -> &'static str {
    match s {
        Status::Open => "open",
        Status::Passed => "passed",
        Status::Rejected => "rejected",
        Status::Expired => "expired",
        Status::Executed => "executed",
        Status::Failed => "failed",
    }
}
