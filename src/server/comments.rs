//! The consultation's HTTP side: the comment form, submissions (HTML and JSON), receipts.
//!
//! Order of checks on a submission: cross-site request forgery (HTML form only), rate
//! limit, consultation window, validation, then the store. A respondent is told their
//! comment is received (303 to the receipt, or 201) only after the store committed it.
//! Personal data never appears in a URL or on the receipt page.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::language::Locale;
use super::pages::json_error;
use super::{AppState, ServedSite, limits};
use crate::book::EntryKind;
use crate::comments::model::{GENERAL, Target, resolve_target};
use crate::comments::store::StoreError;
use crate::comments::validate::{FieldError, RawSubmission, validate};
use crate::comments::window::{Window, WindowState};
use crate::config::{Consultation, Question};
use crate::i18n::{Arg, Language};

/// Name of the cookie holding the form's anti-forgery token.
const CSRF_COOKIE: &str = "copbook_csrf";

/// `GET /comment?on=ID&question=ID`
#[derive(Debug, Deserialize)]
pub struct FormQuery {
    on: Option<String>,
    question: Option<String>,
}

/// The HTML form's fields, as posted.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FormFields {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    question: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    respondent_type: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    publish: String,
}

impl FormFields {
    fn raw(&self) -> RawSubmission {
        RawSubmission {
            on: self.on.clone(),
            question: self.question.clone(),
            body: self.body.clone(),
            respondent_type: self.respondent_type.clone(),
            name: self.name.clone(),
            organisation: self.organisation.clone(),
            email: self.email.clone(),
            publish: self.publish.clone(),
            honeypot: self.website.clone(),
        }
    }
}

/// The JSON API's body: the same fields, `website` being the honeypot.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonFields {
    #[serde(default)]
    on: String,
    #[serde(default)]
    question: Option<String>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    respondent_type: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    publish: String,
    #[serde(default)]
    website: Option<String>,
}

/// What a comment form shows about its target.
#[derive(Debug, Serialize)]
struct TargetView {
    id: String,
    label: String,
    /// The label after a preposition ("Comment on …"): Welsh mutates it.
    label_mutated: String,
    number: Option<String>,
    title: String,
    text: String,
    url: String,
    chapter: Option<String>,
}

fn target_view(
    state: &AppState,
    locale: &Locale,
    served: &ServedSite,
    on: &str,
) -> Option<TargetView> {
    let language = locale.language;
    if on == GENERAL {
        let label = state.pages.t(language, "comment-target-whole");
        return Some(TargetView {
            id: GENERAL.to_string(),
            label_mutated: label.clone(),
            label,
            number: None,
            title: served.context.title.clone(),
            text: String::new(),
            url: locale.path("/"),
            chapter: None,
        });
    }
    let english = served.site.corpus.get(on)?;
    // In a translation, its own text of the target when it has one (same id).
    let entry = served
        .translation(language)
        .and_then(|t| t.corpus.get(on))
        .unwrap_or(english);
    let url = if std::ptr::eq(entry, english) {
        format!("/{}", entry.url)
    } else {
        locale.path(&format!("/{}", entry.url))
    };
    let (label, label_mutated) = match (&entry.kind, &entry.number) {
        (EntryKind::Provision, Some(n)) => {
            let number = [("number", Arg::from(n.as_str()))];
            (
                state
                    .pages
                    .message(language, "comment-target-paragraph", &number),
                state
                    .pages
                    .message(language, "comment-target-paragraph-mutated", &number),
            )
        }
        _ => {
            let quoted = format!("“{}”", entry.title);
            (quoted.clone(), quoted)
        }
    };
    Some(TargetView {
        id: entry.id.clone(),
        label,
        label_mutated,
        number: entry.number.clone(),
        title: entry.title.clone(),
        text: entry.text.clone(),
        url,
        chapter: Some(english.source.clone()),
    })
}

/// A field error in the page's language (the validator's words are English).
fn field_message(state: &AppState, language: Language, e: &FieldError) -> String {
    use crate::comments::validate as v;
    let id = match e.message.as_str() {
        v::MSG_ON_MISSING => "field-on-missing",
        v::MSG_ON_UNKNOWN => "field-on-unknown",
        v::MSG_QUESTION_UNKNOWN => "field-question-unknown",
        v::MSG_BODY_MISSING => "field-body-missing",
        v::MSG_BODY_TOO_LONG => "field-body-too-long",
        v::MSG_BODY_NUL => "field-body-nul",
        v::MSG_RESPONDENT_TYPE => "field-respondent-type",
        v::MSG_NAME_TOO_LONG => "field-name-too-long",
        v::MSG_NAME_NUL => "field-name-nul",
        v::MSG_ORGANISATION_MISSING => "field-organisation-missing",
        v::MSG_ORGANISATION_TOO_LONG => "field-organisation-too-long",
        v::MSG_ORGANISATION_NUL => "field-organisation-nul",
        v::MSG_EMAIL => "field-email",
        v::MSG_PUBLISH => "field-publish",
        _ => return e.message.clone(),
    };
    state.pages.t(language, id)
}

/// The page for a comment route on a draft that runs no consultation.
fn no_consultation(state: &AppState, locale: &Locale, served: &ServedSite) -> Response {
    let t = |id| state.pages.t(locale.language, id);
    state.pages.error_in(
        locale,
        &served.context_for(locale.language),
        StatusCode::NOT_FOUND,
        &t("error-page-not-found"),
        &t("comments-none"),
    )
}

/// The consultation settings of the site being served, if it runs one.
fn consultation(served: &ServedSite) -> Option<&Consultation> {
    served.consultation()
}

fn questions_for(
    served: &ServedSite,
    language: Language,
    consultation: &Consultation,
    target: &TargetView,
) -> Vec<Question> {
    let translated = served.translation(language).map(|t| &t.settings.questions);
    consultation
        .questions
        .iter()
        .filter(|q| target.chapter.as_deref().is_none_or(|c| c == q.chapter))
        .map(|q| Question {
            question: translated
                .and_then(|t| t.get(&q.id))
                .unwrap_or(&q.question)
                .clone(),
            ..q.clone()
        })
        .collect()
}

/// The consultation's state now; a broken window setting counts as closed.
fn window_state(consultation: &Consultation) -> Result<WindowState, String> {
    Window::from_settings(consultation)
        .map(|w| w.state(jiff::Timestamp::now()))
        .map_err(|e| e.to_string())
}

fn window_view(
    state: &AppState,
    language: Language,
    consultation: &Consultation,
) -> minijinja::Value {
    match window_state(consultation) {
        Ok(window) => context! {
            open => window.is_open(),
            closed => matches!(window, WindowState::Closed { .. }),
            message => window_message(state, language, &window),
        },
        Err(message) => context! { open => false, closed => true, message => message },
    }
}

/// The window's sentence in `language`: the comments module's own words in English.
fn window_message(state: &AppState, language: Language, window: &WindowState) -> String {
    if language == Language::English {
        return window.message();
    }
    let uk = crate::comments::window::uk();
    let date_time = |t: jiff::Timestamp| {
        let zoned = t.to_zoned(uk.clone());
        state.pages.message(
            language,
            "window-date-time",
            &[
                ("date", Arg::from(crate::i18n::date(language, zoned.date()))),
                ("time", Arg::from(zoned.strftime("%H:%M").to_string())),
                ("zone", Arg::from(zoned.strftime("%Z").to_string())),
            ],
        )
    };
    let (id, when) = match *window {
        WindowState::NotYetOpen { opens } => ("window-opens", date_time(opens)),
        WindowState::Open { closes } => ("window-closes", date_time(closes)),
        WindowState::Closed { closed } => {
            let last_open = closed
                .checked_sub(jiff::SignedDuration::from_nanos(1))
                .unwrap_or(closed);
            let date = last_open.to_zoned(uk.clone()).date();
            ("window-closed", crate::i18n::date(language, date))
        }
    };
    state
        .pages
        .message(language, id, &[("when", Arg::from(when))])
}

/// Why a submission is refused before its fields are read.
enum Refusal {
    /// Over the per-client limit: retry after this many seconds.
    RateLimited(u64),
    /// The consultation is not open: the message says when it opens or that it closed.
    Closed(String),
}

/// The window's sentence, or the setting's error, for a refused submission.
fn closed_message(state: &AppState, language: Language, consultation: &Consultation) -> String {
    match window_state(consultation) {
        Ok(window) => window_message(state, language, &window),
        Err(message) => message,
    }
}

/// The checks every submission passes before validation: rate limit, then window.
fn admit(
    state: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    consultation: &Consultation,
) -> Result<(), Refusal> {
    let client = limits::client_ip(peer, headers, state.trusted_proxy);
    if let Err(wait) = state.limits.check(client, Instant::now()) {
        return Err(Refusal::RateLimited(wait.as_secs().max(1)));
    }
    match window_state(consultation) {
        Ok(s) if s.is_open() => Ok(()),
        Ok(s) => Err(Refusal::Closed(s.message())),
        Err(message) => Err(Refusal::Closed(message)),
    }
}

/// `GET /comment?on=ID`: the form, or the closed notice, for one target.
pub async fn form(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    Query(q): Query<FormQuery>,
    headers: HeaderMap,
) -> Response {
    let served = state.current.load_full();
    let Some(consultation) = consultation(&served) else {
        return no_consultation(&state, &locale, &served);
    };
    let on =
        q.on.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(GENERAL);
    let Some(target) = target_view(&state, &locale, &served, on) else {
        let t = |id| state.pages.t(locale.language, id);
        return state.pages.error_in(
            &locale,
            &served.context_for(locale.language),
            StatusCode::NOT_FOUND,
            &t("comments-target-not-found"),
            &t("comments-target-not-found-message"),
        );
    };
    let token = csrf_cookie(&headers).unwrap_or_else(new_token);
    let values = FormFields {
        on: target.id.clone(),
        question: q.question.unwrap_or_default(),
        ..FormFields::default()
    };
    let mut res = render_form(
        &state,
        &locale,
        &served,
        consultation,
        &target,
        &values,
        &[],
        &token,
        StatusCode::OK,
    );
    set_csrf_cookie(&mut res, &token);
    res
}

#[allow(clippy::too_many_arguments)]
fn render_form(
    state: &AppState,
    locale: &Locale,
    served: &ServedSite,
    consultation: &Consultation,
    target: &TargetView,
    values: &FormFields,
    errors: &[FieldError],
    token: &str,
    status: StatusCode,
) -> Response {
    let window = window_view(state, locale.language, consultation);
    let errors: Vec<(&str, String)> = errors
        .iter()
        .map(|e| (e.field, field_message(state, locale.language, e)))
        .collect();
    let field_errors: std::collections::BTreeMap<&str, &str> = errors
        .iter()
        .rev()
        .map(|(field, message)| (*field, message.as_str()))
        .collect();
    let errors: Vec<_> = errors
        .iter()
        .map(|(field, message)| context! { field => field, message => message })
        .collect();
    state.pages.render_in(
        locale,
        "comment.html",
        status,
        context! {
            site => served.context_for(locale.language),
            live_reload => state.reload.is_some(),
            target => target,
            questions => questions_for(served, locale.language, consultation, target),
            values => values,
            errors => errors,
            field_errors => field_errors,
            csrf => token,
            window => window,
            retention => served
                .translation(locale.language)
                .and_then(|t| t.settings.retention.as_ref())
                .or(consultation.retention.as_ref()),
            max_body => "20,000",
        },
    )
}

/// `POST /comments`: the HTML form.
pub async fn submit_form(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Form(fields): axum::Form<FormFields>,
) -> Response {
    let served = state.current.load_full();
    let Some(consultation) = consultation(&served) else {
        return no_consultation(&state, &locale, &served);
    };
    let t = |id| state.pages.t(locale.language, id);
    if !csrf_ok(&headers, &fields.csrf) {
        return state.pages.error_in(
            &locale,
            &served.context_for(locale.language),
            StatusCode::FORBIDDEN,
            &t("comments-not-sent"),
            &t("comments-not-sent-message"),
        );
    }
    match admit(&state, peer, &headers, consultation) {
        Ok(()) => {}
        Err(Refusal::RateLimited(seconds)) => {
            let mut res = state.pages.error_in(
                &locale,
                &served.context_for(locale.language),
                StatusCode::TOO_MANY_REQUESTS,
                &t("comments-too-many"),
                &state.pages.message(
                    locale.language,
                    "comments-too-many-message",
                    &[("seconds", Arg::from(seconds))],
                ),
            );
            set_retry_after(&mut res, seconds);
            return res;
        }
        Err(Refusal::Closed(_)) => {
            return state.pages.error_in(
                &locale,
                &served.context_for(locale.language),
                StatusCode::FORBIDDEN,
                &t("comments-not-open"),
                &closed_message(&state, locale.language, consultation),
            );
        }
    }
    let token = fields.csrf.clone();
    let target = target_view(&state, &locale, &served, fields.on.trim());
    let comment = match validate(&fields.raw(), &*served.site.corpus, &consultation.questions) {
        Ok(c) => crate::comments::model::NewComment {
            language: locale.language.code().to_string(),
            ..c
        },
        Err(errors) => {
            let Some(target) = target.or_else(|| target_view(&state, &locale, &served, GENERAL))
            else {
                return StatusCode::UNPROCESSABLE_ENTITY.into_response();
            };
            return render_form(
                &state,
                &locale,
                &served,
                consultation,
                &target,
                &fields,
                &errors,
                &token,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match store_comment(&state, locale.language, &served, comment).await {
        Ok(reference) => {
            Redirect::to(&locale.path(&format!("/comments/receipt/{reference}"))).into_response()
        }
        Err(message) => state.pages.error_in(
            &locale,
            &served.context_for(locale.language),
            StatusCode::SERVICE_UNAVAILABLE,
            &t("comments-not-saved"),
            &message,
        ),
    }
}

/// `POST /api/comments`: the JSON API.
pub async fn submit_json(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<JsonFields>, JsonRejection>,
) -> Response {
    let served = state.current.load_full();
    let Some(consultation) = consultation(&served) else {
        return json_error(StatusCode::NOT_FOUND, "this draft is not open for comments");
    };
    let Json(fields) = match body {
        Ok(b) => b,
        Err(rejection) => return json_error(rejection.status(), rejection.body_text()),
    };
    match admit(&state, peer, &headers, consultation) {
        Ok(()) => {}
        Err(Refusal::RateLimited(seconds)) => {
            let mut res = json_error(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many submissions from this client: retry after {seconds} seconds"),
            );
            set_retry_after(&mut res, seconds);
            return res;
        }
        Err(Refusal::Closed(message)) => return json_error(StatusCode::FORBIDDEN, message),
    }
    let raw = RawSubmission {
        on: fields.on,
        question: fields.question.unwrap_or_default(),
        body: fields.body,
        respondent_type: fields.respondent_type,
        name: fields.name.unwrap_or_default(),
        organisation: fields.organisation.unwrap_or_default(),
        email: fields.email.unwrap_or_default(),
        publish: fields.publish,
        honeypot: fields.website.unwrap_or_default(),
    };
    let comment = match validate(&raw, &*served.site.corpus, &consultation.questions) {
        Ok(c) => crate::comments::model::NewComment {
            language: locale.language.code().to_string(),
            ..c
        },
        Err(errors) => {
            let errors: Vec<_> = errors
                .iter()
                .map(|e| serde_json::json!({ "field": e.field, "message": e.message }))
                .collect();
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({ "errors": errors })),
            )
                .into_response();
        }
    };
    match store_comment(&state, locale.language, &served, comment).await {
        Ok(reference) => (
            StatusCode::CREATED,
            Json(serde_json::json!({ "reference": reference })),
        )
            .into_response(),
        Err(message) => json_error(StatusCode::SERVICE_UNAVAILABLE, message),
    }
}

/// Stores a validated comment with a snapshot of its target; the reference once committed.
async fn store_comment(
    state: &AppState,
    language: Language,
    served: &ServedSite,
    comment: crate::comments::model::NewComment,
) -> Result<String, String> {
    let t = |id| state.pages.t(language, id);
    let Some(store) = &state.store else {
        return Err(t("comments-store-off"));
    };
    // The snapshot is what the respondent saw: the translation's text when it has one.
    let target = served
        .translation(language)
        .and_then(|t| resolve_target(&*t.corpus, &comment.on))
        .or_else(|| resolve_target(&*served.site.corpus, &comment.on))
        .unwrap_or_else(Target::general);
    let version = served.context.version.clone().unwrap_or_default();
    match store.submit(comment, target, &version).await {
        Ok(stored) => Ok(stored.reference),
        Err(e @ (StoreError::Unavailable(_) | StoreError::Closed)) => {
            tracing::error!("comment not stored: {e}");
            Err(t("comments-store-busy"))
        }
        Err(e) => {
            tracing::error!("comment not stored: {e}");
            Err(t("comments-store-failed"))
        }
    }
}

/// `GET /comments/receipt/{reference}`: what was received, without personal data.
pub async fn receipt(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    Path(reference): Path<String>,
) -> Response {
    let served = state.current.load_full();
    let language = locale.language;
    let t = |id| state.pages.t(language, id);
    let not_found = || {
        state.pages.error_in(
            &locale,
            &served.context_for(locale.language),
            StatusCode::NOT_FOUND,
            &t("receipt-not-found"),
            &t("receipt-not-found-message"),
        )
    };
    let Some(store) = &state.store else {
        return not_found();
    };
    let Some(reference) = crate::comments::reference::normalise(&reference) else {
        return not_found();
    };
    let store = store.clone();
    let found = tokio::task::spawn_blocking(move || store.get(&reference)).await;
    let comment = match found {
        Ok(Ok(Some(c))) => c,
        Ok(Ok(None)) => return not_found(),
        Ok(Err(e)) => {
            tracing::error!("reading a receipt: {e}");
            return state.pages.error_in(
                &locale,
                &served.context_for(locale.language),
                StatusCode::SERVICE_UNAVAILABLE,
                &t("receipt-unavailable"),
                &t("receipt-unavailable-message"),
            );
        }
        Err(e) => {
            tracing::error!("reading a receipt: {e}");
            return not_found();
        }
    };
    let target_label = match &comment.target_number {
        Some(n) => state.pages.message(
            language,
            "comment-target-paragraph",
            &[("number", Arg::from(n.as_str()))],
        ),
        None if comment.target_id == GENERAL => t("comment-target-whole"),
        None => format!("“{}”", comment.target_title),
    };
    let translation = served.translation(language);
    let target_url = match translation.and_then(|t| t.corpus.get(&comment.target_id)) {
        Some(e) => locale.path(&format!("/{}", e.url)),
        None => served
            .site
            .corpus
            .get(&comment.target_id)
            .map(|e| format!("/{}", e.url))
            .unwrap_or_else(|| locale.path("/")),
    };
    let question = comment.question.as_ref().and_then(|id| {
        let translated = translation.and_then(|t| t.settings.questions.get(id));
        consultation(&served)
            .and_then(|c| c.questions.iter().find(|q| &q.id == id))
            .map(|q| translated.unwrap_or(&q.question).clone())
    });
    let received = jiff::Timestamp::from_millisecond(comment.received_at_ms)
        .map(|at| {
            let utc = at.to_zoned(jiff::tz::TimeZone::UTC);
            state.pages.message(
                language,
                "receipt-date-time",
                &[
                    ("date", Arg::from(crate::i18n::date(language, utc.date()))),
                    ("time", Arg::from(utc.strftime("%H:%M").to_string())),
                ],
            )
        })
        .unwrap_or_else(|_| comment.received_at.clone());
    let mut res = state.pages.render_in(
        &locale,
        "receipt.html",
        StatusCode::OK,
        context! {
            site => served.context_for(locale.language),
            live_reload => state.reload.is_some(),
            comment => context! {
                reference => comment.reference,
                body => comment.body,
                respondent_type => comment.respondent_type,
                publish => comment.publish,
            },
            target_label => target_label,
            target_url => target_url,
            question => question,
            received => received,
        },
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Whether an `Origin` header, when sent, names this server (browsers send it on POST).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    !host.is_empty() && origin_host == host
}

fn csrf_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| {
            *name == CSRF_COOKIE
                && value.len() == 32
                && value.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|(_, value)| value.to_string())
}

/// The token of the request's anti-forgery cookie, or a new one.
pub fn csrf_token_for(headers: &HeaderMap) -> String {
    csrf_cookie(headers).unwrap_or_else(new_token)
}

/// Whether a form's token matches the request's anti-forgery cookie and its origin is ours.
pub fn csrf_ok(headers: &HeaderMap, token: &str) -> bool {
    same_origin(headers)
        && csrf_cookie(headers).is_some_and(|c| constant_time_eq(c.as_bytes(), token.as_bytes()))
}

fn new_token() -> String {
    let bytes: [u8; 16] = rand::random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Sets the anti-forgery cookie on a response.
pub fn set_csrf_cookie(res: &mut Response, token: &str) {
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    )) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn set_retry_after(res: &mut Response, seconds: u64) {
    if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, value);
    }
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b""));
    }

    #[test]
    fn origin_must_match_host() {
        let mut h = HeaderMap::new();
        assert!(same_origin(&h));
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:3000"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h));
    }
}
