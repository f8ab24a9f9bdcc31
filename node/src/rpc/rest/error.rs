//! Errors of the JSON API: a gRPC [`Status`] as Connect's error body
//! `{"code": "<code>", "message": …}` (codes in Connect's spelling, the gRPC
//! code names in lower snake case) with the matching HTTP status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tonic::{Code, Status};

/// A failed JSON API call.
#[derive(Debug)]
pub struct ApiError(pub Status);

impl ApiError {
    /// A malformed request (HTTP 400).
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError(Status::invalid_argument(message))
    }
}

impl From<Status> for ApiError {
    fn from(s: Status) -> ApiError {
        ApiError(s)
    }
}

/// Connect's name of a gRPC code.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "ok",
        Code::Cancelled => "canceled",
        Code::Unknown => "unknown",
        Code::InvalidArgument => "invalid_argument",
        Code::DeadlineExceeded => "deadline_exceeded",
        Code::NotFound => "not_found",
        Code::AlreadyExists => "already_exists",
        Code::PermissionDenied => "permission_denied",
        Code::ResourceExhausted => "resource_exhausted",
        Code::FailedPrecondition => "failed_precondition",
        Code::Aborted => "aborted",
        Code::OutOfRange => "out_of_range",
        Code::Unimplemented => "unimplemented",
        Code::Internal => "internal",
        Code::Unavailable => "unavailable",
        Code::DataLoss => "data_loss",
        Code::Unauthenticated => "unauthenticated",
    }
}

/// The HTTP status of a gRPC code (the Connect protocol's mapping).
pub fn http_status(code: Code) -> StatusCode {
    match code {
        Code::Ok => StatusCode::OK,
        Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
            StatusCode::BAD_REQUEST
        }
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
        Code::PermissionDenied => StatusCode::FORBIDDEN,
        Code::Unauthenticated => StatusCode::UNAUTHORIZED,
        Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        // 499 Client Closed Request (nginx), as Connect uses.
        Code::Cancelled => StatusCode::from_u16(499).unwrap_or(StatusCode::BAD_REQUEST),
        Code::Unknown | Code::Internal | Code::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "code": code_name(self.0.code()),
            "message": self.0.message(),
        });
        (http_status(self.0.code()), Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_connect_names_and_http_statuses() {
        let cases = [
            (Code::NotFound, "not_found", 404),
            (Code::InvalidArgument, "invalid_argument", 400),
            (Code::FailedPrecondition, "failed_precondition", 400),
            (Code::Unimplemented, "unimplemented", 501),
            (Code::AlreadyExists, "already_exists", 409),
            (Code::ResourceExhausted, "resource_exhausted", 429),
            (Code::DeadlineExceeded, "deadline_exceeded", 504),
            (Code::Internal, "internal", 500),
            (Code::Cancelled, "canceled", 499),
        ];
        for (code, name, status) in cases {
            assert_eq!((code_name(code), http_status(code).as_u16()), (name, status), "{code:?}");
        }
    }
}
