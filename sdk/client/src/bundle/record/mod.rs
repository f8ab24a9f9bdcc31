//! The answer a bundle carries, one type per kind, and how each is computed from proven
//! state: the contract's own storage layout locates the records, its codecs decode them and
//! its own pure functions turn them into the answer it would give to the same query.
//! Every record echoes what was asked, so the question cannot be edited apart from it.

mod consent;
mod credential;
mod did;
mod hash;

pub use consent::ConsentRecord;
pub use credential::CredentialRecord;
pub use did::DidRecord;
pub use hash::HashRecord;

use super::BundleError;
use super::query::Query;
use super::state::ProvenState;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The answer to a [`Query`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Record {
    /// A hash registration.
    Hash(HashRecord),
    /// An anchored credential.
    Credential(CredentialRecord),
    /// A consent.
    Consent(ConsentRecord),
    /// A DID document version.
    Did(DidRecord),
}

/// The block the answer is read at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct At {
    /// Block height.
    pub height: u64,
    /// Block time, ms.
    pub time_ms: u64,
}

impl At {
    /// The time a query asks about: its own, or the block's. A later time than the block's
    /// is refused: the state at the block cannot show what holds after it.
    fn time(&self, asked: Option<u64>) -> Result<u64, BundleError> {
        match asked {
            Some(t) if t > self.time_ms => Err(BundleError::Query(format!(
                "at_ms {t} is after the time of block {} ({} ms); its state cannot show what holds later",
                self.height, self.time_ms
            ))),
            Some(t) => Ok(t),
            None => Ok(self.time_ms),
        }
    }
}

impl Record {
    /// Computes the answer to `query` at block `at` from `state`.
    pub(crate) fn evaluate(
        query: &Query,
        at: At,
        state: &mut ProvenState,
    ) -> Result<Record, BundleError> {
        query.check()?;
        Ok(match query {
            Query::Hash { hash, at_ms } => {
                Record::Hash(hash::answer(hash, at.time(*at_ms)?, state)?)
            }
            Query::Credential { id, at_ms } => {
                Record::Credential(credential::answer(id, at.time(*at_ms)?, state)?)
            }
            Query::Consent { id, at_ms } => {
                Record::Consent(consent::answer(*id, at.time(*at_ms)?, state)?)
            }
            Query::Did { did, version } => Record::Did(did::answer(did, *version, state)?),
        })
    }

    /// Types a bundle's `record` by its query's kind.
    pub(crate) fn from_json(query: &Query, value: Value) -> Result<Record, BundleError> {
        Ok(match query {
            Query::Hash { .. } => Record::Hash(typed(value)?),
            Query::Credential { .. } => Record::Credential(typed(value)?),
            Query::Consent { .. } => Record::Consent(typed(value)?),
            Query::Did { .. } => Record::Did(typed(value)?),
        })
    }

    /// The record as JSON text (for messages).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("records serialise")
    }
}

fn typed<T: DeserializeOwned>(value: Value) -> Result<T, BundleError> {
    serde_json::from_value(value).map_err(|e| BundleError::Malformed(format!("record: {e}")))
}

/// Re-reads a contract's answer (serialised by the contract's type) as the SDK's type of the
/// same JSON.
fn convert<T: Serialize, U: DeserializeOwned>(answer: &T) -> Result<U, BundleError> {
    serde_json::to_value(answer)
        .and_then(serde_json::from_value)
        .map_err(|e| BundleError::Malformed(format!("contract answer: {e}")))
}
