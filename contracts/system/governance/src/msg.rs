//! The contract's incoming JSON messages (instantiate, call, query) and the actions a proposal
//! carries. Their JSON Schemas are in `schema/instantiate.json`, `schema/call.json` and
//! `schema/query.json`.

use crate::action::SystemAction;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// One committee member as given in messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberMsg {
    /// The member's account (`0x` + 40 lower-case hex).
    pub address: String,
    /// Voting weight, 1–1,000,000.
    pub weight: u64,
    /// Human-readable name (e.g. the organisation), at most 128 bytes; default empty.
    #[serde(default)]
    pub name: String,
}

/// Instantiate message: the initial committee and its rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstantiateMsg {
    /// 1–64 members, distinct addresses.
    pub members: Vec<MemberMsg>,
    /// Quorum: the members who voted (yes, no or abstain) must carry at least this percentage
    /// of the total weight (1–100).
    pub participation_threshold: u8,
    /// Approval: yes votes must carry at least this percentage of the weight that did not
    /// abstain (1–100).
    pub approval_threshold: u8,
    /// How many blocks after the proposal's block it may be voted on and executed (1–1,000,000).
    pub voting_period_blocks: u64,
    /// Whether the vote that makes a proposal pass also executes it, in the same transaction
    /// (default true). Otherwise anyone sends `execute` while the proposal is within its period.
    #[serde(default = "yes")]
    pub execute_on_pass: bool,
    /// The credentials contract that `add_issuer` / `remove_issuer` actions address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<String>,
}

fn yes() -> bool {
    true
}

/// What a proposal asks for when it executes. Actions run in order; if one fails, none has
/// any effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ProposalAction {
    /// Adds a member to the committee.
    AddMember(MemberMsg),
    /// Removes a member (the last one cannot be removed).
    RemoveMember {
        /// The member.
        address: String,
    },
    /// Changes a member's weight and/or name.
    UpdateMember {
        /// The member.
        address: String,
        /// The new weight, 1–1,000,000.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weight: Option<u64>,
        /// The new name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// Changes the voting rules for proposals made from then on (open proposals keep theirs).
    SetRules {
        /// New quorum percentage.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        participation_threshold: Option<u8>,
        /// New approval percentage.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        approval_threshold: Option<u8>,
        /// New voting period.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        voting_period_blocks: Option<u64>,
        /// Whether a passing vote executes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        execute_on_pass: Option<bool>,
    },
    /// A privileged chain operation, applied by the VM's `system_apply`.
    System(SystemAction),
    /// Authorises an issuer DID for a credential type (`add_issuer` on the credentials contract).
    AddIssuer {
        /// The credential type id.
        credential_type: String,
        /// The issuer's DID.
        issuer: String,
    },
    /// Ends an issuer's authorisation (`remove_issuer` on the credentials contract).
    RemoveIssuer {
        /// The credential type id.
        credential_type: String,
        /// The issuer's DID.
        issuer: String,
    },
    /// Calls another contract's `call` entry point with this contract as the caller (e.g.
    /// `register_type` on the credentials contract). Never this contract itself.
    CallContract {
        /// The contract.
        contract: String,
        /// Its call message (JSON).
        msg: serde_json::Value,
    },
}

/// A member's vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteOption {
    /// For.
    Yes,
    /// Against.
    No,
    /// Counts towards the quorum only.
    Abstain,
}

/// State-changing messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum CallMsg {
    /// Members only: opens a proposal; the proposer's vote is not implied.
    Propose {
        /// 1–128 bytes.
        title: String,
        /// At most 2,048 bytes; default empty.
        #[serde(default)]
        description: String,
        /// 1–16 actions.
        actions: Vec<ProposalAction>,
    },
    /// Members of the proposal's snapshot only, once each, while it is open.
    Vote {
        /// The proposal.
        id: u64,
        /// The vote.
        vote: VoteOption,
    },
    /// Anyone: executes a passed (or failed, to retry) proposal within its period.
    Execute {
        /// The proposal.
        id: u64,
    },
    /// This contract only (the nested call `execute` makes): runs a proposal's actions, so a
    /// failing one reverts them all while the outer call records the failure.
    RunActions {
        /// The proposal.
        id: u64,
    },
}

/// Which proposals `proposals` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being voted on.
    Open,
    /// Passed, not executed yet.
    Passed,
    /// Can no longer pass: the no votes already outweigh what approval needs.
    Rejected,
    /// Its period ended before it was executed.
    Expired,
    /// Executed: its actions took effect.
    Executed,
    /// Its execution failed (nothing took effect); `execute` may retry within the period.
    Failed,
}

/// Read-only messages. Pages hold 10 entries by default, at most 100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QueryMsg {
    /// The committee and its rules.
    Config {},
    /// One proposal with its tally and status.
    Proposal {
        /// The proposal.
        id: u64,
    },
    /// A page of proposals in id order.
    Proposals {
        /// Only proposals with this status (now).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<Status>,
        /// Start after this id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<u64>,
        /// Page size.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// A page of a proposal's votes in voter address order.
    Votes {
        /// The proposal.
        id: u64,
        /// Start after this voter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<String>,
        /// Page size.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
    /// A page of the decisions log (passed, rejected, executed, failed), oldest first.
    History {
        /// Start after this entry number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_after: Option<u64>,
        /// Page size.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
    },
}
