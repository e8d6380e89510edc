//! The College's response: every `{{#responses id}}` names a consultation question or a
//! provision, and the committed consultation summary it is filled from is there and
//! readable (see the `responses` module of `book`).

use crate::book::Corpus;
use crate::book::responses::{self, SummaryState};
use crate::config::{BookSettings, CodeSettings};
use crate::diagnostic::Diagnostic;

/// Findings for the responses directives and the summary file.
pub fn check(settings: &BookSettings, code: &CodeSettings, corpus: &Corpus) -> Vec<Diagnostic> {
    let summary_path = settings.src_dir.join(responses::SUMMARY_FILE);
    let state = responses::load(&settings.src_dir);
    let mut out = Vec::new();
    for chapter in &corpus.chapters {
        for directive in &chapter.responses {
            if let Some(message) =
                responses::problem(code, corpus, &state, &summary_path, &directive.id)
            {
                out.push(Diagnostic::error(
                    settings.src_dir.join(&chapter.source),
                    directive.line,
                    "responses",
                    message,
                ));
            }
        }
    }
    // A summary nothing uses yet still gives each provision its count of published
    // responses: a broken one is reported where it is.
    let used = corpus.chapters.iter().any(|c| !c.responses.is_empty());
    if let SummaryState::Invalid(why) = &state
        && !used
    {
        out.push(Diagnostic::error(
            &summary_path,
            1,
            "responses",
            format!("the consultation summary cannot be used: {why}"),
        ));
    }
    out
}
