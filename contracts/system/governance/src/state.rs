//! Storage layout.

use crate::record::{Config, HistoryEntry, Proposal, VoteRecord};
use alloc::vec::Vec;
use bayledger_contract_sdk::storage::{Item, Map};

/// The committee and its rules.
pub(crate) const CONFIG: Item<Config> = Item::new("config");
/// Proposal id → proposal. Ids count up from 1.
pub(crate) const PROPOSALS: Map<u64, Proposal> = Map::new("proposals");
/// The last proposal id handed out.
pub(crate) const LAST_PROPOSAL: Item<u64> = Item::new("last_proposal");
/// (proposal id `u64` big-endian ‖ voter address 20 bytes) → vote.
pub(crate) const VOTES: Map<Vec<u8>, VoteRecord> = Map::new("votes");
/// Entry number → decisions-log entry. Numbers count up from 1.
pub(crate) const HISTORY: Map<u64, HistoryEntry> = Map::new("history");
/// The last decisions-log entry number.
pub(crate) const LAST_HISTORY: Item<u64> = Item::new("last_history");
/// The proposal whose actions are running (set only during `execute`'s nested call; guards
/// `run_actions` and refuses re-entrant executions).
pub(crate) const RUNNING: Item<u64> = Item::new("running");

/// The [`VOTES`] key of `voter`'s vote on proposal `id`.
pub(crate) fn vote_key(id: u64, voter: &bayledger_contract_sdk::Address) -> Vec<u8> {
    let mut key = id.to_be_bytes().to_vec();
    key.extend_from_slice(&voter.0);
    key
}
