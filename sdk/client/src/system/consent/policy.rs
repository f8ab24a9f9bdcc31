//! Deploying the example consent policy `health-data-policy`
//! (`contracts/examples/health-data-policy`): health data leaves its jurisdiction only for a
//! recipient that holds a valid credential of one type, asked of the genesis credentials
//! contract. A consent names the deployed address as its `policy`.

use crate::client::Client;
use crate::error::SdkError;
use bayledger_types::{Address, Hash, SecretKey, SystemContract};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::Path;

/// The label the policy is instantiated with.
pub const HEALTH_DATA_POLICY_LABEL: &str = "health-data-policy";
/// The module's file name under the built contracts directory.
pub const HEALTH_DATA_POLICY_WASM: &str = "health_data_policy.wasm";

/// What the policy requires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthDataPolicy {
    /// The credential type a recipient abroad must hold (e.g. `health-certificate`).
    pub credential_type: String,
    /// The data categories treated as health data (exact names).
    pub health_categories: Vec<String>,
}

impl HealthDataPolicy {
    /// The instantiate message: this configuration with the genesis credentials contract.
    pub fn init_msg(&self) -> Value {
        json!({
            "credentials": SystemContract::Credentials.address(),
            "credential_type": self.credential_type,
            "health_categories": self.health_categories,
        })
    }
}

/// A deployed policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeployedPolicy {
    /// Its address, to name as a consent's `policy`.
    pub address: Address,
    /// The uploaded code's hash.
    pub code_hash: Hash,
}

/// Uploads the policy module at `wasm` and instantiates it with `policy`, signed by `key`.
pub async fn deploy_health_data_policy(
    client: &Client,
    key: &SecretKey,
    wasm: &Path,
    policy: &HealthDataPolicy,
) -> Result<DeployedPolicy, SdkError> {
    let code = read_module(wasm)?;
    let (code_hash, _) = client.upload_code(key, code).await?;
    let init = policy.init_msg().to_string().into_bytes();
    let (address, _) = client.instantiate(key, code_hash, init, HEALTH_DATA_POLICY_LABEL).await?;
    Ok(DeployedPolicy { address, code_hash })
}

/// The module's bytes, with an error that says how to build it.
fn read_module(wasm: &Path) -> Result<Vec<u8>, SdkError> {
    std::fs::read(wasm).map_err(|e| {
        SdkError::Invalid(format!(
            "cannot read the health-data policy module {}: {e} (build it with \
             scripts/build-contracts.sh)",
            wasm.display()
        ))
    })
}

/// The configuration of the policy at `address` (its `config` query).
pub async fn health_data_policy_config(
    client: &Client,
    address: &Address,
) -> Result<Value, SdkError> {
    let r = client.query_contract(address, br#"{"config":{}}"#.to_vec(), 0).await?;
    serde_json::from_slice(&r.data).map_err(|e| {
        SdkError::BadResponse(format!("the policy at {address} answered config badly: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_names_the_genesis_credentials_contract() {
        let p = HealthDataPolicy {
            credential_type: "health-certificate".into(),
            health_categories: vec!["health.lab-results".into()],
        };
        assert_eq!(
            p.init_msg(),
            json!({
                "credentials": SystemContract::Credentials.address().to_string(),
                "credential_type": "health-certificate",
                "health_categories": ["health.lab-results"],
            })
        );
    }

    #[test]
    fn a_missing_module_is_named() {
        let e = read_module(Path::new("/nonexistent/health_data_policy.wasm")).unwrap_err();
        let e = e.to_string();
        assert!(e.starts_with("cannot read the health-data policy module /nonexistent/"), "{e}");
        assert!(e.ends_with("(build it with scripts/build-contracts.sh)"), "{e}");
    }
}
