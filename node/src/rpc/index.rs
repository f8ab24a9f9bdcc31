//! `IndexService`: block summaries, transactions by sender/contract, events by
//! contract/topic/attribute, and the resumable event stream — over the
//! store's indexes (`bayledger_storage::index`, written in each block's
//! batch).
//!
//! Lists are newest first unless `ascending`; `limit` 0 means
//! [`DEFAULT_LIMIT`], larger values are capped at
//! [`bayledger_storage::index::MAX_PAGE`]; `next_cursor` is empty on the last
//! page. Malformed addresses, cursors and half-set attribute filters are
//! INVALID_ARGUMENT.

use super::convert::{address, storage};
use super::grpc::{Api, blocking};
use crate::chain::Chain;
use bayledger_proto::node::{index_service_server::IndexService, *};
use bayledger_storage::index::{self, MAX_PAGE};
use bayledger_storage::{EventQuery, IndexedEvent, PageRequest, TxQuery};
use std::pin::Pin;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// Stream of events for `SubscribeEvents`.
pub type EventStream = Pin<Box<dyn Stream<Item = Result<EventRecord, Status>> + Send>>;

/// Items per page when the request's `limit` is 0.
pub const DEFAULT_LIMIT: usize = 50;
/// Events one read of an event stream takes from the store.
const EVENTS_PER_READ: usize = 256;

fn limit(requested: u32) -> usize {
    match requested {
        0 => DEFAULT_LIMIT,
        n => (n as usize).min(MAX_PAGE),
    }
}

fn cursor(bytes: Vec<u8>) -> Option<Vec<u8>> {
    (!bytes.is_empty()).then_some(bytes)
}

/// The storage query of a request's filter.
fn event_query(filter: Option<EventFilter>) -> Result<EventQuery, Status> {
    let f = filter.unwrap_or_default();
    let contract = match f.contract.is_empty() {
        true => None,
        false => Some(address("filter.contract", &f.contract)?),
    };
    let attribute = match (f.attribute_key.is_empty(), f.attribute_value.is_empty()) {
        (true, true) => None,
        (false, false) => Some((f.attribute_key, f.attribute_value)),
        _ => {
            return Err(Status::invalid_argument(
                "filter.attribute_key and filter.attribute_value go together: set both or neither",
            ));
        }
    };
    let topic = (!f.topic.is_empty()).then_some(f.topic);
    Ok(EventQuery { contract, topic, attribute })
}

fn event_record(e: IndexedEvent) -> EventRecord {
    EventRecord {
        cursor: e.cursor(),
        height: e.pos.height,
        tx_hash: e.tx_hash.0.to_vec(),
        tx_index: e.pos.tx_index,
        event_index: e.pos.event_index,
        event: Some(e.event),
        time_ms: e.time_ms,
    }
}

#[tonic::async_trait]
impl IndexService for Api {
    async fn list_blocks(
        &self,
        req: Request<ListBlocksRequest>,
    ) -> Result<Response<ListBlocksResponse>, Status> {
        let req = req.into_inner();
        let chain = self.0.clone();
        blocking(move || {
            let latest = chain.height()?;
            let highest = match req.before_height {
                0 => latest,
                h => h.min(latest),
            };
            let blocks = chain
                .store
                .list_blocks(highest, limit(req.limit))
                .map_err(|e| storage(e, &*chain.store))?
                .into_iter()
                .map(|b| BlockSummary {
                    height: b.height,
                    block_hash: b.hash.0.to_vec(),
                    time_ms: b.time_ms,
                    proposer: b.proposer,
                    tx_count: b.tx_count,
                    signatures: b.signatures,
                })
                .collect();
            Ok(Response::new(ListBlocksResponse { blocks }))
        })
        .await
    }

    async fn list_txs(
        &self,
        req: Request<ListTxsRequest>,
    ) -> Result<Response<ListTxsResponse>, Status> {
        let req = req.into_inner();
        let query = match &req.by {
            Some(list_txs_request::By::Sender(a)) => TxQuery::Sender(address("sender", a)?),
            Some(list_txs_request::By::Contract(a)) => TxQuery::Contract(address("contract", a)?),
            None => return Err(Status::invalid_argument("set `sender` or `contract`")),
        };
        let page = PageRequest {
            cursor: cursor(req.cursor),
            limit: limit(req.limit),
            ascending: req.ascending,
        };
        let chain = self.0.clone();
        blocking(move || {
            let page = chain.store.list_txs(query, &page).map_err(|e| storage(e, &*chain.store))?;
            let txs = page
                .items
                .into_iter()
                .map(|t| TxSummary {
                    tx_hash: t.tx_hash.0.to_vec(),
                    height: t.location.height,
                    index: t.location.index,
                    sender: t.sender.0.to_vec(),
                    contract: t.contract.map(|c| c.0.to_vec()).unwrap_or_default(),
                    status: t.status,
                    fuel_used: t.fuel_used,
                })
                .collect();
            Ok(Response::new(ListTxsResponse {
                txs,
                next_cursor: page.next_cursor.unwrap_or_default(),
            }))
        })
        .await
    }

    async fn list_events(
        &self,
        req: Request<ListEventsRequest>,
    ) -> Result<Response<ListEventsResponse>, Status> {
        let req = req.into_inner();
        let query = event_query(req.filter)?;
        let page = PageRequest {
            cursor: cursor(req.cursor),
            limit: limit(req.limit),
            ascending: req.ascending,
        };
        let chain = self.0.clone();
        blocking(move || {
            let page =
                chain.store.list_events(&query, &page).map_err(|e| storage(e, &*chain.store))?;
            Ok(Response::new(ListEventsResponse {
                events: page.items.into_iter().map(event_record).collect(),
                next_cursor: page.next_cursor.unwrap_or_default(),
            }))
        })
        .await
    }

    type SubscribeEventsStream = EventStream;

    async fn subscribe_events(
        &self,
        req: Request<SubscribeEventsRequest>,
    ) -> Result<Response<Self::SubscribeEventsStream>, Status> {
        let req = req.into_inner();
        let query = event_query(req.filter)?;
        let from = req.from_height;
        // Position: after the given event, else before `from_height`.
        let mut position = match cursor(req.cursor) {
            Some(c) => Some(c),
            None => index::events_from_height(from),
        };
        // Checks the cursor now, so a bad one fails the call, not the stream.
        if let Some(c) = &position {
            index::check_event_cursor(c).map_err(|e| storage(e, &*self.0.store))?;
        }
        let read = move |chain: &Chain| {
            let page =
                PageRequest { cursor: position.clone(), limit: EVENTS_PER_READ, ascending: true };
            let page =
                chain.store.list_events(&query, &page).map_err(|e| storage(e, &*chain.store))?;
            if let Some(last) = page.items.last() {
                position = Some(last.cursor());
            } else if let Some(next) = &page.next_cursor {
                position = Some(next.clone()); // scanned without a match
            }
            let more = page.next_cursor.is_some();
            let items = page.items.into_iter().map(|e| (e.pos.height, event_record(e))).collect();
            Ok((items, more))
        };
        let resume = Box::new(move |last: Option<u64>| match last {
            Some(h) => {
                format!("resume with `cursor` = the cursor of the last event received (height {h})")
            }
            None => "nothing was delivered: resume with the same request".to_string(),
        });
        Ok(Response::new(Box::pin(super::stream::follow(self.0.clone(), read, resume))))
    }
}
