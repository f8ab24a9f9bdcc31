//! The delegation digests' preimages: the canonical byte layout a subject's wallet signs
//! (crate docs, `docs/privacy.md` §6). Pure code — no host calls and no state — so clients
//! (the Rust SDK) encode with exactly the contract's code; the digest is the SHA3-256 of the
//! preimage ([`crate::delegation`] hashes it with the host).

use crate::msg::LegalBasis;
use alloc::string::String;
use alloc::vec::Vec;
use bayledger_contract_sdk::Address;

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

/// The preimage of the `withdraw` digest (the digest is its SHA3-256).
pub fn withdraw_preimage(
    contract: &Address,
    nonce: u64,
    subject: &str,
    consent_id: u64,
) -> Vec<u8> {
    let mut e = Encoder::new(WITHDRAW_TAG);
    e.raw(contract.as_bytes()).u64(nonce).str(subject).u64(consent_id);
    e.0
}
