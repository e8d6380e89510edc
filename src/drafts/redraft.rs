//! Checks that catch redrafting mistakes, run by `copbook check` against the published
//! drafts:
//! - the book's version is published, but the text on disk no longer matches it;
//! - an id published earlier now names quite different text, or disappeared while a
//!   near-identical provision appeared under a new id (comments attach to ids);
//! - a guide section cites a provision changed since the last published draft while the
//!   section's own text is unchanged (its explanation may now be wrong);
//! - an id removed in an earlier draft is used again for a different provision.

use std::collections::HashMap;

use super::compare::{ChangeLog, Status, compare, similarity};
use super::record::{self, DraftRecord};
use crate::book::{Corpus, EntryKind};
use crate::config::{BookSettings, CodeSettings};
use crate::diagnostic::{Diagnostic, LineIndex};

/// Below this share of words in common, a provision under a published id is "quite
/// different".
pub const REWRITE_BELOW: f32 = 0.5;

/// From this share of words in common, two provisions are "near-identical".
pub const SAME_FROM: f32 = 0.8;

/// Every redrafting finding for the book, given its published drafts (oldest first).
pub fn check(
    settings: &BookSettings,
    code: &CodeSettings,
    corpus: &Corpus,
    drafts: &[DraftRecord],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let current = DraftRecord::from_corpus(corpus, &code.version, &code.status, "");
    if let Some(published) = drafts.iter().find(|d| d.version == code.version)
        && (published.entries != current.entries || published.status != current.status)
    {
        out.push(stale_published(settings, code, published, &current));
    }
    let baseline = match super::baseline(drafts, code) {
        Ok(Some(b)) => b,
        Ok(None) => return out,
        Err(e) => {
            out.push(Diagnostic::error(
                settings.root.join("book.toml"),
                line_of(settings, "compare-with"),
                "compare-with",
                format!("[preprocessor.copbook] compare-with: {e}"),
            ));
            return out;
        }
    };
    let log = compare(baseline, &current);
    let path_of = |id: &str| {
        corpus
            .get(id)
            .map(|e| (settings.src_dir.join(&e.source), e.line))
            .unwrap_or_default()
    };
    re_ids(&log, &path_of, &mut out);
    stale_guide(settings, code, corpus, baseline, &log, &mut out);
    reused_ids(drafts, baseline, &current, &path_of, &mut out);
    out
}

fn stale_published(
    settings: &BookSettings,
    code: &CodeSettings,
    published: &DraftRecord,
    current: &DraftRecord,
) -> Diagnostic {
    let differing = record::differing_entries(published, current);
    Diagnostic::warning(
        settings.root.join("book.toml"),
        line_of(settings, "version"),
        "published-draft-edited",
        format!(
            "draft {v} is published in drafts/{v}.json, but {differing} provisions or sections on disk differ from it: \
             raise `version` to publish a new draft, or the published record and the site disagree",
            v = code.version
        ),
    )
}

/// The line of `key = …` in book.toml's `[preprocessor.copbook]` table (0 if not found).
fn line_of(settings: &BookSettings, key: &str) -> usize {
    let Ok(text) = std::fs::read_to_string(settings.root.join("book.toml")) else {
        return 0;
    };
    let start = text.find("[preprocessor.copbook]").unwrap_or(0);
    let lines = LineIndex::new(&text);
    text[start..]
        .lines()
        .scan(start, |at, l| {
            let here = *at;
            *at += l.len() + 1;
            Some((here, l))
        })
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |(at, _)| lines.line(at))
}

fn re_ids(
    log: &ChangeLog,
    path_of: &dyn Fn(&str) -> (std::path::PathBuf, usize),
    out: &mut Vec<Diagnostic>,
) {
    let number = |n: &Option<String>| n.clone().unwrap_or_else(|| "?".to_string());
    for c in log.changes.iter().filter(|c| c.status == Status::Changed) {
        let (Some(old), Some(new)) = (&c.old_text, &c.new_text) else {
            continue;
        };
        let alike = similarity(old, new);
        if alike < REWRITE_BELOW {
            let (path, line) = path_of(&c.id);
            out.push(Diagnostic::warning(
                path,
                line,
                "redraft-reused-id",
                format!(
                    "`{}` (paragraph {}) was paragraph {} of draft {} with quite different text ({:.0}% of words in common): \
                     comments on draft {} attach to this id; if this is a new provision, give it a new id",
                    c.id,
                    number(&c.new_number),
                    number(&c.old_number),
                    log.from,
                    alike * 100.0,
                    log.from
                ),
            ));
        }
    }
    let added: Vec<_> = log
        .changes
        .iter()
        .filter(|c| c.status == Status::New)
        .collect();
    for gone in log.changes.iter().filter(|c| c.status == Status::Removed) {
        let old = gone.old_text.as_deref().unwrap_or_default();
        let twin = added.iter().find(|n| {
            let new = n.new_text.as_deref().unwrap_or_default();
            let (a, b) = (old.len().max(1) as f32, new.len().max(1) as f32);
            a.min(b) / a.max(b) >= SAME_FROM && similarity(old, new) >= SAME_FROM
        });
        if let Some(n) = twin {
            let (path, line) = path_of(&n.id);
            out.push(Diagnostic::warning(
                path,
                line,
                "redraft-changed-id",
                format!(
                    "`{}` (paragraph {}) is nearly the same as `{}` (paragraph {} of draft {}), whose id is gone: \
                     comments attach to ids, so keep the id `{}` for this provision",
                    n.id,
                    number(&n.new_number),
                    gone.id,
                    number(&gone.old_number),
                    log.from,
                    gone.id
                ),
            ));
        }
    }
}

fn stale_guide(
    settings: &BookSettings,
    code: &CodeSettings,
    corpus: &Corpus,
    baseline: &DraftRecord,
    log: &ChangeLog,
    out: &mut Vec<Diagnostic>,
) {
    let changed: HashMap<&str, &super::Change> = log
        .changes
        .iter()
        .filter(|c| c.status == Status::Changed)
        .map(|c| (c.id.as_str(), c))
        .collect();
    if changed.is_empty() {
        return;
    }
    let was: HashMap<&str, &str> = baseline
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Section)
        .map(|e| (e.id.as_str(), e.text.as_str()))
        .collect();
    for chapter in corpus.chapters.iter().filter(|c| code.is_guide(&c.source)) {
        let sections: Vec<_> = corpus
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Section && e.source == chapter.source)
            .collect();
        for cite in &chapter.cites {
            let Some(change) = changed.get(cite.id.as_str()) else {
                continue;
            };
            let Some(section) = sections.iter().rev().find(|s| s.line <= cite.line) else {
                continue;
            };
            if was.get(section.id.as_str()) != Some(&section.text.as_str()) {
                continue;
            }
            out.push(Diagnostic::warning(
                settings.src_dir.join(&chapter.source),
                cite.line,
                "redraft-stale-guide",
                format!(
                    "section “{}” cites paragraph {} (`{}`), which changed since draft {}, but the section's own text has not: \
                     check that its explanation still holds",
                    section.title,
                    change.new_number.as_deref().unwrap_or("?"),
                    cite.id,
                    log.from
                ),
            ));
        }
    }
}

fn reused_ids(
    drafts: &[DraftRecord],
    baseline: &DraftRecord,
    current: &DraftRecord,
    path_of: &dyn Fn(&str) -> (std::path::PathBuf, usize),
    out: &mut Vec<Diagnostic>,
) {
    // Every id removed between two consecutive published drafts up to the baseline: the
    // draft that removed it, and its last number and text.
    let mut removed: HashMap<&str, (&str, Option<&str>, &str)> = HashMap::new();
    let upto: Vec<&DraftRecord> = drafts
        .iter()
        .filter(|d| record::compare_versions(&d.version, &baseline.version).is_le())
        .collect();
    for pair in upto.windows(2) {
        let (before, after) = (pair[0], pair[1]);
        let still: std::collections::HashSet<&str> =
            after.provisions().map(|p| p.id.as_str()).collect();
        for p in before.provisions() {
            if still.contains(p.id.as_str()) {
                removed.remove(p.id.as_str());
            } else {
                removed.insert(
                    p.id.as_str(),
                    (after.version.as_str(), p.number.as_deref(), p.text.as_str()),
                );
            }
        }
        for p in after.provisions() {
            removed.remove(p.id.as_str());
        }
    }
    for p in current.provisions() {
        let Some((removed_in, number, text)) = removed.get(p.id.as_str()) else {
            continue;
        };
        if similarity(text, &p.text) >= SAME_FROM {
            continue;
        }
        let (path, line) = path_of(&p.id);
        out.push(Diagnostic::warning(
            path,
            line,
            "redraft-revived-id",
            format!(
                "`{}` was removed in draft {removed_in} (it was paragraph {}) and now names a different provision: \
                 an id removed in an earlier draft may be used again only for the same provision, so give this one a new id",
                p.id,
                number.unwrap_or("?")
            ),
        ));
    }
}
