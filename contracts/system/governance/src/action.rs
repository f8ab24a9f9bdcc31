//! System actions: what a passed proposal asks the chain itself to do. JSON, `snake_case`
//! variants, unknown fields refused. Addresses are `0x` + 40 lower-case hex, keys and code
//! hashes `0x` + hex (33-byte compressed secp256k1 keys, 32-byte SHA3-256 code hashes).
//!
//! The governance contract sends one action per `system_apply` host call; the VM checks the
//! caller is the governance contract, validates the action and applies it to the state
//! (`sys/…` keys, `ctr/…` contract info) in the calling transaction's journal, so a failed
//! proposal execution reverts all of its actions.

use alloc::string::String;
use serde::{Deserialize, Serialize};

/// One privileged operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SystemAction {
    /// Adds a validator, changes its power, or removes it (`power` 0), from block
    /// `effective_height` on (which must be above the current height).
    SetValidator {
        /// The validator's consensus key.
        pub_key: String,
        /// Voting power; 0 removes the validator.
        power: u64,
        /// Human-readable name (kept for an existing validator when empty).
        #[serde(default)]
        name: String,
        /// First block signed by the new set.
        effective_height: u64,
    },
    /// Admits a node's p2p identity key to the connection allowlist.
    AdmitNode {
        /// The node's 33-byte compressed secp256k1 p2p key.
        node_key: String,
        /// Unique name, e.g. `node4`.
        name: String,
    },
    /// Removes a node from the allowlist (its connections are closed).
    RemoveNode {
        /// The node's p2p key.
        node_key: String,
    },
    /// Lets `account` upload code.
    GrantUpload {
        /// The account.
        account: String,
    },
    /// Takes the right to upload code from `account`.
    RevokeUpload {
        /// The account.
        account: String,
    },
    /// Sets (or, with `admin` omitted, clears) a contract's admin.
    SetAdmin {
        /// The contract.
        contract: String,
        /// The new admin.
        #[serde(default)]
        admin: Option<String>,
    },
    /// Replaces a contract's code with uploaded code `code_hash`, keeping its address and
    /// storage, then runs the new code's `migrate` entry point with `msg`.
    Migrate {
        /// The contract.
        contract: String,
        /// Hash of code already uploaded.
        code_hash: String,
        /// The `migrate` message (JSON).
        msg: serde_json::Value,
    },
    /// Freezes an account (its transactions are refused) or a contract (calls to it fail).
    Freeze {
        /// The account or contract.
        address: String,
    },
    /// Lifts a freeze.
    Unfreeze {
        /// The account or contract.
        address: String,
    },
    /// Changes chain parameters from block `effective_height` on; omitted fields keep their
    /// value.
    SetParams {
        /// First block under the new parameters (above the current height).
        effective_height: u64,
        /// The changes.
        params: ParamsChange,
    },
}

/// Chain parameters a proposal may change (names as in genesis `params`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamsChange {
    /// Target interval between blocks (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_time_ms: Option<u64>,
    /// Largest encoded block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_block_bytes: Option<u64>,
    /// Most transactions in one block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_block_txs: Option<u64>,
    /// Largest encoded SignedTx.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tx_bytes: Option<u64>,
    /// Most fuel one block may burn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_block_fuel: Option<u64>,
    /// Largest fuel limit of one transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tx_fuel: Option<u64>,
    /// Largest uploaded module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_code_bytes: Option<u64>,
    /// Fuel of one read-only query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_fuel_limit: Option<u64>,
}
