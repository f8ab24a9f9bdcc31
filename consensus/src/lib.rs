//! The consensus boundary of a Bayledger node.
//!
//! The rest of the node sees a small interface, in the spirit of Malachite's
//! `Context` and Commonware's `Automaton`: the application **builds** a block
//! for a height, **verifies** a block someone else proposed, and is told a block
//! was **decided** together with the commit that finalised it. The engine
//! decides *which* block; the application decides *what is in it*.
//!
//! This crate currently ships [`SoloEngine`]: a single validator holding all the
//! voting power. It signs a precommit for each block it builds and checks the
//! resulting [`pb::Commit`] with the same rule every verifier uses
//! ([`bayledger_types::block::verify_commit`], more than 2/3 of the power), so
//! the commits a solo chain stores are exactly those a BFT network will store.
//! The Tendermint engine (Malachite) plugs in behind the same [`Application`]
//! trait.

#![forbid(unsafe_code)]

use bayledger_types::block::{BlockError, sign_vote, verify_commit};
use bayledger_types::{Address, SealedBlock, SecretKey, pb};

/// What the engine needs from the application.
pub trait Application {
    /// Application error (execution or storage failure).
    type Error: std::error::Error + Send + Sync + 'static;

    /// Builds (and executes) a block at `height` proposed by `proposer`.
    fn build_block(
        &mut self,
        height: u64,
        time_ms: u64,
        proposer: Address,
        last_commit: Option<pb::Commit>,
    ) -> Result<SealedBlock, Self::Error>;

    /// Checks a block proposed by another validator (re-executing it).
    fn verify_block(&mut self, block: &SealedBlock) -> Result<(), Self::Error>;

    /// Persists a decided block with its commit. Must be idempotent: the same
    /// block committed twice (e.g. replay after a crash) is a no-op.
    fn commit_block(&mut self, block: &SealedBlock, commit: &pb::Commit)
    -> Result<(), Self::Error>;
}

/// Why the engine could not decide.
#[derive(Debug, thiserror::Error)]
pub enum ConsensusError<E: std::error::Error + 'static> {
    /// The application failed.
    #[error("application: {0}")]
    App(#[source] E),
    /// The commit the engine assembled does not verify (misconfiguration, e.g.
    /// the local key does not hold enough power).
    #[error("commit does not verify: {0}")]
    Commit(#[from] BlockError),
    /// The local key is not in the validator set.
    #[error("validator {0} is not in the validator set")]
    NotAValidator(Address),
}

/// A decided block and the commit that finalised it.
#[derive(Debug, Clone)]
pub struct Decision {
    /// The block.
    pub block: SealedBlock,
    /// Its commit.
    pub commit: pb::Commit,
}

/// Single-validator engine: proposes, precommits and commits every height.
#[derive(Debug)]
pub struct SoloEngine {
    chain_id: String,
    key: SecretKey,
    set: pb::ValidatorSet,
}

impl SoloEngine {
    /// Creates the engine; the key must be a member of `set` holding more than
    /// two thirds of its power.
    pub fn new<E: std::error::Error + 'static>(
        chain_id: String,
        key: SecretKey,
        set: pb::ValidatorSet,
    ) -> Result<SoloEngine, ConsensusError<E>> {
        let me = key.address();
        if !set.validators.iter().any(|v| v.address == me.0) {
            return Err(ConsensusError::NotAValidator(me));
        }
        Ok(SoloEngine { chain_id, key, set })
    }

    /// This validator's address.
    pub fn address(&self) -> Address {
        self.key.address()
    }

    /// Runs one height: build, precommit, check the commit, commit.
    pub fn decide<A: Application>(
        &self,
        app: &mut A,
        height: u64,
        time_ms: u64,
        last_commit: Option<pb::Commit>,
    ) -> Result<Decision, ConsensusError<A::Error>> {
        let block = app
            .build_block(height, time_ms, self.address(), last_commit)
            .map_err(ConsensusError::App)?;
        let hash = block.hash();
        let commit = pb::Commit {
            height,
            round: 0,
            block_hash: hash.0.to_vec(),
            signatures: vec![sign_vote(&self.key, &self.chain_id, height, 0, &hash)],
        };
        verify_commit(&commit, &self.chain_id, height, &hash, &self.set)?;
        app.commit_block(&block, &commit).map_err(ConsensusError::App)?;
        Ok(Decision { block, commit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::block::SealedHeader;
    use bayledger_types::block::tx_root_of;

    #[derive(Default)]
    struct Recorder {
        committed: Vec<(u64, pb::Commit)>,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("never")]
    struct Never;

    impl Application for Recorder {
        type Error = Never;
        fn build_block(
            &mut self,
            height: u64,
            time_ms: u64,
            proposer: Address,
            last_commit: Option<pb::Commit>,
        ) -> Result<SealedBlock, Never> {
            let header = pb::BlockHeader {
                chain_id: "t".into(),
                height,
                time_ms,
                proposer: proposer.0.to_vec(),
                tx_root: tx_root_of(&[]).0.to_vec(),
                last_commit,
                ..Default::default()
            };
            Ok(SealedBlock { header: SealedHeader::seal(header), txs: vec![], evidence: vec![] })
        }
        fn verify_block(&mut self, _: &SealedBlock) -> Result<(), Never> {
            Ok(())
        }
        fn commit_block(&mut self, b: &SealedBlock, c: &pb::Commit) -> Result<(), Never> {
            self.committed.push((b.height(), c.clone()));
            Ok(())
        }
    }

    fn set_of(keys: &[&SecretKey], powers: &[u64]) -> pb::ValidatorSet {
        pb::ValidatorSet {
            validators: keys
                .iter()
                .zip(powers)
                .map(|(k, p)| pb::Validator {
                    address: k.address().0.to_vec(),
                    pub_key: k.public_key().to_compressed().to_vec(),
                    power: *p,
                    name: String::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn solo_validator_commits_each_height_with_a_verifiable_commit() {
        let key = SecretKey::from_bytes(&[5; 32]).expect("key");
        let set = set_of(&[&key], &[10]);
        let engine = SoloEngine::new::<Never>("t".into(), key, set.clone()).expect("member");
        let mut app = Recorder::default();
        let d1 = engine.decide(&mut app, 1, 1000, None).expect("decides");
        let d2 = engine.decide(&mut app, 2, 2000, Some(d1.commit.clone())).expect("decides");
        assert_eq!(app.committed.len(), 2);
        verify_commit(&d2.commit, "t", 2, &d2.block.hash(), &set).expect("commit verifies");
        assert_eq!(d2.block.header.header.last_commit, Some(d1.commit));
    }

    #[test]
    fn a_validator_without_a_supermajority_cannot_commit_alone() {
        let key = SecretKey::from_bytes(&[5; 32]).expect("key");
        let other = SecretKey::from_bytes(&[6; 32]).expect("key");
        let set = set_of(&[&key, &other], &[1, 1]);
        let engine = SoloEngine::new::<Never>("t".into(), key, set).expect("member");
        let mut app = Recorder::default();
        let err = engine.decide(&mut app, 1, 1000, None).unwrap_err();
        assert!(
            matches!(err, ConsensusError::Commit(BlockError::InsufficientPower { .. })),
            "{err}"
        );
        assert!(app.committed.is_empty());
    }

    #[test]
    fn a_key_outside_the_set_is_refused() {
        let key = SecretKey::from_bytes(&[5; 32]).expect("key");
        let other = SecretKey::from_bytes(&[6; 32]).expect("key");
        let set = set_of(&[&other], &[1]);
        assert!(matches!(
            SoloEngine::new::<Never>("t".into(), key, set),
            Err(ConsensusError::NotAValidator(_))
        ));
    }
}
