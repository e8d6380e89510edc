//! The "Changes since draft X" page: generated as a chapter of the book, listed in the
//! contents, per chapter each new, changed, renumbered or removed provision with its old
//! and new number and a word-level difference.
//!
//! The difference is marked with `<ins>` and `<del>` (underlined and struck through, which
//! print), and also in words: each run says "inserted" or "deleted" to screen readers, and
//! each provision's summary counts the words added and removed. Colour is never the only
//! signal.

use std::fmt::Write as _;

use super::compare::{Change, ChangeLog, Run, Status};
use crate::book::Corpus;
use crate::html::escape;

/// The generated chapter's source path (relative to `src`); its page is `changes.html`.
pub const PAGE_SOURCE: &str = "changes.md";

/// The generated page's URL, relative to the site root.
pub const PAGE_URL: &str = crate::book::preprocess::CHANGES_PAGE;

/// The page's title, e.g. "Changes since draft 0.1".
pub fn title(log: &ChangeLog) -> String {
    format!("Changes since draft {}", log.from)
}

/// The anchor of a provision's entry on the page.
pub fn anchor(id: &str) -> String {
    format!("change-{id}")
}

/// The page's content: Markdown holding one HTML block per entry.
pub fn render(log: &ChangeLog, corpus: &Corpus) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&title(log)));
    let counts: Vec<String> = log
        .counts()
        .iter()
        .filter(|(s, _)| *s != Status::Unchanged)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
    let _ = writeln!(
        out,
        "<p class=\"changes-intro\">What changed in the Code between draft {} (published {}) and this draft, version {}: {}. \
         Inserted words are underlined and read as “inserted”; deleted words are struck through and read as “deleted”.</p>\n",
        escape(&log.from),
        escape(&log.from_date),
        escape(&log.to),
        escape(&counts.join(", "))
    );
    // Chapters in the current reading order, then any chapter that no longer exists.
    let mut chapters: Vec<&str> = corpus.chapters.iter().map(|c| c.source.as_str()).collect();
    for c in log.edits() {
        if !chapters.contains(&c.chapter()) {
            chapters.push(c.chapter());
        }
    }
    let mut any = false;
    for source in chapters {
        let edits: Vec<&Change> = log.edits().filter(|c| c.chapter() == source).collect();
        if edits.is_empty() {
            continue;
        }
        any = true;
        let chapter_title = corpus
            .chapter(source)
            .map_or_else(|| source.to_string(), |c| c.title.clone());
        let _ = writeln!(
            out,
            "<h2 id=\"changes-{}\">{}</h2>\n",
            escape(&source.trim_end_matches(".md").replace('/', "-")),
            escape(&chapter_title)
        );
        for change in edits {
            entry(&mut out, log, corpus, change);
        }
    }
    if !any {
        out.push_str("<p>No provision has changed.</p>\n");
    }
    out
}

fn entry(out: &mut String, log: &ChangeLog, corpus: &Corpus, c: &Change) {
    let old = c.old_number.as_deref().unwrap_or("?");
    let new = c.new_number.as_deref().unwrap_or("?");
    let heading = match c.status {
        Status::New => format!("Paragraph {new}: new"),
        Status::Removed => format!("Paragraph {old} of draft {}: removed", log.from),
        Status::Renumbered => format!("Paragraph {new} (was {old}): renumbered"),
        _ if old != new => format!("Paragraph {new} (was {old}): changed"),
        _ => format!("Paragraph {new}: changed"),
    };
    let link = corpus
        .get(&c.id)
        .map(|e| {
            format!(
                " <a href=\"{}\">Read paragraph {} in full</a>.",
                escape(&e.url),
                escape(new)
            )
        })
        .unwrap_or_default();
    let summary = match c.status {
        Status::New => format!("New in this draft.{link}"),
        Status::Removed => format!(
            "Removed. Its last text, in draft {}, is below.",
            escape(&log.from)
        ),
        Status::Renumbered => format!(
            "Same text, now paragraph {} (paragraph {} in draft {}).{link}",
            escape(new),
            escape(old),
            escape(&log.from)
        ),
        _ => {
            let (added, removed) = c.word_counts();
            format!(
                "Changed: {added} {} added, {removed} {} removed. Paragraph {} in draft {}.{link}",
                if added == 1 { "word" } else { "words" },
                if removed == 1 { "word" } else { "words" },
                escape(old),
                escape(&log.from)
            )
        }
    };
    let body = match c.status {
        Status::New => one_line(c.new_text.as_deref().unwrap_or_default()),
        Status::Removed | Status::Renumbered => one_line(c.old_text.as_deref().unwrap_or_default()),
        _ => diff_html(c),
    };
    let kind = c.status.as_str();
    let _ = writeln!(
        out,
        "<section class=\"change change-{kind}\" id=\"{}\" aria-labelledby=\"{}-h\"><h3 id=\"{}-h\">{}</h3><p class=\"change-summary\">{summary}</p><blockquote class=\"change-text\"><p>{body}</p></blockquote></section>\n",
        escape(&anchor(&c.id)),
        escape(&anchor(&c.id)),
        escape(&anchor(&c.id)),
        escape(&heading),
    );
}

/// The difference as HTML: `<ins>`/`<del>` with the kind also in words.
pub fn diff_html(c: &Change) -> String {
    segments_html(&c.diff)
}

/// Word-level difference segments as escaped HTML: `<ins>`/`<del>`, each also saying
/// "inserted" or "deleted" to screen readers.
pub fn segments_html(segments: &[super::compare::Segment]) -> String {
    let mut html = String::new();
    for s in segments {
        let text = one_line(&s.text);
        match s.run {
            Run::Same => html.push_str(&text),
            Run::Inserted => {
                let _ = write!(
                    html,
                    "<ins><span class=\"visually-hidden\">[inserted: </span>{text}<span class=\"visually-hidden\">]</span></ins>"
                );
            }
            Run::Deleted => {
                let _ = write!(
                    html,
                    "<del><span class=\"visually-hidden\">[deleted: </span>{text}<span class=\"visually-hidden\">]</span></del>"
                );
            }
        }
    }
    html
}

/// Escaped text on one line: a blank line would end the HTML block in Markdown.
fn one_line(text: &str) -> String {
    let mut flat = String::with_capacity(text.len());
    for ch in text.chars() {
        if ch.is_whitespace() {
            if !flat.ends_with(' ') {
                flat.push(' ');
            }
        } else {
            flat.push(ch);
        }
    }
    escape(&flat)
}
