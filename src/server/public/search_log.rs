//! What the public could not find: recording searches and opened results, the
//! `/admin/searches` report, and the `/privacy` page that says what is kept.
//!
//! A search on `/search` (first page only, so paging is not counted twice) is counted
//! with whether it found anything. Its result links go through `/search/go`, which
//! counts the opened result and redirects: this works without JavaScript and stores no
//! cookie. The store (`crate::search::log`) keeps normalised query text and counts per
//! UTC day only.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;

use crate::search::log::{KEEP_SINGLETONS_DAYS, SearchLog};
use crate::server::AppState;
use crate::server::edge::language::Locale;

/// The report page's template.
pub const ADMIN_TEMPLATE: (&str, &str) = (
    "admin_searches.html",
    include_str!("../../../themes/copbook/templates/admin_searches.html"),
);
/// The privacy page's template.
pub const PRIVACY_TEMPLATE: (&str, &str) = (
    "privacy.html",
    include_str!("../../../themes/copbook/templates/privacy.html"),
);

/// The day of `now` (UTC) and the day before which single searches are forgotten,
/// `YYYY-MM-DD`.
fn days(now: jiff::Timestamp) -> (String, String) {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let cutoff = today
        .checked_sub(jiff::Span::new().days(KEEP_SINGLETONS_DAYS))
        .unwrap_or(today);
    (today.to_string(), cutoff.to_string())
}

/// Counts a search made at `now` by the server's clock (off the request's thread; a
/// failure is logged, never shown).
pub fn record_search(log: &SearchLog, text: &str, found: usize, now: jiff::Timestamp) {
    let (log, text) = (log.clone(), text.to_string());
    tokio::task::spawn_blocking(move || {
        let (today, cutoff) = days(now);
        if let Err(e) = log
            .record_search(&text, found, &today)
            .and_then(|()| log.prune_daily(&today, &cutoff))
        {
            tracing::warn!("{e}");
        }
    });
}

/// The link a result takes on `/search`: through `/search/go` when searches are logged.
pub fn result_link(logging: bool, q: &str, url: &str) -> String {
    if !logging {
        return url.to_string();
    }
    let mut s = form_urlencoded::Serializer::new(String::new());
    s.append_pair("q", q);
    s.append_pair("to", url);
    format!("/search/go?{}", s.finish())
}

/// Whether `to` is a path on this site (not another site, not a scheme).
fn is_local(to: &str) -> bool {
    to.starts_with('/')
        && !to.starts_with("//")
        && !to.contains('\\')
        && !to.chars().any(char::is_control)
        && to.len() <= 2048
}

/// `GET /search/go?q=…&to=/page.html#id`: counts an opened result, then redirects
/// (303) to `to`, or to the search page when `to` is not a path on this site.
pub async fn go(State(state): State<Arc<AppState>>, RawQuery(raw): RawQuery) -> Response {
    let (mut q, mut to) = (String::new(), String::new());
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "q" => q = value.chars().take(crate::search::MAX_QUERY_CHARS).collect(),
            "to" => to = value.into_owned(),
            _ => {}
        }
    }
    if !is_local(&to) {
        to = "/search".to_string();
    } else if let Some(log) = state.search_log.clone() {
        let now = state.now();
        tokio::task::spawn_blocking(move || {
            let (today, _) = days(now);
            if let Err(e) = log.record_click(&q, &today) {
                tracing::warn!("{e}");
            }
        });
    }
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, to),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
    )
        .into_response()
}

/// `GET /admin/searches`: most frequent queries, queries that found nothing, and
/// queries where nobody opened a result, overall and per day.
pub async fn admin(State(state): State<Arc<AppState>>) -> Response {
    let live = state.current.load_full();
    let report = match state.search_log.clone() {
        None => None,
        Some(log) => {
            let now = state.now();
            let result = tokio::task::spawn_blocking(move || {
                let (today, cutoff) = days(now);
                log.prune_daily(&today, &cutoff)?;
                log.report()
            })
            .await;
            match result {
                Ok(Ok(report)) => Some(report),
                Ok(Err(e)) => {
                    tracing::error!("{e}");
                    None
                }
                Err(e) => {
                    tracing::error!("search log task: {e}");
                    None
                }
            }
        }
    };
    state.pages.render(
        ADMIN_TEMPLATE.0,
        StatusCode::OK,
        context! {
            site => live.context,
            report => report,
            keep_days => KEEP_SINGLETONS_DAYS,
        },
    )
}

/// `GET /privacy`: what the site stores about searches (and where to read about
/// comments).
pub async fn privacy(State(state): State<Arc<AppState>>, locale: Locale) -> Response {
    let live = state.current.load_full();
    state.pages.render_in(
        &locale,
        PRIVACY_TEMPLATE.0,
        StatusCode::OK,
        context! {
            site => live.context_for(locale.language),
            logging => state.search_log.is_some(),
            keep_days => KEEP_SINGLETONS_DAYS,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local("/code/removing.html#remove-images"));
        assert!(!is_local("//evil.example/"));
        assert!(!is_local("https://evil.example/"));
        assert!(!is_local("/\\evil.example"));
        assert!(!is_local("javascript:alert(1)"));
        assert!(!is_local(""));
    }

    #[test]
    fn result_links_go_through_the_counter_only_when_logging() {
        assert_eq!(result_link(false, "a b", "/x.html#y"), "/x.html#y");
        assert_eq!(
            result_link(true, "a b", "/x.html#y"),
            "/search/go?q=a+b&to=%2Fx.html%23y"
        );
    }
}
