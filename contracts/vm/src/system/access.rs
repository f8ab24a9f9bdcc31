//! Rights and records the governance contract manages directly: who may upload code
//! (`sys/uploaders/…`, consulted while `sys/uploads_restricted` is set), frozen accounts and
//! contracts (`sys/frozen/…`), admitted p2p nodes (`sys/nodes/…`) and contract admins
//! (`ctr/…`). An action that would change nothing (granting a right already held, unfreezing
//! what is not frozen, …) is refused, so a proposal never silently does less than it says.

use super::{SystemError, governance_address, height_mark};
use crate::overlay::Overlay;
use bayledger_genesis::{CompressedKey, Genesis, GenesisNode, NodeRole};
use bayledger_types::{Address, StateError, StateReader, pb, state_keys};
use prost::Message;

/// Longest admitted node name.
pub const MAX_NODE_NAME_LEN: usize = 64;

/// Whether `addr` (an account or a contract) is frozen by governance.
pub fn is_frozen(state: &dyn StateReader, addr: &Address) -> Result<bool, StateError> {
    Ok(state.get(&state_keys::frozen(addr))?.is_some())
}

/// Whether `addr` may upload code: always while uploads are unrestricted, else only with a
/// grant (genesis `permissions.code_uploaders` or `GrantUpload`).
pub fn may_upload(state: &dyn StateReader, addr: &Address) -> Result<bool, StateError> {
    if state.get(state_keys::UPLOADS_RESTRICTED)?.is_none() {
        return Ok(true);
    }
    Ok(state.get(&state_keys::uploader(addr))?.is_some())
}

/// Writes the governed records genesis defines: the parameters, the admitted nodes and, if
/// genesis restricts uploads, the restriction and the listed uploaders.
pub fn write_genesis(overlay: &mut Overlay<'_>, genesis: &Genesis) {
    overlay.put(state_keys::PARAMS.to_vec(), super::params::encode(&genesis.params));
    for node in &genesis.nodes {
        overlay.put(state_keys::node(&node.node_key.0), encode_node(node));
    }
    if let Some(permissions) = &genesis.permissions {
        overlay.put(state_keys::UPLOADS_RESTRICTED.to_vec(), vec![1]);
        for account in &permissions.code_uploaders {
            overlay.put(state_keys::uploader(account), height_mark(0));
        }
    }
}

/// `sys/nodes/…` value: serde JSON of the genesis node record.
pub fn encode_node(node: &GenesisNode) -> Vec<u8> {
    serde_json::to_vec(node).expect("a record of strings and a key serialises")
}

/// Decodes a `sys/nodes/…` value.
pub fn decode_node(key: &[u8], bytes: &[u8]) -> Result<GenesisNode, SystemError> {
    serde_json::from_slice(bytes).map_err(|e| SystemError::corrupt(key, e))
}

pub(super) fn admit_node(
    overlay: &mut Overlay<'_>,
    key: &[u8; 33],
    name: &str,
) -> Result<(), SystemError> {
    if name.is_empty() || name.len() > MAX_NODE_NAME_LEN {
        return Err(SystemError::refused(format!(
            "node name must be 1 to {MAX_NODE_NAME_LEN} bytes"
        )));
    }
    let record_key = state_keys::node(key);
    if overlay.get(&record_key)?.is_some() {
        return Err(SystemError::refused(format!(
            "node 0x{} is already admitted",
            hex::encode(key)
        )));
    }
    let mut after: Option<Vec<u8>> = None;
    while let Some((k, v)) = overlay.next(state_keys::NODES_PREFIX, after.as_deref())? {
        if decode_node(&k, &v)?.name == name {
            return Err(SystemError::refused(format!("a node named {name:?} is already admitted")));
        }
        after = Some(k);
    }
    let node =
        GenesisNode { name: name.to_string(), node_key: CompressedKey(*key), role: NodeRole::Full };
    overlay.put(record_key, encode_node(&node));
    Ok(())
}

pub(super) fn remove_node(overlay: &mut Overlay<'_>, key: &[u8; 33]) -> Result<(), SystemError> {
    let record_key = state_keys::node(key);
    if overlay.get(&record_key)?.is_none() {
        return Err(SystemError::refused(format!("node 0x{} is not admitted", hex::encode(key))));
    }
    overlay.delete(record_key);
    Ok(())
}

pub(super) fn grant_upload(
    overlay: &mut Overlay<'_>,
    account: &Address,
    height: u64,
) -> Result<(), SystemError> {
    let key = state_keys::uploader(account);
    if overlay.get(&key)?.is_some() {
        return Err(SystemError::refused(format!("{account} may already upload code")));
    }
    overlay.put(key, height_mark(height));
    Ok(())
}

pub(super) fn revoke_upload(
    overlay: &mut Overlay<'_>,
    account: &Address,
) -> Result<(), SystemError> {
    let key = state_keys::uploader(account);
    if overlay.get(&key)?.is_none() {
        return Err(SystemError::refused(format!("{account} holds no upload right to revoke")));
    }
    overlay.delete(key);
    Ok(())
}

pub(super) fn freeze(
    overlay: &mut Overlay<'_>,
    address: &Address,
    height: u64,
) -> Result<(), SystemError> {
    if *address == governance_address() {
        return Err(SystemError::refused("the governance contract cannot be frozen"));
    }
    let key = state_keys::frozen(address);
    if overlay.get(&key)?.is_some() {
        return Err(SystemError::refused(format!("{address} is already frozen")));
    }
    overlay.put(key, height_mark(height));
    Ok(())
}

pub(super) fn unfreeze(overlay: &mut Overlay<'_>, address: &Address) -> Result<(), SystemError> {
    let key = state_keys::frozen(address);
    if overlay.get(&key)?.is_none() {
        return Err(SystemError::refused(format!("{address} is not frozen")));
    }
    overlay.delete(key);
    Ok(())
}

/// The metadata of `contract`, or a refusal naming it.
pub(super) fn contract_info(
    overlay: &Overlay<'_>,
    contract: &Address,
) -> Result<pb::ContractInfo, SystemError> {
    let key = state_keys::contract(contract);
    let bytes = overlay
        .get(&key)?
        .ok_or_else(|| SystemError::refused(format!("no contract at {contract}")))?;
    pb::ContractInfo::decode(bytes.as_slice()).map_err(|e| SystemError::corrupt(&key, e))
}

pub(super) fn set_admin(
    overlay: &mut Overlay<'_>,
    contract: &Address,
    admin: Option<Address>,
) -> Result<(), SystemError> {
    let mut info = contract_info(overlay, contract)?;
    info.admin = admin.map(|a| a.0.to_vec()).unwrap_or_default();
    overlay.put(state_keys::contract(contract), info.encode_to_vec());
    Ok(())
}
