//! Verification bundles end to end against one in-process node (real RocksDB, the VM and the
//! system contracts from genesis): for each kind — hash registration, credential, consent, DID
//! version — a bundle fetched through the SDK verifies offline against the genesis anchor and
//! carries the right record, including truthful negative answers (a revoked hash, a suspended
//! credential, absent records), also across a validator-set change. Then every part of a bundle
//! is tampered with, section by section and byte by byte, and each tampered bundle must fail.

mod common;

use bayledger_genesis::Genesis;
use bayledger_node::home::{Home, init_home};
use bayledger_node::service::RunningNode;
use bayledger_sdk::bundle::{self, Bundle, BundleError, Entry, HexBytes, Query, Record, SetChange};
use bayledger_sdk::client::Client;
use bayledger_sdk::light::{LightClient, TrustAnchor};
use bayledger_sdk::system::consent::{Consents, GrantTerms, Jurisdictions, LegalBasis};
use bayledger_sdk::system::credentials::{Credentials, IssueRequest, NewType, issue_credential};
use bayledger_sdk::system::did::DidRegistry;
use bayledger_sdk::system::governance::{Governance, ProposalAction};
use bayledger_sdk::system::hash_registry::{HashRegistry, RegisterEntry, Status};
use bayledger_types::{Hash, SecretKey, SystemContract, pb};
use common::test_config;
use prost::Message;

const CHAIN: &str = "bundles-test";
const DAY_MS: u64 = 86_400_000;

struct Chain {
    _dir: tempfile::TempDir,
    node: RunningNode,
    client: Client,
    anchor: TrustAnchor,
    committee: SecretKey,
}

/// A fresh single-validator node whose validator key is also the committee (`init_home`).
async fn chain() -> Chain {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = Home(dir.path().to_path_buf());
    let committee = init_home(&home, CHAIN, "node0", 100, false).expect("init");
    let genesis = Genesis::load(home.genesis()).expect("genesis");
    let node = RunningNode::start(&home, test_config()).await.expect("node starts");
    let client = Client::connect(&format!("http://{}", node.grpc_addr)).await.expect("connects");
    Chain { _dir: dir, node, client, anchor: TrustAnchor::from_genesis(&genesis), committee }
}

impl Chain {
    /// The real evidence of the set signing block `height`, in a bundle's form.
    async fn set_evidence(&self, height: u64) -> SetChange {
        let light = LightClient::new(&self.client, &self.anchor).expect("light client");
        let change = light.fetch_change(height).await.expect("set evidence");
        let commit = change.header.commit.expect("commit");
        SetChange {
            height,
            header: HexBytes(change.header.header),
            commit: HexBytes(commit.encode_to_vec()),
            validator_set: Entry {
                key: HexBytes(change.entry.key),
                value: change.entry.exists.then_some(HexBytes(change.entry.value)),
                proof: HexBytes(change.entry.proof),
            },
        }
    }
}

/// Serialises, parses back (the canonical check) and verifies.
fn round_trip(b: &Bundle, anchor: &TrustAnchor) -> Result<bundle::VerifiedRecord, BundleError> {
    let parsed = Bundle::from_json(b.to_json().as_bytes())?;
    assert_eq!(&parsed, b, "a bundle parses back to itself");
    bundle::verify(&parsed, anchor)
}

fn verified(b: &Bundle, anchor: &TrustAnchor) -> Record {
    match round_trip(b, anchor) {
        Ok(v) => {
            assert_eq!(v.height, b.height);
            assert_eq!(v.chain_id, CHAIN);
            v.record
        }
        Err(e) => panic!("a fetched bundle must verify: {e}\n{}", b.to_json()),
    }
}

/// `tampered` must fail verification with an error `expected` accepts.
fn refused(
    what: &str,
    tampered: &Bundle,
    anchor: &TrustAnchor,
    expected: impl Fn(&BundleError) -> bool,
) {
    match round_trip(tampered, anchor) {
        Ok(_) => panic!("{what}: the tampered bundle verified"),
        Err(e) => assert!(expected(&e), "{what}: refused for the wrong reason: {e}"),
    }
}

fn flip(bytes: &mut [u8], i: usize) {
    bytes[i] ^= 0x01;
}

/// Byte positions to flip in a blob: all of a short one, an even sample of a long one.
fn positions(len: usize, most: usize) -> impl Iterator<Item = usize> {
    let step = len.div_ceil(most).max(1);
    (0..len).step_by(step)
}

/// Every section of `b`, tampered with one at a time, and a sweep flipping single bytes of
/// its canonical JSON: each must fail. `change` is the real evidence of the set signing block
/// `b.height` (header and commit of the block before it, `sys/validators` proven after it).
fn tampering_fails(b: &Bundle, anchor: &TrustAnchor, change: &SetChange) {
    use BundleError as E;
    // The record summary.
    let mut t = b.clone();
    match &mut t.record {
        Record::Hash(r) => r.valid = !r.valid,
        Record::Credential(r) => r.reason.push('!'),
        Record::Consent(r) => r.at_ms += 1,
        Record::Did(r) => r.did.push('x'),
    }
    refused("record", &t, anchor, |e| matches!(e, E::RecordMismatch { .. }));

    // The query (the record echoes it, and the keys are derived from it).
    let mut t = b.clone();
    match &mut t.query {
        Query::Hash { hash, .. } => *hash = format!("0x{}", "ab".repeat(32)),
        Query::Credential { id, .. } => id.push('x'),
        Query::Consent { id, .. } => *id += 1,
        Query::Did { version, .. } => *version = Some(version.unwrap_or(1) + 1),
    }
    refused("query", &t, anchor, |e| {
        matches!(e, E::MissingEntry(_) | E::RecordMismatch { .. } | E::UnusedEntry { .. })
    });

    // Each entry's value, each entry's proof bytes, each entry's key.
    for i in 0..b.entries.len() {
        let mut t = b.clone();
        t.entries[i].value = match &b.entries[i].value {
            Some(v) if !v.0.is_empty() => {
                let mut v = v.clone();
                let middle = v.0.len() / 2;
                flip(&mut v.0, middle);
                Some(v)
            }
            Some(_) => None,
            None => Some(HexBytes(b"forged".to_vec())),
        };
        refused(
            &format!("entry {i} value"),
            &t,
            anchor,
            |e| matches!(e, E::Entry { index, .. } if *index == i),
        );
        for p in positions(b.entries[i].proof.0.len(), 120) {
            let mut t = b.clone();
            flip(&mut t.entries[i].proof.0, p);
            refused(
                &format!("entry {i} proof byte {p}"),
                &t,
                anchor,
                |e| matches!(e, E::Entry { index, .. } if *index == i),
            );
        }
        let mut t = b.clone();
        let last = t.entries[i].key.0.len() - 1;
        flip(&mut t.entries[i].key.0, last);
        refused(&format!("entry {i} key"), &t, anchor, |e| {
            matches!(e, E::Entry { .. } | E::MissingEntry(_) | E::UnusedEntry { .. })
        });
    }
    // Entries removed, duplicated or reordered.
    let mut t = b.clone();
    t.entries.pop();
    refused("an entry removed", &t, anchor, |e| matches!(e, E::MissingEntry(_)));
    let mut t = b.clone();
    t.entries.push(b.entries[0].clone());
    refused("an entry duplicated", &t, anchor, |e| matches!(e, E::DuplicateEntry { .. }));
    if b.entries.len() > 1 {
        let mut t = b.clone();
        t.entries.swap(0, 1);
        refused("entries reordered", &t, anchor, |e| matches!(e, E::EntryOrder { .. }));
    }

    // Header bytes.
    for p in positions(b.header.0.len(), 60) {
        let mut t = b.clone();
        flip(&mut t.header.0, p);
        refused(&format!("header byte {p}"), &t, anchor, |e| matches!(e, E::Header { .. }));
    }
    // The commit: its signature, its signer, its round.
    let commit = pb::Commit::decode(b.commit.0.as_slice()).expect("commit");
    let with_commit = |c: &pb::Commit| {
        let mut t = b.clone();
        t.commit = HexBytes(c.encode_to_vec());
        t
    };
    for p in [0, 31, 32, 63, 64] {
        let mut c = commit.clone();
        flip(&mut c.signatures[0].signature, p);
        refused(&format!("commit signature byte {p}"), &with_commit(&c), anchor, |e| {
            matches!(e, E::Header { .. })
        });
    }
    let mut c = commit.clone();
    c.signatures[0].validator = SecretKey::generate().address().0.to_vec();
    refused("commit signer", &with_commit(&c), anchor, |e| matches!(e, E::Header { .. }));
    let mut c = commit.clone();
    c.round += 1;
    refused("commit round", &with_commit(&c), anchor, |e| matches!(e, E::Header { .. }));
    let mut c = commit.clone();
    c.signatures.clear();
    refused("commit without signatures", &with_commit(&c), anchor, |e| {
        matches!(e, E::Header { .. })
    });

    // Chain id and height.
    let mut t = b.clone();
    t.chain_id = "another-chain".into();
    refused("chain id", &t, anchor, |e| matches!(e, E::ChainId { .. }));
    let mut t = b.clone();
    t.height += 1;
    refused("height", &t, anchor, |e| matches!(e, E::Header { .. }));

    // Validator-set changes (the set never changes on this chain, so each is a forgery):
    // the real header before the block with the real proven set (no change at all), the
    // attacker's set "proven" with the real set's proof, a tampered header, and a change
    // after the record's block.
    let attacker = SecretKey::generate();
    let mut t = b.clone();
    t.validator_set_changes.push(change.clone());
    refused("a set change to the same set", &t, anchor, |e| matches!(e, E::SetChange { .. }));
    let mut forged = change.clone();
    forged.validator_set.value = Some(HexBytes(
        pb::ValidatorSet {
            validators: vec![pb::Validator::of_key(&attacker.public_key(), 1, "x")],
        }
        .encode_to_vec(),
    ));
    let mut t = b.clone();
    t.validator_set_changes.push(forged);
    refused("a forged validator set", &t, anchor, |e| matches!(e, E::SetChange { .. }));
    let mut forged = change.clone();
    flip(&mut forged.header.0, 10);
    let mut t = b.clone();
    t.validator_set_changes.push(forged);
    refused("a set change's header", &t, anchor, |e| matches!(e, E::SetChange { .. }));
    let mut late = change.clone();
    late.height = b.height + 1;
    let mut t = b.clone();
    t.validator_set_changes.push(late);
    refused("a set change after the record", &t, anchor, |e| {
        matches!(e, E::SetChangeAfterRecord { .. })
    });

    // Another anchor: a genesis of another chain, or the right chain with another set.
    let mut other = anchor.clone();
    other.chain_id = "another-chain".into();
    assert!(matches!(bundle::verify(b, &other), Err(E::ChainId { .. })));
    let mut other = anchor.clone();
    other.validators[0] = TrustAnchor::checkpoint(
        CHAIN,
        anchor.height,
        anchor.block_hash,
        &pb::ValidatorSet {
            validators: vec![pb::Validator::of_key(&attacker.public_key(), 100, "node0")],
        },
    )
    .expect("anchor")
    .validators[0]
        .clone();
    assert!(matches!(bundle::verify(b, &other), Err(E::Header { .. })), "another validator set");

    // One byte at a time across the canonical text.
    let text = b.to_json().into_bytes();
    let mut checked = 0;
    for p in positions(text.len(), 1500) {
        let mut bytes = text.clone();
        flip(&mut bytes, p);
        let outcome = Bundle::from_json(&bytes).and_then(|t| bundle::verify(&t, anchor));
        assert!(
            outcome.is_err(),
            "flipping byte {p} ({:?}) left a bundle that verifies",
            text[p] as char
        );
        checked += 1;
    }
    assert!(checked > 100 || checked == text.len(), "the sweep checked {checked} bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hash_bundles_prove_registration_revocation_and_absence() {
    let c = chain().await;
    let registry = HashRegistry::new(c.client.clone());
    let bank = SecretKey::generate();
    let (kept, revoked, unknown) =
        (Hash::sha3(b"transfer record 1"), Hash::sha3(b"transfer record 2"), Hash::sha3(b"?"));
    registry.register(&bank, &RegisterEntry::plain(kept, "remittance")).await.expect("register");
    registry.register(&bank, &RegisterEntry::plain(revoked, "remittance")).await.expect("register");
    registry.revoke(&bank, &revoked, "sent in error").await.expect("revoke");
    let hex = |h: &Hash| format!("0x{h}");

    let b = bundle::fetch_hash(&c.client, &c.anchor, &hex(&kept), None).await.expect("fetch");
    let Record::Hash(r) = verified(&b, &c.anchor) else { panic!("a hash record") };
    let reg = r.registration.expect("registered");
    assert!(r.valid, "{}", r.reason);
    assert_eq!((reg.registrant, reg.status), (bank.address(), Status::Active));
    assert_eq!(b.entries.len(), 2, "registration and status records");
    tampering_fails(&b, &c.anchor, &c.set_evidence(b.height).await);

    let b = bundle::fetch_hash(&c.client, &c.anchor, &hex(&revoked), None).await.expect("fetch");
    let Record::Hash(r) = verified(&b, &c.anchor) else { panic!("a hash record") };
    let reg = r.registration.expect("registered");
    assert!(!r.valid && r.reason.starts_with("revoked at "), "{}", r.reason);
    assert_eq!(reg.status, Status::Revoked);
    assert_eq!(reg.status_change.expect("revocation").reason, "sent in error");
    // Before the revocation it was active: the same state answers for an earlier time.
    let at = reg.registered_at_ms;
    let b =
        bundle::fetch_hash(&c.client, &c.anchor, &hex(&revoked), Some(at)).await.expect("fetch");
    let Record::Hash(r) = verified(&b, &c.anchor) else { panic!("a hash record") };
    assert!(r.valid && r.at_ms == at, "{}", r.reason);

    let b = bundle::fetch_hash(&c.client, &c.anchor, &hex(&unknown), None).await.expect("fetch");
    let Record::Hash(r) = verified(&b, &c.anchor) else { panic!("a hash record") };
    assert!(!r.valid && r.registration.is_none() && r.reason == "not registered");
    assert_eq!(b.entries.len(), 1, "one proof of absence");
    assert!(b.entries[0].value.is_none());
    tampering_fails(&b, &c.anchor, &c.set_evidence(b.height).await);

    // Malformed questions are refused before anything is fetched.
    for bad in ["0x12", &hex(&kept).to_uppercase()] {
        let e = bundle::fetch_hash(&c.client, &c.anchor, bad, None).await.expect_err("refused");
        assert!(matches!(e, BundleError::Query(_)), "{e}");
    }
    let e = bundle::fetch_hash(&c.client, &c.anchor, &hex(&kept), Some(u64::MAX))
        .await
        .expect_err("a time after the block");
    assert!(matches!(e, BundleError::Query(_)), "{e}");
    c.node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_bundles_prove_status_including_suspension() {
    let c = chain().await;
    let authority = SecretKey::generate();
    let traveller = SecretKey::generate();
    let dids = DidRegistry::new(c.client.clone());
    let issuer = dids.create_for_key(&authority).await.expect("issuer DID").value.did;
    let holder = dids.create_for_key(&traveller).await.expect("holder DID").value.did;
    let new = NewType {
        id: "health-certificate".into(),
        name: "Health certificate".into(),
        description: String::new(),
        schema_hash: Hash::sha3(b"{}"),
        schema_uri: "https://schemas.example/health-certificate.json".into(),
        owner: c.committee.address(),
    };
    // The credentials contract's committee is the governance contract: the sole member's
    // proposal passes and executes as it is made.
    let register = ProposalAction::CallContract {
        contract: SystemContract::Credentials.address().to_string(),
        msg: serde_json::json!({"register_type": {
            "id": new.id, "name": new.name, "description": new.description,
            "schema_hash": format!("0x{}", new.schema_hash), "schema_uri": new.schema_uri,
            "owner": new.owner.to_string(),
        }}),
    };
    let admit =
        ProposalAction::AddIssuer { credential_type: new.id.clone(), issuer: issuer.clone() };
    Governance::new(c.client.clone())
        .pass(std::slice::from_ref(&c.committee), "health certificates", vec![register, admit])
        .await
        .expect("the committee registers the type and admits the issuer");
    let now = c.client.status().await.expect("status").latest_block_time_ms;
    let request = IssueRequest {
        credential_type: new.id.clone(),
        issuer: issuer.clone(),
        subject: holder.clone(),
        claims: serde_json::json!({"result": "negative"}).as_object().cloned().expect("object"),
        id: None,
        valid_from_ms: Some(now),
        valid_until_ms: Some(now + 30 * DAY_MS),
    };
    let active = issue_credential(&c.client, &authority, &request).await.expect("issue");
    let suspended = issue_credential(&c.client, &authority, &request).await.expect("issue");
    Credentials::new(c.client.clone())
        .suspend(&authority, &suspended.id, "under review")
        .await
        .expect("suspend");

    let b = bundle::fetch_credential(&c.client, &c.anchor, &active.id, None).await.expect("fetch");
    let Record::Credential(r) = verified(&b, &c.anchor) else { panic!("a credential record") };
    let cred = r.credential.expect("anchored");
    assert!(r.valid, "{}", r.reason);
    assert_eq!((cred.issuer.as_str(), cred.subject.as_str()), (issuer.as_str(), holder.as_str()));
    assert_eq!(cred.status.as_str(), "active");
    assert!(cred.issuer_authorized);
    tampering_fails(&b, &c.anchor, &c.set_evidence(b.height).await);

    let b =
        bundle::fetch_credential(&c.client, &c.anchor, &suspended.id, None).await.expect("fetch");
    let Record::Credential(r) = verified(&b, &c.anchor) else { panic!("a credential record") };
    let cred = r.credential.expect("anchored");
    assert!(!r.valid && r.reason.contains("is suspended"), "{}", r.reason);
    assert_eq!(cred.status.as_str(), "suspended");
    assert_eq!(cred.history.last().and_then(|h| h.reason.as_deref()), Some("under review"));

    let b = bundle::fetch_credential(&c.client, &c.anchor, "urn:uuid:never-issued", None)
        .await
        .expect("fetch");
    let Record::Credential(r) = verified(&b, &c.anchor) else { panic!("a credential record") };
    assert!(!r.valid && r.credential.is_none(), "{}", r.reason);
    assert!(r.reason.starts_with("not found"), "{}", r.reason);
    c.node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_bundles_prove_state_at_a_time() {
    let c = chain().await;
    let (subject_key, provider_key, recipient_key) =
        (SecretKey::generate(), SecretKey::generate(), SecretKey::generate());
    let dids = DidRegistry::new(c.client.clone());
    let subject = dids.create_for_key(&subject_key).await.expect("DID").value.did;
    let provider = dids.create_for_key(&provider_key).await.expect("DID").value.did;
    let recipient = dids.create_for_key(&recipient_key).await.expect("DID").value.did;
    let now = c.client.status().await.expect("status").latest_block_time_ms;
    let terms = GrantTerms {
        subject,
        provider,
        recipient,
        data_categories: vec!["health.lab-results".into()],
        purposes: vec!["treatment".into()],
        legal_basis: LegalBasis::SeparateConsent,
        jurisdictions: Jurisdictions { provider: "CN-GD".into(), recipient: "HK".into() },
        valid_from_ms: now,
        valid_until_ms: now + 180 * DAY_MS,
        policy: None,
        notice_hash: None,
    };
    let consents = Consents::new(c.client.clone());
    let kept = consents.grant(&subject_key, &terms).await.expect("grant").value.consent_id;
    let withdrawn = consents.grant(&subject_key, &terms).await.expect("grant").value.consent_id;
    consents.withdraw(&subject_key, withdrawn).await.expect("withdraw");

    let b = bundle::fetch_consent(&c.client, &c.anchor, kept.0, None).await.expect("fetch");
    let Record::Consent(r) = verified(&b, &c.anchor) else { panic!("a consent record") };
    let view = r.consent.expect("given");
    assert_eq!(view.status.to_string(), "active");
    assert!(view.cross_border);
    tampering_fails(&b, &c.anchor, &c.set_evidence(b.height).await);

    let b = bundle::fetch_consent(&c.client, &c.anchor, withdrawn.0, None).await.expect("fetch");
    let Record::Consent(r) = verified(&b, &c.anchor) else { panic!("a consent record") };
    let view = r.consent.expect("given");
    assert_eq!(view.status.to_string(), "withdrawn");
    // The auditor's question: what held just before it was given, and when it was given.
    let given = view.given_at_ms;
    for (at, status) in [(given - 1, "not_yet_given"), (given, "active")] {
        let b = bundle::fetch_consent(&c.client, &c.anchor, withdrawn.0, Some(at))
            .await
            .expect("fetch");
        let Record::Consent(r) = verified(&b, &c.anchor) else { panic!("a consent record") };
        assert_eq!(r.consent.expect("recorded").status.to_string(), status, "at {at}");
    }

    let b = bundle::fetch_consent(&c.client, &c.anchor, 999, None).await.expect("fetch");
    let Record::Consent(r) = verified(&b, &c.anchor) else { panic!("a consent record") };
    assert!(r.consent.is_none());
    c.node.shutdown().await.expect("shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_bundles_prove_document_versions() {
    let c = chain().await;
    let key = SecretKey::generate();
    let dids = DidRegistry::new(c.client.clone());
    let did = dids.create_for_key(&key).await.expect("DID").value.did;
    dids.deactivate(&key, &did, None).await.expect("deactivate");

    let b = bundle::fetch_did(&c.client, &c.anchor, &did, Some(1)).await.expect("fetch");
    let Record::Did(r) = verified(&b, &c.anchor) else { panic!("a DID record") };
    let doc = r.resolution.did_document.as_ref().expect("a document");
    assert_eq!(doc.id.as_deref(), Some(did.as_str()));
    let meta = &r.resolution.did_document_metadata;
    assert_eq!(
        (meta.version_id.as_deref(), meta.next_version_id.as_deref()),
        (Some("1"), Some("2"))
    );
    assert_eq!(meta.deactivated, Some(false));
    tampering_fails(&b, &c.anchor, &c.set_evidence(b.height).await);

    let b = bundle::fetch_did(&c.client, &c.anchor, &did, None).await.expect("fetch");
    let Record::Did(r) = verified(&b, &c.anchor) else { panic!("a DID record") };
    assert_eq!(r.version, Some(2));
    assert_eq!(r.resolution.did_document_metadata.deactivated, Some(true));

    let b = bundle::fetch_did(&c.client, &c.anchor, &did, Some(3)).await.expect("fetch");
    let Record::Did(r) = verified(&b, &c.anchor) else { panic!("a DID record") };
    assert_eq!(r.resolution.did_resolution_metadata.error.as_deref(), Some("notFound"));

    let other = format!("did:bayledger:{CHAIN}:{}", "ab".repeat(20));
    let b = bundle::fetch_did(&c.client, &c.anchor, &other, None).await.expect("fetch");
    let Record::Did(r) = verified(&b, &c.anchor) else { panic!("a DID record") };
    assert!(r.resolution.did_document.is_none() && r.version.is_none());
    let e = bundle::fetch_did(&c.client, &c.anchor, "did:bayledger:elsewhere:abc", None)
        .await
        .expect_err("another network's DID");
    assert!(matches!(e, BundleError::Query(_)), "{e}");
    c.node.shutdown().await.expect("shutdown");
}

/// Polls (with a deadline) until the node has committed `height`.
async fn wait_height(client: &Client, height: u64) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while client.status().await.expect("status").latest_height < height {
        assert!(tokio::time::Instant::now() < deadline, "height {height} not reached in 60 s");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bundles_carry_the_validator_set_changes_since_the_anchor() {
    use bayledger_sdk::system::governance::SystemAction;
    let c = chain().await;
    let registry = HashRegistry::new(c.client.clone());
    let bank = SecretKey::generate();
    let hash = Hash::sha3(b"registered before the set changed");
    registry.register(&bank, &RegisterEntry::plain(hash, "remittance")).await.expect("register");
    // The governance committee re-weights the only validator: it keeps signing, but from
    // `effective` on the set (and its hash) is another one.
    let effective = c.client.status().await.expect("status").latest_height + 3;
    let action = SystemAction::SetValidator {
        pub_key: format!("0x{}", hex::encode(c.committee.public_key().to_compressed())),
        power: 250,
        name: String::new(),
        effective_height: effective,
    };
    Governance::new(c.client.clone())
        .pass(std::slice::from_ref(&c.committee), "re-weight", vec![ProposalAction::System(action)])
        .await
        .expect("proposal executed");
    wait_height(&c.client, effective + 1).await;

    let b =
        bundle::fetch_hash(&c.client, &c.anchor, &format!("0x{hash}"), None).await.expect("fetch");
    assert_eq!(b.validator_set_changes.len(), 1, "one change since genesis");
    assert_eq!(b.validator_set_changes[0].height, effective);
    let v = round_trip(&b, &c.anchor).expect("verifies across the change");
    assert_eq!(v.validator_set_changes, [effective]);
    let Record::Hash(r) = v.record else { panic!("a hash record") };
    assert!(r.valid, "{}", r.reason);

    use BundleError as E;
    // Without the change, the record's header names a set the anchor does not know.
    let mut t = b.clone();
    t.validator_set_changes.clear();
    refused("the change dropped", &t, &c.anchor, |e| matches!(e, E::Header { .. }));
    // Its header, commit, proven set and proof, each tampered.
    let change = &b.validator_set_changes[0];
    let with = |f: &dyn Fn(&mut SetChange)| {
        let mut t = b.clone();
        f(&mut t.validator_set_changes[0]);
        t
    };
    for p in positions(change.header.0.len(), 40) {
        let t = with(&|ch| flip(&mut ch.header.0, p));
        refused(&format!("change header byte {p}"), &t, &c.anchor, |e| {
            matches!(e, E::SetChange { .. })
        });
    }
    let mut commit = pb::Commit::decode(change.commit.0.as_slice()).expect("commit");
    flip(&mut commit.signatures[0].signature, 5);
    let t = with(&|ch| ch.commit = HexBytes(commit.encode_to_vec()));
    refused("change commit signature", &t, &c.anchor, |e| matches!(e, E::SetChange { .. }));
    let set_len = change.validator_set.value.as_ref().expect("a set").0.len();
    for p in positions(set_len, 40) {
        let t = with(&|ch| {
            flip(&mut ch.validator_set.value.as_mut().expect("a set").0, p);
        });
        refused(&format!("changed set byte {p}"), &t, &c.anchor, |e| {
            matches!(e, E::SetChange { .. })
        });
    }
    for p in positions(change.validator_set.proof.0.len(), 60) {
        let t = with(&|ch| flip(&mut ch.validator_set.proof.0, p));
        refused(&format!("changed set proof byte {p}"), &t, &c.anchor, |e| {
            matches!(e, E::SetChange { .. })
        });
    }
    let t = with(&|ch| ch.height += 1);
    refused("change height", &t, &c.anchor, |e| matches!(e, E::SetChange { .. }));
    c.node.shutdown().await.expect("shutdown");
}
