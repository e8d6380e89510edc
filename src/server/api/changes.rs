//! `GET /api/changes?from=VERSION`: the change log from a published draft to the draft
//! being served, as JSON (the same shape as `copbook diff --format json`). Without `from`,
//! the comparison the build made (with `compare-with`, or the latest earlier draft).

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::drafts;
use crate::server::AppState;
use crate::server::edge::error::AppError;

/// Longest version accepted in `from`.
const MAX_VERSION_LEN: usize = 32;

/// The change log as JSON; 400 for a malformed `from`, 404 when there is nothing to
/// compare with.
#[utoipa::path(
    get,
    path = "/api/changes",
    tag = "drafts",
    operation_id = "changes",
    params(
        ("from" = Option<String>, Query, description = "A published draft's version to compare with (default: the one the book names)", example = "0.1"),
    ),
    responses(
        (status = 200, description = "Every provision's change since that draft", body = crate::drafts::ChangeLog),
        (status = 400, description = "`from` is not a draft version", body = crate::server::edge::error::ErrorBody),
        (status = 404, description = "No such published draft, or none to compare with", body = crate::server::edge::error::ErrorBody),
    )
)]
pub async fn api(
    State(state): State<Arc<AppState>>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let from = form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "from")
        .map(|(_, v)| v.into_owned());
    let served = state.current.load();
    let site = &served.site;
    let Some(from) = from else {
        return match &site.changes {
            Some(log) => Ok(Json(log).into_response()),
            None => Err(AppError::json(
                StatusCode::NOT_FOUND,
                "this draft compares with no published draft; give one with ?from=VERSION",
            )),
        };
    };
    if from.is_empty()
        || from.len() > MAX_VERSION_LEN
        || !from
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return Err(AppError::json(
            StatusCode::BAD_REQUEST,
            format!(
                "`from` must be a draft version (letters, digits, dots and hyphens, at most {MAX_VERSION_LEN})"
            ),
        ));
    }
    if let Some(log) = site.changes.as_ref().filter(|log| log.from == from) {
        return Ok(Json(log).into_response());
    }
    let Some(code) = served.code() else {
        return Err(AppError::json(
            StatusCode::NOT_FOUND,
            "this book has no published drafts",
        ));
    };
    match drafts::find(&site.drafts, &from, drafts::record::DRAFTS_DIR.into()) {
        Ok(old) => {
            let mut log = drafts::compare(old, &drafts::current_record(&site.corpus, code));
            log.to = code.version.clone();
            Ok(Json(log).into_response())
        }
        Err(e) => Err(AppError::json(StatusCode::NOT_FOUND, e.to_string())),
    }
}
