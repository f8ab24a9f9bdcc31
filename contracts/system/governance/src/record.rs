//! Stored records: the committee configuration, proposals, votes and the decisions log. All
//! are stored as JSON and several are also the query answers.

use crate::codec::json_codec;
use crate::msg::{ProposalAction, Status, VoteOption};
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// One committee member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Account address (canonical).
    pub address: String,
    /// Voting weight.
    pub weight: u64,
    /// Human-readable name.
    pub name: String,
}

/// The committee and its voting rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Members in address order.
    pub members: Vec<Member>,
    /// Quorum percentage of the total weight.
    pub participation_threshold: u8,
    /// Approval percentage of the non-abstaining weight.
    pub approval_threshold: u8,
    /// Blocks a proposal stays open after its own block.
    pub voting_period_blocks: u64,
    /// Whether the passing vote executes.
    pub execute_on_pass: bool,
    /// The credentials contract of `add_issuer` / `remove_issuer` actions.
    pub credentials: Option<String>,
}

impl Config {
    /// The weight of `address`, if a member.
    pub fn weight_of(&self, address: &str) -> Option<u64> {
        self.members.iter().find(|m| m.address == address).map(|m| m.weight)
    }

    /// Sum of all weights.
    pub fn total_weight(&self) -> u64 {
        self.members.iter().map(|m| m.weight).sum()
    }
}

/// A member's weight as of a proposal's creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weighted {
    /// The member.
    pub address: String,
    /// The weight.
    pub weight: u64,
}

/// The votes cast so far, by weight.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Weight voting yes.
    pub yes: u64,
    /// Weight voting no.
    pub no: u64,
    /// Weight abstaining.
    pub abstain: u64,
    /// All weight of the proposal's snapshot.
    pub total_weight: u64,
}

/// The stored state of a proposal (`expired` is derived from the height).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Voting.
    Open,
    /// Passed, awaiting execution.
    Passed,
    /// Cannot pass any more.
    Rejected,
    /// Executed.
    Executed,
    /// Last execution attempt failed.
    Failed,
}

/// One proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Number, from 1.
    pub id: u64,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// The member who proposed it.
    pub proposer: String,
    /// What it does when executed.
    pub actions: Vec<ProposalAction>,
    /// Block it was proposed in.
    pub height: u64,
    /// Time of that block (ms).
    pub time_ms: u64,
    /// Last block in which it may be voted on or executed.
    pub end_height: u64,
    /// Quorum percentage in force when proposed.
    pub participation_threshold: u8,
    /// Approval percentage in force when proposed.
    pub approval_threshold: u8,
    /// The committee's weights when proposed (the electorate).
    pub electorate: Vec<Weighted>,
    /// Votes so far.
    pub tally: Tally,
    /// Stored stage.
    pub stage: Stage,
    /// Block in which it passed, was rejected, executed or last failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_height: Option<u64>,
    /// Block in which it was executed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed_height: Option<u64>,
    /// Why the last execution attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Proposal {
    /// The status at block `height`: open and passed proposals past their end are expired.
    pub fn status_at(&self, height: u64) -> Status {
        let past_end = height > self.end_height;
        match self.stage {
            Stage::Open | Stage::Passed if past_end => Status::Expired,
            Stage::Open => Status::Open,
            Stage::Passed => Status::Passed,
            Stage::Rejected => Status::Rejected,
            Stage::Executed => Status::Executed,
            Stage::Failed => Status::Failed,
        }
    }

    /// The electorate weight of `address`, if it may vote on this proposal.
    pub fn weight_of(&self, address: &str) -> Option<u64> {
        self.electorate.iter().find(|w| w.address == address).map(|w| w.weight)
    }
}

/// One cast vote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRecord {
    /// The voter.
    pub voter: String,
    /// The vote.
    pub vote: VoteOption,
    /// The voter's weight in the proposal's electorate.
    pub weight: u64,
    /// Block of the vote.
    pub height: u64,
}

/// What happened to a proposal, for the decisions log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It reached the thresholds.
    Passed,
    /// It can no longer reach them.
    Rejected,
    /// Its actions took effect.
    Executed,
    /// An execution attempt failed; nothing took effect.
    Failed,
}

/// One decisions-log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Entry number, from 1.
    pub seq: u64,
    /// The proposal.
    pub proposal_id: u64,
    /// What happened.
    pub outcome: Outcome,
    /// Block.
    pub height: u64,
    /// Block time (ms).
    pub time_ms: u64,
    /// Why an execution failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

json_codec!(Config, Proposal, VoteRecord, HistoryEntry);
