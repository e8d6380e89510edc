//! Published responses, for everyone: `/responses` (the list of questions and the open
//! data), `/responses?on=ID` ("Published responses to paragraph 5.1"),
//! `/responses?question=ID`, each paged with `page=N`, and the open data
//! `/responses.csv` and `/responses.json`. Also in Welsh under `/cy`.
//!
//! Only what `comments::published` lets out reaches a page: comments a drafter published
//! whose respondents agreed, names and organisations only as chosen, never an email
//! address or a receipt reference.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;

use super::comments::Consulting;
use super::language::Locale;
use super::{AppState, ServedSite};
use crate::book::EntryKind;
use crate::comments::model::GENERAL;
use crate::comments::published::{self, PublicResponse};
use crate::comments::{CommentStore, Filter, PublishedQuery, RespondentType, Status};
use crate::i18n::{Arg, Language};

/// The page's template.
pub const TEMPLATE: (&str, &str) = (
    "responses.html",
    include_str!("../../themes/copbook/templates/responses.html"),
);

/// Responses shown per page.
pub const PAGE_SIZE: usize = 20;

/// The highest page number accepted.
const MAX_PAGE: usize = 10_000;

/// The longest id accepted in `on` or `question`.
const MAX_ID_LEN: usize = 200;

/// What a request asks for.
enum Ask {
    /// The index: questions and open data.
    Index,
    /// One target's responses.
    Target(String),
    /// One question's responses.
    Question(String),
}

/// Reads `on`, `question` and `page`, bounded; `Err` for a malformed request.
fn parse(raw: Option<&str>) -> Result<(Ask, usize), ()> {
    let mut ask = Ask::Index;
    let mut page = 1;
    for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let id = || {
            let v = value.trim();
            if v.is_empty() || v.len() > MAX_ID_LEN || v.chars().any(char::is_control) {
                Err(())
            } else {
                Ok(v.to_string())
            }
        };
        match key.as_ref() {
            "on" if matches!(ask, Ask::Index) => ask = Ask::Target(id()?),
            "question" if matches!(ask, Ask::Index) => ask = Ask::Question(id()?),
            "on" | "question" => return Err(()),
            "page" => {
                page = value
                    .parse::<usize>()
                    .ok()
                    .filter(|p| (1..=MAX_PAGE).contains(p))
                    .ok_or(())?;
            }
            _ => {}
        }
    }
    Ok((ask, page))
}

/// `GET /responses`: the index, or one target's or question's published responses.
pub async fn page(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    consulting: Consulting,
    RawQuery(raw): RawQuery,
) -> Response {
    let served = &consulting.served;
    let language = locale.language;
    let t = |id| state.pages.t(language, id);
    let error = |status, heading: &str, message: &str| {
        state.pages.error_in(
            &locale,
            &served.context_for(language),
            status,
            heading,
            message,
        )
    };
    let not_found = || {
        error(
            StatusCode::NOT_FOUND,
            &t("responses-not-found"),
            &t("responses-not-found-message"),
        )
    };
    let Ok((ask, page)) = parse(raw.as_deref()) else {
        return error(
            StatusCode::BAD_REQUEST,
            &t("responses-bad-address"),
            &t("responses-bad-address-message"),
        );
    };
    let Some(store) = state.store.clone() else {
        return not_found();
    };
    let unavailable = |e: crate::comments::StoreError| {
        tracing::error!("published responses: {e}");
        error(
            StatusCode::SERVICE_UNAVAILABLE,
            &t("responses-unavailable"),
            &t("responses-unavailable-message"),
        )
    };
    let questions = question_texts(served, language, &consulting);
    let (query, heading, lead, back) = match ask {
        Ask::Index => {
            return match index(&state, &locale, served, &*store, &questions).await {
                Ok(res) => res,
                Err(e) => unavailable(e),
            };
        }
        Ask::Question(id) => {
            let Some((_, text)) = questions.iter().find(|(q, _)| *q == id) else {
                return not_found();
            };
            let lead = state.pages.message(
                language,
                "responses-question",
                &[("question", Arg::from(text.as_str()))],
            );
            let query = PublishedQuery {
                question: Some(id.clone()),
                ..PublishedQuery::default()
            };
            (query, t("responses-to-question"), Some(lead), None)
        }
        Ask::Target(id) => {
            let Some((heading, back)) = target_heading(&state, &locale, served, &id) else {
                return not_found();
            };
            let query = PublishedQuery {
                target: Some(id),
                ..PublishedQuery::default()
            };
            (query, heading, None, Some(back))
        }
    };
    let total = match store.count_published(&query).await {
        Ok(n) => n,
        Err(e) => return unavailable(e),
    };
    let pages = usize::try_from(total)
        .unwrap_or(usize::MAX)
        .div_ceil(PAGE_SIZE)
        .max(1);
    if page > pages {
        return not_found();
    }
    let query = PublishedQuery {
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
        ..query
    };
    let rows = match store.list_published(&query).await {
        Ok(rows) => rows,
        Err(e) => return unavailable(e),
    };
    let responses: Vec<minijinja::Value> = rows
        .into_iter()
        .filter_map(PublicResponse::of)
        .map(|r| response_view(&state, language, &questions, &r))
        .collect();
    let base = match (&query.target, &query.question) {
        (Some(on), _) => format!("?on={}", encode(on)),
        (_, Some(q)) => format!("?question={}", encode(q)),
        _ => String::new(),
    };
    let page_url = |n: usize| {
        if n == 1 {
            format!("{}{base}", locale.path("/responses"))
        } else {
            format!("{}{base}&page={n}", locale.path("/responses"))
        }
    };
    let mut res = state.pages.render_in(
        &locale,
        TEMPLATE.0,
        StatusCode::OK,
        context! {
            site => served.context_for(language),
            live_reload => state.reload.is_some(),
            heading => heading,
            lead => lead,
            back => back,
            count => total,
            responses => responses,
            page => page,
            pages => pages,
            previous => (page > 1).then(|| page_url(page - 1)),
            next => (page < pages).then(|| page_url(page + 1)),
            index_url => locale.path("/responses"),
            csv_url => locale.path("/responses.csv"),
            json_url => locale.path("/responses.json"),
        },
    );
    cache_briefly(&mut res);
    res
}

/// The index: every question with its count, and the open data.
async fn index(
    state: &AppState,
    locale: &Locale,
    served: &ServedSite,
    store: &dyn CommentStore,
    questions: &[(String, String)],
) -> Result<Response, crate::comments::StoreError> {
    let total = store.count_published(&PublishedQuery::default()).await?;
    let mut listed = Vec::new();
    for (id, text) in questions {
        let count = store
            .count_published(&PublishedQuery {
                question: Some(id.clone()),
                ..PublishedQuery::default()
            })
            .await?;
        listed.push(context! {
            url => format!("{}?question={}", locale.path("/responses"), encode(id)),
            text => text,
            count => count,
        });
    }
    let mut res = state.pages.render_in(
        locale,
        TEMPLATE.0,
        StatusCode::OK,
        context! {
            site => served.context_for(locale.language),
            live_reload => state.reload.is_some(),
            heading => state.pages.t(locale.language, "responses-title"),
            is_index => true,
            count => total,
            questions => listed,
            page => 1,
            pages => 1,
            index_url => locale.path("/responses"),
            csv_url => locale.path("/responses.csv"),
            json_url => locale.path("/responses.json"),
        },
    );
    cache_briefly(&mut res);
    Ok(res)
}

/// The consultation's questions as `(id, text in the page's language)`.
fn question_texts(
    served: &ServedSite,
    language: Language,
    consulting: &Consulting,
) -> Vec<(String, String)> {
    let translated = served.translation(language).map(|t| &t.settings.questions);
    consulting
        .consultation
        .questions
        .iter()
        .map(|q| {
            let text = translated.and_then(|t| t.get(&q.id)).unwrap_or(&q.question);
            (q.id.clone(), text.clone())
        })
        .collect()
}

/// The heading of a target's page and the link back to it; `None` for an unknown id.
fn target_heading(
    state: &AppState,
    locale: &Locale,
    served: &ServedSite,
    on: &str,
) -> Option<(String, minijinja::Value)> {
    let language = locale.language;
    if on == GENERAL {
        return Some((
            state.pages.t(language, "responses-to-whole"),
            context! { url => locale.path("/"), label => state.pages.t(language, "responses-read-draft") },
        ));
    }
    let (entry, url) = served.entry_for(locale, on)?;
    let (heading, label) = match (&entry.kind, &entry.number) {
        (EntryKind::Provision, Some(n)) => {
            let number = [("number", Arg::from(n.as_str()))];
            (
                state
                    .pages
                    .message(language, "responses-to-paragraph", &number),
                state
                    .pages
                    .message(language, "responses-read-paragraph", &number),
            )
        }
        _ => {
            let title = [("title", Arg::from(entry.title.as_str()))];
            (
                state
                    .pages
                    .message(language, "responses-to-section", &title),
                state
                    .pages
                    .message(language, "responses-read-section", &title),
            )
        }
    };
    Some((heading, context! { url => url, label => label }))
}

/// One response as the page shows it.
fn response_view(
    state: &AppState,
    language: Language,
    questions: &[(String, String)],
    r: &PublicResponse,
) -> minijinja::Value {
    let respondent = match (&r.name, &r.organisation) {
        (Some(name), Some(org)) => format!("{name}, {org}"),
        (Some(name), None) => name.clone(),
        (None, Some(org)) => org.clone(),
        (None, None) => state.pages.t(
            language,
            match r.respondent_type {
                RespondentType::Individual => "responses-an-individual",
                RespondentType::Organisation => "responses-an-organisation",
            },
        ),
    };
    let about = match (&r.target_number, r.target_id.as_str()) {
        (Some(n), _) => state.pages.message(
            language,
            "responses-on-paragraph",
            &[("number", Arg::from(n.as_str()))],
        ),
        (None, GENERAL) => state.pages.t(language, "responses-on-whole"),
        (None, _) => state.pages.message(
            language,
            "responses-on-section",
            &[("title", Arg::from(r.target_title.as_str()))],
        ),
    };
    let question = r.question.as_ref().and_then(|id| {
        questions.iter().find(|(q, _)| q == id).map(|(_, text)| {
            state.pages.message(
                language,
                "responses-answering",
                &[("question", Arg::from(text.as_str()))],
            )
        })
    });
    let received = r
        .received_on
        .parse::<jiff::civil::Date>()
        .map(|d| crate::i18n::date(language, d))
        .unwrap_or_else(|_| r.received_on.clone());
    context! {
        id => r.id,
        respondent => respondent,
        about => about,
        question => question,
        received => state.pages.message(language, "responses-received", &[("date", Arg::from(received))]),
        body => r.body,
        language => Language::from_code(&r.language).unwrap_or(Language::English).html_lang(),
    }
}

/// `GET /responses.csv`: every published response, for spreadsheets.
pub async fn csv(State(state): State<Arc<AppState>>, consulting: Consulting) -> Response {
    download(&state, &consulting, Format::Csv).await
}

/// `GET /responses.json`: every published response, for programs.
pub async fn json(State(state): State<Arc<AppState>>, consulting: Consulting) -> Response {
    download(&state, &consulting, Format::Json).await
}

/// The open-data downloads one server makes at once, and how long a request waits for
/// its turn before the server says it is busy: each download reads and writes every
/// published response. A download holds its turn until its body has been sent (or the
/// client has gone, or the listener's write timeout closed it), so unread downloads
/// cannot pile their bodies up in memory.
#[derive(Debug)]
pub struct Downloads {
    /// One permit a download being made or sent.
    pub permits: std::sync::Arc<tokio::sync::Semaphore>,
    /// How long a request waits for a permit.
    pub wait: std::time::Duration,
}

impl Default for Downloads {
    /// Two at once; ten seconds' wait.
    fn default() -> Downloads {
        Downloads {
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(2)),
            wait: std::time::Duration::from_secs(10),
        }
    }
}

#[derive(Clone, Copy)]
enum Format {
    Csv,
    Json,
}

/// The open data: the store's export, filtered through [`PublicResponse::of`].
async fn download(state: &AppState, _consulting: &Consulting, format: Format) -> Response {
    let fail = |e: &dyn std::fmt::Display| {
        tracing::error!("published responses download: {e}");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "The published responses could not be read. Try again later.",
        )
            .into_response()
    };
    let Some(store) = state.store.clone() else {
        return (StatusCode::NOT_FOUND, "No published responses.").into_response();
    };
    // Each download reads and writes every published response: a few at a time, so that
    // a flood of requests queues briefly and is then turned away instead of holding the
    // database and memory.
    let downloads = &state.downloads;
    let permit = tokio::time::timeout(
        downloads.wait,
        std::sync::Arc::clone(&downloads.permits).acquire_owned(),
    )
    .await;
    let Ok(Ok(permit)) = permit else {
        let mut busy = (
            StatusCode::SERVICE_UNAVAILABLE,
            "Many people are downloading the published responses. Try again in a minute.",
        )
            .into_response();
        busy.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return busy;
    };
    // Only the published ones are read (by the status index); `PublicResponse::of` still
    // decides what of each is shown.
    let published = Filter {
        status: Some(Status::Published),
        ..Filter::default()
    };
    let rows = match store.export_filtered(&published).await {
        Ok(rows) => rows,
        Err(e) => return fail(&e),
    };
    let written = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        match format {
            Format::Csv => published::write_csv(rows.blocking_iter(), &mut out),
            Format::Json => published::write_json(rows.blocking_iter(), &mut out),
        }
        .map(|_| out)
    })
    .await;
    let body = match written {
        Ok(Ok(body)) => body,
        Ok(Err(e)) => return fail(&e),
        Err(e) => return fail(&e),
    };
    let (content_type, file) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "published-responses.csv"),
        Format::Json => ("application/json", "published-responses.json"),
    };
    let mut res = (StatusCode::OK, held_until_sent(body, permit)).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    cache_briefly(&mut res);
    res
}

/// Bytes of a download handed to the connection at a time: hyper asks for the next only
/// when its write buffer has room, so the permit is held until nearly all is sent.
const DOWNLOAD_CHUNK: usize = 64 * 1024;

/// `body` as a streamed response body that keeps `permit` until its last chunk is taken
/// (or the body is dropped: the client went away).
fn held_until_sent(body: Vec<u8>, permit: tokio::sync::OwnedSemaphorePermit) -> axum::body::Body {
    use futures_util::StreamExt;
    let bytes = axum::body::Bytes::from(body);
    let chunks: Vec<Result<axum::body::Bytes, std::convert::Infallible>> = (0..bytes.len())
        .step_by(DOWNLOAD_CHUNK)
        .map(|i| Ok(bytes.slice(i..(i + DOWNLOAD_CHUNK).min(bytes.len()))))
        .collect();
    let stream = futures_util::stream::iter(chunks).map(move |chunk| {
        let _held = &permit;
        chunk
    });
    axum::body::Body::from_stream(stream)
}

/// Published responses change only when a drafter publishes more: a minute's caching.
fn cache_briefly(res: &mut Response) {
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_bounded() {
        assert!(matches!(parse(None), Ok((Ask::Index, 1))));
        assert!(matches!(parse(Some("on=x&page=3")), Ok((Ask::Target(t), 3)) if t == "x"));
        assert!(
            matches!(parse(Some("question=q-aims")), Ok((Ask::Question(q), 1)) if q == "q-aims")
        );
        for bad in [
            "page=0",
            "page=10001",
            "page=-1",
            "page=x",
            "on=",
            "on=a&question=b",
            "on=a&on=b",
            "on=%0A",
        ] {
            assert!(parse(Some(bad)).is_err(), "{bad}");
        }
        let long = format!("on={}", "a".repeat(MAX_ID_LEN + 1));
        assert!(parse(Some(&long)).is_err());
    }
}
