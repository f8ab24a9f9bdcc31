//! # bayledger-genesis — the genesis file
//!
//! A chain starts from one `genesis.json` that every node must hold byte-for-byte
//! equivalent copies of. This crate parses it ([`Genesis::from_json`],
//! [`Genesis::load`]), checks it ([`Genesis::validate`]), writes it
//! ([`Genesis::save`]) and computes its canonical hash ([`Genesis::hash`]), which
//! nodes compare before talking to each other.
//!
//! ```json
//! {
//!   "chain_id": "bayledger-dev",
//!   "genesis_time": "2026-11-22T00:00:00Z",
//!   "initial_height": 1,
//!   "params": {
//!     "block_time_ms": 1000, "max_block_bytes": 4194304, "max_block_txs": 5000,
//!     "max_tx_bytes": 1048576, "max_block_fuel": 2000000000, "max_tx_fuel": 100000000,
//!     "max_code_bytes": 524288, "query_fuel_limit": 50000000
//!   },
//!   "validators": [
//!     { "name": "node0", "address": "0x…", "pub_key": "0x02…", "power": 10 }
//!   ],
//!   "members": [ { "name": "member-a", "address": "0x…" } ],
//!   "contracts": [
//!     { "label": "kv-registry", "code_base64": "AGFzbQEAAAA…", "init_msg": {}, "admin": "0x…" }
//!   ]
//! }
//! ```
//!
//! ## Fields
//!
//! Unknown fields are errors at every level (a misspelt parameter must not be
//! silently replaced by a default).
//!
//! | field | meaning and rule |
//! |---|---|
//! | `chain_id` | 1–50 characters of `[a-z0-9-]`. Signed into every transaction and vote, so a transaction for one chain is never valid on another. |
//! | `genesis_time` | RFC 3339 in UTC (`Z` or `+00:00`), at or after 1970. [`Genesis::genesis_time_ms`] gives milliseconds since the Unix epoch; block times are later. |
//! | `initial_height` | Height of the first block, at least 1 (a chain restarted from exported state may start higher). |
//! | `params.block_time_ms` | Target interval between blocks. |
//! | `params.max_block_bytes` | Largest encoded block. |
//! | `params.max_block_txs` | Most transactions per block; at most `u32::MAX` (the header's `tx_count`). |
//! | `params.max_tx_bytes` | Largest encoded `SignedTx`; at most `max_block_bytes`. |
//! | `params.max_block_fuel` | Fuel all transactions of a block may burn together. |
//! | `params.max_tx_fuel` | Largest `fuel_limit` of a transaction; at most `max_block_fuel`. |
//! | `params.max_code_bytes` | Largest WASM module; less than `max_tx_bytes` (the upload must fit in a transaction). |
//! | `params.query_fuel_limit` | Fuel each read-only query may burn. |
//! | `validators` | At least one. Order is kept: [`Genesis::validator_set`] lists them as written. |
//! | `validators[].name` | Non-empty, unique. |
//! | `validators[].pub_key` | 33-byte compressed secp256k1 key, `0x` + 66 hex digits, a point on the curve, unique. |
//! | `validators[].address` | `0x` + 40 hex digits; must equal the address of `pub_key` (last 20 bytes of SHA3-256 of the compressed key, ADR 0003); unique. |
//! | `validators[].power` | Positive; the total must not exceed [`MAX_TOTAL_POWER`] (`i64::MAX / 8`). |
//! | `members` | Optional (default empty). Accounts admitted at genesis: `name` non-empty and unique, `address` unique. |
//! | `contracts` | Optional (default empty). Contracts created at genesis, in order. |
//! | `contracts[].label` | 1–128 bytes, unique. |
//! | `contracts[].code_base64` | Standard padded base64 of a WebAssembly 1.0 module (starts with `\0asm` version 1), 1 to `max_code_bytes` bytes. Full ABI validation (ADR 0006) happens when the node applies genesis. |
//! | `contracts[].init_msg` | Any JSON (default `{}`); the contract receives its canonical bytes ([`Genesis::init_msg_bytes`]). |
//! | `contracts[].admin` | Optional admin address. |
//!
//! Contract `i` of the file gets the address [`Genesis::contract_address`]`(i)`:
//! `Address::contract(0x00…00, i)`, as if the zero address had instantiated it
//! with nonce `i`. No key has the zero address, so these never collide with
//! contracts created by transactions.
//!
//! ## Hash
//!
//! [`Genesis::hash`] is `SHA3-256("bayledger/genesis/v1" || 0x00 || canonical)`
//! where `canonical` is the parsed file serialised as compact JSON with object
//! keys sorted by their bytes ([`Genesis::canonical_bytes`]). Whitespace, key
//! order, `0x`-prefix and hex case, and whether optional empty sections are
//! written do not change the hash; any change of a value does.
//!
//! ## Development chains
//!
//! [`Genesis::single_validator`] builds a one-validator chain with default
//! [`Params`]; [`Genesis::with_validator`], [`Genesis::with_member`] and
//! [`Genesis::with_contract`] extend it.

#![forbid(unsafe_code)]

mod builder;
mod canonical;
mod encoding;
mod error;
mod schema;
mod time;
mod validate;

pub use builder::DEFAULT_POWER;
pub use canonical::to_canonical_bytes;
pub use encoding::{Base64Bytes, CompressedKey};
pub use error::GenesisError;
pub use schema::{
    Genesis, GenesisContract, GenesisMember, GenesisNode, GenesisValidator, NodeRole, Params,
    Permissions,
};
pub use time::{format_genesis_time, parse_genesis_time};
pub use validate::{MAX_CHAIN_ID_LEN, MAX_LABEL_LEN, MAX_TOTAL_POWER, validate_validators};

use bayledger_types::hash::domain;
use bayledger_types::{Address, Hash, pb};
use std::path::Path;

impl Genesis {
    /// Parses and validates a genesis document.
    pub fn from_json(json: &str) -> Result<Genesis, GenesisError> {
        let genesis: Genesis = serde_json::from_str(json)?;
        genesis.validate()?;
        Ok(genesis)
    }

    /// Reads, parses and validates a genesis file.
    pub fn load(path: impl AsRef<Path>) -> Result<Genesis, GenesisError> {
        let path = path.as_ref();
        let json = std::fs::read_to_string(path)
            .map_err(|source| GenesisError::Read { path: path.to_path_buf(), source })?;
        Genesis::from_json(&json)
    }

    /// Validates, then writes the file as pretty-printed JSON.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), GenesisError> {
        self.validate()?;
        let path = path.as_ref();
        let mut json = serde_json::to_string_pretty(self)?;
        json.push('\n');
        std::fs::write(path, json)
            .map_err(|source| GenesisError::Write { path: path.to_path_buf(), source })
    }

    /// `genesis_time` in milliseconds since the Unix epoch.
    pub fn genesis_time_ms(&self) -> Result<u64, GenesisError> {
        parse_genesis_time(&self.genesis_time)
    }

    /// The canonical JSON bytes the hash is computed over.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        // Every map key in the schema is a string, so conversion cannot fail.
        let value = serde_json::to_value(self).expect("a Genesis always converts to a JSON value");
        to_canonical_bytes(&value)
    }

    /// The genesis hash: tagged SHA3-256 of [`Genesis::canonical_bytes`].
    pub fn hash(&self) -> Hash {
        Hash::tagged(domain::GENESIS, &self.canonical_bytes())
    }

    /// The initial validator set, in file order.
    pub fn validator_set(&self) -> pb::ValidatorSet {
        validator_set_of(&self.validators)
    }

    /// The WASM bytes of contract `i`.
    ///
    /// # Panics
    /// If there are not more than `i` contracts.
    pub fn contract_code(&self, i: usize) -> Vec<u8> {
        self.contracts[i].code_base64.0.clone()
    }

    /// The bytes passed to contract `i`'s `instantiate`: its `init_msg` as canonical JSON.
    ///
    /// # Panics
    /// If there are not more than `i` contracts.
    pub fn init_msg_bytes(&self, i: usize) -> Vec<u8> {
        to_canonical_bytes(&self.contracts[i].init_msg)
    }

    /// The address of contract `i`: `Address::contract(0x00…00, i)`.
    pub fn contract_address(i: usize) -> Address {
        Address::contract(&Address::default(), i as u64)
    }
}

/// `validators` as the chain stores and hashes a set (`pb::ValidatorSet`), in order.
pub fn validator_set_of(validators: &[GenesisValidator]) -> pb::ValidatorSet {
    pb::ValidatorSet {
        validators: validators
            .iter()
            .map(|v| pb::Validator {
                address: v.address.0.to_vec(),
                pub_key: v.pub_key.0.to_vec(),
                power: v.power,
                name: v.name.clone(),
            })
            .collect(),
    }
}
