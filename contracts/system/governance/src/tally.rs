//! The decision rule. With `T` the electorate's total weight, `Y`/`N`/`A` the yes/no/abstain
//! weight so far, `p` the participation and `a` the approval threshold (percentages):
//!
//! - **passed** as soon as `Y + N + A ≥ p% · T` (quorum) and `Y ≥ a% · (T − A)` and `Y > 0`:
//!   the yes votes reach the approval threshold even if every member who has not voted yet
//!   votes no, so no later vote could change the outcome;
//! - **rejected** as soon as it can no longer pass: even if every member who has not voted yet
//!   voted yes, `Y` would stay below `a% · (T − A)` (or everyone voted without passing).
//!
//! Otherwise it stays open until its period ends (then it is expired). Integer arithmetic in
//! `u128`, so the rule is exact.

use crate::record::Tally;

/// A tally's outcome, if it is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The thresholds are met whatever the remaining members vote.
    Passed,
    /// The thresholds can no longer be met.
    Rejected,
}

/// Decides `tally` under the thresholds, or `None` while the remaining votes matter.
pub fn decide(tally: &Tally, participation: u8, approval: u8) -> Option<Decision> {
    let (y, n, a, t) = (
        u128::from(tally.yes),
        u128::from(tally.no),
        u128::from(tally.abstain),
        u128::from(tally.total_weight),
    );
    let (p, ap) = (u128::from(participation), u128::from(approval));
    let voted = y + n + a;
    let eligible = t.saturating_sub(a);
    let quorum = voted * 100 >= p * t;
    if quorum && y > 0 && y * 100 >= ap * eligible {
        return Some(Decision::Passed);
    }
    let best_yes = eligible.saturating_sub(n);
    if best_yes * 100 < ap * eligible || voted >= t {
        return Some(Decision::Rejected);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(yes: u64, no: u64, abstain: u64, total_weight: u64) -> Tally {
        Tally { yes, no, abstain, total_weight }
    }

    #[test]
    fn a_sole_member_passes_alone() {
        assert_eq!(decide(&t(1, 0, 0, 1), 100, 100), Some(Decision::Passed));
        assert_eq!(decide(&t(0, 1, 0, 1), 50, 51), Some(Decision::Rejected));
    }

    #[test]
    fn four_equal_members_at_two_thirds() {
        // 3 of 4 yes is 75% ≥ 67%; 2 of 4 could still be outvoted.
        assert_eq!(decide(&t(1, 0, 0, 4), 50, 67), None);
        assert_eq!(decide(&t(2, 0, 0, 4), 50, 67), None);
        assert_eq!(decide(&t(3, 0, 0, 4), 50, 67), Some(Decision::Passed));
        // Two no votes leave at most 2 of 4 yes: 50% < 67%.
        assert_eq!(decide(&t(1, 2, 0, 4), 50, 67), Some(Decision::Rejected));
        assert_eq!(decide(&t(1, 1, 0, 4), 50, 67), None);
    }

    #[test]
    fn abstentions_count_for_quorum_only() {
        // 2 yes, 2 abstain of 4: quorum met, yes is 100% of the non-abstaining weight.
        assert_eq!(decide(&t(2, 0, 2, 4), 75, 67), Some(Decision::Passed));
        // Quorum of 100% is not met while a member has not voted.
        assert_eq!(decide(&t(2, 0, 1, 4), 100, 50), None);
        // Everyone abstained: nothing can pass.
        assert_eq!(decide(&t(0, 0, 4, 4), 50, 50), Some(Decision::Rejected));
    }

    #[test]
    fn weights_matter_not_heads() {
        // One member of weight 6 against three of weight 1 each.
        assert_eq!(decide(&t(6, 0, 0, 9), 50, 66), Some(Decision::Passed));
        assert_eq!(decide(&t(3, 0, 0, 9), 30, 50), None);
        assert_eq!(decide(&t(3, 6, 0, 9), 30, 50), Some(Decision::Rejected));
    }

    #[test]
    fn large_weights_do_not_overflow() {
        let big = u64::MAX / 2;
        assert_eq!(decide(&t(big, 0, 0, big), 100, 100), Some(Decision::Passed));
    }
}
