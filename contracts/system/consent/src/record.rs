//! The stored consent record (ISO/IEC TS 27560 fields) and what it says at a given time:
//! its status and its history, including the derived `expired` event.

use crate::msg::{
    ConsentId, ConsentSummary, ConsentView, EventKind, HistoryEvent, Jurisdictions, LegalBasis,
    Status, Via,
};
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// A recorded action on a consent (giving or withdrawing it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    /// Block time.
    pub at_ms: u64,
    /// Block height.
    pub height: u64,
    /// The address that controls the subject DID (sender, or delegation signer).
    pub actor: String,
    /// The transaction sender.
    pub submitted_by: String,
    /// Direct or by delegation.
    pub via: Via,
}

/// A consent record as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// Assigned by the contract: 1, 2, 3, … in order of grants.
    pub id: u64,
    /// Data subject DID.
    pub subject: String,
    /// Provider (controller) DID.
    pub provider: String,
    /// Recipient DID.
    pub recipient: String,
    /// Data categories covered.
    pub data_categories: Vec<String>,
    /// Purposes covered.
    pub purposes: Vec<String>,
    /// Legal basis.
    pub legal_basis: LegalBasis,
    /// Provider and recipient jurisdictions.
    pub jurisdictions: Jurisdictions,
    /// Start of validity (inclusive).
    pub valid_from_ms: u64,
    /// End of validity (exclusive).
    pub valid_until_ms: u64,
    /// Policy contract address (`0x…`), if any.
    pub policy: Option<String>,
    /// Notice hash (`0x…`), if any.
    pub notice_hash: Option<String>,
    /// When and by whom the consent was given.
    pub given: Action,
    /// When and by whom it was withdrawn.
    pub withdrawn: Option<Action>,
}

impl ConsentRecord {
    /// Whether the provider's and the recipient's jurisdictions differ.
    pub fn cross_border(&self) -> bool {
        self.jurisdictions.provider != self.jurisdictions.recipient
    }

    /// The withdrawal time, if withdrawn at or before `at_ms`.
    pub fn withdrawn_by(&self, at_ms: u64) -> Option<u64> {
        self.withdrawn.as_ref().map(|w| w.at_ms).filter(|&t| t <= at_ms)
    }

    /// The status at `at_ms`, from the recorded history and the validity window. A withdrawal
    /// is only possible before the window ends, so the order of the tests below never hides one.
    pub fn status_at(&self, at_ms: u64) -> Status {
        if at_ms < self.given.at_ms {
            Status::NotYetGiven
        } else if self.withdrawn_by(at_ms).is_some() {
            Status::Withdrawn
        } else if at_ms >= self.valid_until_ms {
            Status::Expired
        } else if at_ms < self.valid_from_ms {
            Status::Pending
        } else {
            Status::Active
        }
    }

    /// The history up to `at_ms`: `given`, then `withdrawn` or the derived `expired`.
    pub fn history_at(&self, at_ms: u64) -> Vec<HistoryEvent> {
        let recorded = |kind, a: &Action| HistoryEvent {
            seq: 0,
            event: kind,
            at_ms: a.at_ms,
            height: Some(a.height),
            actor: Some(a.actor.clone()),
            submitted_by: Some(a.submitted_by.clone()),
            via: a.via,
        };
        let mut events = Vec::new();
        if at_ms >= self.given.at_ms {
            events.push(recorded(EventKind::Given, &self.given));
        }
        if let Some(w) = self.withdrawn.as_ref().filter(|w| w.at_ms <= at_ms) {
            events.push(recorded(EventKind::Withdrawn, w));
        }
        if self.status_at(at_ms) == Status::Expired {
            events.push(HistoryEvent {
                seq: 0,
                event: EventKind::Expired,
                at_ms: self.valid_until_ms,
                height: None,
                actor: None,
                submitted_by: None,
                via: Via::Derived,
            });
        }
        for (seq, e) in (0u32..).zip(events.iter_mut()) {
            e.seq = seq;
        }
        events
    }

    /// The full view at `at_ms`.
    pub fn view_at(&self, at_ms: u64) -> ConsentView {
        ConsentView {
            id: ConsentId(self.id),
            subject: self.subject.clone(),
            provider: self.provider.clone(),
            recipient: self.recipient.clone(),
            data_categories: self.data_categories.clone(),
            purposes: self.purposes.clone(),
            legal_basis: self.legal_basis,
            jurisdictions: self.jurisdictions.clone(),
            cross_border: self.cross_border(),
            valid_from_ms: self.valid_from_ms,
            valid_until_ms: self.valid_until_ms,
            policy: self.policy.clone(),
            notice_hash: self.notice_hash.clone(),
            given_at_ms: self.given.at_ms,
            given_height: self.given.height,
            status: self.status_at(at_ms),
            status_at_ms: at_ms,
            history: self.history_at(at_ms),
        }
    }

    /// The list entry at `at_ms`.
    pub fn summary_at(&self, at_ms: u64) -> ConsentSummary {
        ConsentSummary {
            id: ConsentId(self.id),
            subject: self.subject.clone(),
            provider: self.provider.clone(),
            recipient: self.recipient.clone(),
            cross_border: self.cross_border(),
            valid_from_ms: self.valid_from_ms,
            valid_until_ms: self.valid_until_ms,
            status: self.status_at(at_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(at_ms: u64, via: Via) -> Action {
        Action { at_ms, height: at_ms / 10, actor: "0xa".into(), submitted_by: "0xb".into(), via }
    }

    fn record(withdrawn_at: Option<u64>) -> ConsentRecord {
        ConsentRecord {
            id: 7,
            subject: "did:x:s".into(),
            provider: "did:x:p".into(),
            recipient: "did:x:r".into(),
            data_categories: alloc::vec!["c".into()],
            purposes: alloc::vec!["p".into()],
            legal_basis: LegalBasis::Consent,
            jurisdictions: Jurisdictions { provider: "CN-GD".into(), recipient: "CN-GD".into() },
            valid_from_ms: 200,
            valid_until_ms: 300,
            policy: None,
            notice_hash: None,
            given: action(100, Via::Direct),
            withdrawn: withdrawn_at.map(|t| action(t, Via::Delegation)),
        }
    }

    #[test]
    fn status_follows_the_timeline() {
        let r = record(None);
        let at = |t| r.status_at(t);
        assert_eq!(
            [at(99), at(100), at(199), at(200), at(299), at(300), at(10_000)],
            [
                Status::NotYetGiven,
                Status::Pending,
                Status::Pending,
                Status::Active,
                Status::Active,
                Status::Expired,
                Status::Expired
            ]
        );
        let w = record(Some(250));
        assert_eq!(
            [w.status_at(249), w.status_at(250), w.status_at(300)],
            [Status::Active, Status::Withdrawn, Status::Withdrawn]
        );
        assert!(!r.cross_border());
    }

    #[test]
    fn history_includes_derived_expiry_only_without_withdrawal() {
        let kinds = |r: &ConsentRecord, t| {
            r.history_at(t).iter().map(|e| (e.seq, e.event, e.at_ms, e.via)).collect::<Vec<_>>()
        };
        let r = record(None);
        assert_eq!(kinds(&r, 50), []);
        assert_eq!(kinds(&r, 299), [(0, EventKind::Given, 100, Via::Direct)]);
        assert_eq!(
            kinds(&r, 300),
            [(0, EventKind::Given, 100, Via::Direct), (1, EventKind::Expired, 300, Via::Derived)]
        );
        let expired = &r.history_at(300)[1];
        assert_eq!((expired.height, &expired.actor), (None, &None));
        let w = record(Some(250));
        assert_eq!(kinds(&w, 249), [(0, EventKind::Given, 100, Via::Direct)]);
        assert_eq!(
            kinds(&w, 400),
            [
                (0, EventKind::Given, 100, Via::Direct),
                (1, EventKind::Withdrawn, 250, Via::Delegation)
            ]
        );
    }
}
