//! Entry-point handlers: JSON in, JSON out, errors as `<kind>: …` lines.

use crate::auth::require_control;
use crate::check::{self, Request};
use crate::delegation::{self, GrantTerms};
use crate::hexfmt;
use crate::msg::{
    CallMsg, CheckMsg, CheckResponse, ConfigResponse, ConsentId, ConsentsResponse, Delegation,
    GivenEvent, GrantMsg, GrantResponse, HistoryResponse, InstantiateMsg, NonceResponse, QueryMsg,
    Receipt, RecordTransferMsg, TransferEvent, TransfersResponse, Via, WithdrawMsg,
    WithdrawResponse, WithdrawnEvent,
};
use crate::record::{Action, ConsentRecord};
use crate::state::{
    self, BY_PARTIES, BY_PROVIDER, BY_SUBJECT, DID_REGISTRY, Index, NEXT_ID, TRANSFER_COUNT,
};
use crate::validate::{self, MAX_CATEGORIES, MAX_PURPOSES, invalid};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use bayledger_contract_sdk::{Error, env, events};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Most consent records one (subject, provider, recipient) may accumulate; bounds every check.
pub const MAX_CONSENTS_PER_PARTIES: usize = 64;
/// Page size of list queries when no limit is given.
pub const DEFAULT_LIMIT: u32 = 10;
/// Largest page of list queries.
pub const MAX_LIMIT: u32 = 100;

fn parse<T: DeserializeOwned>(msg: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(msg).map_err(|e| Error::new(format!("invalid message: {e}")))
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value).map_err(|e| Error::new(format!("cannot encode response: {e}")))
}

fn emit<T: Serialize>(topic: &str, data: &T) -> Result<(), Error> {
    events::emit(topic, &to_json(data)?);
    Ok(())
}

fn page_size(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

/// Records the DID registry. Runs once.
pub fn instantiate(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let msg: InstantiateMsg = parse(msg)?;
    if DID_REGISTRY.exists() {
        return Err(Error::new("conflict: already instantiated"));
    }
    DID_REGISTRY.set(&validate::address("did_registry", &msg.did_registry)?);
    NEXT_ID.set(&1);
    Ok(Vec::new())
}

/// `grant`, `withdraw`, `record_transfer`.
pub fn call(msg: &[u8]) -> Result<Vec<u8>, Error> {
    match parse(msg)? {
        CallMsg::Grant(g) => grant(g),
        CallMsg::Withdraw(w) => withdraw(w),
        CallMsg::RecordTransfer(t) => record_transfer(t),
    }
}

/// Who acts for the subject: the sender if it controls the subject DID, or, with a delegation,
/// the signer of `digest(nonce)` if it controls the subject DID (the nonce is then used up).
fn authorize_subject(
    subject: &str,
    delegation: Option<&Delegation>,
    digest: impl FnOnce(u64) -> [u8; 32],
) -> Result<Action, Error> {
    let sender = env::caller();
    let (actor, via) = match delegation {
        None => {
            require_control(&sender, "subject", subject)?;
            (sender, Via::Direct)
        }
        Some(d) => {
            let signer =
                delegation::recover_signer(subject, d.nonce, &d.signature, || digest(d.nonce))?;
            require_control(&signer, "subject", subject)?;
            delegation::consume_nonce(subject)?;
            (signer, Via::Delegation)
        }
    };
    Ok(Action {
        at_ms: env::block_time_ms(),
        height: env::block_height(),
        actor: actor.to_string(),
        submitted_by: sender.to_string(),
        via,
    })
}

fn grant(g: GrantMsg) -> Result<Vec<u8>, Error> {
    validate::did("subject", &g.subject)?;
    validate::did("provider", &g.provider)?;
    validate::did("recipient", &g.recipient)?;
    validate::names("data_categories", &g.data_categories, MAX_CATEGORIES)?;
    validate::names("purposes", &g.purposes, MAX_PURPOSES)?;
    validate::jurisdiction("jurisdictions.provider", &g.jurisdictions.provider)?;
    validate::jurisdiction("jurisdictions.recipient", &g.jurisdictions.recipient)?;
    let policy = g.policy.as_deref().map(|p| validate::address("policy", p)).transpose()?;
    let notice_hash =
        g.notice_hash.as_deref().map(|h| validate::hash("notice_hash", h)).transpose()?;
    if g.valid_until_ms <= g.valid_from_ms {
        return Err(invalid(
            "valid_until_ms",
            format!("{} is not after valid_from_ms {}", g.valid_until_ms, g.valid_from_ms),
        ));
    }
    let now = env::block_time_ms();
    if g.valid_until_ms <= now {
        return Err(invalid(
            "valid_until_ms",
            format!("{} is not after the block time {now}", g.valid_until_ms),
        ));
    }

    let terms = GrantTerms {
        subject: &g.subject,
        provider: &g.provider,
        recipient: &g.recipient,
        data_categories: &g.data_categories,
        purposes: &g.purposes,
        legal_basis: g.legal_basis,
        provider_jurisdiction: &g.jurisdictions.provider,
        recipient_jurisdiction: &g.jurisdictions.recipient,
        valid_from_ms: g.valid_from_ms,
        valid_until_ms: g.valid_until_ms,
        policy,
        notice_hash,
    };
    let contract = env::self_address();
    let given = authorize_subject(&g.subject, g.delegation.as_ref(), |nonce| {
        delegation::grant_digest(&contract, nonce, &terms)
    })?;

    let parties = state::parties_key(&g.subject, &g.provider, &g.recipient);
    if BY_PARTIES.numbers(&parties, None).take(MAX_CONSENTS_PER_PARTIES).count()
        >= MAX_CONSENTS_PER_PARTIES
    {
        return Err(Error::new(format!(
            "limit: {} already gave {} {MAX_CONSENTS_PER_PARTIES} consents for transfers to {}",
            g.subject, g.provider, g.recipient
        )));
    }
    let id = NEXT_ID.load()?;
    NEXT_ID.set(&id.checked_add(1).ok_or_else(|| Error::new("limit: consent ids exhausted"))?);

    let (actor, via) = (given.actor.clone(), given.via);
    let record = ConsentRecord {
        id,
        subject: g.subject,
        provider: g.provider,
        recipient: g.recipient,
        data_categories: g.data_categories,
        purposes: g.purposes,
        legal_basis: g.legal_basis,
        jurisdictions: g.jurisdictions,
        valid_from_ms: g.valid_from_ms,
        valid_until_ms: g.valid_until_ms,
        policy: policy.map(|a| a.to_string()),
        notice_hash: notice_hash.map(|h| hexfmt::encode_prefixed(&h)),
        given,
        withdrawn: None,
    };
    state::save_consent(&record)?;
    BY_SUBJECT.insert(record.subject.as_bytes(), id, &[]);
    BY_PROVIDER.insert(record.provider.as_bytes(), id, &[]);
    BY_PARTIES.insert(&parties, id, &[]);
    emit(
        "consent.given",
        &GivenEvent {
            consent_id: id.to_string(),
            subject: &record.subject,
            provider: &record.provider,
            recipient: &record.recipient,
            data_categories: &record.data_categories,
            purposes: &record.purposes,
            legal_basis: record.legal_basis,
            jurisdictions: &record.jurisdictions,
            cross_border: record.cross_border(),
            valid_from_ms: record.valid_from_ms,
            valid_until_ms: record.valid_until_ms,
            policy: record.policy.as_deref(),
            notice_hash: record.notice_hash.as_deref(),
            actor,
            via,
        },
    )?;
    to_json(&GrantResponse { consent_id: ConsentId(id), cross_border: record.cross_border() })
}

fn withdraw(w: WithdrawMsg) -> Result<Vec<u8>, Error> {
    let id = validate::consent_id("consent_id", &w.consent_id)?;
    let mut record = state::must_load_consent(id)?;
    if let Some(done) = &record.withdrawn {
        return Err(Error::new(format!(
            "conflict: consent {id} was already withdrawn at {}",
            done.at_ms
        )));
    }
    let now = env::block_time_ms();
    if now >= record.valid_until_ms {
        return Err(Error::new(format!(
            "conflict: consent {id} expired at {}; there is nothing to withdraw",
            record.valid_until_ms
        )));
    }
    let contract = env::self_address();
    let subject = record.subject.clone();
    let action = authorize_subject(&subject, w.delegation.as_ref(), |nonce| {
        delegation::withdraw_digest(&contract, nonce, &subject, id)
    })?;
    let (actor, via) = (action.actor.clone(), action.via);
    record.withdrawn = Some(action);
    state::save_consent(&record)?;
    emit(
        "consent.withdrawn",
        &WithdrawnEvent {
            consent_id: id.to_string(),
            subject: &record.subject,
            provider: &record.provider,
            recipient: &record.recipient,
            at_ms: now,
            actor,
            via,
        },
    )?;
    to_json(&WithdrawResponse { consent_id: ConsentId(id), withdrawn_at_ms: now })
}

fn record_transfer(t: RecordTransferMsg) -> Result<Vec<u8>, Error> {
    let id = validate::consent_id("consent_id", &t.consent_id)?;
    validate::hash("data_hash", &t.data_hash)?;
    validate::name("category", &t.category)?;
    validate::name("purpose", &t.purpose)?;
    let record = state::must_load_consent(id)?;
    let sender = env::caller();
    require_control(&sender, "provider", &record.provider)?;
    let now = env::block_time_ms();
    let decision = check::check_consent(
        &record,
        &Request { category: &t.category, purpose: &t.purpose, at_ms: now },
    );
    if !decision.allowed {
        return Err(Error::new(format!("conflict: consent {id}: {}", decision.reason)));
    }
    let seq = TRANSFER_COUNT.get(&id)?.unwrap_or(0);
    TRANSFER_COUNT.set(&id, &(seq + 1));
    let receipt = Receipt {
        consent_id: ConsentId(id),
        seq,
        data_hash: t.data_hash,
        category: t.category,
        purpose: t.purpose,
        recorded_by: sender.to_string(),
        at_ms: now,
        height: env::block_height(),
    };
    state::save_receipt(id, &receipt)?;
    emit(
        "consent.transfer_recorded",
        &TransferEvent {
            consent_id: receipt.consent_id.to_string(),
            seq,
            subject: &record.subject,
            provider: &record.provider,
            recipient: &record.recipient,
            category: &receipt.category,
            purpose: &receipt.purpose,
            data_hash: &receipt.data_hash,
            recorded_by: receipt.recorded_by.clone(),
            at_ms: now,
            height: receipt.height,
        },
    )?;
    to_json(&receipt)
}

/// Every query; all public.
pub fn query(msg: &[u8]) -> Result<Vec<u8>, Error> {
    let now = env::block_time_ms();
    match parse(msg)? {
        QueryMsg::Check(c) => to_json(&check_query(c, now)?),
        QueryMsg::Consent { id, at_ms } => {
            let id = validate::consent_id("id", &id)?;
            to_json(&state::must_load_consent(id)?.view_at(at_ms.unwrap_or(now)))
        }
        QueryMsg::History { id, at_ms, start_after, limit } => {
            let consent = validate::consent_id("id", &id)?;
            let at_ms = at_ms.unwrap_or(now);
            let events = state::must_load_consent(consent)?
                .history_at(at_ms)
                .into_iter()
                .filter(|e| start_after.is_none_or(|s| e.seq > s))
                .take(page_size(limit))
                .collect();
            to_json(&HistoryResponse { id: ConsentId(consent), at_ms, events })
        }
        QueryMsg::ConsentsBySubject { subject, at_ms, start_after, limit } => {
            validate::did("subject", &subject)?;
            consents_page(&BY_SUBJECT, &subject, at_ms.unwrap_or(now), start_after, limit)
        }
        QueryMsg::ConsentsByProvider { provider, at_ms, start_after, limit } => {
            validate::did("provider", &provider)?;
            consents_page(&BY_PROVIDER, &provider, at_ms.unwrap_or(now), start_after, limit)
        }
        QueryMsg::Transfers { consent_id, start_after, limit } => {
            let id = validate::consent_id("consent_id", &consent_id)?;
            state::must_load_consent(id)?;
            let transfers = state::receipts_page(id, start_after, page_size(limit))?;
            to_json(&TransfersResponse { consent_id: ConsentId(id), transfers })
        }
        QueryMsg::DelegationNonce { subject } => {
            validate::did("subject", &subject)?;
            let nonce = delegation::next_nonce(&subject)?;
            to_json(&NonceResponse { subject, nonce })
        }
        QueryMsg::Config {} => {
            to_json(&ConfigResponse { did_registry: DID_REGISTRY.load()?.to_string() })
        }
    }
}

fn check_query(c: CheckMsg, now: u64) -> Result<CheckResponse, Error> {
    validate::did("subject", &c.subject)?;
    validate::did("provider", &c.provider)?;
    validate::did("recipient", &c.recipient)?;
    validate::name("category", &c.category)?;
    validate::name("purpose", &c.purpose)?;
    let q = Request { category: &c.category, purpose: &c.purpose, at_ms: c.at_ms.unwrap_or(now) };
    let d = check::check_parties(&c.subject, &c.provider, &c.recipient, &q)?;
    Ok(CheckResponse {
        allowed: d.allowed,
        reason: d.reason,
        consent_id: d.consent_id.map(ConsentId),
    })
}

fn consents_page(
    index: &Index,
    did: &str,
    at_ms: u64,
    start_after: Option<String>,
    limit: Option<u32>,
) -> Result<Vec<u8>, Error> {
    let start_after =
        start_after.as_deref().map(|s| validate::consent_id("start_after", s)).transpose()?;
    let consents = index
        .numbers(did.as_bytes(), start_after)
        .take(page_size(limit))
        .map(|id| Ok(state::must_load_consent(id?)?.summary_at(at_ms)))
        .collect::<Result<Vec<_>, Error>>()?;
    to_json(&ConsentsResponse { at_ms, consents })
}
