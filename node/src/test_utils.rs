//! Helpers shared by the node's unit tests.

use bayledger_types::{SecretKey, pb};

/// A fixed key: `[byte; 32]` as the secret scalar.
pub fn key(byte: u8) -> SecretKey {
    SecretKey::from_bytes(&[byte; 32]).expect("valid key")
}

/// A signed call to an address without a contract: it fails at execution but
/// is included and consumes the nonce.
pub fn call_tx(chain_id: &str, sender: &SecretKey, nonce: u64) -> Vec<u8> {
    let body = pb::TxBody {
        chain_id: chain_id.into(),
        sender: sender.address().0.to_vec(),
        nonce,
        fuel_limit: 10_000,
        expiry_height: u64::MAX,
        action: Some(pb::Action {
            kind: Some(pb::action::Kind::Call(pb::Call { contract: vec![9; 20], msg: vec![] })),
        }),
    };
    bayledger_types::tx::sign(&body, sender)
}
