//! `GET /healthz`: whether the site, the search index and the comments store can serve.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::server::AppState;

/// `GET /healthz`: the state of the site, the search index and the comments store, as
/// JSON; 503 when any is not usable.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    operation_id = "health",
    responses(
        (status = 200, description = "Every part is working", body = super::wire::Health),
        (status = 503, description = "A part is not working: see which", body = super::wire::Health),
    )
)]
pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    let served = state.current.load_full();
    let site = if served.site.html_dir.is_dir() {
        "ok"
    } else {
        "missing"
    };
    let search = if served.site.search.num_docs() > 0 {
        "ok"
    } else {
        "empty"
    };
    let store = match state.store.clone() {
        None => "off",
        Some(store) => match store.count().await {
            Ok(_) if !store.read_only() => "ok",
            Ok(_) => "read-only",
            Err(_) => "error",
        },
    };
    let healthy = site == "ok" && search == "ok" && matches!(store, "ok" | "off");
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(super::wire::Health {
            site,
            search,
            store,
        }),
    )
        .into_response()
}
