//! Redialing bootstrap peers with exponential backoff.
//!
//! Pure bookkeeping over explicit instants (the driver owns the clock and the dialing): every
//! bootstrap peer is dialed at start; when its last connection drops or a dial fails it is dialed
//! again after the current backoff, which doubles up to the maximum. A connection that stayed up
//! for at least the maximum backoff counts as healthy and resets the backoff, so a peer that is
//! restarted is rejoined quickly while one that keeps refusing us is retried ever more slowly.

use libp2p::{Multiaddr, PeerId};
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Entry {
    addr: Multiaddr,
    backoff: Duration,
    /// When to dial next; `None` while connected, while a dial is in flight, or while parked.
    due: Option<Instant>,
    connected_since: Option<Instant>,
}

/// Redial schedule of the bootstrap peers.
#[derive(Debug)]
pub(crate) struct Redialer {
    peers: HashMap<PeerId, Entry>,
    initial: Duration,
    max: Duration,
}

impl Redialer {
    /// All peers due immediately.
    pub(crate) fn new(
        bootstrap: impl IntoIterator<Item = (PeerId, Multiaddr)>,
        initial: Duration,
        max: Duration,
        now: Instant,
    ) -> Redialer {
        let peers = bootstrap
            .into_iter()
            .map(|(peer, addr)| {
                (peer, Entry { addr, backoff: initial, due: Some(now), connected_since: None })
            })
            .collect();
        Redialer { peers, initial, max }
    }

    /// The bootstrap address of `peer`.
    pub(crate) fn addr_of(&self, peer: &PeerId) -> Option<&Multiaddr> {
        self.peers.get(peer).map(|e| &e.addr)
    }

    /// The earliest pending dial.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.peers.values().filter_map(|e| e.due).min()
    }

    /// Peers whose dial is due; they stay unscheduled until [`Self::on_connected`] or a failure.
    pub(crate) fn take_due(&mut self, now: Instant) -> Vec<(PeerId, Multiaddr)> {
        let mut due = Vec::new();
        for (peer, e) in &mut self.peers {
            if e.due.is_some_and(|d| d <= now) {
                e.due = None;
                due.push((*peer, e.addr.clone()));
            }
        }
        due
    }

    /// The first connection to `peer` is up.
    pub(crate) fn on_connected(&mut self, peer: &PeerId, now: Instant) {
        if let Some(e) = self.peers.get_mut(peer) {
            e.due = None;
            e.connected_since.get_or_insert(now);
        }
    }

    /// The last connection to `peer` closed.
    pub(crate) fn on_disconnected(&mut self, peer: &PeerId, now: Instant) {
        let (initial, max) = (self.initial, self.max);
        if let Some(e) = self.peers.get_mut(peer) {
            if e.connected_since.take().is_some_and(|since| now.duration_since(since) >= max) {
                e.backoff = initial;
            }
            Self::schedule(e, now, max);
        }
    }

    /// A dial to `peer` failed (unreachable, handshake failed, refused).
    pub(crate) fn on_dial_failed(&mut self, peer: &PeerId, now: Instant) {
        let max = self.max;
        if let Some(e) = self.peers.get_mut(peer)
            && e.connected_since.is_none()
            && e.due.is_none()
        {
            Self::schedule(e, now, max);
        }
    }

    /// Dial `peer` now if it is not connected (it was just added to the allowlist).
    pub(crate) fn wake(&mut self, peer: &PeerId, now: Instant) {
        if let Some(e) = self.peers.get_mut(peer)
            && e.connected_since.is_none()
        {
            e.backoff = self.initial;
            e.due = Some(now);
        }
    }

    fn schedule(e: &mut Entry, now: Instant, max: Duration) {
        e.due = Some(now + e.backoff);
        e.backoff = (e.backoff * 2).min(max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn setup() -> (Redialer, PeerId, Instant) {
        let peer = PeerId::random();
        let now = Instant::now();
        let addr: Multiaddr = "/ip4/127.0.0.1/tcp/1".parse().expect("addr");
        (Redialer::new([(peer, addr)], 100 * MS, 800 * MS, now), peer, now)
    }

    #[test]
    fn failures_back_off_exponentially_up_to_the_max() {
        let (mut r, peer, t0) = setup();
        assert_eq!(r.next_deadline(), Some(t0));
        assert_eq!(r.take_due(t0).len(), 1);
        assert_eq!(r.next_deadline(), None, "in flight");
        let mut now = t0;
        for expected in [100, 200, 400, 800, 800] {
            r.on_dial_failed(&peer, now);
            assert_eq!(r.next_deadline(), Some(now + expected * MS));
            assert!(r.take_due(now + (expected - 1) * MS).is_empty(), "not yet");
            now += expected * MS;
            assert_eq!(r.take_due(now).len(), 1);
        }
    }

    #[test]
    fn healthy_connection_resets_backoff_and_flapping_does_not() {
        let (mut r, peer, t0) = setup();
        r.take_due(t0);
        r.on_dial_failed(&peer, t0); // backoff now 200
        r.take_due(t0 + 100 * MS);
        // Connected but dropped right away (e.g. the remote does not list us): keep backing off.
        r.on_connected(&peer, t0 + 110 * MS);
        r.on_disconnected(&peer, t0 + 120 * MS);
        assert_eq!(r.next_deadline(), Some(t0 + 320 * MS));
        r.take_due(t0 + 320 * MS);
        // Up for longer than the max backoff: the next drop redials after the initial backoff.
        r.on_connected(&peer, t0 + 330 * MS);
        let later = t0 + 330 * MS + 800 * MS;
        r.on_disconnected(&peer, later);
        assert_eq!(r.next_deadline(), Some(later + 100 * MS));
    }

    #[test]
    fn connected_peers_are_not_redialed_and_wake_dials_now() {
        let (mut r, peer, t0) = setup();
        r.take_due(t0);
        r.on_connected(&peer, t0);
        r.on_dial_failed(&peer, t0); // a duplicate dial failing while connected changes nothing
        assert_eq!(r.next_deadline(), None);
        r.on_disconnected(&peer, t0 + MS);
        r.take_due(t0 + 200 * MS);
        r.wake(&peer, t0 + 300 * MS);
        assert_eq!(r.next_deadline(), Some(t0 + 300 * MS));
        r.on_disconnected(&PeerId::random(), t0); // unknown peers are ignored
    }
}
