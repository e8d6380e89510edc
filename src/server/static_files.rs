//! The book's pages: files of the current build's HTML folder, with our 404 page.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use super::AppState;

/// Serves a file of the current site, or the 404 page.
pub async fn serve(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let served = state.current.load_full();
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return (StatusCode::METHOD_NOT_ALLOWED, "method not allowed").into_response();
    }
    // Hidden files and folders (the search index lives in `.copbook/`) are never served.
    if req.uri().path().split('/').any(|seg| seg.starts_with('.')) {
        return not_found(&state, &served);
    }
    let service = ServeDir::new(&served.site.html_dir).append_index_html_on_directories(true);
    let policy = super::csp::policy_for(&served.site, req.uri().path());
    let res = match service.oneshot(req).await {
        Ok(res) if res.status() == StatusCode::NOT_FOUND => not_found(&state, &served),
        Ok(res) if state.reload.is_some() && is_html(&res) => {
            inject_live_script(res.map(Body::new)).await
        }
        Ok(res) => res.map(Body::new),
        Err(e) => {
            tracing::error!("serving a file failed: {e}");
            state.pages.error(
                &served.context,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The page could not be read. Please try again.",
            )
        }
    };
    super::csp::apply(res, policy)
}

fn not_found(state: &AppState, served: &super::ServedSite) -> Response {
    let message = if served.context.is_code {
        "If you typed the web address, check it is correct. You can search the Code and the guide instead."
    } else {
        "If you typed the web address, check it is correct. You can search the book instead."
    };
    state.pages.error(
        &served.context,
        StatusCode::NOT_FOUND,
        "Page not found",
        message,
    )
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
            super::reload_events::SCRIPT_TAG,
            &html[at..]
        ),
        None => format!("{html}{}", super::reload_events::SCRIPT_TAG),
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.remove(axum::http::header::ETAG);
    parts.headers.remove(axum::http::header::LAST_MODIFIED);
    Response::from_parts(parts, Body::from(page))
}
