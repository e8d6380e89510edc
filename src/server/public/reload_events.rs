//! Watch mode's browser side: `/_live` (server-sent events), `/_live/status`, and the
//! script injected into every page while watching.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};

use crate::server::AppState;
use crate::watch::ReloadEvent;

/// The script that listens to `/_live`, reloads keeping the scroll position, and shows
/// the latest build's errors and warnings as a banner.
pub const SCRIPT: &str = include_str!("../../../themes/copbook/live.js");

/// The `<script>` tag injected before `</body>` of every page in watch mode.
pub const SCRIPT_TAG: &str = "<script src=\"/_copbook/live.js\" defer></script>";

/// `GET /_live`: the current status at once, then every reload and status as it happens.
pub async fn events(State(state): State<Arc<AppState>>) -> Response {
    let Some(reload) = state.reload.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let first = to_sse(&ReloadEvent::Status(reload.current()));
    let rx = reload.events.subscribe();
    let updates = stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(event) => return Some((to_sse(&event), rx)),
                // A slow client missed events: the next status tells it where things are.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    let all: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> = Box::pin(
        futures_util::StreamExt::chain(stream::once(async move { first }), updates),
    );
    Sse::new(all)
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn to_sse(event: &ReloadEvent) -> Result<Event, Infallible> {
    Ok(match event {
        ReloadEvent::Reload { build } => Event::default()
            .event("reload")
            .data(serde_json::json!({ "build": build }).to_string()),
        ReloadEvent::Status(status) => Event::default()
            .event("status")
            .data(serde_json::to_string(status).unwrap_or_default()),
    })
}

/// `GET /_live/status`: the latest build's status and how many rebuilds ran.
pub async fn status(State(state): State<Arc<AppState>>) -> Response {
    match &state.reload {
        Some(reload) => Json(serde_json::json!({
            "rebuilds": reload.rebuilds.load(Ordering::SeqCst),
            "status": reload.current(),
        }))
        .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
