//! The drafters' analysis pages: the coding frame (`/admin/codes`), tagging a response
//! with codes, and `/admin/responses`, where filters combine (target, question, code,
//! status, respondent type, campaign group, not yet coded, date range), a page at a time
//! by keyset, with every view downloadable as CSV or JSON (the same filters, streamed).
//!
//! Every parameter is checked before it reaches the store: unknown values are refused
//! with 400, page sizes are bounded. Every change is a POST form with the anti-forgery
//! token and the analyst's short name (see [`crate::server::admin::groups::change_allowed`]).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use crate::analysis::Snapshot;
use crate::analysis::coding_frame::{FrameCode, frame};
use crate::comments::coding::{MAX_CODES, is_valid_code};
use crate::comments::{ExportRows, Filter, RespondentType, Status, StoreError, reference};
use crate::search::comment_index::CommentIndex;
use crate::server::AppState;
use crate::server::ServedSite;
use crate::server::admin::groups::{analyst, change_allowed};
use crate::server::edge::error::AppError;

/// The analyst form, included by every analysis page.
pub const ANALYST_TEMPLATE: (&str, &str) = (
    "admin_analyst.html",
    include_str!("../../../themes/copbook/templates/admin_analyst.html"),
);

/// The coding frame's page.
pub const CODES_TEMPLATE: (&str, &str) = (
    "admin_codes.html",
    include_str!("../../../themes/copbook/templates/admin_codes.html"),
);

/// The filtered responses' page.
pub const RESPONSES_TEMPLATE: (&str, &str) = (
    "admin_responses.html",
    include_str!("../../../themes/copbook/templates/admin_responses.html"),
);

/// Responses per page unless `per` says otherwise, and the most `per` may ask for.
const DEFAULT_PER_PAGE: usize = 50;
const MAX_PER_PAGE: usize = 500;

/// The longest target id or search accepted in a filter.
const MAX_PARAM_CHARS: usize = 200;

/// How many bytes of an export are gathered before they are sent on.
const EXPORT_CHUNK: usize = 32 * 1024;

/// The codes book.toml gives.
fn configured(served: &ServedSite) -> Vec<String> {
    served
        .consultation()
        .map(|c| c.codes.clone())
        .unwrap_or_default()
}

/// The coding frame with each code's count.
pub(super) async fn coding_frame(
    state: &AppState,
    served: &ServedSite,
) -> Result<Vec<FrameCode>, AppError> {
    let store = state.comments("admin coding")?;
    let (added, counts) = tokio::try_join!(store.codes(), store.tag_counts())?;
    Ok(frame(&configured(served), &added, &counts))
}

/// `GET /admin/codes`: the coding frame, how often each code was used, and the form to
/// add one.
pub async fn codes(
    State(state): State<Arc<AppState>>,
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let codes = coding_frame(&state, &served).await?;
    let token = crate::server::edge::csrf::csrf_token_for(&headers);
    let mut res = state.pages.render(
        CODES_TEMPLATE.0,
        StatusCode::OK,
        context! {
            site => served.context,
            codes => codes,
            csrf => token,
            analyst => analyst(&headers),
            person => person,
            back => "/admin/codes",
            max_codes => MAX_CODES,
        },
    );
    crate::server::edge::csrf::set_csrf_cookie(&mut res, &token);
    Ok(res)
}

/// The add-a-code form's fields.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

/// `POST /admin/codes`: adds a code to the frame.
pub async fn add_code(
    State(state): State<Arc<AppState>>,
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
    axum::Form(form): axum::Form<CodeForm>,
) -> Result<Response, AppError> {
    let who = change_allowed(&headers, &form.csrf)?;
    let code = form.code.trim();
    if !is_valid_code(code) {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-bad-code",
        ));
    }
    let served = state.current.load_full();
    let codes = coding_frame(&state, &served).await?;
    if codes.len() >= MAX_CODES && !codes.iter().any(|c| c.code == code) {
        return Err(
            AppError::refused(StatusCode::UNPROCESSABLE_ENTITY, "error-frame-full")
                .with_args(vec![("max", (MAX_CODES as u64).into())]),
        );
    }
    let store = state.comments("admin coding")?;
    let entry = person.audit(&state, "code-frame", None, Some(code.to_string()));
    store.add_code_audited(code, &who, Some(entry)).await?;
    Ok(Redirect::to("/admin/codes").into_response())
}

/// The tag form's fields: add or remove one code.
#[derive(Debug, Deserialize)]
pub struct TagForm {
    csrf: String,
    code: String,
    action: String,
    back: Option<String>,
}

/// `POST /admin/comments/{reference}/codes`: tags a response with a code of the frame,
/// or takes a code off it.
pub async fn tag(
    State(state): State<Arc<AppState>>,
    Path(reference): Path<String>,
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
    axum::Form(form): axum::Form<TagForm>,
) -> Result<Response, AppError> {
    let who = change_allowed(&headers, &form.csrf)?;
    if !is_valid_code(&form.code) {
        return Err(AppError::refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-choose-code",
        ));
    }
    let store = state.comments("admin coding")?;
    let entry = person.audit(
        &state,
        "tag",
        Some(reference.clone()),
        Some(format!("{} {}", form.action, form.code)),
    );
    let done = match form.action.as_str() {
        "add" => {
            let served = state.current.load_full();
            let codes = coding_frame(&state, &served).await?;
            if !codes.iter().any(|c| c.code == form.code) {
                return Err(AppError::refused(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "error-code-not-in-frame",
                ));
            }
            store
                .tag_audited(&reference, &form.code, &who, Some(entry))
                .await
                .map(|_| ())
        }
        "remove" => store
            .untag_audited(&reference, &form.code, Some(entry))
            .await
            .map(|_| ()),
        _ => {
            return Err(AppError::refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                "error-add-or-remove",
            ));
        }
    };
    match done {
        Ok(()) => {
            Ok(Redirect::to(&crate::server::admin::overview::safe_back(form.back)).into_response())
        }
        Err(StoreError::NotFound(_)) => Err(AppError::refused(
            StatusCode::NOT_FOUND,
            "error-no-such-reference",
        )),
        Err(e) => Err(e.into()),
    }
}

/// `/admin/responses`' parameters, as sent; every one is checked by [`select`].
#[derive(Debug, Default, Deserialize)]
pub struct ResponsesQuery {
    target: Option<String>,
    question: Option<String>,
    code: Option<String>,
    status: Option<String>,
    respondent: Option<String>,
    group: Option<String>,
    uncoded: Option<String>,
    from: Option<String>,
    to: Option<String>,
    q: Option<String>,
    after: Option<String>,
    per: Option<String>,
}

/// A checked selection: the store's filter, the page, and the values to show back.
struct Selection {
    filter: Filter,
    after: Option<String>,
    per: usize,
    /// The filters as the form shows them and links repeat them (never `after`).
    shown: Vec<(&'static str, String)>,
    /// The campaign group asked for: its number and size.
    group: Option<(usize, usize)>,
}

impl Selection {
    fn value(&self, name: &str) -> String {
        self.shown
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.shown {
            s.append_pair(name, value);
        }
        s.finish()
    }
}

/// A 400 naming the parameter that is wrong and what it takes (`expected`: a case of
/// the catalogue's `error-bad-filter`).
fn bad(parameter: &str, expected: &str) -> AppError {
    let max = if expected == "per" {
        MAX_PER_PAGE
    } else {
        MAX_PARAM_CHARS
    };
    AppError::new(
        StatusCode::BAD_REQUEST,
        "error-bad-request",
        "error-bad-filter",
    )
    .with_args(vec![
        ("parameter", parameter.into()),
        ("expected", expected.into()),
        ("max", (max as u64).into()),
    ])
}

/// Checks every parameter; an empty one is no filter.
/// The served site, what the filters select and the store: what every list and export of
/// `/admin/responses` starts from (or the page saying why it cannot).
async fn selected(
    state: &AppState,
    q: ResponsesQuery,
) -> Result<
    (
        Arc<ServedSite>,
        Selection,
        Arc<dyn crate::comments::CommentStore>,
    ),
    AppError,
> {
    let served = state.current.load_full();
    let selection = select(state, &served, q).await?;
    let store = state.comments("admin coding")?;
    Ok((served, selection, store))
}

async fn select(
    state: &AppState,
    served: &ServedSite,
    q: ResponsesQuery,
) -> Result<Selection, AppError> {
    let given = |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    let mut filter = Filter::default();
    let mut shown: Vec<(&'static str, String)> = Vec::new();
    if let Some(t) = given(q.target) {
        let ok = t.len() <= MAX_PARAM_CHARS
            && t.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return Err(bad("target", "target"));
        }
        filter.target = Some(t.clone());
        shown.push(("target", t));
    }
    if let Some(question) = given(q.question) {
        let known = served
            .consultation()
            .is_some_and(|c| c.questions.iter().any(|x| x.id == question));
        if !known {
            return Err(bad("question", "question"));
        }
        filter.question = Some(question.clone());
        shown.push(("question", question));
    }
    if let Some(code) = given(q.code) {
        if !is_valid_code(&code) {
            return Err(bad("code", "code"));
        }
        filter.code = Some(code.clone());
        shown.push(("code", code));
    }
    match given(q.status).as_deref() {
        None => filter.no_spam = true,
        Some("any") => shown.push(("status", "any".into())),
        Some(s) => {
            let Some(status) = Status::parse(s) else {
                return Err(bad("status", "status"));
            };
            filter.status = Some(status);
            shown.push(("status", s.to_string()));
        }
    }
    if let Some(r) = given(q.respondent) {
        let Some(kind) = RespondentType::parse(&r) else {
            return Err(bad("respondent", "respondent"));
        };
        filter.respondent_type = Some(kind);
        shown.push(("respondent", r));
    }
    match given(q.uncoded).as_deref() {
        None => {}
        Some("1" | "on" | "yes") => {
            filter.uncoded = true;
            shown.push(("uncoded", "1".into()));
        }
        Some(_) => return Err(bad("uncoded", "uncoded")),
    }
    for (name, value, to) in [("from", q.from, false), ("to", q.to, true)] {
        let Some(value) = given(value) else { continue };
        let Some(ms) = day_start_ms(&value, to) else {
            return Err(bad(name, "date"));
        };
        if to {
            filter.received_before_ms = Some(ms);
        } else {
            filter.received_from_ms = Some(ms);
        }
        shown.push((name, value));
    }
    let mut group = None;
    if let Some(g) = given(q.group) {
        let Some(r) = reference::normalise(&g) else {
            return Err(bad("group", "group"));
        };
        let store = state.comments("admin coding")?;
        let snapshot = state.analysis.get(&*store).await?;
        match snapshot.group_of(&r) {
            Some((number, g)) => {
                group = Some((number, g.size()));
                filter.references = Some(snapshot.members(g));
            }
            None => filter.references = Some(Vec::new()),
        }
        shown.push(("group", r));
    }
    if let Some(text) = given(q.q) {
        if text.chars().count() > MAX_PARAM_CHARS {
            return Err(bad("q", "q-long"));
        }
        let Some(found) = search(state, &text).await? else {
            return Err(bad("q", "q-empty"));
        };
        filter.references = Some(match filter.references.take() {
            None => found,
            Some(members) => found.into_iter().filter(|r| members.contains(r)).collect(),
        });
        // An index made before an erasure (on this instance or another) still holds the
        // erased words: the store has the last word.
        filter.not_erased = true;
        shown.push(("q", text));
    }
    let per = match given(q.per) {
        None => DEFAULT_PER_PAGE,
        Some(p) => match p.parse::<usize>() {
            Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => n,
            _ => return Err(bad("per", "per")),
        },
    };
    if per != DEFAULT_PER_PAGE {
        shown.push(("per", per.to_string()));
    }
    let after = match given(q.after) {
        None => None,
        Some(a) => match reference::normalise(&a) {
            Some(r) => Some(r),
            None => return Err(bad("after", "reference")),
        },
    };
    Ok(Selection {
        filter,
        after,
        per,
        shown,
        group,
    })
}

/// The comments whose bodies hold every word of `text`, after indexing the comments that
/// arrived since the last search (in the order stored, by keyset); `None` when `text`
/// has no word to search for.
async fn search(state: &AppState, text: &str) -> Result<Option<Vec<String>>, AppError> {
    /// Comments read from the store per step of catching up.
    const BATCH: usize = 5000;
    let store = state.comments("admin coding")?;
    let index = Arc::clone(&state.comment_index);
    let text = text.to_string();
    let runtime = tokio::runtime::Handle::current();
    let found = tokio::task::spawn_blocking(move || {
        let mut guard = index
            .lock()
            .map_err(|_| "the comment index was poisoned".to_string())?;
        if guard.is_none() {
            *guard = Some(CommentIndex::new().map_err(|e| e.to_string())?);
        }
        let Some(index) = guard.as_mut() else {
            return Err("no comment index".to_string());
        };
        loop {
            let after = index.last().map(str::to_string);
            let batch = runtime
                .block_on(store.filtered(&Filter::default(), after.as_deref(), BATCH))
                .map_err(|e| e.to_string())?;
            let pairs: Vec<(String, String)> =
                batch.into_iter().map(|c| (c.reference, c.body)).collect();
            index.add(&pairs).map_err(|e| e.to_string())?;
            if pairs.len() < BATCH {
                break;
            }
        }
        index.matching(&text).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| AppError::task_failed("admin search", &e))?;
    found.map_err(|e| AppError::store_unavailable("admin search", e))
}

/// The first millisecond (UTC) of `date` (YYYY-MM-DD), or of the day after when
/// `next_day` (the end of an inclusive range).
fn day_start_ms(date: &str, next_day: bool) -> Option<i64> {
    if date.len() != 10 {
        return None;
    }
    let d: jiff::civil::Date = date.parse().ok()?;
    if !(2000..=2100).contains(&d.year()) {
        return None;
    }
    let d = if next_day { d.tomorrow().ok()? } else { d };
    d.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

/// `GET /admin/responses`: the responses the filters select, a page at a time, each with
/// its codes and the forms to add or remove one.
pub async fn responses(
    State(state): State<Arc<AppState>>,
    person: crate::server::edge::access::Person,
    headers: HeaderMap,
    Query(q): Query<ResponsesQuery>,
) -> Result<Response, AppError> {
    let (served, selection, store) = selected(&state, q).await?;
    let (comments, total) = tokio::try_join!(
        store.filtered(&selection.filter, selection.after.as_deref(), selection.per),
        store.count_filtered(&selection.filter),
    )?;
    let references: Vec<String> = comments.iter().map(|c| c.reference.clone()).collect();
    let tags = store.tags(Some(&references)).await?;
    let codes = coding_frame(&state, &served).await?;
    // Group membership from the last grouping computed (the groups page or a group
    // filter computes it): this page never waits for a regrouping.
    let snapshot = state.analysis.peek();
    let query = selection.query_string();
    let here = match (&selection.after, query.is_empty()) {
        (None, true) => "/admin/responses".to_string(),
        (None, false) => format!("/admin/responses?{query}"),
        (Some(a), true) => format!("/admin/responses?after={a}"),
        (Some(a), false) => format!("/admin/responses?{query}&after={a}"),
    };
    let items: Vec<minijinja::Value> = comments
        .iter()
        .map(|c| {
            let own: Vec<&crate::comments::Tag> =
                tags.iter().filter(|t| t.reference == c.reference).collect();
            let missing: Vec<&str> = codes
                .iter()
                .map(|f| f.code.as_str())
                .filter(|code| !own.iter().any(|t| t.code == *code))
                .collect();
            let group = snapshot
                .as_deref()
                .and_then(|s| s.group_of(&c.reference))
                .map(|(n, g)| context! { number => n, size => g.size() });
            context! {
                c => c,
                tags => own,
                missing => missing,
                group => group,
            }
        })
        .collect();
    let next = (comments.len() == selection.per)
        .then(|| comments.last().map(|c| c.reference.clone()))
        .flatten()
        .map(|last| {
            if query.is_empty() {
                format!("/admin/responses?after={last}")
            } else {
                format!("/admin/responses?{query}&after={last}")
            }
        });
    let questions: Vec<(String, String)> = served
        .consultation()
        .map(|c| {
            c.questions
                .iter()
                .map(|q| (q.id.clone(), q.question.clone()))
                .collect()
        })
        .unwrap_or_default();
    let token = crate::server::edge::csrf::csrf_token_for(&headers);
    let mut res = state.pages.render(
        RESPONSES_TEMPLATE.0,
        StatusCode::OK,
        context! {
            site => served.context,
            items => items,
            total => total,
            shown => comments.len(),
            paged => selection.after.is_some(),
            next => next,
            first => if query.is_empty() { "/admin/responses".to_string() } else { format!("/admin/responses?{query}") },
            query => query,
            here => here,
            back => here,
            codes => codes,
            questions => questions,
            statuses => Status::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            f => context! {
                target => selection.value("target"),
                question => selection.value("question"),
                code => selection.value("code"),
                status => selection.value("status"),
                respondent => selection.value("respondent"),
                group => selection.value("group"),
                uncoded => selection.filter.uncoded,
                from => selection.value("from"),
                to => selection.value("to"),
                q => selection.value("q"),
                per => selection.per,
            },
            group => selection.group.map(|(number, size)| context! { number => number, size => size }),
            csrf => token,
            analyst => analyst(&headers),
            person => person,
        },
    );
    crate::server::edge::csrf::set_csrf_cookie(&mut res, &token);
    Ok(res)
}

/// The two export formats.
#[derive(Debug, Clone, Copy)]
enum Format {
    Csv,
    Json,
}

/// `GET /admin/responses.csv`: the responses the same filters select, every one,
/// streamed, with their codes and campaign group; formula-like cells neutralised.
pub async fn responses_csv(
    State(state): State<Arc<AppState>>,
    person: crate::server::edge::access::Person,
    Query(q): Query<ResponsesQuery>,
) -> Result<Response, AppError> {
    export(state, q, Format::Csv, personal(&person)).await
}

/// Whether `person` may have names and email addresses in an export (else they are left out).
fn personal(person: &crate::server::edge::access::Person) -> bool {
    person.role.may(crate::auth::Permission::ExportPersonal)
}

/// `GET /admin/responses.json`: the same as [`responses_csv`], as JSON.
pub async fn responses_json(
    State(state): State<Arc<AppState>>,
    person: crate::server::edge::access::Person,
    Query(q): Query<ResponsesQuery>,
) -> Result<Response, AppError> {
    export(state, q, Format::Json, personal(&person)).await
}

async fn export(
    state: Arc<AppState>,
    q: ResponsesQuery,
    format: Format,
    personal: bool,
) -> Result<Response, AppError> {
    let (_, selection, store) = selected(&state, q).await?;
    let tags = store.tags(None).await?;
    let mut codes_of: HashMap<String, Vec<String>> = HashMap::new();
    for t in tags {
        codes_of.entry(t.reference).or_default().push(t.code);
    }
    let snapshot = state.analysis.get(&*store).await?;
    let rows = store.export_filtered(&selection.filter).await?;
    let (content_type, name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "responses.csv"),
        Format::Json => ("application/json", "responses.json"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        stream(rows, format, codes_of, snapshot, personal),
    )
        .into_response())
}

/// The export as a body, written on a blocking thread while the store reads; a client
/// that goes away stops both.
fn stream(
    rows: ExportRows,
    format: Format,
    codes_of: HashMap<String, Vec<String>>,
    snapshot: Arc<Snapshot>,
    personal: bool,
) -> Body {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let failed = tx.clone();
    tokio::task::spawn_blocking(move || {
        let out = ChannelWriter {
            tx,
            buf: Vec::with_capacity(EXPORT_CHUNK),
        };
        let group_of = |reference: &str| -> String {
            snapshot
                .group_of(reference)
                .map(|(_, g)| snapshot.responses[g.representative].reference.clone())
                .unwrap_or_default()
        };
        let codes = |reference: &str| -> Vec<String> {
            codes_of.get(reference).cloned().unwrap_or_default()
        };
        let rows = rows.blocking_iter().map(|row| {
            row.map(|c| {
                if personal {
                    c
                } else {
                    c.without_personal_data()
                }
            })
        });
        let written = match format {
            Format::Csv => crate::comments::export::export_csv_with(
                rows,
                out,
                &["codes", "campaign_group"],
                |c| vec![codes(&c.reference).join("; "), group_of(&c.reference)],
            ),
            Format::Json => crate::comments::export::export_json_with(rows, out, |c| {
                let mut more = serde_json::Map::new();
                more.insert("codes".into(), codes(&c.reference).into());
                let group = group_of(&c.reference);
                more.insert(
                    "campaign_group".into(),
                    if group.is_empty() {
                        serde_json::Value::Null
                    } else {
                        group.into()
                    },
                );
                more
            }),
        };
        if let Err(e) = written {
            tracing::error!("admin export: {e}");
            let _ = failed.blocking_send(Err(std::io::Error::other(e.to_string())));
        }
    });
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    }))
}

/// A `Write` that sends what is written on, in chunks, to the response body.
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(EXPORT_CHUNK),
        ));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
        })
    }
}

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= EXPORT_CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_whole_utc_days_within_bounds() {
        assert_eq!(day_start_ms("2026-12-01", false), Some(1_796_083_200_000));
        assert_eq!(
            day_start_ms("2026-12-01", true),
            Some(1_796_083_200_000 + 86_400_000)
        );
        for bad in [
            "2026-13-01",
            "1999-01-01",
            "26-12-01",
            "2026-12-1",
            "x",
            "2026-12-01T00",
        ] {
            assert_eq!(day_start_ms(bad, false), None, "{bad}");
        }
    }
}
