//! `GET /api/search`: the search, as JSON. The parameters and the search itself are the
//! results page's ([`crate::server::public::search_pages`]), so both read a query alike.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::server::AppState;
use crate::server::edge::error::AppError;
use crate::server::public::search_pages::{params, run};

/// `GET /api/search?q=…&limit=…&part=code|guide&page=…`
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "search",
    operation_id = "search",
    params(
        ("q" = Option<String>, Query, description = "The words to find; empty gives no hits", example = "custody images"),
        ("limit" = Option<usize>, Query, description = "Hits per page, 1 to 50 (default 10)"),
        ("part" = Option<String>, Query, description = "`code` or `guide`: only that part"),
        ("page" = Option<usize>, Query, description = "The page of results, from 1"),
    ),
    responses(
        (status = 200, description = "One page of results", body = super::wire::SearchResponse),
        (status = 400, description = "A parameter is malformed or out of range", body = crate::server::edge::error::ErrorBody),
        (status = 503, description = "The search index is unavailable", body = crate::server::edge::error::ErrorBody),
    )
)]
pub async fn api(
    State(state): State<Arc<AppState>>,
    locale: crate::server::edge::language::Locale,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let p = params(raw.as_deref(), false)
        .map_err(|(problem, _)| AppError::json(StatusCode::BAD_REQUEST, problem.to_string()))?;
    match run(&state, &p, locale.language) {
        Ok(results) => Ok(Json(super::wire::SearchResponse {
            query: p.q,
            total: results.total,
            took_us: results.took_us,
            suggestion: results.suggestion,
            hits: results.hits,
        })
        .into_response()),
        Err(message) => Err(AppError::json(StatusCode::SERVICE_UNAVAILABLE, message)),
    }
}
