//! The consent terms on the command line, shared by `grant` and `sign-grant`.

use super::super::client_opts::{parse_address, parse_hash};
use super::parse_time;
use bayledger_sdk::system::consent::{GrantTerms, Jurisdictions, LegalBasis};
use bayledger_sdk::system::hash_registry::commitment::sha3_file;
use bayledger_sdk::{Address, Hash};
use clap::Args;
use eyre::Result;
use std::path::PathBuf;

/// What the subject consents to.
#[derive(Debug, Clone, Args)]
pub struct TermsArgs {
    /// The data subject's DID.
    #[arg(long, value_name = "DID")]
    subject: String,
    /// The provider (personal information handler) DID.
    #[arg(long, value_name = "DID")]
    provider: String,
    /// The recipient DID.
    #[arg(long, value_name = "DID")]
    recipient: String,
    /// Data categories the provider may transfer (generic labels, e.g. health.lab-results).
    #[arg(long = "category", value_name = "C", num_args = 1.., required = true)]
    categories: Vec<String>,
    /// Purposes (e.g. treatment).
    #[arg(long = "purpose", value_name = "P", num_args = 1.., required = true)]
    purposes: Vec<String>,
    /// Legal basis: consent, explicit-consent, separate-consent or written-consent.
    #[arg(long, value_name = "B", value_parser = parse_legal_basis)]
    legal_basis: LegalBasis,
    /// The provider's jurisdiction, ISO 3166 (e.g. CN-GD).
    #[arg(long, value_name = "CODE")]
    from_jurisdiction: String,
    /// The recipient's jurisdiction, ISO 3166 (e.g. HK).
    #[arg(long, value_name = "CODE")]
    to_jurisdiction: String,
    /// End of validity (exclusive), RFC 3339.
    #[arg(long, value_name = "RFC3339")]
    until: String,
    /// Start of validity, RFC 3339 [default: the latest block's time].
    #[arg(long, value_name = "RFC3339")]
    valid_from: Option<String>,
    /// A policy contract every check consults (0x + 40 hex).
    #[arg(long, value_name = "0x…", value_parser = parse_address)]
    policy: Option<Address>,
    /// SHA3-256 of the privacy notice the subject was shown (0x + 64 hex).
    #[arg(long, value_name = "0x…", value_parser = parse_hash, conflicts_with = "notice")]
    notice_hash: Option<Hash>,
    /// The privacy notice document shown to the subject: hashed here, never sent.
    #[arg(long, value_name = "FILE")]
    notice: Option<PathBuf>,
}

fn parse_legal_basis(s: &str) -> std::result::Result<LegalBasis, String> {
    s.parse::<LegalBasis>().map_err(|e| e.to_string())
}

impl TermsArgs {
    /// Whether `--valid-from` was given (else the caller supplies a default).
    pub fn has_valid_from(&self) -> bool {
        self.valid_from.is_some()
    }

    /// The terms, with `default_from_ms` when `--valid-from` is not given; checked locally
    /// (the contract applies its full rules on submission).
    pub fn terms(&self, default_from_ms: u64) -> Result<GrantTerms> {
        let valid_from_ms = match &self.valid_from {
            Some(v) => parse_time("valid-from", v)?,
            None => default_from_ms,
        };
        let notice_hash = match (&self.notice, self.notice_hash) {
            (Some(path), _) => Some(sha3_file(path)?),
            (None, h) => h,
        };
        let terms = GrantTerms {
            subject: self.subject.clone(),
            provider: self.provider.clone(),
            recipient: self.recipient.clone(),
            data_categories: self.categories.clone(),
            purposes: self.purposes.clone(),
            legal_basis: self.legal_basis,
            jurisdictions: Jurisdictions {
                provider: self.from_jurisdiction.clone(),
                recipient: self.to_jurisdiction.clone(),
            },
            valid_from_ms,
            valid_until_ms: parse_time("until", &self.until)?,
            policy: self.policy,
            notice_hash,
        };
        terms.validate()?;
        Ok(terms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cmd {
        #[command(flatten)]
        terms: TermsArgs,
    }

    const BASE: &[&str] = &[
        "x",
        "--subject",
        "did:bayledger:t:alice",
        "--provider",
        "did:bayledger:t:gd",
        "--recipient",
        "did:bayledger:t:hk",
        "--category",
        "health.lab-results",
        "health.imaging",
        "--purpose",
        "treatment",
        "--legal-basis",
        "separate-consent",
        "--from-jurisdiction",
        "CN-GD",
        "--to-jurisdiction",
        "HK",
        "--until",
        "2030-01-01T00:00:00Z",
    ];

    fn parse(extra: &[&str]) -> std::result::Result<Cmd, clap::Error> {
        Cmd::try_parse_from(BASE.iter().chain(extra))
    }

    #[test]
    fn terms_from_flags() {
        let t = parse(&["--policy", "0x2222222222222222222222222222222222222222"])
            .unwrap()
            .terms
            .terms(1_700_000_000_000)
            .unwrap();
        assert_eq!(t.data_categories, ["health.lab-results", "health.imaging"]);
        assert_eq!(t.legal_basis, LegalBasis::SeparateConsent);
        assert_eq!((t.valid_from_ms, t.valid_until_ms), (1_700_000_000_000, 1_893_456_000_000));
        assert_eq!(t.policy, Some(Address([0x22; 20])));
        assert!(t.cross_border());
        let t = parse(&["--valid-from", "2029-01-01T00:00:00Z", "--category", "x"])
            .unwrap()
            .terms
            .terms(0)
            .unwrap();
        assert_eq!(t.valid_from_ms, 1_861_920_000_000);
        assert_eq!(t.data_categories, ["health.lab-results", "health.imaging", "x"]);
    }

    /// The base command with `flag`'s value replaced.
    fn replaced(flag: &str, value: &str) -> std::result::Result<Cmd, clap::Error> {
        let mut args: Vec<&str> = BASE.to_vec();
        let i = args.iter().position(|a| *a == flag).expect("a base flag");
        args[i + 1] = value;
        Cmd::try_parse_from(args)
    }

    #[test]
    fn bad_flags_are_named() {
        let e = replaced("--legal-basis", "vibes").unwrap_err().to_string();
        assert!(e.contains("is not a legal basis (one of consent, "), "{e}");
        let e = parse(&["--policy", "0x12"]).unwrap_err().to_string();
        assert!(e.contains("--policy"), "{e}");
        let cmd = parse(&["--valid-from", "2031-01-01T00:00:00Z"]).unwrap();
        let e = cmd.terms.terms(0).unwrap_err().to_string();
        assert!(e.contains("invalid valid_until_ms"), "{e}");
        let cmd = replaced("--until", "next year").unwrap();
        let e = format!("{:#}", cmd.terms.terms(0).unwrap_err());
        assert!(e.starts_with("--until: "), "{e}");
        let cmd = replaced("--subject", "alice").unwrap();
        let e = cmd.terms.terms(0).unwrap_err().to_string();
        assert!(e.starts_with("invalid subject: "), "{e}");
        let cmd = parse(&["--notice", "/nonexistent/notice.html"]).unwrap();
        let e = cmd.terms.terms(0).unwrap_err().to_string();
        assert!(e.contains("cannot read /nonexistent/notice.html"), "{e}");
        assert!(
            parse(&["--notice", "n", "--notice-hash", &format!("0x{}", "00".repeat(32))]).is_err()
        );
        let mut missing: Vec<&str> = BASE.to_vec();
        missing.truncate(BASE.len() - 2);
        assert!(Cmd::try_parse_from(missing).is_err(), "--until is required");
    }
}
