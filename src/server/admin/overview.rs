//! `/admin/`: the drafters' view of the consultation: counts by provision, question and
//! status, the responses to one target, status changes and the CSV export. The gate in
//! front of every admin page is [`crate::server::edge::access`].

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use crate::comments::model::Status;
use crate::comments::store::ListQuery;
use crate::drafts::follow;
use crate::server::AppState;
use crate::server::edge::access::Person;
use crate::server::edge::error::AppError;

/// `GET /admin/`: counts by provision, question and status.
pub async fn index(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let store = state.comments("admin")?;
    let stats = store.stats().await?;
    let targets: Vec<_> = stats
        .by_target
        .iter()
        .map(|t| {
            let entry = served.site.corpus.get(&t.target_id);
            let title = entry.map(|e| e.title.clone()).unwrap_or_default();
            let number_now = entry.and_then(|e| e.number.clone());
            let removed = entry.is_none();
            context! { id => t.target_id, number => t.target_number, title => title, count => t.count, number_now => number_now, removed => removed }
        })
        .collect();
    let removed_count = stats
        .by_target
        .iter()
        .filter(|t| served.site.corpus.get(&t.target_id).is_none())
        .count();
    let grouping = state
        .analysis
        .get(&*store)
        .await?
        .grouping
        .summary(state.pages.catalogue());
    let purge_reminder = match served.consultation() {
        Some(c) => crate::comments::retention::purge_reminder(&*store, c, state.now())
            .await
            .map(|due| due.message(state.pages.catalogue())),
        None => None,
    };
    // What the public sees, counted as the public pages count it.
    let public_count = store
        .count_published(&crate::comments::store::PublishedQuery::default())
        .await?;
    let status_labels: std::collections::BTreeMap<&str, String> = Status::ALL
        .iter()
        .map(|s| (s.as_str(), status_words(state.pages.catalogue(), *s)))
        .collect();
    Ok(state.pages.render(
        "admin.html",
        StatusCode::OK,
        context! { site => served.context, stats => stats, grouping => grouping, targets => targets, removed_count => removed_count, purge_reminder => purge_reminder, public_count => public_count, status_words => status_labels },
    ))
}

/// Responses per page of `/admin/target/{id}`.
const TARGET_PAGE: usize = 100;

/// `?page=N` (from 1) of `/admin/target/{id}`; a page that is not a number is refused
/// with 400 by the extractor.
#[derive(Debug, Deserialize)]
pub struct Paging {
    page: Option<usize>,
}

/// `GET /admin/target/{id}`: the comments on one provision or section, a page at a time.
pub async fn target(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    axum::extract::Query(paging): axum::extract::Query<Paging>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let store = state.comments("admin")?;
    let page = paging.page.unwrap_or(1).max(1);
    let query = ListQuery {
        target: Some(id.clone()),
        offset: (page - 1).saturating_mul(TARGET_PAGE),
        limit: TARGET_PAGE,
        ..ListQuery::default()
    };
    let (comments, total) = tokio::try_join!(store.list(&query), store.count_matching(&query))?;
    let pages = usize::try_from(total)
        .unwrap_or(usize::MAX)
        .div_ceil(TARGET_PAGE)
        .max(1);
    let entry = served.site.corpus.get(&id);
    // Where each comment's paragraph is now, and the text the respondent saw beside today's.
    let follows: Vec<_> = comments
        .iter()
        .map(|c| {
            let f = follow::follow(&c.target_id, c.target_number.as_deref(), &c.target_text, &c.draft_version, &served.site.corpus);
            let diff = follow::then_and_now(&c.target_id, &c.target_text, &served.site.corpus)
                .map(|(_, segments)| minijinja::Value::from_safe_string(crate::drafts::page::segments_html(&segments)));
            context! { made_on => f.made_on, number_then => f.number_then, number_now => f.number_now, now => f.now.as_str(), diff => diff }
        })
        .collect();
    let token = crate::server::edge::csrf::csrf_token_for(&headers);
    let mut res = state.pages.render(
        "admin_target.html",
        StatusCode::OK,
        context! {
            site => served.context,
            id => id,
            entry => entry,
            comments => comments,
            total => total,
            page => page,
            pages => pages,
            follows => follows,
            statuses => Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            csrf => token,
        },
    );
    crate::server::edge::csrf::set_csrf_cookie(&mut res, &token);
    Ok(res)
}

/// The status form's fields.
#[derive(Debug, Deserialize)]
pub struct StatusForm {
    status: String,
    csrf: String,
    back: Option<String>,
}

/// `POST /admin/comments/{reference}/status`
pub async fn set_status(
    State(state): State<Arc<AppState>>,
    Path(reference): Path<String>,
    person: Person,
    headers: HeaderMap,
    axum::Form(form): axum::Form<StatusForm>,
) -> Result<Response, AppError> {
    if !crate::server::edge::csrf::csrf_ok(&headers, &form.csrf) {
        return Err(AppError::form_expired());
    }
    let Some(status) = Status::ALL
        .iter()
        .copied()
        .find(|s| s.as_str() == form.status)
    else {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-unknown-status",
        ));
    };
    let store = state.comments("admin")?;
    // A response whose sender said no is never published: refused, not silently kept
    // from the public while the drafters' counts say otherwise.
    if status == Status::Published
        && let Some(c) = store.get(&reference).await?
        && c.publish == crate::comments::model::Publish::No
    {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "error-not-publishable",
        ));
    }
    let entry = person.audit(
        &state,
        "status",
        Some(reference.clone()),
        Some(status.as_str().to_string()),
    );
    store
        .set_status_audited(&reference, status, Some(entry))
        .await?;
    state.analysis.invalidate();
    Ok(Redirect::to(&safe_back(form.back)).into_response())
}

/// Where a form goes back to: an admin path of ours, or `/admin/`.
pub fn safe_back(back: Option<String>) -> String {
    back.filter(|b| {
        b.starts_with("/admin/") && !b.starts_with("//") && b.bytes().all(|c| c.is_ascii_graphic())
    })
    .unwrap_or_else(|| "/admin/".to_string())
}

/// `GET /admin/export.csv`: every comment, CSV-injection safe.
pub async fn export_csv(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    let store = state.comments("admin")?;
    let rows = store.export().await?;
    let result = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        crate::comments::export_csv(rows.blocking_iter(), &mut out).map(|()| out)
    })
    .await
    .map_err(|e| AppError::task_failed("admin export", &e))?;
    match result {
        Ok(bytes) => Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"comments.csv\"",
                ),
            ],
            bytes,
        )
            .into_response()),
        Err(e) => Err(AppError::store_unavailable("admin export", e)),
    }
}

/// A status in words, for the drafters' pages (English: the admin pages' language).
pub fn status_words(catalogue: &crate::i18n::Catalogue, s: Status) -> String {
    let id = match s {
        Status::Received => "admin-status-received",
        Status::Spam => "admin-status-spam",
        Status::Hidden => "admin-status-hidden",
        Status::Published => "admin-status-published",
    };
    catalogue.text(crate::i18n::Language::English, id)
}
