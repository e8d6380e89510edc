//! Coverage of the Code by the public guide: every guide page explains some of the Code,
//! every theme is explained somewhere in the guide, and every provision of a statement
//! marked `explain-in-guide` is explained (cited) by some guide page.
//!
//! "Explained" means cited: a guide page explains the provisions it cites with
//! `{{#cite id}}`. Cites to unknown ids are the structure check's business and count for
//! nothing here. All findings are warnings.

use std::collections::HashSet;

use crate::book::{Corpus, EntryKind};
use crate::config::{BookSettings, CodeSettings};
use crate::diagnostic::Diagnostic;

/// Coverage findings for a Code and its guide.
pub fn check(settings: &BookSettings, code: &CodeSettings, corpus: &Corpus) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut cited: HashSet<&str> = HashSet::new();
    for page in corpus.chapters.iter().filter(|c| code.is_guide(&c.source)) {
        let provisions: Vec<&str> = page
            .cites
            .iter()
            .filter(|c| {
                corpus
                    .get(&c.id)
                    .is_some_and(|e| e.kind == EntryKind::Provision)
            })
            .map(|c| c.id.as_str())
            .collect();
        if provisions.is_empty() {
            out.push(Diagnostic::warning(
                settings.src_dir.join(&page.source),
                1,
                "guide-page-uncited",
                "guide page cites no Code paragraph: add {{#cite id}} where it explains the Code",
            ));
        }
        cited.extend(provisions);
    }

    // The chapters with a cited provision, gathered once: a large Code has thousands of
    // themes and provisions.
    let explained: HashSet<&str> = corpus
        .provisions()
        .filter(|p| cited.contains(p.id.as_str()))
        .map(|p| p.source.as_str())
        .collect();
    for theme in &code.themes {
        let Some(chapter) = corpus.chapter(&theme.chapter) else {
            continue; // the structure check reports the missing chapter
        };
        if !explained.contains(theme.chapter.as_str()) {
            out.push(Diagnostic::warning(
                settings.src_dir.join(&chapter.source),
                1,
                "theme-not-in-guide",
                format!(
                    "theme `{}` ({}) is not cited by any guide page",
                    theme.id, theme.title
                ),
            ));
        }
    }

    for statement in code.statements.iter().filter(|s| s.explain_in_guide) {
        for p in corpus
            .provisions()
            .filter(|p| p.source == statement.chapter && !cited.contains(p.id.as_str()))
        {
            out.push(Diagnostic::warning(
                settings.src_dir.join(&p.source),
                p.line,
                "provision-not-in-guide",
                format!(
                    "provision {} (`{}`) of “{}” is not explained in the guide: cite it from a guide page",
                    p.number.as_deref().unwrap_or("?"),
                    p.id,
                    statement.title
                ),
            ));
        }
    }
    out
}
