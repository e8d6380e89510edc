//! Languages and the message catalogue: every piece of text copbook itself puts on a page.
//!
//! The catalogue is [Project Fluent](https://projectfluent.org): one `.ftl` file per area
//! and language under `src/i18n/locales/`, compiled into the binary. English (`en`) is the
//! source language and every message exists in it; Welsh (`cy`) has the same ids (a test
//! holds the two in step), except in the files of [`ENGLISH_ONLY`]. A message missing in
//! Welsh falls back to English, never to an id on the page.
//!
//! Messages are plain text: the server pages escape them like any other value. The few
//! that hold a link are named `*-html`; their arguments are escaped before formatting and
//! the catalogue's own markup is trusted, because it is compiled in.
//!
//! The book's pages get the few words copbook adds to them (banner, cites, comment
//! links) from the same catalogue, in the language of the book being rendered.
//!
//! A request's language comes from its path (`/cy/...`) or a `lang` query parameter
//! ([`Language::of_request`]).

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// The catalogue's files, by language and name, compiled in.
const SOURCES: &[(Language, &str, &str)] = &[
    (
        Language::English,
        "pages.ftl",
        include_str!("locales/en/pages.ftl"),
    ),
    (
        Language::English,
        "consultation.ftl",
        include_str!("locales/en/consultation.ftl"),
    ),
    (
        Language::English,
        "responses.ftl",
        include_str!("locales/en/responses.ftl"),
    ),
    (
        Language::English,
        "accounts.ftl",
        include_str!("locales/en/accounts.ftl"),
    ),
    (
        Language::English,
        "edition.ftl",
        include_str!("locales/en/edition.ftl"),
    ),
    (
        Language::English,
        "admin.ftl",
        include_str!("locales/en/admin.ftl"),
    ),
    (
        Language::Welsh,
        "pages.ftl",
        include_str!("locales/cy/pages.ftl"),
    ),
    (
        Language::Welsh,
        "consultation.ftl",
        include_str!("locales/cy/consultation.ftl"),
    ),
    (
        Language::Welsh,
        "responses.ftl",
        include_str!("locales/cy/responses.ftl"),
    ),
    (
        Language::Welsh,
        "accounts.ftl",
        include_str!("locales/cy/accounts.ftl"),
    ),
    (
        Language::Welsh,
        "edition.ftl",
        include_str!("locales/cy/edition.ftl"),
    ),
];

/// The catalogue's files that have no Welsh twin. Only the admin pages' words (`admin.ftl`,
/// every id `admin-…`): those pages are served in English only (there is no `/cy/admin`).
/// Signing in and setting up an account have Welsh pages; their words are in `accounts.ftl`.
pub const ENGLISH_ONLY: &[&str] = &["admin.ftl"];

/// A language the site is published in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English, the source language.
    English,
    /// Welsh.
    Welsh,
}

impl Language {
    /// Every language, the source language first.
    pub const ALL: [Language; 2] = [Language::English, Language::Welsh];

    /// The ISO 639-1 code: `en` or `cy`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Welsh => "cy",
        }
    }

    /// The language from its code (`en`, `cy`, case-insensitive; `en-GB` counts as `en`).
    pub fn from_code(code: &str) -> Option<Language> {
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Language::English),
            "cy" => Some(Language::Welsh),
            _ => None,
        }
    }

    /// The value of the HTML `lang` attribute.
    pub fn html_lang(self) -> &'static str {
        match self {
            Language::English => "en-GB",
            Language::Welsh => "cy",
        }
    }

    /// The language's own name for itself, for the language switch.
    pub fn endonym(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Welsh => "Cymraeg",
        }
    }

    /// Where the language's pages live: `""` for English, `"/cy"` for Welsh.
    pub fn prefix(self) -> &'static str {
        match self {
            Language::English => "",
            Language::Welsh => "/cy",
        }
    }

    /// The other language of the two.
    pub fn other(self) -> Language {
        match self {
            Language::English => Language::Welsh,
            Language::Welsh => Language::English,
        }
    }

    /// The language of a request: `/cy` or `/cy/...` is Welsh; otherwise a `lang` query
    /// parameter naming a language we publish; otherwise English.
    pub fn of_request(path: &str, query: Option<&str>) -> Language {
        if path == "/cy" || path.starts_with("/cy/") {
            return Language::Welsh;
        }
        query
            .into_iter()
            .flat_map(|q| form_urlencoded::parse(q.as_bytes()))
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Language::from_code(&v))
            .unwrap_or(Language::English)
    }

    /// `path` (site-absolute, in this language) as the same page in `to`.
    pub fn switch_path(self, path: &str, to: Language) -> String {
        let bare = match self {
            Language::English => path,
            Language::Welsh => path
                .strip_prefix("/cy")
                .filter(|rest| rest.is_empty() || rest.starts_with('/'))
                .unwrap_or(path),
        };
        let bare = if bare.is_empty() { "/" } else { bare };
        format!("{}{bare}", to.prefix())
    }

    fn langid(self) -> LanguageIdentifier {
        // Both tags are well-formed; "und" would only lose the plural rules.
        self.html_lang().parse().unwrap_or_default()
    }
}

/// An argument of a message: text, or a number (numbers choose plural forms).
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// Text, shown as it is.
    Text(String),
    /// A number.
    Number(f64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<u64> for Arg {
    fn from(n: u64) -> Arg {
        Arg::Number(n as f64)
    }
}

/// Why the compiled-in catalogue could not be loaded (a bug in a `.ftl` file).
#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// A file does not parse.
    #[error("src/i18n/locales/{language}/{file}: {message}")]
    Parse {
        /// The file's language code.
        language: &'static str,
        /// The file's name.
        file: &'static str,
        /// What the parser said.
        message: String,
    },
}

/// The message catalogue of every language, loaded once.
pub struct Catalogue {
    english: FluentBundle<FluentResource>,
    welsh: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogue").finish_non_exhaustive()
    }
}

impl Catalogue {
    /// Parses the compiled-in `.ftl` files.
    pub fn new() -> Result<Catalogue, CatalogueError> {
        let mut english = bundle(Language::English);
        let mut welsh = bundle(Language::Welsh);
        for (language, file, source) in SOURCES {
            let error = |message: String| CatalogueError::Parse {
                language: language.code(),
                file,
                message,
            };
            let resource = FluentResource::try_new((*source).to_string())
                .map_err(|(_, errors)| error(format!("{errors:?}")))?;
            let target = match language {
                Language::English => &mut english,
                Language::Welsh => &mut welsh,
            };
            target
                .add_resource(resource)
                .map_err(|errors| error(format!("{errors:?}")))?;
        }
        Ok(Catalogue { english, welsh })
    }

    /// A catalogue with no messages (every message reads as its id): the last resort of
    /// a server whose compiled-in catalogue failed to load.
    pub fn empty() -> Catalogue {
        Catalogue {
            english: bundle(Language::English),
            welsh: bundle(Language::Welsh),
        }
    }

    fn bundle(&self, language: Language) -> &FluentBundle<FluentResource> {
        match language {
            Language::English => &self.english,
            Language::Welsh => &self.welsh,
        }
    }

    /// Whether `language` has its own message `id` (without falling back).
    pub fn has(&self, language: Language, id: &str) -> bool {
        self.bundle(language).has_message(id)
    }

    /// The message `id` in `language` with `args`; English when Welsh lacks it; the id
    /// itself (and an error in the log) when no language has it.
    pub fn message(&self, language: Language, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let value = match value {
                Arg::Text(s) => FluentValue::from(s.clone()),
                Arg::Number(n) => FluentValue::from(*n),
            };
            fluent_args.set(*name, value);
        }
        for bundle in [self.bundle(language), &self.english] {
            let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
                continue;
            };
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            if !errors.is_empty() {
                tracing::error!("message {id} in {}: {errors:?}", language.code());
            }
            return text.into_owned();
        }
        tracing::error!("no message {id} in the catalogue");
        id.to_string()
    }

    /// The message `id` without arguments.
    pub fn text(&self, language: Language, id: &str) -> String {
        self.message(language, id, &[])
    }

    /// Every message id of `language`, in file order.
    pub fn ids(language: Language) -> Vec<&'static str> {
        ids_where(|l, _| l == language)
    }

    /// The message ids of one file (`"admin.ftl"`) of `language`, in file order.
    pub fn ids_in(language: Language, file: &str) -> Vec<&'static str> {
        ids_where(|l, f| l == language && f == file)
    }
}

/// The message ids of the files `keep` chooses, in file order.
fn ids_where(keep: impl Fn(Language, &str) -> bool) -> Vec<&'static str> {
    SOURCES
        .iter()
        .filter(|(language, file, _)| keep(*language, file))
        .flat_map(|(_, _, source)| source.lines())
        .filter_map(|line| {
            let (id, _) = line.split_once(" =")?;
            let is_id = !id.is_empty()
                && id.starts_with(|c: char| c.is_ascii_lowercase())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            is_id.then_some(id)
        })
        .collect()
}

fn bundle(language: Language) -> FluentBundle<FluentResource> {
    let mut bundle = FluentBundle::new_concurrent(vec![language.langid()]);
    // Unicode isolation marks around arguments would break copy and paste and exact text.
    bundle.set_use_isolating(false);
    bundle
}

/// Month names, January first.
const MONTHS: [[&str; 12]; 2] = [
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    [
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ],
];

/// A date as the language writes it: "31 March 2027", "31 Mawrth 2027".
pub fn date(language: Language, d: jiff::civil::Date) -> String {
    let month = usize::try_from(d.month() - 1).unwrap_or(0);
    let names = match language {
        Language::English => &MONTHS[0],
        Language::Welsh => &MONTHS[1],
    };
    format!("{} {} {}", d.day(), names[month % 12], d.year())
}

/// An instant (RFC 3339) as the language writes it, in UTC: "6 December 2026, 19:37 UTC".
/// Text that is not an instant is returned as it is.
pub fn date_time(language: Language, rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(at) => {
            let utc = at.to_zoned(jiff::tz::TimeZone::UTC);
            format!(
                "{}, {:02}:{:02} UTC",
                date(language, utc.date()),
                utc.hour(),
                utc.minute()
            )
        }
        Err(_) => rfc3339.to_string(),
    }
}

#[cfg(test)]
mod admin_words_tests;
#[cfg(test)]
mod catalogue_tests;
