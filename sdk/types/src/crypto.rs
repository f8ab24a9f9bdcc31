//! secp256k1 keys and recoverable ECDSA signatures (k256).
//!
//! Rules (ADR 0003): signatures are 65 bytes `r || s || v`, `v` in {0, 1}
//! (no x-reduced recovery ids), `s` in the lower half of the group order
//! (BIP-62 low-S; high-S is rejected, never normalised), over a 32-byte
//! SHA3-256 digest that already carries a domain tag.

use crate::address::Address;
use k256::ecdsa::{
    RecoveryId, Signature, SigningKey, VerifyingKey, signature::hazmat::PrehashVerifier,
};
use std::fmt;
use zeroize::Zeroizing;

/// Why a key or signature was refused. Each variant names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// Signature is not exactly 65 bytes.
    #[error("signature must be 65 bytes (r || s || v), got {0}")]
    SignatureLength(usize),
    /// A bare `r || s` signature is not exactly 64 bytes.
    #[error("r || s signature must be 64 bytes, got {0}")]
    RsLength(usize),
    /// `r` or `s` is zero or not below the group order.
    #[error("signature scalars out of range (r or s is zero or >= n)")]
    ScalarRange,
    /// `s` is in the upper half of the order (malleable form).
    #[error("signature has high S; only low-S signatures are accepted")]
    HighS,
    /// Recovery id other than 0 or 1.
    #[error("recovery id must be 0 or 1, got {0}")]
    RecoveryId(u8),
    /// No key recovers from this signature and digest.
    #[error("no public key recovers from this signature")]
    Unrecoverable,
    /// The signature does not verify under the given key.
    #[error("signature does not verify under this public key")]
    BadSignature,
    /// Not a valid SEC1 public key.
    #[error("invalid secp256k1 public key")]
    PublicKey,
    /// Not a valid secret scalar.
    #[error("invalid secp256k1 secret key")]
    SecretKey,
}

/// A secp256k1 secret key. Zeroised on drop (by k256).
#[derive(Clone)]
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// A fresh random key from the operating system's RNG.
    pub fn generate() -> SecretKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        loop {
            rand::Rng::fill(&mut rand::rng(), &mut bytes[..]);
            if let Ok(k) = SecretKey::from_bytes(&bytes[..]) {
                return k;
            }
        }
    }

    /// From a 32-byte big-endian scalar.
    pub fn from_bytes(bytes: &[u8]) -> Result<SecretKey, CryptoError> {
        SigningKey::from_slice(bytes).map(SecretKey).map_err(|_| CryptoError::SecretKey)
    }

    /// The 32-byte big-endian scalar. Handle with care.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes().into())
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(*self.0.verifying_key())
    }

    /// The account address of this key.
    pub fn address(&self) -> Address {
        self.public_key().address()
    }

    /// Signs a 32-byte digest (RFC 6979 deterministic nonce); always low-S.
    pub fn sign_digest(&self, digest: &[u8; 32]) -> RecoverableSignature {
        let (sig, recid) = self.0.sign_prehash_recoverable(digest);
        // k256 already emits low-S; normalising again keeps the invariant local.
        let normalized = sig.normalize_s();
        let recid = if normalized == sig {
            recid
        } else {
            RecoveryId::new(!recid.is_y_odd(), recid.is_x_reduced())
        };
        let mut out = [0u8; 65];
        out[..64].copy_from_slice(&normalized.to_bytes());
        out[64] = recid.to_byte();
        RecoverableSignature(out)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({})", self.address())
    }
}

/// A secp256k1 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// From SEC1 bytes (33-byte compressed or 65-byte uncompressed).
    pub fn from_sec1(bytes: &[u8]) -> Result<PublicKey, CryptoError> {
        VerifyingKey::from_sec1_bytes(bytes).map(PublicKey).map_err(|_| CryptoError::PublicKey)
    }

    /// 33-byte compressed SEC1 encoding.
    pub fn to_compressed(&self) -> [u8; 33] {
        let point = self.0.to_sec1_point(true);
        let mut out = [0u8; 33];
        out.copy_from_slice(point.as_bytes());
        out
    }

    /// 65-byte uncompressed SEC1 encoding.
    pub fn to_uncompressed(&self) -> [u8; 65] {
        let point = self.0.to_sec1_point(false);
        let mut out = [0u8; 65];
        out.copy_from_slice(point.as_bytes());
        out
    }

    /// The account address of this key.
    pub fn address(&self) -> Address {
        Address::from_compressed_pubkey(&self.to_compressed())
    }

    /// Verifies a 64-byte `r || s` signature over a 32-byte digest under this
    /// key, enforcing the low-S rule.
    pub fn verify_digest(&self, digest: &[u8; 32], rs: &[u8]) -> Result<(), CryptoError> {
        let sig = parse_rs(rs)?;
        self.0.verify_prehash(digest, &sig).map_err(|_| CryptoError::BadSignature)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", hex::encode(self.to_compressed()))
    }
}

/// Parses a fixed 64-byte `r || s`, rejecting zero/out-of-range scalars and high S.
pub fn parse_rs(rs: &[u8]) -> Result<Signature, CryptoError> {
    if rs.len() != 64 {
        return Err(CryptoError::RsLength(rs.len()));
    }
    let sig = Signature::from_slice(rs).map_err(|_| CryptoError::ScalarRange)?;
    if sig.normalize_s() != sig {
        return Err(CryptoError::HighS);
    }
    Ok(sig)
}

/// A 65-byte recoverable signature `r || s || v`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RecoverableSignature(pub [u8; 65]);

impl RecoverableSignature {
    /// Parses 65 bytes; the scalar and low-S checks happen in [`Self::recover`].
    pub fn from_slice(bytes: &[u8]) -> Result<RecoverableSignature, CryptoError> {
        <[u8; 65]>::try_from(bytes)
            .map(RecoverableSignature)
            .map_err(|_| CryptoError::SignatureLength(bytes.len()))
    }

    /// Recovers the signer's public key from a 32-byte digest, enforcing every
    /// rule of ADR 0003 (length, scalar range, low S, recovery id 0 or 1).
    pub fn recover(&self, digest: &[u8; 32]) -> Result<PublicKey, CryptoError> {
        let sig = parse_rs(&self.0[..64])?;
        let v = self.0[64];
        if v > 1 {
            return Err(CryptoError::RecoveryId(v));
        }
        let recid = RecoveryId::from_byte(v).ok_or(CryptoError::RecoveryId(v))?;
        let key = VerifyingKey::recover_from_prehash(digest, &sig, recid)
            .map_err(|_| CryptoError::Unrecoverable)?;
        // Recovery is not verification on every curve library: check explicitly.
        key.verify_prehash(digest, &sig).map_err(|_| CryptoError::BadSignature)?;
        Ok(PublicKey(key))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 65] {
        &self.0
    }
}

impl fmt::Debug for RecoverableSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecoverableSignature({})", hex::encode(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::Hash;

    fn key(n: u8) -> SecretKey {
        SecretKey::from_bytes(&[n; 32]).expect("valid scalar")
    }

    #[test]
    fn sign_then_recover_returns_signer() {
        let k = key(1);
        let d = Hash::sha3(b"hello").0;
        let sig = k.sign_digest(&d);
        assert_eq!(sig.recover(&d).expect("recovers"), k.public_key());
        k.public_key().verify_digest(&d, &sig.0[..64]).expect("verifies");
    }

    #[test]
    fn high_s_is_rejected_by_the_low_s_rule() {
        let k = key(2);
        let d = Hash::sha3(b"m").0;
        let sig = k.sign_digest(&d);
        let parsed = Signature::from_slice(&sig.0[..64]).expect("parses");
        let (r, s) = parsed.split_scalars();
        let high = Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).expect("scalars");
        let mut bytes = [0u8; 65];
        bytes[..64].copy_from_slice(&high.to_bytes());
        bytes[64] = sig.0[64] ^ 1;
        assert_eq!(RecoverableSignature(bytes).recover(&d), Err(CryptoError::HighS));
    }

    #[test]
    fn other_digest_recovers_other_key() {
        let k = key(3);
        let sig = k.sign_digest(&Hash::sha3(b"a").0);
        let other = sig.recover(&Hash::sha3(b"b").0);
        assert!(other.map(|p| p != k.public_key()).unwrap_or(true));
    }

    #[test]
    fn bad_recovery_id_and_length_are_named() {
        let k = key(4);
        let d = Hash::sha3(b"x").0;
        let mut sig = k.sign_digest(&d);
        sig.0[64] = 2;
        assert_eq!(sig.recover(&d), Err(CryptoError::RecoveryId(2)));
        assert_eq!(
            RecoverableSignature::from_slice(&[0u8; 64]),
            Err(CryptoError::SignatureLength(64))
        );
        assert_eq!(RecoverableSignature([0u8; 65]).recover(&d), Err(CryptoError::ScalarRange));
    }
}
