//! The Code as published, for everyone: `/drafts/` (every published draft, the current
//! draft's PDFs, the open data), `/drafts/<version>/` and its pages (a draft as it stood,
//! rendered from its record by `edition::as_published`, under a banner saying it is not
//! the current draft), `/drafts/<version>/p/<id>` (where an old paragraph is now: a
//! redirect to it, or a page saying it was removed), `/drafts/<version>/changes`,
//! `/drafts/<version>.json` (the record as open data), `/drafts/code.pdf` and
//! `/drafts/guide.pdf` (the PDF edition of the draft being served), and the Welsh pages
//! beside the English ones (`/cy/parallel/<page>`). Also in Welsh under `/cy`.
//!
//! Every value from the address is bounded and checked (a version names no path; a page
//! must be one the draft has); text reaches pages only through the autoescaping
//! templates.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

use crate::book::{EntryKind, Part};
use crate::drafts::{self, DraftRecord, Status};
use crate::edition::as_published::{DraftView, Now, is_code};
use crate::i18n::{Arg, Language};
use crate::server::AppState;
use crate::server::ServedSite;
use crate::server::edge::error::AppError;
use crate::server::edge::language::Locale;

/// The pages' templates.
pub const TEMPLATES: [(&str, &str); 3] = [
    (
        "drafts.html",
        include_str!("../../../themes/copbook/templates/drafts.html"),
    ),
    (
        "draft.html",
        include_str!("../../../themes/copbook/templates/draft.html"),
    ),
    (
        "parallel.html",
        include_str!("../../../themes/copbook/templates/parallel.html"),
    ),
];

/// The licence the drafts are published under as open data.
pub const LICENCE_URL: &str =
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";

/// The longest page path accepted under a draft.
const MAX_PAGE_LEN: usize = 300;

/// The longest paragraph id accepted.
const MAX_ID_LEN: usize = 200;

fn t(state: &AppState, locale: &Locale, id: &str) -> String {
    state.pages.t(locale.language, id)
}

fn message(state: &AppState, locale: &Locale, id: &str, args: &[(&str, Arg)]) -> String {
    state.pages.message(locale.language, id, args)
}

/// A record's date as the reader's language writes it ("30 November 2026").
fn date_in(language: Language, iso: &str) -> String {
    iso.parse::<jiff::civil::Date>()
        .map(|d| crate::i18n::date(language, d))
        .unwrap_or_else(|_| iso.to_string())
}

fn draft_not_found() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "draft-not-found",
        "draft-not-found-message",
    )
}

/// The published draft `version`, if the version is well formed and published.
fn record<'a>(served: &'a ServedSite, version: &str) -> Option<&'a DraftRecord> {
    if !drafts::is_version(version) {
        return None;
    }
    served.site.drafts.iter().find(|d| d.version == version)
}

fn code_dir(served: &ServedSite) -> &str {
    served.code().map_or("code", |c| c.code_dir.as_str())
}

/// `GET /drafts`: to `/drafts/`.
pub async fn redirect_index(locale: Locale) -> Response {
    Redirect::permanent(&locale.path("/drafts/")).into_response()
}

/// `GET /drafts/`: the current draft and its PDFs, every published draft, the open data.
pub async fn index(
    State(state): State<Arc<AppState>>,
    locale: Locale,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let language = locale.language;
    let Some(code) = served.code() else {
        return Err(draft_not_found());
    };
    let drafts: Vec<_> = served
        .site
        .drafts
        .iter()
        .rev()
        .map(|d| {
            context! {
                version => d.version,
                iso_date => d.date,
                date => date_in(language, &d.date),
                status => d.status,
                url => locale.path(&format!("/drafts/{}/", d.version)),
                json_url => format!("/drafts/{}.json", d.version),
            }
        })
        .collect();
    let catalogue_pdfs = pdf_links(&served, &state, &locale);
    let context = served.context_for(language);
    Ok(state.pages.render_in(
        &locale,
        "drafts.html",
        StatusCode::OK,
        context! {
            site => context,
            live_reload => state.reload.is_some(),
            current => context! {
                version => code.version,
                status => served.context_for(language).status,
                home => locale.path("/"),
                pdfs => catalogue_pdfs,
            },
            drafts => drafts,
            licence_url => LICENCE_URL,
        },
    ))
}

/// The current draft's PDF editions in the reader's language (the English ones too, in
/// Welsh, for a part the translation lacks).
fn pdf_links(served: &ServedSite, state: &AppState, locale: &Locale) -> Vec<minijinja::Value> {
    let mut links = Vec::new();
    for part in [Part::Code, Part::Guide] {
        let label = t(
            state,
            locale,
            match part {
                Part::Code => "drafts-pdf-code",
                Part::Guide => "drafts-pdf-guide",
            },
        );
        let in_own = locale.language != Language::English
            && served
                .site
                .edition_text(locale.language)
                .is_some_and(|text| text.corpus.chapters.iter().any(|c| c.part == part));
        let english = served.site.corpus.chapters.iter().any(|c| c.part == part);
        let (url, lang) = if in_own {
            (
                locale.path(&format!("/drafts/{}.pdf", part.as_str())),
                locale.language.html_lang(),
            )
        } else if english {
            (
                format!("/drafts/{}.pdf", part.as_str()),
                Language::English.html_lang(),
            )
        } else {
            continue;
        };
        links.push(context! { url => url, lang => lang, label => label });
    }
    links
}

/// `GET /drafts/{file}`: `0.1.json` (the record as open data), `code.pdf`,
/// `guide.pdf`, `code-0.1.pdf` (the PDF edition of the draft being served), or `0.1`
/// (to `0.1/`).
#[utoipa::path(
    get,
    path = "/drafts/{version}.json",
    tag = "drafts",
    operation_id = "draft_record",
    params(
        ("version" = String, Path, description = "A published draft's version", example = "0.1"),
    ),
    responses(
        (status = 200, description = "The draft as published: every provision and section with its id, number, chapter and text. Open data under the Open Government Licence v3.0 (the `Link` header names it).", body = crate::drafts::DraftRecord),
        (status = 404, description = "No published draft has this version", body = crate::server::edge::error::ErrorBody),
    )
)]
pub async fn file(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    if let Some(version) = file.strip_suffix(".json") {
        return match record(&served, version) {
            Some(record) => Ok(open_data(record)),
            None => Err(AppError::json(
                StatusCode::NOT_FOUND,
                "no published draft has this version; /drafts/ lists them",
            )),
        };
    }
    if let Some(name) = file.strip_suffix(".pdf") {
        let version = served.code().map(|c| c.version.clone()).unwrap_or_default();
        let part = match name {
            "code" => Some(Part::Code),
            "guide" => Some(Part::Guide),
            _ if name == format!("code-{version}") => Some(Part::Code),
            _ if name == format!("guide-{version}") => Some(Part::Guide),
            _ => None,
        };
        if let Some(part) = part {
            return pdf(&locale, served, part).await;
        }
    }
    if record(&served, &file).is_some() {
        return Ok(Redirect::permanent(&locale.path(&format!("/drafts/{file}/"))).into_response());
    }
    Err(draft_not_found())
}

/// The record as committed, with its licence and its description linked.
fn open_data(record: &DraftRecord) -> Response {
    let mut res = axum::Json(record).into_response();
    let headers = res.headers_mut();
    let link =
        format!("<{LICENCE_URL}>; rel=\"license\", </api/openapi.json>; rel=\"describedby\"");
    if let Ok(value) = HeaderValue::from_str(&link) {
        headers.insert(header::LINK, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    res
}

/// PDFs typeset by this server, by build folder, language and part: made once per build,
/// when first asked for (a build of `copbook serve` has none on disk; watch mode never
/// typesets while building).
fn typeset_cache() -> &'static Mutex<HashMap<String, Arc<Vec<u8>>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Vec<u8>>>>> = OnceLock::new();
    CACHE.get_or_init(Mutex::default)
}

/// One typesetting at a time: a burst of requests for a new build's PDF typesets it once.
fn typesetting() -> &'static tokio::sync::Mutex<()> {
    static LOCK: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| tokio::sync::Mutex::new(()))
}

async fn pdf(locale: &Locale, served: Arc<ServedSite>, part: Part) -> Result<Response, AppError> {
    let language = locale.language;
    let Some(code) = served.code() else {
        return Err(draft_not_found());
    };
    let name = crate::edition::pdf::file_name(part, &code.version);
    let has_part = |language: Language| {
        served
            .site
            .edition_text(language)
            .is_some_and(|text| text.corpus.chapters.iter().any(|c| c.part == part))
    };
    if !has_part(language) {
        if language != Language::English && has_part(Language::English) {
            return Ok(Redirect::to(&format!("/drafts/{}.pdf", part.as_str())).into_response());
        }
        return Err(draft_not_found());
    }
    // A book too big to typeset on request is served only the PDF `copbook build --pdf` wrote.
    if !served.site.pdf_within_limit() && !edition_dir(&served, language).join(&name).is_file() {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            "edition-pdf-too-big",
            "edition-pdf-too-big-message",
        ));
    }
    let key = format!(
        "{}\n{}\n{name}",
        served.site.out_dir.display(),
        language.code()
    );
    let cached = || {
        typeset_cache()
            .lock()
            .ok()
            .and_then(|c| c.get(&key).cloned())
    };
    let bytes = match cached() {
        Some(bytes) => bytes,
        None => {
            let _one = typesetting().lock().await;
            match cached() {
                Some(bytes) => bytes,
                None => {
                    let site = Arc::clone(&served);
                    let pdf_name = name.clone();
                    let made =
                        tokio::task::spawn_blocking(move || typeset(&site, language, &pdf_name))
                            .await;
                    match made {
                        Ok(Ok(bytes)) => {
                            let bytes = Arc::new(bytes);
                            if let Ok(mut cache) = typeset_cache().lock() {
                                // Only the served build's PDFs are kept.
                                let build = format!("{}\n", served.site.out_dir.display());
                                cache.retain(|k, _| k.starts_with(&build));
                                cache.insert(key.clone(), Arc::clone(&bytes));
                            }
                            bytes
                        }
                        Ok(Err(e)) => {
                            tracing::error!("{e}");
                            return Err(unreadable());
                        }
                        Err(e) => {
                            tracing::error!("typesetting {name}: {e}");
                            return Err(unreadable());
                        }
                    }
                }
            }
        }
    };
    let mut res = (StatusCode::OK, bytes.as_ref().clone()).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(res)
}

fn unreadable() -> AppError {
    AppError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "error-page-unreadable",
        "error-page-unreadable-message",
    )
}

/// The folder where `copbook build` writes the PDF editions of `language`.
fn edition_dir(served: &ServedSite, language: Language) -> std::path::PathBuf {
    match language {
        Language::English => served.site.html_dir.clone(),
        _ => served
            .translation(language)
            .map_or_else(|| served.site.html_dir.clone(), |t| t.html_dir.clone()),
    }
}

/// The PDF `name` of `language`: the file `copbook build` wrote, else typeset now.
fn typeset(
    served: &ServedSite,
    language: Language,
    name: &str,
) -> Result<Vec<u8>, crate::edition::EditionError> {
    if let Ok(bytes) = std::fs::read(edition_dir(served, language).join(name)) {
        return Ok(bytes);
    }
    let catalogue =
        crate::i18n::Catalogue::new().map_err(|e| crate::edition::EditionError::Typeset {
            document: name.to_string(),
            message: e.to_string(),
        })?;
    let documents = served.site.pdf_documents(language, &catalogue);
    let Some((_, doc)) = documents.iter().find(|(n, _)| n == name) else {
        return Err(crate::edition::EditionError::Typeset {
            document: name.to_string(),
            message: "no such edition".into(),
        });
    };
    crate::edition::pdf::typeset(doc, name)
}

/// The banner's words and links for a page of draft `record`.
fn banner(
    state: &AppState,
    locale: &Locale,
    served: &ServedSite,
    record: &DraftRecord,
    current_page: Option<String>,
) -> minijinja::Value {
    let language = locale.language;
    let date = date_in(language, &record.date);
    let args = [
        ("version", Arg::from(record.version.as_str())),
        ("date", Arg::from(date.as_str())),
    ];
    let same_version = served.code().is_some_and(|c| c.version == record.version);
    let banner = message(
        state,
        locale,
        if same_version {
            "draft-banner-same"
        } else {
            "draft-banner"
        },
        &args,
    );
    let (current_url, current_label) = match current_page {
        Some(url) => (url, t(state, locale, "draft-banner-current-page")),
        None => (
            "/".to_string(),
            t(state, locale, "draft-banner-current-home"),
        ),
    };
    context! {
        banner => banner,
        version => record.version,
        current_url => current_url,
        current_label => current_label,
        changes_url => locale.path(&format!("/drafts/{}/changes", record.version)),
        contents_url => locale.path(&format!("/drafts/{}/", record.version)),
        drafts_url => locale.path("/drafts/"),
    }
}

/// `GET /drafts/{version}/`: the draft's contents.
pub async fn contents(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    Path(version): Path<String>,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let Some(record) = record(&served, &version) else {
        return Err(draft_not_found());
    };
    let view = DraftView::new(record, code_dir(&served));
    let base = locale.path(&format!("/drafts/{}/", record.version));
    let chapters = view.contents();
    let part = |code: bool, title: &str| {
        context! {
            title => t(&state, &locale, title),
            chapters => chapters
                .iter()
                .filter(|c| is_code(c) == code)
                .map(|c| context! { url => format!("{base}{}", c.url), title => c.title })
                .collect::<Vec<_>>(),
        }
    };
    let parts = vec![
        part(true, "draft-part-code"),
        part(false, "draft-part-guide"),
    ];
    let heading = message(
        &state,
        &locale,
        "draft-contents",
        &[("version", Arg::from(record.version.as_str()))],
    );
    Ok(state.pages.render_in(
        &locale,
        "draft.html",
        StatusCode::OK,
        context! {
            site => served.context_for(locale.language),
            live_reload => state.reload.is_some(),
            mode => "contents",
            heading => heading,
            parts => parts,
            ..banner(&state, &locale, &served, record, None)
        },
    ))
}

/// `GET /drafts/{version}/{*page}`: a chapter as it stood, where a paragraph is now
/// (`p/<id>`), or what changed since (`changes`).
pub async fn page(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    Path((version, page)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let Some(record) = record(&served, &version) else {
        return Err(draft_not_found());
    };
    if page.len() > MAX_PAGE_LEN {
        return Err(page_not_found(record));
    }
    if page == "changes" {
        return changes(&state, &locale, &served, record);
    }
    if let Some(id) = page.strip_prefix("p/") {
        return paragraph(&state, &locale, &served, record, id);
    }
    let view = DraftView::new(record, code_dir(&served));
    let Some(found) = view.page(&page, &served.site.corpus) else {
        return Err(page_not_found(record));
    };
    let base = locale.path(&format!("/drafts/{}/", record.version));
    let entries: Vec<_> = found
        .entries
        .iter()
        .map(|e| {
            context! {
                anchor => e.anchor,
                heading => e.heading,
                provision => e.provision,
                number => e.number,
                text => e.text,
                now => e.now,
                gone_url => format!("{base}p/{}", encode(&e.id)),
            }
        })
        .collect();
    let link = |c: &Option<crate::edition::as_published::ChapterLink>| {
        c.as_ref()
            .map(|c| context! { url => format!("{base}{}", c.url), title => c.title })
    };
    Ok(state.pages.render_in(
        &locale,
        "draft.html",
        StatusCode::OK,
        context! {
            site => served.context_for(locale.language),
            live_reload => state.reload.is_some(),
            mode => "page",
            heading => found.title,
            entries => entries,
            previous => link(&found.previous),
            next => link(&found.next),
            ..banner(&state, &locale, &served, record, found.current_url.clone())
        },
    ))
}

/// What a paragraph id keeps unencoded in a path segment (ids are mostly `a-z0-9-`).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.');

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

fn page_not_found(record: &DraftRecord) -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        "draft-page-not-found",
        "draft-page-not-found-message",
    )
    .with_args(vec![("version", Arg::from(record.version.as_str()))])
}

/// `/drafts/{version}/p/{id}`: to the paragraph in the current draft, or a page saying
/// it is no longer there (410), with its text as published.
fn paragraph(
    state: &AppState,
    locale: &Locale,
    served: &ServedSite,
    record: &DraftRecord,
    id: &str,
) -> Result<Response, AppError> {
    let view = DraftView::new(record, code_dir(served));
    let known = id.len() <= MAX_ID_LEN && !id.chars().any(char::is_control);
    let Some(entry) = view.entry(id).filter(|_| known) else {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            "draft-unknown-paragraph",
            "draft-unknown-paragraph-message",
        )
        .with_args(vec![("version", Arg::from(record.version.as_str()))]));
    };
    if let Now::Here { url, .. } = crate::edition::as_published::now(entry, &served.site.corpus) {
        return Ok(Redirect::to(&url).into_response());
    }
    let base = locale.path(&format!("/drafts/{}/", record.version));
    let number = entry.number.clone().unwrap_or_else(|| entry.title.clone());
    let date = date_in(locale.language, &record.date);
    let args = [
        ("version", Arg::from(record.version.as_str())),
        ("number", Arg::from(number.as_str())),
        ("date", Arg::from(date.as_str())),
    ];
    Ok(state.pages.render_in(
        locale,
        "draft.html",
        StatusCode::GONE,
        context! {
            site => served.context_for(locale.language),
            live_reload => state.reload.is_some(),
            mode => "gone",
            heading => message(state, locale, "draft-gone-title", &args),
            lead => message(state, locale, "draft-gone-lead", &args),
            number => entry.number,
            text => entry.text,
            old_url => format!("{base}{}", view.place_of(id).unwrap_or_default()),
            ..banner(state, locale, served, record, None)
        },
    ))
}

/// `/drafts/{version}/changes`: each numbered paragraph that is new, changed, renumbered
/// or removed between the draft and the one being served.
fn changes(
    state: &AppState,
    locale: &Locale,
    served: &ServedSite,
    record: &DraftRecord,
) -> Result<Response, AppError> {
    let Some(code) = served.code() else {
        return Err(draft_not_found());
    };
    let current = drafts::current_record(&served.site.corpus, code);
    let log = drafts::compare(record, &current);
    let view = DraftView::new(record, code_dir(served));
    let base = locale.path(&format!("/drafts/{}/", record.version));
    let rows: Vec<_> = log
        .edits()
        .map(|c| {
            let status = match c.status {
                Status::New => "draft-status-new",
                Status::Changed => "draft-status-changed",
                Status::Renumbered => "draft-status-renumbered",
                Status::Removed => "draft-status-removed",
                Status::Unchanged => "draft-status-unchanged",
            };
            let new_url = served
                .site
                .corpus
                .get(&c.id)
                .filter(|e| e.kind == EntryKind::Provision)
                .map(|e| format!("/{}", e.url));
            context! {
                id => c.id,
                status => t(state, locale, status),
                old_number => c.old_number,
                new_number => c.new_number,
                old_url => view.place_of(&c.id).map(|p| format!("{base}{p}")),
                new_url => new_url,
            }
        })
        .collect();
    let args = [
        ("version", Arg::from(record.version.as_str())),
        ("current", Arg::from(code.version.as_str())),
    ];
    Ok(state.pages.render_in(
        locale,
        "draft.html",
        StatusCode::OK,
        context! {
            site => served.context_for(locale.language),
            live_reload => state.reload.is_some(),
            mode => "changes",
            heading => message(state, locale, "draft-changes-title", &args),
            lead => message(state, locale, "draft-changes-lead", &args),
            rows => rows,
            ..banner(state, locale, served, record, None)
        },
    ))
}

/// `GET /cy/parallel/{*page}`: a Welsh page and its English counterpart side by side,
/// paired by id.
pub async fn parallel(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    Path(page): Path<String>,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let not_found = || {
        AppError::new(
            StatusCode::NOT_FOUND,
            "parallel-not-found",
            "parallel-not-found-message",
        )
    };
    let Some(welsh) = served.translation(Language::Welsh) else {
        return Err(not_found());
    };
    if page.len() > MAX_PAGE_LEN {
        return Err(not_found());
    }
    let english = &served.site.corpus;
    let pair = welsh
        .corpus
        .chapters
        .iter()
        .find(|c| c.url == page)
        .and_then(|w| {
            english
                .chapters
                .iter()
                .find(|e| e.id == w.id)
                .map(|e| (w, e))
        });
    let Some((w, e)) = pair else {
        return Err(not_found());
    };
    let rows: Vec<_> = crate::edition::parallel::pair_chapter(english, &welsh.corpus, &e.id)
        .into_iter()
        .map(|row| {
            context! {
                anchor => format!("pair-{}", row.id.replace(['/', '#'], "-")),
                english => row.english,
                welsh => row.welsh,
            }
        })
        .collect();
    let title = w.title.clone();
    let heading = message(
        &state,
        &locale,
        "parallel-title",
        &[("title", Arg::from(title.as_str()))],
    );
    Ok(state.pages.render_in(
        &locale,
        "parallel.html",
        StatusCode::OK,
        context! {
            site => served.context_for(locale.language),
            live_reload => state.reload.is_some(),
            heading => heading,
            rows => rows,
            back_url => Language::English.switch_path(&format!("/{}", w.url), Language::Welsh),
        },
    ))
}
