//! The indexer: block summaries, transactions by sender and by contract, and
//! events by contract, by (contract, topic) and by attribute, written by
//! `stage` into the block's own write batch (so an index can never lag or
//! lose a committed block), and read back a page at a time by
//! `list_blocks`, `list_txs` and `list_events` — the same code for both
//! stores.
//!
//! # Attributes
//!
//! An event's data that is a JSON object is indexed by each top-level field
//! whose value is a string, number or boolean: `(field, text)`, where the
//! text of a string is the string itself and that of a number or boolean its
//! JSON text. Fields whose name is longer than [`MAX_ATTRIBUTE_KEY`] bytes or
//! whose text is longer than [`MAX_ATTRIBUTE_VALUE`] bytes are not indexed, nor
//! are fields beyond the first [`MAX_ATTRIBUTES`] (in the object's key order).
//! Other data (not JSON, arrays, nested objects) is stored but not indexed
//! by attribute.
//!
//! # Pages
//!
//! Lists are newest first unless ascending. A cursor is opaque to clients:
//! a version byte, the kind of list, and the position of the last entry the
//! previous page examined; the next page starts strictly after it, so pages
//! neither repeat nor skip entries, even while blocks commit. One call
//! examines at most [`MAX_SCAN`] index entries: a filter the chosen index
//! cannot answer alone (e.g. a topic without a contract) may return a short
//! page with a cursor to continue.

use crate::codec::{KeyCodec, Position};
use crate::db::SchemaBatch;
use crate::error::StorageError;
use crate::kv::{Dir, KvRead};
use crate::schema::{
    BlockSummary, BlockSummarySchema, EventByAttributeSchema, EventByContractSchema,
    EventByTopicSchema, EventPos, EventSchema, Schema, Scoped, StoredEvent, TxByContractSchema,
    TxBySenderSchema, TxLocation, TxSummary, TxSummarySchema,
};
use bayledger_types::{Address, BlockError, Hash, SealedBlock, pb};
use prost::Message;
use std::collections::BTreeMap;

/// Most attributes indexed per event.
pub const MAX_ATTRIBUTES: usize = 16;
/// Longest indexed attribute name, in bytes.
pub const MAX_ATTRIBUTE_KEY: usize = 64;
/// Longest indexed attribute value text, in bytes.
pub const MAX_ATTRIBUTE_VALUE: usize = 128;
/// Most index entries one list call examines.
pub const MAX_SCAN: usize = 10_000;
/// Largest page.
pub const MAX_PAGE: usize = 1_000;

const CURSOR_VERSION: u8 = 1;
const CURSOR_TXS: u8 = b't';
const CURSOR_EVENTS: u8 = b'e';

/// Transactions to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxQuery {
    /// Sent by this address.
    Sender(Address),
    /// Calling or instantiating this contract.
    Contract(Address),
}

/// Events to list: every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Emitting contract.
    pub contract: Option<Address>,
    /// Topic.
    pub topic: Option<String>,
    /// A top-level field of the JSON data and its text (see the module docs).
    pub attribute: Option<(String, String)>,
}

impl EventQuery {
    /// Whether `event` matches.
    pub fn matches(&self, event: &pb::Event) -> bool {
        self.contract.is_none_or(|c| event.contract == c.0)
            && self.topic.as_ref().is_none_or(|t| &event.topic == t)
            && self.attribute.as_ref().is_none_or(|(k, v)| {
                attributes(&event.data).iter().any(|(ek, ev)| ek == k && ev == v)
            })
    }
}

/// Which page to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// The previous page's `next_cursor` (`None`: from the newest, or the
    /// oldest when ascending).
    pub cursor: Option<Vec<u8>>,
    /// Most items (capped at [`MAX_PAGE`]; 0 is refused).
    pub limit: usize,
    /// Oldest first.
    pub ascending: bool,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where the next page starts (`None`: nothing further).
    pub next_cursor: Option<Vec<u8>>,
}

/// An indexed event.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedEvent {
    /// Where it was emitted.
    pub pos: EventPos,
    /// Emitting transaction.
    pub tx_hash: Hash,
    /// The event.
    pub event: pb::Event,
    /// Time of its block.
    pub time_ms: u64,
}

impl IndexedEvent {
    /// A cursor that continues a list (or a subscription) after this event.
    pub fn cursor(&self) -> Vec<u8> {
        cursor(CURSOR_EVENTS, self.pos)
    }
}

/// Checks that `cursor` is an event-list cursor (what `Store::list_events` would
/// refuse with [`StorageError::BadCursor`]), without reading anything.
pub fn check_event_cursor(cursor: &[u8]) -> Result<(), StorageError> {
    parse_cursor::<EventPos>(CURSOR_EVENTS, cursor).map(|_| ())
}

/// A cursor for the events at heights `>= height` (ascending lists).
pub fn events_from_height(height: u64) -> Option<Vec<u8>> {
    let before = height.checked_sub(1)?;
    Some(cursor(
        CURSOR_EVENTS,
        EventPos { height: before, tx_index: u32::MAX, event_index: u32::MAX },
    ))
}

/// The indexed attributes of event data (see the module docs).
pub fn attributes(data: &[u8]) -> Vec<(String, String)> {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(data) else {
        return Vec::new();
    };
    fields
        .into_iter()
        .take(MAX_ATTRIBUTES)
        .filter_map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            (k.len() <= MAX_ATTRIBUTE_KEY && text.len() <= MAX_ATTRIBUTE_VALUE).then_some((k, text))
        })
        .collect()
}

fn topic_scope(contract: &[u8], topic: &str) -> Option<Vec<u8>> {
    let len = u16::try_from(topic.len()).ok()?;
    Some([contract, &len.to_be_bytes(), topic.as_bytes()].concat())
}

fn attribute_scope(key: &str, value: &str) -> Option<Vec<u8>> {
    let (k, v) = (u8::try_from(key.len()).ok()?, u8::try_from(value.len()).ok()?);
    Some([&[k][..], key.as_bytes(), &[v], value.as_bytes()].concat())
}

/// The body of a transaction's `SignedTx` bytes and its sender. Only for
/// transactions the commit rules decoded (`SealedBlock::decode` checked them
/// whole), so nothing else needs checking.
fn tx_body(bytes: &[u8]) -> Result<(pb::TxBody, Address), String> {
    let signed = pb::SignedTx::decode(bytes).map_err(|e| e.to_string())?;
    let body = pb::TxBody::decode(signed.body.as_slice()).map_err(|e| e.to_string())?;
    let sender = Address::from_slice(&body.sender).map_err(|e| format!("sender: {e}"))?;
    Ok((body, sender))
}

/// The contract a transaction called or instantiated.
fn tx_contract(body: &pb::TxBody, receipt: &pb::Receipt) -> Option<Address> {
    use pb::action::Kind;
    match body.action.as_ref()?.kind.as_ref()? {
        Kind::Call(call) => Address::from_slice(&call.contract).ok(),
        Kind::Instantiate(_) => Address::from_slice(&receipt.contract_address).ok(),
        _ => None,
    }
}

/// Adds the index entries of a block (decoded by the commit rules, with its
/// transaction hashes and one receipt per transaction, in block order) to
/// its batch.
pub(crate) fn stage(
    batch: &mut SchemaBatch,
    block: &SealedBlock,
    tx_hashes: &[Hash],
    commit: &pb::Commit,
    receipts: &[pb::Receipt],
) -> Result<(), StorageError> {
    let height = block.height();
    let header = &block.header.header;
    let summary = BlockSummary {
        height,
        hash: block.hash(),
        time_ms: header.time_ms,
        proposer: header.proposer.clone(),
        tx_count: header.tx_count,
        signatures: commit.signatures.len() as u32,
    };
    batch.put::<BlockSummarySchema>(&height, &summary);
    let txs = block.txs.iter().zip(tx_hashes).zip(receipts);
    for (index, ((bytes, &tx_hash), receipt)) in txs.enumerate() {
        // The commit rules decoded every transaction of the block.
        let (body, sender) = tx_body(bytes).map_err(|reason| BlockError::Tx { index, reason })?;
        let location = TxLocation { height, index: index as u32 };
        let contract = tx_contract(&body, receipt);
        batch.put::<TxSummarySchema>(
            &location,
            &TxSummary {
                tx_hash,
                location,
                sender,
                contract,
                status: receipt.status,
                fuel_used: receipt.fuel_used,
            },
        );
        batch.put::<TxBySenderSchema>(&Scoped { scope: sender.0.to_vec(), at: location }, &());
        if let Some(c) = contract {
            batch.put::<TxByContractSchema>(&Scoped { scope: c.0.to_vec(), at: location }, &());
        }
        for (event_index, event) in receipt.events.iter().enumerate() {
            let at = EventPos { height, tx_index: location.index, event_index: event_index as u32 };
            batch.put::<EventSchema>(&at, &StoredEvent { tx_hash, event: event.clone() });
            if event.contract.len() == 20 {
                let scope = event.contract.clone();
                batch.put::<EventByContractSchema>(&Scoped { scope, at }, &());
                if let Some(scope) = topic_scope(&event.contract, &event.topic) {
                    batch.put::<EventByTopicSchema>(&Scoped { scope, at }, &());
                }
            }
            for (k, v) in attributes(&event.data) {
                if let Some(scope) = attribute_scope(&k, &v) {
                    batch.put::<EventByAttributeSchema>(&Scoped { scope, at }, &());
                }
            }
        }
    }
    Ok(())
}

/// Up to `limit` block summaries, from height `highest` down.
pub(crate) fn list_blocks(
    reader: &impl KvRead,
    highest: u64,
    limit: usize,
) -> Result<Vec<BlockSummary>, StorageError> {
    let limit = limit.min(MAX_PAGE);
    let mut out = Vec::new();
    if limit == 0 {
        return Ok(out);
    }
    reader.kv_walk::<BlockSummarySchema>(&highest.encode_key(), Dir::Backward, &mut |_,
                                                                                      (
        height,
        mut summary,
    )| {
        summary.height = height;
        out.push(summary);
        Ok(out.len() < limit)
    })?;
    Ok(out)
}

fn cursor<P: Position>(kind: u8, at: P) -> Vec<u8> {
    [&[CURSOR_VERSION, kind][..], &at.encode_pos()].concat()
}

fn parse_cursor<P: Position>(kind: u8, bytes: &[u8]) -> Result<P, StorageError> {
    let bad = |reason: &str| StorageError::BadCursor(reason.to_string());
    match bytes {
        [CURSOR_VERSION, k, pos @ ..] if *k == kind => {
            P::decode_pos(pos).map_err(|_| bad("the position does not decode"))
        }
        [CURSOR_VERSION, _, ..] => Err(bad("the cursor belongs to another list")),
        _ => Err(bad("unknown cursor format")),
    }
}

fn check_limit(page: &PageRequest) -> Result<usize, StorageError> {
    match page.limit {
        0 => Err(StorageError::BadLimit),
        n => Ok(n.min(MAX_PAGE)),
    }
}

/// Walks the entries of `scope` in family `S` after `after`, turning each
/// position and its value into an item with `accept` (`None`: filtered out), until `limit`
/// items, the end of the scope, or [`MAX_SCAN`] entries. Returns the items
/// and, if the walk may continue, the position to continue after.
fn walk_scope<S, P, T>(
    reader: &impl KvRead,
    scope: &[u8],
    position: impl Fn(&S::Key) -> P,
    after: Option<P>,
    ascending: bool,
    limit: usize,
    mut accept: impl FnMut(P, S::Value) -> Result<Option<T>, StorageError>,
) -> Result<(Vec<T>, Option<P>), StorageError>
where
    S: Schema,
    P: Position + PartialEq,
{
    let (from, dir) = match (after, ascending) {
        (Some(a), true) => ([scope, &a.encode_pos()].concat(), Dir::Forward),
        (Some(a), false) => ([scope, &a.encode_pos()].concat(), Dir::Backward),
        (None, true) => (scope.to_vec(), Dir::Forward),
        (None, false) => ([scope, &vec![0xff; P::LEN]].concat(), Dir::Backward),
    };
    let mut items = Vec::new();
    let (mut scanned, mut last, mut more) = (0, None, false);
    reader.kv_walk::<S>(&from, dir, &mut |raw, (key, value)| {
        if !raw.starts_with(scope) || raw.len() != scope.len() + P::LEN {
            return Ok(false);
        }
        let at = position(&key);
        if Some(at) == after {
            return Ok(true);
        }
        if items.len() == limit || scanned == MAX_SCAN {
            // Something is left: the next page starts after `last`.
            more = true;
            return Ok(false);
        }
        scanned += 1;
        last = Some(at);
        if let Some(item) = accept(at, value)? {
            items.push(item);
        }
        Ok(true)
    })?;
    Ok((items, if more { last } else { None }))
}

/// A page of transactions.
pub(crate) fn list_txs(
    reader: &impl KvRead,
    query: TxQuery,
    page: &PageRequest,
) -> Result<Page<TxSummary>, StorageError> {
    let limit = check_limit(page)?;
    let after =
        page.cursor.as_deref().map(|c| parse_cursor::<TxLocation>(CURSOR_TXS, c)).transpose()?;
    let summary = |at: TxLocation, ()| {
        reader
            .kv_get::<TxSummarySchema>(&at)?
            .map(Some)
            .ok_or_else(|| missing::<TxSummarySchema>("tx summary", &at))
    };
    let (items, next) = match query {
        TxQuery::Sender(a) => walk_scope::<TxBySenderSchema, _, _>(
            reader,
            &a.0,
            |k| k.at,
            after,
            page.ascending,
            limit,
            summary,
        )?,
        TxQuery::Contract(a) => walk_scope::<TxByContractSchema, _, _>(
            reader,
            &a.0,
            |k| k.at,
            after,
            page.ascending,
            limit,
            summary,
        )?,
    };
    Ok(Page { items, next_cursor: next.map(|at| cursor(CURSOR_TXS, at)) })
}

/// The record of index entry `at` is missing from family `S`.
fn missing<S: Schema>(what: &'static str, at: &impl std::fmt::Debug) -> StorageError {
    crate::error::missing::<S>(what, format!("index entry {at:?} has no record"))
}

/// The family a list of events walks.
enum EventWalk {
    /// Events by attribute, in this scope.
    Attribute(Vec<u8>),
    /// Events by (contract, topic), in this scope.
    Topic(Vec<u8>),
    /// Events by contract.
    Contract(Address),
    /// Every event.
    All,
    /// None: a filter too long to be indexed, so nothing can match.
    Nothing,
}

/// The family that answers `query`, and what of `query` remains to be
/// checked on each event it lists (its entries imply the rest: they are
/// written for exactly the events with that scope).
fn event_walk(query: &EventQuery) -> (EventWalk, EventQuery) {
    let none = EventQuery::default();
    match (&query.attribute, query.contract, &query.topic) {
        (Some((k, v)), _, _) => match attribute_scope(k, v) {
            Some(scope) => {
                (EventWalk::Attribute(scope), EventQuery { attribute: None, ..query.clone() })
            }
            None => (EventWalk::Nothing, none),
        },
        (None, Some(c), Some(topic)) => match topic_scope(&c.0, topic) {
            Some(scope) => (EventWalk::Topic(scope), none),
            None => (EventWalk::Nothing, none),
        },
        (None, Some(c), None) => (EventWalk::Contract(c), none),
        (None, None, _) => (EventWalk::All, query.clone()),
    }
}

/// A page of events.
pub(crate) fn list_events(
    reader: &impl KvRead,
    query: &EventQuery,
    page: &PageRequest,
) -> Result<Page<IndexedEvent>, StorageError> {
    let limit = check_limit(page)?;
    let after =
        page.cursor.as_deref().map(|c| parse_cursor::<EventPos>(CURSOR_EVENTS, c)).transpose()?;
    let (walk, rest) = event_walk(query);
    let mut times = BTreeMap::new();
    // The event at `at`: `stored` if the walk already read it, else from
    // the events family.
    let mut resolve = |at: EventPos,
                       stored: Option<StoredEvent>|
     -> Result<Option<IndexedEvent>, StorageError> {
        let stored = match stored {
            Some(s) => s,
            None => reader
                .kv_get::<EventSchema>(&at)?
                .ok_or_else(|| missing::<EventSchema>("event", &at))?,
        };
        if !rest.matches(&stored.event) {
            return Ok(None);
        }
        let time_ms = match times.get(&at.height) {
            Some(t) => *t,
            None => {
                let t = reader
                    .kv_get::<BlockSummarySchema>(&at.height)?
                    .ok_or_else(|| missing::<BlockSummarySchema>("block summary", &at.height))?
                    .time_ms;
                times.insert(at.height, t);
                t
            }
        };
        Ok(Some(IndexedEvent { pos: at, tx_hash: stored.tx_hash, event: stored.event, time_ms }))
    };
    let asc = page.ascending;
    let scoped = |k: &Scoped<EventPos>| k.at;
    let by_index = &mut |at, ()| resolve(at, None);
    let (items, next) = match walk {
        EventWalk::Attribute(scope) => walk_scope::<EventByAttributeSchema, _, _>(
            reader, &scope, scoped, after, asc, limit, by_index,
        )?,
        EventWalk::Topic(scope) => walk_scope::<EventByTopicSchema, _, _>(
            reader, &scope, scoped, after, asc, limit, by_index,
        )?,
        EventWalk::Contract(c) => walk_scope::<EventByContractSchema, _, _>(
            reader, &c.0, scoped, after, asc, limit, by_index,
        )?,
        EventWalk::All => {
            // The walk reads each event: hand it on.
            let read = &mut |at, stored| resolve(at, Some(stored));
            walk_scope::<EventSchema, _, _>(reader, &[], |k| *k, after, asc, limit, read)?
        }
        EventWalk::Nothing => (Vec::new(), None),
    };
    Ok(Page { items, next_cursor: next.map(|at| cursor(CURSOR_EVENTS, at)) })
}
