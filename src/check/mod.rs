//! `copbook check`: every rule a draft must keep, each a function from the corpus to findings.
//!
//! Parsing-time findings (paragraphs without an id, malformed markers, unknown aims,
//! duplicate ids) come from [`crate::book::corpus::extract`]; the rules here read the
//! finished corpus and never parse Markdown. [`run`] collects every finding; the caller
//! chooses the exit code afterwards.

pub mod coverage;
pub mod drafting;
pub mod links;
pub mod origins;
pub mod plain;
pub mod redraft;
pub mod structure;

use crate::book::LoadedBook;
use crate::diagnostic::Diagnostic;

/// All findings for a loaded book: parsing findings first, then each rule's, sorted by file
/// and line.
pub fn run(book: &LoadedBook) -> Vec<Diagnostic> {
    let mut all = book.diagnostics.clone();
    if let Some(code) = &book.settings.code {
        all.extend(structure::check(&book.settings, code, &book.corpus));
        all.extend(plain::check(&book.settings, code, &book.corpus));
        all.extend(coverage::check(&book.settings, code, &book.corpus));
        all.extend(drafting::check(&book.settings, code, &book.corpus));
    }
    all.extend(links::check(&book.settings, &book.corpus));
    all.extend(redraft::check(book));
    all.extend(origins::check(&book.settings));
    all.extend(crate::book::commands::missing(&book.settings));
    all.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    all
}

/// The readability scores of each page of the public guide (empty for a plain mdBook), for
/// `copbook check --format json`.
pub fn readability(book: &LoadedBook) -> Vec<plain::PageReadability> {
    match &book.settings.code {
        Some(code) => plain::readability(code, &book.corpus),
        None => Vec::new(),
    }
}
