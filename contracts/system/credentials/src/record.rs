//! The records the contract stores, and what they answer about a point in time. Several are
//! also returned as-is inside query responses (their JSON is the documented shape).
//!
//! Time rule: a record answers "at `t`" with every change made at a block time `<= t` applied,
//! so a change made at `t` is already in force at `t`.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// A credential's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Issued and neither suspended nor revoked.
    Active,
    /// Temporarily not valid; the issuer may reinstate it.
    Suspended,
    /// Permanently not valid.
    Revoked,
}

impl Status {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Suspended => "suspended",
            Status::Revoked => "revoked",
        }
    }
}

/// What happened to a credential in one status-history entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Anchored (status `active`).
    Issued,
    /// Revoked (final).
    Revoked,
    /// Suspended.
    Suspended,
    /// Reinstated from suspension (status `active`).
    Reinstated,
}

/// The algorithm that produced a credential's `vc_hash` from the VC's canonical bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HashAlg {
    /// SHA-256 (FIPS 180-4).
    #[serde(rename = "sha2-256")]
    Sha2_256,
    /// SHA3-256 (FIPS 202), the chain's own hash (ADR 0002). The default.
    #[default]
    #[serde(rename = "sha3-256")]
    Sha3_256,
}

/// A registered credential type. Its current schema is version `schema_version` in the
/// schema history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeRecord {
    /// The type id, e.g. `health-certificate`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free-text description (may be empty).
    pub description: String,
    /// The address that may publish new schema versions.
    pub owner: String,
    /// Block time of the registration.
    pub registered_at_ms: u64,
    /// Block height of the registration.
    pub registered_height: u64,
    /// Version number of the current schema (the first is 1).
    pub schema_version: u32,
    /// JSON Schema hash of the current version.
    pub schema_hash: String,
    /// Where the current JSON Schema is published.
    pub schema_uri: String,
}

/// One published version of a type's JSON Schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaVersion {
    /// 1 for the schema given at registration, then 2, 3, …
    pub version: u32,
    /// `0x` + 64 hex digits.
    pub schema_hash: String,
    /// Where the schema is published.
    pub schema_uri: String,
    /// Block time it was published.
    pub at_ms: u64,
    /// Block height it was published.
    pub height: u64,
}

/// One span of time during which an issuer was authorised for a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// Block time of the admission.
    pub from_ms: u64,
    /// Block height of the admission.
    pub from_height: u64,
    /// Block time of the removal, `null` while still authorised.
    pub until_ms: Option<u64>,
    /// Block height of the removal, `null` while still authorised.
    pub until_height: Option<u64>,
}

impl Period {
    fn covers(&self, t: u64) -> bool {
        self.from_ms <= t && self.until_ms.is_none_or(|until| t < until)
    }
}

/// The authorisation history of one issuer for one type, oldest period first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuerRecord {
    /// Admission periods; only the last may be open.
    pub periods: Vec<Period>,
}

impl IssuerRecord {
    /// Whether the issuer was authorised at time `t`.
    pub fn authorized_at(&self, t: u64) -> bool {
        self.periods.iter().any(|p| p.covers(t))
    }

    /// Whether the issuer is authorised now (its last period is open).
    pub fn is_current(&self) -> bool {
        self.periods.last().is_some_and(|p| p.until_ms.is_none())
    }
}

/// One entry of a credential's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange {
    /// What happened.
    pub action: Action,
    /// The status from then on.
    pub status: Status,
    /// The issuer's reason (`null` for issuance).
    pub reason: Option<String>,
    /// Block time.
    pub at_ms: u64,
    /// Block height.
    pub height: u64,
    /// The address that sent it.
    pub by: String,
}

/// An anchored credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRecord {
    /// The VC's id, e.g. `urn:uuid:…`.
    pub id: String,
    /// Its credential type.
    pub credential_type: String,
    /// The type's schema version current at issuance.
    pub schema_version: u32,
    /// The issuer's DID.
    pub issuer: String,
    /// The subject's DID.
    pub subject: String,
    /// Hash of the VC's canonical bytes, `0x` + 64 hex digits.
    pub vc_hash: String,
    /// The algorithm of `vc_hash`.
    pub vc_hash_alg: HashAlg,
    /// Start of the validity window (inclusive), if any.
    pub valid_from_ms: Option<u64>,
    /// End of the validity window (exclusive), if any.
    pub valid_until_ms: Option<u64>,
    /// Block time of issuance.
    pub issued_at_ms: u64,
    /// Block height of issuance.
    pub issued_height: u64,
    /// Position in the issuer's status list (0, 1, 2, … per issuer).
    pub status_index: u64,
    /// Status history, oldest first; the first entry is the issuance.
    pub history: Vec<StatusChange>,
}

impl CredentialRecord {
    /// The status now.
    pub fn current_status(&self) -> Status {
        self.history.last().map_or(Status::Active, |c| c.status)
    }

    /// The status at time `t`, or `None` if the credential was not yet issued at `t`.
    pub fn status_at(&self, t: u64) -> Option<Status> {
        if t < self.issued_at_ms {
            return None;
        }
        Some(
            self.history
                .iter()
                .take_while(|c| c.at_ms <= t)
                .last()
                .map_or(Status::Active, |c| c.status),
        )
    }

    /// The history entries made at or before `t`.
    pub fn history_until(&self, t: u64) -> Vec<StatusChange> {
        self.history.iter().take_while(|c| c.at_ms <= t).cloned().collect()
    }

    /// `Ok` when `t` is inside the validity window; otherwise why not.
    pub fn within_validity(&self, t: u64) -> Result<(), String> {
        if let Some(from) = self.valid_from_ms.filter(|from| t < *from) {
            return Err(format!("not valid before {from}"));
        }
        if let Some(until) = self.valid_until_ms.filter(|until| t >= *until) {
            return Err(format!("expired at {until}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn change(action: Action, status: Status, at_ms: u64) -> StatusChange {
        StatusChange { action, status, reason: None, at_ms, height: at_ms, by: "0x".into() }
    }

    #[test]
    fn periods_answer_points_in_time() {
        let r = IssuerRecord {
            periods: vec![
                Period { from_ms: 10, from_height: 1, until_ms: Some(20), until_height: Some(2) },
                Period { from_ms: 30, from_height: 3, until_ms: None, until_height: None },
            ],
        };
        let at = |t| r.authorized_at(t);
        assert_eq!(
            [at(9), at(10), at(19), at(20), at(29), at(30), at(1000)],
            [false, true, true, false, false, true, true]
        );
        assert!(r.is_current());
        assert!(!IssuerRecord::default().is_current());
    }

    #[test]
    fn status_and_validity_at_points_in_time() {
        let c = CredentialRecord {
            id: "urn:x".into(),
            credential_type: "t".into(),
            schema_version: 1,
            issuer: "did:x:i".into(),
            subject: "did:x:s".into(),
            vc_hash: "0x".into(),
            vc_hash_alg: HashAlg::default(),
            valid_from_ms: Some(100),
            valid_until_ms: Some(500),
            issued_at_ms: 50,
            issued_height: 1,
            status_index: 0,
            history: vec![
                change(Action::Issued, Status::Active, 50),
                change(Action::Suspended, Status::Suspended, 200),
                change(Action::Reinstated, Status::Active, 300),
                change(Action::Revoked, Status::Revoked, 400),
            ],
        };
        let st = |t| c.status_at(t);
        assert_eq!(
            [st(49), st(50), st(199), st(200), st(300), st(399), st(400)],
            [
                None,
                Some(Status::Active),
                Some(Status::Active),
                Some(Status::Suspended),
                Some(Status::Active),
                Some(Status::Active),
                Some(Status::Revoked)
            ]
        );
        assert_eq!(c.current_status(), Status::Revoked);
        assert_eq!(c.history_until(250).len(), 2);
        assert_eq!(c.within_validity(99), Err("not valid before 100".to_string()));
        assert_eq!(c.within_validity(100), Ok(()));
        assert_eq!(c.within_validity(500), Err("expired at 500".to_string()));
        assert_eq!(serde_json::to_string(&HashAlg::Sha2_256).ok(), Some("\"sha2-256\"".into()));
    }
}
