//! Governed system actions on an in-process node (ADR 0012). The governance contract at genesis
//! index 4 is replaced by `system_actions_contract`, a stand-in that applies each line of its
//! message with `system_apply`, so these tests exercise the host function, admission and
//! execution without the proposal flow (the governance contract's own tests cover that).

mod common;

use bayledger_genesis::{Base64Bytes, Genesis, Permissions};
use bayledger_node::home::{Home, init_home};
use bayledger_node::service::RunningNode;
use bayledger_sdk::client::Client;
use bayledger_sdk::error::SdkError;
use bayledger_types::{Address, SecretKey, SystemContract, pb};
use bayledger_vm::system::governance_address;
use bayledger_vm::testing::system_actions_contract;
use common::{key, test_config};
use std::time::Duration;

struct Node {
    _dir: tempfile::TempDir,
    node: RunningNode,
    client: Client,
}

/// A node whose genesis has the stand-in at the governance address and, with `uploaders`,
/// `permissions.code_uploaders`.
async fn start(uploaders: Option<Vec<Address>>) -> Node {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home(dir.path().to_path_buf());
    init_home(&home, "system-actions", "node0", 100, false).expect("init");
    let mut genesis = Genesis::load(home.genesis()).expect("genesis");
    let gov = &mut genesis.contracts[SystemContract::Governance.index()];
    assert_eq!(gov.label, SystemContract::Governance.label());
    gov.code_base64 = Base64Bytes(system_actions_contract());
    genesis.permissions = uploaders.map(|code_uploaders| Permissions { code_uploaders });
    genesis.save(home.genesis()).expect("save");
    let node = RunningNode::start(&home, test_config()).await.expect("node starts");
    let client = Client::connect(&format!("http://{}", node.grpc_addr)).await.expect("connects");
    Node { _dir: dir, node, client }
}

/// Sends the action lines to the stand-in (from a fresh account).
async fn govern(client: &Client, lines: &[String]) -> Result<pb::Receipt, SdkError> {
    client.call(&key(), governance_address(), lines.join("\n").into_bytes()).await
}

async fn wait_for_height(client: &Client, height: u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let latest = client.status().await.expect("status").latest_height;
        if latest >= height {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "height {height} not reached (at {latest})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_are_refused_at_admission_without_the_right_and_allowed_after_a_grant() {
    let uploader = key();
    let outsider = key();
    let n = start(Some(vec![uploader.address()])).await;
    let wasm = system_actions_contract();

    let err = n.client.upload_code(&outsider, wasm.clone()).await.expect_err("no right");
    match &err {
        SdkError::PermissionDenied(msg) => assert_eq!(
            msg,
            &format!(
                "account {} may not upload code: uploads are restricted to accounts governance allows",
                outsider.address()
            )
        ),
        other => panic!("expected PERMISSION_DENIED, got {other:?}"),
    }
    n.client.upload_code(&uploader, wasm.clone()).await.expect("a genesis uploader may upload");

    let grant = format!(r#"{{"grant_upload":{{"account":"{}"}}}}"#, outsider.address());
    govern(&n.client, &[grant]).await.expect("grant applied");
    n.client.upload_code(&outsider, wasm.clone()).await.expect("granted");
    let revoke = format!(r#"{{"revoke_upload":{{"account":"{}"}}}}"#, outsider.address());
    govern(&n.client, &[revoke]).await.expect("revoke applied");
    let err = n.client.upload_code(&outsider, wasm).await.expect_err("revoked");
    assert!(matches!(err, SdkError::PermissionDenied(_)), "{err:?}");
    n.node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_permissions_in_genesis_anyone_uploads() {
    let n = start(None).await;
    n.client.upload_code(&key(), system_actions_contract()).await.expect("unrestricted");
    n.node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_account_is_refused_at_admission_until_unfrozen() {
    let n = start(None).await;
    let account: SecretKey = key();
    let noop = || Vec::new();
    n.client.call(&account, governance_address(), noop()).await.expect("not frozen yet");
    let freeze = format!(r#"{{"freeze":{{"address":"{}"}}}}"#, account.address());
    govern(&n.client, &[freeze]).await.expect("freeze applied");
    let err = n.client.call(&account, governance_address(), noop()).await.expect_err("frozen");
    assert_eq!(
        err.to_string(),
        format!("permission denied: account {} is frozen by governance", account.address())
    );
    let unfreeze = format!(r#"{{"unfreeze":{{"address":"{}"}}}}"#, account.address());
    govern(&n.client, &[unfreeze]).await.expect("unfreeze applied");
    n.client.call(&account, governance_address(), noop()).await.expect("unfrozen");
    n.node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_action_fails_the_transaction_with_the_hosts_reason() {
    let n = start(None).await;
    let stale = r#"{"set_params":{"effective_height":1,"params":{"max_tx_fuel":1000}}}"#;
    let err = govern(&n.client, &[stale.into()]).await.expect_err("refused");
    let SdkError::TxFailed { status, error, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*status, pb::ExecStatus::Aborted);
    assert!(error.contains("effective_height 1 must be above the current height"), "{error}");
    n.node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validators_and_params_change_exactly_at_the_effective_height() {
    let n = start(None).await;
    let chain = &n.node.chain;
    let now = n.client.status().await.expect("status").latest_height;
    let effective = now + 15;
    let newcomer = key().public_key().to_compressed();
    let lines = [
        format!(
            r#"{{"set_validator":{{"pub_key":"0x{}","power":1,"name":"observer","effective_height":{effective}}}}}"#,
            hex::encode(newcomer)
        ),
        format!(
            r#"{{"set_params":{{"effective_height":{effective},"params":{{"max_tx_fuel":12345678}}}}}}"#
        ),
    ];
    let receipt = govern(&n.client, &lines).await.expect("scheduled");
    assert_eq!(receipt.status(), pb::ExecStatus::Ok);
    let before = chain.params_at(effective - 1).expect("params");
    assert_ne!(before.max_tx_fuel, 12_345_678);

    // The state after block effective - 1 holds the set and parameters of block effective.
    wait_for_height(&n.client, effective - 1).await;
    let old_set = chain.validators_at(effective - 1).expect("set");
    let new_set = chain.validators_at(effective).expect("set");
    assert_eq!(old_set.validators.len(), 1);
    assert_eq!(new_set.validators.len(), 2);
    assert_eq!(new_set.validators[1].pub_key, newcomer.to_vec());
    assert_eq!(new_set.validators[1].power, 1);
    assert_eq!(chain.params_at(effective - 1).expect("params"), before);
    let after = chain.params_at(effective).expect("params");
    assert_eq!(after.max_tx_fuel, 12_345_678);
    assert_eq!(after.block_time_ms, before.block_time_ms, "other fields kept");
    n.node.shutdown().await.expect("shutdown");
}

/// The bundled governance contract (sole member: the validator key `init_home` made) passes
/// proposals whose actions reach `system_apply`; a proposal with a refused action fails whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proposals_of_the_real_governance_contract_apply_system_actions_atomically() {
    use bayledger_sdk::system::governance::{
        Governance, GovernanceError, ProposalAction, Status, SystemAction,
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home(dir.path().to_path_buf());
    let member = init_home(&home, "system-actions", "node0", 100, false).expect("init");
    let node = RunningNode::start(&home, test_config()).await.expect("node starts");
    let client = Client::connect(&format!("http://{}", node.grpc_addr)).await.expect("connects");
    let gov = Governance::new(client.clone());
    let target = key();
    let registry = SystemContract::DidRegistry.address();
    let registry_code = client.contract_info(&registry).await.expect("registry").code_hash;
    let freeze =
        ProposalAction::System(SystemAction::Freeze { address: target.address().to_string() });

    // Freeze, then migrate the DID registry to its own code (which has no `migrate`): refused,
    // so the proposal fails and the freeze is undone.
    let migrate = ProposalAction::System(SystemAction::Migrate {
        contract: registry.to_string(),
        code_hash: format!("0x{}", hex::encode(&registry_code)),
        msg: serde_json::Value::Null,
    });
    let err = gov
        .pass(std::slice::from_ref(&member), "freeze and migrate", vec![freeze.clone(), migrate])
        .await
        .expect_err("the migration is refused");
    let GovernanceError::NotExecuted { status, error, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*status, Status::Failed);
    let error = error.as_deref().unwrap_or_default();
    assert!(error.contains("has no `migrate` entry point"), "{error}");
    // Any transaction of the target shows whether it is frozen: an upload (unrestricted here).
    client.upload_code(&target, system_actions_contract()).await.expect("not frozen");

    gov.pass(std::slice::from_ref(&member), "freeze", vec![freeze]).await.expect("executed");
    let err = client.upload_code(&target, system_actions_contract()).await.expect_err("frozen");
    let expected = format!("account {} is frozen by governance", target.address());
    assert!(matches!(&err, SdkError::PermissionDenied(m) if *m == expected), "{err:?}");
    node.shutdown().await.expect("shutdown");
}
