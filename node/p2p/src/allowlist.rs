//! The set of node keys allowed to connect.
//!
//! Built from 33-byte compressed node public keys (from genesis today, from governance later) and
//! turned into [`PeerId`]s once. The service enforces it with libp2p's
//! `allow_block_list::Behaviour<AllowedPeers>`, which refuses a connection as soon as the noise
//! handshake has authenticated the remote's key (and refuses to dial a listed-out peer at all), and
//! additionally drops gossip whose signed source is not on the list.

use crate::error::P2pError;
use crate::identity::peer_id_of;
use libp2p::PeerId;
use std::collections::HashMap;

/// Allowed peers, keyed by peer id, with their node public keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    peers: HashMap<PeerId, [u8; 33]>,
}

impl Allowlist {
    /// From compressed node public keys; any invalid key refuses the whole list (a typo must not
    /// silently shrink the network). Duplicates collapse.
    pub fn from_keys<I>(keys: I) -> Result<Allowlist, P2pError>
    where
        I: IntoIterator<Item = [u8; 33]>,
    {
        let mut peers = HashMap::new();
        for key in keys {
            peers.insert(peer_id_of(&key)?, key);
        }
        Ok(Allowlist { peers })
    }

    /// Whether `peer` may connect.
    pub fn contains(&self, peer: &PeerId) -> bool {
        self.peers.contains_key(peer)
    }

    /// The node public key of an allowed peer.
    pub fn pubkey(&self, peer: &PeerId) -> Option<&[u8; 33]> {
        self.peers.get(peer)
    }

    /// The allowed peer ids (any order).
    pub fn peer_ids(&self) -> impl Iterator<Item = &PeerId> {
        self.peers.keys()
    }

    /// Number of allowed peers.
    pub fn len(&self) -> usize {
        self.peers.len()
    }

    /// Whether nobody is allowed.
    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }

    /// Peers in `next` but not here (`added`), and here but not in `next` (`removed`).
    pub(crate) fn diff(&self, next: &Allowlist) -> (Vec<PeerId>, Vec<PeerId>) {
        let added = next.peers.keys().filter(|p| !self.contains(p)).copied().collect();
        let removed = self.peers.keys().filter(|p| !next.contains(p)).copied().collect();
        (added, removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bayledger_types::SecretKey;

    fn pk(n: u8) -> [u8; 33] {
        SecretKey::from_bytes(&[n; 32]).expect("scalar").public_key().to_compressed()
    }

    #[test]
    fn membership_and_keys() {
        let list = Allowlist::from_keys([pk(1), pk(2), pk(2)]).expect("valid");
        assert_eq!(list.len(), 2);
        let p1 = peer_id_of(&pk(1)).expect("valid");
        assert!(list.contains(&p1));
        assert_eq!(list.pubkey(&p1), Some(&pk(1)));
        assert!(!list.contains(&peer_id_of(&pk(3)).expect("valid")));
    }

    #[test]
    fn one_invalid_key_refuses_the_list() {
        assert!(matches!(
            Allowlist::from_keys([pk(1), [0u8; 33]]),
            Err(P2pError::InvalidPublicKey(_))
        ));
    }

    #[test]
    fn diff_names_added_and_removed() {
        let old = Allowlist::from_keys([pk(1), pk(2)]).expect("valid");
        let new = Allowlist::from_keys([pk(2), pk(3)]).expect("valid");
        let (added, removed) = old.diff(&new);
        assert_eq!(added, vec![peer_id_of(&pk(3)).expect("valid")]);
        assert_eq!(removed, vec![peer_id_of(&pk(1)).expect("valid")]);
        assert_eq!(new.diff(&new), (vec![], vec![]));
    }
}
