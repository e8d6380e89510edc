//! `/admin/comments/{reference}/erase`: a respondent's request to erase their comment,
//! carried out from the admin pages as `copbook comments erase` does from the shell.
//! A confirmation page first (what will go, what stays), then a CSRF-protected POST.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use crate::comments::StoreError;
use crate::comments::reference;
use crate::server::AppState;
use crate::server::edge::csrf::{csrf_ok, csrf_token_for, set_csrf_cookie};

/// The erasure form's fields.
#[derive(Debug, Deserialize)]
pub struct EraseForm {
    csrf: String,
}

/// `GET /admin/comments/{reference}/erase`: what erasing this comment removes, and the
/// button; or when it was erased.
pub async fn confirm(
    State(state): State<Arc<AppState>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    let served = state.current.load_full();
    let Some(store) = state.store.clone() else {
        return unavailable(&state, "no store");
    };
    let Some(reference) = reference::normalise(&reference) else {
        return not_found(&state);
    };
    let (comment, erased_at) =
        match tokio::try_join!(store.get(&reference), store.erased_at(&reference)) {
            Ok((Some(comment), erased_at)) => (comment, erased_at),
            Ok((None, _)) => return not_found(&state),
            Err(e) => return unavailable(&state, e),
        };
    let token = csrf_token_for(&headers);
    let mut res = state.pages.render(
        "admin_erase.html",
        StatusCode::OK,
        context! {
            site => served.context,
            comment => comment,
            erased_at => erased_at,
            csrf => token,
        },
    );
    set_csrf_cookie(&mut res, &token);
    res
}

/// `POST /admin/comments/{reference}/erase`: erases the comment's personal data and text,
/// leaving a tombstone, then shows the confirmation page again (now saying when).
pub async fn erase(
    State(state): State<Arc<AppState>>,
    Path(reference): Path<String>,
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
    axum::Form(form): axum::Form<EraseForm>,
) -> Response {
    if !csrf_ok(&headers, &form.csrf) {
        return crate::server::edge::csrf::form_expired();
    }
    let Some(store) = &state.store else {
        return unavailable(&state, "no store");
    };
    let Some(reference) = reference::normalise(&reference) else {
        return not_found(&state);
    };
    let entry = person.audit(&state, "erase", Some(reference.clone()), None);
    match store.erase_audited(&reference, Some(entry)).await {
        Ok(()) => {
            tracing::info!(reference, "comment erased from /admin/");
            // The grouping snapshot holds the erased text: recomputed at its next showing.
            state.analysis.invalidate();
            // This instance's index of comments' words forgets it too: it is made again
            // from the store at the next search. (Other instances' indexes may still hold
            // the words until they restart; a search leaves erased comments out anyway.)
            let index = Arc::clone(&state.comment_index);
            let forgotten = tokio::task::spawn_blocking(move || {
                if let Ok(mut index) = index.lock() {
                    *index = None;
                }
            })
            .await;
            if let Err(e) = forgotten {
                tracing::error!("admin erasure: clearing the comment index: {e}");
            }
            Redirect::to(&format!("/admin/comments/{reference}/erase")).into_response()
        }
        Err(StoreError::NotFound(_)) => not_found(&state),
        Err(e) => unavailable(&state, e),
    }
}

fn not_found(state: &AppState) -> Response {
    let served = state.current.load_full();
    state.pages.error(
        &served.context,
        StatusCode::NOT_FOUND,
        "No such comment",
        "No comment has that reference. Check it and try again.",
    )
}

fn unavailable(state: &AppState, e: impl std::fmt::Display) -> Response {
    crate::server::edge::access::store_failed(
        state,
        "admin erasure",
        "The comments database could not be written. Nothing was erased. Try again later.",
        e,
    )
}
