//! The `genesis.json` schema. Every object refuses unknown fields, so a typo is
//! an error rather than a silently ignored setting.

use crate::encoding::{Base64Bytes, CompressedKey};
use bayledger_types::Address;
use serde::{Deserialize, Serialize};

/// The genesis file: everything needed to build the state at `initial_height - 1`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// Chain identifier, `[a-z0-9-]{1,50}`; signed into every transaction and vote.
    pub chain_id: String,
    /// RFC 3339 UTC time of the chain's start; the first block's time is after it.
    pub genesis_time: String,
    /// Height of the first block (at least 1).
    pub initial_height: u64,
    /// Consensus and execution limits.
    pub params: Params,
    /// The initial validator set, in order.
    pub validators: Vec<GenesisValidator>,
    /// Accounts admitted to the permissioned chain at genesis.
    #[serde(default)]
    pub members: Vec<GenesisMember>,
    /// Contracts uploaded and instantiated at genesis, in order.
    #[serde(default)]
    pub contracts: Vec<GenesisContract>,
    /// Nodes admitted to the peer-to-peer network (the connection allowlist):
    /// each validator's node and any non-validator full nodes. Omitted when
    /// empty, so single-node genesis files hash as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<GenesisNode>,
    /// Who may do what. Omitted: anyone may upload code (and genesis files without it hash
    /// as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
}

/// Chain-wide permissions set at genesis; governance changes them later (ADR 0012).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permissions {
    /// The accounts allowed to upload code (distinct, not the zero address). Present (even
    /// empty): nobody else may upload until governance grants the right.
    pub code_uploaders: Vec<Address>,
}

/// A node admitted to the peer-to-peer network at genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisNode {
    /// Human-readable name (unique), e.g. `node0`.
    pub name: String,
    /// The node's 33-byte compressed secp256k1 p2p identity key (not its
    /// validator key); its libp2p peer id derives from it.
    pub node_key: CompressedKey,
    /// `validator` or `full`.
    pub role: NodeRole,
}

/// What an admitted node does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeRole {
    /// Runs a validator (it must also appear in `validators`).
    Validator,
    /// Follows the chain without voting.
    Full,
}

/// Chain parameters. All must be positive; see [`crate::Genesis::validate`] for
/// how they must relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// Target interval between blocks, in milliseconds.
    pub block_time_ms: u64,
    /// Largest encoded block.
    pub max_block_bytes: u64,
    /// Most transactions in one block.
    pub max_block_txs: u64,
    /// Largest encoded SignedTx.
    pub max_tx_bytes: u64,
    /// Most fuel all transactions of one block may burn together.
    pub max_block_fuel: u64,
    /// Largest `fuel_limit` of one transaction.
    pub max_tx_fuel: u64,
    /// Largest WASM module accepted by UploadCode.
    pub max_code_bytes: u64,
    /// Fuel given to each read-only query.
    pub query_fuel_limit: u64,
}

impl Default for Params {
    /// The parameters of a development chain.
    fn default() -> Params {
        Params {
            block_time_ms: 1_000,
            max_block_bytes: 4 * 1024 * 1024,
            max_block_txs: 5_000,
            max_tx_bytes: 1024 * 1024,
            max_block_fuel: 2_000_000_000,
            max_tx_fuel: 100_000_000,
            max_code_bytes: 512 * 1024,
            query_fuel_limit: 50_000_000,
        }
    }
}

/// A validator of the initial set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisValidator {
    /// Human-readable name (unique).
    pub name: String,
    /// Account address; must be the address of `pub_key`.
    pub address: Address,
    /// 33-byte compressed secp256k1 public key.
    pub pub_key: CompressedKey,
    /// Voting power, positive.
    pub power: u64,
}

/// An account admitted at genesis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisMember {
    /// Human-readable name (unique).
    pub name: String,
    /// Account address (unique).
    pub address: Address,
}

/// A contract created at genesis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisContract {
    /// Label (unique, 1 to 128 bytes), as in an Instantiate transaction.
    pub label: String,
    /// The WASM module, standard base64.
    pub code_base64: Base64Bytes,
    /// Message passed to the contract's `instantiate` entry point as canonical
    /// JSON bytes (see [`crate::Genesis::init_msg_bytes`]). Defaults to `{}`.
    #[serde(default = "empty_object")]
    pub init_msg: serde_json::Value,
    /// Optional admin address recorded in the contract's info.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin: Option<Address>,
}

fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}
