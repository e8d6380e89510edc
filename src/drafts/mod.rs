//! Published drafts and what changed between them.
//!
//! The drafts module owns `book/drafts/<version>.json` ([`record`]), the comparison of a
//! published draft with a later one or with the book on disk ([`compare`]), the change-log
//! page ([`page`]), the checks that catch redrafting mistakes ([`redraft`]), and how a
//! comment made on an earlier draft follows its paragraph ([`follow`]). It reads the
//! corpus; nothing below it knows about drafts.

pub mod compare;
pub mod follow;
pub mod page;
pub mod record;
pub mod redraft;

use std::path::PathBuf;

pub use compare::{Change, ChangeLog, Status, compare};
pub use record::{DraftRecord, Published, RecordChapter, RecordEntry};

use crate::book::{Corpus, EntryChange, LoadedBook};
use crate::config::CodeSettings;
use crate::diagnostic::{Diagnostic, Severity};

/// What `to` means when it names the book on disk rather than a published draft.
pub const CURRENT: &str = "current";

/// Why a draft could not be read, written or compared.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// Reading or writing a draft's file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A draft's file is not a published draft.
    #[error("{path}: not a published draft: {message}")]
    Parse { path: PathBuf, message: String },
    /// A different draft of this version is already published.
    #[error(
        "{path}: draft {} was already published on {date} and {differing} provisions or sections differ from it; raise `version` in book.toml to publish a new draft, or use --force to replace it",
        path.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default()
    )]
    Exists {
        path: PathBuf,
        date: String,
        differing: usize,
    },
    /// The book has check errors, so it cannot be published.
    #[error("the book has {0} check errors (run `copbook check`); fix them before publishing")]
    CheckErrors(usize),
    /// The book is a plain mdBook, without `[preprocessor.copbook]`.
    #[error(
        "{0}: the book has no [preprocessor.copbook] table, so it has no version to publish or compare"
    )]
    NotACode(PathBuf),
    /// Nothing to compare with.
    #[error(
        "no published draft older than version {version} in {dir}: give one with --from, or publish one with `copbook draft publish`"
    )]
    NoBaseline { version: String, dir: PathBuf },
    /// A version that cannot name a draft's file.
    #[error(
        "version `{0}` cannot name a published draft: use letters, digits, dots and hyphens (e.g. 0.2), not starting with a dot"
    )]
    BadVersion(String),
    /// No published draft has this version.
    #[error("no published draft {version} in {dir} (published: {known})")]
    Unknown {
        version: String,
        dir: PathBuf,
        known: String,
    },
}

/// Publishes the loaded book as the draft of its version (see [`record::write`]), unless
/// `diagnostics` hold an error.
pub fn publish(
    book: &LoadedBook,
    diagnostics: &[Diagnostic],
    force: bool,
) -> Result<(DraftRecord, Published), DraftError> {
    let code = code_of(book)?;
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        return Err(DraftError::CheckErrors(errors));
    }
    let record = current_record(&book.corpus, code);
    let outcome = record::write(&book.settings.root, &record, force)?;
    Ok((record, outcome))
}

fn code_of(book: &LoadedBook) -> Result<&CodeSettings, DraftError> {
    book.settings
        .code
        .as_ref()
        .ok_or_else(|| DraftError::NotACode(book.settings.root.join("book.toml")))
}

/// The change log of the loaded book from draft `from` (default: its baseline, see
/// [`baseline`]) to draft `to` (default, or [`CURRENT`]: the book on disk).
pub fn diff(
    book: &LoadedBook,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<ChangeLog, DraftError> {
    let code = code_of(book)?;
    let root = &book.settings.root;
    let dir = root.join(record::DRAFTS_DIR);
    let drafts = record::list(root)?;
    let old = match from {
        Some(v) => find(&drafts, v, dir.clone())?,
        None => baseline(&drafts, code)?.ok_or_else(|| DraftError::NoBaseline {
            version: code.version.clone(),
            dir: dir.clone(),
        })?,
    };
    let current;
    let new = match to {
        None | Some(CURRENT) => {
            current = current_record(&book.corpus, code);
            &current
        }
        Some(v) => find(&drafts, v, dir)?,
    };
    Ok(compare(old, new))
}

/// Whether `version` can name a draft's file: letters, digits, dots and hyphens, not
/// starting with a dot, at most 32 characters (so never a path).
pub fn is_version(version: &str) -> bool {
    !version.is_empty()
        && version.len() <= 32
        && !version.starts_with('.')
        && version
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// The book on disk as a record, for comparing; dated today.
pub fn current_record(corpus: &Corpus, code: &CodeSettings) -> DraftRecord {
    DraftRecord::from_corpus(corpus, &code.version, &code.status, &today())
}

/// Today's date in UTC by the process's clock, `YYYY-MM-DD`.
pub fn today() -> String {
    crate::clock::now().strftime("%Y-%m-%d").to_string()
}

/// The published draft the book at this version compares with: the one `compare-with`
/// names, or else the latest published before `version`. `None` when there is none.
pub fn baseline<'a>(
    drafts: &'a [DraftRecord],
    code: &CodeSettings,
) -> Result<Option<&'a DraftRecord>, DraftError> {
    if let Some(wanted) = &code.compare_with {
        return find(drafts, wanted, PathBuf::from(record::DRAFTS_DIR)).map(Some);
    }
    Ok(drafts
        .iter()
        .rev()
        .find(|d| record::compare_versions(&d.version, &code.version) == std::cmp::Ordering::Less))
}

/// The published draft of `version`.
pub fn find<'a>(
    drafts: &'a [DraftRecord],
    version: &str,
    dir: PathBuf,
) -> Result<&'a DraftRecord, DraftError> {
    drafts
        .iter()
        .find(|d| d.version == version)
        .ok_or_else(|| DraftError::Unknown {
            version: version.to_string(),
            dir,
            known: if drafts.is_empty() {
                "none".to_string()
            } else {
                drafts
                    .iter()
                    .map(|d| d.version.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
}

/// Marks each provision of `corpus` with its change in `log` (for `corpus.json` and the
/// "Changed since draft" links).
pub fn annotate(corpus: &mut Corpus, log: &ChangeLog) {
    for change in &log.changes {
        if change.status == Status::Removed {
            continue;
        }
        if let Some(entry) = corpus.get_mut(&change.id) {
            entry.change = Some(EntryChange {
                since: log.from.clone(),
                status: change.status.as_str().to_string(),
                previous_number: change.old_number.clone(),
            });
        }
    }
}

/// The change log as the terminal shows it: one block per provision that is not
/// unchanged, with `[+inserted+]` and `[-deleted-]` marking the difference.
pub fn to_text(log: &ChangeLog) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Changes from draft {} ({}) to {}",
        log.from, log.from_date, log.to
    );
    let counts: Vec<String> = log
        .counts()
        .iter()
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    let _ = writeln!(out, "{}", counts.join(", "));
    for c in log.edits() {
        let old = c.old_number.as_deref().unwrap_or("-");
        let new = c.new_number.as_deref().unwrap_or("-");
        let _ = writeln!(
            out,
            "\n{} {} ({} → {}) in {}",
            c.status.as_str(),
            c.id,
            old,
            new,
            c.chapter()
        );
        match c.status {
            Status::New => {
                let _ = writeln!(out, "  {}", c.new_text.as_deref().unwrap_or_default());
            }
            Status::Removed => {
                let _ = writeln!(out, "  {}", c.old_text.as_deref().unwrap_or_default());
            }
            _ if !c.diff.is_empty() => {
                let mut line = String::from("  ");
                for s in &c.diff {
                    match s.run {
                        compare::Run::Same => line.push_str(&s.text),
                        compare::Run::Inserted => {
                            let _ = write!(line, "[+{}+]", s.text);
                        }
                        compare::Run::Deleted => {
                            let _ = write!(line, "[-{}-]", s.text);
                        }
                    }
                }
                let _ = writeln!(out, "{line}");
            }
            _ => {}
        }
    }
    out
}
