//! Verifiable reads end to end on an in-process node: headers, state
//! entries and proven queries checked by the SDK's light client from the
//! genesis file, at old and latest heights; and a lying node — a gRPC proxy
//! in front of the real one that alters one thing at a time — is caught.

mod common;

use bayledger_genesis::Genesis;
use bayledger_proto::node::{
    self as api,
    light_service_client::LightServiceClient,
    light_service_server::{LightService, LightServiceServer},
    state_service_client::StateServiceClient,
    state_service_server::{StateService, StateServiceServer},
};
use bayledger_sdk::SdkError;
use bayledger_sdk::client::Client;
use bayledger_sdk::light::{LightClient, LightError, TrustAnchor};
use bayledger_types::block::{SealedHeader, sign_vote, validator_set_hash};
use bayledger_types::proof::ProofError;
use bayledger_types::{Address, BlockError, Hash, SecretKey, pb, state_keys};
use common::{TestNode, contract_wasm, key};
use prost::Message;
use std::sync::{Arc, Mutex};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

/// A node with the kv registry deployed and `doc-1` written twice; returns
/// the contract, the owner and the heights of the two writes.
async fn node_with_history() -> (TestNode, Address, SecretKey, u64, u64) {
    let t = TestNode::start().await;
    let owner = key();
    let (code, _) =
        t.client.upload_code(&owner, contract_wasm("kv_registry")).await.expect("upload");
    let (contract, _) =
        t.client.instantiate(&owner, code, b"{}".to_vec(), "registry").await.expect("instantiate");
    let set = |v: &str| format!(r#"{{"set":{{"key":"doc-1","value":"{v}"}}}}"#).into_bytes();
    let mut heights = Vec::new();
    for v in ["v1", "v2"] {
        let receipt = t.client.call(&owner, contract, set(v)).await.expect("set");
        let hash = Hash::from_slice(&receipt.tx_hash).expect("tx hash");
        heights.push(t.client.get_tx(&hash).await.expect("committed").height);
    }
    (t, contract, owner, heights[0], heights[1])
}

fn anchor(t: &TestNode) -> TrustAnchor {
    TrustAnchor::from_genesis(&Genesis::load(t.home().genesis()).expect("genesis"))
}

fn get_doc() -> Vec<u8> {
    br#"{"get":{"key":"doc-1"}}"#.to_vec()
}

fn nonce_of(value: &[u8]) -> u64 {
    pb::AccountState::decode(value).expect("account").nonce
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_entries_and_queries_verify_at_old_and_latest_heights() {
    let (t, contract, owner, h1, h2) = node_with_history().await;
    let mut light = LightClient::new(&t.client, &anchor(&t)).expect("light client");

    let latest = light.header(0).await.expect("latest header");
    assert!(latest.height >= h2);
    let old = light.header(h1).await.expect("old header");
    assert_eq!(old.height, h1);
    assert_ne!(old.state_root, latest.state_root);

    // Inclusion at two heights: the owner's nonce after each write.
    let account = state_keys::account(&owner.address());
    let at_h1 = light.state(&account, h1).await.expect("account at h1");
    let at_latest = light.state(&account, 0).await.expect("account at latest");
    assert_eq!(nonce_of(at_h1.value.as_deref().expect("exists at h1")), 3);
    assert_eq!(nonce_of(at_latest.value.as_deref().expect("exists")), 4);
    assert_eq!(at_h1.header.height, h1);

    // Absence: an account that never sent anything, at both heights; the
    // contract's metadata absent before it was created.
    let nobody = state_keys::account(&key().address());
    assert_eq!(light.state(&nobody, 0).await.expect("absent now").value, None);
    assert_eq!(light.state(&nobody, h1).await.expect("absent then").value, None);
    let info = state_keys::contract(&contract);
    assert_eq!(light.state(&info, 1).await.expect("before instantiation").value, None);
    assert!(light.state(&info, h1).await.expect("after").value.is_some());

    // The validator set signing the next block, proven.
    let set = light.state(state_keys::VALIDATORS, 0).await.expect("validator set");
    let set = pb::ValidatorSet::decode(set.value.as_deref().expect("stored")).expect("set");
    assert_eq!(validator_set_hash(&set), light.trusted().latest_epoch().set_hash);

    // Proven queries: every read proven; the old height sees the old value.
    let q1 = light.query(&contract, get_doc(), h1).await.expect("query at h1");
    let q2 = light.query(&contract, get_doc(), 0).await.expect("query at latest");
    let value = |data: &[u8]| serde_json::from_slice::<serde_json::Value>(data).expect("json");
    assert_eq!(value(&q1.data)["value"], "v1");
    assert_eq!(value(&q2.data)["value"], "v2");
    assert!(q1.reads.value(&info).is_some_and(|v| v.is_some()), "contract metadata is read");
    assert!(
        q1.reads.0.values().any(|v| v.as_deref().is_some_and(|v| v.windows(2).any(|w| w == b"v1"))),
        "the stored value is among the proven reads: {:?}",
        q1.reads
    );

    // Unproven: a query that iterates a prefix.
    let list = br#"{"list":{}}"#.to_vec();
    let err = light.query(&contract, list, 0).await.expect_err("iteration cannot be proven");
    assert!(
        matches!(&err, LightError::Node(SdkError::Rejected(m)) if m.contains("cannot be proven")),
        "{err}"
    );
    // A height the node does not have.
    let err = light.state(&account, latest.height + 1000).await.expect_err("future height");
    assert!(matches!(err, LightError::Node(SdkError::NotFound(_))), "{err}");
    t.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_contract_and_query_read_at_a_height() {
    let (t, contract, owner, h1, _) = node_with_history().await;
    let channel = t.client.channel();
    let mut state = StateServiceClient::new(channel);
    let account = |height| api::GetAccountRequest { address: owner.address().0.to_vec(), height };
    let r = state.get_account(account(h1)).await.expect("account").into_inner();
    assert_eq!((r.nonce, r.height), (3, h1));
    let r = state.get_account(account(0)).await.expect("account").into_inner();
    assert_eq!(r.nonce, 4);
    let req = |height| api::GetContractRequest { address: contract.0.to_vec(), height };
    assert_eq!(
        state.get_contract(req(1)).await.expect_err("not yet").code(),
        tonic::Code::NotFound
    );
    assert!(state.get_contract(req(h1)).await.expect("exists").into_inner().info.is_some());
    let q = api::QueryContractRequest {
        contract: contract.0.to_vec(),
        msg: get_doc(),
        height: h1,
        ..Default::default()
    };
    let r = state.query_contract(q).await.expect("query").into_inner();
    assert_eq!(r.height, h1);
    assert!(r.reads.is_empty(), "no proofs unless asked");
    let err = state
        .get_state_proof(api::GetStateProofRequest { key: vec![], height: 0 })
        .await
        .expect_err("empty key");
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    t.stop().await;
}

/// What the lying proxy alters.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lie {
    Nothing,
    /// Another value in a proven entry.
    Value,
    /// A byte of a proof changed.
    Proof,
    /// A state root other than the header's.
    Root,
    /// The header's state root changed and the block hash recomputed.
    HeaderRoot,
    /// A commit signature byte changed.
    Signature,
    /// The commit signed by a key outside the validator set.
    NonValidator,
    /// A header of the proxy's own, signed by its own set.
    OwnSet,
    /// A validator-set change listed whose set is forged.
    SetChange,
    /// A proven query read with another value.
    QueryRead,
}

#[derive(Clone)]
struct Liar {
    light: LightServiceClient<Channel>,
    state: StateServiceClient<Channel>,
    lie: Arc<Mutex<Lie>>,
    chain_id: String,
    forger: Arc<SecretKey>,
}

impl Liar {
    fn lie(&self) -> Lie {
        *self.lie.lock().expect("lock")
    }

    fn forged_set(&self) -> pb::ValidatorSet {
        pb::ValidatorSet {
            validators: vec![pb::Validator::of_key(&self.forger.public_key(), 100, "forger")],
        }
    }
}

fn flip_proof_byte(entry: &mut api::ProvenEntry) {
    // The leaf's value hash: byte 40 of the borsh proof (tag, key hash, value hash).
    let i = entry.proof.len().min(40) - 1;
    entry.proof[i] ^= 1;
}

#[tonic::async_trait]
impl LightService for Liar {
    async fn get_signed_header(
        &self,
        req: Request<api::GetSignedHeaderRequest>,
    ) -> Result<Response<api::SignedHeader>, Status> {
        let mut signed = self.light.clone().get_signed_header(req.into_inner()).await?.into_inner();
        let sealed = SealedHeader::decode(&signed.header).expect("the node's header");
        let mut header = sealed.header.clone();
        let mut reseal = |header: pb::BlockHeader| {
            let sealed = SealedHeader::seal(header);
            signed.header = sealed.bytes.clone();
            signed.block_hash = sealed.hash.0.to_vec();
            signed.decoded = Some(sealed.header.clone());
            sealed.hash
        };
        match self.lie() {
            Lie::HeaderRoot => {
                header.state_root[0] ^= 1;
                reseal(header);
            }
            Lie::Signature => {
                signed.commit.as_mut().expect("commit").signatures[0].signature[3] ^= 1;
            }
            Lie::NonValidator => {
                let h = sealed.hash;
                let commit = signed.commit.as_mut().expect("commit");
                commit.signatures =
                    vec![sign_vote(&self.forger, &self.chain_id, header.height, 0, &h)];
            }
            Lie::OwnSet => {
                header.validator_set_hash = validator_set_hash(&self.forged_set()).0.to_vec();
                let height = header.height;
                let hash = reseal(header);
                signed.commit = Some(pb::Commit {
                    height,
                    round: 0,
                    block_hash: hash.0.to_vec(),
                    signatures: vec![sign_vote(&self.forger, &self.chain_id, height, 0, &hash)],
                });
            }
            _ => {}
        }
        Ok(Response::new(signed))
    }

    async fn get_validator_set(
        &self,
        req: Request<api::GetValidatorSetRequest>,
    ) -> Result<Response<api::GetValidatorSetResponse>, Status> {
        let mut r = self.light.clone().get_validator_set(req.into_inner()).await?.into_inner();
        if self.lie() == Lie::SetChange {
            let forged = self.forged_set();
            r.proof.as_mut().expect("proof").value = forged.encode_to_vec();
            r.validator_set = Some(forged);
        }
        Ok(Response::new(r))
    }

    async fn list_validator_set_changes(
        &self,
        req: Request<api::ListValidatorSetChangesRequest>,
    ) -> Result<Response<api::ListValidatorSetChangesResponse>, Status> {
        let mut r =
            self.light.clone().list_validator_set_changes(req.into_inner()).await?.into_inner();
        if self.lie() == Lie::SetChange && r.to_height >= 3 {
            r.heights = vec![r.to_height];
        }
        Ok(Response::new(r))
    }
}

#[tonic::async_trait]
impl StateService for Liar {
    async fn get_account(
        &self,
        req: Request<api::GetAccountRequest>,
    ) -> Result<Response<api::GetAccountResponse>, Status> {
        self.state.clone().get_account(req.into_inner()).await
    }

    async fn get_contract(
        &self,
        req: Request<api::GetContractRequest>,
    ) -> Result<Response<api::GetContractResponse>, Status> {
        self.state.clone().get_contract(req.into_inner()).await
    }

    async fn query_contract(
        &self,
        req: Request<api::QueryContractRequest>,
    ) -> Result<Response<api::QueryContractResponse>, Status> {
        let mut r = self.state.clone().query_contract(req.into_inner()).await?.into_inner();
        if self.lie() == Lie::QueryRead {
            let read = r.reads.iter_mut().find(|e| e.exists).expect("a present read");
            read.value.push(b'!');
        }
        Ok(Response::new(r))
    }

    async fn get_state_proof(
        &self,
        req: Request<api::GetStateProofRequest>,
    ) -> Result<Response<api::GetStateProofResponse>, Status> {
        let mut r = self.state.clone().get_state_proof(req.into_inner()).await?.into_inner();
        let entry = r.entry.as_mut().expect("entry");
        match self.lie() {
            Lie::Value => entry.value = b"forged".to_vec(),
            Lie::Proof => flip_proof_byte(entry),
            Lie::Root => r.state_root = Hash::sha3(b"another state").0.to_vec(),
            _ => {}
        }
        Ok(Response::new(r))
    }
}

/// Starts the proxy in front of `upstream`; returns a client of the proxy.
async fn start_liar(upstream: &Client, chain_id: &str) -> (Client, Arc<Mutex<Lie>>) {
    let lie = Arc::new(Mutex::new(Lie::Nothing));
    let liar = Liar {
        light: LightServiceClient::new(upstream.channel()),
        state: StateServiceClient::new(upstream.channel()),
        lie: lie.clone(),
        chain_id: chain_id.to_string(),
        forger: Arc::new(key()),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(LightServiceServer::new(liar.clone()))
            .add_service(StateServiceServer::new(liar))
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    (Client::connect(&format!("http://{addr}")).await.expect("connect to proxy"), lie)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lying_node_is_caught() {
    let (t, contract, owner, h1, _) = node_with_history().await;
    let anchor = anchor(&t);
    let (proxy, lie) = start_liar(&t.client, &anchor.chain_id).await;
    let account = state_keys::account(&owner.address());
    let set_lie = |l| *lie.lock().expect("lock") = l;

    // Honest through the proxy: everything verifies.
    let mut light = LightClient::new(&proxy, &anchor).expect("light");
    light.state(&account, h1).await.expect("honest answer");
    light.query(&contract, get_doc(), 0).await.expect("honest query");

    type Caught = fn(&LightError) -> bool;
    let cases: Vec<(Lie, Caught)> = vec![
        (Lie::Value, |e| {
            matches!(e, LightError::Proof { source: ProofError::WrongValue { .. }, .. })
        }),
        (Lie::Proof, |e| matches!(e, LightError::Proof { .. })),
        (Lie::Root, |e| matches!(e, LightError::StateRoot { .. })),
        (Lie::HeaderRoot, |e| {
            matches!(e, LightError::Commit { source: BlockError::CommitTarget { .. }, .. })
        }),
        (Lie::Signature, |e| {
            matches!(e, LightError::Commit { source: BlockError::CommitSignature { .. }, .. })
        }),
        (Lie::NonValidator, |e| {
            matches!(e, LightError::Commit { source: BlockError::NotAValidator(_), .. })
        }),
        (Lie::OwnSet, |e| matches!(e, LightError::UnknownSetChange { .. })),
        (Lie::SetChange, |e| {
            matches!(e, LightError::Proof { source: ProofError::WrongValue { .. }, .. })
        }),
    ];
    for (l, caught) in cases {
        set_lie(l);
        // A fresh client each time: nothing cached from an honest answer.
        let mut light = LightClient::new(&proxy, &anchor).expect("light");
        let err = light.state(&account, 0).await.expect_err(&format!("{l:?} must be caught"));
        assert!(caught(&err), "{l:?} caught as the wrong error: {err}");
    }

    set_lie(Lie::QueryRead);
    let mut light = LightClient::new(&proxy, &anchor).expect("light");
    let err = light.query(&contract, get_doc(), 0).await.expect_err("forged read");
    assert!(
        matches!(err, LightError::Proof { source: ProofError::WrongValue { .. }, .. }),
        "{err}"
    );
    t.stop().await;
}

/// Waits (polling, with a deadline) until the node has committed `height`.
async fn wait_height(client: &Client, height: u64) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while client.status().await.expect("status").latest_height < height {
        assert!(tokio::time::Instant::now() < deadline, "height {height} not reached in 60 s");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_light_client_follows_validator_set_changes_made_by_governance() {
    use bayledger_sdk::system::governance::{Governance, ProposalAction, SystemAction};
    let t = TestNode::start().await;
    let validator = bayledger_node::home::read_key_file(&t.home().validator_key()).expect("key");
    let governance = Governance::new(t.client.clone());
    // Two re-weightings of the only validator (it keeps signing; the set's hash changes).
    let mut changes = Vec::new();
    for power in [200, 300] {
        let effective = t.client.status().await.expect("status").latest_height + 3;
        let action = SystemAction::SetValidator {
            pub_key: format!("0x{}", hex::encode(validator.public_key().to_compressed())),
            power,
            name: String::new(),
            effective_height: effective,
        };
        governance
            .pass(
                std::slice::from_ref(&validator),
                "re-weight",
                vec![ProposalAction::System(action)],
            )
            .await
            .expect("proposal executed");
        wait_height(&t.client, effective + 1).await;
        changes.push(effective);
    }

    let mut light = LightClient::new(&t.client, &anchor(&t)).expect("light");
    let latest = light.header(0).await.expect("verified across both changes");
    assert!(latest.height > changes[1]);
    let epochs: Vec<(u64, u64)> = light
        .trusted()
        .epochs()
        .iter()
        .map(|e| (e.from_height, e.set.validators[0].power))
        .collect();
    let initial = anchor(&t).validators[0].power;
    assert_eq!(epochs, [(1, initial), (changes[0], 200), (changes[1], 300)]);
    assert_eq!(light.changes().len(), 2);
    // Heights on either side of each change still verify with their own set.
    for h in [changes[0] - 1, changes[0], changes[1] - 1, changes[1]] {
        assert_eq!(light.header(h).await.expect("verifies").height, h);
    }
    // The proven set after the last change is the one now trusted.
    let set = light.state(state_keys::VALIDATORS, 0).await.expect("proven set");
    let set = pb::ValidatorSet::decode(set.value.as_deref().expect("stored")).expect("set");
    assert_eq!(set.validators[0].power, 300);

    // Without the changes, a header signed after them is refused.
    let stale = bayledger_sdk::light::TrustedState::new(&anchor(&t)).expect("anchor");
    let signed = light.signed_header(changes[1]).await.expect("header");
    assert!(matches!(stale.verify_header(&signed), Err(LightError::UnknownSetChange { .. })));
    t.stop().await;
}
