//! Published responses, for everyone: `/responses` (the list of questions and the open
//! data), `/responses?on=ID` ("Published responses to paragraph 5.1"),
//! `/responses?question=ID`, each paged with `page=N`, and the open data
//! `/responses.csv` and `/responses.json`. Also in Welsh under `/cy`.
//!
//! Only what `comments::published` lets out reaches a page: comments a drafter published
//! whose respondents agreed, names and organisations only as chosen, never an email
//! address or a receipt reference.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use minijinja::context;

use crate::book::EntryKind;
use crate::comments::model::GENERAL;
use crate::comments::published::{OpenDataFormat, OpenDataWriter, PublicResponse};
use crate::comments::{CommentStore, Filter, PublishedQuery, RespondentType, Status};
use crate::i18n::{Arg, Language};
use crate::server::AppState;
use crate::server::ServedSite;
use crate::server::edge::error::AppError;
use crate::server::edge::language::Locale;
use crate::server::edge::limits;
use crate::server::public::comment_form::Consulting;

/// The page's template.
pub const TEMPLATE: (&str, &str) = (
    "responses.html",
    include_str!("../../../themes/copbook/templates/responses.html"),
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
) -> Result<Response, AppError> {
    let served = &consulting.served;
    let language = locale.language;
    let t = |id| state.pages.t(language, id);
    let not_found = || {
        AppError::new(
            StatusCode::NOT_FOUND,
            "responses-not-found",
            "responses-not-found-message",
        )
    };
    let Ok((ask, page)) = parse(raw.as_deref()) else {
        return Err(AppError::new(
            StatusCode::BAD_REQUEST,
            "responses-bad-address",
            "responses-bad-address-message",
        ));
    };
    let store = state.store.clone().ok_or_else(not_found)?;
    let unavailable = |e: crate::comments::StoreError| {
        tracing::error!("published responses: {e}");
        AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "responses-unavailable",
            "responses-unavailable-message",
        )
    };
    let questions = question_texts(served, language, &consulting);
    let (query, heading, lead, back) = match ask {
        Ask::Index => {
            return index(&state, &locale, served, &*store, &questions)
                .await
                .map_err(unavailable);
        }
        Ask::Question(id) => {
            let Some((_, text)) = questions.iter().find(|(q, _)| *q == id) else {
                return Err(not_found());
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
                return Err(not_found());
            };
            let query = PublishedQuery {
                target: Some(id),
                ..PublishedQuery::default()
            };
            (query, heading, None, Some(back))
        }
    };
    let total = store.count_published(&query).await.map_err(unavailable)?;
    let pages = usize::try_from(total)
        .unwrap_or(usize::MAX)
        .div_ceil(PAGE_SIZE)
        .max(1);
    if page > pages {
        return Err(not_found());
    }
    let query = PublishedQuery {
        offset: (page - 1) * PAGE_SIZE,
        limit: PAGE_SIZE,
        ..query
    };
    let rows = store.list_published(&query).await.map_err(unavailable)?;
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
    Ok(res)
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
pub async fn csv(
    State(state): State<Arc<AppState>>,
    consulting: Consulting,
    headers: HeaderMap,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
) -> Result<Response, AppError> {
    let client = client_of(&state, &headers, connect);
    download(&state, &consulting, client, OpenDataFormat::Csv).await
}

/// `GET /responses.json`: every published response, for programs.
pub async fn json(
    State(state): State<Arc<AppState>>,
    consulting: Consulting,
    headers: HeaderMap,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
) -> Result<Response, AppError> {
    let client = client_of(&state, &headers, connect);
    download(&state, &consulting, client, OpenDataFormat::Json).await
}

/// The key a download is counted under: the client's address (IPv6 by /64), or the
/// unspecified address for a request without a peer (driven in-process).
fn client_of(
    state: &AppState,
    headers: &HeaderMap,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
) -> IpAddr {
    let peer = connect.map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |c| (c.0).0);
    limits::client_key(limits::client_ip(peer, headers, state.trusted_proxy))
}

/// The open-data downloads being made, and their bounds. Each download reads every
/// published response from the store, [`Downloads::page`] at a time (one short query per
/// page, keyset-paged by id), and hands each page to the connection only when the one
/// before has been taken; so a download holds one page in memory, and a client that
/// stops reading holds no more than that (until the listener's write timeout closes it).
///
/// A download holds its turn (one of [`Downloads::permits`]) until its body has been
/// sent, or the client has gone, or the write timeout closed the connection. One client
/// address (IPv6 by /64) may hold at most [`Downloads::per_client`] downloads at once;
/// more are refused at once with 429, so one address cannot take every turn.
#[derive(Debug)]
pub struct Downloads {
    /// One permit a download being made or sent.
    pub permits: Arc<tokio::sync::Semaphore>,
    /// How long a request waits for a permit.
    pub wait: std::time::Duration,
    /// Most downloads one client may make at once.
    pub per_client: usize,
    /// Responses read from the store at a time.
    pub page: usize,
    /// Downloads open per client key.
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// Downloads made at once, by default.
pub const DOWNLOADS_AT_ONCE: usize = 4;
/// Downloads one client may make at once, by default.
pub const DOWNLOADS_PER_CLIENT: usize = 2;
/// Responses read from the store at a time, by default.
pub const DOWNLOAD_PAGE: usize = 128;

impl Downloads {
    /// `at_once` downloads in all, each request waiting up to `wait` for its turn;
    /// `per_client` from one client.
    pub fn new(at_once: usize, wait: std::time::Duration, per_client: usize) -> Downloads {
        Downloads {
            permits: Arc::new(tokio::sync::Semaphore::new(at_once)),
            wait,
            per_client,
            page: DOWNLOAD_PAGE,
            open: Arc::default(),
        }
    }

    /// A place for one more download from `client`, or `None` if it holds its share.
    fn take(&self, client: IpAddr) -> Option<ClientDownload> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(client).or_insert(0);
        if *n >= self.per_client {
            return None;
        }
        *n += 1;
        Some(ClientDownload {
            open: Arc::clone(&self.open),
            client,
        })
    }
}

impl Default for Downloads {
    /// [`DOWNLOADS_AT_ONCE`] at once, [`DOWNLOADS_PER_CLIENT`] per client; ten seconds' wait.
    fn default() -> Downloads {
        Downloads::new(
            DOWNLOADS_AT_ONCE,
            std::time::Duration::from_secs(10),
            DOWNLOADS_PER_CLIENT,
        )
    }
}

/// One client's download, counted until dropped.
#[derive(Debug)]
struct ClientDownload {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    client: IpAddr,
}

impl Drop for ClientDownload {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// The open data, read from the store page by page and filtered through
/// [`PublicResponse::of`].
///
/// Why pages rather than one snapshot or a cached file: each page is a short read, so a
/// slow reader holds no database transaction or pooled connection open (SQLite's WAL
/// stays checkpointable; PostgreSQL's pool stays free); nothing has to be invalidated
/// when a response is published, hidden or erased, on this instance or another (an
/// erased response not yet reached is left out of a download under way); and both stores
/// already page by id ([`CommentStore::filtered`]). A response published while a
/// download is under way appears in it if its page has not yet been read.
async fn download(
    state: &AppState,
    _consulting: &Consulting,
    client: IpAddr,
    format: OpenDataFormat,
) -> Result<Response, AppError> {
    let Some(store) = state.store.clone() else {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            "responses-not-found",
            "responses-download-none",
        ));
    };
    let downloads = &state.downloads;
    let Some(mine) = downloads.take(client) else {
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "responses-download-busy",
            "responses-download-yours-message",
        )
        .retry_after(10));
    };
    // Each download reads and writes every published response: a few at a time, so that
    // a flood of requests queues briefly and is then turned away instead of holding the
    // database.
    let permit = tokio::time::timeout(
        downloads.wait,
        Arc::clone(&downloads.permits).acquire_owned(),
    )
    .await;
    let Ok(Ok(permit)) = permit else {
        return Err(AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "responses-download-busy",
            "responses-download-busy-message",
        )
        .retry_after(60));
    };
    let mut pages = Pages {
        store,
        page: downloads.page.max(1),
        after: None,
        writer: None,
        done: false,
        _held: (permit, mine),
    };
    // The first page is read before answering, so that a store that cannot be read is
    // a 503 rather than a cut-off download.
    let first = match OpenDataWriter::new(format) {
        Ok(writer) => {
            pages.writer = Some(writer);
            pages.next_chunk().await
        }
        Err(e) => Err(e.to_string()),
    };
    let first = match first {
        Ok(first) => first,
        Err(e) => {
            tracing::error!("published responses download: {e}");
            return Err(AppError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "responses-unavailable",
                "responses-download-unreadable",
            ));
        }
    };
    let rest = futures_util::stream::unfold(pages, |mut pages| async move {
        if pages.done {
            return None;
        }
        match pages.next_chunk().await {
            Ok(bytes) => Some((Ok(bytes), pages)),
            Err(e) => {
                // The status line has gone: cutting the body off tells the client.
                tracing::error!("published responses download cut off: {e}");
                pages.done = true;
                Some((Err(std::io::Error::other(e)), pages))
            }
        }
    });
    let body =
        futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) }).chain(rest);
    let (content_type, file) = match format {
        OpenDataFormat::Csv => ("text/csv; charset=utf-8", "published-responses.csv"),
        OpenDataFormat::Json => ("application/json", "published-responses.json"),
    };
    let mut res = (StatusCode::OK, axum::body::Body::from_stream(body)).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    cache_briefly(&mut res);
    Ok(res)
}

/// A download under way: where it is in the store, and the turn and per-client place it
/// holds until dropped (sent, or the client gone).
struct Pages {
    store: Arc<dyn CommentStore>,
    page: usize,
    /// The reference of the last comment read.
    after: Option<String>,
    /// `None` once finished.
    writer: Option<OpenDataWriter>,
    done: bool,
    _held: (tokio::sync::OwnedSemaphorePermit, ClientDownload),
}

impl Pages {
    /// The bytes of the next page (with the closing bytes after the last).
    async fn next_chunk(&mut self) -> Result<axum::body::Bytes, String> {
        let published = Filter {
            status: Some(Status::Published),
            ..Filter::default()
        };
        let rows = self
            .store
            .filtered(&published, self.after.as_deref(), self.page)
            .await
            .map_err(|e| e.to_string())?;
        let last_page = rows.len() < self.page;
        self.after = rows
            .last()
            .map(|c| c.reference.clone())
            .or(self.after.take());
        let Some(writer) = self.writer.as_mut() else {
            self.done = true;
            return Ok(axum::body::Bytes::new());
        };
        for c in rows {
            writer.push(c).map_err(|e| e.to_string())?;
        }
        let mut bytes = writer.take().map_err(|e| e.to_string())?;
        if last_page {
            self.done = true;
            if let Some(writer) = self.writer.take() {
                bytes.extend(writer.finish().map_err(|e| e.to_string())?);
            }
        }
        Ok(axum::body::Bytes::from(bytes))
    }
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
