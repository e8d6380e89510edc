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
use crate::server::edge::error::AppError;

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
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let store = state.comments("admin erasure")?;
    let reference = reference::normalise(&reference).ok_or_else(not_found)?;
    let (comment, erased_at) =
        match tokio::try_join!(store.get(&reference), store.erased_at(&reference)) {
            Ok((Some(comment), erased_at)) => (comment, erased_at),
            Ok((None, _)) => return Err(not_found()),
            Err(e) => return Err(unwritable(e)),
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
    Ok(res)
}

/// `POST /admin/comments/{reference}/erase`: erases the comment's personal data and text,
/// leaving a tombstone, then shows the confirmation page again (now saying when).
pub async fn erase(
    State(state): State<Arc<AppState>>,
    Path(reference): Path<String>,
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
    axum::Form(form): axum::Form<EraseForm>,
) -> Result<Response, AppError> {
    if !csrf_ok(&headers, &form.csrf) {
        return Err(AppError::form_expired());
    }
    let store = state.comments("admin erasure")?;
    let reference = reference::normalise(&reference).ok_or_else(not_found)?;
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
            Ok(Redirect::to(&format!("/admin/comments/{reference}/erase")).into_response())
        }
        Err(StoreError::NotFound(_)) => Err(not_found()),
        Err(e) => Err(unwritable(e)),
    }
}

fn not_found() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "error-no-such-comment",
        "error-no-such-comment-message",
    )
}

/// The store failed: nothing was erased (503, logged).
fn unwritable(e: StoreError) -> AppError {
    tracing::error!("admin erasure: {e}");
    AppError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "error-store-unavailable",
        "error-erase-failed-message",
    )
}
