//! Versioned, chain-scoped protocol names: gossip topics and the sync protocol.
//!
//! Every name carries the chain id, so nodes of two chains never share a topic or a protocol even
//! if they could connect (they cannot: the noise prologue also carries the chain id).

use crate::error::P2pError;
use libp2p::StreamProtocol;
use libp2p::gossipsub::{IdentTopic, TopicHash};
use std::fmt;

/// Longest chain id (the genesis rule: 1–50 characters of `[a-z0-9-]`).
pub const MAX_CHAIN_ID_LEN: usize = 50;

/// A gossip topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Signed transactions (`/bayledger/<chain_id>/tx/1`).
    Transactions,
    /// Consensus messages: proposals (which may carry blocks), votes
    /// (`/bayledger/<chain_id>/consensus/1`).
    Consensus,
    /// Equivocation evidence (`/bayledger/<chain_id>/evidence/1`).
    Evidence,
}

impl Topic {
    /// Every topic.
    pub const ALL: [Topic; 3] = [Topic::Transactions, Topic::Consensus, Topic::Evidence];

    fn segment(self) -> &'static str {
        match self {
            Topic::Transactions => "tx",
            Topic::Consensus => "consensus",
            Topic::Evidence => "evidence",
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.segment())
    }
}

/// Checks the chain id against the genesis rule (1–50 characters of `[a-z0-9-]`), which also keeps
/// every protocol name built from it well-formed.
pub fn validate_chain_id(chain_id: &str) -> Result<(), P2pError> {
    let ok = !chain_id.is_empty()
        && chain_id.len() <= MAX_CHAIN_ID_LEN
        && chain_id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(P2pError::InvalidConfig(format!(
            "chain_id {chain_id:?} must be 1 to {MAX_CHAIN_ID_LEN} characters from [a-z0-9-]"
        )))
    }
}

/// The gossipsub topic name, e.g. `/bayledger/devnet/tx/1`.
pub fn topic_name(chain_id: &str, topic: Topic) -> String {
    format!("/bayledger/{chain_id}/{}/1", topic.segment())
}

/// The block-sync request-response protocol, `/bayledger/<chain_id>/sync/1`.
pub fn sync_protocol(chain_id: &str) -> Result<StreamProtocol, P2pError> {
    validate_chain_id(chain_id)?;
    StreamProtocol::try_from_owned(format!("/bayledger/{chain_id}/sync/1"))
        .map_err(|e| P2pError::InvalidConfig(format!("sync protocol name: {e}")))
}

/// The identify protocol version string, `/bayledger/<chain_id>/1`.
pub(crate) fn identify_version(chain_id: &str) -> String {
    format!("/bayledger/{chain_id}/1")
}

/// The noise prologue: both ends must use the same bytes or the handshake fails. It binds the
/// chain id and, when given, the genesis hash, so nodes of another chain — or of the same chain id
/// started from a different genesis — cannot complete a handshake with us.
pub(crate) fn noise_prologue(chain_id: &str, genesis_hash: Option<&[u8; 32]>) -> Vec<u8> {
    let mut prologue = format!("bayledger/p2p/v1/{chain_id}").into_bytes();
    if let Some(hash) = genesis_hash {
        prologue.push(b'/');
        prologue.extend_from_slice(hash);
    }
    prologue
}

/// The gossipsub topics of one chain.
#[derive(Debug, Clone)]
pub(crate) struct Topics {
    tx: IdentTopic,
    consensus: IdentTopic,
    evidence: IdentTopic,
}

impl Topics {
    pub(crate) fn new(chain_id: &str) -> Topics {
        Topics {
            tx: IdentTopic::new(topic_name(chain_id, Topic::Transactions)),
            consensus: IdentTopic::new(topic_name(chain_id, Topic::Consensus)),
            evidence: IdentTopic::new(topic_name(chain_id, Topic::Evidence)),
        }
    }

    pub(crate) fn get(&self, topic: Topic) -> &IdentTopic {
        match topic {
            Topic::Transactions => &self.tx,
            Topic::Consensus => &self.consensus,
            Topic::Evidence => &self.evidence,
        }
    }

    pub(crate) fn hash(&self, topic: Topic) -> TopicHash {
        self.get(topic).hash()
    }

    /// Which of our topics a hash names, if any.
    pub(crate) fn which(&self, hash: &TopicHash) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| self.hash(*t) == *hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_versioned_and_chain_scoped() {
        assert_eq!(topic_name("devnet", Topic::Transactions), "/bayledger/devnet/tx/1");
        assert_eq!(topic_name("devnet", Topic::Consensus), "/bayledger/devnet/consensus/1");
        assert_eq!(topic_name("devnet", Topic::Evidence), "/bayledger/devnet/evidence/1");
        assert_eq!(sync_protocol("devnet").expect("valid").as_ref(), "/bayledger/devnet/sync/1");
        let t = Topics::new("devnet");
        assert_eq!(t.which(&t.hash(Topic::Consensus)), Some(Topic::Consensus));
        assert_eq!(t.which(&Topics::new("other").hash(Topic::Consensus)), None);
    }

    #[test]
    fn the_prologue_binds_chain_and_genesis() {
        let a = noise_prologue("devnet", Some(&[1; 32]));
        assert_ne!(a, noise_prologue("devnet", Some(&[2; 32])));
        assert_ne!(a, noise_prologue("other", Some(&[1; 32])));
        assert_eq!(noise_prologue("devnet", None), b"bayledger/p2p/v1/devnet".to_vec());
    }

    #[test]
    fn chain_id_follows_the_genesis_rule() {
        assert!(validate_chain_id("bayledger-test-1").is_ok());
        for bad in ["", "Devnet", "a/b", "a b", &"x".repeat(51)] {
            assert!(validate_chain_id(bad).is_err(), "{bad:?}");
        }
    }
}
