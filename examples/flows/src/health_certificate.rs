//! Flow (b): mutual recognition of health certificates.
//!
//! The consortium committee votes to register the `health-certificate` credential type and to
//! admit the Guangdong health authority's DID as an issuer of it (governance proposals whose
//! actions call the credentials contract, whose committee is the governance contract). The authority and a traveller each
//! register a `did:bayledger` DID holding their key. The authority issues the traveller a W3C
//! VC 2.0 health certificate, signed as an ES256K `vc+jwt` with its `#key-1`, and anchors only
//! its id, type, DIDs, SHA3-256 and validity window on chain. The traveller carries the JWT
//! off-chain to the Macau checkpoint, which verifies it against the chain through its own node:
//! the issuer's DID document and key, the signature, the anchor, the issuer's authorisation,
//! the status and the validity window all pass.
//!
//! Then the refusals the chain and the verifier must make: a certificate with a changed claim
//! fails verification; an unlicensed clinic can neither admit itself as an issuer (directly, or
//! by a governance proposal: it is no committee member), nor anchor a
//! certificate, and its self-signed, un-anchored certificate fails verification; after the
//! authority revokes the certificate it fails as revoked; after the authority's DID is
//! deactivated its other certificates fail too.

use crate::{Network, Party, Transcript, caught_up, refused_as};
use bayledger_sdk::keystore::v3::random_uuid;
use bayledger_sdk::system::credentials::{
    CheckName, Credentials, IssueRequest, Issued, NewType, TypeRecord, Verdict, build_document,
    issue_credential, register_type_action, time, verify_credential,
};
use bayledger_sdk::system::did::DidRegistry;
use bayledger_sdk::system::governance::{Governance, ProposalAction};
use bayledger_sdk::{Hash, SecretKey, vc};
use eyre::{Result, WrapErr, bail, ensure};
use serde_json::{Value, json};

/// The credential type both sides recognise.
pub const CREDENTIAL_TYPE: &str = "health-certificate";
/// Where the type's JSON Schema is published.
pub const SCHEMA_URI: &str = "https://schemas.bayledger.example/health-certificate/v1.json";
/// The type's JSON Schema; its SHA3-256 is registered with the type.
pub const SCHEMA: &str = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","title":"Health certificate","type":"object","properties":{"id":{"type":"string"},"certificate":{"type":"string"},"test":{"type":"string"},"result":{"enum":["negative","positive"]},"sampledAt":{"type":"string","format":"date-time"}},"required":["id","certificate","test","result","sampledAt"]}"#;

const DAY_MS: u64 = 86_400_000;
const COMMITTEE: &str = "consortium committee";

/// Runs the flow; every check that fails is an error naming what the chain answered.
pub async fn run(net: &Network, t: &mut Transcript) -> Result<()> {
    let authority = net.party("Guangdong health authority", 0);
    let traveller = net.party("traveller", 1);
    let checkpoint = net.party("Macau checkpoint", 2);
    let clinic = net.party("unlicensed clinic", 3);
    let committee = Credentials::new(net.nodes[0].clone());
    committee.handle().check().await.wrap_err("the chain has no credentials contract")?;
    for p in [&authority, &traveller, &checkpoint, &clinic] {
        t.say(&p.name, format!("account {} on {}", p.key.address(), p.client.url()));
    }

    register_type(net, &committee, t).await?;

    // DIDs: one key each, in authentication and assertionMethod.
    let gd = create_did(&authority, t).await?;
    let holder = create_did(&traveller, t).await?;

    let admitted = net
        .govern("Admit the Guangdong health authority", vec![admit(&gd)])
        .await
        .wrap_err("admitting the health authority as an issuer")?;
    t.say(
        COMMITTEE,
        format!(
            "proposal {} passed ({} of {} weight yes) and admitted {gd} as an issuer of \
             {CREDENTIAL_TYPE:?}",
            admitted.id, admitted.tally.yes, admitted.tally.total_weight
        ),
    );

    // Refusal: only the committee admits issuers, and only by vote.
    let clinic_did = create_did(&clinic, t).await?;
    let clinic_credentials = Credentials::new(clinic.client.clone());
    let refused = refused_as(
        "unauthorized: ",
        clinic_credentials.add_issuer(&clinic.key, CREDENTIAL_TYPE, &clinic_did).await.map(|_| ()),
        "a non-committee account admitting an issuer",
    )?;
    t.say(&clinic.name, format!("admitting itself as an issuer is refused: {refused}"));
    let refused = refused_as(
        "unauthorized: ",
        Governance::new(clinic.client.clone())
            .propose(&clinic.key, "Admit me", "", vec![admit(&clinic_did)])
            .await
            .map(|_| ()),
        "a non-member's governance proposal",
    )?;
    t.say(&clinic.name, format!("proposing its own admission is refused: {refused}"));

    // Issuance: signed off-chain, anchored on chain.
    let issued = issue(&authority, &gd, &holder, "negative", t).await?;
    let holds = Credentials::new(traveller.client.clone());
    caught_up(&traveller.client, &authority.client).await?;
    let held = holds.holds_valid(&holder, CREDENTIAL_TYPE, None).await?;
    ensure!(
        held.valid && held.credential_id.as_deref() == Some(issued.id.as_str()),
        "the traveller does not hold the certificate on chain: {}",
        held.reason
    );
    t.say(
        &traveller.name,
        format!(
            "received the vc+jwt off-chain ({} bytes); on chain: {}",
            issued.jwt.len(),
            held.reason
        ),
    );

    // The checkpoint verifies what the traveller hands over.
    caught_up(&checkpoint.client, &authority.client).await?;
    let verdict = verify(&checkpoint, &issued.jwt, t).await?;
    ensure!(verdict.ok, "the checkpoint refused a valid certificate: {}", verdict.summary());
    t.say(&checkpoint.name, "every check passes: the certificate is recognised");

    // Refusal: a changed claim (same signature) fails.
    let tampered = with_changed_claim(&issued, "result", json!("positive"))?;
    let verdict = verify(&checkpoint, &tampered, t).await?;
    expect_failed(&verdict, &[CheckName::Signature, CheckName::Anchor], "a tampered certificate")?;
    t.say(
        &checkpoint.name,
        format!("a copy with \"result\" changed is refused: {}", verdict.summary()),
    );

    // Refusal: an issuer the committee never admitted cannot anchor, and its self-signed
    // certificate does not verify.
    let request = certificate(&clinic_did, &holder, "negative");
    caught_up(&clinic.client, &net.nodes[0]).await?;
    let refused = refused_as(
        "unauthorized: ",
        issue_credential(&clinic.client, &clinic.key, &request).await.map(|_| ()),
        "anchoring by an issuer that is not authorised",
    )?;
    t.say(&clinic.name, format!("anchoring its own health certificate is refused: {refused}"));
    let now = clinic.client.status().await?.latest_block_time_ms;
    let self_signed = self_signed(&clinic, &request, now)?;
    caught_up(&checkpoint.client, &clinic.client).await?;
    let verdict = verify(&checkpoint, &self_signed, t).await?;
    expect_failed(
        &verdict,
        &[CheckName::Anchor, CheckName::IssuerAuthorized],
        "an un-anchored certificate",
    )?;
    t.say(
        &checkpoint.name,
        format!("the clinic's self-signed certificate is refused: {}", verdict.summary()),
    );

    // A second certificate, valid until the issuer's DID goes away.
    let second = issue(&authority, &gd, &holder, "negative", t).await?;

    // Revocation.
    let authority_credentials = Credentials::new(authority.client.clone());
    authority_credentials
        .revoke(&authority.key, &issued.id, "sample mislabelled at the laboratory")
        .await
        .wrap_err("revoking the certificate")?;
    t.say(&authority.name, format!("revoked {}", issued.id));
    caught_up(&checkpoint.client, &authority.client).await?;
    let verdict = verify(&checkpoint, &issued.jwt, t).await?;
    expect_failed(&verdict, &[CheckName::Status], "a revoked certificate")?;
    let status = verdict.check(CheckName::Status).map(|c| c.reason.as_str()).unwrap_or_default();
    ensure!(status.starts_with("revoked"), "the status check does not say revoked: {status}");
    t.say(&checkpoint.name, format!("the revoked certificate is refused: {status}"));
    let verdict = verify(&checkpoint, &second.jwt, t).await?;
    ensure!(verdict.ok, "the second certificate should still verify: {}", verdict.summary());

    // Deactivation of the issuer's DID.
    DidRegistry::new(authority.client.clone())
        .deactivate(&authority.key, &gd, None)
        .await
        .wrap_err("deactivating the authority's DID")?;
    t.say(&authority.name, format!("deactivated {gd}"));
    caught_up(&checkpoint.client, &authority.client).await?;
    let verdict = verify(&checkpoint, &second.jwt, t).await?;
    expect_failed(&verdict, &[CheckName::IssuerDid], "a certificate of a deactivated issuer")?;
    t.say(
        &checkpoint.name,
        format!("certificates of the deactivated DID are refused: {}", verdict.summary()),
    );
    Ok(())
}

/// The proposal action admitting `issuer` for [`CREDENTIAL_TYPE`].
fn admit(issuer: &str) -> ProposalAction {
    ProposalAction::AddIssuer { credential_type: CREDENTIAL_TYPE.into(), issuer: issuer.into() }
}

/// [`CREDENTIAL_TYPE`] as registered on this chain (by an earlier run or flow), if it is
/// (looked up in the first page of types).
pub async fn registered_type(committee: &Credentials) -> Result<Option<TypeRecord>> {
    let types = committee.types(&Default::default()).await?.types;
    Ok(types.into_iter().find(|ty| ty.id == CREDENTIAL_TYPE))
}

/// Registers the type with the hash of [`SCHEMA`] by a committee vote, unless a previous run
/// on this chain did.
async fn register_type(net: &Network, committee: &Credentials, t: &mut Transcript) -> Result<()> {
    if let Some(existing) = registered_type(committee).await? {
        t.say(
            COMMITTEE,
            format!("{CREDENTIAL_TYPE:?} is already registered (schema {})", existing.schema_uri),
        );
        return Ok(());
    }
    let new = NewType {
        id: CREDENTIAL_TYPE.into(),
        name: "Health certificate".into(),
        description: "A laboratory test result recognised across the Greater Bay Area".into(),
        schema_hash: Hash::sha3(SCHEMA.as_bytes()),
        schema_uri: SCHEMA_URI.into(),
        owner: net.committee_address()?,
    };
    let passed = net
        .govern("Register the health-certificate type", vec![register_type_action(&new)])
        .await
        .wrap_err("registering the type")?;
    t.say(
        COMMITTEE,
        format!(
            "proposal {} registered {CREDENTIAL_TYPE:?} with schema {SCHEMA_URI} (SHA3-256 {})",
            passed.id, new.schema_hash
        ),
    );
    Ok(())
}

/// Registers the party's default DID with a document of its own key.
async fn create_did(p: &Party, t: &mut Transcript) -> Result<String> {
    let created = DidRegistry::new(p.client.clone())
        .create_for_key(&p.key)
        .await
        .wrap_err_with(|| format!("{} creating its DID", p.name))?;
    let did = created.value.did;
    t.say(
        &p.name,
        format!("registered {did} (version {}) with its key as #key-1", created.value.version_id),
    );
    Ok(did)
}

/// The health certificate the issuer `issuer` gives `subject`, valid for 30 days.
fn certificate(issuer: &str, subject: &str, result: &str) -> IssueRequest {
    let claims = json!({
        "certificate": "COVID-19 test",
        "test": "RT-PCR",
        "result": result,
        "sampledAt": "2026-11-29T08:30:00Z",
    });
    IssueRequest {
        credential_type: CREDENTIAL_TYPE.into(),
        issuer: issuer.into(),
        subject: subject.into(),
        claims: claims.as_object().cloned().unwrap_or_default(),
        id: None,
        valid_from_ms: None,
        valid_until_ms: None,
    }
}

/// The authority issues and anchors a certificate valid for 30 days from the latest block.
async fn issue(
    authority: &Party,
    issuer: &str,
    subject: &str,
    result: &str,
    t: &mut Transcript,
) -> Result<Issued> {
    let now = authority.client.status().await?.latest_block_time_ms;
    let req = IssueRequest {
        valid_from_ms: Some(now),
        valid_until_ms: Some(now + 30 * DAY_MS),
        ..certificate(issuer, subject, result)
    };
    let issued = issue_credential(&authority.client, &authority.key, &req)
        .await
        .wrap_err("issuing the health certificate")?;
    t.say(
        &authority.name,
        format!(
            "issued {} to {subject}, valid from {} until {}; anchored vc_hash 0x{}",
            issued.id,
            time::format_ms(now),
            time::format_ms(now + 30 * DAY_MS),
            issued.vc_hash
        ),
    );
    Ok(issued)
}

/// The checkpoint's verification, every check in the transcript.
async fn verify(checkpoint: &Party, jwt: &str, t: &mut Transcript) -> Result<Verdict> {
    let verdict = verify_credential(&checkpoint.client, jwt, None)
        .await
        .wrap_err("verifying a certificate")?;
    t.say(
        &checkpoint.name,
        format!(
            "verifying {} from {}:",
            verdict.credential_id.as_deref().unwrap_or("?"),
            verdict.issuer.as_deref().unwrap_or("?")
        ),
    );
    for c in &verdict.checks {
        t.say(
            &checkpoint.name,
            format!("  {} {}: {}", if c.ok { "ok  " } else { "FAIL" }, c.name.as_str(), c.reason),
        );
    }
    Ok(verdict)
}

/// Errors unless the verdict is "not valid" and each of `failed` is among its failures.
fn expect_failed(verdict: &Verdict, failed: &[CheckName], what: &str) -> Result<()> {
    ensure!(!verdict.ok, "{what} verified as valid");
    for name in failed {
        let check = verdict.check(*name);
        ensure!(
            check.is_some_and(|c| !c.ok),
            "{what}: the {} check should fail, got {check:?}",
            name.as_str()
        );
    }
    Ok(())
}

/// `issued` with one claim changed and the issuer's signature kept: the compact JWS of the
/// changed document (its header is the same) with the original signature.
fn with_changed_claim(issued: &Issued, claim: &str, value: Value) -> Result<String> {
    let mut changed = issued.document.clone();
    changed["credentialSubject"][claim] = value;
    let kid = format!("{}#key-1", vc::decode(&issued.jwt)?.info.issuer);
    // The forger has no issuer key: whatever it signs with, only the header and payload
    // segments are kept.
    let resigned = vc::sign(&changed, &SecretKey::generate(), &kid)?;
    let (Some((head_payload, _)), Some((_, signature))) =
        (resigned.rsplit_once('.'), issued.jwt.rsplit_once('.'))
    else {
        bail!("a vc+jwt has three dot-separated parts");
    };
    Ok(format!("{head_payload}.{signature}"))
}

/// The clinic's certificate signed with its own key, never anchored, valid from `now`.
fn self_signed(clinic: &Party, req: &IssueRequest, now: u64) -> Result<String> {
    let id = format!("urn:uuid:{}", random_uuid());
    let document = build_document(req, &id, now, Some(SCHEMA_URI))?;
    Ok(vc::sign(&document, &clinic.key, &format!("{}#key-1", req.issuer))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    #[test]
    fn certificates_build_as_vc_documents() {
        let req = certificate("did:bayledger:t:gd", "did:bayledger:t:tr", "negative");
        let doc = build_document(&req, "urn:uuid:1", 0, Some(SCHEMA_URI)).expect("builds");
        assert_eq!(doc["type"], json!(["VerifiableCredential", "HealthCertificate"]));
        assert_eq!(doc["credentialSubject"]["result"], "negative");
        let schema: Map<String, Value> = serde_json::from_str(SCHEMA).expect("the schema is JSON");
        assert_eq!(schema["title"], "Health certificate");
    }
}
