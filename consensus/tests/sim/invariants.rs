//! Safety invariants checked after every scenario.

use std::collections::{BTreeMap, BTreeSet};

use bayledger_consensus::ConsensusMsg;
use bayledger_consensus::signing::wire_round;
use bayledger_types::block::verify_commit;
use bayledger_types::{Address, Hash, pb};

use crate::app::Sets;
use crate::harness::DecisionRecord;

#[derive(Debug, PartialEq)]
pub enum Violation {
    /// Two nodes decided different blocks at one height (agreement broken).
    Fork { height: u64, a: (usize, Hash), b: (usize, Hash) },
    /// A decision's commit does not carry > 2/3 of the power in valid
    /// validator signatures for that block.
    BadCommit { node: usize, height: u64, reason: String },
    /// A decided block does not extend the block decided below it.
    BrokenChain { node: usize, height: u64 },
    /// An application refused to commit what consensus decided.
    AppRejected { node: usize, reason: String },
}

/// Agreement, commit validity and chain integrity over all decisions, with
/// one validator set for every height.
pub fn check(
    decisions: &[DecisionRecord],
    app_errors: &[(usize, String)],
    set: &pb::ValidatorSet,
    chain_id: &str,
) -> Result<(), Violation> {
    check_sets(decisions, app_errors, &Sets(vec![(1, set.clone())]), chain_id)
}

/// [`check`] with the validator set of each height: a commit counts only
/// the signatures of its height's set.
pub fn check_sets(
    decisions: &[DecisionRecord],
    app_errors: &[(usize, String)],
    sets: &Sets,
    chain_id: &str,
) -> Result<(), Violation> {
    if let Some((node, reason)) = app_errors.first() {
        return Err(Violation::AppRejected { node: *node, reason: reason.clone() });
    }
    let mut by_height: BTreeMap<u64, (usize, Hash)> = BTreeMap::new();
    for d in decisions {
        if let Some(&(n, h)) = by_height.get(&d.height) {
            if h != d.hash {
                return Err(Violation::Fork { height: d.height, a: (n, h), b: (d.node, d.hash) });
            }
        } else {
            by_height.insert(d.height, (d.node, d.hash));
        }
        if d.block.hash() != d.hash {
            return Err(Violation::BadCommit {
                node: d.node,
                height: d.height,
                reason: "block does not match the decided hash".into(),
            });
        }
        verify_commit(&d.commit, chain_id, d.height, &d.hash, sets.at(d.height)).map_err(|e| {
            Violation::BadCommit { node: d.node, height: d.height, reason: e.to_string() }
        })?;
    }
    for d in decisions {
        if let Some(&(_, parent)) = by_height.get(&(d.height.wrapping_sub(1)))
            && d.block.header.header.parent_hash != parent.0
        {
            return Err(Violation::BrokenChain { node: d.node, height: d.height });
        }
    }
    Ok(())
}

/// Validators that signed two different votes for one (height, round, type),
/// or two different proposals for one (height, round).
pub fn equivocators(observed: &[ConsensusMsg]) -> BTreeSet<Address> {
    let mut votes: BTreeMap<(Address, u64, u32, u8), Option<Hash>> = BTreeMap::new();
    let mut proposals: BTreeMap<(Address, u64, u32), (Hash, Option<u32>)> = BTreeMap::new();
    let mut out = BTreeSet::new();
    for m in observed {
        match m {
            ConsensusMsg::Proposal(p) => {
                let m = &p.message;
                let key = (m.proposer.0, m.height.0, wire_round(m.round));
                let value = (m.value.hash(), m.pol_round.as_u32());
                if *proposals.entry(key).or_insert(value) != value {
                    out.insert(m.proposer.0);
                }
            }
            other => {
                for v in other.votes(crate::harness::CHAIN_ID) {
                    let m = &v.message;
                    let value = match m.value {
                        malachitebft_core_types::NilOrVal::Nil => None,
                        malachitebft_core_types::NilOrVal::Val(h) => Some(h),
                    };
                    let key = (m.validator.0, m.height.0, wire_round(m.round), m.vote_type as u8);
                    if *votes.entry(key).or_insert(value) != value {
                        out.insert(m.validator.0);
                    }
                }
            }
        }
    }
    out
}
