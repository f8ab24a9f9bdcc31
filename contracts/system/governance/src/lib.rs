//! `governance`: the Bayledger system contract of the consortium committee (genesis index 4,
//! docs/governance.md, ADR 0011).
//!
//! In a consortium no single member may change who validates, who may deploy, or the rules.
//! Members with weights propose; a proposal passes by weighted vote and then executes its
//! actions: committee changes (here), privileged chain changes ([`action::SystemAction`],
//! through the VM's `system_apply` host function, which accepts only this contract's address),
//! issuer admissions on the credentials contract (whose committee is this contract), and calls
//! to other contracts as this contract.
//!
//! # Messages
//! JSON, `snake_case` variants, unknown fields refused. JSON Schemas: `schema/instantiate.json`,
//! `schema/call.json`, `schema/query.json`, `schema/responses.json`, `schema/events.json`.
//!
//! Instantiate: `{"members": [{"address", "weight", "name"?}…], "participation_threshold",
//! "approval_threshold", "voting_period_blocks", "execute_on_pass"? (default true),
//! "credentials"?}` — 1–64 distinct members, weights 1–1,000,000, thresholds 1–100 (%), period
//! 1–1,000,000 blocks.
//!
//! Calls:
//! - `{"propose": {"title", "description"?, "actions": […]}}` — a member; 1–16 actions (see
//!   [`msg::ProposalAction`]); the proposer's weight counts as a yes vote; returns `{"id",
//!   "status"}`;
//! - `{"vote": {"id", "vote": "yes"|"no"|"abstain"}}` — a member of the proposal's electorate
//!   (the committee when it was proposed, with those weights), once, until its end height;
//!   returns `{"id", "status"}`;
//! - `{"execute": {"id"}}` — anyone, for a `passed` proposal (or a `failed` one, to retry) until
//!   its end height; returns `{"id", "status": "executed"|"failed", "error"?}`;
//! - `{"run_actions": {"id"}}` — this contract only (execute's nested step).
//!
//! # Voting
//! Weights are fixed per proposal when it is made. The voting period is counted in **blocks**
//! (deterministic; block times vary with load and configuration): a proposal made in block `h`
//! accepts votes and executions in blocks `h ..= h + voting_period_blocks` (its `end_height`).
//! The decision rule is in [`tally`]: a proposal passes as soon as quorum and approval are met
//! whatever the other members vote, and is rejected as soon as it can no longer pass. With
//! `execute_on_pass` (the default) the deciding vote also executes it in the same transaction,
//! so on a one-member committee `propose` alone executes. Past its end height an undecided or
//! unexecuted proposal is `expired` and can no longer pass or execute.
//!
//! # Execution
//! Actions run in order inside a nested call of this contract to itself (`run_actions`): a
//! failing action reverts them all, and the outer call records the failure (status `failed`,
//! the `error`, a history entry and a `governance.execution_failed` event) in a transaction that
//! succeeds. A nested call allows at most 8 entry points deep and 9 instances per transaction,
//! which bounds the contract calls one proposal can make.
//!
//! # Queries
//! `{"config": {}}`, `{"proposal": {"id"}}`, `{"proposals": {"status"?, "start_after"?,
//! "limit"?}}`, `{"votes": {"id", "start_after"?, "limit"?}}`, `{"history": {"start_after"?,
//! "limit"?}}` (the decisions log: passed, rejected, executed, failed). Pages hold 10 entries by
//! default, at most 100.
//!
//! # Events
//! `governance.member_added`, `governance.member_updated` `{"address", "weight", "name",
//! "total_weight"}`; `governance.member_removed` `{"address", "total_weight"}`;
//! `governance.rules_changed` `{"participation_threshold", "approval_threshold",
//! "voting_period_blocks", "execute_on_pass"}`; `governance.proposed` `{"id", "proposer",
//! "title", "actions", "end_height"}`; `governance.voted` `{"id", "voter", "vote", "weight"}`;
//! `governance.passed`, `governance.rejected`, `governance.executed` `{"id", "yes", "no",
//! "abstain", "total_weight"}`; `governance.execution_failed` `{"id", "error"}`;
//! `governance.system_action` `{"id", "action"}`; `governance.contract_called` `{"id",
//! "contract", "msg"}`.
//!
//! # Errors
//! One line starting with its kind: `invalid message: …`, `invalid <field>: …`,
//! `unauthorized: …` (not a member, not in the proposal's electorate, `run_actions` from
//! outside), `not found: …` (proposal, member), `already exists: …` (member), `conflict: …`
//! (double vote, proposal no longer open, rejected, already executed, last member, re-entrant
//! execution), `not passed: …` (execute below the thresholds), `expired: …` (vote or execute
//! after the end height), `limit: …`. A failed execution's `error` is `action <n> (<kind>):
//! <reason>`.

#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

pub mod action;
mod actions;
mod codec;
mod committee;
pub mod contract;
pub mod event;
pub mod msg;
mod proposals;
mod query;
pub mod record;
pub mod response;
mod state;
mod system;
pub mod tally;
#[cfg(test)]
mod tests;
pub mod validate;

pub use query::{DEFAULT_LIMIT, MAX_LIMIT};

bayledger_contract_sdk::entry_points! {
    instantiate: contract::instantiate,
    call: contract::call,
    query: contract::query,
    migrate: contract::migrate,
}
