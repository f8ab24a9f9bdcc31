//! [`TrustAnchor`]: the one thing a light client takes on trust — a block of
//! the chain and the validator set that signs the block after it.
//!
//! From a genesis file it is the chain id, the genesis hash (the parent of
//! block `initial_height`) and the initial validators; from a checkpoint it
//! is a height, that block's hash and the set in the state after it. Its
//! JSON form (what `--checkpoint FILE` reads):
//!
//! ```json
//! {
//!   "chain_id": "bayledger-dev",
//!   "height": 120,
//!   "block_hash": "0x5f…",
//!   "validators": [
//!     { "name": "node0", "address": "0x…", "pub_key": "0x02…", "power": 10 }
//!   ]
//! }
//! ```
//!
//! `validators` is the value of `sys/validators` after block `height` (the
//! set that signs block `height + 1`), in its stored order: its hash must be
//! the `validator_set_hash` of the next header.

use super::LightError;
use bayledger_genesis::{CompressedKey, Genesis, GenesisValidator};
use bayledger_types::block::validator_set_hash;
use bayledger_types::{Address, Hash, pb};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A trusted block and the validator set that signs the next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustAnchor {
    /// The chain.
    pub chain_id: String,
    /// Height of the trusted block (`initial_height - 1` for a genesis).
    pub height: u64,
    /// Its hash (the genesis hash for a genesis).
    pub block_hash: Hash,
    /// The set that signs block `height + 1`, in order.
    pub validators: Vec<GenesisValidator>,
}

impl TrustAnchor {
    /// The anchor of a genesis file: its chain id, hash and validators.
    pub fn from_genesis(genesis: &Genesis) -> TrustAnchor {
        TrustAnchor {
            chain_id: genesis.chain_id.clone(),
            height: genesis.initial_height.saturating_sub(1),
            block_hash: genesis.hash(),
            validators: genesis.validators.clone(),
        }
    }

    /// A checkpoint: verified block `height` with hash `block_hash`, and the
    /// set proven in its state (e.g. to save after a verification).
    pub fn checkpoint(
        chain_id: &str,
        height: u64,
        block_hash: Hash,
        set: &pb::ValidatorSet,
    ) -> Result<TrustAnchor, LightError> {
        let validators = set
            .validators
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let bad = |what: &str| LightError::Anchor(format!("validator {i}: {what}"));
                Ok(GenesisValidator {
                    name: v.name.clone(),
                    address: Address::from_slice(&v.address)
                        .map_err(|_| bad("address is not 20 bytes"))?,
                    pub_key: CompressedKey(
                        v.pub_key.as_slice().try_into().map_err(|_| bad("key is not 33 bytes"))?,
                    ),
                    power: v.power,
                })
            })
            .collect::<Result<_, LightError>>()?;
        Ok(TrustAnchor { chain_id: chain_id.to_string(), height, block_hash, validators })
    }

    /// Parses the JSON form.
    pub fn from_json(json: &str) -> Result<TrustAnchor, LightError> {
        serde_json::from_str(json).map_err(|e| LightError::Anchor(format!("bad JSON: {e}")))
    }

    /// The JSON form, pretty-printed.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an anchor holds strings and integers only")
    }

    /// Reads a checkpoint file (the JSON form).
    pub fn load(path: impl AsRef<Path>) -> Result<TrustAnchor, LightError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| LightError::Anchor(format!("cannot read {}: {e}", path.display())))?;
        TrustAnchor::from_json(&text)
    }

    /// The validator set as the chain stores and hashes it.
    pub fn validator_set(&self) -> pb::ValidatorSet {
        bayledger_genesis::validator_set_of(&self.validators)
    }

    /// Checks the set can sign anything, by the validator rules of a genesis
    /// file ([`bayledger_genesis::validate_validators`]: at least one
    /// validator, each named, with positive power and the address of its key
    /// (ADR 0003); keys and names distinct; total power bounded). Returns the
    /// set and its hash.
    pub(crate) fn checked_set(&self) -> Result<(pb::ValidatorSet, Hash), LightError> {
        if self.chain_id.is_empty() {
            return Err(LightError::Anchor("empty chain id".into()));
        }
        bayledger_genesis::validate_validators(&self.validators)
            .map_err(|e| LightError::Anchor(e.to_string()))?;
        let set = self.validator_set();
        let hash = validator_set_hash(&set);
        Ok((set, hash))
    }
}
