//! Answers of calls and queries. Their JSON Schemas are in `schema/responses.json`.

use crate::msg::{ProposalAction, Status};
use crate::record::{HistoryEntry, Member, Tally, VoteRecord, Weighted};
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// `propose` returns the new proposal's id and its status after the proposer's vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposeResponse {
    /// The proposal id.
    pub id: u64,
    /// `open`, or `executed` / `failed` / `passed` if the proposer's vote decided it.
    pub status: Status,
}

/// `vote` returns the proposal's status after the vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteResponse {
    /// The proposal id.
    pub id: u64,
    /// Its status now.
    pub status: Status,
}

/// `execute` returns whether the actions took effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecuteResponse {
    /// The proposal id.
    pub id: u64,
    /// `executed` or `failed`.
    pub status: Status,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigResponse {
    /// Members in address order.
    pub members: Vec<Member>,
    /// Sum of the weights.
    pub total_weight: u64,
    /// Quorum percentage.
    pub participation_threshold: u8,
    /// Approval percentage.
    pub approval_threshold: u8,
    /// Voting period in blocks.
    pub voting_period_blocks: u64,
    /// Whether a passing vote executes.
    pub execute_on_pass: bool,
    /// The credentials contract of issuer actions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<String>,
    /// Proposals made so far.
    pub proposal_count: u64,
}

/// `proposal`, and each entry of `proposals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalView {
    /// Number.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Proposer.
    pub proposer: String,
    /// Actions.
    pub actions: Vec<ProposalAction>,
    /// Status at the latest block.
    pub status: Status,
    /// Block it was proposed in.
    pub height: u64,
    /// Its time (ms).
    pub time_ms: u64,
    /// Last block for votes and execution.
    pub end_height: u64,
    /// Quorum percentage that applies.
    pub participation_threshold: u8,
    /// Approval percentage that applies.
    pub approval_threshold: u8,
    /// The electorate.
    pub electorate: Vec<Weighted>,
    /// Votes by weight.
    pub tally: Tally,
    /// Block of the last decision (passed, rejected, executed, failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_height: Option<u64>,
    /// Block it was executed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed_height: Option<u64>,
    /// Why the last execution failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `proposals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalsResponse {
    /// The page.
    pub proposals: Vec<ProposalView>,
}

/// `votes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VotesResponse {
    /// The proposal.
    pub id: u64,
    /// The page, in voter address order.
    pub votes: Vec<VoteRecord>,
}

/// `history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryResponse {
    /// The page, oldest first.
    pub entries: Vec<HistoryEntry>,
}
