//! The publication's settings: the `[preprocessor.copbook]` table of `book.toml`.
//!
//! mdBook rejects unknown top-level tables, so everything copbook needs to know about a
//! Code (its key aims, themes, statements, guide, synonyms, consultation) lives under the
//! table of our in-process preprocessor. A book without that table is a plain mdBook:
//! it still builds, indexes and serves, and the Code-specific steps are skipped.
//!
//! Settings are read and validated once, here, into [`Settings`]; later code never
//! re-reads `book.toml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The name under which our preprocessor and its settings are registered.
pub const PREPROCESSOR_NAME: &str = "copbook";

/// Why the settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The book's folder does not exist, or `book.toml` could not be read.
    #[error("{path}: {message}")]
    Unreadable { path: PathBuf, message: String },
    /// `book.toml` could not be parsed by mdBook.
    #[error("{path}: {message}")]
    Load { path: PathBuf, message: String },
    /// `[preprocessor.copbook]` has a field of the wrong type or an unknown field.
    #[error("{path}: [preprocessor.copbook]: {message}")]
    Invalid { path: PathBuf, message: String },
    /// A value is well typed but breaks a rule (a duplicate id, a bad date, ...).
    #[error("{path}: [preprocessor.copbook] {field}: {message}")]
    Rule {
        path: PathBuf,
        field: String,
        message: String,
    },
}

/// One key aim of the Code, e.g. `safeguarding`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Aim {
    /// Stable id, used in `aims=` and as the heading id in the key aims chapter.
    pub id: String,
    /// Display title, e.g. "Safeguarding citizens".
    pub title: String,
}

/// A chapter of the Code with numbered provisions: a theme or a statement.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProvisionChapter {
    /// Stable id, e.g. `sharing`.
    pub id: String,
    /// Display title, e.g. "Sharing data".
    pub title: String,
    /// The chapter's path relative to the book's `src`, e.g. `code/sharing.md`.
    pub chapter: String,
    /// Every provision of this chapter must be explained (cited) by the public guide.
    #[serde(default)]
    pub explain_in_guide: bool,
}

/// Thresholds for the plain-language checks of the public guide.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct PlainLanguage {
    /// Highest Flesch-Kincaid grade a guide page may have.
    pub max_grade: f64,
    /// Lowest Flesch reading ease a guide page may have.
    pub min_reading_ease: f64,
    /// Longest sentence, in words, before a warning.
    pub max_sentence_words: usize,
}

impl Default for PlainLanguage {
    fn default() -> Self {
        PlainLanguage {
            max_grade: 9.0,
            min_reading_ease: 60.0,
            max_sentence_words: 25,
        }
    }
}

/// The drafting rules of `copbook check` (see `check/drafting.rs`): the
/// `[preprocessor.copbook.drafting]` table.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Drafting {
    /// Warn on a "must" or "shall" in the passive voice that names no duty-holder.
    pub passive_duty: bool,
    /// Warn on a glossary term used in the Code before the Code defines or links it.
    pub undefined_term: bool,
    /// Nouns (or noun phrases) that name a duty-holder; replaces the default list.
    pub duty_holders: Vec<String>,
    /// Phrases exempt from both rules (case-insensitive).
    pub allow: Vec<String>,
}

impl Default for Drafting {
    fn default() -> Self {
        Drafting {
            passive_duty: true,
            undefined_term: true,
            duty_holders: [
                "chief officer",
                "controller",
                "processor",
                "force",
                "organisation",
                "user",
                "supervisor",
                "officer",
                "staff",
                "Home Office",
                "service owner",
                "College",
                "NPCC",
                "lead",
                "body",
                "agency",
                "commissioner",
                "data protection officer",
                "DPO",
                "HMICFRS",
                "IOPC",
                "we",
                "you",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            allow: Vec::new(),
        }
    }
}

/// A consultation question, attached to a chapter.
#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// Stable id, e.g. `q-sharing`.
    pub id: String,
    /// The question as shown to respondents.
    pub question: String,
    /// The chapter it belongs to, relative to `src`.
    pub chapter: String,
}

/// A translation of the book, under `[preprocessor.copbook.languages.CODE]`: its own
/// source folder (with its own `SUMMARY.md`), title and consultation questions. It is
/// built beside the source language's site under `/CODE/`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// The language code (`cy`), from the table's name.
    #[serde(skip)]
    pub code: String,
    /// The translation's source folder, relative to the book's root, e.g. `src-cy`.
    pub src: String,
    /// The book's title in this language.
    pub title: String,
    /// The book's description in this language (the pages' `<meta name="description">`).
    #[serde(default)]
    pub description: Option<String>,
    /// The draft's status in this language.
    #[serde(default)]
    pub status: Option<String>,
    /// The consultation's retention notice in this language.
    #[serde(default)]
    pub retention: Option<String>,
    /// The consultation's questions in this language, by question id.
    #[serde(default)]
    pub questions: BTreeMap<String, String>,
}

/// The languages a translation may be in (English is the source language).
pub const TRANSLATION_LANGUAGES: &[&str] = &["cy"];

/// The consultation window and its questions.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Consultation {
    /// The consultation's title.
    pub title: String,
    /// Opening time, RFC 3339 with offset.
    pub opens: String,
    /// Closing time, RFC 3339 with offset.
    pub closes: String,
    /// What personal data is kept and for how long, shown beside the form.
    #[serde(default)]
    pub retention: Option<String>,
    /// How many months after `closes` respondents' names, organisations and email
    /// addresses are kept before `copbook comments purge` removes them (default 12).
    #[serde(default = "default_retention_months", rename = "retention-months")]
    pub retention_months: u32,
    /// Optional questions respondents may answer.
    #[serde(default)]
    pub questions: Vec<Question>,
    /// The coding frame drafters start from when analysing responses ("supports",
    /// "retention period", …); more may be added in `/admin/codes`. Each is checked by
    /// [`is_valid_code`].
    #[serde(default)]
    pub codes: Vec<String>,
}

/// The longest code of the coding frame, in characters.
pub const MAX_CODE_CHARS: usize = 40;

/// Whether `code` may be a code of the coding frame: 1 to [`MAX_CODE_CHARS`]
/// characters, letters, digits, spaces and `-`, starting with a letter or digit, with no
/// double or trailing space.
pub fn is_valid_code(code: &str) -> bool {
    let n = code.chars().count();
    (1..=MAX_CODE_CHARS).contains(&n)
        && code.chars().next().is_some_and(char::is_alphanumeric)
        && !code.ends_with(' ')
        && !code.contains("  ")
        && code
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
}

fn default_retention_months() -> u32 {
    12
}

/// The typed `[preprocessor.copbook]` table, exactly as written.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSettings {
    version: String,
    status: String,
    #[serde(default = "default_code_dir")]
    code_dir: String,
    #[serde(default = "default_guide_dir")]
    guide_dir: String,
    #[serde(default)]
    key_aims_chapter: Option<String>,
    #[serde(default)]
    matrix_chapter: Option<String>,
    #[serde(default)]
    glossary_chapter: Option<String>,
    #[serde(default = "default_full_sidebar_max")]
    full_sidebar_max: usize,
    #[serde(default)]
    aims: Vec<Aim>,
    #[serde(default)]
    themes: Vec<ProvisionChapter>,
    #[serde(default)]
    statements: Vec<ProvisionChapter>,
    #[serde(default)]
    synonyms: BTreeMap<String, Vec<String>>,
    #[serde(default = "default_true")]
    search_vocabulary: bool,
    #[serde(default)]
    plain_language: PlainLanguage,
    #[serde(default)]
    drafting: Drafting,
    #[serde(default)]
    consultation: Option<Consultation>,
    #[serde(default)]
    compare_with: Option<String>,
    #[serde(default)]
    languages: BTreeMap<String, Translation>,
    // Keys mdBook itself reads from every preprocessor table.
    #[serde(default)]
    before: Vec<String>,
    #[serde(default)]
    after: Vec<String>,
    #[serde(default)]
    renderers: Vec<String>,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    command: Option<String>,
}

/// The default switch point between the full sidebar and the compact navigation.
pub const DEFAULT_FULL_SIDEBAR_MAX: usize = 100;

fn default_full_sidebar_max() -> usize {
    DEFAULT_FULL_SIDEBAR_MAX
}

fn default_code_dir() -> String {
    "code".to_string()
}

fn default_guide_dir() -> String {
    "guide".to_string()
}

fn default_true() -> bool {
    true
}

/// The search synonyms of a book: copbook's shipped plain-English vocabulary (unless
/// `search-vocabulary = false`) with the book's own `synonyms` table over it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchSynonyms {
    /// Whether the shipped vocabulary is on (it is unless the book switches it off).
    pub vocabulary: bool,
    /// The book's entries: a reader's word, phrase or `a ... b` pattern → the Code's
    /// words. An entry replaces the shipped entry with the same key; an empty list
    /// removes it.
    pub entries: BTreeMap<String, Vec<String>>,
}

impl Default for SearchSynonyms {
    fn default() -> Self {
        SearchSynonyms {
            vocabulary: true,
            entries: BTreeMap::new(),
        }
    }
}

/// The Code-specific settings of a book, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeSettings {
    /// The draft's version, e.g. "0.1".
    pub version: String,
    /// The draft's status, e.g. "Consultation draft".
    pub status: String,
    /// Folder of `src` holding the Code's chapters.
    pub code_dir: String,
    /// Folder of `src` holding the public guide's chapters.
    pub guide_dir: String,
    /// Chapter defining the key aims (one heading with `{#aim-id}` per aim).
    pub key_aims_chapter: Option<String>,
    /// Chapter whose `{{#aims-matrix}}` is replaced by the themes × aims table.
    pub matrix_chapter: Option<String>,
    /// Chapter holding the glossary of acronyms.
    pub glossary_chapter: Option<String>,
    /// Up to this many chapters every page lists them all in its sidebar; above it
    /// (`full-sidebar-max`), pages show compact navigation and link to a contents page.
    pub full_sidebar_max: usize,
    /// The key aims, in order.
    pub aims: Vec<Aim>,
    /// The themes, in order.
    pub themes: Vec<ProvisionChapter>,
    /// The statements, in order.
    pub statements: Vec<ProvisionChapter>,
    /// Search synonyms: the shipped vocabulary switch and the book's own entries.
    pub synonyms: SearchSynonyms,
    /// Plain-language thresholds for the guide.
    pub plain_language: PlainLanguage,
    /// The drafting rules' settings.
    pub drafting: Drafting,
    /// The consultation, if one is run on this draft.
    pub consultation: Option<Consultation>,
    /// The published draft the build compares with (default: the latest one older than
    /// `version`).
    pub compare_with: Option<String>,
    /// Translations of the book, e.g. Welsh.
    pub languages: Vec<Translation>,
}

/// Everything known about a book before it is loaded.
#[derive(Debug, Clone)]
pub struct BookSettings {
    /// The book's root folder (holding `book.toml`).
    pub root: PathBuf,
    /// The book's source folder (`root/src` unless `book.src` says otherwise).
    pub src_dir: PathBuf,
    /// The book's title.
    pub title: String,
    /// mdBook's own configuration, as loaded.
    pub mdbook: mdbook_driver::config::Config,
    /// The text of `book.toml` as read (empty without one), for findings' line numbers.
    pub toml_text: String,
    /// The Code's settings; `None` for a plain mdBook.
    pub code: Option<CodeSettings>,
    /// Built for watch mode's live preview: a big book's print page is left out (see
    /// `book::leaves_out_print`). Never read from `book.toml`.
    pub preview: bool,
}

impl BookSettings {
    /// The search synonyms the Code's settings give (none for a plain mdBook).
    pub fn search_synonyms(&self) -> SearchSynonyms {
        self.code
            .as_ref()
            .map(|c| c.synonyms.clone())
            .unwrap_or_default()
    }

    /// Reads `root/book.toml` (a book without one is a plain mdBook with defaults).
    pub fn load(root: &Path) -> Result<BookSettings, ConfigError> {
        let toml_path = root.join("book.toml");
        let load_error = |message: String| ConfigError::Load {
            path: toml_path.clone(),
            message,
        };
        let (mdbook, toml_text) = if toml_path.is_file() {
            let text =
                std::fs::read_to_string(&toml_path).map_err(|e| ConfigError::Unreadable {
                    path: toml_path.clone(),
                    message: e.to_string(),
                })?;
            let config = text
                .parse::<mdbook_driver::config::Config>()
                .map_err(|e| load_error(format!("{e:#}")))?;
            (config, text)
        } else if root.is_dir() {
            (mdbook_driver::config::Config::default(), String::new())
        } else {
            return Err(ConfigError::Unreadable {
                path: root.to_path_buf(),
                message: "no such book folder".to_string(),
            });
        };
        let raw: Option<RawSettings> = mdbook
            .get(&format!("preprocessor.{PREPROCESSOR_NAME}"))
            .map_err(|e| ConfigError::Invalid {
                path: toml_path.clone(),
                message: format!("{e:#}"),
            })?;
        let code = raw.map(|raw| validate(raw, &toml_path)).transpose()?;
        Ok(BookSettings {
            root: root.to_path_buf(),
            src_dir: root.join(&mdbook.book.src),
            title: mdbook.book.title.clone().unwrap_or_default(),
            mdbook,
            toml_text,
            code,
            preview: false,
        })
    }
}

fn validate(raw: RawSettings, path: &Path) -> Result<CodeSettings, ConfigError> {
    let rule = |field: &str, message: String| ConfigError::Rule {
        path: path.to_path_buf(),
        field: field.to_string(),
        message,
    };
    let mut seen = std::collections::HashSet::new();
    for aim in &raw.aims {
        if !is_id(&aim.id) {
            return Err(rule(
                "aims",
                format!("`{}` is not a valid id (use a-z, 0-9 and -)", aim.id),
            ));
        }
        if !seen.insert(aim.id.as_str()) {
            return Err(rule("aims", format!("aim `{}` is listed twice", aim.id)));
        }
    }
    let mut chapters = std::collections::HashSet::new();
    for (field, list) in [("themes", &raw.themes), ("statements", &raw.statements)] {
        for entry in list {
            if !is_id(&entry.id) {
                return Err(rule(
                    field,
                    format!("`{}` is not a valid id (use a-z, 0-9 and -)", entry.id),
                ));
            }
            if !chapters.insert(entry.chapter.as_str()) {
                return Err(rule(
                    field,
                    format!("chapter `{}` is listed twice", entry.chapter),
                ));
            }
        }
    }
    if let Some(c) = &raw.consultation {
        let opens = parse_time(&c.opens).map_err(|m| rule("consultation.opens", m))?;
        let closes = parse_time(&c.closes).map_err(|m| rule("consultation.closes", m))?;
        if closes <= opens {
            return Err(rule(
                "consultation.closes",
                "must be after `opens`".to_string(),
            ));
        }
        let mut codes = std::collections::HashSet::new();
        for code in &c.codes {
            if !is_valid_code(code) || !codes.insert(code.as_str()) {
                return Err(rule(
                    "consultation.codes",
                    format!(
                        "code `{code}` is invalid or listed twice (use letters, digits, spaces and -, at most {MAX_CODE_CHARS} characters)"
                    ),
                ));
            }
        }
        let mut ids = std::collections::HashSet::new();
        for q in &c.questions {
            if !is_id(&q.id) || !ids.insert(q.id.as_str()) {
                return Err(rule(
                    "consultation.questions",
                    format!("question id `{}` is invalid or listed twice", q.id),
                ));
            }
        }
    }
    let mut languages = Vec::new();
    for (code, mut translation) in raw.languages {
        if !TRANSLATION_LANGUAGES.contains(&code.as_str()) {
            return Err(rule(
                "languages",
                format!("`{code}` is not a language copbook can publish in (use `cy` for Welsh)"),
            ));
        }
        let src = translation.src.trim_matches('/');
        if src.is_empty() || src.split('/').any(|seg| seg == ".." || seg.is_empty()) {
            return Err(rule(
                &format!("languages.{code}.src"),
                format!(
                    "`{}` must be a folder inside the book, like `src-{code}`",
                    translation.src
                ),
            ));
        }
        let questions = raw.consultation.as_ref().map(|c| &c.questions);
        for id in translation.questions.keys() {
            if !questions.is_some_and(|qs| qs.iter().any(|q| &q.id == id)) {
                return Err(rule(
                    &format!("languages.{code}.questions"),
                    format!("`{id}` is not the id of a consultation question"),
                ));
            }
        }
        translation.src = src.to_string();
        translation.code = code;
        languages.push(translation);
    }
    Ok(CodeSettings {
        version: raw.version,
        status: raw.status,
        code_dir: raw.code_dir.trim_matches('/').to_string(),
        guide_dir: raw.guide_dir.trim_matches('/').to_string(),
        key_aims_chapter: raw.key_aims_chapter,
        matrix_chapter: raw.matrix_chapter,
        glossary_chapter: raw.glossary_chapter,
        full_sidebar_max: raw.full_sidebar_max,
        aims: raw.aims,
        themes: raw.themes,
        statements: raw.statements,
        synonyms: SearchSynonyms {
            vocabulary: raw.search_vocabulary,
            entries: raw
                .synonyms
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .collect(),
        },
        plain_language: raw.plain_language,
        drafting: raw.drafting,
        consultation: raw.consultation,
        compare_with: raw.compare_with,
        languages,
    })
}

/// Parses an RFC 3339 time with offset into seconds since the Unix epoch.
pub fn parse_time(s: &str) -> Result<i64, String> {
    s.parse::<jiff::Timestamp>()
        .map(|t| t.as_second())
        .map_err(|_| {
            format!("`{s}` is not an RFC 3339 time with offset (e.g. 2026-11-01T00:00:00+00:00)")
        })
}

/// Is `s` a valid stable id: lowercase ASCII letters, digits and hyphens, starting with a letter.
pub fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl CodeSettings {
    /// The theme or statement whose chapter is `source`, if any.
    pub fn provision_chapter(&self, source: &str) -> Option<(&ProvisionChapter, bool)> {
        self.themes
            .iter()
            .find(|t| t.chapter == source)
            .map(|t| (t, true))
            .or_else(|| {
                self.statements
                    .iter()
                    .find(|s| s.chapter == source)
                    .map(|s| (s, false))
            })
    }

    /// Whether `source` (relative to `src`) is a chapter of the Code.
    pub fn is_code(&self, source: &str) -> bool {
        in_dir(source, &self.code_dir)
    }

    /// Whether `source` (relative to `src`) is a page of the public guide.
    pub fn is_guide(&self, source: &str) -> bool {
        in_dir(source, &self.guide_dir)
    }
}

fn in_dir(source: &str, dir: &str) -> bool {
    dir.is_empty()
        || source
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_id("share-lawful-basis"));
        assert!(is_id("q1"));
        assert!(!is_id("1q"));
        assert!(!is_id("Share"));
        assert!(!is_id(""));
        assert!(!is_id("a b"));
    }

    #[test]
    fn consultation_codes_are_checked() {
        let raw = |codes: &str| -> RawSettings {
            toml::from_str(&format!(
                "version = \"0.1\"\nstatus = \"Draft\"\n[consultation]\ntitle = \"T\"\n\
                 opens = \"2026-11-01T00:00:00+00:00\"\ncloses = \"2027-03-31T23:59:59+01:00\"\n\
                 codes = {codes}\n"
            ))
            .expect("toml")
        };
        let path = Path::new("book.toml");
        let ok = validate(raw(r#"["supports", "retention period"]"#), path).expect("valid");
        assert_eq!(
            ok.consultation.map(|c| c.codes),
            Some(vec!["supports".to_string(), "retention period".to_string()])
        );
        for bad in [r#"["supports", "supports"]"#, r#"["<b>"]"#, r#"[""]"#] {
            let err = validate(raw(bad), path).expect_err(bad);
            assert!(err.to_string().contains("consultation.codes"), "{err}");
        }
    }

    #[test]
    fn dirs() {
        assert!(in_dir("code/sharing.md", "code"));
        assert!(!in_dir("codex/sharing.md", "code"));
        assert!(!in_dir("code.md", "code"));
    }
}
