//! `/admin/`: the drafters' view of the consultation. Off unless `COPBOOK_ADMIN_TOKEN` is
//! set; then every request must carry the token (HTTP Basic password, or a Bearer token),
//! compared in constant time. Nothing under `/admin` is linked from public pages.

use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use super::AppState;
use super::comments::constant_time_eq;
use crate::comments::model::Status;
use crate::comments::store::ListQuery;
use crate::drafts::follow;

/// The fewest characters an admin token may have.
pub const MIN_TOKEN_CHARS: usize = 20;

/// `Err(length)` when `token` is shorter than [`MIN_TOKEN_CHARS`].
pub fn check_token_strength(token: &str) -> Result<(), usize> {
    let n = token.chars().count();
    if n < MIN_TOKEN_CHARS { Err(n) } else { Ok(()) }
}

/// Failed admin attempts allowed: per client address, in total, and how often a client's
/// failures are logged.
pub struct FailureLimits {
    per_client: super::limits::RateLimiter,
    global: super::limits::RateLimiter,
    logged: super::limits::RateLimiter,
}

/// Failed attempts one client may make per minute.
const FAILURES_PER_CLIENT: u32 = 10;
/// Failed attempts all clients together may make per minute.
const FAILURES_GLOBAL: u32 = 100;
/// The key all clients share in the global count.
const EVERYONE: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

impl FailureLimits {
    /// The default limits.
    pub fn new() -> FailureLimits {
        FailureLimits {
            per_client: super::limits::RateLimiter::new(FAILURES_PER_CLIENT),
            global: super::limits::RateLimiter::new(FAILURES_GLOBAL),
            logged: super::limits::RateLimiter::new(1),
        }
    }
}

impl Default for FailureLimits {
    fn default() -> Self {
        FailureLimits::new()
    }
}

/// Refuses every `/admin` request that lacks the token; 404 when admin is off. A client
/// (or everyone) past the failure limit gets 429 before its token is even compared.
pub async fn require_token(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(token) = state.admin_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let client = super::limits::request_client(&req, state.trusted_proxy);
    let now = std::time::Instant::now();
    let limits = &state.admin_failures;
    if let Err(wait) = limits
        .per_client
        .peek(client, now)
        .and_then(|()| limits.global.peek(EVERYONE, now))
    {
        return super::guards::too_many_requests(&state, wait);
    }
    if presented_token(req.headers())
        .is_some_and(|t| constant_time_eq(t.as_bytes(), token.as_bytes()))
    {
        let mut res = next.run(req).await;
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return res;
    }
    if presented_token(req.headers()).is_some() {
        let _ = limits.per_client.check(client, now);
        let _ = limits.global.check(EVERYONE, now);
        if limits.logged.check(client, now).is_ok() {
            tracing::warn!(
                "admin: wrong token from {client} (further failures from it are logged at most once a minute)"
            );
        }
    }
    (
        StatusCode::UNAUTHORIZED,
        [(
            header::WWW_AUTHENTICATE,
            "Basic realm=\"copbook admin\", charset=\"UTF-8\"",
        )],
        "The admin pages need the admin token.",
    )
        .into_response()
}

/// The token from `Authorization: Bearer T` or the password of `Authorization: Basic`.
fn presented_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    if let Some(t) = value.strip_prefix("Bearer ") {
        return Some(t.trim().to_string());
    }
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64_decode(encoded.trim())?;
    let text = String::from_utf8(decoded).ok()?;
    text.split_once(':')
        .map(|(_, password)| password.to_string())
}

/// Standard base64 (RFC 4648) decoding, for the Basic scheme only.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// What an admin page says when the comments database could not be read.
pub(super) const STORE_UNREADABLE: &str =
    "The comments database could not be read. Try again later.";

/// The 503 page of an admin request the comments store failed: `message` for the drafter,
/// the error logged under `area`.
pub(super) fn store_failed(
    state: &AppState,
    area: &str,
    message: &str,
    e: impl std::fmt::Display,
) -> Response {
    tracing::error!("{area}: {e}");
    let served = state.current.load_full();
    state.pages.error(
        &served.context,
        StatusCode::SERVICE_UNAVAILABLE,
        "Comments unavailable",
        message,
    )
}

fn unavailable(state: &AppState, e: impl std::fmt::Display) -> Response {
    store_failed(state, "admin", STORE_UNREADABLE, e)
}

/// A blocking task of the request died: a 500 that says so.
fn task_failed(state: &AppState, e: &tokio::task::JoinError) -> Response {
    let served = state.current.load_full();
    super::error::AppError::task_failed(
        super::error::Answer::Page,
        Some(&served.context),
        "admin",
        e,
    )
    .into_response()
}

/// `GET /admin/`: counts by provision, question and status.
pub async fn index(State(state): State<Arc<AppState>>) -> Response {
    let served = state.current.load_full();
    let Some(store) = state.store.clone() else {
        return unavailable(&state, "no store");
    };
    let stats = match store.stats().await {
        Ok(s) => s,
        Err(e) => return unavailable(&state, e),
    };
    let targets: Vec<_> = stats
        .by_target
        .iter()
        .map(|t| {
            let entry = served.site.corpus.get(&t.target_id);
            let title = entry.map(|e| e.title.clone()).unwrap_or_default();
            let number_now = entry.and_then(|e| e.number.clone());
            let removed = entry.is_none();
            context! { id => t.target_id, number => t.target_number, title => title, count => t.count, number_now => number_now, removed => removed }
        })
        .collect();
    let removed_count = stats
        .by_target
        .iter()
        .filter(|t| served.site.corpus.get(&t.target_id).is_none())
        .count();
    let grouping = match state.analysis.get(&*store).await {
        Ok(snapshot) => snapshot.grouping.summary(),
        Err(e) => return unavailable(&state, e),
    };
    let purge_reminder = match served.consultation() {
        Some(c) => crate::comments::retention::purge_reminder(&*store, c, state.now()).await,
        None => None,
    };
    // What the public sees, counted as the public pages count it.
    let public_count = match store
        .count_published(&crate::comments::store::PublishedQuery::default())
        .await
    {
        Ok(n) => n,
        Err(e) => return unavailable(&state, e),
    };
    let status_words: std::collections::BTreeMap<&str, &str> = Status::ALL
        .iter()
        .map(|s| (s.as_str(), super::admin_response::status_words(*s)))
        .collect();
    state.pages.render(
        "admin.html",
        StatusCode::OK,
        context! { site => served.context, stats => stats, grouping => grouping, targets => targets, removed_count => removed_count, purge_reminder => purge_reminder, public_count => public_count, status_words => status_words },
    )
}

/// Responses per page of `/admin/target/{id}`.
const TARGET_PAGE: usize = 100;

/// `?page=N` (from 1) of `/admin/target/{id}`; a page that is not a number is refused
/// with 400 by the extractor.
#[derive(Debug, Deserialize)]
pub struct Paging {
    page: Option<usize>,
}

/// `GET /admin/target/{id}`: the comments on one provision or section, a page at a time.
pub async fn target(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    axum::extract::Query(paging): axum::extract::Query<Paging>,
    headers: HeaderMap,
) -> Response {
    let served = state.current.load_full();
    let Some(store) = state.store.clone() else {
        return unavailable(&state, "no store");
    };
    let page = paging.page.unwrap_or(1).max(1);
    let query = ListQuery {
        target: Some(id.clone()),
        offset: (page - 1).saturating_mul(TARGET_PAGE),
        limit: TARGET_PAGE,
        ..ListQuery::default()
    };
    let (comments, total) = match tokio::try_join!(store.list(&query), store.count_matching(&query))
    {
        Ok(found) => found,
        Err(e) => return unavailable(&state, e),
    };
    let pages = usize::try_from(total)
        .unwrap_or(usize::MAX)
        .div_ceil(TARGET_PAGE)
        .max(1);
    let entry = served.site.corpus.get(&id);
    // Where each comment's paragraph is now, and the text the respondent saw beside today's.
    let follows: Vec<_> = comments
        .iter()
        .map(|c| {
            let f = follow::follow(&c.target_id, c.target_number.as_deref(), &c.target_text, &c.draft_version, &served.site.corpus);
            let diff = follow::then_and_now(&c.target_id, &c.target_text, &served.site.corpus)
                .map(|(_, segments)| minijinja::Value::from_safe_string(crate::drafts::page::segments_html(&segments)));
            context! { made_on => f.made_on, number_then => f.number_then, number_now => f.number_now, now => f.now.as_str(), diff => diff }
        })
        .collect();
    let token = super::comments::csrf_token_for(&headers);
    let mut res = state.pages.render(
        "admin_target.html",
        StatusCode::OK,
        context! {
            site => served.context,
            id => id,
            entry => entry,
            comments => comments,
            total => total,
            page => page,
            pages => pages,
            follows => follows,
            statuses => Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            csrf => token,
        },
    );
    super::comments::set_csrf_cookie(&mut res, &token);
    res
}

/// The status form's fields.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    status: String,
    csrf: String,
    back: Option<String>,
}

/// `POST /admin/comments/{reference}/status`
pub async fn set_status(
    State(state): State<Arc<AppState>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<StatusForm>,
) -> Response {
    if !super::comments::csrf_ok(&headers, &form.csrf) {
        return (
            StatusCode::FORBIDDEN,
            "The form has expired; reload the page and try again.",
        )
            .into_response();
    }
    let Some(status) = Status::ALL
        .iter()
        .copied()
        .find(|s| s.as_str() == form.status)
    else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "Unknown status.").into_response();
    };
    let Some(store) = &state.store else {
        return unavailable(&state, "no store");
    };
    // A response whose sender said no is never published: refused, not silently kept
    // from the public while the drafters' counts say otherwise.
    if status == Status::Published {
        match store.get(&reference).await {
            Ok(Some(c)) if c.publish == crate::comments::model::Publish::No => {
                return (
                    StatusCode::CONFLICT,
                    "The respondent asked us not to publish this response, so it cannot be published. Choose another status.",
                )
                    .into_response();
            }
            Ok(_) => {}
            Err(e) => return unavailable(&state, e),
        }
    }
    match store.set_status(&reference, status).await {
        Ok(()) => {
            state.analysis.invalidate();
            Redirect::to(&safe_back(form.back)).into_response()
        }
        Err(crate::comments::StoreError::NotFound(_)) => {
            (StatusCode::NOT_FOUND, "No comment has that reference.").into_response()
        }
        Err(e) => unavailable(&state, e),
    }
}

/// Where a form goes back to: an admin path of ours, or `/admin/`.
pub fn safe_back(back: Option<String>) -> String {
    back.filter(|b| {
        b.starts_with("/admin/") && !b.starts_with("//") && b.bytes().all(|c| c.is_ascii_graphic())
    })
    .unwrap_or_else(|| "/admin/".to_string())
}

/// `GET /admin/export.csv`: every comment, CSV-injection safe.
pub async fn export_csv(State(state): State<Arc<AppState>>) -> Response {
    let Some(store) = state.store.clone() else {
        return unavailable(&state, "no store");
    };
    let rows = match store.export().await {
        Ok(rows) => rows,
        Err(e) => return unavailable(&state, e),
    };
    let result = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        crate::comments::export_csv(rows.blocking_iter(), &mut out).map(|()| out)
    })
    .await;
    match result {
        Ok(Ok(bytes)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"comments.csv\"",
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(e)) => unavailable(&state, e),
        Err(e) => task_failed(&state, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_basic_auth() {
        let mut h = HeaderMap::new();
        // "admin:s3cret"
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic YWRtaW46czNjcmV0"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("s3cret"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(presented_token(&h), None);
    }
}
