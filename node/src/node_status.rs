//! What a node reports about itself beyond its chain (`GetStatus`): the
//! address of its validator key while that key is in the validator set of the
//! height consensus works on (governance adds and removes validators at a
//! height; the consensus edge records each switch), and whether block sync is
//! catching up with peers that are ahead.

use bayledger_types::Address;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::watch;

/// A node whose best peer is more than this many blocks ahead is catching up
/// (one block is ordinary: a peer may commit a moment earlier).
pub const CATCHING_UP_LAG: u64 = 1;

/// Whether a node at `tip` is catching up with a peer at `peer_height`.
pub fn lagging(tip: u64, peer_height: u64) -> bool {
    peer_height > tip.saturating_add(CATCHING_UP_LAG)
}

/// The node's own status, shared by the services that know it.
#[derive(Debug)]
pub struct NodeStatus {
    key: OnceLock<Address>,
    member: AtomicBool,
    catching_up: watch::Sender<bool>,
}

impl Default for NodeStatus {
    fn default() -> Self {
        NodeStatus {
            key: OnceLock::new(),
            member: AtomicBool::new(false),
            catching_up: watch::Sender::new(false),
        }
    }
}

impl NodeStatus {
    /// Records that this node votes (or produces blocks) as `address`: its
    /// validator key, in the set. The key is set once.
    pub fn set_validator(&self, address: Address) {
        self.set_validator_key(address);
        self.set_member(true);
    }

    /// Records the address of this node's validator key (set once), whether
    /// or not it is in the validator set.
    pub fn set_validator_key(&self, address: Address) {
        let _ = self.key.set(address);
    }

    /// Records whether the validator key is in the set of the height
    /// consensus works on.
    pub fn set_member(&self, member: bool) {
        self.member.store(member, Ordering::Relaxed);
    }

    /// The address this node validates as, if its key is in the current set.
    pub fn validator(&self) -> Option<Address> {
        self.key.get().copied().filter(|_| self.member.load(Ordering::Relaxed))
    }

    /// Records whether block sync is behind its peers (logged on change).
    pub fn set_catching_up(&self, behind: bool, tip: u64, best_peer: u64) {
        let changed = self.catching_up.send_if_modified(|v| std::mem::replace(v, behind) != behind);
        if changed && behind {
            tracing::info!(height = tip, target = best_peer, "catching up with peers");
        } else if changed {
            tracing::info!(height = tip, "caught up with peers");
        }
    }

    /// Whether block sync is behind its peers.
    pub fn catching_up(&self) -> bool {
        *self.catching_up.borrow()
    }

    /// Follows changes of [`NodeStatus::catching_up`].
    pub fn watch_catching_up(&self) -> watch::Receiver<bool> {
        self.catching_up.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_and_status() {
        assert!(!lagging(10, 10) && !lagging(10, 11) && !lagging(10, 3));
        assert!(lagging(10, 12) && lagging(0, u64::MAX));
        let s = NodeStatus::default();
        assert_eq!((s.validator(), s.catching_up()), (None, false));
        let mut rx = s.watch_catching_up();
        s.set_catching_up(true, 1, 9);
        assert!(s.catching_up() && rx.has_changed().expect("open"));
        rx.borrow_and_update();
        s.set_catching_up(true, 2, 9);
        assert!(!rx.has_changed().expect("open"), "no change, no wake-up");
        s.set_validator(Address([4; 20]));
        s.set_validator(Address([5; 20]));
        assert_eq!(s.validator(), Some(Address([4; 20])), "set once");
        s.set_member(false);
        assert_eq!(s.validator(), None, "voted out");
        s.set_member(true);
        assert_eq!(s.validator(), Some(Address([4; 20])), "voted back in");

        let full = NodeStatus::default();
        full.set_validator_key(Address([6; 20]));
        assert_eq!(full.validator(), None, "a key outside the set validates nothing");
    }
}
