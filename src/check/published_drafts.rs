//! Redrafting checks: the book against its published drafts (`book/drafts/*.json`). The
//! rules live in [`crate::drafts::redraft`]; this reads the drafts and reports an
//! unreadable one at its file.

use crate::book::Corpus;
use crate::config::BookSettings;
use crate::diagnostic::Diagnostic;
use crate::drafts::{DraftError, record};

/// Findings of the redrafting rules; none for a plain mdBook or a book with no drafts.
pub fn check(settings: &BookSettings, corpus: &Corpus) -> Vec<Diagnostic> {
    let Some(code) = &settings.code else {
        return Vec::new();
    };
    match record::list(&settings.root) {
        Ok(drafts) => crate::drafts::redraft::check(settings, code, corpus, &drafts),
        Err(e) => {
            let path = match &e {
                DraftError::Io { path, .. } | DraftError::Parse { path, .. } => path.clone(),
                _ => settings.root.join(record::DRAFTS_DIR),
            };
            vec![Diagnostic::error(path, 0, "published-draft", e.to_string())]
        }
    }
}
