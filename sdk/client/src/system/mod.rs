//! Typed clients for the system contracts deployed at genesis (docs/domain-contracts.md):
//! [`hash_registry`], [`did`], [`credentials`], [`consent`] and [`governance`].
//!
//! Each is a thin, typed layer over one [`SystemHandle`]: calls are signed transactions that
//! wait for their commit and fail with [`SdkError::TxFailed`] carrying the contract's own
//! error line (`unauthorized: …`, `not found: …`, …); queries decode the contract's JSON answer.

pub mod consent;
pub mod credentials;
pub mod did;
pub mod governance;
pub mod hash_registry;

use crate::client::Client;
use crate::error::SdkError;
use bayledger_types::{Address, SecretKey, SystemContract, pb};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One system contract on one node.
#[derive(Debug, Clone)]
pub struct SystemHandle {
    client: Client,
    contract: SystemContract,
}

/// A committed call: the decoded return data, the receipt and its events as JSON.
#[derive(Debug, Clone)]
pub struct Executed<T> {
    /// The contract's return data, decoded.
    pub value: T,
    /// The transaction's receipt (status OK).
    pub receipt: pb::Receipt,
}

impl<T> Executed<T> {
    /// `(topic, JSON data)` of the receipt's events; data that is not JSON is `null`.
    pub fn events(&self) -> Vec<(String, Value)> {
        self.receipt
            .events
            .iter()
            .map(|e| (e.topic.clone(), serde_json::from_slice(&e.data).unwrap_or(Value::Null)))
            .collect()
    }
}

impl SystemHandle {
    /// The handle of `contract` through `client`. Nothing is checked until [`Self::check`]
    /// or the first request.
    pub fn new(client: Client, contract: SystemContract) -> SystemHandle {
        SystemHandle { client, contract }
    }

    /// The contract's address.
    pub fn address(&self) -> Address {
        self.contract.address()
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Checks the node has this system contract at its genesis address.
    pub async fn check(&self) -> Result<(), SdkError> {
        let info = self.client.contract_info(&self.address()).await.map_err(|e| match e {
            SdkError::NotFound(_) => SdkError::NotFound(format!(
                "this chain has no {} at {} (its genesis carries no system contracts)",
                self.contract.label(),
                self.address()
            )),
            other => other,
        })?;
        if info.label != self.contract.label() {
            return Err(SdkError::BadResponse(format!(
                "the contract at {} is {:?}, not {}",
                self.address(),
                info.label,
                self.contract.label()
            )));
        }
        Ok(())
    }

    /// Signs and submits a call with `msg` (a typed message or a JSON [`Value`]), waits for
    /// the commit, and decodes the return data as `T` (empty return data decodes as JSON
    /// `null`).
    pub async fn execute<T: DeserializeOwned>(
        &self,
        key: &SecretKey,
        msg: &impl Serialize,
    ) -> Result<Executed<T>, SdkError> {
        let receipt = self.client.call(key, self.address(), message_bytes(msg)?).await?;
        let value = decode(self.contract, &receipt.return_data)?;
        Ok(Executed { value, receipt })
    }

    /// Runs a read-only query with `msg` (a typed message or a JSON [`Value`]) and decodes
    /// its JSON answer as `T`.
    pub async fn query<T: DeserializeOwned>(&self, msg: &impl Serialize) -> Result<T, SdkError> {
        let r = self.client.query_contract(&self.address(), message_bytes(msg)?, 0).await?;
        decode(self.contract, &r.data)
    }
}

/// The JSON bytes of `msg` as a [`Value`] writes them (object keys sorted), so a typed message
/// and the `Value` it converts to are sent as the same bytes.
fn message_bytes(msg: &impl Serialize) -> Result<Vec<u8>, SdkError> {
    let value = serde_json::to_value(msg)
        .map_err(|e| SdkError::Invalid(format!("the message does not serialise as JSON: {e}")))?;
    Ok(value.to_string().into_bytes())
}

fn decode<T: DeserializeOwned>(contract: SystemContract, data: &[u8]) -> Result<T, SdkError> {
    let data: &[u8] = if data.is_empty() { b"null" } else { data };
    serde_json::from_slice(data).map_err(|e| {
        SdkError::BadResponse(format!("{} answered with unexpected JSON: {e}", contract.label()))
    })
}
