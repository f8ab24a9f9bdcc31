//! Signed delegations (`docs/privacy.md` §6): the digests a subject's wallet signs so that
//! anyone may submit its `grant` or `withdraw`, and the signed files passed from the wallet
//! to whoever submits them.
//!
//! ```text
//! grant:    SHA3-256("bayledger/consent-grant/v1" ‖ 0x00 ‖ contract(20) ‖ u64be(nonce)
//!                    ‖ str(subject) ‖ str(provider) ‖ str(recipient)
//!                    ‖ list(data_categories) ‖ list(purposes) ‖ str(legal_basis)
//!                    ‖ str(jurisdictions.provider) ‖ str(jurisdictions.recipient)
//!                    ‖ u64be(valid_from_ms) ‖ u64be(valid_until_ms)
//!                    ‖ opt(policy: 20 bytes) ‖ opt(notice_hash: 32 bytes))
//! withdraw: SHA3-256("bayledger/consent-withdraw/v1" ‖ 0x00 ‖ contract(20) ‖ u64be(nonce)
//!                    ‖ str(subject) ‖ u64be(consent id))
//! str(s) = u16be(len) ‖ UTF-8;  list(xs) = u16be(count) ‖ str(x)…;  opt(x) = 0x00 | 0x01 ‖ x
//! ```
//!
//! The signature is the 65-byte low-S `r ‖ s ‖ v` of ADR 0003 over the digest as prehash.
//! The byte layout is the contract's own code (`consent::digest`); only the hashing and the
//! signing happen here.

use super::msg::{Delegation, GrantTerms};
use super::types::ConsentId;
use crate::error::SdkError;
use bayledger_types::{Address, RecoverableSignature, SecretKey};
use consent::digest;
use serde::{Deserialize, Serialize};
use sha3::{Digest, Sha3_256};

pub use consent::digest::{GRANT_TAG, WITHDRAW_TAG};

/// The encoding writes lengths and counts as `u16be`: refuses what does not fit (the contract
/// itself accepts far less, see [`GrantTerms::validate`]).
fn fits_u16(what: &str, n: usize) -> Result<(), SdkError> {
    if n > usize::from(u16::MAX) {
        return Err(SdkError::Invalid(format!("{what} is too long to sign ({n} > {})", u16::MAX)));
    }
    Ok(())
}

fn contract_address(a: &Address) -> bayledger_contract_sdk::Address {
    bayledger_contract_sdk::Address(a.0)
}

/// The preimage of the `grant` digest for the consent contract at `contract`.
pub fn grant_preimage(contract: &Address, nonce: u64, t: &GrantTerms) -> Result<Vec<u8>, SdkError> {
    fits_u16("a list", t.data_categories.len())?;
    fits_u16("a list", t.purposes.len())?;
    let strings = [&t.subject, &t.provider, &t.recipient]
        .into_iter()
        .chain([&t.jurisdictions.provider, &t.jurisdictions.recipient])
        .chain(&t.data_categories)
        .chain(&t.purposes);
    for s in strings {
        fits_u16("a string", s.len())?;
    }
    let terms = digest::GrantTerms {
        subject: &t.subject,
        provider: &t.provider,
        recipient: &t.recipient,
        data_categories: &t.data_categories,
        purposes: &t.purposes,
        legal_basis: t.legal_basis,
        provider_jurisdiction: &t.jurisdictions.provider,
        recipient_jurisdiction: &t.jurisdictions.recipient,
        valid_from_ms: t.valid_from_ms,
        valid_until_ms: t.valid_until_ms,
        policy: t.policy.as_ref().map(contract_address),
        notice_hash: t.notice_hash.map(|h| h.0),
    };
    Ok(digest::grant_preimage(&contract_address(contract), nonce, &terms))
}

/// The digest a subject signs to delegate a `grant` of `terms`.
pub fn grant_digest(
    contract: &Address,
    nonce: u64,
    terms: &GrantTerms,
) -> Result<[u8; 32], SdkError> {
    Ok(Sha3_256::digest(grant_preimage(contract, nonce, terms)?).into())
}

/// The digest a subject signs to delegate the `withdraw` of consent `id`.
pub fn withdraw_digest(
    contract: &Address,
    nonce: u64,
    subject: &str,
    id: ConsentId,
) -> Result<[u8; 32], SdkError> {
    fits_u16("a string", subject.len())?;
    let pre = digest::withdraw_preimage(&contract_address(contract), nonce, subject, id.0);
    Ok(Sha3_256::digest(pre).into())
}

/// Signing and checking a [`Delegation`] (the contract's type) with the SDK's keys.
pub trait DelegationExt: Sized {
    /// Signs `digest` (made for `nonce`) with `key`.
    fn sign(key: &SecretKey, nonce: u64, digest: &[u8; 32]) -> Self;

    /// The address of the key that signed `digest`, under every rule of ADR 0003 (length,
    /// low S, `v` ∈ {0, 1}).
    fn signer(&self, digest: &[u8; 32]) -> Result<Address, SdkError>;
}

impl DelegationExt for Delegation {
    fn sign(key: &SecretKey, nonce: u64, digest: &[u8; 32]) -> Delegation {
        let sig = key.sign_digest(digest);
        Delegation { nonce, signature: format!("0x{}", hex::encode(sig.as_bytes())) }
    }

    fn signer(&self, digest: &[u8; 32]) -> Result<Address, SdkError> {
        let bad = |why: String| SdkError::Invalid(format!("invalid delegation signature: {why}"));
        let hex = self
            .signature
            .strip_prefix("0x")
            .ok_or_else(|| bad("it does not start with 0x".into()))?;
        let bytes = hex::decode(hex).map_err(|e| bad(e.to_string()))?;
        let sig = RecoverableSignature::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
        Ok(sig.recover(digest).map_err(|e| bad(e.to_string()))?.address())
    }
}

/// Checks that `delegation` over `digest` was made by `expected`.
fn check_signer(
    delegation: &Delegation,
    digest: &[u8; 32],
    expected: &Address,
) -> Result<(), SdkError> {
    let signer = delegation.signer(digest)?;
    if signer != *expected {
        return Err(SdkError::Invalid(format!(
            "the delegation signature was made by {signer}, not by the stated signer {expected}: \
             the file was altered or signed over other terms"
        )));
    }
    Ok(())
}

/// A `grant` signed by the subject, as handed to whoever submits it (the JSON file of
/// `bayledger consent sign-grant`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedGrant {
    /// The consent contract the signature is for.
    pub consent_contract: Address,
    /// The address of the signing key (it must control the subject DID).
    pub signer: Address,
    /// The consent terms.
    pub terms: GrantTerms,
    /// Nonce and signature.
    pub delegation: Delegation,
}

impl SignedGrant {
    /// Validates `terms` and signs them with `key` for the subject's `nonce`. Offline.
    pub fn sign(
        consent_contract: Address,
        nonce: u64,
        terms: GrantTerms,
        key: &SecretKey,
    ) -> Result<SignedGrant, SdkError> {
        terms.validate()?;
        let digest = grant_digest(&consent_contract, nonce, &terms)?;
        Ok(SignedGrant {
            consent_contract,
            signer: key.address(),
            delegation: Delegation::sign(key, nonce, &digest),
            terms,
        })
    }

    /// Checks the terms and that the signature over them recovers to `signer`.
    pub fn verify(&self) -> Result<(), SdkError> {
        self.terms.validate()?;
        let digest = grant_digest(&self.consent_contract, self.delegation.nonce, &self.terms)?;
        check_signer(&self.delegation, &digest, &self.signer)
    }
}

/// A `withdraw` signed by the subject, as handed to whoever submits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedWithdraw {
    /// The consent contract the signature is for.
    pub consent_contract: Address,
    /// The address of the signing key (it must control the subject DID).
    pub signer: Address,
    /// The subject DID (the consent's subject).
    pub subject: String,
    /// The consent to withdraw.
    pub consent_id: ConsentId,
    /// Nonce and signature.
    pub delegation: Delegation,
}

impl SignedWithdraw {
    /// Signs the withdrawal of consent `id` of `subject` with `key` for `nonce`. Offline.
    pub fn sign(
        consent_contract: Address,
        nonce: u64,
        subject: &str,
        id: ConsentId,
        key: &SecretKey,
    ) -> Result<SignedWithdraw, SdkError> {
        let digest = withdraw_digest(&consent_contract, nonce, subject, id)?;
        Ok(SignedWithdraw {
            consent_contract,
            signer: key.address(),
            subject: subject.to_string(),
            consent_id: id,
            delegation: Delegation::sign(key, nonce, &digest),
        })
    }

    /// Checks that the signature recovers to `signer`.
    pub fn verify(&self) -> Result<(), SdkError> {
        let digest = withdraw_digest(
            &self.consent_contract,
            self.delegation.nonce,
            &self.subject,
            self.consent_id,
        )?;
        check_signer(&self.delegation, &digest, &self.signer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::consent::msg::tests::vector_terms;

    /// `docs/privacy.md` §6, fields separated by spaces.
    const VECTOR_PREIMAGE: &str = "6261796c65646765722f636f6e73656e742d6772616e742f763100 \
        1111111111111111111111111111111111111111 \
        0000000000000007 0018 6469643a6261796c65646765723a746573743a616c696365 \
        001e 6469643a6261796c65646765723a746573743a686f73706974616c2d6764 \
        001c 6469643a6261796c65646765723a746573743a636c696e69632d686b \
        0001 0012 6865616c74682e6c61622d726573756c7473  0001 0009 74726561746d656e74 \
        0010 73657061726174652d636f6e73656e74  0005 434e2d4744  0002 484b \
        0000018bcfe56800 0000019327969400 \
        01 2222222222222222222222222222222222222222  00";
    const VECTOR_GRANT_DIGEST: &str =
        "84efbd67b7111569d0f0aa42a8c6b44526b20d3ad6eb7d4498cae3ed68b76d77";
    const VECTOR_ADDRESS: &str = "0x84122e46464cb07f236f020cb881ad79267fd618";
    const VECTOR_SIGNATURE: &str = "0x09396b0eccb242ec3b5e8a25dbeda9733d589b101e573ae96e021bbf06164f0876b698994d0a439a4628072d9de349938af19a2ac4d69428cc7808733599c6e400";
    const VECTOR_WITHDRAW_DIGEST: &str =
        "68ed09747ea5483ae018f063921d6aa6fd97822ff443dd068e1e954a3cbfb1d4";

    const CONTRACT: Address = Address([0x11; 20]);

    fn vector_key() -> SecretKey {
        SecretKey::from_bytes(&[0x42; 32]).unwrap()
    }

    #[test]
    fn grant_digest_matches_the_documented_vector() {
        let pre = grant_preimage(&CONTRACT, 7, &vector_terms()).unwrap();
        assert_eq!(hex::encode(&pre), VECTOR_PREIMAGE.replace(' ', ""));
        let digest = grant_digest(&CONTRACT, 7, &vector_terms()).unwrap();
        assert_eq!(hex::encode(digest), VECTOR_GRANT_DIGEST);
    }

    #[test]
    fn the_vector_key_signs_the_documented_signature() {
        let key = vector_key();
        assert_eq!(key.address().to_string(), VECTOR_ADDRESS);
        let signed = SignedGrant::sign(CONTRACT, 7, vector_terms(), &key).unwrap();
        assert_eq!(signed.delegation, Delegation { nonce: 7, signature: VECTOR_SIGNATURE.into() });
        assert_eq!(signed.signer.to_string(), VECTOR_ADDRESS);
        signed.verify().unwrap();
    }

    #[test]
    fn withdraw_digest_matches_the_documented_vector() {
        let d = withdraw_digest(&CONTRACT, 7, "did:bayledger:test:alice", ConsentId(42)).unwrap();
        assert_eq!(hex::encode(d), VECTOR_WITHDRAW_DIGEST);
        let w = SignedWithdraw::sign(
            CONTRACT,
            7,
            "did:bayledger:test:alice",
            ConsentId(42),
            &vector_key(),
        )
        .unwrap();
        w.verify().unwrap();
        assert_eq!(w.delegation.signer(&d).unwrap().to_string(), VECTOR_ADDRESS);
    }

    #[test]
    fn every_field_changes_the_digest() {
        let base = grant_digest(&CONTRACT, 7, &vector_terms()).unwrap();
        let changes: Vec<fn(&mut GrantTerms)> = vec![
            |t| t.subject.push('x'),
            |t| t.provider.push('x'),
            |t| t.recipient.push('x'),
            |t| t.data_categories.push("health.imaging".into()),
            |t| t.purposes[0] = "research".into(),
            |t| t.legal_basis = crate::system::consent::LegalBasis::Consent,
            |t| t.jurisdictions.provider = "CN-SH".into(),
            |t| t.jurisdictions.recipient = "MO".into(),
            |t| t.valid_from_ms += 1,
            |t| t.valid_until_ms += 1,
            |t| t.policy = None,
            |t| t.notice_hash = Some(bayledger_types::Hash([0; 32])),
        ];
        for (i, change) in changes.iter().enumerate() {
            let mut t = vector_terms();
            change(&mut t);
            assert_ne!(grant_digest(&CONTRACT, 7, &t).unwrap(), base, "change {i}");
        }
        assert_ne!(grant_digest(&CONTRACT, 8, &vector_terms()).unwrap(), base);
        assert_ne!(grant_digest(&Address([0x12; 20]), 7, &vector_terms()).unwrap(), base);
    }

    #[test]
    fn altered_files_and_bad_signatures_are_refused() {
        let key = vector_key();
        let mut signed = SignedGrant::sign(CONTRACT, 7, vector_terms(), &key).unwrap();
        signed.terms.purposes = vec!["marketing".into()];
        let e = signed.verify().unwrap_err().to_string();
        assert!(e.contains("not by the stated signer 0x84122e"), "{e}");

        let digest = [7u8; 32];
        let bad = |signature: &str| Delegation { nonce: 0, signature: signature.into() };
        for (sig, expected) in [
            ("09396b", "does not start with 0x"),
            ("0xzz", "Invalid character"),
            ("0x0939", "65 bytes"),
            (&format!("0x{}02", "11".repeat(64)), "recovery id"),
        ] {
            let e = bad(sig).signer(&digest).unwrap_err().to_string();
            assert!(e.starts_with("invalid delegation signature: "), "{e}");
            assert!(e.contains(expected), "{e} / {expected}");
        }
        let mut t = vector_terms();
        t.data_categories.clear();
        assert!(SignedGrant::sign(CONTRACT, 0, t, &key).is_err());
    }

    #[test]
    fn signed_files_round_trip_as_json() {
        let signed = SignedGrant::sign(CONTRACT, 7, vector_terms(), &vector_key()).unwrap();
        let text = serde_json::to_string_pretty(&signed).unwrap();
        assert_eq!(serde_json::from_str::<SignedGrant>(&text).unwrap(), signed);
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["note"] = "x".into();
        assert!(serde_json::from_value::<SignedGrant>(v).is_err());
    }
}
