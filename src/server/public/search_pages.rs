//! `/api/search` (JSON) and `/search` (a page that needs no JavaScript).
//!
//! Parameters are read leniently (invalid UTF-8 is replaced, not refused) and checked
//! here, so that every bad input gets a 400 with a message that says what to change; the
//! search itself accepts any text.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;

use crate::book::Part;
use crate::i18n::Language;
use crate::search::{SearchQuery, SearchResults};
use crate::server::AppState;
use crate::server::edge::error::AppError;

/// Longest query accepted, in characters (the search library's bound).
pub use crate::search::MAX_QUERY_CHARS;
/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 50;
/// Hits per page of `/search`.
const PAGE_SIZE: usize = 10;
/// Deepest page of `/search` (deeper pages are not useful and cost work).
const MAX_PAGE: usize = 100;

/// A search request, validated.
#[derive(Debug)]
pub(crate) struct Params {
    pub(crate) q: String,
    part: Option<Part>,
    limit: usize,
    page: usize,
}

/// What is wrong with a search request (a 400).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    Part,
    Limit,
    Page,
    TooLong,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Part => {
                f.write_str("part must be `code` or `guide` (or left out to search both)")
            }
            Problem::Limit => write!(f, "limit must be a whole number from 1 to {MAX_LIMIT}"),
            Problem::Page => write!(f, "page must be a whole number from 1 to {MAX_PAGE}"),
            Problem::TooLong => write!(
                f,
                "the search is too long: use at most {MAX_QUERY_CHARS} characters"
            ),
        }
    }
}

impl Problem {
    /// The problem in the words of the search page, in `language`.
    fn for_page(self, state: &AppState, language: Language) -> String {
        let max = |n: usize| [("max", crate::i18n::Arg::from(n as u64))];
        match self {
            Problem::Part => state.pages.t(language, "search-error-part"),
            Problem::Limit => self.to_string(),
            Problem::Page => state
                .pages
                .message(language, "search-error-page", &max(MAX_PAGE)),
            Problem::TooLong => {
                state
                    .pages
                    .message(language, "search-error-too-long", &max(MAX_QUERY_CHARS))
            }
        }
    }
}

/// Reads and checks the query string; `Err` is the problem, for a 400.
pub(crate) fn params(raw: Option<&str>, page_mode: bool) -> Result<Params, (Problem, Params)> {
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
                _ => problem = Some(Problem::Part),
            },
            "limit" if !page_mode => match value.trim().parse::<usize>() {
                Ok(n) if n >= 1 => out.limit = n.min(MAX_LIMIT),
                _ => problem = Some(Problem::Limit),
            },
            "page" => match value.trim().parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => out.page = n,
                _ => problem = Some(Problem::Page),
            },
            _ => {}
        }
    }
    if out.q.chars().count() > MAX_QUERY_CHARS {
        problem = Some(Problem::TooLong);
    }
    match problem {
        Some(message) => Err((message, out)),
        None => Ok(out),
    }
}

pub(crate) fn run(
    state: &AppState,
    p: &Params,
    language: Language,
) -> Result<SearchResults, String> {
    let served = state.current.load_full();
    let query = SearchQuery {
        text: p.q.clone(),
        limit: p.limit,
        offset: (p.page - 1) * p.limit,
        part: p.part,
    };
    let failed = |e: crate::search::SearchError| {
        tracing::error!("search for {:?} failed: {e}", p.q);
        state.pages.t(language, "search-error-failed")
    };
    let Some(translation) = served.translation(language) else {
        return served
            .site
            .search
            .search_with(&query, &served.site.search_options)
            .map_err(failed);
    };
    // A search made in Welsh: the Welsh pages first, then the English ones (the Code's
    // chapters may exist only in English), as one list paged across both.
    let mut first = translation.search.search(&query).map_err(failed)?;
    for hit in &mut first.hits {
        hit.url = format!("{}{}", language.prefix(), hit.url);
    }
    let then = SearchQuery {
        limit: query.limit - first.hits.len().min(query.limit),
        offset: query.offset.saturating_sub(first.total),
        ..query
    };
    let english = served
        .site
        .search
        .search_with(&then, &served.site.search_options)
        .map_err(failed)?;
    first.hits.extend(english.hits);
    first.total += english.total;
    first.took_us += english.took_us;
    Ok(first)
}

/// `GET /search?q=…&part=…&page=…`: the results page.
pub async fn page(
    State(state): State<Arc<AppState>>,
    locale: crate::server::edge::language::Locale,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let (p, error, status) = match params(raw.as_deref(), true) {
        Ok(p) => (p, None, StatusCode::OK),
        Err((problem, p)) => (
            p,
            Some(problem.for_page(&state, locale.language)),
            StatusCode::BAD_REQUEST,
        ),
    };
    let results = if error.is_none() && !p.q.trim().is_empty() {
        match run(&state, &p, locale.language) {
            Ok(r) => Some(r),
            Err(message) => {
                return Err(AppError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "error-search-unavailable",
                    "error-search-unavailable",
                )
                .with_message_said(message));
            }
        }
    } else {
        None
    };
    let total = results.as_ref().map_or(0, |r| r.total);
    if let (Some(log), Some(_), 1) = (&state.search_log, &results, p.page) {
        crate::server::public::search_log::record_search(log, &p.q, total, state.now());
    }
    let logging = state.search_log.is_some();
    let hits: Vec<minijinja::Value> = results
        .as_ref()
        .map(|r| {
            r.hits
                .iter()
                .map(|h| {
                    context! {
                        link => crate::server::public::search_log::result_link(logging, &p.q, &h.url),
                        ..minijinja::Value::from_serialize(h)
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let suggestion = results.as_ref().and_then(|r| r.suggestion.clone());
    let suggestion_url = suggestion.as_ref().map(|s| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("q", s);
        if let Some(part) = p.part {
            q.append_pair("part", part.as_str());
        }
        format!("/search?{}", q.finish())
    });
    // Nothing found is never a dead end: the guide's pages, one per topic.
    let topics = if results.is_some() && total == 0 {
        topics(&served, locale.language)
    } else {
        Vec::new()
    };
    let pages = total.div_ceil(PAGE_SIZE).clamp(1, MAX_PAGE);
    let link = |page: usize| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("q", &p.q);
        if let Some(part) = p.part {
            q.append_pair("part", part.as_str());
        }
        q.append_pair("page", &page.to_string());
        format!("{}?{}", locale.path("/search"), q.finish())
    };
    Ok(state.pages.render_in(
        &locale,
        "search.html",
        status,
        context! {
            site => served.context_for(locale.language),
            live_reload => state.reload.is_some(),
            q => p.q,
            part => p.part.map(Part::as_str).unwrap_or_default(),
            hits => hits,
            suggestion => suggestion,
            suggestion_url => suggestion_url,
            topics => topics,
            total => total,
            page => p.page,
            pages => pages,
            prev_url => (p.page > 1).then(|| link(p.page - 1)),
            next_url => (p.page < pages).then(|| link(p.page + 1)),
            error => error,
        },
    ))
}

/// Most topics listed on a page that found nothing.
const MAX_TOPICS: usize = 20;

/// The public guide's pages (their titles and links, in reading order) in the reader's
/// language, offered when a search finds nothing; a book without a guide offers its
/// chapters.
fn topics(served: &crate::server::ServedSite, language: Language) -> Vec<minijinja::Value> {
    let corpus = served
        .translation(language)
        .map_or(&served.site.corpus, |t| &t.corpus);
    let guide: Vec<&crate::book::corpus::Chapter> = corpus
        .chapters
        .iter()
        .filter(|c| c.part == Part::Guide)
        .collect();
    let chapters = if guide.is_empty() {
        corpus.chapters.iter().collect()
    } else {
        guide
    };
    chapters
        .into_iter()
        .take(MAX_TOPICS)
        .map(|c| {
            context! {
                title => c.title,
                url => format!("{}/{}", language.prefix(), c.url),
            }
        })
        .collect()
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
