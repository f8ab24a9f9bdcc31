//! `IndexService`: block summaries, transactions by sender/contract, events by
//! contract/topic/attribute, and the resumable event stream.

use super::grpc::Api;
use bayledger_proto::node::{index_service_server::IndexService, *};
use std::pin::Pin;
use tokio_stream::Stream;
use tonic::{Request, Response, Status};

/// Stream of events for `SubscribeEvents`.
pub type EventStream = Pin<Box<dyn Stream<Item = Result<EventRecord, Status>> + Send>>;

#[tonic::async_trait]
impl IndexService for Api {
    async fn list_blocks(
        &self,
        _req: Request<ListBlocksRequest>,
    ) -> Result<Response<ListBlocksResponse>, Status> {
        Err(Status::unimplemented("ListBlocks"))
    }

    async fn list_txs(
        &self,
        _req: Request<ListTxsRequest>,
    ) -> Result<Response<ListTxsResponse>, Status> {
        Err(Status::unimplemented("ListTxs"))
    }

    async fn list_events(
        &self,
        _req: Request<ListEventsRequest>,
    ) -> Result<Response<ListEventsResponse>, Status> {
        Err(Status::unimplemented("ListEvents"))
    }

    type SubscribeEventsStream = EventStream;

    async fn subscribe_events(
        &self,
        _req: Request<SubscribeEventsRequest>,
    ) -> Result<Response<Self::SubscribeEventsStream>, Status> {
        Err(Status::unimplemented("SubscribeEvents"))
    }
}
