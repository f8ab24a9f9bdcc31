//! Flow (c): user-authorised data portability under PIPL.
//!
//! A data subject (party 0), a Guangdong hospital holding their records (the provider, party
//! 1), a Hong Kong clinic (the recipient, party 2) and an auditor (party 3) each register a
//! key-only `did:bayledger` DID, each through its own node when there are several. The
//! consortium committee deploys the example `health-data-policy` (health data crosses a border
//! only to a recipient holding a valid `health-certificate` credential), and votes to register
//! that credential type unless an earlier flow on this chain did, and to admit the Hong Kong
//! health department's DID as its issuer (governance proposals).
//!
//! The subject's wallet signs a grant (the `docs/privacy.md` §6 delegation digest): the
//! hospital may transfer lab results and imaging to the clinic for treatment, CN-GD → HK,
//! under separate consent, for 180 days, subject to the policy; the hospital submits it. Its
//! check is refused by the policy until the health department issues the clinic a
//! certificate, then allowed. The hospital sends lab results off-chain and records a receipt
//! (a salted commitment of exactly what it sent); the clinic checks the receipt against what
//! it received.
//!
//! Refusals the chain must make: the hospital granting or withdrawing for the subject
//! (`unauthorized`, also with a withdrawal delegation it signed itself), a replayed delegation, a category and a purpose the consent does not
//! cover, a check for another recipient, and — after the subject withdraws — checks
//! (`withdrawn`) and a transfer. Finally the subject and the auditor, each on its own node,
//! read the whole trail (the consent, its history given → withdrawn, the receipts) and the
//! flow checks it is complete and the same for both.

use crate::health_certificate::{CREDENTIAL_TYPE, SCHEMA, SCHEMA_URI, registered_type};
use crate::{Network, Party, Transcript, caught_up, refused_as};
use bayledger_sdk::system::consent::policy::{HEALTH_DATA_POLICY_WASM, health_data_policy_config};
use bayledger_sdk::system::consent::{
    CheckRequest, CheckResponse, ConsentId, Consents, DeployedPolicy, EventKind, GrantTerms,
    HealthDataPolicy, HistoryEvent, Jurisdictions, LegalBasis, ListBy, Receipt, Status,
    TransferRecord, Via, deploy_health_data_policy, hash0x,
};
use bayledger_sdk::system::credentials::time::format_ms;
use bayledger_sdk::system::credentials::{
    Credentials, IssueRequest, NewType, issue_credential, register_type_action,
};
use bayledger_sdk::system::did::DidRegistry;
use bayledger_sdk::system::governance::ProposalAction;
use bayledger_sdk::system::hash_registry::commitment::{Commitment, salted_sha3};
use bayledger_sdk::{Address, Hash};
use eyre::{Result, WrapErr, bail, ensure};
use serde_json::json;

/// The categories the subject consents to (the policy treats both as health data).
pub const CATEGORIES: [&str; 2] = ["health.lab-results", "health.imaging"];
/// The purpose consented to.
pub const PURPOSE: &str = "treatment";

const DAY_MS: u64 = 86_400_000;
const COMMITTEE: &str = "consortium committee";

/// The DIDs of the consent's parties.
struct Dids {
    subject: String,
    provider: String,
    recipient: String,
}

impl Dids {
    /// May the provider send `category` to the recipient for `purpose` now?
    fn check(&self, category: &str, purpose: &str) -> CheckRequest {
        CheckRequest {
            subject: self.subject.clone(),
            provider: self.provider.clone(),
            recipient: self.recipient.clone(),
            category: category.into(),
            purpose: purpose.into(),
            at_ms: None,
        }
    }
}

/// What the hospital sent off-chain, and its receipt.
struct Sent {
    payload: Vec<u8>,
    receipt: Receipt,
}

/// What every reader of the trail must find.
struct Expected {
    subject: Address,
    hospital: Address,
    receipt: Receipt,
}

/// The trail as one node answers it.
#[derive(Debug, PartialEq, Eq)]
struct Trail {
    history: Vec<HistoryEvent>,
    transfers: Vec<Receipt>,
}

/// Runs the flow; every answer the chain gets wrong is an error saying what it answered.
pub async fn run(net: &Network, t: &mut Transcript) -> Result<()> {
    let subject = net.party("data subject", 0);
    let hospital = net.party("Guangdong hospital", 1);
    let clinic = net.party("Hong Kong clinic", 2);
    let auditor = net.party("auditor", 3);
    let health_dept = net.party("Hong Kong health department", 4);
    Consents::new(net.nodes[0].clone())
        .handle()
        .check()
        .await
        .wrap_err("the chain has no consent contract")?;
    for p in [&subject, &hospital, &clinic, &auditor, &health_dept] {
        t.say(&p.name, format!("account {} on {}", p.key.address(), p.client.url()));
    }
    let dids = Dids {
        subject: create_did(&subject, t).await?,
        provider: create_did(&hospital, t).await?,
        recipient: create_did(&clinic, t).await?,
    };
    create_did(&auditor, t).await?;
    let issuer = create_did(&health_dept, t).await?;

    let policy = deploy_policy(net, t).await?;
    admit_issuer(net, &issuer, t).await?;

    let id = grant(&subject, &hospital, &dids, &policy, t).await?;
    let lab_results = dids.check(CATEGORIES[0], PURPOSE);

    // The policy refuses until the clinic is certified.
    let provider = Consents::new(hospital.client.clone());
    let answer = provider.check(&lab_results).await?;
    expect_refused(&answer, "policy refused", "a check before the clinic is certified")?;
    t.say(&hospital.name, format!("check before the clinic is certified: {}", answer.reason));
    certify_clinic(&health_dept, &issuer, &dids.recipient, t).await?;
    caught_up(&hospital.client, &health_dept.client).await?;
    let answer = provider.check(&lab_results).await?;
    ensure!(
        answer.allowed && answer.consent_id == Some(id),
        "the hospital's check should be allowed by consent {id}: {answer:?}"
    );
    t.say(&hospital.name, format!("check: {}", answer.reason));

    refusals_while_active(&hospital, &clinic, &dids, net, t).await?;
    let sent = transfer(&hospital, &clinic, &dids, id, t).await?;
    withdraw(&subject, &hospital, id, t).await?;
    caught_up(&hospital.client, &subject.client).await?;
    refusals_after_withdrawal(&hospital, &lab_results, &sent, t).await?;

    let expected = Expected {
        subject: subject.key.address(),
        hospital: hospital.key.address(),
        receipt: sent.receipt,
    };
    let trail = read_trail(&subject, ListBy::Subject, &dids.subject, id, &expected, t).await?;
    caught_up(&auditor.client, &subject.client).await?;
    let audit = read_trail(&auditor, ListBy::Provider, &dids.provider, id, &expected, t).await?;
    ensure!(trail == audit, "the subject's and the auditor's nodes disagree on the trail");
    t.say(&auditor.name, "the trail read on its own node is the same as the subject's");
    Ok(())
}

/// Registers the party's default DID with a document of its own key.
async fn create_did(p: &Party, t: &mut Transcript) -> Result<String> {
    let created = DidRegistry::new(p.client.clone())
        .create_for_key(&p.key)
        .await
        .wrap_err_with(|| format!("{} creating its DID", p.name))?;
    t.say(&p.name, format!("registered {} with its key as #key-1", created.value.did));
    Ok(created.value.did)
}

/// The committee deploys the health-data policy for `health-certificate` holders.
async fn deploy_policy(net: &Network, t: &mut Transcript) -> Result<DeployedPolicy> {
    let config = HealthDataPolicy {
        credential_type: CREDENTIAL_TYPE.into(),
        health_categories: CATEGORIES.iter().map(|c| c.to_string()).collect(),
    };
    let wasm = net.contracts_dir.join(HEALTH_DATA_POLICY_WASM);
    let deployed =
        deploy_health_data_policy(&net.nodes[0], net.committee_member()?, &wasm, &config)
            .await
            .wrap_err("deploying the health-data policy")?;
    let stored = health_data_policy_config(&net.nodes[0], &deployed.address).await?;
    ensure!(stored == config.init_msg(), "the policy stored another configuration: {stored}");
    t.say(
        COMMITTEE,
        format!(
            "deployed the health-data policy at {} (code {}): {} leave their jurisdiction \
             only for holders of a valid {CREDENTIAL_TYPE:?}",
            deployed.address,
            deployed.code_hash,
            CATEGORIES.join(" and ")
        ),
    );
    Ok(deployed)
}

/// Registers the credential type (tolerating an earlier registration on this chain) and
/// admits the health department's DID as its issuer.
async fn admit_issuer(net: &Network, issuer: &str, t: &mut Transcript) -> Result<()> {
    let committee = Credentials::new(net.nodes[0].clone());
    let registered = registered_type(&committee).await?.is_some();
    let mut actions = Vec::new();
    if registered {
        t.say(COMMITTEE, format!("{CREDENTIAL_TYPE:?} is already registered on this chain"));
    } else {
        actions.push(register_type_action(&NewType {
            id: CREDENTIAL_TYPE.into(),
            name: "Health certificate".into(),
            description: "A health credential recognised across the Greater Bay Area".into(),
            schema_hash: Hash::sha3(SCHEMA.as_bytes()),
            schema_uri: SCHEMA_URI.into(),
            owner: net.committee_address()?,
        }));
    }
    actions.push(ProposalAction::AddIssuer {
        credential_type: CREDENTIAL_TYPE.into(),
        issuer: issuer.into(),
    });
    let passed = net
        .govern("Recognise the Hong Kong health department", actions)
        .await
        .wrap_err("registering the type and admitting the health department as an issuer")?;
    if !registered {
        t.say(
            COMMITTEE,
            format!("proposal {} registered the credential type {CREDENTIAL_TYPE:?}", passed.id),
        );
    }
    t.say(
        COMMITTEE,
        format!("proposal {} admitted {issuer} as an issuer of {CREDENTIAL_TYPE:?}", passed.id),
    );
    Ok(())
}

/// The health department issues the clinic a certificate of a licensed healthcare
/// institution, valid for a year.
async fn certify_clinic(
    dept: &Party,
    issuer: &str,
    clinic: &str,
    t: &mut Transcript,
) -> Result<()> {
    let now = dept.client.status().await?.latest_block_time_ms;
    let claims = json!({
        "certificate": "licensed healthcare institution",
        "licence": "HK-MC-2026-0417",
        "scope": "outpatient care and diagnostics",
    });
    let req = IssueRequest {
        credential_type: CREDENTIAL_TYPE.into(),
        issuer: issuer.into(),
        subject: clinic.into(),
        claims: claims.as_object().cloned().unwrap_or_default(),
        id: None,
        valid_from_ms: Some(now),
        valid_until_ms: Some(now + 365 * DAY_MS),
    };
    let issued = issue_credential(&dept.client, &dept.key, &req)
        .await
        .wrap_err("issuing the clinic's health certificate")?;
    t.say(
        &dept.name,
        format!(
            "issued {} ({CREDENTIAL_TYPE}) to {clinic}; anchored vc_hash 0x{}",
            issued.id, issued.vc_hash
        ),
    );
    Ok(())
}

/// The hospital may not give consent for the subject; the subject's wallet signs the grant and
/// the hospital submits it; the signature cannot be replayed.
async fn grant(
    subject: &Party,
    hospital: &Party,
    dids: &Dids,
    policy: &DeployedPolicy,
    t: &mut Transcript,
) -> Result<ConsentId> {
    let now = subject.client.status().await?.latest_block_time_ms;
    let terms = GrantTerms {
        subject: dids.subject.clone(),
        provider: dids.provider.clone(),
        recipient: dids.recipient.clone(),
        data_categories: CATEGORIES.iter().map(|c| c.to_string()).collect(),
        purposes: vec![PURPOSE.into()],
        legal_basis: LegalBasis::SeparateConsent,
        jurisdictions: Jurisdictions { provider: "CN-GD".into(), recipient: "HK".into() },
        valid_from_ms: now,
        valid_until_ms: now + 180 * DAY_MS,
        policy: Some(policy.address),
        notice_hash: Some(Hash::sha3(b"<html>Privacy notice v3: cross-border sharing</html>")),
    };
    let provider = Consents::new(hospital.client.clone());
    let line = refused_as(
        "unauthorized: ",
        provider.grant(&hospital.key, &terms).await,
        "a grant sent by the hospital for the subject",
    )?;
    t.say(&hospital.name, format!("granting consent itself is refused: {line}"));

    let signed = Consents::new(subject.client.clone())
        .sign_grant(&subject.key, terms)
        .await
        .wrap_err("signing the grant")?;
    t.say(
        &subject.name,
        format!(
            "wallet signed the grant ({} → {}, {} for {PURPOSE}, CN-GD → HK, separate consent, \
             until {}, policy {}) with delegation nonce {}",
            signed.terms.provider,
            signed.terms.recipient,
            CATEGORIES.join(", "),
            format_ms(signed.terms.valid_until_ms),
            policy.address,
            signed.delegation.nonce
        ),
    );
    let done =
        provider.submit_grant(&hospital.key, &signed).await.wrap_err("submitting the grant")?;
    let id = done.value.consent_id;
    ensure!(done.value.cross_border, "a CN-GD → HK consent must be cross-border");
    t.say(
        &hospital.name,
        format!("submitted the subject's signed grant: consent {id}, cross-border"),
    );

    let line = refused_as(
        "unauthorized: ",
        provider.submit_grant(&hospital.key, &signed).await,
        "a replayed delegation",
    )?;
    t.say(&hospital.name, format!("submitting the same signature again is refused: {line}"));
    Ok(id)
}

/// Refusals while the consent is in force: a category and a purpose it does not cover, and
/// the clinic asking whether the hospital may send the data to another recipient.
async fn refusals_while_active(
    hospital: &Party,
    clinic: &Party,
    dids: &Dids,
    net: &Network,
    t: &mut Transcript,
) -> Result<()> {
    let provider = Consents::new(hospital.client.clone());
    for (category, purpose, kind) in [
        ("health.genomics", PURPOSE, "category not covered"),
        (CATEGORIES[0], "marketing", "purpose not covered"),
    ] {
        let answer = provider.check(&dids.check(category, purpose)).await?;
        expect_refused(&answer, kind, &format!("a check of {category} for {purpose}"))?;
        t.say(&hospital.name, format!("check of {category} for {purpose}: {}", answer.reason));
    }
    let elsewhere = CheckRequest {
        recipient: format!("did:bayledger:{}:macau-clinic", net.did_network),
        ..dids.check(CATEGORIES[0], PURPOSE)
    };
    caught_up(&clinic.client, &hospital.client).await?;
    let answer = Consents::new(clinic.client.clone()).check(&elsewhere).await?;
    expect_refused(&answer, "no consent", "a check for another recipient")?;
    t.say(
        &clinic.name,
        format!(
            "asked whether the hospital may send to {}: {}",
            elsewhere.recipient, answer.reason
        ),
    );
    Ok(())
}

/// Synthetic lab results: the payload travels off-chain only.
fn lab_results_payload(subject: &str) -> Vec<u8> {
    json!({
        "patient_ref": subject,
        "panel": "complete blood count",
        "collected": "2026-11-20T08:10:00+08:00",
        "results": [
            {"test": "haemoglobin", "value": 13.1, "unit": "g/dL"},
            {"test": "white cell count", "value": 6.4, "unit": "10^9/L"}
        ]
    })
    .to_string()
    .into_bytes()
}

/// The hospital sends lab results off-chain and records a receipt of a salted commitment to
/// exactly those bytes; the clinic checks what it received against the receipt on its node.
async fn transfer(
    hospital: &Party,
    clinic: &Party,
    dids: &Dids,
    id: ConsentId,
    t: &mut Transcript,
) -> Result<Sent> {
    let payload = lab_results_payload(&dids.subject);
    let commitment = Commitment::new(&payload);
    let record = TransferRecord {
        consent_id: id,
        data_hash: commitment.hash,
        category: CATEGORIES[0].into(),
        purpose: PURPOSE.into(),
    };
    let done = Consents::new(hospital.client.clone())
        .record_transfer(&hospital.key, &record)
        .await
        .wrap_err("recording the transfer")?;
    let receipt = done.value;
    ensure!(
        receipt.consent_id == id
            && receipt.seq == 0
            && receipt.data_hash == hash0x(&commitment.hash)
            && receipt.recorded_by == hospital.key.address().to_string(),
        "unexpected receipt: {receipt:?}"
    );
    t.say(
        &hospital.name,
        format!(
            "sent {} bytes of lab results and their salt to the clinic off-chain; recorded \
             receipt {} of consent {id}: data_hash {} at block {}",
            payload.len(),
            receipt.seq,
            receipt.data_hash,
            receipt.height
        ),
    );

    // The clinic, with (payload, salt) from the hospital.
    caught_up(&clinic.client, &hospital.client).await?;
    let opened = hash0x(&salted_sha3(&commitment.salt, &payload)?);
    let receipts = Consents::new(clinic.client.clone()).all_transfers(id).await?;
    let Some(found) = receipts.iter().find(|r| r.data_hash == opened) else {
        bail!("the clinic finds no receipt of consent {id} for {opened}: {receipts:?}");
    };
    let recorder: Address = found.recorded_by.parse()?;
    let authorized =
        DidRegistry::new(clinic.client.clone()).authorized(&dids.provider, &recorder).await?;
    ensure!(
        authorized.authorized,
        "the receipt's recorder does not control the hospital's DID: {}",
        authorized.reason
    );
    t.say(
        &clinic.name,
        format!(
            "received {} bytes and a salt: SHA3-256(salt ‖ data) = {opened} matches receipt {} \
             of consent {id}, recorded by {recorder}, which controls {}",
            payload.len(),
            found.seq,
            dids.provider
        ),
    );
    Ok(Sent { payload, receipt })
}

/// The hospital cannot withdraw for the subject; the subject withdraws.
async fn withdraw(
    subject: &Party,
    hospital: &Party,
    id: ConsentId,
    t: &mut Transcript,
) -> Result<()> {
    let provider = Consents::new(hospital.client.clone());
    let line = refused_as(
        "unauthorized: ",
        provider.withdraw(&hospital.key, id).await,
        "a withdrawal sent by the hospital",
    )?;
    t.say(&hospital.name, format!("withdrawing the consent itself is refused: {line}"));
    let forged = provider.sign_withdraw(&hospital.key, id).await?;
    let line = refused_as(
        "unauthorized: ",
        provider.submit_withdraw(&hospital.key, &forged).await,
        "a withdrawal delegation signed by the hospital",
    )?;
    t.say(&hospital.name, format!("a withdrawal it signed itself is refused too: {line}"));
    let done = Consents::new(subject.client.clone())
        .withdraw(&subject.key, id)
        .await
        .wrap_err("withdrawing the consent")?;
    t.say(
        &subject.name,
        format!(
            "withdrew consent {} at {}",
            done.value.consent_id,
            format_ms(done.value.withdrawn_at_ms)
        ),
    );
    Ok(())
}

/// After the withdrawal: checks fail as `withdrawn` (while the answer at the time of the
/// transfer stays allowed), and the hospital can no longer record transfers.
async fn refusals_after_withdrawal(
    hospital: &Party,
    lab_results: &CheckRequest,
    sent: &Sent,
    t: &mut Transcript,
) -> Result<()> {
    let provider = Consents::new(hospital.client.clone());
    let answer = provider.check(lab_results).await?;
    expect_refused(&answer, "withdrawn", "a check after the withdrawal")?;
    t.say(&hospital.name, format!("check after the withdrawal: {}", answer.reason));
    let then = CheckRequest { at_ms: Some(sent.receipt.at_ms), ..lab_results.clone() };
    let answer = provider.check(&then).await?;
    ensure!(answer.allowed, "at the time of the transfer the check should be allowed: {answer:?}");
    t.say(
        &hospital.name,
        format!(
            "the same check as of the transfer ({}) still answers: {}",
            format_ms(sent.receipt.at_ms),
            answer.reason
        ),
    );
    let again = TransferRecord {
        consent_id: sent.receipt.consent_id,
        data_hash: Commitment::new(&sent.payload).hash,
        category: CATEGORIES[0].into(),
        purpose: PURPOSE.into(),
    };
    let line = refused_as(
        "conflict: ",
        provider.record_transfer(&hospital.key, &again).await,
        "a transfer after the withdrawal",
    )?;
    ensure!(line.contains("withdrawn"), "the refused transfer does not say withdrawn: {line}");
    t.say(&hospital.name, format!("recording another transfer is refused: {line}"));
    Ok(())
}

/// Reads the whole trail on `reader`'s node and checks it is complete: the consent listed as
/// withdrawn, its history given (by delegation, submitted by the hospital) → withdrawn
/// (directly), and exactly the one receipt.
async fn read_trail(
    reader: &Party,
    by: ListBy,
    did: &str,
    id: ConsentId,
    expected: &Expected,
    t: &mut Transcript,
) -> Result<Trail> {
    let consents = Consents::new(reader.client.clone());
    let list = consents.all_consents(by, did, None).await?;
    let Some(listed) = list.consents.iter().find(|c| c.id == id) else {
        bail!("consent {id} is not among the consents of {did}: {list:?}");
    };
    ensure!(listed.status == Status::Withdrawn, "consent {id} is listed as {}", listed.status);
    let view = consents.consent(id, None).await?;
    ensure!(
        view.status == Status::Withdrawn && view.cross_border && view.purposes == [PURPOSE],
        "unexpected consent record: {view:?}"
    );
    let history = consents.full_history(id, None).await?.events;
    let subject = expected.subject.to_string();
    let hospital = expected.hospital.to_string();
    match history.as_slice() {
        [given, withdrawn]
            if given.event == EventKind::Given
                && given.via == Via::Delegation
                && given.actor.as_deref() == Some(subject.as_str())
                && given.submitted_by.as_deref() == Some(hospital.as_str())
                && withdrawn.event == EventKind::Withdrawn
                && withdrawn.via == Via::Direct
                && withdrawn.actor.as_deref() == Some(subject.as_str())
                && withdrawn.at_ms >= expected.receipt.at_ms => {}
        other => bail!("incomplete or wrong history of consent {id}: {other:?}"),
    }
    let transfers = consents.all_transfers(id).await?;
    ensure!(
        transfers == [expected.receipt.clone()],
        "the receipts of consent {id} are not exactly the one recorded: {transfers:?}"
    );
    t.say(
        &reader.name,
        format!(
            "{} consent(s) of {did}; consent {id} is {} ({} → {}, [{}] for [{}], {} → {}, \
             policy {})",
            list.consents.len(),
            view.status,
            view.provider,
            view.recipient,
            view.data_categories.join(", "),
            view.purposes.join(", "),
            view.jurisdictions.provider,
            view.jurisdictions.recipient,
            view.policy.as_deref().unwrap_or("-")
        ),
    );
    for e in &history {
        t.say(
            &reader.name,
            format!(
                "  history {}: {} at {}, block {}, by {} via {} (sent by {})",
                e.seq,
                e.event,
                format_ms(e.at_ms),
                e.height.map_or("-".into(), |h| h.to_string()),
                e.actor.as_deref().unwrap_or("-"),
                e.via,
                e.submitted_by.as_deref().unwrap_or("-")
            ),
        );
    }
    for r in &transfers {
        t.say(
            &reader.name,
            format!(
                "  receipt {}: {} ({} for {}) at {}, block {}, recorded by {}",
                r.seq,
                r.data_hash,
                r.category,
                r.purpose,
                format_ms(r.at_ms),
                r.height,
                r.recorded_by
            ),
        );
    }
    Ok(Trail { history, transfers })
}

/// Errors unless the check was refused with a reason of `kind`.
fn expect_refused(answer: &CheckResponse, kind: &str, what: &str) -> Result<()> {
    ensure!(!answer.allowed, "{what} was allowed: {}", answer.reason);
    ensure!(
        answer.reason_kind() == kind,
        "{what} was refused, but not as {kind:?}: {}",
        answer.reason
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_is_json_and_the_checks_name_the_parties() {
        let payload = lab_results_payload("did:bayledger:t:alice");
        let v: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        assert_eq!(v["patient_ref"], "did:bayledger:t:alice");
        let dids = Dids {
            subject: "did:x:s".into(),
            provider: "did:x:p".into(),
            recipient: "did:x:r".into(),
        };
        let q = dids.check(CATEGORIES[1], PURPOSE);
        assert_eq!(
            (q.subject.as_str(), q.provider.as_str(), q.recipient.as_str()),
            ("did:x:s", "did:x:p", "did:x:r")
        );
        assert_eq!(
            (q.category.as_str(), q.purpose.as_str(), q.at_ms),
            ("health.imaging", "treatment", None)
        );
    }

    #[test]
    fn refused_checks_are_recognised_by_reason() {
        let answer = CheckResponse {
            allowed: false,
            reason: "withdrawn: consent 1 …".into(),
            consent_id: None,
        };
        assert!(expect_refused(&answer, "withdrawn", "x").is_ok());
        assert!(expect_refused(&answer, "expired", "x").is_err());
    }
}
