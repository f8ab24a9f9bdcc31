//! Unit tests of the pure verification: a simulated chain (real JMT over
//! SHA3, real k256 commits) whose validator set changes twice.

use super::*;
use bayledger_proto::node::{ProvenEntry, SignedHeader};
use bayledger_types::block::{SealedHeader, sign_vote, validator_set_hash};
use bayledger_types::proof::{ProofError, Sha3Hasher, encode_proof, key_hash};
use bayledger_types::{BlockError, Hash, SecretKey, pb, state_keys};
use jmt::JellyfishMerkleTree;
use jmt::mock::MockTreeStore;
use prost::Message;

const CHAIN: &str = "light-test";
const GENESIS_HASH: Hash = Hash([0xee; 32]);
/// Heights 1..=12: set A signs 1–4, B signs 5–8, C signs 9–12.
const TOP: u64 = 12;

fn keys(range: std::ops::RangeInclusive<u8>) -> Vec<SecretKey> {
    range.map(|i| SecretKey::from_bytes(&[i; 32]).expect("key")).collect()
}

fn set_of(keys: &[SecretKey]) -> pb::ValidatorSet {
    pb::ValidatorSet {
        validators: keys
            .iter()
            .enumerate()
            .map(|(i, k)| pb::Validator::of_key(&k.public_key(), 10, format!("v{i}")))
            .collect(),
    }
}

struct SimChain {
    tree: MockTreeStore,
    roots: Vec<Hash>,
    sets: Vec<Vec<SecretKey>>,
    headers: Vec<SealedHeader>,
}

impl SimChain {
    /// Index into `sets` of the set that signs `height`.
    fn set_index(height: u64) -> usize {
        ((height.max(1) - 1) / 4) as usize
    }

    fn build() -> SimChain {
        let sets = vec![keys(1..=4), keys(5..=7), [keys(8..=9), keys(1..=1)].concat()];
        let tree = MockTreeStore::default();
        let mut roots = Vec::new();
        let mut headers: Vec<SealedHeader> = Vec::new();
        for version in 0..=TOP {
            let mut writes = vec![(key_hash(b"acct/x"), Some(version.to_be_bytes().to_vec()))];
            // sys/validators after block v is the set that signs v + 1.
            if version == 0
                || (version < TOP && Self::set_index(version + 1) != Self::set_index(version))
            {
                let next = set_of(&sets[Self::set_index(version + 1)]);
                writes.push((key_hash(state_keys::VALIDATORS), Some(next.encode_to_vec())));
            }
            let jmt = JellyfishMerkleTree::<_, Sha3Hasher>::new(&tree);
            let (root, batch) = jmt.put_value_set(writes, version).expect("tree update");
            tree.write_tree_update_batch(batch).expect("write");
            roots.push(Hash(root.0));
            if version == 0 {
                continue;
            }
            let set = set_of(&sets[Self::set_index(version)]);
            let parent = headers.last().map_or(GENESIS_HASH, |h| h.hash);
            headers.push(SealedHeader::seal(pb::BlockHeader {
                chain_id: CHAIN.into(),
                height: version,
                time_ms: 1_000 + version,
                parent_hash: parent.0.to_vec(),
                state_root: Hash(root.0).0.to_vec(),
                validator_set_hash: validator_set_hash(&set).0.to_vec(),
                ..Default::default()
            }));
        }
        SimChain { tree, roots, sets, headers }
    }

    fn header(&self, height: u64) -> &SealedHeader {
        &self.headers[height as usize - 1]
    }

    fn commit_by(&self, height: u64, signers: &[SecretKey]) -> pb::Commit {
        let hash = self.header(height).hash;
        pb::Commit {
            height,
            round: 0,
            block_hash: hash.0.to_vec(),
            signatures: signers.iter().map(|k| sign_vote(k, CHAIN, height, 0, &hash)).collect(),
        }
    }

    fn signed(&self, height: u64) -> SignedHeader {
        let signers = &self.sets[Self::set_index(height)];
        let h = self.header(height);
        SignedHeader {
            header: h.bytes.clone(),
            decoded: Some(h.header.clone()),
            block_hash: h.hash.0.to_vec(),
            commit: Some(self.commit_by(height, signers)),
        }
    }

    fn entry(&self, key: &[u8], version: u64) -> ProvenEntry {
        let jmt = JellyfishMerkleTree::<_, Sha3Hasher>::new(&self.tree);
        let (value, proof) = jmt.get_with_proof(key_hash(key), version).expect("proof");
        ProvenEntry {
            key: key.to_vec(),
            exists: value.is_some(),
            value: value.unwrap_or_default(),
            proof: encode_proof(&proof),
        }
    }

    fn change(&self, height: u64) -> SetChange {
        SetChange {
            height,
            header: self.signed(height - 1),
            entry: self.entry(state_keys::VALIDATORS, height - 1),
        }
    }

    fn anchor(&self) -> TrustAnchor {
        TrustAnchor::checkpoint(CHAIN, 0, GENESIS_HASH, &set_of(&self.sets[0])).expect("anchor")
    }
}

#[test]
fn a_chain_of_set_changes_is_followed_and_unproven_changes_are_refused() {
    let chain = SimChain::build();
    let mut trusted = TrustedState::new(&chain.anchor()).expect("anchor");
    for h in 1..=4 {
        let v = trusted.verify_header(&chain.signed(h)).expect("signed by A");
        assert_eq!(v.state_root, chain.roots[h as usize]);
        assert_eq!(v.signatures, Some(4));
    }
    // Block 5 is signed by B: refused until the change is proven.
    assert!(matches!(
        trusted.verify_header(&chain.signed(5)),
        Err(LightError::UnknownSetChange { height: 5, .. })
    ));
    // Changes apply in order only: C's change needs B trusted first.
    assert!(matches!(
        trusted.clone().apply_change(&chain.change(9)),
        Err(LightError::UnknownSetChange { height: 8, .. })
    ));
    let epoch = trusted.apply_change(&chain.change(5)).expect("A → B");
    assert_eq!(epoch.from_height, 5);
    assert_eq!(epoch.set, set_of(&chain.sets[1]));
    trusted.verify_header(&chain.signed(7)).expect("signed by B");
    assert!(matches!(
        trusted.apply_change(&chain.change(5)),
        Err(LightError::SetChange { height: 5, .. })
    ));
    trusted.apply_change(&chain.change(9)).expect("B → C");
    for h in [9, 12] {
        trusted.verify_header(&chain.signed(h)).expect("signed by C");
    }
    // Older heights still verify with the set of their time.
    trusted.verify_header(&chain.signed(2)).expect("A's block");
    trusted.verify_header(&chain.signed(6)).expect("B's block");
    assert_eq!(trusted.epochs().iter().map(|e| e.from_height).collect::<Vec<_>>(), [1, 5, 9]);
}

#[test]
fn a_set_change_that_is_not_proven_is_refused() {
    let chain = SimChain::build();
    let fresh = || TrustedState::new(&chain.anchor()).expect("anchor");

    // The proof of B against another block's root.
    let mut wrong_root = chain.change(5);
    wrong_root.entry = chain.entry(state_keys::VALIDATORS, 3);
    assert!(matches!(
        fresh().apply_change(&wrong_root),
        Err(LightError::Proof { source: ProofError::WrongValue { .. }, .. })
            | Err(LightError::Proof { source: ProofError::WrongRoot { .. }, .. })
    ));

    // A set the proof does not commit to (the node swapped in its own set).
    let mut forged = chain.change(5);
    forged.entry.value = set_of(&keys(20..=22)).encode_to_vec();
    assert!(matches!(
        fresh().apply_change(&forged),
        Err(LightError::Proof { source: ProofError::WrongValue { .. }, .. })
    ));

    // Another key's proof.
    let mut other_key = chain.change(5);
    other_key.entry = chain.entry(b"acct/x", 4);
    assert!(matches!(fresh().apply_change(&other_key), Err(LightError::SetChange { .. })));

    // The header before the change signed by the *new* set.
    let mut wrong_signers = chain.change(5);
    wrong_signers.header.commit = Some(chain.commit_by(4, &chain.sets[1]));
    assert!(matches!(
        fresh().apply_change(&wrong_signers),
        Err(LightError::Commit { height: 4, source: BlockError::NotAValidator(_) })
    ));

    // A "change" that proves the set already trusted.
    assert!(matches!(
        fresh().apply_change(&chain.change(3)),
        Err(LightError::SetChange { height: 3, .. })
    ));

    // A header from the wrong height for the change.
    let mut misplaced = chain.change(5);
    misplaced.header = chain.signed(3);
    assert!(matches!(fresh().apply_change(&misplaced), Err(LightError::SetChange { .. })));
}

#[test]
fn tampered_headers_and_commits_are_refused() {
    let chain = SimChain::build();
    let trusted = TrustedState::new(&chain.anchor()).expect("anchor");
    let good = chain.signed(3);
    trusted.verify_header(&good).expect("good");

    // A changed header (another state root): the bytes no longer hash to the
    // block hash sent with them...
    let mut header = chain.header(3).header.clone();
    header.state_root[0] ^= 1;
    let mut root = good.clone();
    root.header = header.encode_to_vec();
    root.decoded = Some(header);
    assert!(matches!(trusted.verify_header(&root), Err(LightError::BlockHash { .. })));
    // ...and with the hash recomputed, the commit signs another block.
    root.block_hash = SealedHeader::decode(&root.header).expect("decodes").hash.0.to_vec();
    assert!(matches!(
        trusted.verify_header(&root),
        Err(LightError::Commit { source: BlockError::CommitTarget { .. }, .. })
    ));
    // Bytes that are not a canonical header.
    let mut bytes = good.clone();
    bytes.header.push(0);
    assert!(matches!(trusted.verify_header(&bytes), Err(LightError::HeaderEncoding(_))));

    // The decoded copy disagrees with the bytes.
    let mut decoded = good.clone();
    decoded.decoded.as_mut().expect("decoded").state_root = vec![9; 32];
    assert!(matches!(trusted.verify_header(&decoded), Err(LightError::DecodedHeader { .. })));

    // A commit signature altered.
    let mut sig = good.clone();
    sig.commit.as_mut().expect("commit").signatures[0].signature[5] ^= 1;
    assert!(matches!(
        trusted.verify_header(&sig),
        Err(LightError::Commit { source: BlockError::CommitSignature { .. }, .. })
    ));

    // A commit from a non-validator, and one with too little power.
    let mut outsider = good.clone();
    outsider.commit = Some(chain.commit_by(3, &keys(30..=33)));
    assert!(matches!(
        trusted.verify_header(&outsider),
        Err(LightError::Commit { source: BlockError::NotAValidator(_), .. })
    ));
    let mut weak = good.clone();
    weak.commit = Some(chain.commit_by(3, &chain.sets[0][..2]));
    assert!(matches!(
        trusted.verify_header(&weak),
        Err(LightError::Commit { source: BlockError::InsufficientPower { .. }, .. })
    ));
    let mut none = good.clone();
    none.commit = None;
    assert!(matches!(trusted.verify_header(&none), Err(LightError::MissingCommit(3))));

    // Another chain's anchor.
    let mut other = chain.anchor();
    other.chain_id = "another-chain".into();
    let other = TrustedState::new(&other).expect("anchor");
    assert!(matches!(other.verify_header(&good), Err(LightError::ChainId { .. })));
}

#[test]
fn the_first_block_must_extend_the_anchor() {
    let chain = SimChain::build();
    let mut anchor = chain.anchor();
    anchor.block_hash = Hash([1; 32]);
    let trusted = TrustedState::new(&anchor).expect("anchor");
    assert!(matches!(
        trusted.verify_header(&chain.signed(1)),
        Err(LightError::AnchorMismatch { height: 1, .. })
    ));
    trusted.verify_header(&chain.signed(2)).expect("later blocks are checked by their commit");
}

#[test]
fn a_checkpoint_trusts_its_block_by_hash_and_its_set_from_the_next_height() {
    let chain = SimChain::build();
    // Checkpoint at block 4: the set after it (B) signs 5.
    let anchor = TrustAnchor::checkpoint(CHAIN, 4, chain.header(4).hash, &set_of(&chain.sets[1]))
        .expect("checkpoint");
    let json = anchor.to_json();
    assert_eq!(TrustAnchor::from_json(&json).expect("parses"), anchor);
    let trusted = TrustedState::new(&anchor).expect("anchor");
    let four = trusted.verify_header(&chain.signed(4)).expect("the anchor block");
    assert_eq!(four.signatures, None);
    trusted.verify_header(&chain.signed(6)).expect("signed by B");
    assert!(matches!(
        trusted.verify_header(&chain.signed(3)),
        Err(LightError::BeforeAnchor { height: 3, anchor: 4 })
    ));
    let mut other = chain.signed(4);
    other.header = chain.signed(3).header;
    other.block_hash.clear();
    other.decoded = None;
    assert!(matches!(trusted.verify_header(&other), Err(LightError::BeforeAnchor { .. })));
}

#[test]
fn anchors_with_unusable_sets_are_refused() {
    let chain = SimChain::build();
    let mut empty = chain.anchor();
    empty.validators.clear();
    assert!(matches!(TrustedState::new(&empty), Err(LightError::Anchor(_))));
    let mut wrong_address = chain.anchor();
    wrong_address.validators[0].address = wrong_address.validators[1].address;
    assert!(matches!(TrustedState::new(&wrong_address), Err(LightError::Anchor(_))));
    // What a genesis file may not hold either: a validator twice, too much power.
    let mut twice = chain.anchor();
    twice.validators.push(twice.validators[0].clone());
    let err = TrustedState::new(&twice).expect_err("duplicate validator");
    assert!(matches!(&err, LightError::Anchor(m) if m.contains("duplicates")), "{err}");
    let mut heavy = chain.anchor();
    heavy.validators[0].power = bayledger_genesis::MAX_TOTAL_POWER;
    let err = TrustedState::new(&heavy).expect_err("total power");
    assert!(matches!(&err, LightError::Anchor(m) if m.contains("total validator power")), "{err}");
    assert!(matches!(
        TrustAnchor::from_json(r#"{"chain_id":"c","height":0}"#),
        Err(LightError::Anchor(_))
    ));
}

#[test]
fn entries_prove_values_and_absence_and_tampering_is_named() {
    let chain = SimChain::build();
    let root = chain.roots[6];
    let present = chain.entry(b"acct/x", 6);
    assert_eq!(verify_entry(root, &present).expect("present"), Some(6u64.to_be_bytes().to_vec()));
    let absent = chain.entry(b"acct/nobody", 6);
    assert!(!absent.exists);
    assert_eq!(verify_entry(root, &absent).expect("absent"), None);

    let mut value = present.clone();
    value.value = 7u64.to_be_bytes().to_vec();
    assert!(matches!(
        verify_entry(root, &value),
        Err(LightError::Proof { source: ProofError::WrongValue { .. }, .. })
    ));
    assert!(matches!(
        verify_entry(chain.roots[5], &present),
        Err(LightError::Proof { source: ProofError::WrongRoot { .. }, .. })
    ));
    let mut hidden = present.clone();
    hidden.exists = false;
    hidden.value.clear();
    assert!(matches!(
        verify_entry(root, &hidden),
        Err(LightError::Proof { source: ProofError::AbsenceNotProven, .. })
    ));
    let mut claimed = absent.clone();
    claimed.exists = true;
    claimed.value = b"forged".to_vec();
    assert!(matches!(
        verify_entry(root, &claimed),
        Err(LightError::Proof { source: ProofError::ValueNotProven, .. })
            | Err(LightError::Proof { source: ProofError::OtherKey { .. }, .. })
    ));
    let mut malformed = absent.clone();
    malformed.value = b"x".to_vec();
    assert!(matches!(verify_entry(root, &malformed), Err(LightError::MalformedEntry(_))));
    // Flip a byte of the first sibling that has a hash (borsh layout: leaf
    // option at 0..65, sibling count at 65..69, then tagged nodes).
    let mut sibling = present.clone();
    let mut at = 69;
    while sibling.proof[at] == 0 {
        at += 1;
    }
    sibling.proof[at + 1] ^= 1;
    assert!(matches!(
        verify_entry(root, &sibling),
        Err(LightError::Proof { source: ProofError::WrongRoot { .. }, .. })
    ));
    let mut garbage = present.clone();
    garbage.proof.push(0);
    assert!(matches!(
        verify_entry(root, &garbage),
        Err(LightError::Proof { source: ProofError::Decode(_), .. })
    ));
    assert!(matches!(
        verify_entry_for(root, b"acct/y", &present),
        Err(LightError::WrongKey { .. })
    ));
}
