//! Event topics and payloads. Their JSON Schemas are the `$defs` of `schema/events.json`, one
//! per topic.

use crate::codec::to_json;
use crate::msg::VoteOption;
use bayledger_contract_sdk::{Error, events};
use serde::Serialize;

/// `governance.member_added` — at instantiation for each member, and by `add_member`.
pub const MEMBER_ADDED: &str = "governance.member_added";
/// `governance.member_removed`.
pub const MEMBER_REMOVED: &str = "governance.member_removed";
/// `governance.member_updated`.
pub const MEMBER_UPDATED: &str = "governance.member_updated";
/// `governance.rules_changed` — at instantiation and by `set_rules`.
pub const RULES_CHANGED: &str = "governance.rules_changed";
/// `governance.proposed`.
pub const PROPOSED: &str = "governance.proposed";
/// `governance.voted`.
pub const VOTED: &str = "governance.voted";
/// `governance.passed`.
pub const PASSED: &str = "governance.passed";
/// `governance.rejected`.
pub const REJECTED: &str = "governance.rejected";
/// `governance.executed`.
pub const EXECUTED: &str = "governance.executed";
/// `governance.execution_failed`.
pub const EXECUTION_FAILED: &str = "governance.execution_failed";
/// `governance.system_action` — one per applied system action.
pub const SYSTEM_ACTION: &str = "governance.system_action";
/// `governance.contract_called` — one per `add_issuer`, `remove_issuer` or `call_contract`.
pub const CONTRACT_CALLED: &str = "governance.contract_called";

/// Emits `data` as JSON under `topic`.
pub(crate) fn emit<T: Serialize>(topic: &str, data: &T) -> Result<(), Error> {
    events::emit(topic, &to_json(data)?);
    Ok(())
}

/// `governance.member_added`, `governance.member_updated`.
#[derive(Serialize)]
pub(crate) struct MemberChanged<'a> {
    pub address: &'a str,
    pub weight: u64,
    pub name: &'a str,
    pub total_weight: u64,
}

/// `governance.member_removed`.
#[derive(Serialize)]
pub(crate) struct MemberRemoved<'a> {
    pub address: &'a str,
    pub total_weight: u64,
}

/// `governance.rules_changed`.
#[derive(Serialize)]
pub(crate) struct RulesChanged {
    pub participation_threshold: u8,
    pub approval_threshold: u8,
    pub voting_period_blocks: u64,
    pub execute_on_pass: bool,
}

/// `governance.proposed`.
#[derive(Serialize)]
pub(crate) struct Proposed<'a> {
    pub id: u64,
    pub proposer: &'a str,
    pub title: &'a str,
    pub actions: usize,
    pub end_height: u64,
}

/// `governance.voted`.
#[derive(Serialize)]
pub(crate) struct Voted<'a> {
    pub id: u64,
    pub voter: &'a str,
    pub vote: VoteOption,
    pub weight: u64,
}

/// `governance.passed`, `governance.rejected`, `governance.executed`.
#[derive(Serialize)]
pub(crate) struct Decided {
    pub id: u64,
    pub yes: u64,
    pub no: u64,
    pub abstain: u64,
    pub total_weight: u64,
}

/// `governance.execution_failed`.
#[derive(Serialize)]
pub(crate) struct ExecutionFailed<'a> {
    pub id: u64,
    pub error: &'a str,
}

/// `governance.system_action`.
#[derive(Serialize)]
pub(crate) struct SystemApplied<'a> {
    pub id: u64,
    pub action: &'a crate::action::SystemAction,
}

/// `governance.contract_called`.
#[derive(Serialize)]
pub(crate) struct ContractCalled<'a> {
    pub id: u64,
    pub contract: &'a str,
    pub msg: &'a serde_json::Value,
}
