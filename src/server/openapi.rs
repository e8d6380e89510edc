//! `/api/openapi.json`: the OpenAPI 3.1 description of the JSON API, generated with
//! `utoipa` from the handlers' annotations and the types they read and send, so the
//! description cannot drift from the code. `tests/testsuite/openapi.rs` runs
//! schemathesis against it.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::search::Hit;

/// The description, built from the annotated handlers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "copbook JSON API",
        description = "Search the draft Code and its guide, comment on it while the consultation is open, read the change log between drafts, read each published draft as open data, and check the server's health. Every path also answers under /cy (Welsh)."
    ),
    paths(
        super::search::api,
        super::comments::submit_json,
        super::changes::api,
        super::point_in_time::file,
        super::guards::healthz,
    )
)]
pub struct ApiDoc;

/// A refusal: what was wrong, in words.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What was wrong.
    pub error: String,
}

/// `GET /api/search`: one page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    /// The query as read.
    pub query: String,
    /// How many entries match in all.
    pub total: usize,
    /// How long the search took, in microseconds.
    pub took_us: u64,
    /// "Did you mean": the query with misspelt words corrected, if any.
    pub suggestion: Option<String>,
    /// The page of hits, best first.
    pub hits: Vec<Hit>,
}

/// `POST /api/comments`: the comment was stored (or, for a retry with the same
/// `Idempotency-Key` and submission, had been stored).
#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    /// The respondent's reference, e.g. `LEDS-7K3M-9QF2-4XHD`.
    pub reference: String,
}

/// `POST /api/comments`: fields to correct.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrors {
    /// One entry per problem, in the order of the form.
    pub errors: Vec<FieldErrorBody>,
}

/// One field to correct.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// The field's name, as in the request.
    pub field: String,
    /// What to correct, in words.
    pub message: String,
}

/// `POST /api/comments` with 422: fields to correct, or (a body of the wrong types)
/// a refusal in words.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Unprocessable {
    /// Fields to correct.
    Fields(FieldErrors),
    /// A body whose fields have the wrong types.
    Body(ErrorBody),
}

/// `GET /healthz`: the state of each part of the server.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `missing`.
    pub site: &'static str,
    /// `ok` or `empty`.
    pub search: &'static str,
    /// `ok`, `off` (no comment store), `read-only` or `error`.
    pub store: &'static str,
}

/// `GET /api/openapi.json`
pub async fn document() -> Response {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let json = DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        json.clone(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_json_endpoint_is_described() {
        let doc = serde_json::to_value(ApiDoc::openapi()).expect("json");
        for path in ["/api/search", "/api/comments", "/api/changes", "/healthz"] {
            assert!(doc["paths"][path].is_object(), "{path} is missing");
        }
        let schemas = &doc["components"]["schemas"];
        for schema in [
            "RawSubmission",
            "Hit",
            "ChangeLog",
            "SearchResponse",
            "Health",
        ] {
            assert!(schemas[schema].is_object(), "{schema} is missing");
        }
    }
}
