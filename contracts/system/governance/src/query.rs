//! Read-only queries: the committee, proposals with their status, votes and the decisions log.

use crate::msg::Status;
use crate::proposals::load;
use crate::record::Proposal;
use crate::response::{
    ConfigResponse, HistoryResponse, ProposalView, ProposalsResponse, VotesResponse,
};
use crate::state::{CONFIG, HISTORY, LAST_PROPOSAL, PROPOSALS, VOTES, vote_key};
use crate::validate;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Error, env};

/// Page size of a list query when no limit is given.
pub const DEFAULT_LIMIT: u32 = 10;
/// Largest page of a list query.
pub const MAX_LIMIT: u32 = 100;

fn page_size(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT) as usize
}

/// `config`.
pub(crate) fn config() -> Result<ConfigResponse, Error> {
    let c = CONFIG.load()?;
    Ok(ConfigResponse {
        total_weight: c.total_weight(),
        members: c.members,
        participation_threshold: c.participation_threshold,
        approval_threshold: c.approval_threshold,
        voting_period_blocks: c.voting_period_blocks,
        execute_on_pass: c.execute_on_pass,
        credentials: c.credentials,
        proposal_count: LAST_PROPOSAL.get()?.unwrap_or(0),
    })
}

fn view(p: Proposal, height: u64) -> ProposalView {
    ProposalView {
        status: p.status_at(height),
        id: p.id,
        title: p.title,
        description: p.description,
        proposer: p.proposer,
        actions: p.actions,
        height: p.height,
        time_ms: p.time_ms,
        end_height: p.end_height,
        participation_threshold: p.participation_threshold,
        approval_threshold: p.approval_threshold,
        electorate: p.electorate,
        tally: p.tally,
        decided_height: p.decided_height,
        executed_height: p.executed_height,
        error: p.error,
    }
}

/// `proposal`.
pub(crate) fn proposal(id: u64) -> Result<ProposalView, Error> {
    Ok(view(load(id)?, env::block_height()))
}

/// `proposals`: in id order, optionally only those with `status` now.
pub(crate) fn proposals(
    status: Option<Status>,
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<ProposalsResponse, Error> {
    let height = env::block_height();
    let mut out = Vec::new();
    for entry in PROPOSALS.range(start_after.as_ref()) {
        let (_, p) = entry?;
        let v = view(p, height);
        if status.is_none_or(|s| s == v.status) {
            out.push(v);
            if out.len() == page_size(limit) {
                break;
            }
        }
    }
    Ok(ProposalsResponse { proposals: out })
}

/// `votes`: a page of proposal `id`'s votes in voter address order.
pub(crate) fn votes(
    id: u64,
    start_after: Option<&str>,
    limit: Option<u32>,
) -> Result<VotesResponse, Error> {
    load(id)?;
    let after = match start_after {
        Some(a) => vote_key(id, &validate::address("start_after", a)?),
        None => id.to_be_bytes().to_vec(),
    };
    let prefix = id.to_be_bytes();
    let mut votes = Vec::new();
    for entry in VOTES.range(Some(&after)) {
        let (key, vote) = entry?;
        if !key.starts_with(&prefix) || votes.len() == page_size(limit) {
            break;
        }
        votes.push(vote);
    }
    Ok(VotesResponse { id, votes })
}

/// `history`: a page of the decisions log, oldest first.
pub(crate) fn history(
    start_after: Option<u64>,
    limit: Option<u32>,
) -> Result<HistoryResponse, Error> {
    let entries = HISTORY
        .range(start_after.as_ref())
        .take(page_size(limit))
        .map(|e| e.map(|(_, v)| v))
        .collect::<Result<_, Error>>()?;
    Ok(HistoryResponse { entries })
}
