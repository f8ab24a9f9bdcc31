//! Signed delegations: the digests a subject signs so that anyone may submit their `grant` or
//! `withdraw`, and the recovery of the signer. The byte layout is documented in the crate docs
//! and in `docs/privacy.md`; wallets must reproduce it exactly.

use crate::msg::LegalBasis;
use crate::state::NONCES;
use crate::validate::{self, invalid};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error, crypto};

/// Domain tag of the `grant` digest.
pub const GRANT_TAG: &str = "bayledger/consent-grant/v1";
/// Domain tag of the `withdraw` digest.
pub const WITHDRAW_TAG: &str = "bayledger/consent-withdraw/v1";

/// The consent terms a grant signature covers (everything in `grant` but the delegation).
#[derive(Debug, Clone)]
pub struct GrantTerms<'a> {
    /// Subject DID.
    pub subject: &'a str,
    /// Provider DID.
    pub provider: &'a str,
    /// Recipient DID.
    pub recipient: &'a str,
    /// Data categories, in message order.
    pub data_categories: &'a [String],
    /// Purposes, in message order.
    pub purposes: &'a [String],
    /// Legal basis.
    pub legal_basis: LegalBasis,
    /// Provider jurisdiction.
    pub provider_jurisdiction: &'a str,
    /// Recipient jurisdiction.
    pub recipient_jurisdiction: &'a str,
    /// Start of validity.
    pub valid_from_ms: u64,
    /// End of validity.
    pub valid_until_ms: u64,
    /// Policy contract.
    pub policy: Option<Address>,
    /// Notice hash.
    pub notice_hash: Option<[u8; 32]>,
}

/// The canonical encoding: fixed-width big-endian integers and length-prefixed strings.
struct Encoder(Vec<u8>);

impl Encoder {
    /// `tag ‖ 0x00`, the ADR 0002 domain separation.
    fn new(tag: &str) -> Encoder {
        let mut buf = Vec::with_capacity(512);
        buf.extend_from_slice(tag.as_bytes());
        buf.push(0);
        Encoder(buf)
    }
    fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(bytes);
        self
    }
    fn u64(&mut self, n: u64) -> &mut Self {
        self.raw(&n.to_be_bytes())
    }
    /// `u16be(byte length) ‖ UTF-8 bytes` (every string is validated to ≤ 128 bytes).
    fn str(&mut self, s: &str) -> &mut Self {
        self.raw(&(s.len() as u16).to_be_bytes()).raw(s.as_bytes())
    }
    /// `u16be(count) ‖ str(item)…` (lists are validated to ≤ 16 items).
    fn list(&mut self, items: &[String]) -> &mut Self {
        self.raw(&(items.len() as u16).to_be_bytes());
        for s in items {
            self.str(s);
        }
        self
    }
    /// `0x00` when absent, `0x01 ‖ bytes` when present.
    fn opt(&mut self, bytes: Option<&[u8]>) -> &mut Self {
        match bytes {
            None => self.raw(&[0]),
            Some(b) => self.raw(&[1]).raw(b),
        }
    }
    fn digest(&self) -> [u8; 32] {
        crypto::sha3_256(&self.0)
    }
}

/// The preimage of the `grant` digest (the digest is its SHA3-256).
pub fn grant_preimage(contract: &Address, nonce: u64, t: &GrantTerms<'_>) -> Vec<u8> {
    let mut e = Encoder::new(GRANT_TAG);
    e.raw(contract.as_bytes())
        .u64(nonce)
        .str(t.subject)
        .str(t.provider)
        .str(t.recipient)
        .list(t.data_categories)
        .list(t.purposes)
        .str(t.legal_basis.as_str())
        .str(t.provider_jurisdiction)
        .str(t.recipient_jurisdiction)
        .u64(t.valid_from_ms)
        .u64(t.valid_until_ms)
        .opt(t.policy.as_ref().map(|a| &a.0[..]))
        .opt(t.notice_hash.as_ref().map(|h| &h[..]));
    e.0
}

/// The digest a subject signs to delegate a `grant` of `terms` to this contract.
pub fn grant_digest(contract: &Address, nonce: u64, terms: &GrantTerms<'_>) -> [u8; 32] {
    crypto::sha3_256(&grant_preimage(contract, nonce, terms))
}

/// The digest a subject signs to delegate the `withdraw` of consent `consent_id`.
pub fn withdraw_digest(contract: &Address, nonce: u64, subject: &str, consent_id: u64) -> [u8; 32] {
    let mut e = Encoder::new(WITHDRAW_TAG);
    e.raw(contract.as_bytes()).u64(nonce).str(subject).u64(consent_id);
    e.digest()
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
