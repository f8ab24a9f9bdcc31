//! Building genesis files for development and test chains.

use crate::encoding::{Base64Bytes, CompressedKey};
use crate::schema::{
    Genesis, GenesisContract, GenesisMember, GenesisNode, GenesisValidator, NodeRole, Params,
};
use crate::time::format_genesis_time;
use bayledger_types::{Address, PublicKey};

/// Voting power given to validators added by the builder.
pub const DEFAULT_POWER: u64 = 10;

impl Genesis {
    /// A chain with one validator named `node0` (power [`DEFAULT_POWER`]),
    /// default [`Params`], initial height 1, no members and no contracts.
    /// Call [`Genesis::validate`] if `chain_id` comes from user input.
    pub fn single_validator(chain_id: &str, key: &PublicKey, time_ms: u64) -> Genesis {
        Genesis {
            chain_id: chain_id.to_string(),
            genesis_time: format_genesis_time(time_ms),
            initial_height: 1,
            params: Params::default(),
            validators: Vec::new(),
            members: Vec::new(),
            contracts: Vec::new(),
            nodes: Vec::new(),
            permissions: None,
        }
        .with_validator("node0", key, DEFAULT_POWER)
    }

    /// Appends a validator; its address is derived from `key`.
    pub fn with_validator(mut self, name: &str, key: &PublicKey, power: u64) -> Genesis {
        self.validators.push(GenesisValidator {
            name: name.to_string(),
            address: key.address(),
            pub_key: CompressedKey(key.to_compressed()),
            power,
        });
        self
    }

    /// Admits a node (its p2p identity key) to the peer-to-peer network.
    pub fn with_node(mut self, name: &str, node_key: &PublicKey, role: NodeRole) -> Genesis {
        self.nodes.push(GenesisNode {
            name: name.to_string(),
            node_key: CompressedKey(node_key.to_compressed()),
            role,
        });
        self
    }

    /// Appends a member account.
    pub fn with_member(mut self, name: &str, address: Address) -> Genesis {
        self.members.push(GenesisMember { name: name.to_string(), address });
        self
    }

    /// Appends a genesis contract.
    pub fn with_contract(
        mut self,
        label: &str,
        code: Vec<u8>,
        init_msg: serde_json::Value,
        admin: Option<Address>,
    ) -> Genesis {
        self.contracts.push(GenesisContract {
            label: label.to_string(),
            code_base64: Base64Bytes(code),
            init_msg,
            admin,
        });
        self
    }
}
