//! Validator sets and proposer selection.
//!
//! A [`ValidatorSet`] is built from the genesis `pb::ValidatorSet` (33-byte
//! compressed k256 keys, voting power). Validators are kept in Malachite's
//! canonical order — power descending, then address ascending — so the proposer
//! schedule depends on the set, not on how it was listed.
//!
//! **Proposer selection** (`proposer(h, round)`, paper line 14) is a smooth
//! weighted round robin (the interleaving of nginx's SWRR, as in CometBFT's
//! proposer priorities) computed once per set: each step every validator's
//! credit grows by its weight, the one with most credit (ties: canonical order)
//! is picked and pays the total weight. The sequence repeats after exactly
//! `Σ weights` slots, in which each validator appears `weight` times, spread out
//! rather than in runs. The proposer of height `h`, round `r` is slot
//! `(h + r) mod period`. Weights are the powers divided by their gcd; if the
//! period would exceed [`MAX_SCHEDULE`] they are scaled down proportionally
//! (each at least 1), which keeps the schedule at most `MAX_SCHEDULE` entries.
//! Everything is integer arithmetic on the set alone: every node derives the
//! same proposer with no shared state.

use std::collections::BTreeMap;
use std::sync::Arc;

use bayledger_types::{Address, PublicKey, pb};
use malachitebft_core_types as mc;

use crate::context::{BayContext, ValidatorAddress};

/// Longest proposer schedule kept per validator set.
pub const MAX_SCHEDULE: u64 = 1 << 16;

/// Largest total voting power accepted: Malachite's threshold arithmetic
/// multiplies powers by 3 without overflow checks of its own.
pub const MAX_TOTAL_POWER: u64 = u64::MAX / 4;

/// Why a validator set was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidatorSetError {
    /// No validators.
    #[error("the validator set is empty")]
    Empty,
    /// A public key that is not a valid compressed secp256k1 point.
    #[error("validator {index} has an invalid public key")]
    PublicKey {
        /// Position in the set.
        index: usize,
    },
    /// The address is not the one derived from the key.
    #[error("validator {index}: address does not match its public key")]
    AddressMismatch {
        /// Position in the set.
        index: usize,
    },
    /// Zero voting power.
    #[error("validator {0} has zero voting power")]
    ZeroPower(Address),
    /// The same address twice.
    #[error("validator {0} is listed twice")]
    Duplicate(Address),
    /// Total power too large.
    #[error("total voting power exceeds {MAX_TOTAL_POWER}")]
    PowerOverflow,
}

/// A validator: address, k256 public key and voting power.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validator {
    /// Address (derived from the key).
    pub address: ValidatorAddress,
    /// Public key.
    pub public_key: PublicKey,
    /// Voting power (> 0).
    pub power: u64,
}

impl mc::Validator<BayContext> for Validator {
    fn address(&self) -> &ValidatorAddress {
        &self.address
    }

    fn public_key(&self) -> &PublicKey {
        &self.public_key
    }

    fn voting_power(&self) -> u64 {
        self.power
    }
}

/// A validator set with its proposer schedule.
#[derive(Clone, Debug)]
pub struct ValidatorSet {
    validators: Arc<[Validator]>,
    by_address: Arc<BTreeMap<ValidatorAddress, usize>>,
    total: u64,
    schedule: Arc<[u32]>,
    pb: Arc<pb::ValidatorSet>,
}

impl PartialEq for ValidatorSet {
    fn eq(&self, other: &Self) -> bool {
        self.validators == other.validators
    }
}

impl Eq for ValidatorSet {}

impl ValidatorSet {
    /// Checks and converts a protocol validator set.
    pub fn from_pb(set: &pb::ValidatorSet) -> Result<ValidatorSet, ValidatorSetError> {
        if set.validators.is_empty() {
            return Err(ValidatorSetError::Empty);
        }
        let mut validators = Vec::with_capacity(set.validators.len());
        let mut total: u64 = 0;
        for (index, v) in set.validators.iter().enumerate() {
            let public_key = PublicKey::from_sec1(&v.pub_key)
                .ok()
                .filter(|_| v.pub_key.len() == 33)
                .ok_or(ValidatorSetError::PublicKey { index })?;
            let address = public_key.address();
            if v.address != address.0 {
                return Err(ValidatorSetError::AddressMismatch { index });
            }
            if v.power == 0 {
                return Err(ValidatorSetError::ZeroPower(address));
            }
            total = total
                .checked_add(v.power)
                .filter(|t| *t <= MAX_TOTAL_POWER)
                .ok_or(ValidatorSetError::PowerOverflow)?;
            validators.push(Validator {
                address: ValidatorAddress(address),
                public_key,
                power: v.power,
            });
        }
        validators.sort_by(|a, b| b.power.cmp(&a.power).then(a.address.cmp(&b.address)));
        let mut by_address = BTreeMap::new();
        for (i, v) in validators.iter().enumerate() {
            if by_address.insert(v.address, i).is_some() {
                return Err(ValidatorSetError::Duplicate(v.address.0));
            }
        }
        let schedule = schedule(&validators.iter().map(|v| v.power).collect::<Vec<_>>());
        Ok(ValidatorSet {
            validators: validators.into(),
            by_address: Arc::new(by_address),
            total,
            schedule: schedule.into(),
            pb: Arc::new(set.clone()),
        })
    }

    /// The protocol form this set was built from (what `verify_commit` takes).
    pub fn as_pb(&self) -> &pb::ValidatorSet {
        &self.pb
    }

    /// Validators in canonical order.
    pub fn validators(&self) -> &[Validator] {
        &self.validators
    }

    /// Total voting power.
    pub fn total_power(&self) -> u64 {
        self.total
    }

    /// The member with this address.
    pub fn get(&self, address: &Address) -> Option<&Validator> {
        self.by_address.get(&ValidatorAddress(*address)).map(|i| &self.validators[*i])
    }

    /// The proposer of `height`, `round`: slot `(height + round) mod period` of
    /// the weighted round-robin schedule.
    pub fn proposer(&self, height: u64, round: u32) -> &Validator {
        let period = self.schedule.len() as u64;
        let slot = (height % period + u64::from(round) % period) % period;
        &self.validators[self.schedule[slot as usize] as usize]
    }
}

/// The smooth weighted round-robin sequence over `powers` (indices into it).
fn schedule(powers: &[u64]) -> Vec<u32> {
    let g = powers.iter().fold(0u64, |g, p| gcd(g, *p));
    let mut weights: Vec<u64> = powers.iter().map(|p| p / g.max(1)).collect();
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if sum > u128::from(MAX_SCHEDULE) {
        // Scale to fit, never dropping anyone to zero. Each weight ≤ MAX·w/sum + 1,
        // so the period stays below MAX + n.
        weights = weights
            .iter()
            .map(|w| ((u128::from(*w) * u128::from(MAX_SCHEDULE) / sum) as u64).max(1))
            .collect();
    }
    let period: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    let mut credit = vec![0i128; weights.len()];
    let mut out = Vec::with_capacity(period as usize);
    for _ in 0..period {
        let mut best = 0usize;
        for (i, w) in weights.iter().enumerate() {
            credit[i] += i128::from(*w);
            if credit[i] > credit[best] {
                best = i;
            }
        }
        credit[best] -= period;
        out.push(best as u32);
    }
    out
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

impl mc::ValidatorSet<BayContext> for ValidatorSet {
    fn count(&self) -> usize {
        self.validators.len()
    }

    fn total_voting_power(&self) -> u64 {
        self.total
    }

    fn get_by_address(&self, address: &ValidatorAddress) -> Option<&Validator> {
        self.by_address.get(address).map(|i| &self.validators[*i])
    }

    fn get_by_index(&self, index: usize) -> Option<&Validator> {
        self.validators.get(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::SecretKey;

    fn set(powers: &[u64]) -> (Vec<SecretKey>, pb::ValidatorSet) {
        let keys: Vec<SecretKey> = (1..=powers.len() as u8)
            .map(|i| SecretKey::from_bytes(&[i; 32]).expect("key"))
            .collect();
        let set = pb::ValidatorSet {
            validators: keys
                .iter()
                .zip(powers)
                .map(|(k, p)| pb::Validator::of_key(&k.public_key(), *p, ""))
                .collect(),
        };
        (keys, set)
    }

    #[test]
    fn equal_powers_rotate_round_robin_in_canonical_order() {
        let (_, pbset) = set(&[7, 7, 7, 7]);
        let vs = ValidatorSet::from_pb(&pbset).expect("valid");
        let seq: Vec<Address> = (0..8).map(|h| vs.proposer(h, 0).address.0).collect();
        let order: Vec<Address> = vs.validators().iter().map(|v| v.address.0).collect();
        assert_eq!(&seq[..4], &order[..]);
        assert_eq!(&seq[4..], &order[..]);
        // Next round = next slot.
        assert_eq!(vs.proposer(3, 1).address, vs.proposer(4, 0).address);
        // Listing order does not matter.
        let mut shuffled = pbset.clone();
        shuffled.validators.reverse();
        let vs2 = ValidatorSet::from_pb(&shuffled).expect("valid");
        assert!((0..20).all(|h| vs.proposer(h, 0).address == vs2.proposer(h, 0).address));
    }

    #[test]
    fn weighted_schedule_is_proportional_and_interleaved() {
        let (_, pbset) = set(&[3, 1, 1, 1]);
        let vs = ValidatorSet::from_pb(&pbset).expect("valid");
        let heavy = vs.validators()[0].address;
        assert_eq!(vs.validators()[0].power, 3);
        let seq: Vec<ValidatorAddress> = (0..12).map(|h| vs.proposer(h, 0).address).collect();
        assert_eq!(seq[..6].iter().filter(|a| **a == heavy).count(), 3);
        assert_eq!(seq[..6], seq[6..], "period = Σ weights");
        // Smooth: within a period the heavy validator never proposes twice in a row
        // (a run of three would be the naive weighted schedule).
        for w in seq[..6].windows(2) {
            assert!(!(w[0] == heavy && w[1] == heavy), "{seq:?}");
        }
        // Period is Σ power / gcd: powers 100,100,100,100 behave like 1,1,1,1.
        let (_, pb100) = set(&[100, 100, 100, 100]);
        let vs100 = ValidatorSet::from_pb(&pb100).expect("valid");
        let distinct: std::collections::BTreeSet<_> =
            (0..4).map(|h| vs100.proposer(h, 0).address).collect();
        assert_eq!(distinct.len(), 4);
    }

    #[test]
    fn huge_powers_are_scaled_to_a_bounded_schedule() {
        let (_, pbset) = set(&[1 << 40, (1 << 40) + 1, 3]);
        let vs = ValidatorSet::from_pb(&pbset).expect("valid");
        assert!(vs.schedule.len() as u64 <= MAX_SCHEDULE + 3);
        // The tiny validator still gets a slot.
        let small = vs.validators()[2].address;
        assert!((0..vs.schedule.len() as u64).any(|h| vs.proposer(h, 0).address == small));
    }

    #[test]
    fn malformed_sets_are_refused() {
        let (_, mut s) = set(&[1, 1]);
        s.validators[1].address = s.validators[0].address.clone();
        assert_eq!(ValidatorSet::from_pb(&s), Err(ValidatorSetError::AddressMismatch { index: 1 }));
        let (_, mut s) = set(&[1, 0]);
        assert!(matches!(ValidatorSet::from_pb(&s), Err(ValidatorSetError::ZeroPower(_))));
        s.validators[1] = s.validators[0].clone();
        assert!(matches!(ValidatorSet::from_pb(&s), Err(ValidatorSetError::Duplicate(_))));
        let (_, s) = set(&[u64::MAX / 4, 1]);
        assert_eq!(ValidatorSet::from_pb(&s), Err(ValidatorSetError::PowerOverflow));
        assert_eq!(
            ValidatorSet::from_pb(&pb::ValidatorSet::default()),
            Err(ValidatorSetError::Empty)
        );
        let (_, mut s) = set(&[1]);
        s.validators[0].pub_key[0] = 9;
        assert_eq!(ValidatorSet::from_pb(&s), Err(ValidatorSetError::PublicKey { index: 0 }));
    }
}
