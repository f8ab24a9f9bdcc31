//! Real SHA3-256, Keccak-256 and secp256k1 for the mock host, with the VM's rules: 64-byte
//! low-S `r ‖ s`, 33- or 65-byte SEC1 keys, recovery id 0 or 1.

use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
use sha3::{Digest, Keccak256, Sha3_256};

pub(crate) fn sha3_256(data: &[u8]) -> [u8; 32] {
    Sha3_256::digest(data).into()
}

pub(crate) fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// Parses `r ‖ s`, refusing zero/out-of-range scalars and high S.
fn low_s(rs: &[u8]) -> Option<Signature> {
    let sig = Signature::from_slice(rs).ok()?;
    (sig.normalize_s() == sig).then_some(sig)
}

pub(crate) fn secp256k1_verify(digest: &[u8; 32], sig: &[u8; 64], pubkey: &[u8]) -> bool {
    let Some(sig) = low_s(sig) else { return false };
    if pubkey.len() != 33 && pubkey.len() != 65 {
        return false;
    }
    VerifyingKey::from_sec1_bytes(pubkey).is_ok_and(|key| key.verify_prehash(digest, &sig).is_ok())
}

pub(crate) fn secp256k1_recover(digest: &[u8; 32], sig: &[u8; 65]) -> Option<[u8; 33]> {
    let rs = low_s(&sig[..64])?;
    let recid = RecoveryId::from_byte(sig[64]).filter(|_| sig[64] <= 1)?;
    let key = VerifyingKey::recover_from_prehash(digest, &rs, recid).ok()?;
    key.verify_prehash(digest, &rs).ok()?;
    let point = key.to_sec1_point(true);
    point.as_bytes().try_into().ok()
}
