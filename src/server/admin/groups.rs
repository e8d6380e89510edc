//! `/admin/groups`: the drafters' view of campaign and duplicate groups, and their
//! decisions about them (split a member out, merge two groups), which the store keeps
//! and every regrouping applies again. The grouping is the analysis module's snapshot,
//! read through the store's interface; no grouping logic lives here. A snapshot is kept
//! ([`Cache`]) until a comment arrives, a status changes, a decision is taken or a comment
//! is erased (on this instance: at once; elsewhere: the store's count of erased comments
//! is part of the snapshot's key, so no page shows erased words after the erasure).
//!
//! Every change is a POST form with the anti-forgery token and the analyst's short
//! name ([`analyst`]), asked once and kept in a cookie; the pages work without
//! JavaScript.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use crate::analysis::{Snapshot, difference};
use crate::comments::coding::is_valid_analyst;
use crate::comments::{CommentStore, DecisionKind, Filter, StoreError};
use crate::server::AppState;
use crate::server::edge::error::AppError;

/// The page's template.
pub const GROUPS_TEMPLATE: (&str, &str) = (
    "admin_groups.html",
    include_str!("../../../themes/copbook/templates/admin_groups.html"),
);

/// The most groups listed on the page, and members shown per group.
const SHOWN_GROUPS: usize = 200;
const SHOWN_MEMBERS: usize = 100;

use crate::server::edge::access::ANALYST_COOKIE;

/// The longest reference a form may name (references are about 14 characters).
const MAX_REFERENCE_CHARS: usize = 40;

/// The last grouping computed, and what it was computed from.
#[derive(Default)]
pub struct Cache {
    last: tokio::sync::Mutex<Option<(Key, Arc<Snapshot>)>>,
    generation: AtomicU64,
}

/// What a snapshot depends on: how many comments, how many not spam, how many
/// decisions, how many erased (an erasure by another instance or by `copbook comments
/// erase` changes no other count), and changes made through this instance's admin pages.
type Key = (u64, u64, usize, u64, u64);

impl Cache {
    /// Forgets the grouping (a status or a decision changed).
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
    }

    /// The last grouping computed, if any and not being computed now (possibly older
    /// than the newest comments): for pages that must not wait for a regrouping.
    pub fn peek(&self) -> Option<Arc<Snapshot>> {
        self.last
            .try_lock()
            .ok()
            .and_then(|last| last.as_ref().map(|(_, s)| Arc::clone(s)))
    }

    /// The grouping as it stands: the one kept if nothing it depends on changed, else a
    /// fresh one (one request computes it; others wait for it).
    pub async fn get(&self, store: &dyn CommentStore) -> Result<Arc<Snapshot>, StoreError> {
        let generation = self.generation.load(Ordering::Relaxed);
        let no_spam = Filter {
            no_spam: true,
            ..Filter::default()
        };
        let not_erased = Filter {
            not_erased: true,
            ..Filter::default()
        };
        let count = store.count().await?;
        // Erasures only ever add to this count (an erased comment stays a tombstone).
        let erased = count.saturating_sub(store.count_filtered(&not_erased).await?);
        let key = (
            count,
            store.count_filtered(&no_spam).await?,
            store.decisions().await?.len(),
            erased,
            generation,
        );
        let mut last = self.last.lock().await;
        if let Some((k, snapshot)) = &*last
            && *k == key
        {
            return Ok(Arc::clone(snapshot));
        }
        let snapshot = Arc::new(Snapshot::read(store).await?);
        *last = Some((key, Arc::clone(&snapshot)));
        Ok(snapshot)
    }
}

/// The analyst's short name from the request's cookie, if it holds a valid one.
pub fn analyst(headers: &HeaderMap) -> Option<String> {
    crate::server::edge::csrf::cookie(headers, ANALYST_COOKIE)
        .filter(|value| is_valid_analyst(value))
}

/// The grouping, or the page saying the comments could not be read.
pub async fn snapshot(state: &AppState) -> Result<Arc<Snapshot>, AppError> {
    let store = state.comments("admin analysis")?;
    Ok(state.analysis.get(&*store).await?)
}

/// `GET /admin/groups`: every campaign group, largest first, with its representative
/// text, what each member adds to it, and the forms to split and merge.
pub async fn groups(
    State(state): State<Arc<AppState>>,
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let snapshot = snapshot(&state).await?;
    let view = view(&snapshot, state.pages.catalogue());
    let token = crate::server::edge::csrf::csrf_token_for(&headers);
    let mut res = state.pages.render(
        GROUPS_TEMPLATE.0,
        StatusCode::OK,
        context! { site => served.context, csrf => token, analyst => analyst(&headers), person => person, ..view },
    );
    crate::server::edge::csrf::set_csrf_cookie(&mut res, &token);
    Ok(res)
}

/// `GET /admin/groups.json`: the whole grouping (every group and member, with what each
/// member adds), for analysis elsewhere. References and texts only: no names or emails.
pub async fn groups_json(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    let snapshot = snapshot(&state).await?;
    let rows = &snapshot.responses;
    let grouping = &snapshot.grouping;
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
                "merged": g.merged,
                "representative": rep.reference,
                "representative_text": rep.body,
                "members": members,
            })
        })
        .collect();
    let split_out: Vec<&str> = grouping
        .split_out
        .iter()
        .map(|&i| rows[i].reference.as_str())
        .collect();
    Ok(axum::Json(serde_json::json!({
        "responses": grouping.responses(),
        "grouped": grouping.grouped(),
        "distinct": grouping.distinct(),
        "summary": grouping.summary(state.pages.catalogue()),
        "threshold": crate::analysis::NEAR_DUPLICATE_THRESHOLD,
        "groups": groups,
        "split_out": split_out,
        "decisions": snapshot.decisions,
    }))
    .into_response())
}

/// The page's context: the counts, and each group shown with its members' additions.
fn view(snapshot: &Snapshot, words: &crate::i18n::Catalogue) -> minijinja::Value {
    let rows = &snapshot.responses;
    let grouping = &snapshot.grouping;
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
                merged => g.merged,
                representative => rep.reference,
                text => rep.body,
                members => members,
                more => g.size().saturating_sub(SHOWN_MEMBERS),
            }
        })
        .collect();
    let split_out: Vec<&str> = grouping
        .split_out
        .iter()
        .map(|&i| rows[i].reference.as_str())
        .collect();
    context! {
        summary => grouping.summary(words),
        responses => grouping.responses(),
        distinct => grouping.distinct(),
        groups => groups,
        more_groups => grouping.groups.len().saturating_sub(SHOWN_GROUPS),
        threshold => crate::analysis::NEAR_DUPLICATE_THRESHOLD,
        split_out => split_out,
        decisions => snapshot.decisions.len(),
    }
}

/// The split form's fields.
#[derive(Debug, Deserialize)]
pub struct SplitForm {
    csrf: String,
    reference: String,
}

/// The merge form's fields: a member of each group.
#[derive(Debug, Deserialize)]
pub struct MergeForm {
    csrf: String,
    reference: String,
    with: String,
}

/// `POST /admin/groups/split`: takes a member out of its group, for good.
pub async fn split(
    State(state): State<Arc<AppState>>,
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
    axum::Form(form): axum::Form<SplitForm>,
) -> Result<Response, AppError> {
    decide(
        &state,
        &person,
        &headers,
        &form.csrf,
        DecisionKind::Split,
        &form.reference,
        None,
    )
    .await
}

/// `POST /admin/groups/merge`: makes the groups of two responses one, for good.
pub async fn merge(
    State(state): State<Arc<AppState>>,
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
    axum::Form(form): axum::Form<MergeForm>,
) -> Result<Response, AppError> {
    decide(
        &state,
        &person,
        &headers,
        &form.csrf,
        DecisionKind::Merge,
        &form.reference,
        Some(&form.with),
    )
    .await
}

async fn decide(
    state: &AppState,
    person: &crate::server::edge::access::Person,
    headers: &HeaderMap,
    csrf: &str,
    kind: DecisionKind,
    reference: &str,
    with: Option<&str>,
) -> Result<Response, AppError> {
    let who = change_allowed(headers, csrf)?;
    let (reference, with) = (reference.trim(), with.map(str::trim));
    if std::iter::once(reference)
        .chain(with)
        .any(|r| r.is_empty() || r.chars().count() > MAX_REFERENCE_CHARS)
    {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-give-reference",
        ));
    }
    let store = state.comments("admin analysis")?;
    let entry = person.audit(
        state,
        kind.as_str(),
        Some(reference.to_string()),
        with.map(|w| format!("with {w}")),
    );
    match store
        .record_decision_audited(kind, reference, with, &who, Some(entry))
        .await
    {
        Ok(()) => {
            state.analysis.invalidate();
            Ok(Redirect::to("/admin/groups").into_response())
        }
        Err(StoreError::NotFound(_)) => Err(AppError::refused(
            StatusCode::NOT_FOUND,
            "error-no-such-reference",
        )),
        Err(e) => Err(e.into()),
    }
}

/// The analyst's name when a change may go ahead: the form's token matches its cookie,
/// and the analyst has given a short name. Otherwise the refusal.
pub fn change_allowed(headers: &HeaderMap, csrf: &str) -> Result<String, AppError> {
    if !crate::server::edge::csrf::csrf_ok(headers, csrf) {
        return Err(AppError::form_expired());
    }
    analyst(headers)
        .ok_or_else(|| AppError::refused(StatusCode::BAD_REQUEST, "error-give-short-name"))
}

/// The analyst form's fields.
#[derive(Debug, Deserialize)]
pub struct AnalystForm {
    csrf: String,
    name: String,
    back: Option<String>,
}

/// `POST /admin/analyst`: keeps the analyst's short name in a cookie, then goes back
/// (only without accounts: a signed-in person's name is their account's).
pub async fn set_analyst(
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
    axum::Form(form): axum::Form<AnalystForm>,
) -> Result<Response, AppError> {
    if person.session {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "error-name-is-the-account",
        ));
    }
    if !crate::server::edge::csrf::csrf_ok(&headers, &form.csrf) {
        return Err(AppError::form_expired());
    }
    let name = form.name.trim();
    if !is_valid_analyst(name) {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-short-name",
        ));
    }
    let mut res =
        Redirect::to(&crate::server::admin::overview::safe_back(form.back)).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{ANALYST_COOKIE}={name}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=2592000"
    )) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(res)
}
