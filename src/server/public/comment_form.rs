//! The consultation's HTTP side: the comment form, submissions (HTML and JSON), receipts.
//!
//! Order of checks on a submission: cross-site request forgery (HTML form only), rate
//! limit, consultation window, validation, then the store. A respondent is told their
//! comment is received (303 to the receipt, or 201) only after the store committed it.
//! Personal data never appears in a URL or on the receipt page.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::book::EntryKind;
use crate::comments::keys::{self, SubmissionKeys};
use crate::comments::model::{GENERAL, Target, resolve_target};
use crate::comments::store::{CommentStore, StoreError};
use crate::comments::validate::{FieldError, RawSubmission, validate};
use crate::comments::window::{Window, WindowState};
use crate::config::{Consultation, Question};
use crate::i18n::{Arg, Language};
use crate::server::AppState;
use crate::server::ServedSite;
use crate::server::edge::csrf::{
    constant_time_eq, cookie, csrf_cookie, csrf_ok, new_token, set_csrf_cookie,
};
use crate::server::edge::error::AppError;
use crate::server::edge::language::Locale;
use crate::server::edge::limits;
use crate::server::edge::messages;
use crate::server::edge::messages::max_body;

/// `GET /comment?on=ID&question=ID`
#[derive(Debug, Deserialize)]
pub struct FormQuery {
    on: Option<String>,
    question: Option<String>,
}

/// The HTML form as posted: the anti-forgery token beside the submission's ten fields.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct FormPost {
    #[serde(default)]
    csrf: String,
    /// A secret the form page drew: the submission's idempotency key and receipt secret.
    #[serde(default)]
    submission_key: String,
    #[serde(flatten)]
    fields: RawSubmission,
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
    // In a translation, its own text of the target when it has one (same id).
    let (entry, url) = served.entry_for(locale, on)?;
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
        chapter: served.site.corpus.get(on).map(|e| e.source.clone()),
    })
}

/// The page for a comment route on a draft that runs no consultation.
fn no_consultation() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "error-page-not-found",
        "comments-none",
    )
}

/// What every consultation handler needs first: the site being served (loaded once for
/// the whole request) and its consultation. Extracting it fails with the "not open for
/// comments" page on a draft without a consultation.
pub struct Consulting {
    /// The site being served.
    pub served: Arc<ServedSite>,
    /// Its consultation.
    pub consultation: Consultation,
}

impl Consulting {
    fn current(state: &AppState) -> Result<Consulting, Arc<ServedSite>> {
        let served = state.current.load_full();
        match served.consultation().cloned() {
            Some(consultation) => Ok(Consulting {
                served,
                consultation,
            }),
            None => Err(served),
        }
    }
}

impl FromRequestParts<Arc<AppState>> for Consulting {
    type Rejection = AppError;

    async fn from_request_parts(
        _parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        Consulting::current(state).map_err(|_| no_consultation())
    }
}

/// [`Consulting`] for the JSON API, whose refusal is JSON.
pub struct ApiConsulting(pub Consulting);

impl FromRequestParts<Arc<AppState>> for ApiConsulting {
    type Rejection = AppError;

    async fn from_request_parts(
        _parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        Consulting::current(state).map(ApiConsulting).map_err(|_| {
            AppError::json(StatusCode::NOT_FOUND, "this draft is not open for comments")
        })
    }
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

/// The consultation's state at `now`; a broken window setting counts as closed.
fn window_state(consultation: &Consultation, now: jiff::Timestamp) -> Result<WindowState, String> {
    Window::from_settings(consultation)
        .map(|w| w.state(now))
        .map_err(|e| e.to_string())
}

fn window_view(
    state: &AppState,
    language: Language,
    consultation: &Consultation,
) -> minijinja::Value {
    match window_state(consultation, state.now()) {
        Ok(window) => context! {
            open => window.is_open(),
            closed => matches!(window, WindowState::Closed { .. }),
            message => messages::window_message(state.pages.catalogue(), language, &window),
        },
        Err(message) => context! { open => false, closed => true, message => message },
    }
}

/// Why a submission was not stored.
#[derive(Debug)]
pub enum SubmitError {
    /// Over the per-client limit: retry after this many seconds.
    RateLimited(u64),
    /// The consultation is not open: the message says when it opens or that it closed.
    NotOpen(String),
    /// Fields to correct, every problem at once.
    Invalid(Vec<FieldError>),
    /// Nothing was stored: there is no store, or it failed.
    Unavailable(NotStored),
}

/// Why a valid comment was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotStored {
    /// The server runs without a comments store.
    NoStore,
    /// The store is busy or restarting: trying again in a few minutes may help.
    Transient,
    /// The store failed.
    Failed,
}

impl NotStored {
    /// What to tell the respondent, in `language`.
    pub(crate) fn message(self, state: &AppState, language: Language) -> String {
        state.pages.t(
            language,
            match self {
                NotStored::NoStore => "comments-store-off",
                NotStored::Transient => "comments-store-busy",
                NotStored::Failed => "comments-store-failed",
            },
        )
    }
}

/// The secrets a submission came with (see `comments::keys`): both optional.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Secrets<'a> {
    /// A retry with the same key and submission returns the first receipt.
    pub(crate) idempotency_key: Option<&'a str>,
    /// The browser holding this secret is shown the comment's text on its receipt.
    pub(crate) receipt_secret: Option<&'a str>,
}

/// The cookie holding `REFERENCE.SECRET` of the browser's latest submission.
const RECEIPT_COOKIE: &str = "copbook_receipt";

/// How long after sending a comment its text is shown on the receipt, in seconds.
const RECEIPT_BODY_SECONDS: i64 = 3600;

/// The one submission path of the form and the API: rate limit, window, validation, then
/// the store. `Ok` (the reference) only once the store committed the comment.
pub(crate) async fn submit(
    state: &AppState,
    consulting: &Consulting,
    language: Language,
    peer: SocketAddr,
    headers: &HeaderMap,
    raw: &RawSubmission,
    secrets: Secrets<'_>,
) -> Result<String, SubmitError> {
    let client = limits::client_ip(peer, headers, state.trusted_proxy);
    if let Err(wait) = limits::check_shared(state, client).await {
        return Err(SubmitError::RateLimited(wait.as_secs().max(1)));
    }
    match window_state(&consulting.consultation, state.now()) {
        Ok(s) if s.is_open() => {}
        Ok(s) => {
            return Err(SubmitError::NotOpen(messages::window_message(
                state.pages.catalogue(),
                language,
                &s,
            )));
        }
        Err(message) => return Err(SubmitError::NotOpen(message)),
    }
    let served = &consulting.served;
    let comment = validate(
        raw,
        &*served.site.corpus,
        &consulting.consultation.questions,
    )
    .map_err(SubmitError::Invalid)?;
    let comment = crate::comments::model::NewComment {
        language: language.code().to_string(),
        ..comment
    };
    let Some(store) = &state.store else {
        return Err(SubmitError::Unavailable(NotStored::NoStore));
    };
    // The snapshot is what the respondent saw: the translation's text when it has one.
    let target = served
        .translation(language)
        .and_then(|t| resolve_target(&*t.corpus, &comment.on))
        .or_else(|| resolve_target(&*served.site.corpus, &comment.on))
        .unwrap_or_else(Target::general);
    let version = served.context.version.clone().unwrap_or_default();
    let keys = SubmissionKeys {
        idempotency: secrets
            .idempotency_key
            .map(|key| keys::idempotency_hash(key, &comment)),
        receipt: secrets.receipt_secret.map(keys::receipt_hash),
    };
    match store.submit_keyed(comment, target, &version, keys).await {
        Ok(submitted) => {
            if submitted.replayed {
                tracing::info!("a retried submission returned its first receipt");
            }
            Ok(submitted.comment.reference)
        }
        Err(e) => {
            tracing::error!("comment not stored: {e}");
            Err(SubmitError::Unavailable(match e {
                StoreError::Unavailable(_) | StoreError::Closed => NotStored::Transient,
                _ => NotStored::Failed,
            }))
        }
    }
}

/// `GET /comment?on=ID`: the form, or the closed notice, for one target.
pub async fn form(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    consulting: Consulting,
    Query(q): Query<FormQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Consulting {
        served,
        consultation,
    } = &consulting;
    let on =
        q.on.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(GENERAL);
    // `on=QUESTION-ID`, as a chapter's "Answer this question" links it: the form on the
    // question's chapter (the whole draft if that chapter is not in this edition), with
    // the question chosen.
    let asked = consultation
        .questions
        .iter()
        .find(|question| question.id == on);
    let (on, question) = match asked {
        Some(asked) => {
            let chapter = asked.chapter.strip_suffix(".md").unwrap_or(&asked.chapter);
            let on = if served.entry_for(&locale, chapter).is_some() {
                chapter
            } else {
                GENERAL
            };
            (on, Some(asked.id.clone()))
        }
        None => (on, q.question),
    };
    let Some(target) = target_view(&state, &locale, served, on) else {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            "comments-target-not-found",
            "comments-target-not-found-message",
        ));
    };
    let token = csrf_cookie(&headers).unwrap_or_else(new_token);
    let values = FormPost {
        csrf: String::new(),
        submission_key: keys::new_secret(),
        fields: RawSubmission {
            on: target.id.clone(),
            question: question.unwrap_or_default(),
            ..RawSubmission::default()
        },
    };
    let mut res = render_form(
        &state,
        &locale,
        FormPage {
            served,
            consultation,
            target: &target,
            values: &values,
            errors: &[],
            token: &token,
            status: StatusCode::OK,
        },
    );
    set_csrf_cookie(&mut res, &token);
    Ok(res)
}

/// What the comment form page shows: the paragraph or question it is about, what the
/// respondent entered, the problems to correct and the form's anti-forgery token.
struct FormPage<'a> {
    served: &'a ServedSite,
    consultation: &'a Consultation,
    target: &'a TargetView,
    values: &'a FormPost,
    errors: &'a [FieldError],
    token: &'a str,
    status: StatusCode,
}

fn render_form(state: &AppState, locale: &Locale, form: FormPage<'_>) -> Response {
    let FormPage {
        served,
        consultation,
        target,
        values,
        errors,
        token,
        status,
    } = form;
    let language = locale.language;
    let window = window_view(state, language, consultation);
    let field_errors: std::collections::BTreeMap<&str, String> = errors
        .iter()
        .rev()
        .map(|e| {
            (
                e.field,
                messages::field_message(state.pages.catalogue(), language, e),
            )
        })
        .collect();
    let errors: Vec<_> = errors
        .iter()
        .map(|e| context! { field => e.field, message => messages::field_message(state.pages.catalogue(), language, e) })
        .collect();
    let mut res = state.pages.render_in(
        locale,
        "comment.html",
        status,
        context! {
            site => served.context_for(language),
            live_reload => state.reload.is_some(),
            target => target,
            questions => questions_for(served, language, consultation, target),
            values => values,
            errors => errors,
            field_errors => field_errors,
            csrf => token,
            window => window,
            retention => served
                .translation(language)
                .and_then(|t| t.settings.retention.as_ref())
                .or(consultation.retention.as_ref()),
            max_body => max_body(),
        },
    );
    // The page carries the submission's key, which is also its receipt secret: no cache
    // (the browser's, a proxy's) may keep it.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `POST /comments`: the HTML form. A refusal is a page; fields to correct return the form
/// with an error summary.
pub async fn submit_form(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    consulting: Consulting,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::Form(post): axum::Form<FormPost>,
) -> Result<Response, AppError> {
    let served = &consulting.served;
    let language = locale.language;
    if !csrf_ok(&headers, &post.csrf) {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "comments-not-sent",
            "comments-not-sent-message",
        ));
    }
    // The form's key, when it is one this server drew; a page without one (cached from
    // an older version) still gets a receipt secret, but no retry protection.
    let drawn = is_secret(&post.submission_key).then_some(post.submission_key.as_str());
    let fresh;
    let secret = match drawn {
        Some(key) => key,
        None => {
            fresh = keys::new_secret();
            &fresh
        }
    };
    let secrets = Secrets {
        idempotency_key: drawn,
        receipt_secret: Some(secret),
    };
    match submit(
        &state,
        &consulting,
        language,
        peer,
        &headers,
        &post.fields,
        secrets,
    )
    .await
    {
        Ok(reference) => {
            let mut res = Redirect::to(&locale.path(&format!("/comments/receipt/{reference}")))
                .into_response();
            set_receipt_cookie(&mut res, &reference, secret);
            Ok(res)
        }
        Err(SubmitError::Invalid(errors)) => {
            let target = target_view(&state, &locale, served, post.fields.on.trim())
                .or_else(|| target_view(&state, &locale, served, GENERAL));
            let Some(target) = target else {
                return Ok(StatusCode::UNPROCESSABLE_ENTITY.into_response());
            };
            Ok(render_form(
                &state,
                &locale,
                FormPage {
                    served,
                    consultation: &consulting.consultation,
                    target: &target,
                    values: &post,
                    errors: &errors,
                    token: &post.csrf,
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                },
            ))
        }
        Err(SubmitError::RateLimited(seconds)) => Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "comments-too-many",
            "comments-too-many-message",
        )
        .with_args(vec![("seconds", Arg::from(seconds))])
        .retry_after(seconds)),
        Err(SubmitError::NotOpen(message)) => Err(AppError::new(
            StatusCode::FORBIDDEN,
            "comments-not-open",
            "comments-not-open",
        )
        .with_message_said(message)),
        Err(SubmitError::Unavailable(why)) => Err(AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "comments-not-saved",
            "comments-not-saved",
        )
        .with_message_said(why.message(&state, language))),
    }
}

/// `GET /comments/receipt/{reference}`: what was received, without personal data.
pub async fn receipt(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let language = locale.language;
    let t = |id| state.pages.t(language, id);
    let not_found = || {
        AppError::new(
            StatusCode::NOT_FOUND,
            "receipt-not-found",
            "receipt-not-found-message",
        )
    };
    let store = state.store.as_ref().ok_or_else(not_found)?;
    let reference = crate::comments::reference::normalise(&reference).ok_or_else(not_found)?;
    let comment = match store.get(&reference).await {
        Ok(Some(c)) => c,
        Ok(None) => return Err(not_found()),
        Err(e) => {
            tracing::error!("reading a receipt: {e}");
            return Err(AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "receipt-unavailable",
                "receipt-unavailable-message",
            ));
        }
    };
    // An erased comment's receipt says so (its text and personal data are gone).
    let erased = match store.erased_at(&reference).await {
        Ok(at) => at.map(|at| {
            at.parse::<jiff::Timestamp>()
                .map(|at| {
                    let date = at.to_zoned(jiff::tz::TimeZone::UTC).date();
                    crate::i18n::date(language, date)
                })
                .unwrap_or(at)
        }),
        Err(e) => {
            tracing::warn!("reading whether a receipt's comment was erased: {e}");
            None
        }
    };
    // The store stamps comments by the state's clock, so their age is read by it too.
    let show_body = erased.is_none()
        && recent(comment.received_at_ms, state.now().as_millisecond())
        && sent_by_this_browser(&**store, &headers, &comment.reference).await;
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
        served
            .consultation()
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
            site => served.context_for(language),
            live_reload => state.reload.is_some(),
            comment => context! {
                reference => comment.reference,
                body => comment.body,
                respondent_type => comment.respondent_type,
                publish => comment.publish,
                attribution => comment.attribution,
                // The names themselves only to the browser that sent them, as the text.
                name => if show_body { comment.name.clone() } else { None },
                organisation => if show_body { comment.organisation.clone() } else { None },
            },
            target_label => target_label,
            target_url => target_url,
            question => question,
            received => received,
            show_body => show_body,
            erased => erased,
        },
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The header of the JSON API that makes a retried submission return its first receipt.
pub(crate) const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Whether `s` is a secret as [`keys::new_secret`] draws them: 32 lowercase hex digits.
fn is_secret(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether a comment received at `received_ms` is recent enough at `now_ms` for its
/// text to be shown to its sender (the cookie's lifetime, enforced by the server too).
fn recent(received_ms: i64, now_ms: i64) -> bool {
    now_ms.saturating_sub(received_ms) <= RECEIPT_BODY_SECONDS * 1000
}

/// Gives the browser that sent `reference` its receipt secret, for an hour.
fn set_receipt_cookie(res: &mut Response, reference: &str, secret: &str) {
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{RECEIPT_COOKIE}={reference}.{secret}; Path=/; Max-Age={RECEIPT_BODY_SECONDS}; HttpOnly; SameSite=Strict"
    )) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Whether the request carries the receipt secret stored with `reference`.
async fn sent_by_this_browser(
    store: &dyn CommentStore,
    headers: &HeaderMap,
    reference: &str,
) -> bool {
    let Some(secret) = cookie(headers, RECEIPT_COOKIE)
        .and_then(|v| {
            v.split_once('.')
                .map(|(r, s)| (r.to_string(), s.to_string()))
        })
        .filter(|(r, s)| r == reference && is_secret(s))
        .map(|(_, s)| s)
    else {
        return false;
    };
    match store.receipt_hash(reference).await {
        Ok(Some(stored)) => {
            constant_time_eq(stored.as_bytes(), keys::receipt_hash(&secret).as_bytes())
        }
        Ok(None) => false,
        Err(e) => {
            tracing::warn!("reading a receipt secret: {e}");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_text_is_shown_for_an_hour() {
        let sent = 1_000_000_000;
        assert!(recent(sent, sent));
        assert!(recent(sent, sent + 3_600_000));
        assert!(!recent(sent, sent + 3_600_001));
        assert!(is_secret(&keys::new_secret()));
        assert!(!is_secret("ABCDEF0123456789ABCDEF0123456789"));
    }
}
