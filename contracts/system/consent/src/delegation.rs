//! Signed delegations: the digests a subject signs so that anyone may submit their `grant` or
//! `withdraw`, and the recovery of the signer. The byte layout is documented in the crate docs
//! and in `docs/privacy.md`; wallets must reproduce it exactly.

use crate::state::NONCES;
use crate::validate::{self, invalid};
use alloc::format;
use alloc::string::String;
use bayledger_contract_sdk::{Address, Error, crypto};

pub use crate::digest::{GRANT_TAG, GrantTerms, WITHDRAW_TAG, grant_preimage, withdraw_preimage};

/// The digest a subject signs to delegate a `grant` of `terms` to this contract.
pub fn grant_digest(contract: &Address, nonce: u64, terms: &GrantTerms<'_>) -> [u8; 32] {
    crypto::sha3_256(&grant_preimage(contract, nonce, terms))
}

/// The digest a subject signs to delegate the `withdraw` of consent `consent_id`.
pub fn withdraw_digest(contract: &Address, nonce: u64, subject: &str, consent_id: u64) -> [u8; 32] {
    crypto::sha3_256(&withdraw_preimage(contract, nonce, subject, consent_id))
}

/// The ADR 0003 address of a compressed key: the last 20 bytes of its SHA3-256.
pub fn address_of(compressed_key: &[u8; 33]) -> Address {
    let h = crypto::sha3_256(compressed_key);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[12..]);
    Address(a)
}

/// The subject's next delegation nonce.
pub fn next_nonce(subject: &str) -> Result<u64, Error> {
    Ok(NONCES.get(&String::from(subject))?.unwrap_or(0))
}

/// Checks that `nonce` is the subject's next one; then recovers the signer of `digest` from
/// `signature`. The caller must still check that the signer controls the subject DID, then
/// call [`consume_nonce`].
pub fn recover_signer(
    subject: &str,
    nonce: u64,
    signature: &str,
    digest: impl FnOnce() -> [u8; 32],
) -> Result<Address, Error> {
    let sig = validate::signature("delegation signature", signature)?;
    let expected = next_nonce(subject)?;
    if nonce != expected {
        return Err(Error::new(format!(
            "unauthorized: delegation nonce {nonce} is not the next nonce {expected} of {subject} \
             (already used, or out of order)"
        )));
    }
    let key = crypto::secp256k1_recover(&digest(), &sig).ok_or_else(|| {
        invalid(
            "delegation signature",
            "no key recovers from it (need low-S r ‖ s ‖ v with v = 0 or 1)",
        )
    })?;
    Ok(address_of(&key))
}

/// Uses up the subject's current nonce.
pub fn consume_nonce(subject: &str) -> Result<(), Error> {
    let next = next_nonce(subject)?.checked_add(1).ok_or_else(|| {
        Error::new(format!("limit: delegation nonces of {subject} are exhausted"))
    })?;
    NONCES.set(&String::from(subject), &next);
    Ok(())
}
