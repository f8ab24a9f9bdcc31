//! Building and signing transactions.
//!
//! A [`TxBuilder`] holds the envelope fields (chain id, sender, nonce, fuel
//! limit, expiry height) and produces one [`pb::TxBody`] per action; [`sign`]
//! turns a body into the exact `SignedTx` bytes a node accepts.

use crate::error::SdkError;
use bayledger_types::{Address, Hash, SecretKey, pb};
use pb::action::Kind;
use prost::Message;

/// Fuel limit used when none is set.
pub const DEFAULT_FUEL_LIMIT: u64 = 20_000_000;
/// Longest instantiate label, in bytes (the node refuses longer ones).
pub const MAX_LABEL_BYTES: usize = 128;

/// Builds transaction bodies for one sender and nonce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxBuilder {
    chain_id: String,
    sender: Address,
    nonce: u64,
    fuel_limit: u64,
    expiry_height: u64,
}

impl TxBuilder {
    /// A builder with the default fuel limit and no expiry (`u64::MAX`).
    pub fn new(chain_id: impl Into<String>, sender: Address, nonce: u64) -> TxBuilder {
        TxBuilder {
            chain_id: chain_id.into(),
            sender,
            nonce,
            fuel_limit: DEFAULT_FUEL_LIMIT,
            expiry_height: u64::MAX,
        }
    }

    /// Sets the most fuel the transaction may burn.
    pub fn fuel_limit(mut self, fuel_limit: u64) -> TxBuilder {
        self.fuel_limit = fuel_limit;
        self
    }

    /// Sets the last height at which the transaction may be included.
    pub fn expiry_height(mut self, expiry_height: u64) -> TxBuilder {
        self.expiry_height = expiry_height;
        self
    }

    /// Expires `blocks` blocks after `current_height`.
    pub fn expires_after(self, current_height: u64, blocks: u64) -> TxBuilder {
        self.expiry_height(current_height.saturating_add(blocks))
    }

    /// Upload a WASM module.
    pub fn upload(&self, wasm: Vec<u8>) -> Result<pb::TxBody, SdkError> {
        if wasm.is_empty() {
            return Err(SdkError::Invalid("cannot upload empty wasm".into()));
        }
        Ok(self.body(Kind::UploadCode(pb::UploadCode { wasm })))
    }

    /// Instantiate uploaded code.
    pub fn instantiate(
        &self,
        code_hash: Hash,
        init_msg: Vec<u8>,
        label: impl Into<String>,
    ) -> Result<pb::TxBody, SdkError> {
        let label = label.into();
        if label.len() > MAX_LABEL_BYTES {
            return Err(SdkError::Invalid(format!(
                "label is {} bytes, at most {MAX_LABEL_BYTES} are allowed",
                label.len()
            )));
        }
        Ok(self.body(Kind::Instantiate(pb::Instantiate {
            code_hash: code_hash.0.to_vec(),
            init_msg,
            label,
        })))
    }

    /// Call a contract.
    pub fn call(&self, contract: Address, msg: Vec<u8>) -> pb::TxBody {
        self.body(Kind::Call(pb::Call { contract: contract.0.to_vec(), msg }))
    }

    fn body(&self, kind: Kind) -> pb::TxBody {
        pb::TxBody {
            chain_id: self.chain_id.clone(),
            sender: self.sender.0.to_vec(),
            nonce: self.nonce,
            fuel_limit: self.fuel_limit,
            expiry_height: self.expiry_height,
            action: Some(pb::Action { kind: Some(kind) }),
        }
    }
}

/// Signs `body` with `key`, returning the exact `SignedTx` bytes.
pub fn sign(body: &pb::TxBody, key: &SecretKey) -> Vec<u8> {
    bayledger_types::tx::sign(body, key)
}

/// The hash a node will assign to `body` (also the digest the sender signs).
pub fn body_hash(body: &pb::TxBody) -> Hash {
    bayledger_types::tx::tx_hash(&body.encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::tx::{DecodedTx, TxContext};

    fn key() -> SecretKey {
        SecretKey::from_bytes(&[3; 32]).expect("key")
    }

    fn verified(body: &pb::TxBody) -> bayledger_types::VerifiedTx {
        let bytes = sign(body, &key());
        let d = DecodedTx::decode(&bytes, 1 << 20).expect("node decodes it");
        d.check_context(&TxContext {
            chain_id: "bay-1",
            height: 10,
            max_tx_fuel: 2 * DEFAULT_FUEL_LIMIT,
        })
        .expect("context");
        let v = d.verify().expect("signature verifies");
        assert_eq!(v.hash, body_hash(body));
        v
    }

    #[test]
    fn every_action_signs_into_a_transaction_the_node_accepts() {
        let k = key();
        let b = TxBuilder::new("bay-1", k.address(), 4).expires_after(10, 100);
        let up = b.upload(vec![0, 0x61, 0x73, 0x6d]).expect("upload");
        assert_eq!((up.nonce, up.fuel_limit, up.expiry_height), (4, DEFAULT_FUEL_LIMIT, 110));
        assert_eq!(verified(&up).sender, k.address());
        let inst =
            b.instantiate(Hash([7; 32]), b"{}".to_vec(), "my contract").expect("instantiate");
        assert!(
            matches!(verified(&inst).action(), Kind::Instantiate(i) if i.label == "my contract" && i.code_hash == [7; 32])
        );
        let call = b.clone().fuel_limit(123).call(Address([9; 20]), b"{\"x\":1}".to_vec());
        assert_eq!(call.fuel_limit, 123);
        assert!(
            matches!(verified(&call).action(), Kind::Call(c) if c.contract == [9; 20] && c.msg == b"{\"x\":1}")
        );
    }

    #[test]
    fn refuses_what_the_node_would_refuse() {
        let b = TxBuilder::new("bay-1", key().address(), 0);
        assert!(matches!(b.upload(vec![]), Err(SdkError::Invalid(_))));
        assert!(b.instantiate(Hash::ZERO, vec![], "x".repeat(MAX_LABEL_BYTES)).is_ok());
        assert!(matches!(
            b.instantiate(Hash::ZERO, vec![], "x".repeat(MAX_LABEL_BYTES + 1)),
            Err(SdkError::Invalid(_))
        ));
    }

    #[test]
    fn expiry_defaults_to_never_and_saturates() {
        let b = TxBuilder::new("c", Address::default(), 0);
        assert_eq!(b.call(Address::default(), vec![]).expiry_height, u64::MAX);
        assert_eq!(
            b.expires_after(u64::MAX - 1, 10).call(Address::default(), vec![]).expiry_height,
            u64::MAX
        );
    }
}
