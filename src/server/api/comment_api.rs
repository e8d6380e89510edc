//! `POST /api/comments`: a comment, as JSON. The checks and the store are the form's
//! ([`crate::server::public::comment_form`]): only the answer's shape differs.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::wire::{FieldErrorBody, FieldErrors, Receipt};
use crate::comments::keys;
use crate::comments::validate::RawSubmission;
use crate::server::AppState;
use crate::server::edge::error::AppError;
use crate::server::edge::language::Locale;
use crate::server::public::comment_form::{
    ApiConsulting, IDEMPOTENCY_KEY, Secrets, SubmitError, submit,
};

/// `POST /api/comments`: the JSON API. Every refusal is `{"error": "..."}` with its
/// status, or `{"errors": [{"field", "message"}]}` for fields to correct.
#[utoipa::path(
    post,
    path = "/api/comments",
    tag = "consultation",
    operation_id = "comment",
    request_body(content = RawSubmission, content_type = "application/json", description = "The comment: unknown fields are refused"),
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "1 to 255 printable ASCII characters: a retry of the same submission with the same key returns the first receipt and stores nothing"),
    ),
    responses(
        (status = 201, description = "Stored durably (or stored by an earlier retry with this key)", body = super::wire::Receipt),
        (status = 400, description = "The body is not JSON of this shape, or the Idempotency-Key is malformed", body = crate::server::edge::error::ErrorBody),
        (status = 403, description = "The consultation is not open", body = crate::server::edge::error::ErrorBody),
        (status = 404, description = "This draft is not open for comments", body = crate::server::edge::error::ErrorBody),
        (status = 413, description = "The body is too large", body = crate::server::edge::error::ErrorBody),
        (status = 415, description = "Not JSON, or not UTF-8", body = crate::server::edge::error::ErrorBody),
        (status = 422, description = "Fields to correct (or a body of the wrong types)", body = super::wire::Unprocessable),
        (status = 429, description = "Too many submissions from this client: see Retry-After", body = crate::server::edge::error::ErrorBody),
        (status = 503, description = "Not stored: try again later", body = crate::server::edge::error::ErrorBody),
    )
)]
pub async fn submit_json(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    ApiConsulting(consulting): ApiConsulting,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<RawSubmission>, JsonRejection>,
) -> Result<Response, AppError> {
    let Json(raw) = body.map_err(|r| AppError::json(r.status(), r.body_text()))?;
    let language = locale.language;
    let idempotency_key = match headers.get(IDEMPOTENCY_KEY) {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| keys::KeyError::Characters)
                .and_then(keys::check_key)
                .map_err(|e| {
                    AppError::json(StatusCode::BAD_REQUEST, format!("Idempotency-Key: {e}"))
                })?,
        ),
    };
    let secrets = Secrets {
        idempotency_key,
        receipt_secret: None,
    };
    match submit(&state, &consulting, language, peer, &headers, &raw, secrets).await {
        Ok(reference) => Ok((StatusCode::CREATED, Json(Receipt { reference })).into_response()),
        Err(SubmitError::Invalid(errors)) => {
            let errors = errors
                .iter()
                .map(|e| FieldErrorBody {
                    field: e.field.to_string(),
                    message: crate::server::edge::messages::field_message(
                        state.pages.catalogue(),
                        language,
                        e,
                    ),
                })
                .collect();
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(FieldErrors { errors }),
            )
                .into_response())
        }
        Err(SubmitError::RateLimited(seconds)) => Err(AppError::json(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many submissions from this client: retry after {seconds} seconds"),
        )
        .retry_after(seconds)),
        Err(SubmitError::NotOpen(message)) => Err(AppError::json(StatusCode::FORBIDDEN, message)),
        Err(SubmitError::Unavailable(why)) => Err(AppError::json(
            StatusCode::SERVICE_UNAVAILABLE,
            why.message(&state, language),
        )),
    }
}
