//! Validity of a block proposed by another validator (or delivered by sync):
//! the header against the committed chain, the parent's commit, the limits,
//! every transaction (decoding, context, signature) and a full re-execution
//! whose receipts and state roots must match the header. Evidence: each piece
//! verified against the validator set of its offence's height, no offence
//! already committed, and the evidence root
//! ([`crate::evidence::check_block_evidence`]).
//!
//! Every validator-set rule uses the set of the height concerned
//! ([`Chain::validators_at`]): the block's set for its `validator_set_hash`,
//! its proposer and its own commit, the parent's set for the parent commit.
//!
//! Signature recovery is skipped for a transaction this node already holds,
//! byte for byte, in its mempool (admission verified it). A transaction that
//! cannot execute (bad nonce, expired) makes the block invalid.
//!
//! Block time must be strictly above the parent's and, for a live proposal, at
//! most [`MAX_FUTURE_MS`] ahead of this node's clock (ADR 0007: Δ = 500 ms
//! clock skew + 2 s). A decided block (commit, replay, sync) is not held to
//! the local clock.

use crate::chain::{Chain, ChainError};
use crate::execution::ExecError;
use bayledger_genesis::Params;
use bayledger_storage::PreparedState;
use bayledger_types::block::{receipts_root, tx_root_of, validator_set_hash, verify_commit};
use bayledger_types::tx::{DecodedTx, TxContext, VerifiedTx};
use bayledger_types::{Address, Hash, SealedBlock, pb};
use std::time::{SystemTime, UNIX_EPOCH};

/// How far ahead of the local clock a proposed block's time may be (ADR 0007).
pub const MAX_FUTURE_MS: u64 = 2_500;

/// An executed block waiting for its commit.
#[derive(Debug)]
pub struct Executed {
    /// Its height.
    pub height: u64,
    /// One receipt per transaction.
    pub receipts: Vec<pb::Receipt>,
    /// The state after it.
    pub state: PreparedState,
    /// Offence ids of the evidence it commits.
    pub evidence_ids: Vec<Hash>,
    /// Transaction signatures verification had to check (those not already
    /// verified in this node's mempool); 0 for a block built here.
    pub sigs_checked: usize,
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn invalid(block: &SealedBlock, reason: impl Into<String>) -> ChainError {
    ChainError::InvalidBlock { hash: block.hash(), height: block.height(), reason: reason.into() }
}

fn hash_field(block: &SealedBlock, name: &str, bytes: &[u8]) -> Result<Hash, ChainError> {
    Hash::from_slice(bytes).ok_or_else(|| invalid(block, format!("{name} is not 32 bytes")))
}

/// Checks that `commit` decides `block` with more than 2/3 of the power of
/// the validator set of the block's height (only that set's signatures count).
pub fn check_commit(
    chain: &Chain,
    block: &SealedBlock,
    commit: &pb::Commit,
) -> Result<(), ChainError> {
    let set = chain.validators_at(block.height())?;
    verify_commit(commit, &chain.genesis.chain_id, block.height(), &block.hash(), &set)
        .map_err(|e| invalid(block, format!("commit: {e}")))
}

/// Verifies `block` as the next block and returns its execution result.
/// `now_ms`: the local clock for the future-time bound (`None` for a block
/// already decided).
pub fn verify_block(
    chain: &Chain,
    block: &SealedBlock,
    now_ms: Option<u64>,
) -> Result<Executed, ChainError> {
    check_header(chain, block, now_ms)?;
    let params = chain.params_at(block.height())?;
    let (txs, sigs_checked) = check_txs(chain, block, &params)?;
    let evidence = crate::evidence::check_block_evidence(chain, block)?;
    let h = &block.header.header;
    let (included, receipts, state) = chain
        .execute(h.height, h.time_ms, &params, &txs, &evidence, true)
        .map_err(|e| match e {
            ChainError::Exec(ExecError::InvalidTx { hash, reason }) => {
                invalid(block, format!("transaction {hash}: {reason}"))
            }
            other => other,
        })?;
    if tx_root_of(&included) != hash_field(block, "tx_root", &h.tx_root)? {
        return Err(invalid(block, "tx root mismatch"));
    }
    let receipts_hash = receipts_root(&receipts);
    if receipts_hash != hash_field(block, "receipts_root", &h.receipts_root)? {
        return Err(invalid(block, format!("receipts root mismatch (computed {receipts_hash})")));
    }
    if state.root != hash_field(block, "state_root", &h.state_root)? {
        return Err(invalid(block, format!("state root mismatch (computed {})", state.root)));
    }
    let evidence_ids = evidence.into_iter().map(|(id, _)| id).collect();
    Ok(Executed { height: h.height, receipts, state, evidence_ids, sigs_checked })
}

fn check_header(chain: &Chain, block: &SealedBlock, now_ms: Option<u64>) -> Result<(), ChainError> {
    block.check_body().map_err(|e| invalid(block, e.to_string()))?;
    let h = &block.header.header;
    let chain_id = &chain.genesis.chain_id;
    if &h.chain_id != chain_id {
        return Err(invalid(block, format!("chain id {:?}, expected {chain_id:?}", h.chain_id)));
    }
    let latest = chain.height()?;
    if h.height != latest + 1 {
        return Err(invalid(block, format!("not the next height ({})", latest + 1)));
    }
    let parent = chain.block_hash(latest)?.unwrap_or_default();
    if hash_field(block, "parent_hash", &h.parent_hash)? != parent {
        return Err(invalid(block, format!("parent hash is not {parent}")));
    }
    let set = chain.validators_at(h.height)?;
    if hash_field(block, "validator_set_hash", &h.validator_set_hash)? != validator_set_hash(&set) {
        return Err(invalid(block, "validator set hash mismatch"));
    }
    let proposer =
        Address::from_slice(&h.proposer).map_err(|_| invalid(block, "proposer is not 20 bytes"))?;
    if !set.validators.iter().any(|v| v.address == proposer.0) {
        return Err(invalid(block, format!("proposer {proposer} is not a validator")));
    }
    let parent_time = chain.block_time_ms(latest).map_err(|e| invalid(block, e.to_string()))?;
    if h.time_ms <= parent_time {
        return Err(invalid(block, format!("time {} not after parent {parent_time}", h.time_ms)));
    }
    if let Some(now) = now_ms
        && h.time_ms > now.saturating_add(MAX_FUTURE_MS)
    {
        return Err(invalid(block, format!("time {} is too far in the future", h.time_ms)));
    }
    match (&h.last_commit, latest) {
        (None, 0) => {}
        (Some(_), 0) => return Err(invalid(block, "first block carries a last commit")),
        (None, _) => return Err(invalid(block, "missing the parent's commit")),
        (Some(c), _) => {
            let parent_set = chain.validators_at(latest)?;
            verify_commit(c, chain_id, latest, &parent, &parent_set)
                .map_err(|e| invalid(block, format!("last commit: {e}")))?
        }
    }
    Ok(())
}

/// The block's transactions, verified against the limits of `params` (those
/// in force for the block), and how many signatures that took.
fn check_txs(
    chain: &Chain,
    block: &SealedBlock,
    params: &Params,
) -> Result<(Vec<VerifiedTx>, usize), ChainError> {
    if block.txs.len() as u64 > params.max_block_txs {
        return Err(invalid(block, format!("more than {} transactions", params.max_block_txs)));
    }
    let bytes: usize = block.txs.iter().map(Vec::len).sum();
    if bytes as u64 > params.max_block_bytes {
        return Err(invalid(
            block,
            format!("transactions exceed {} bytes", params.max_block_bytes),
        ));
    }
    let ctx = TxContext {
        chain_id: &chain.genesis.chain_id,
        height: block.height(),
        max_tx_fuel: params.max_tx_fuel,
    };
    let mut fuel = 0u64;
    // Decode and check every transaction; the signatures of those not
    // already verified in our mempool (byte for byte) are then checked
    // together, on every core.
    let mut slots: Vec<Option<VerifiedTx>> = Vec::with_capacity(block.txs.len());
    let mut unknown: Vec<(usize, DecodedTx)> = Vec::new();
    for (i, bytes) in block.txs.iter().enumerate() {
        let tx = DecodedTx::decode(bytes, params.max_tx_bytes as usize)
            .map_err(|e| invalid(block, format!("transaction {i}: {e}")))?;
        tx.check_context(&ctx).map_err(|e| invalid(block, format!("transaction {i}: {e}")))?;
        fuel = fuel.saturating_add(tx.body.fuel_limit);
        if chain.mempool.lock().holds_exact(&tx.sender, &tx.hash, bytes) {
            slots.push(Some(VerifiedTx {
                bytes: tx.bytes,
                body: tx.body,
                hash: tx.hash,
                sender: tx.sender,
            }));
        } else {
            slots.push(None);
            unknown.push((i, tx));
        }
    }
    if fuel > params.max_block_fuel {
        return Err(invalid(block, format!("fuel limits exceed {}", params.max_block_fuel)));
    }
    let (indices, decoded): (Vec<usize>, Vec<DecodedTx>) = unknown.into_iter().unzip();
    let checked = decoded.len();
    for (i, verified) in indices.into_iter().zip(crate::sig_verify::verify_all(decoded)) {
        let tx = verified.map_err(|e| invalid(block, format!("transaction {i}: {e}")))?;
        slots[i] = Some(tx);
    }
    Ok((slots.into_iter().flatten().collect(), checked))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NodeConfig;
    use bayledger_consensus::Application;
    use bayledger_genesis::Genesis;
    use bayledger_storage::MemChainStore;
    use bayledger_types::SecretKey;
    use bayledger_types::block::{SealedHeader, sign_vote};
    use std::sync::Arc;

    use crate::test_utils::{call_tx, key};

    const CHAIN_ID: &str = "verify-chain";

    fn chain() -> Arc<Chain> {
        let genesis = Genesis::single_validator(CHAIN_ID, &key(1).public_key(), 1_700_000_000_000);
        Chain::open_with_store(Arc::new(MemChainStore::new()), genesis, NodeConfig::default())
            .expect("opens")
    }

    fn commit_of(block: &SealedBlock) -> pb::Commit {
        let hash = block.hash();
        pb::Commit {
            height: block.height(),
            round: 0,
            block_hash: hash.0.to_vec(),
            signatures: vec![sign_vote(&key(1), CHAIN_ID, block.height(), 0, &hash)],
        }
    }

    /// The same block with other transactions and header fields (re-sealed).
    fn tampered(
        block: &SealedBlock,
        edit: impl FnOnce(&mut pb::BlockHeader, &mut Vec<Vec<u8>>),
    ) -> SealedBlock {
        let mut header = block.header.header.clone();
        let mut txs = block.txs.clone();
        edit(&mut header, &mut txs);
        header.tx_root = tx_root_of(&txs).0.to_vec();
        header.tx_count = txs.len() as u32;
        SealedBlock { header: SealedHeader::seal(header), txs, evidence: vec![] }
    }

    fn proposal(proposer: &Chain) -> SealedBlock {
        let time = now_ms();
        proposer.submit(&call_tx(CHAIN_ID, &key(2), 0)).expect("admitted");
        proposer.app().build_block(1, time, key(1).address(), None).expect("builds")
    }

    #[test]
    fn a_follower_re_executes_and_commits_exactly_the_proposed_block() {
        let (a, b) = (chain(), chain());
        let block = proposal(&a);
        assert_eq!(block.txs.len(), 1);
        b.app().verify_block(&block).expect("valid on the follower");
        let commit = commit_of(&block);
        b.app().commit_block(&block, &commit).expect("commits the cached result");
        a.app().commit_block(&block, &commit).expect("proposer commits");
        assert_eq!(a.store.state_root(1).expect("r"), b.store.state_root(1).expect("r"));
        assert_eq!(b.nonce(&key(2).address()).expect("nonce"), 1);
        b.app().commit_block(&block, &commit).expect("re-commit is a no-op");

        // A node that never saw the block (sync / replay) re-executes it.
        let c = chain();
        c.app().commit_block(&block, &commit).expect("re-executes and commits");
        assert_eq!(c.store.state_root(1).expect("r"), a.store.state_root(1).expect("r"));
        // A commit that does not decide the block is refused.
        let d = chain();
        let mut bad = commit.clone();
        bad.signatures[0] = sign_vote(&key(3), CHAIN_ID, 1, 0, &block.hash());
        assert!(d.app().commit_block(&block, &bad).is_err());
        assert_eq!(d.height().expect("h"), 0);
    }

    #[test]
    fn invalid_proposals_are_refused_with_the_broken_rule() {
        let (a, b) = (chain(), chain());
        let block = proposal(&a);
        let mut forged: pb::SignedTx = prost::Message::decode(block.txs[0].as_slice()).expect("tx");
        forged.signature[5] ^= 1;
        let cases: Vec<(SealedBlock, &str)> = vec![
            (
                tampered(&block, |_, txs| txs[0] = prost::Message::encode_to_vec(&forged)),
                "transaction 0",
            ),
            (tampered(&block, |_, txs| txs[0] = call_tx(CHAIN_ID, &key(2), 1)), "transaction"),
            (tampered(&block, |h, _| h.state_root = vec![7; 32]), "state root mismatch"),
            (tampered(&block, |h, _| h.receipts_root = vec![7; 32]), "receipts root mismatch"),
            (tampered(&block, |h, _| h.time_ms = now_ms() + 60_000), "future"),
            (tampered(&block, |h, _| h.time_ms = 1_600_000_000_000), "not after parent"),
            (tampered(&block, |h, _| h.height = 2), "next height"),
            (tampered(&block, |h, _| h.parent_hash = vec![1; 32]), "parent hash"),
            (tampered(&block, |h, _| h.proposer = vec![3; 20]), "not a validator"),
            (tampered(&block, |h, _| h.chain_id = "other".into()), "chain id"),
            (tampered(&block, |h, _| h.validator_set_hash = vec![0; 32]), "validator set"),
        ];
        for (bad, rule) in cases {
            let err = b.app().verify_block(&bad).expect_err(rule).to_string();
            assert!(err.contains(rule), "{rule}: {err}");
        }
        b.app().verify_block(&block).expect("the original is still valid");
    }

    /// Two precommits by `k` at (height, round 0) for different blocks.
    fn double_precommit(k: &SecretKey, height: u64) -> Vec<u8> {
        use bayledger_consensus::cpb;
        let signed = |tag: &[u8]| {
            let hash = Hash::sha3(tag);
            let sig = sign_vote(k, CHAIN_ID, height, 0, &hash);
            cpb::SignedVote {
                vote: Some(bayledger_types::block::precommit(CHAIN_ID, height, 0, &hash)),
                validator: sig.validator,
                signature: sig.signature,
            }
        };
        let ev = cpb::Evidence {
            kind: Some(cpb::evidence::Kind::DuplicateVote(cpb::DuplicateVoteEvidence {
                first: Some(signed(b"a")),
                second: Some(signed(b"b")),
            })),
        };
        prost::Message::encode_to_vec(&ev)
    }

    /// `block` with `evidence` and a matching evidence root, re-executed on
    /// `chain` for the state root (so only the evidence rules can fail).
    fn with_evidence(chain: &Chain, block: &SealedBlock, evidence: Vec<Vec<u8>>) -> SealedBlock {
        let ids: Vec<(Hash, Vec<u8>)> = evidence
            .iter()
            .map(|b| {
                let id = crate::evidence::describe(b).map(|o| o.id).unwrap_or_default();
                (id, b.clone())
            })
            .collect();
        let params = chain.params_at(block.height()).expect("params");
        let (txs, _) = check_txs(chain, block, &params).expect("txs");
        let h = &block.header.header;
        let (_, _, state) =
            chain.execute(h.height, h.time_ms, &params, &txs, &ids, true).expect("exec");
        let mut header = h.clone();
        header.state_root = state.root.0.to_vec();
        header.evidence_root = crate::evidence::evidence_root(&evidence);
        SealedBlock { header: SealedHeader::seal(header), txs: block.txs.clone(), evidence }
    }

    #[test]
    fn evidence_is_verified_indexed_in_state_and_never_committed_twice() {
        let (a, b) = (chain(), chain());
        let block = proposal(&a);
        let ev = double_precommit(&key(1), 1);
        let good = with_evidence(&b, &block, vec![ev.clone()]);
        // The proposer path: evidence from the pool goes into the built block.
        let pooled = a.app().build_block(1, block.header.header.time_ms, key(1).address(), None);
        assert!(pooled.expect("builds").evidence.is_empty(), "empty pool, no evidence");

        let offence = crate::evidence::check(&b, &ev).expect("valid evidence");
        assert_eq!(
            (offence.validator, offence.height, offence.kind),
            (key(1).address(), 1, "duplicate_vote")
        );
        let mut bad_root = good.header.header.clone();
        bad_root.evidence_root = vec![7; 32];
        let bad_root = SealedBlock { header: SealedHeader::seal(bad_root), ..good.clone() };
        let mut forged = ev.clone();
        let last = forged.len() - 1;
        forged[last] ^= 1; // a signature byte of the second vote
        let outsider = double_precommit(&key(5), 1);
        let future = double_precommit(&key(1), 2);
        let cases: Vec<(SealedBlock, &str)> = vec![
            (bad_root, "evidence root mismatch"),
            (with_evidence(&b, &block, vec![forged]), "evidence 0"),
            (with_evidence(&b, &block, vec![outsider]), "not in the validator set"),
            (with_evidence(&b, &block, vec![future]), "above the block"),
            (with_evidence(&b, &block, vec![ev.clone(), ev.clone()]), "twice in the block"),
            (with_evidence(&b, &block, vec![b"junk".to_vec()]), "evidence 0"),
        ];
        for (bad, rule) in cases {
            let err = b.app().verify_block(&bad).expect_err(rule).to_string();
            assert!(err.contains(rule), "{rule}: {err}");
        }

        b.app().verify_block(&good).expect("valid evidence is accepted");
        b.app().commit_block(&good, &commit_of(&good)).expect("commits");
        let state = b.store.latest_state().expect("state");
        let value = state
            .get(&crate::evidence::state_key(&offence.id))
            .expect("reads")
            .expect("indexed in the state");
        assert_eq!(crate::evidence::parse_state_value(&value), Some((1, ev.as_slice())));

        // The same offence in the next block is refused as already committed;
        // the pool drops it too.
        let empty = bayledger_consensus::cpb::Evidence::default();
        assert!(crate::evidence::add_to_pool(&b, &empty).is_err(), "malformed");
        let ev_pb: bayledger_consensus::cpb::Evidence =
            prost::Message::decode(ev.as_slice()).expect("decodes");
        assert_eq!(crate::evidence::add_to_pool(&b, &ev_pb), Ok(None), "already committed");
        let next = b
            .app()
            .build_block(
                2,
                good.header.header.time_ms + 1,
                key(1).address(),
                Some(commit_of(&good)),
            )
            .expect("builds");
        let again = with_evidence(&b, &next, vec![ev]);
        let err = b.app().verify_block(&again).expect_err("duplicate").to_string();
        assert!(err.contains("already committed"), "{err}");
    }

    #[test]
    fn gossiped_evidence_is_checked_before_it_is_pooled() {
        let b = chain();
        let add = |bytes: &[u8]| crate::evidence::add_bytes(&b, bytes);
        let err = add(&vec![0; crate::evidence::MAX_EVIDENCE_BYTES + 1]).expect_err("oversized");
        assert!(err.contains("max"), "{err}");
        assert!(add(b"junk").is_err(), "malformed");
        let mut forged = double_precommit(&key(1), 1);
        let last = forged.len() - 1;
        forged[last] ^= 1;
        assert!(add(&forged).is_err(), "forged signature");
        assert!(add(&double_precommit(&key(5), 1)).is_err(), "not a validator");
        assert_eq!(add(&double_precommit(&key(1), 7)), Ok(None), "above our next height");
        assert!(b.evidence.lock().is_empty());

        let valid = double_precommit(&key(1), 1);
        let offence = add(&valid).expect("verifies").expect("new");
        assert_eq!((offence.validator, offence.height), (key(1).address(), 1));
        assert_eq!(add(&valid), Ok(None), "already pending");
        // A forgery of a pending offence is recognised as nothing new before
        // any signature is checked; it is never pooled.
        assert_eq!(add(&forged), Ok(None));
        assert_eq!(b.evidence.lock().len(), 1);
    }

    #[test]
    fn pooled_evidence_is_proposed_and_followers_accept_it() {
        let (a, b) = (chain(), chain());
        let ev: bayledger_consensus::cpb::Evidence =
            prost::Message::decode(double_precommit(&key(1), 1).as_slice()).expect("decodes");
        let added = crate::evidence::add_to_pool(&a, &ev).expect("verifies");
        assert!(added.is_some());
        assert_eq!(crate::evidence::add_to_pool(&a, &ev), Ok(None), "one entry per offence");
        let block = a.app().build_block(1, now_ms(), key(1).address(), None).expect("builds");
        assert_eq!(block.evidence.len(), 1);
        assert_eq!(
            block.header.header.evidence_root,
            bayledger_types::merkle::root(&block.evidence).0.to_vec()
        );
        b.app().verify_block(&block).expect("follower accepts");
        let commit = commit_of(&block);
        a.app().commit_block(&block, &commit).expect("commits");
        b.app().commit_block(&block, &commit).expect("commits");
        assert_eq!(a.store.state_root(1).expect("r"), b.store.state_root(1).expect("r"));
        assert!(a.evidence.lock().is_empty(), "committed evidence leaves the pool");
    }

    #[test]
    fn mempool_verified_transactions_skip_only_an_identical_signature() {
        let (a, b) = (chain(), chain());
        let block = proposal(&a);
        // b holds the same tx (verified on admission): still valid.
        b.submit(&block.txs[0]).expect("admitted on b");
        b.app().verify_block(&block).expect("valid");
        // Same body (same hash), different signature bytes: re-verified, refused.
        let mut forged: pb::SignedTx = prost::Message::decode(block.txs[0].as_slice()).expect("tx");
        forged.signature[5] ^= 1;
        let bad = tampered(&block, |_, txs| txs[0] = prost::Message::encode_to_vec(&forged));
        let err = b.app().verify_block(&bad).expect_err("forged signature").to_string();
        assert!(err.contains("transaction 0"), "{err}");
    }
}
