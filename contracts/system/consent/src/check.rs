//! The consent check: does a consent allow this transfer at this time? Shared by the `check`
//! query (over every consent of the parties) and `record_transfer` (one named consent).
//!
//! A consent is judged in this order; the first failure is its reason:
//! not yet given at `at_ms` → category → purpose → withdrawn → window (not yet valid /
//! expired) → policy contract. Across several consents of the same parties the best fit
//! wins (allowed > policy refused > outside its window or withdrawn > purpose not covered >
//! category not covered > not given), ties going to the newest consent.

use crate::msg::{PolicyAnswer, PolicyCheck, PolicyQuery};
use crate::record::ConsentRecord;
use crate::state::{self, BY_PARTIES};
use crate::validate::{joined, truncated};
use alloc::format;
use alloc::string::String;
use alloc::string::ToString;
use alloc::vec::Vec;
use bayledger_contract_sdk::{Address, Error, call};

/// Longest policy reason quoted in a check reason, in bytes.
const MAX_QUOTED_REASON: usize = 300;

/// What is asked: a category, for a purpose, at a time.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Data category.
    pub category: &'a str,
    /// Purpose.
    pub purpose: &'a str,
    /// Time, ms since the Unix epoch.
    pub at_ms: u64,
}

/// The answer of a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the transfer is allowed.
    pub allowed: bool,
    /// Why.
    pub reason: String,
    /// The deciding consent, if any.
    pub consent_id: Option<u64>,
}

/// How well a consent fits a request, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    NotGiven,
    CategoryNotCovered,
    PurposeNotCovered,
    /// Withdrawn, not yet valid or expired.
    NotInForce,
    PolicyRefused,
}

/// The terms without the policy: `Err` with how and why the consent falls short.
fn terms_fit(r: &ConsentRecord, q: &Request<'_>) -> Result<(), (Fit, String)> {
    let id = r.id;
    if q.at_ms < r.given.at_ms {
        return Err((
            Fit::NotGiven,
            format!("no consent: consent {id} was only given at {}", r.given.at_ms),
        ));
    }
    if !r.data_categories.iter().any(|c| c == q.category) {
        return Err((
            Fit::CategoryNotCovered,
            format!(
                "category not covered: consent {id} covers [{}], not {:?}",
                joined(&r.data_categories),
                q.category
            ),
        ));
    }
    if !r.purposes.iter().any(|p| p == q.purpose) {
        return Err((
            Fit::PurposeNotCovered,
            format!(
                "purpose not covered: consent {id} covers [{}], not {:?}",
                joined(&r.purposes),
                q.purpose
            ),
        ));
    }
    if let Some(t) = r.withdrawn_by(q.at_ms) {
        return Err((Fit::NotInForce, format!("withdrawn: consent {id} was withdrawn at {t}")));
    }
    if q.at_ms < r.valid_from_ms {
        return Err((
            Fit::NotInForce,
            format!("not yet valid: consent {id} is valid from {}", r.valid_from_ms),
        ));
    }
    if q.at_ms >= r.valid_until_ms {
        return Err((
            Fit::NotInForce,
            format!("expired: consent {id} expired at {}", r.valid_until_ms),
        ));
    }
    Ok(())
}

/// Asks the consent's policy contract, if it names one. `Ok(reason)` allows, `Err(reason)`
/// refuses; a policy that fails or answers badly refuses too.
fn policy_fit(r: &ConsentRecord, q: &Request<'_>) -> Result<String, String> {
    let covered = format!(
        "allowed: consent {} covers {:?} for {:?} until {}",
        r.id, q.category, q.purpose, r.valid_until_ms
    );
    let Some(policy) = r.policy.as_deref() else { return Ok(covered) };
    let refused =
        |why: String| format!("policy refused: {why} (consent {}, policy {policy})", r.id);
    let address: Address =
        policy.parse().map_err(|e| refused(format!("bad stored address: {e}")))?;
    let msg = serde_json::to_vec(&PolicyQuery {
        check_transfer: PolicyCheck {
            consent_id: r.id.to_string(),
            subject: &r.subject,
            provider: &r.provider,
            recipient: &r.recipient,
            category: q.category,
            purpose: q.purpose,
            cross_border: r.cross_border(),
            at_ms: q.at_ms,
        },
    })
    .map_err(|e| refused(format!("cannot encode the query: {e}")))?;
    let answer = call::query_contract(&address, &msg).map_err(|e| {
        refused(format!(
            "the policy could not be consulted: {}",
            truncated(&e.reason, MAX_QUOTED_REASON)
        ))
    })?;
    let answer: PolicyAnswer = serde_json::from_slice(&answer)
        .map_err(|e| refused(format!("the policy answered badly: {e}")))?;
    let reason = truncated(&answer.reason, MAX_QUOTED_REASON);
    if answer.allowed {
        Ok(format!("{covered}; policy {policy}: {reason}"))
    } else {
        Err(refused(reason))
    }
}

/// Judges one consent.
pub fn check_consent(r: &ConsentRecord, q: &Request<'_>) -> Decision {
    let (allowed, reason) = match terms_fit(r, q) {
        Err((_, reason)) => (false, reason),
        Ok(()) => match policy_fit(r, q) {
            Ok(reason) => (true, reason),
            Err(reason) => (false, reason),
        },
    };
    Decision { allowed, reason, consent_id: Some(r.id) }
}

/// Judges every consent `subject` gave `provider` for transfers to `recipient`.
pub fn check_parties(
    subject: &str,
    provider: &str,
    recipient: &str,
    q: &Request<'_>,
) -> Result<Decision, Error> {
    let scope = state::parties_key(subject, provider, recipient);
    let mut best: Option<(Fit, u64, String)> = None;
    let mut in_force: Vec<ConsentRecord> = Vec::new();
    for id in BY_PARTIES.numbers(&scope, None) {
        let r = state::must_load_consent(id?)?;
        match terms_fit(&r, q) {
            Ok(()) => in_force.push(r),
            // Ids ascend, so `>=` lets the newest of equal fits win.
            Err((fit, reason)) => {
                if best.as_ref().is_none_or(|(f, _, _)| fit >= *f) {
                    best = Some((fit, r.id, reason));
                }
            }
        }
    }
    // Newest first; the first the policy allows decides.
    for r in in_force.iter().rev() {
        match policy_fit(r, q) {
            Ok(reason) => return Ok(Decision { allowed: true, reason, consent_id: Some(r.id) }),
            Err(reason) => {
                if best.as_ref().is_none_or(|(f, _, _)| *f < Fit::PolicyRefused) {
                    best = Some((Fit::PolicyRefused, r.id, reason));
                }
            }
        }
    }
    Ok(match best {
        Some((fit, id, reason)) if fit > Fit::NotGiven => {
            Decision { allowed: false, reason, consent_id: Some(id) }
        }
        _ => Decision {
            allowed: false,
            reason: format!(
                "no consent: {subject} had given {provider} no consent for transfers to \
                 {recipient} at {}",
                q.at_ms
            ),
            consent_id: None,
        },
    })
}
