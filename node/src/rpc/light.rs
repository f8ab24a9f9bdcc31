//! `LightService`: signed headers and proven validator sets for light clients
//! (docs/light-verification.md).

use super::grpc::Api;
use bayledger_proto::node::{light_service_server::LightService, *};
use tonic::{Request, Response, Status};

#[tonic::async_trait]
impl LightService for Api {
    async fn get_signed_header(
        &self,
        _req: Request<GetSignedHeaderRequest>,
    ) -> Result<Response<SignedHeader>, Status> {
        Err(Status::unimplemented("GetSignedHeader"))
    }

    async fn get_validator_set(
        &self,
        _req: Request<GetValidatorSetRequest>,
    ) -> Result<Response<GetValidatorSetResponse>, Status> {
        Err(Status::unimplemented("GetValidatorSet"))
    }

    async fn list_validator_set_changes(
        &self,
        _req: Request<ListValidatorSetChangesRequest>,
    ) -> Result<Response<ListValidatorSetChangesResponse>, Status> {
        Err(Status::unimplemented("ListValidatorSetChanges"))
    }
}
