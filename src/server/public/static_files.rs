//! The book's pages: files of the current build's HTML folder, with our 404 page.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::server::AppState;
use crate::server::edge::error::AppError;

/// Serves a file of the current site, or the 404 page.
pub async fn serve(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let served = state.current.load_full();
    let mut req = req;
    // Under a nested prefix (`/cy`) routing hands on a shortened URI: serve the one asked for.
    if let Some(original) = req.extensions().get::<OriginalUri>().map(|o| o.0.clone()) {
        *req.uri_mut() = original;
    }
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
    }
    if let Err(why) = check_path(req.uri().path()) {
        tracing::debug!("not serving {:?}: {why}", req.uri().path());
        return not_found(&served);
    }
    let service = ServeDir::new(&served.site.html_dir).append_index_html_on_directories(true);
    let policy = crate::server::edge::page_policy::policy_for(&served.site, req.uri().path());
    let res = match service.oneshot(req).await {
        Ok(res) if res.status() == StatusCode::NOT_FOUND => not_found(&served),
        Ok(res) if is_protocol_relative_redirect(&res) => not_found(&served),
        Ok(res) if state.reload.is_some() && is_html(&res) => {
            inject_live_script(res.map(Body::new)).await
        }
        Ok(res) => res.map(Body::new),
        Err(e) => {
            tracing::error!("serving a file failed: {e}");
            AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-page-unreadable",
                "error-page-unreadable-message",
            )
            .into_response()
        }
    };
    crate::server::edge::page_policy::apply(res, policy)
}

/// The longest path segment served (most file systems' limit on a name).
const MAX_SEGMENT_BYTES: usize = 255;
/// How many times a path is percent-decoded while looking for a hidden encoding.
const MAX_DECODINGS: usize = 3;

/// Why a request path is refused before the file system sees it.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathRefusal {
    /// A segment names a hidden file or folder (the search index lives in `.copbook/`),
    /// or is `.` or `..`.
    #[error("a segment starts with a dot")]
    Hidden,
    /// A backslash, NUL or other control character, once decoded.
    #[error("a backslash or control character")]
    Separator,
    /// An empty segment (`//`), which a redirect would turn into another host's address.
    #[error("an empty segment")]
    EmptySegment,
    /// A segment longer than any file name.
    #[error("a segment over {MAX_SEGMENT_BYTES} bytes")]
    TooLong,
    /// Not UTF-8 once decoded (including overlong encodings of `.` and `/`).
    #[error("not UTF-8 once decoded")]
    NotUtf8,
}

/// Checks a request path as the file system would read it: percent-decoded (repeatedly,
/// so that double encodings are caught too), split on `/`, each segment checked.
pub fn check_path(raw: &str) -> Result<(), PathRefusal> {
    let mut path = raw.to_string();
    for _ in 0..MAX_DECODINGS {
        check_segments(&path)?;
        let decoded = percent_encoding::percent_decode_str(&path)
            .decode_utf8()
            .map_err(|_| PathRefusal::NotUtf8)?
            .into_owned();
        if decoded == path {
            return Ok(());
        }
        path = decoded;
    }
    check_segments(&path)
}

fn check_segments(path: &str) -> Result<(), PathRefusal> {
    let inner = path.strip_prefix('/').unwrap_or(path);
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if inner.is_empty() {
        return Ok(());
    }
    for seg in inner.split('/') {
        if seg.is_empty() {
            return Err(PathRefusal::EmptySegment);
        }
        if seg.len() > MAX_SEGMENT_BYTES {
            return Err(PathRefusal::TooLong);
        }
        if seg.starts_with('.') {
            return Err(PathRefusal::Hidden);
        }
        if seg.chars().any(|c| c == '\\' || c.is_control()) {
            return Err(PathRefusal::Separator);
        }
    }
    Ok(())
}

/// Whether `res` redirects to `//host/...`, which a browser reads as another site.
fn is_protocol_relative_redirect<B>(res: &axum::http::Response<B>) -> bool {
    res.headers()
        .get(axum::http::header::LOCATION)
        .is_some_and(|l| l.as_bytes().starts_with(b"//") || l.as_bytes().starts_with(b"/\\"))
}

fn not_found(served: &crate::server::ServedSite) -> Response {
    // The catalogue speaks of the Code; a plain book's 404 speaks of the book.
    let message = if served.context.is_code {
        "error-page-not-found-message"
    } else {
        "error-page-not-found-book-message"
    };
    AppError::new(StatusCode::NOT_FOUND, "error-page-not-found", message).into_response()
}

fn is_html<B>(res: &axum::http::Response<B>) -> bool {
    res.headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Adds the live-reload script before `</body>` of an HTML page (watch mode only).
async fn inject_live_script(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "page too large").into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let page = match html.rfind("</body>") {
        Some(at) => format!(
            "{}{}{}",
            &html[..at],
            crate::server::public::reload_events::SCRIPT_TAG,
            &html[at..]
        ),
        None => format!("{html}{}", crate::server::public::reload_events::SCRIPT_TAG),
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.remove(axum::http::header::ETAG);
    parts.headers.remove(axum::http::header::LAST_MODIFIED);
    Response::from_parts(parts, Body::from(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_paths_pass() {
        for p in [
            "/",
            "/code/",
            "/code/index.html",
            "/guide/what-leds-is.html",
            "/a%20b.html",
            "/caf%C3%A9.html",
        ] {
            assert_eq!(check_path(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn every_encoding_of_a_dot_or_slash_is_caught() {
        for p in [
            "/.copbook/search-index/meta.json",
            "/%2ecopbook/search-index/meta.json",
            "/%2Ecopbook/search-index/meta.json",
            "/%252ecopbook/search-index/meta.json",
            "/%25252ecopbook/search-index/meta.json",
            "/code%2f..%2f.copbook/meta.json",
            "/code%2F%2ecopbook",
            "/code/%2e%2e/%2e%2e/etc/passwd",
            "/code/..",
        ] {
            assert_eq!(check_path(p), Err(PathRefusal::Hidden), "{p}");
        }
        assert_eq!(
            check_path("/code%5c..%5csecret"),
            Err(PathRefusal::Separator)
        );
        assert_eq!(check_path("/code%5C.copbook"), Err(PathRefusal::Separator));
        assert_eq!(check_path("/code%00.html"), Err(PathRefusal::Separator));
        // Overlong UTF-8 for `.` and `/`.
        assert_eq!(check_path("/%c0%aecopbook/x"), Err(PathRefusal::NotUtf8));
        assert_eq!(check_path("/code%c0%af..%c0%af"), Err(PathRefusal::NotUtf8));
        assert_eq!(check_path("/%e0%80%aecopbook"), Err(PathRefusal::NotUtf8));
    }

    #[test]
    fn empty_and_long_segments_are_refused() {
        assert_eq!(check_path("//code"), Err(PathRefusal::EmptySegment));
        assert_eq!(check_path("/%2fcode"), Err(PathRefusal::EmptySegment));
        let long = format!("/{}", "a".repeat(256));
        assert_eq!(check_path(&long), Err(PathRefusal::TooLong));
        assert_eq!(check_path(&format!("/{}", "a".repeat(255))), Ok(()));
    }
}
