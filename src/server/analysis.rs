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

/// `GET /admin/groups`: every campaign group, largest first, with its representative
/// text and what each member adds to it.
pub async fn groups(State(state): State<Arc<AppState>>) -> Response {
    let served = state.current.load_full();
    let Some(store) = state.store.clone() else {
        return unavailable(&state, "no store");
    };
    let rows = match store.export().await {
        Ok(rows) => rows,
        Err(e) => return unavailable(&state, e),
    };
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
        let pairs: Vec<(&str, &str)> = kept
            .iter()
            .map(|r| (r.reference.as_str(), r.body.as_str()))
            .collect();
        let grouping = group(&pairs, &[]);
        Ok::<_, crate::comments::StoreError>(view(&kept, &grouping))
    })
    .await;
    match result {
        Ok(Ok(view)) => state.pages.render(
            GROUPS_TEMPLATE.0,
            StatusCode::OK,
            context! { site => served.context, ..view },
        ),
        Ok(Err(e)) => unavailable(&state, e),
        Err(e) => {
            tracing::error!("admin groups: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "The grouping failed.").into_response()
        }
    }
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
