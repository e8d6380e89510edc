//! The JSON API's wire types: what its handlers send, described in the OpenAPI document
//! by their `ToSchema` derives. The refusal body, which every JSON error shares, is the
//! edge's [`ErrorBody`](crate::server::edge::error::ErrorBody).

use serde::Serialize;
use utoipa::ToSchema;

use crate::search::Hit;
use crate::server::edge::error::ErrorBody;

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
