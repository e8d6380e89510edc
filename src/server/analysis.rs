//! `/admin/groups`: the drafters' view of campaign and duplicate groups. Reads every
//! comment (spam left out) through the store's interface and groups them with
//! [`crate::analysis::group`]; no grouping logic lives here.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minijinja::context;

use super::AppState;
use crate::analysis::{Grouping, difference, group};
use crate::comments::model::Status;

/// The page's template.
pub const GROUPS_TEMPLATE: (&str, &str) = (
    "admin_groups.html",
    include_str!("../../themes/copbook/templates/admin_groups.html"),
);

/// The most groups listed on the page, and members shown per group.
const SHOWN_GROUPS: usize = 200;
const SHOWN_MEMBERS: usize = 100;

/// A comment as the grouping sees it.
struct Row {
    reference: String,
    body: String,
    received_at: String,
    target_id: String,
}

/// Every comment but spam, oldest first, as the grouping reads them.
async fn load(state: &AppState) -> Result<Vec<Row>, Response> {
    let Some(store) = state.store.clone() else {
        return Err(unavailable(state, "no store"));
    };
    let rows = store.export().await.map_err(|e| unavailable(state, e))?;
    let result = tokio::task::spawn_blocking(move || {
        let mut kept = Vec::new();
        for row in rows.blocking_iter() {
            let c = row?;
            if c.status != Status::Spam {
                kept.push(Row {
                    reference: c.reference,
                    body: c.body,
                    received_at: c.received_at,
                    target_id: c.target_id,
                });
            }
        }
        Ok::<_, crate::comments::StoreError>(kept)
    })
    .await;
    match result {
        Ok(Ok(rows)) => Ok(rows),
        Ok(Err(e)) => Err(unavailable(state, e)),
        Err(e) => {
            tracing::error!("admin groups: {e}");
            Err((StatusCode::INTERNAL_SERVER_ERROR, "The grouping failed.").into_response())
        }
    }
}

/// Groups `rows` on a blocking thread.
async fn grouped(rows: Vec<Row>) -> Result<(Vec<Row>, Grouping), Response> {
    tokio::task::spawn_blocking(move || {
        let pairs: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.reference.as_str(), r.body.as_str()))
            .collect();
        let grouping = group(&pairs, &[]);
        (rows, grouping)
    })
    .await
    .map_err(|e| {
        tracing::error!("admin groups: {e}");
        (StatusCode::INTERNAL_SERVER_ERROR, "The grouping failed.").into_response()
    })
}

/// `GET /admin/groups`: every campaign group, largest first, with its representative
/// text and what each member adds to it.
pub async fn groups(State(state): State<Arc<AppState>>) -> Response {
    let served = state.current.load_full();
    let (rows, grouping) = match load(&state).await {
        Ok(rows) => match grouped(rows).await {
            Ok(done) => done,
            Err(res) => return res,
        },
        Err(res) => return res,
    };
    let view = view(&rows, &grouping);
    state.pages.render(
        GROUPS_TEMPLATE.0,
        StatusCode::OK,
        context! { site => served.context, ..view },
    )
}

/// `GET /admin/groups.json`: the whole grouping (every group and member, with what each
/// member adds), for analysis elsewhere. References and texts only: no names or emails.
pub async fn groups_json(State(state): State<Arc<AppState>>) -> Response {
    let (rows, grouping) = match load(&state).await {
        Ok(rows) => match grouped(rows).await {
            Ok(done) => done,
            Err(res) => return res,
        },
        Err(res) => return res,
    };
    let groups: Vec<serde_json::Value> = grouping
        .groups
        .iter()
        .map(|g| {
            let rep = &rows[g.representative];
            let members: Vec<serde_json::Value> = g
                .members
                .iter()
                .map(|&m| {
                    let d = difference(&rep.body, &rows[m].body);
                    serde_json::json!({
                        "reference": rows[m].reference,
                        "target_id": rows[m].target_id,
                        "received_at": rows[m].received_at,
                        "added": d.added,
                        "dropped_words": d.dropped_words,
                    })
                })
                .collect();
            serde_json::json!({
                "size": g.size(),
                "kind": g.kind,
                "representative": rep.reference,
                "representative_text": rep.body,
                "members": members,
            })
        })
        .collect();
    axum::Json(serde_json::json!({
        "responses": grouping.responses(),
        "grouped": grouping.grouped(),
        "distinct": grouping.distinct(),
        "summary": grouping.summary(),
        "threshold": crate::analysis::NEAR_DUPLICATE_THRESHOLD,
        "groups": groups,
    }))
    .into_response()
}

/// The page's context: the counts, and each group shown with its members' additions.
fn view(rows: &[Row], grouping: &Grouping) -> minijinja::Value {
    let groups: Vec<minijinja::Value> = grouping
        .groups
        .iter()
        .take(SHOWN_GROUPS)
        .enumerate()
        .map(|(n, g)| {
            let rep = &rows[g.representative];
            let members: Vec<minijinja::Value> = g
                .members
                .iter()
                .take(SHOWN_MEMBERS)
                .map(|&m| {
                    let d = difference(&rep.body, &rows[m].body);
                    context! {
                        reference => rows[m].reference,
                        received_at => rows[m].received_at,
                        target_id => rows[m].target_id,
                        representative => m == g.representative,
                        added => d.added,
                        dropped_words => d.dropped_words,
                    }
                })
                .collect();
            context! {
                number => n + 1,
                size => g.size(),
                kind => g.kind,
                representative => rep.reference,
                text => rep.body,
                members => members,
                more => g.size().saturating_sub(SHOWN_MEMBERS),
            }
        })
        .collect();
    context! {
        summary => grouping.summary(),
        responses => grouping.responses(),
        distinct => grouping.distinct(),
        groups => groups,
        more_groups => grouping.groups.len().saturating_sub(SHOWN_GROUPS),
        threshold => crate::analysis::NEAR_DUPLICATE_THRESHOLD,
    }
}

fn unavailable(state: &AppState, e: impl std::fmt::Display) -> Response {
    tracing::error!("admin groups: {e}");
    let served = state.current.load_full();
    state.pages.error(
        &served.context,
        StatusCode::SERVICE_UNAVAILABLE,
        "Comments unavailable",
        "The comments database could not be read. Try again later.",
    )
}
