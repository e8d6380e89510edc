//! `/api/search` (JSON) and `/search` (a page that needs no JavaScript).
//!
//! Parameters are read leniently (invalid UTF-8 is replaced, not refused) and checked
//! here, so that every bad input gets a 400 with a message that says what to change; the
//! search itself accepts any text.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minijinja::context;

use super::AppState;
use super::pages::json_error;
use crate::book::Part;
use crate::search::{SearchQuery, SearchResults};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 50;
/// Hits per page of `/search`.
const PAGE_SIZE: usize = 10;
/// Deepest page of `/search` (deeper pages are not useful and cost work).
const MAX_PAGE: usize = 100;

/// A search request, validated.
#[derive(Debug)]
struct Params {
    q: String,
    part: Option<Part>,
    limit: usize,
    page: usize,
}

/// Reads and checks the query string; `Err` is the message for a 400.
fn params(raw: Option<&str>, page_mode: bool) -> Result<Params, (String, Params)> {
    let mut out = Params {
        q: String::new(),
        part: None,
        limit: if page_mode { PAGE_SIZE } else { 10 },
        page: 1,
    };
    let mut problem = None;
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "q" => out.q = value.into_owned(),
            "part" => match value.as_ref() {
                "" | "all" => out.part = None,
                "code" => out.part = Some(Part::Code),
                "guide" => out.part = Some(Part::Guide),
                _ => {
                    problem = Some(
                        "part must be `code` or `guide` (or left out to search both)".to_string(),
                    )
                }
            },
            "limit" if !page_mode => match value.trim().parse::<usize>() {
                Ok(n) if n >= 1 => out.limit = n.min(MAX_LIMIT),
                _ => {
                    problem = Some(format!(
                        "limit must be a whole number from 1 to {MAX_LIMIT}"
                    ))
                }
            },
            "page" => match value.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => out.page = n,
                _ => problem = Some(format!("page must be a whole number from 1 to {MAX_PAGE}")),
            },
            _ => {}
        }
    }
    if out.q.chars().count() > MAX_QUERY_CHARS {
        problem = Some(format!(
            "the search is too long: use at most {MAX_QUERY_CHARS} characters"
        ));
    }
    match problem {
        Some(message) => Err((message, out)),
        None => Ok(out),
    }
}

fn run(state: &AppState, p: &Params) -> Result<SearchResults, String> {
    let served = state.current.load_full();
    let query = SearchQuery {
        text: p.q.clone(),
        limit: p.limit,
        offset: (p.page - 1) * p.limit,
        part: p.part,
    };
    let options = &served.site.search_options;
    served
        .site
        .search
        .search_with(&query, options)
        .map_err(|e| {
            tracing::error!("search for {:?} failed: {e}", p.q);
            "the search could not be run; please try again".to_string()
        })
}

/// `GET /api/search?q=…&limit=…&part=code|guide&page=…`
pub async fn api(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let p = match params(raw.as_deref(), false) {
        Ok(p) => p,
        Err((message, _)) => return json_error(StatusCode::BAD_REQUEST, message),
    };
    match run(&state, &p) {
        Ok(results) => Json(serde_json::json!({
            "query": p.q,
            "total": results.total,
            "took_us": results.took_us,
            "hits": results.hits,
        }))
        .into_response(),
        Err(message) => json_error(StatusCode::SERVICE_UNAVAILABLE, message),
    }
}

/// `GET /search?q=…&part=…&page=…`: the results page.
pub async fn page(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let served = state.current.load_full();
    let (p, error, status) = match params(raw.as_deref(), true) {
        Ok(p) => (p, None, StatusCode::OK),
        Err((message, p)) => (p, Some(message), StatusCode::BAD_REQUEST),
    };
    let results = if error.is_none() && !p.q.trim().is_empty() {
        match run(&state, &p) {
            Ok(r) => Some(r),
            Err(message) => {
                return state.pages.error(
                    &served.context,
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Search is not available",
                    &message,
                );
            }
        }
    } else {
        None
    };
    let total = results.as_ref().map_or(0, |r| r.total);
    let pages = total.div_ceil(PAGE_SIZE).clamp(1, MAX_PAGE);
    let link = |page: usize| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("q", &p.q);
        if let Some(part) = p.part {
            q.append_pair("part", part.as_str());
        }
        q.append_pair("page", &page.to_string());
        format!("/search?{}", q.finish())
    };
    state.pages.render(
        "search.html",
        status,
        context! {
            site => served.context,
            live_reload => state.reload.is_some(),
            q => p.q,
            part => p.part.map(Part::as_str).unwrap_or_default(),
            hits => results.as_ref().map(|r| r.hits.clone()).unwrap_or_default(),
            total => total,
            page => p.page,
            pages => pages,
            prev_url => (p.page > 1).then(|| link(p.page - 1)),
            next_url => (p.page < pages).then(|| link(p.page + 1)),
            error => error,
            took_ms => results.as_ref().map(|r| format!("{:.1}", r.took_us as f64 / 1000.0)),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_parameters() {
        let p = params(Some("q=custody+image&part=code&limit=60"), false).expect("valid");
        assert_eq!(
            (p.q.as_str(), p.part, p.limit),
            ("custody image", Some(Part::Code), 50)
        );
        assert!(params(Some("q=x&limit=-1"), false).is_err());
        assert!(params(Some("q=x&limit=abc"), false).is_err());
        assert!(params(Some("q=x&limit=0"), false).is_err());
        assert!(params(Some("q=x&part=nonsense"), false).is_err());
        assert!(params(Some(&format!("q={}", "a".repeat(501))), false).is_err());
        assert!(params(Some(&format!("q={}", "é".repeat(500))), false).is_ok());
        // Invalid percent-encoding and UTF-8 are read, not refused.
        assert_eq!(
            params(Some("q=%FF%FE%zz"), false).expect("lenient").q,
            "\u{fffd}\u{fffd}%zz"
        );
    }
}
