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
pub mod published_drafts;
pub mod response_directives;
pub mod structure;

use crate::book::{Corpus, LoadedBook};
use crate::config::BookSettings;
use crate::diagnostic::Diagnostic;

/// All findings for a loaded book: parsing findings first, then each rule's, sorted by file
/// and line.
pub fn run(book: &LoadedBook) -> Vec<Diagnostic> {
    run_on(&book.settings, &book.corpus, book.diagnostics.clone())
}

/// Every finding for a book given as plain data (its settings, its corpus and the findings
/// made while parsing it), so the checks can run on another thread than mdBook's.
pub fn run_on(
    settings: &BookSettings,
    corpus: &Corpus,
    parsed: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let mut all = parsed;
    let mut rule = |name: &str, findings: &mut dyn FnMut() -> Vec<Diagnostic>| {
        let started = std::time::Instant::now();
        all.extend(findings());
        tracing::trace!(
            "check {name} took {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    };
    if let Some(code) = &settings.code {
        rule("structure", &mut || {
            structure::check(settings, code, corpus)
        });
        rule("plain", &mut || plain::check(settings, code, corpus));
        rule("coverage", &mut || coverage::check(settings, code, corpus));
        rule("drafting", &mut || drafting::check(settings, code, corpus));
        rule("responses", &mut || {
            response_directives::check(settings, code, corpus)
        });
    }
    rule("links", &mut || links::check(settings, corpus));
    rule("redraft", &mut || published_drafts::check(settings, corpus));
    rule("origins", &mut || origins::check(settings));
    rule("commands", &mut || crate::book::commands::missing(settings));
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
