//! Client-facing endpoints: gRPC (tonic) with health and reflection, and HTTP
//! (axum) for `/health`.

pub mod convert;
pub mod grpc;
pub mod http;
