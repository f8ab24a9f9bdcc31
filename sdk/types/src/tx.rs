//! Signed transactions: encoding, hashing, signing and the checks every node
//! applies before a transaction may enter the mempool or a block.
//!
//! A transaction is `SignedTx { body: <exact TxBody bytes>, signature }`. The
//! transaction hash is `SHA3-256("bayledger/tx/v1" || 0x00 || body)`, and that
//! hash is also the digest the sender signs (ADR 0001, ADR 0003). The hash does
//! not cover the signature, so it is not malleable.

use crate::address::Address;
use crate::canonical::{CanonicalError, decode_canonical};
use crate::crypto::{CryptoError, RecoverableSignature, SecretKey};
use crate::hash::{Hash, domain};
use crate::pb::{self, action::Kind};
use prost::Message;

/// Why a transaction was refused. Every variant is a clear, user-facing reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TxError {
    /// Larger than the chain's `max_tx_bytes`.
    #[error("transaction is {size} bytes, above the limit of {max}")]
    TooLarge {
        /// Encoded size.
        size: usize,
        /// Limit.
        max: usize,
    },
    /// Not a canonical SignedTx / TxBody.
    #[error(transparent)]
    Encoding(#[from] CanonicalError),
    /// The body carries no action.
    #[error("transaction has no action")]
    MissingAction,
    /// Sender field is not 20 bytes.
    #[error("sender must be a 20-byte address, got {0} bytes")]
    SenderLength(usize),
    /// The signature is malformed or does not recover.
    #[error("bad signature: {0}")]
    Signature(#[from] CryptoError),
    /// The signature recovers a key other than the sender's.
    #[error("signature is by {recovered}, not by the sender {sender}")]
    WrongSigner {
        /// Declared sender.
        sender: Address,
        /// Address of the recovered key.
        recovered: Address,
    },
    /// Signed for another chain.
    #[error("wrong chain id: transaction is for {got:?}, this chain is {expected:?}")]
    WrongChainId {
        /// This chain.
        expected: String,
        /// The transaction's.
        got: String,
    },
    /// The expiry height has passed.
    #[error("transaction expired at height {expiry}, chain is at height {height}")]
    Expired {
        /// Last valid height.
        expiry: u64,
        /// Height it would be included at.
        height: u64,
    },
    /// Fuel limit above what one block (or transaction) may use.
    #[error("fuel limit {limit} exceeds the maximum of {max}")]
    FuelLimitTooHigh {
        /// Requested.
        limit: u64,
        /// Allowed.
        max: u64,
    },
    /// Fuel limit of zero.
    #[error("fuel limit must be positive")]
    ZeroFuel,
    /// A call or instantiate names a malformed address or hash.
    #[error("invalid action: {0}")]
    InvalidAction(String),
}

/// The stateless context a transaction is checked against.
#[derive(Debug, Clone)]
pub struct TxContext<'a> {
    /// This chain's id.
    pub chain_id: &'a str,
    /// Height the transaction would be included at.
    pub height: u64,
    /// Largest accepted fuel limit.
    pub max_tx_fuel: u64,
}

/// A transaction that is well formed but whose signature has not been checked.
#[derive(Debug, Clone)]
pub struct DecodedTx {
    /// Exact SignedTx bytes.
    pub bytes: Vec<u8>,
    /// Decoded body.
    pub body: pb::TxBody,
    /// Transaction hash (= the signed digest).
    pub hash: Hash,
    /// Declared sender.
    pub sender: Address,
    signature: RecoverableSignature,
}

/// A transaction whose signature has been verified against its sender.
#[derive(Debug, Clone)]
pub struct VerifiedTx {
    /// Exact SignedTx bytes.
    pub bytes: Vec<u8>,
    /// Decoded body.
    pub body: pb::TxBody,
    /// Transaction hash.
    pub hash: Hash,
    /// Verified sender.
    pub sender: Address,
}

impl VerifiedTx {
    /// The action (always present: checked on decode).
    pub fn action(&self) -> &Kind {
        match self.body.action.as_ref().and_then(|a| a.kind.as_ref()) {
            Some(k) => k,
            None => unreachable!("DecodedTx::decode rejects transactions without an action"),
        }
    }
}

/// The transaction hash and signing digest of body bytes.
pub fn tx_hash(body_bytes: &[u8]) -> Hash {
    Hash::tagged(domain::TX, body_bytes)
}

/// Encodes and signs a body, returning the exact SignedTx bytes.
pub fn sign(body: &pb::TxBody, key: &SecretKey) -> Vec<u8> {
    let body_bytes = body.encode_to_vec();
    let sig = key.sign_digest(&tx_hash(&body_bytes).0);
    pb::SignedTx { body: body_bytes, signature: sig.0.to_vec() }.encode_to_vec()
}

impl DecodedTx {
    /// Cheap structural checks, cheapest first: size, canonical decoding of the
    /// envelope and the body, sender length, signature length, action present.
    pub fn decode(bytes: &[u8], max_tx_bytes: usize) -> Result<DecodedTx, TxError> {
        if bytes.len() > max_tx_bytes {
            return Err(TxError::TooLarge { size: bytes.len(), max: max_tx_bytes });
        }
        let signed: pb::SignedTx = decode_canonical("SignedTx", bytes)?;
        let body: pb::TxBody = decode_canonical("TxBody", &signed.body)?;
        let sender = Address::from_slice(&body.sender)
            .map_err(|_| TxError::SenderLength(body.sender.len()))?;
        let signature = RecoverableSignature::from_slice(&signed.signature)?;
        check_action(&body)?;
        Ok(DecodedTx {
            hash: tx_hash(&signed.body),
            bytes: bytes.to_vec(),
            body,
            sender,
            signature,
        })
    }

    /// Checks chain id, expiry and fuel limit against the chain (no state).
    pub fn check_context(&self, ctx: &TxContext<'_>) -> Result<(), TxError> {
        if self.body.chain_id != ctx.chain_id {
            return Err(TxError::WrongChainId {
                expected: ctx.chain_id.to_string(),
                got: self.body.chain_id.clone(),
            });
        }
        if self.body.expiry_height < ctx.height {
            return Err(TxError::Expired { expiry: self.body.expiry_height, height: ctx.height });
        }
        if self.body.fuel_limit == 0 {
            return Err(TxError::ZeroFuel);
        }
        if self.body.fuel_limit > ctx.max_tx_fuel {
            return Err(TxError::FuelLimitTooHigh {
                limit: self.body.fuel_limit,
                max: ctx.max_tx_fuel,
            });
        }
        Ok(())
    }

    /// The expensive check: recovers the signer and compares with the sender.
    pub fn verify(self) -> Result<VerifiedTx, TxError> {
        let key = self.signature.recover(&self.hash.0)?;
        let recovered = key.address();
        if recovered != self.sender {
            return Err(TxError::WrongSigner { sender: self.sender, recovered });
        }
        Ok(VerifiedTx { bytes: self.bytes, body: self.body, hash: self.hash, sender: self.sender })
    }
}

fn check_action(body: &pb::TxBody) -> Result<(), TxError> {
    let kind = body.action.as_ref().and_then(|a| a.kind.as_ref()).ok_or(TxError::MissingAction)?;
    match kind {
        Kind::UploadCode(u) if u.wasm.is_empty() => {
            Err(TxError::InvalidAction("empty wasm".into()))
        }
        Kind::Instantiate(i) if i.code_hash.len() != 32 => Err(TxError::InvalidAction(format!(
            "code_hash must be 32 bytes, got {}",
            i.code_hash.len()
        ))),
        Kind::Instantiate(i) if i.label.len() > 128 => {
            Err(TxError::InvalidAction("label longer than 128 bytes".into()))
        }
        Kind::Call(c) if c.contract.len() != 20 => Err(TxError::InvalidAction(format!(
            "contract must be a 20-byte address, got {}",
            c.contract.len()
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(key: &SecretKey) -> pb::TxBody {
        pb::TxBody {
            chain_id: "test".into(),
            sender: key.address().0.to_vec(),
            nonce: 0,
            fuel_limit: 1000,
            expiry_height: 10,
            action: Some(pb::Action {
                kind: Some(Kind::Call(pb::Call { contract: vec![1; 20], msg: b"{}".to_vec() })),
            }),
        }
    }

    fn ctx() -> TxContext<'static> {
        TxContext { chain_id: "test", height: 5, max_tx_fuel: 10_000 }
    }

    #[test]
    fn signed_tx_round_trips_and_verifies() {
        let k = SecretKey::from_bytes(&[9; 32]).expect("key");
        let bytes = sign(&body(&k), &k);
        let d = DecodedTx::decode(&bytes, 1 << 20).expect("decodes");
        d.check_context(&ctx()).expect("context ok");
        let v = d.verify().expect("verifies");
        assert_eq!(v.sender, k.address());
    }

    #[test]
    fn signature_by_another_key_is_wrong_signer() {
        let k = SecretKey::from_bytes(&[9; 32]).expect("key");
        let other = SecretKey::from_bytes(&[8; 32]).expect("key");
        let bytes = sign(&body(&k), &other);
        let err = DecodedTx::decode(&bytes, 1 << 20).expect("decodes").verify().unwrap_err();
        assert!(matches!(err, TxError::WrongSigner { .. }), "{err}");
    }

    #[test]
    fn context_checks_name_the_rule() {
        let k = SecretKey::from_bytes(&[9; 32]).expect("key");
        let mut b = body(&k);
        b.chain_id = "other".into();
        let d = DecodedTx::decode(&sign(&b, &k), 1 << 20).expect("decodes");
        assert!(matches!(d.check_context(&ctx()), Err(TxError::WrongChainId { .. })));
        let mut b = body(&k);
        b.expiry_height = 4;
        let d = DecodedTx::decode(&sign(&b, &k), 1 << 20).expect("decodes");
        assert!(matches!(d.check_context(&ctx()), Err(TxError::Expired { expiry: 4, height: 5 })));
        let mut b = body(&k);
        b.fuel_limit = 20_000;
        let d = DecodedTx::decode(&sign(&b, &k), 1 << 20).expect("decodes");
        assert!(matches!(d.check_context(&ctx()), Err(TxError::FuelLimitTooHigh { .. })));
    }

    #[test]
    fn garbage_truncation_and_size_are_refused() {
        let k = SecretKey::from_bytes(&[9; 32]).expect("key");
        let bytes = sign(&body(&k), &k);
        assert!(matches!(DecodedTx::decode(&bytes, 10), Err(TxError::TooLarge { .. })));
        assert!(matches!(
            DecodedTx::decode(&bytes[..bytes.len() - 3], 1 << 20),
            Err(TxError::Encoding(_))
        ));
        assert!(DecodedTx::decode(&[0xde, 0xad, 0xbe, 0xef], 1 << 20).is_err());
    }
}
