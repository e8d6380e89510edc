//! The Code's structure: the chapters the settings name exist, every key aim is defined,
//! and every theme serves every key aim.

use std::collections::{HashMap, HashSet};

use crate::book::Corpus;
use crate::config::{BookSettings, CodeSettings};
use crate::diagnostic::{Diagnostic, LineIndex};

/// Structural findings for a Code.
pub fn check(settings: &BookSettings, code: &CodeSettings, corpus: &Corpus) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let toml_path = settings.root.join("book.toml");
    let toml_text = &settings.toml_text;
    let toml_lines = LineIndex::new(toml_text);
    let line_of = |needle: &str| {
        toml_text
            .find(needle)
            .map(|at| toml_lines.line(at))
            .unwrap_or(0)
    };

    let named = [
        (
            "key-aims-chapter",
            "key aims chapter",
            code.key_aims_chapter.as_ref(),
        ),
        (
            "matrix-chapter",
            "matrix chapter",
            code.matrix_chapter.as_ref(),
        ),
        (
            "glossary-chapter",
            "glossary chapter",
            code.glossary_chapter.as_ref(),
        ),
    ];
    for (field, what, chapter) in named {
        if let Some(chapter) = chapter
            && corpus.chapter(chapter).is_none()
        {
            out.push(Diagnostic::error(
                &toml_path,
                line_of(&format!("{field} = ")),
                "missing-chapter",
                format!("the {what} `{chapter}` named in [preprocessor.copbook] is not a chapter of SUMMARY.md"),
            ));
        }
    }
    for (what, list) in [("theme", &code.themes), ("statement", &code.statements)] {
        for entry in list {
            if corpus.chapter(&entry.chapter).is_none() {
                out.push(Diagnostic::error(
                    &toml_path,
                    line_of(&format!("chapter = \"{}\"", entry.chapter)),
                    "missing-chapter",
                    format!(
                        "the {what} `{}` names chapter `{}`, which is not a chapter of SUMMARY.md",
                        entry.id, entry.chapter
                    ),
                ));
            }
        }
    }

    if let Some(key_aims) = code
        .key_aims_chapter
        .as_ref()
        .and_then(|c| corpus.chapter(c))
    {
        for aim in &code.aims {
            if !key_aims.anchors.contains(&aim.id) {
                out.push(Diagnostic::error(
                    settings.src_dir.join(&key_aims.source),
                    1,
                    "missing-aim",
                    format!(
                        "key aim `{}` ({}) is not defined here: add a heading `## {} {{#{}}}`",
                        aim.id, aim.title, aim.title, aim.id
                    ),
                ));
            }
        }
    }

    // The key aims each chapter's provisions serve, gathered once: a large Code has
    // thousands of themes and provisions.
    let mut served: HashMap<&str, HashSet<&str>> = HashMap::new();
    for p in corpus.provisions() {
        served
            .entry(p.source.as_str())
            .or_default()
            .extend(p.aims.iter().map(String::as_str));
    }
    for theme in &code.themes {
        let Some(chapter) = corpus.chapter(&theme.chapter) else {
            continue;
        };
        for aim in &code.aims {
            let is_served = served
                .get(theme.chapter.as_str())
                .is_some_and(|aims| aims.contains(aim.id.as_str()));
            if !is_served {
                out.push(Diagnostic::error(
                    settings.src_dir.join(&chapter.source),
                    1,
                    "aim-not-served",
                    format!(
                        "theme `{}` has no provision serving key aim `{}`: add `aims={}` to a provision's marker",
                        theme.id, aim.id, aim.id
                    ),
                ));
            }
        }
    }

    for chapter in &corpus.chapters {
        for cite in &chapter.cites {
            if let Some(problem) = corpus.cite_problem(&cite.id) {
                out.push(Diagnostic::error(
                    settings.src_dir.join(&chapter.source),
                    cite.line,
                    "unknown-cite",
                    problem,
                ));
            }
        }
    }
    out
}
