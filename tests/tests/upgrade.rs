//! In-place upgrade of a domain system contract by governance, on an in-process node (ADR 0011,
//! ADR 0012): the hash registry (genesis index 0, whose admin is the governance contract) is
//! migrated by a proposal to newly uploaded code — `hash_registry_v2.wasm`, the same crate
//! built with its `v2` feature by `scripts/build-contracts.sh`, which adds a `version` query.
//!
//! 1. A proposal whose `migrate` message the new code refuses fails whole: the registry keeps
//!    its code.
//! 2. A proposal with `{}` migrates it: same address, the new code hash, every earlier
//!    registration still verifies with the same Merkle tree head, the new query answers, and
//!    registering goes on appending to the same log.

mod common;

use bayledger_node::home::{Home, init_home};
use bayledger_node::service::RunningNode;
use bayledger_sdk::Hash;
use bayledger_sdk::client::Client;
use bayledger_sdk::system::governance::{
    Governance, GovernanceError, ProposalAction, Status, SystemAction,
};
use bayledger_sdk::system::hash_registry::{HashRegistry, LeafRef, RegisterEntry};
use bayledger_types::SystemContract;
use common::{contract_wasm, key, test_config};
use serde_json::{Value, json};

/// The governance action migrating the hash registry to `code_hash` with `msg`.
fn migrate(code_hash: &Hash, msg: Value) -> Vec<ProposalAction> {
    vec![ProposalAction::System(SystemAction::Migrate {
        contract: SystemContract::HashRegistry.address().to_string(),
        code_hash: format!("0x{}", code_hash.to_hex()),
        msg,
    })]
}

/// The registry's current code hash.
async fn code_of_registry(client: &Client) -> Vec<u8> {
    let info = client.contract_info(&SystemContract::HashRegistry.address()).await;
    info.expect("the registry").code_hash
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn governance_migrates_the_hash_registry_to_new_code_and_it_keeps_its_registrations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home(dir.path().to_path_buf());
    // The validator key `init_home` makes is the committee's sole member.
    let member = init_home(&home, "upgrade", "node0", 100, false).expect("init");
    let node = RunningNode::start(&home, test_config()).await.expect("node starts");
    let client = Client::connect(&format!("http://{}", node.grpc_addr)).await.expect("connects");
    let (gov, registry) = (Governance::new(client.clone()), HashRegistry::new(client.clone()));
    registry.handle().check().await.expect("the registry at its genesis address");
    let bank = key();

    // Registrations under the genesis code.
    let (a, b) = (Hash::sha3(b"kyc record A"), Hash::sha3(b"kyc record B"));
    registry.register(&bank, &RegisterEntry::plain(a, "kyc-record")).await.expect("registers A");
    registry.register(&bank, &RegisterEntry::plain(b, "kyc-record")).await.expect("registers B");
    registry.revoke(&bank, &b, "withdrawn").await.expect("revokes B");
    let head = registry.tree_head(None).await.expect("tree head");
    assert_eq!(head.tree_size, 2);
    let version = json!({"version": {}});
    let err = registry.handle().query::<Value>(&version).await.expect_err("no version query");
    assert!(err.to_string().contains("unknown variant `version`"), "{err}");

    // The new code, uploaded by an ordinary account (uploads are unrestricted here).
    let genesis_code = code_of_registry(&client).await;
    let (v2, _) =
        client.upload_code(&bank, contract_wasm("hash_registry_v2")).await.expect("uploads v2");
    assert_ne!(v2.0.to_vec(), genesis_code, "the v2 build differs from the genesis module");

    // 1. A migrate message the new code refuses: the proposal fails, the code stays.
    let refused =
        gov.pass(std::slice::from_ref(&member), "v2, bad message", migrate(&v2, json!({"v": 1})));
    let err = refused.await.expect_err("the migration is refused");
    let GovernanceError::NotExecuted { status, error, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*status, Status::Failed);
    let error = error.as_deref().unwrap_or_default();
    assert!(error.contains("invalid message: unknown field `v`"), "{error}");
    assert_eq!(code_of_registry(&client).await, genesis_code);

    // 2. `{}`: migrated in place.
    let done = gov
        .pass(std::slice::from_ref(&member), "hash-registry v2", migrate(&v2, json!({})))
        .await
        .expect("migrated");
    assert_eq!(done.status, Status::Executed);
    registry.handle().check().await.expect("same address and label");
    assert_eq!(code_of_registry(&client).await, v2.0.to_vec());
    assert_eq!(
        registry.handle().query::<Value>(&version).await.expect("v2 answers"),
        json!({"version": 2})
    );
    assert_eq!(registry.tree_head(None).await.expect("tree head"), head, "the log is unchanged");
    let checked = registry.verify(&a, Some(&bank.address()), None).await.expect("verify A");
    assert!(checked.valid, "A still verifies: {}", checked.reason);
    let checked = registry.verify(&b, None, None).await.expect("verify B");
    assert!(!checked.valid, "B is still revoked: {}", checked.reason);
    let included = registry.verified_inclusion(LeafRef::Hash(a)).await.expect("A's proof");
    assert_eq!((included.proof.leaf_index, included.head), (0, head.clone()), "A keeps its leaf");

    // The new code appends to the same log.
    let c = Hash::sha3(b"kyc record C");
    let registered =
        registry.register(&bank, &RegisterEntry::plain(c, "kyc-record")).await.expect("C");
    assert_eq!((registered.value.log_index, registered.value.tree_size), (2, 3));
    node.shutdown().await.expect("shutdown");
}
