//! The consent contract's vocabulary and answers. They are the contract's own types
//! (`consent::msg`, which `contracts/system/consent/schema/consent.json` documents),
//! re-exported here; parse errors convert into [`SdkError`].

use crate::error::SdkError;

pub use consent::msg::{
    CheckResponse, ConfigResponse, ConsentId, ConsentSummary, ConsentView, ConsentsResponse,
    EventKind, GrantResponse, HistoryEvent, HistoryResponse, InvalidConsentId, InvalidLegalBasis,
    Jurisdictions, LegalBasis, NonceResponse, Receipt, Status, TransfersResponse, Via,
    WithdrawResponse,
};

impl From<InvalidConsentId> for SdkError {
    fn from(e: InvalidConsentId) -> SdkError {
        SdkError::Invalid(e.to_string())
    }
}

impl From<InvalidLegalBasis> for SdkError {
    fn from(e: InvalidLegalBasis) -> SdkError {
        SdkError::Invalid(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn consent_ids_follow_the_contract_rule_and_travel_as_strings() {
        assert_eq!("1".parse::<ConsentId>().unwrap(), ConsentId(1));
        assert_eq!("18446744073709551615".parse::<ConsentId>().unwrap(), ConsentId(u64::MAX));
        for bad in ["", "0", "01", "+1", "-1", "1a", "18446744073709551616"] {
            let e = bad.parse::<ConsentId>().expect_err(bad).to_string();
            assert!(e.contains("is not a consent id"), "{e}");
        }
        assert_eq!(serde_json::to_value(ConsentId(42)).unwrap(), json!("42"));
        assert_eq!(serde_json::from_value::<ConsentId>(json!("7")).unwrap(), ConsentId(7));
        assert!(serde_json::from_value::<ConsentId>(json!(7)).is_err());
        assert!(serde_json::from_value::<ConsentId>(json!("07")).is_err());
    }

    #[test]
    fn legal_bases_parse_and_print_their_message_spelling() {
        for b in LegalBasis::ALL {
            assert_eq!(b.as_str().parse::<LegalBasis>().unwrap(), b);
            assert_eq!(serde_json::to_value(b).unwrap(), json!(b.as_str()));
        }
        let e = "Separate-Consent".parse::<LegalBasis>().unwrap_err().to_string();
        assert!(e.contains("one of consent, explicit-consent, separate-consent"), "{e}");
    }

    #[test]
    fn displays_use_the_wire_spelling() {
        for s in [
            Status::NotYetGiven,
            Status::Pending,
            Status::Active,
            Status::Withdrawn,
            Status::Expired,
        ] {
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.to_string()));
        }
        for v in [Via::Direct, Via::Delegation, Via::Derived] {
            assert_eq!(serde_json::to_value(v).unwrap(), json!(v.as_str()));
        }
        for e in [EventKind::Given, EventKind::Withdrawn, EventKind::Expired] {
            assert_eq!(serde_json::to_value(e).unwrap(), json!(e.to_string()));
        }
    }

    #[test]
    fn answers_decode_from_the_contract_json() {
        let check: CheckResponse = serde_json::from_value(json!({
            "allowed": false, "reason": "withdrawn: consent 3 was withdrawn at 5", "consent_id": "3"
        }))
        .unwrap();
        assert_eq!((check.reason_kind(), check.consent_id), ("withdrawn", Some(ConsentId(3))));
        let none: CheckResponse = serde_json::from_value(
            json!({"allowed": false, "reason": "no consent: …", "consent_id": null}),
        )
        .unwrap();
        assert_eq!((none.reason_kind(), none.consent_id), ("no consent", None));

        let history: HistoryResponse = serde_json::from_value(json!({
            "id": "1", "at_ms": 10,
            "events": [
                {"seq": 0, "event": "given", "at_ms": 1, "height": 2, "actor": "0xaa",
                 "submitted_by": "0xbb", "via": "delegation"},
                {"seq": 1, "event": "expired", "at_ms": 9, "height": null, "actor": null,
                 "submitted_by": null, "via": "derived"}
            ]
        }))
        .unwrap();
        assert_eq!(history.events[1].event, EventKind::Expired);
        assert_eq!(history.events[1].via, Via::Derived);
        assert_eq!(history.events[0].height, Some(2));

        let view: ConsentView = serde_json::from_value(json!({
            "id": "1", "subject": "did:x:s", "provider": "did:x:p", "recipient": "did:x:r",
            "data_categories": ["a"], "purposes": ["b"], "legal_basis": "separate-consent",
            "jurisdictions": {"provider": "CN-GD", "recipient": "HK"}, "cross_border": true,
            "valid_from_ms": 1, "valid_until_ms": 2, "policy": null, "notice_hash": null,
            "given_at_ms": 1, "given_height": 3, "status": "not_yet_given", "status_at_ms": 0,
            "history": []
        }))
        .unwrap();
        assert_eq!(
            (view.status, view.legal_basis),
            (Status::NotYetGiven, LegalBasis::SeparateConsent)
        );
    }
}
