//! A trivial in-memory [`Application`]: a block is a height, a parent link and a
//! payload; verification checks the parent link (and the parent's commit). The
//! validator set may change at given heights ([`Sets`]); every check uses the
//! set of the height concerned.

use bayledger_consensus::Application;
use bayledger_types::block::{SealedHeader, tx_root_of, validator_set_hash, verify_commit};
use bayledger_types::{Address, Hash, SealedBlock, pb};

/// Wall-clock origin of virtual time (block timestamps only).
pub const EPOCH_MS: u64 = 1_700_000_000_000;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("block at height {got}, expected {expected}")]
    Height { got: u64, expected: u64 },
    #[error("block {0} does not extend the committed chain")]
    Parent(Hash),
    #[error("block time does not increase")]
    Time,
    #[error("bad last commit: {0}")]
    LastCommit(String),
    #[error("conflicting commit at height {0}")]
    Conflict(u64),
    #[error("wrong chain id")]
    ChainId,
}

/// Validator sets by first height: `(1, genesis set)`, then each change.
#[derive(Clone, Debug)]
pub struct Sets(pub Vec<(u64, pb::ValidatorSet)>);

impl Sets {
    /// The set that signs `height`.
    pub fn at(&self, height: u64) -> &pb::ValidatorSet {
        &self.0.iter().rev().find(|(from, _)| *from <= height).unwrap_or(&self.0[0]).1
    }
}

#[derive(Debug)]
pub struct MemApp {
    chain_id: String,
    sets: Sets,
    /// Distinguishes this node's blocks from other proposers' blocks.
    tag: u64,
    builds: u64,
    /// Committed blocks and their commits; index `h - 1`.
    pub chain: Vec<(SealedBlock, pb::Commit)>,
}

pub fn genesis_hash(chain_id: &str) -> Hash {
    Hash::sha3(format!("genesis/{chain_id}").as_bytes())
}

impl MemApp {
    pub fn new(chain_id: &str, set: pb::ValidatorSet, tag: u64) -> MemApp {
        MemApp::with_sets(chain_id, Sets(vec![(1, set)]), tag)
    }

    pub fn with_sets(chain_id: &str, sets: Sets, tag: u64) -> MemApp {
        MemApp { chain_id: chain_id.into(), sets, tag, builds: 0, chain: Vec::new() }
    }

    /// Height of the last committed block (0 = genesis).
    pub fn tip(&self) -> u64 {
        self.chain.len() as u64
    }

    fn tip_hash(&self) -> Hash {
        self.chain.last().map(|(b, _)| b.hash()).unwrap_or_else(|| genesis_hash(&self.chain_id))
    }

    fn tip_time(&self) -> u64 {
        self.chain.last().map(|(b, _)| b.header.header.time_ms).unwrap_or(EPOCH_MS)
    }

    /// A block at the next height with the given payload.
    pub fn make_block(
        &self,
        height: u64,
        time_ms: u64,
        proposer: Address,
        last_commit: Option<pb::Commit>,
        payload: &[u8],
    ) -> SealedBlock {
        let header = pb::BlockHeader {
            chain_id: self.chain_id.clone(),
            height,
            time_ms: time_ms.max(self.tip_time() + 1),
            parent_hash: self.tip_hash().0.to_vec(),
            proposer: proposer.0.to_vec(),
            tx_root: tx_root_of(&[]).0.to_vec(),
            state_root: Hash::sha3(payload).0.to_vec(),
            validator_set_hash: validator_set_hash(self.sets.at(height)).0.to_vec(),
            last_commit,
            ..Default::default()
        };
        SealedBlock { header: SealedHeader::seal(header), txs: vec![], evidence: vec![] }
    }
}

impl Application for MemApp {
    type Error = AppError;

    fn build_block(
        &mut self,
        height: u64,
        time_ms: u64,
        proposer: Address,
        last_commit: Option<pb::Commit>,
    ) -> Result<SealedBlock, AppError> {
        self.builds += 1;
        let payload = format!("payload/{}/{}/{}", height, self.tag, self.builds);
        Ok(self.make_block(height, time_ms, proposer, last_commit, payload.as_bytes()))
    }

    fn verify_block(&mut self, block: &SealedBlock) -> Result<(), AppError> {
        let h = &block.header.header;
        if h.chain_id != self.chain_id {
            return Err(AppError::ChainId);
        }
        if block.height() != self.tip() + 1 {
            return Err(AppError::Height { got: block.height(), expected: self.tip() + 1 });
        }
        if h.parent_hash != self.tip_hash().0 {
            return Err(AppError::Parent(block.hash()));
        }
        if h.time_ms <= self.tip_time() {
            return Err(AppError::Time);
        }
        match (&h.last_commit, self.chain.last()) {
            (None, None) => Ok(()),
            (Some(c), Some((parent, _))) => {
                let set = self.sets.at(parent.height());
                verify_commit(c, &self.chain_id, parent.height(), &parent.hash(), set)
                    .map_err(|e| AppError::LastCommit(e.to_string()))
            }
            _ => Err(AppError::LastCommit("missing or unexpected".into())),
        }
    }

    fn commit_block(&mut self, block: &SealedBlock, commit: &pb::Commit) -> Result<(), AppError> {
        if block.height() <= self.tip() {
            // Replay of a decision: must be the same block.
            let (have, _) = &self.chain[(block.height() - 1) as usize];
            return if have.hash() == block.hash() {
                Ok(())
            } else {
                Err(AppError::Conflict(block.height()))
            };
        }
        self.verify_block(block)?;
        let set = self.sets.at(block.height());
        verify_commit(commit, &self.chain_id, block.height(), &block.hash(), set)
            .map_err(|e| AppError::LastCommit(e.to_string()))?;
        self.chain.push((block.clone(), commit.clone()));
        Ok(())
    }
}
