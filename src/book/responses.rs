//! "We asked, you said, we did": the `{{#responses id}}` directive of the College's
//! response, filled from the committed consultation summary.
//!
//! `copbook comments summary --out book/src/response/summary.json` freezes the counts
//! (see the `analysis` module's `summary.rs` for the format); the drafters commit that
//! file with the book. A build reads only that file, [`SUMMARY_FILE`] under the book's
//! source folder, never the live database: the response is a reviewed document.
//!
//! `{{#responses q-sharing}}` (a consultation question) or
//! `{{#responses share-lawful-basis}}` (a provision) renders the counts ("412
//! responses, of which 380 in 2 campaign groups (34 distinct submissions)"), a link to
//! the published responses and, for a provision, to its entry in the change log.
//! The check reports, at the directive's file and line, an id that is neither, a
//! malformed directive, and a summary file that is missing or unreadable.

use std::path::Path;

use super::response_summary::Summary;
use crate::config::CodeSettings;

use super::corpus::{Corpus, EntryKind};

/// Where the summary is, relative to the book's source folder.
pub const SUMMARY_FILE: &str = "response/summary.json";

/// How the directive starts (the corpus finds it; this module fills it).
pub use super::corpus::RESPONSES_DIRECTIVE as DIRECTIVE;

/// The summary a build found.
#[derive(Debug, Clone, Default)]
pub enum SummaryState {
    /// There is no summary file.
    #[default]
    Absent,
    /// The file is there but cannot be used: why.
    Invalid(String),
    /// The summary.
    Loaded(Summary),
}

impl SummaryState {
    /// The summary, when there is a valid one.
    pub fn summary(&self) -> Option<&Summary> {
        match self {
            SummaryState::Loaded(s) => Some(s),
            _ => None,
        }
    }
}

/// Reads `src_dir/response/summary.json`.
pub fn load(src_dir: &Path) -> SummaryState {
    let path = src_dir.join(SUMMARY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => match Summary::from_json(&text) {
            Ok(summary) => SummaryState::Loaded(summary),
            Err(e) => SummaryState::Invalid(e.to_string()),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => SummaryState::Absent,
        Err(e) => SummaryState::Invalid(e.to_string()),
    }
}

/// What an id of the directive names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// A consultation question.
    Question,
    /// A provision of the Code.
    Provision,
}

/// What `id` names in this book, if it is a question or a provision.
pub fn subject(code: &CodeSettings, corpus: &Corpus, id: &str) -> Option<Subject> {
    let question = code
        .consultation
        .as_ref()
        .is_some_and(|c| c.questions.iter().any(|q| q.id == id));
    if question {
        return Some(Subject::Question);
    }
    corpus
        .get(id)
        .filter(|e| e.kind == EntryKind::Provision)
        .map(|_| Subject::Provision)
}

/// The problem with one directive, if any: what the check reports at its line.
pub fn problem(
    code: &CodeSettings,
    corpus: &Corpus,
    state: &SummaryState,
    summary_path: &Path,
    id: &str,
) -> Option<String> {
    if id.is_empty() || id.contains(char::is_whitespace) {
        return Some(
            "malformed responses directive: write `{{#responses question-or-provision-id}}` on one line"
                .to_string(),
        );
    }
    if subject(code, corpus, id).is_none() {
        return Some(format!(
            "`{{{{#responses {id}}}}}`: `{id}` is neither a consultation question nor a provision id"
        ));
    }
    match state {
        SummaryState::Loaded(_) => None,
        SummaryState::Absent => Some(format!(
            "`{{{{#responses {id}}}}}` needs the consultation summary {}: write it with `copbook comments summary --out {}` and commit it",
            summary_path.display(),
            summary_path.display()
        )),
        SummaryState::Invalid(why) => Some(format!(
            "`{{{{#responses {id}}}}}`: the consultation summary {} cannot be used: {why}",
            summary_path.display()
        )),
    }
}
