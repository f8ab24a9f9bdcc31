//! Step timeouts and the timers the edge runs for the engine.
//!
//! The engine never reads a clock: it asks for a timer ([`Timer`] + duration)
//! and is told when it fired. Durations grow linearly with the round
//! (`base + delta · round`, capped), as Tendermint's liveness argument needs
//! (paper §3: after GST the timeouts eventually exceed the message delay).

use std::time::Duration;

use malachitebft_core_types as mc;

/// Round-step timeouts: `base + delta · round`, capped at `max`.
///
/// Tendermint needs timeouts that grow with the round so that, after GST, a
/// round eventually lasts long enough for correct processes to hear each other
/// (paper §3, "timeout_propose(r)" etc.).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutConfig {
    /// Waiting for the proposal (paper line 21 → line 57).
    pub propose: Duration,
    /// Added per round.
    pub propose_delta: Duration,
    /// After 2f+1 prevotes for anything (line 34 → line 61).
    pub prevote: Duration,
    /// Added per round.
    pub prevote_delta: Duration,
    /// After 2f+1 precommits for anything (line 47 → line 65).
    pub precommit: Duration,
    /// Added per round.
    pub precommit_delta: Duration,
    /// Re-sending our latest votes while stuck in a round (Malachite's
    /// liveness rebroadcast; makes lossy links eventually reliable).
    pub rebroadcast: Duration,
    /// Upper bound for any of the above.
    pub max: Duration,
}

impl Default for TimeoutConfig {
    fn default() -> Self {
        TimeoutConfig {
            propose: Duration::from_millis(1000),
            propose_delta: Duration::from_millis(500),
            prevote: Duration::from_millis(500),
            prevote_delta: Duration::from_millis(250),
            precommit: Duration::from_millis(500),
            precommit_delta: Duration::from_millis(250),
            rebroadcast: Duration::from_millis(2000),
            max: Duration::from_secs(30),
        }
    }
}

impl TimeoutConfig {
    /// How long the `kind` timeout of `round` lasts.
    pub fn duration(&self, kind: TimeoutKind, round: u32) -> Duration {
        let (base, delta) = match kind {
            TimeoutKind::Propose => (self.propose, self.propose_delta),
            TimeoutKind::Prevote => (self.prevote, self.prevote_delta),
            TimeoutKind::Precommit => (self.precommit, self.precommit_delta),
            TimeoutKind::Rebroadcast => (self.rebroadcast, Duration::ZERO),
        };
        base.saturating_add(delta.saturating_mul(round)).min(self.max)
    }
}

/// Which step a timer belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimeoutKind {
    /// `timeoutPropose` (paper line 57).
    Propose,
    /// `timeoutPrevote` (paper line 61).
    Prevote,
    /// `timeoutPrecommit` (paper line 65).
    Precommit,
    /// Re-send our latest votes.
    Rebroadcast,
}

impl TimeoutKind {
    pub(crate) fn to_mc(self) -> mc::TimeoutKind {
        match self {
            TimeoutKind::Propose => mc::TimeoutKind::Propose,
            TimeoutKind::Prevote => mc::TimeoutKind::Prevote,
            TimeoutKind::Precommit => mc::TimeoutKind::Precommit,
            TimeoutKind::Rebroadcast => mc::TimeoutKind::Rebroadcast,
        }
    }

    pub(crate) fn from_mc(kind: mc::TimeoutKind) -> Option<TimeoutKind> {
        match kind {
            mc::TimeoutKind::Propose => Some(TimeoutKind::Propose),
            mc::TimeoutKind::Prevote => Some(TimeoutKind::Prevote),
            mc::TimeoutKind::Precommit => Some(TimeoutKind::Precommit),
            mc::TimeoutKind::Rebroadcast => Some(TimeoutKind::Rebroadcast),
            mc::TimeoutKind::FinalizeHeight(_) => None,
        }
    }
}

/// A timer the engine asked for. Hand it back to
/// [`crate::BftEngine::timeout_elapsed`]
/// when it fires; a timer that was cancelled or superseded (same height, round
/// and kind scheduled again) is ignored, so the edge never needs to cancel one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timer {
    /// Height.
    pub height: u64,
    /// Round.
    pub round: u32,
    /// Step.
    pub kind: TimeoutKind,
    /// Distinguishes re-schedulings of the same timeout.
    pub id: u64,
}
