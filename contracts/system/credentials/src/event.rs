//! Event topics and payloads. Their JSON Schemas are the `$defs` of `schema/events.json`, one
//! per topic. Every payload is bounded by the message limits, far below the 8 KiB event limit.

use crate::codec::to_json;
use alloc::string::String;
use bayledger_contract_sdk::{Error, events};
use serde::Serialize;

/// `credential.committee_changed`: at instantiation (`previous: null`) and on `set_committee`.
pub const COMMITTEE_CHANGED: &str = "credential.committee_changed";
/// `credential.type_registered`.
pub const TYPE_REGISTERED: &str = "credential.type_registered";
/// `credential.schema_updated`.
pub const SCHEMA_UPDATED: &str = "credential.schema_updated";
/// `credential.issuer_added`.
pub const ISSUER_ADDED: &str = "credential.issuer_added";
/// `credential.issuer_removed`.
pub const ISSUER_REMOVED: &str = "credential.issuer_removed";
/// `credential.issued`.
pub const ISSUED: &str = "credential.issued";
/// `credential.revoked`.
pub const REVOKED: &str = "credential.revoked";
/// `credential.suspended`.
pub const SUSPENDED: &str = "credential.suspended";
/// `credential.reinstated`.
pub const REINSTATED: &str = "credential.reinstated";

/// Emits `data` as JSON under `topic`.
pub(crate) fn emit<T: Serialize>(topic: &str, data: &T) -> Result<(), Error> {
    events::emit(topic, &to_json(data)?);
    Ok(())
}

/// `credential.committee_changed`.
#[derive(Serialize)]
pub(crate) struct CommitteeChanged {
    pub previous: Option<String>,
    pub committee: String,
}

/// `credential.type_registered`.
#[derive(Serialize)]
pub(crate) struct TypeRegistered<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub owner: &'a str,
    pub schema_version: u32,
    pub schema_hash: &'a str,
    pub schema_uri: &'a str,
}

/// `credential.schema_updated`.
#[derive(Serialize)]
pub(crate) struct SchemaUpdated<'a> {
    pub credential_type: &'a str,
    pub schema_version: u32,
    pub schema_hash: &'a str,
    pub schema_uri: &'a str,
}

/// `credential.issuer_added` and `credential.issuer_removed`.
#[derive(Serialize)]
pub(crate) struct IssuerChanged<'a> {
    pub credential_type: &'a str,
    pub issuer: &'a str,
}

/// `credential.issued`.
#[derive(Serialize)]
pub(crate) struct Issued<'a> {
    pub id: &'a str,
    pub credential_type: &'a str,
    pub issuer: &'a str,
    pub subject: &'a str,
    pub vc_hash: &'a str,
    pub status_list: u32,
    pub status_list_index: u32,
}

/// `credential.revoked`, `credential.suspended` and `credential.reinstated`.
#[derive(Serialize)]
pub(crate) struct StatusChanged<'a> {
    pub id: &'a str,
    pub credential_type: &'a str,
    pub issuer: &'a str,
    pub subject: &'a str,
    pub reason: &'a str,
    pub status_list: u32,
    pub status_list_index: u32,
}
