//! Bayledger's Malachite [`Context`](mc::Context): which concrete types the
//! Tendermint core runs on.
//!
//! | Malachite | Bayledger |
//! |---|---|
//! | `Address` | [`ValidatorAddress`]: our 20-byte [`Address`] |
//! | `Height` | [`Height`]: a `u64` block height (1 = first block) |
//! | `Value` / `ValueId` | [`BlockValue`] (a sealed block) / its block [`Hash`](struct@Hash) |
//! | `Vote` | [`Vote`]: height, round, `nil` or block hash, type, validator |
//! | `Proposal` | [`Proposal`]: height, round, block, POL round, proposer |
//! | `Validator(Set)` | [`Validator`], [`ValidatorSet`] (k256 keys, voting power) |
//! | `SigningScheme` | [`K256`]: 65-byte recoverable ECDSA ([`Signature`]) |
//!
//! Votes are signed over [`bayledger_types::block::vote_digest`], proposals
//! over a separately tagged digest (see [`crate::signing`]).

use std::fmt;
use std::sync::Arc;

use bayledger_types::{Address, CryptoError, Hash, PublicKey, SealedBlock, SecretKey};
use malachitebft_core_types as mc;
use mc::{NilOrVal, Round, SignedExtension, VoteType};

pub use crate::validators::Validator;
use crate::validators::ValidatorSet;

/// A block height (`Height::INITIAL` = 1, the first block after genesis).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Height(pub u64);

impl fmt::Display for Height {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl mc::Height for Height {
    const ZERO: Self = Height(0);
    const INITIAL: Self = Height(1);

    fn increment_by(&self, n: u64) -> Self {
        Height(self.0.saturating_add(n))
    }

    fn decrement_by(&self, n: u64) -> Option<Self> {
        self.0.checked_sub(n).map(Height)
    }

    fn as_u64(&self) -> u64 {
        self.0
    }
}

/// A validator's 20-byte account address (newtype so Malachite's traits can be
/// implemented for it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ValidatorAddress(pub Address);

impl fmt::Display for ValidatorAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl mc::Address for ValidatorAddress {}

/// The value consensus decides on: a sealed block. Two values are the same
/// value exactly when their block hashes are equal (the hash commits to every
/// header field and, through the tx root, to every transaction).
#[derive(Clone, Debug)]
pub struct BlockValue(Arc<SealedBlock>);

impl BlockValue {
    /// Wraps a block.
    pub fn new(block: SealedBlock) -> BlockValue {
        BlockValue(Arc::new(block))
    }

    /// The block.
    pub fn block(&self) -> &SealedBlock {
        &self.0
    }

    /// The block hash (the value id).
    pub fn hash(&self) -> Hash {
        self.0.hash()
    }
}

impl PartialEq for BlockValue {
    fn eq(&self, other: &Self) -> bool {
        self.hash() == other.hash()
    }
}

impl Eq for BlockValue {}

impl PartialOrd for BlockValue {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for BlockValue {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.hash().cmp(&other.hash())
    }
}

impl mc::Value for BlockValue {
    type Id = Hash;

    fn id(&self) -> Hash {
        self.hash()
    }
}

/// A prevote or precommit. Rounds of votes are always defined (`>= 0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vote {
    /// Height.
    pub height: Height,
    /// Round.
    pub round: Round,
    /// `nil` or the hash of the block voted for.
    pub value: NilOrVal<Hash>,
    /// Prevote or precommit.
    pub vote_type: VoteType,
    /// Who votes.
    pub validator: ValidatorAddress,
}

impl mc::Vote<BayContext> for Vote {
    fn height(&self) -> Height {
        self.height
    }

    fn round(&self) -> Round {
        self.round
    }

    fn value(&self) -> &NilOrVal<Hash> {
        &self.value
    }

    fn take_value(self) -> NilOrVal<Hash> {
        self.value
    }

    fn vote_type(&self) -> VoteType {
        self.vote_type
    }

    fn validator_address(&self) -> &ValidatorAddress {
        &self.validator
    }

    // Vote extensions are disabled (`VoteExtensionPolicy::Disabled`, ADR 0007):
    // a vote never carries one and Malachite never asks to extend one.
    fn extension(&self) -> Option<&SignedExtension<BayContext>> {
        None
    }

    fn take_extension(&mut self) -> Option<SignedExtension<BayContext>> {
        None
    }

    fn extend(self, _extension: SignedExtension<BayContext>) -> Self {
        self
    }
}

/// A proposal: `⟨PROPOSAL, h, round, v, vr⟩` of the paper (line 19).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// Height.
    pub height: Height,
    /// Round.
    pub round: Round,
    /// The proposed block.
    pub value: BlockValue,
    /// `vr`: the round of the polka for a re-proposed value, or `Round::Nil`.
    pub pol_round: Round,
    /// Who proposes.
    pub proposer: ValidatorAddress,
}

impl mc::Proposal<BayContext> for Proposal {
    fn height(&self) -> Height {
        self.height
    }

    fn round(&self) -> Round {
        self.round
    }

    fn value(&self) -> &BlockValue {
        &self.value
    }

    fn take_value(self) -> BlockValue {
        self.value
    }

    fn pol_round(&self) -> Round {
        self.pol_round
    }

    fn validator_address(&self) -> &ValidatorAddress {
        &self.proposer
    }
}

/// Proposal parts are not used: a [`Proposal`] carries the whole block. This
/// type has no values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoParts {}

impl mc::ProposalPart<BayContext> for NoParts {
    fn is_first(&self) -> bool {
        match *self {}
    }

    fn is_last(&self) -> bool {
        match *self {}
    }
}

/// A 65-byte recoverable secp256k1 signature `r ‖ s ‖ v` (ADR 0003).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Signature(pub [u8; 65]);

impl Signature {
    /// Parses exactly 65 bytes (validity is checked on recovery).
    pub fn from_slice(bytes: &[u8]) -> Result<Signature, CryptoError> {
        <[u8; 65]>::try_from(bytes)
            .map(Signature)
            .map_err(|_| CryptoError::SignatureLength(bytes.len()))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({}…)", &hex_prefix(&self.0))
    }
}

fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// k256 ECDSA with recoverable 65-byte signatures, through `bayledger_types::crypto`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct K256;

impl mc::SigningScheme for K256 {
    type DecodingError = CryptoError;
    type Signature = Signature;
    type PublicKey = PublicKey;
    type PrivateKey = SecretKey;

    fn decode_signature(bytes: &[u8]) -> Result<Signature, CryptoError> {
        Signature::from_slice(bytes)
    }

    fn encode_signature(signature: &Signature) -> Vec<u8> {
        signature.0.to_vec()
    }

    fn decode_public_key(bytes: &[u8]) -> Result<PublicKey, CryptoError> {
        PublicKey::from_sec1(bytes)
    }

    fn encode_public_key(public_key: &PublicKey) -> Vec<u8> {
        public_key.to_compressed().to_vec()
    }
}

/// Bayledger's consensus context. Carries the chain id, which every vote and
/// proposal digest includes (replay protection across chains).
#[derive(Clone, Debug)]
pub struct BayContext {
    chain_id: Arc<str>,
}

impl BayContext {
    /// A context for `chain_id`.
    pub fn new(chain_id: &str) -> BayContext {
        BayContext { chain_id: Arc::from(chain_id) }
    }

    /// The chain id.
    pub fn chain_id(&self) -> &str {
        &self.chain_id
    }
}

impl mc::Context for BayContext {
    type Address = ValidatorAddress;
    type Height = Height;
    type ProposalPart = NoParts;
    type Proposal = Proposal;
    type Validator = Validator;
    type ValidatorSet = ValidatorSet;
    type Timeouts = mc::LinearTimeouts;
    type Value = BlockValue;
    type Vote = Vote;
    type Extension = ();
    type SigningScheme = K256;

    /// `proposer(h, round)` of the paper (line 14): weighted round robin, see
    /// [`ValidatorSet::proposer`].
    fn select_proposer<'a>(
        &self,
        validator_set: &'a ValidatorSet,
        height: Height,
        round: Round,
    ) -> &'a Validator {
        validator_set.proposer(height.0, round.as_u32().unwrap_or(0))
    }

    fn new_proposal(
        &self,
        height: Height,
        round: Round,
        value: BlockValue,
        pol_round: Round,
        address: ValidatorAddress,
    ) -> Proposal {
        Proposal { height, round, value, pol_round, proposer: address }
    }

    fn new_prevote(
        &self,
        height: Height,
        round: Round,
        value_id: NilOrVal<Hash>,
        address: ValidatorAddress,
    ) -> Vote {
        Vote { height, round, value: value_id, vote_type: VoteType::Prevote, validator: address }
    }

    fn new_precommit(
        &self,
        height: Height,
        round: Round,
        value_id: NilOrVal<Hash>,
        address: ValidatorAddress,
    ) -> Vote {
        Vote { height, round, value: value_id, vote_type: VoteType::Precommit, validator: address }
    }
}
