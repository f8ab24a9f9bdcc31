//! Verification of a `vc+jwt` against the chain, check by check ([`verify_credential`]).
//!
//! The checks, each with its reason:
//!
//! 1. `format` — a compact ES256K `vc+jwt` whose payload is a VC 2.0 document with an id, an
//!    issuer DID, a subject DID, and a `kid` naming a key of the issuer;
//! 2. `issuer_did` — the issuer's DID resolves on chain and is not deactivated (at the time
//!    asked about);
//! 3. `signature` — the signature verifies under the `kid` key, which the issuer's DID document
//!    lists under `assertionMethod` (the version in force when the credential was anchored, so
//!    a later key rotation does not break earlier credentials);
//! 4. `anchor` — the credential is anchored under its id with this `vc_hash`, issuer, subject,
//!    type and validity window;
//! 5. `issuer_authorized` — the issuer is authorised for the anchored type at that time (the
//!    contract already refused anchoring by an unauthorised issuer);
//! 6. `status` — the anchored status is `active` (not revoked or suspended);
//! 7. `validity` — the time is within the VC's `validFrom`/`validUntil`.
//!
//! The credential is valid only when every check passes. A check that cannot run because an
//! earlier one failed fails with `not checked: …`.

use super::types::{AnchoredCredential, HashAlg, IssuerAuthorization, Status};
use super::{Credentials, issue::vc_type_name, msg::hash0x, time};
use crate::SdkError;
use crate::client::Client;
use crate::system::did::{DidRegistry, Relationship, ResolveOptions, split_did_url};
use crate::vc::{self, CredentialInfo, Decoded};
use bayledger_types::{Hash, PublicKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The checks of a verification, in the order they are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckName {
    /// Well-formed `vc+jwt` holding a VC 2.0 document.
    Format,
    /// The issuer's DID resolves and is not deactivated.
    IssuerDid,
    /// The signature verifies under the issuer's assertion key.
    Signature,
    /// The on-chain anchor matches the credential.
    Anchor,
    /// The issuer is authorised for the credential's type.
    IssuerAuthorized,
    /// The credential is active (not revoked or suspended).
    Status,
    /// The time is within the credential's validity window.
    Validity,
}

impl CheckName {
    /// The name as printed, e.g. `issuer_did`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckName::Format => "format",
            CheckName::IssuerDid => "issuer_did",
            CheckName::Signature => "signature",
            CheckName::Anchor => "anchor",
            CheckName::IssuerAuthorized => "issuer_authorized",
            CheckName::Status => "status",
            CheckName::Validity => "validity",
        }
    }
}

/// One check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Which check.
    pub name: CheckName,
    /// Whether it passed.
    pub ok: bool,
    /// Why it passed or failed.
    pub reason: String,
}

impl Check {
    fn pass(name: CheckName, reason: impl Into<String>) -> Check {
        Check { name, ok: true, reason: reason.into() }
    }

    fn fail(name: CheckName, reason: impl Into<String>) -> Check {
        Check { name, ok: false, reason: reason.into() }
    }

    fn from_result(name: CheckName, r: Result<String, String>) -> Check {
        match r {
            Ok(why) => Check::pass(name, why),
            Err(why) => Check::fail(name, why),
        }
    }
}

/// The outcome of verifying one credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// True when every check passed.
    pub ok: bool,
    /// The time (ms) the checks are about.
    pub at_ms: u64,
    /// SHA3-256 of the compact credential, `0x` + 64 hex digits.
    pub vc_hash: String,
    /// The credential's id, when it decoded.
    pub credential_id: Option<String>,
    /// The anchored type id, when anchored.
    pub credential_type: Option<String>,
    /// The issuer's DID, when it decoded.
    pub issuer: Option<String>,
    /// The subject's DID, when it decoded.
    pub subject: Option<String>,
    /// Every check, in order.
    pub checks: Vec<Check>,
}

impl Verdict {
    /// The outcome of check `name`.
    pub fn check(&self, name: CheckName) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.ok)
    }

    /// One line: `valid` or `not valid: <check>: <reason>; …`.
    pub fn summary(&self) -> String {
        if self.ok {
            return "valid".into();
        }
        let why: Vec<String> =
            self.failures().map(|c| format!("{}: {}", c.name.as_str(), c.reason)).collect();
        format!("not valid: {}", why.join("; "))
    }

    fn new(
        at_ms: u64,
        vc_hash: &Hash,
        info: Option<&CredentialInfo>,
        checks: Vec<Check>,
    ) -> Verdict {
        Verdict {
            ok: checks.iter().all(|c| c.ok),
            at_ms,
            vc_hash: hash0x(vc_hash),
            credential_id: info.map(|i| i.id.clone()),
            credential_type: None,
            issuer: info.map(|i| i.issuer.clone()),
            subject: info.map(|i| i.subject.clone()),
            checks,
        }
    }
}

/// The issuer DID's state as resolved at the time asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DidState {
    /// The resolved version.
    pub version_id: String,
    /// Whether that version is the deactivation.
    pub deactivated: bool,
}

const AFTER: [CheckName; 6] = [
    CheckName::IssuerDid,
    CheckName::Signature,
    CheckName::Anchor,
    CheckName::IssuerAuthorized,
    CheckName::Status,
    CheckName::Validity,
];

/// Verifies `jwt` against the chain at `at_ms` (`None`: the latest block's time): the issuer
/// DID, the signature under its assertion key, the anchor, the issuer's authorisation, the
/// status and the validity window. Errors are for transport failures only; every reason the
/// credential is not valid is a failed [`Check`].
pub async fn verify_credential(
    client: &Client,
    jwt: &str,
    at_ms: Option<u64>,
) -> Result<Verdict, SdkError> {
    let vc_hash = vc::vc_hash(jwt);
    let decoded = match vc::decode(jwt) {
        Ok(d) => d,
        Err(e) => {
            let at = match at_ms {
                Some(t) => t,
                None => client.status().await?.latest_block_time_ms,
            };
            let mut checks = vec![Check::fail(CheckName::Format, e.to_string())];
            checks.extend(
                AFTER.map(|n| Check::fail(n, "not checked: the credential does not decode")),
            );
            return Ok(Verdict::new(at, &vc_hash, None, checks));
        }
    };
    let info = &decoded.info;
    let credentials = Credentials::new(client.clone());
    let anchor = credentials.credential(&info.id, at_ms).await?;
    let at = match (&anchor, at_ms) {
        (Some(a), _) => a.at_ms,
        (None, Some(t)) => t,
        (None, None) => client.status().await?.latest_block_time_ms,
    };
    let did_state = issuer_did_state(client, &info.issuer, at_ms).await?;
    // The key in force when the credential was anchored (else now).
    let key_time = anchor.as_ref().map(|a| a.issued_at_ms).or(at_ms);
    let key = assertion_key(client, &decoded.kid, key_time).await?;
    let authorization = match &anchor {
        Some(a) => {
            Some(credentials.is_authorized_issuer(&a.credential_type, &a.issuer, Some(at)).await?)
        }
        None => None,
    };
    let checks = vec![
        Check::pass(
            CheckName::Format,
            format!("ES256K vc+jwt of a VC 2.0 credential, signed with {}", decoded.kid),
        ),
        check_issuer_did(&info.issuer, &did_state),
        check_signature(&decoded, &key),
        check_anchor(info, &jwt_hash_for(jwt), anchor.as_ref(), at_ms),
        check_authorized(anchor.as_ref(), authorization.as_ref()),
        check_status(anchor.as_ref()),
        check_validity(info, at),
    ];
    let mut verdict = Verdict::new(at, &vc_hash, Some(info), checks);
    verdict.credential_type = anchor.map(|a| a.credential_type);
    Ok(verdict)
}

/// The issuer DID as resolved at `at_ms` (`None`: now); a failed resolution is the reason.
async fn issuer_did_state(
    client: &Client,
    did: &str,
    at_ms: Option<u64>,
) -> Result<Result<DidState, String>, SdkError> {
    let options = at_ms.map_or_else(ResolveOptions::latest, ResolveOptions::at_ms);
    let resolution = DidRegistry::new(client.clone()).resolve(did, &options).await?;
    Ok(resolution.document().map_err(|e| e.to_string()).map(|_| DidState {
        version_id: resolution.did_document_metadata.version_id.clone().unwrap_or_default(),
        deactivated: resolution.is_deactivated(),
    }))
}

/// The key `kid` names, listed under `assertionMethod` in the issuer's document in force at
/// `at_ms` (`None`: now); why not when it is missing.
async fn assertion_key(
    client: &Client,
    kid: &str,
    at_ms: Option<u64>,
) -> Result<Result<PublicKey, String>, SdkError> {
    let did = match split_did_url(kid) {
        Ok((did, _)) => did,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let options = at_ms.map_or_else(ResolveOptions::latest, ResolveOptions::at_ms);
    let resolution = DidRegistry::new(client.clone()).resolve(did, &options).await?;
    Ok(resolution.public_key(kid, Relationship::AssertionMethod).map_err(|e| e.to_string()))
}

/// The credential's hash under each algorithm an anchor may name.
fn jwt_hash_for(jwt: &str) -> impl Fn(HashAlg) -> Hash + '_ {
    move |alg| match alg {
        HashAlg::Sha3_256 => vc::vc_hash(jwt),
        HashAlg::Sha2_256 => Hash(Sha256::digest(jwt.trim().as_bytes()).into()),
    }
}

fn check_issuer_did(did: &str, state: &Result<DidState, String>) -> Check {
    let name = CheckName::IssuerDid;
    match state {
        Err(why) => Check::fail(name, why.clone()),
        Ok(s) if s.deactivated => Check::fail(
            name,
            format!("deactivated: {did} is deactivated (version {})", s.version_id),
        ),
        Ok(s) => {
            Check::pass(name, format!("{did} resolves (version {}), not deactivated", s.version_id))
        }
    }
}

fn check_signature(decoded: &Decoded, key: &Result<PublicKey, String>) -> Check {
    let name = CheckName::Signature;
    match key {
        Err(why) => Check::fail(name, why.clone()),
        Ok(k) => match decoded.verify_signature(k) {
            Ok(()) => Check::pass(
                name,
                format!("verifies with {}, an assertionMethod key of the issuer", decoded.kid),
            ),
            Err(e) => Check::fail(name, e.to_string()),
        },
    }
}

/// Parses an optional VC date-time, naming the member in the error.
fn vc_time(member: &str, value: Option<&str>) -> Result<Option<u64>, String> {
    value.map(|v| time::parse_ms(v).map_err(|e| format!("{member}: {e}"))).transpose()
}

fn check_anchor(
    info: &CredentialInfo,
    hash_of: &dyn Fn(HashAlg) -> Hash,
    anchor: Option<&AnchoredCredential>,
    asked_at: Option<u64>,
) -> Check {
    let name = CheckName::Anchor;
    let Some(a) = anchor else {
        let when = asked_at.map_or_else(
            || "is anchored on chain".to_string(),
            |t| format!("was anchored on chain by {}", time::format_ms(t)),
        );
        return Check::fail(name, format!("not anchored: no credential {:?} {when}", info.id));
    };
    let mut wrong = Vec::new();
    let actual = hash0x(&hash_of(a.vc_hash_alg));
    if actual != a.vc_hash {
        wrong.push(format!("the anchored vc_hash {} is not this credential's {actual}", a.vc_hash));
    }
    if a.issuer != info.issuer {
        wrong.push(format!("its issuer is {}, not {}", a.issuer, info.issuer));
    }
    if a.subject != info.subject {
        wrong.push(format!("its subject is {}, not {}", a.subject, info.subject));
    }
    let vc_type = vc_type_name(&a.credential_type);
    if !info.types.contains(&vc_type) {
        wrong.push(format!(
            "the anchored type {:?} needs the VC type {vc_type:?}, the credential has {:?}",
            a.credential_type, info.types
        ));
    }
    match (
        vc_time("validFrom", info.valid_from.as_deref()),
        vc_time("validUntil", info.valid_until.as_deref()),
    ) {
        (Ok(from), Ok(until)) => {
            if (from, until) != (a.valid_from_ms, a.valid_until_ms) {
                wrong.push(format!(
                    "the anchored validity window {} differs from the credential's {}",
                    window(a.valid_from_ms, a.valid_until_ms),
                    window(from, until)
                ));
            }
        }
        (Err(e), _) | (_, Err(e)) => wrong.push(e),
    }
    if wrong.is_empty() {
        Check::pass(
            name,
            format!(
                "anchored at height {} ({}) as {:?} by {} for {}, same vc_hash",
                a.issued_height,
                time::format_ms(a.issued_at_ms),
                a.credential_type,
                a.issuer,
                a.subject
            ),
        )
    } else {
        Check::fail(name, format!("mismatch: credential {:?}: {}", a.id, wrong.join("; ")))
    }
}

fn window(from: Option<u64>, until: Option<u64>) -> String {
    let show = |t: Option<u64>| t.map_or_else(|| "-".to_string(), time::format_ms);
    format!("[{}, {})", show(from), show(until))
}

fn check_authorized(
    anchor: Option<&AnchoredCredential>,
    authorization: Option<&IssuerAuthorization>,
) -> Check {
    let name = CheckName::IssuerAuthorized;
    match (anchor, authorization) {
        (Some(_), Some(auth)) if auth.authorized => Check::pass(name, auth.reason.clone()),
        (Some(_), Some(auth)) => Check::fail(name, format!("unauthorized: {}", auth.reason)),
        _ => {
            Check::fail(name, "not checked: the credential is not anchored, so its type is unknown")
        }
    }
}

fn check_status(anchor: Option<&AnchoredCredential>) -> Check {
    let name = CheckName::Status;
    let Some(a) = anchor else {
        return Check::fail(name, "not checked: the credential is not anchored");
    };
    let at = time::format_ms(a.at_ms);
    if a.status == Status::Active {
        return Check::pass(name, format!("active at {at}"));
    }
    let change = a.history.iter().rev().find(|c| c.status == a.status);
    let detail = match change {
        Some(c) => format!(
            " since {} (height {}): {}",
            time::format_ms(c.at_ms),
            c.height,
            c.reason.as_deref().unwrap_or("no reason given")
        ),
        None => String::new(),
    };
    Check::fail(name, format!("{}{detail}", a.status.as_str()))
}

fn check_validity(info: &CredentialInfo, at: u64) -> Check {
    let name = CheckName::Validity;
    let r = (|| {
        let from = vc_time("validFrom", info.valid_from.as_deref())?;
        let until = vc_time("validUntil", info.valid_until.as_deref())?;
        if let Some(from) = from.filter(|from| at < *from) {
            return Err(format!("not yet valid: valid from {}", time::format_ms(from)));
        }
        if let Some(until) = until.filter(|until| at >= *until) {
            return Err(format!("expired: valid until {}", time::format_ms(until)));
        }
        Ok(format!("{} is within {}", time::format_ms(at), window(from, until)))
    })();
    Check::from_result(name, r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::credentials::types::{Action, StatusChange};
    use bayledger_types::SecretKey;
    use serde_json::json;

    const ISSUER: &str = "did:bayledger:t:gd-health";
    const SUBJECT: &str = "did:bayledger:t:traveller";
    const FROM: u64 = 1_700_000_000_000;
    const UNTIL: u64 = 1_800_000_000_000;

    fn signed(key: &SecretKey) -> (String, Decoded) {
        let vc = json!({
            "@context": [vc::VC_CONTEXT_V2],
            "id": "urn:uuid:1",
            "type": ["VerifiableCredential", "HealthCertificate"],
            "issuer": ISSUER,
            "validFrom": time::format_ms(FROM),
            "validUntil": time::format_ms(UNTIL),
            "credentialSubject": {"id": SUBJECT, "result": "negative"}
        });
        let jwt = vc::sign(&vc, key, &format!("{ISSUER}#key-1")).expect("signs");
        let decoded = vc::decode(&jwt).expect("decodes");
        (jwt, decoded)
    }

    fn anchored(jwt: &str) -> AnchoredCredential {
        AnchoredCredential {
            id: "urn:uuid:1".into(),
            credential_type: "health-certificate".into(),
            schema_version: 1,
            issuer: ISSUER.into(),
            subject: SUBJECT.into(),
            vc_hash: hash0x(&vc::vc_hash(jwt)),
            vc_hash_alg: HashAlg::Sha3_256,
            issued_at_ms: FROM,
            issued_height: 7,
            valid_from_ms: Some(FROM),
            valid_until_ms: Some(UNTIL),
            at_ms: FROM + 1,
            status: Status::Active,
            issuer_authorized: true,
            status_list: 0,
            status_list_index: 0,
            history: vec![StatusChange {
                action: Action::Issued,
                status: Status::Active,
                reason: None,
                at_ms: FROM,
                height: 7,
                by: "0x01".into(),
            }],
        }
    }

    #[test]
    fn a_matching_anchor_passes_and_every_mismatch_is_named() {
        let key = SecretKey::generate();
        let (jwt, d) = signed(&key);
        let hash_of = jwt_hash_for(&jwt);
        let a = anchored(&jwt);
        let ok = check_anchor(&d.info, &hash_of, Some(&a), None);
        assert!(ok.ok, "{}", ok.reason);

        let wrong = AnchoredCredential {
            vc_hash: hash0x(&Hash([1; 32])),
            issuer: "did:bayledger:t:mallory".into(),
            subject: "did:bayledger:t:other".into(),
            credential_type: "kyc".into(),
            valid_until_ms: None,
            ..a.clone()
        };
        let c = check_anchor(&d.info, &hash_of, Some(&wrong), None);
        assert!(!c.ok);
        for part in [
            "vc_hash",
            "issuer is did:bayledger:t:mallory",
            "subject",
            "\"Kyc\"",
            "validity window",
        ] {
            assert!(c.reason.contains(part), "{part}: {}", c.reason);
        }
        let none = check_anchor(&d.info, &hash_of, None, None);
        assert!(!none.ok && none.reason.ends_with("is anchored on chain"), "{}", none.reason);
        let then = check_anchor(&d.info, &hash_of, None, Some(0));
        assert!(
            then.reason.ends_with("was anchored on chain by 1970-01-01T00:00:00Z"),
            "{}",
            then.reason
        );

        let sha2 = AnchoredCredential {
            vc_hash_alg: HashAlg::Sha2_256,
            vc_hash: hash0x(&Hash(Sha256::digest(jwt.as_bytes()).into())),
            ..a
        };
        assert!(check_anchor(&d.info, &hash_of, Some(&sha2), None).ok);
    }

    #[test]
    fn signatures_are_checked_with_the_resolved_key() {
        let key = SecretKey::generate();
        let (_, d) = signed(&key);
        assert!(check_signature(&d, &Ok(key.public_key())).ok);
        let other = check_signature(&d, &Ok(SecretKey::generate().public_key()));
        assert!(!other.ok && other.reason.contains("does not verify"), "{}", other.reason);
        let missing = check_signature(&d, &Err("no such key".into()));
        assert_eq!((missing.ok, missing.reason.as_str()), (false, "no such key"));
    }

    #[test]
    fn status_names_revocation_and_suspension_with_their_reasons() {
        let key = SecretKey::generate();
        let (jwt, _) = signed(&key);
        let mut a = anchored(&jwt);
        assert!(check_status(Some(&a)).ok);
        a.status = Status::Revoked;
        a.history.push(StatusChange {
            action: Action::Revoked,
            status: Status::Revoked,
            reason: Some("issued in error".into()),
            at_ms: FROM + 5,
            height: 9,
            by: "0x01".into(),
        });
        let c = check_status(Some(&a));
        assert!(!c.ok);
        assert!(
            c.reason.starts_with("revoked since") && c.reason.ends_with("issued in error"),
            "{}",
            c.reason
        );
        assert!(!check_status(None).ok);
    }

    #[test]
    fn validity_is_inclusive_from_and_exclusive_until() {
        let key = SecretKey::generate();
        let (_, d) = signed(&key);
        let at = |t| check_validity(&d.info, t);
        assert!(!at(FROM - 1).ok && at(FROM - 1).reason.starts_with("not yet valid"));
        assert!(at(FROM).ok);
        assert!(at(UNTIL - 1).ok);
        assert!(!at(UNTIL).ok && at(UNTIL).reason.starts_with("expired"));
        let mut info = d.info.clone();
        info.valid_until = Some("next week".into());
        let c = check_validity(&info, FROM);
        assert!(!c.ok && c.reason.starts_with("validUntil"), "{}", c.reason);
    }

    #[test]
    fn issuer_did_and_authorisation_reasons() {
        let live = DidState { version_id: "1".into(), deactivated: false };
        assert!(check_issuer_did(ISSUER, &Ok(live)).ok);
        let dead = DidState { version_id: "2".into(), deactivated: true };
        let c = check_issuer_did(ISSUER, &Ok(dead));
        assert!(!c.ok && c.reason.starts_with("deactivated"), "{}", c.reason);
        assert!(!check_issuer_did(ISSUER, &Err("notFound: not registered".into())).ok);

        let key = SecretKey::generate();
        let (jwt, _) = signed(&key);
        let a = anchored(&jwt);
        let yes =
            IssuerAuthorization { authorized: true, at_ms: 1, reason: "was authorised".into() };
        assert!(check_authorized(Some(&a), Some(&yes)).ok);
        let no = IssuerAuthorization { authorized: false, ..yes };
        let c = check_authorized(Some(&a), Some(&no));
        assert!(!c.ok && c.reason.starts_with("unauthorized"), "{}", c.reason);
        assert!(!check_authorized(None, None).ok);
    }

    #[test]
    fn verdicts_summarise_their_failures() {
        let checks = vec![
            Check::pass(CheckName::Format, "fine"),
            Check::fail(CheckName::Status, "revoked since then: lost"),
        ];
        let v = Verdict::new(5, &Hash([0; 32]), None, checks);
        assert!(!v.ok);
        assert_eq!(v.summary(), "not valid: status: revoked since then: lost");
        assert_eq!(v.check(CheckName::Status).map(|c| c.ok), Some(false));
        let json = serde_json::to_value(&v).expect("serialises");
        assert_eq!(json["checks"][1]["name"], "status");
    }
}
