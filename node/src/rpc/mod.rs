//! Client-facing endpoints: gRPC (tonic) with health and reflection, and HTTP
//! (axum): REST/JSON, grpc-web, operations endpoints and the web explorer.

pub mod convert;
pub mod explorer;
pub mod grpc;
pub mod http;
pub mod index;
pub mod light;
pub mod ops;
pub mod rest;
pub mod stream;
