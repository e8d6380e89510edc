//! Our in-process mdBook preprocessor, registered under the name `copbook`.
//!
//! It works from the [`Corpus`] extracted beforehand, so it never parses Markdown: every
//! change is a splice at a byte range the extraction recorded. It
//! - replaces each provision marker by the provision's number, linking to itself;
//! - replaces `{{#cite id}}` by a link reading "paragraph 4.3";
//! - replaces `{{#aims-matrix}}` by the themes × key aims table;
//! - puts the draft's version, status and a breadcrumb at the top of every page;
//! - adds "Comment on this" links to provisions and guide sections while a consultation is set;
//! - replaces `{{#responses id}}` by the consultation's counts for a question or provision,
//!   from the committed summary (see [`super::responses`]), and links each provision with
//!   published responses to them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use mdbook_driver::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use super::corpus::{Chapter, Corpus, EntryKind, Part};
use super::responses::{Subject, SummaryState};
use crate::config::{CodeSettings, PREPROCESSOR_NAME};
use crate::html::escape;
use crate::i18n::{Arg, Catalogue, Language};

/// The placeholder replaced by the themes × key aims table.
pub const MATRIX_PLACEHOLDER: &str = "{{#aims-matrix}}";

/// The generated "Changes since draft X" page (see the `drafts` module's `page.rs`); each
/// provision's entry on it has the anchor `change-<id>`.
pub const CHANGES_PAGE: &str = "changes.html";

/// The `copbook` preprocessor.
pub struct CopbookPreprocessor {
    corpus: Arc<Corpus>,
    settings: Arc<CodeSettings>,
    /// The language of the pages, and the words we add to them.
    language: Language,
    catalogue: Arc<Catalogue>,
    /// For a translation: the source language's corpus, for cites to chapters the
    /// translation does not have (they link to the source language's pages).
    source: Option<Arc<Corpus>>,
    /// The committed consultation summary, if the book has one.
    summary: Arc<SummaryState>,
}

impl CopbookPreprocessor {
    /// A preprocessor for a book whose corpus is `corpus`, in English.
    pub fn new(
        corpus: Arc<Corpus>,
        settings: Arc<CodeSettings>,
        catalogue: Arc<Catalogue>,
    ) -> Self {
        CopbookPreprocessor {
            corpus,
            settings,
            language: Language::English,
            catalogue,
            source: None,
            summary: Arc::new(SummaryState::Absent),
        }
    }

    /// The same with the committed consultation summary.
    pub fn with_summary(mut self, summary: Arc<SummaryState>) -> Self {
        self.summary = summary;
        self
    }

    /// The same for a translation into `language`, whose cites fall back to `source`.
    pub fn translation(mut self, language: Language, source: Arc<Corpus>) -> Self {
        self.language = language;
        self.source = Some(source);
        self
    }

    fn words(&self, id: &str, args: &[(&str, Arg)]) -> String {
        self.catalogue.message(self.language, id, args)
    }
}

impl Preprocessor for CopbookPreprocessor {
    fn name(&self) -> &str {
        PREPROCESSOR_NAME
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> anyhow::Result<Book> {
        let chapters: HashMap<&str, &Chapter> = self
            .corpus
            .chapters
            .iter()
            .map(|c| (c.source.as_str(), c))
            .collect();
        // Folded contents (set by `book::render` above `full-sidebar-max`, or by the
        // author) mean compact navigation: the theme lists no chapters, so we add them.
        let compact = ctx
            .config
            .get::<bool>("output.html.fold.enable")
            .ok()
            .flatten()
            .unwrap_or(false);
        let outline = Outline::of(&book);
        book.for_each_mut(|item| {
            if let BookItem::Chapter(ch) = item
                && let Some(path) = ch.source_path.as_ref().or(ch.path.as_ref())
            {
                let source = path.to_string_lossy().replace('\\', "/");
                let info = chapters.get(source.as_str());
                if let Some(info) = info {
                    ch.content = self.rewrite(info, &ch.content);
                }
                if compact && ch.path.is_some() {
                    ch.content
                        .push_str(&outline.local_nav(&source, info.copied()));
                }
                // The theme's sidebar links to `path` without JavaScript, so it must name
                // the page, not the source. mdBook's `index` step (README → index) runs
                // after ours, so do its renaming here too.
                if let Some(p) = ch.path.as_mut() {
                    let readme = p
                        .file_stem()
                        .is_some_and(|s| s.eq_ignore_ascii_case("readme"));
                    if readme {
                        p.set_file_name("index.html");
                    } else {
                        p.set_extension("html");
                    }
                }
            }
        });
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> anyhow::Result<bool> {
        Ok(renderer == "html")
    }
}

impl CopbookPreprocessor {
    /// The chapter's content with every splice applied.
    fn rewrite(&self, chapter: &Chapter, content: &str) -> String {
        if content.len() != chapter.len {
            // The content changed since extraction (another preprocessor ran first):
            // recorded offsets no longer apply, so leave it alone rather than corrupt it.
            return content.to_string();
        }
        let consultation = self.settings.consultation.is_some();
        let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        edits.push((0..0, self.banner(chapter)));
        for site in &chapter.markers {
            let number = self
                .corpus
                .get(&site.id)
                .and_then(|e| e.number.clone())
                .unwrap_or_default();
            let id = escape(&site.id);
            let label = self.words(
                "book-provision-label",
                &[("number", Arg::from(number.as_str()))],
            );
            edits.push((
                site.range.clone(),
                format!(
                    "<a class=\"provision-number\" id=\"{id}\" href=\"#{id}\" aria-label=\"{}\">{number}</a> ",
                    escape(&label)
                ),
            ));
            if let Some(change) = self.corpus.get(&site.id).and_then(|e| e.change.as_ref())
                && (change.status == "changed" || change.status == "new")
            {
                let what = if change.status == "new" {
                    "New"
                } else {
                    "Changed"
                };
                edits.push((
                    site.end..site.end,
                    format!(
                        "\n\n<p class=\"changed-since\"><a href=\"{}{CHANGES_PAGE}#change-{id}\">{what} since draft {}<span class=\"visually-hidden\"> (paragraph {number})</span></a></p>\n\n",
                        relative_prefix(&chapter.source),
                        escape(&change.since)
                    ),
                ));
            }
            if consultation {
                let what = self.words("book-cite", &[("number", Arg::from(number.as_str()))]);
                edits.push((site.end..site.end, self.comment_link(&site.id, &what)));
            }
            if let Some(link) = self.published_link(&site.id, &number) {
                edits.push((site.end..site.end, link));
            }
        }
        for directive in &chapter.responses {
            edits.push((
                directive.range.clone(),
                self.responses(chapter, &directive.id),
            ));
        }
        for cite in &chapter.cites {
            let cite_text = |number: Option<&str>| {
                self.words("book-cite", &[("number", Arg::from(number.unwrap_or("?")))])
            };
            let in_source = self.source.as_ref().and_then(|s| s.get(&cite.id));
            let text = match (self.corpus.get(&cite.id), in_source) {
                (Some(target), _) if target.kind == EntryKind::Provision => format!(
                    "[{}]({}{}#{})",
                    cite_text(target.number.as_deref()),
                    relative_prefix(&chapter.source),
                    target.source,
                    target.id
                ),
                // A translation citing a provision it does not have: the source page.
                (None, Some(target)) if target.kind == EntryKind::Provision => {
                    format!(
                        "<a href=\"/{}\" hreflang=\"en\">{}</a> {}",
                        escape(&target.url),
                        escape(&cite_text(target.number.as_deref())),
                        escape(&self.words("book-in-english", &[]))
                    )
                }
                _ => format!(
                    "<mark class=\"broken-cite\">unknown paragraph “{}”</mark>",
                    escape(&cite.id)
                ),
            };
            edits.push((cite.range.clone(), text));
        }
        if self.settings.matrix_chapter.as_deref() == Some(chapter.source.as_str())
            && let Some(at) = content.find(MATRIX_PLACEHOLDER)
        {
            edits.push((at..at + MATRIX_PLACEHOLDER.len(), self.matrix(chapter)));
        }
        if consultation {
            // Closes every chapter: its consultation questions, the chapter, the whole draft.
            edits.push((content.len()..content.len(), self.have_your_say(chapter)));
        }
        if consultation && chapter.part == Part::Guide && self.settings.is_guide(&chapter.source) {
            // A link closes each section: before every heading but the title, and at the end.
            let mut section = chapter.id.clone();
            let mut title = chapter.title.clone();
            let skip_title = chapter.headings.first().is_some_and(|h| h.level == 1);
            for h in chapter.headings.iter().skip(usize::from(skip_title)) {
                let what = self.words(
                    "book-comment-section",
                    &[("title", Arg::from(title.as_str()))],
                );
                edits.push((h.start..h.start, self.comment_link(&section, &what)));
                section = format!("{}#{}", chapter.id, h.anchor);
                title = h.text.clone();
            }
            let what = self.words(
                "book-comment-section",
                &[("title", Arg::from(title.as_str()))],
            );
            edits.push((
                content.len()..content.len(),
                self.comment_link(&section, &what),
            ));
        }
        apply(content, edits)
    }

    /// Version, status and breadcrumb, at the top of every page.
    fn banner(&self, chapter: &Chapter) -> String {
        let part = chapter
            .part_title
            .as_deref()
            .map(|p| format!("<li>{}</li>", escape(p)))
            .unwrap_or_default();
        let status = self.words(
            "book-draft-status",
            &[
                ("version", Arg::from(self.settings.version.as_str())),
                ("status", Arg::from(self.settings.status.as_str())),
            ],
        );
        format!(
            "<div class=\"page-context\"><nav class=\"breadcrumb\" aria-label=\"{}\"><ol>{part}<li aria-current=\"page\">{}</li></ol></nav>\
             <p class=\"draft-status\">{}</p></div>\n\n",
            escape(&self.words("book-breadcrumb", &[])),
            escape(&chapter.title),
            escape(&status),
        )
    }

    /// The themes × key aims table, each cell listing the provisions serving that aim.
    fn matrix(&self, here: &Chapter) -> String {
        let prefix = relative_prefix(&here.source);
        let mut html = format!(
            "<div class=\"table-wrapper\"><table class=\"aims-matrix\">\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th>",
            escape(&self.words("book-matrix-caption", &[])),
            escape(&self.words("book-matrix-theme", &[])),
        );
        for aim in &self.settings.aims {
            let _ = write!(html, "<th scope=\"col\">{}</th>", escape(&aim.title));
        }
        html.push_str("</tr></thead>\n<tbody>\n");
        for theme in &self.settings.themes {
            let page = super::corpus::page_url(&theme.chapter);
            let _ = write!(
                html,
                "<tr><th scope=\"row\"><a href=\"{prefix}{}\">{}</a></th>",
                escape(&page),
                escape(&theme.title)
            );
            for aim in &self.settings.aims {
                let cells: Vec<String> = self
                    .corpus
                    .provisions()
                    .filter(|p| p.source == theme.chapter && p.aims.contains(&aim.id))
                    .map(|p| {
                        format!(
                            "<a href=\"{prefix}{}\">{}</a>",
                            escape(&p.url),
                            escape(p.number.as_deref().unwrap_or(&p.id))
                        )
                    })
                    .collect();
                if cells.is_empty() {
                    let _ = write!(
                        html,
                        "<td class=\"gap\">{}</td>",
                        escape(&self.words("book-matrix-none", &[]))
                    );
                } else {
                    let _ = write!(html, "<td>{}</td>", cells.join(", "));
                }
            }
            html.push_str("</tr>\n");
        }
        html.push_str("</tbody>\n</table></div>\n");
        html
    }
}

/// How many chapters on either side of the current one the compact navigation lists.
const NEIGHBOURS: usize = 3;

/// The book's chapters in reading order, with the part each is in: what the compact
/// navigation of a big book shows around a page.
struct Outline {
    /// Chapters with a page, in reading order.
    chapters: Vec<OutlineChapter>,
    /// Each part's title and its index among all of the book's items (the contents page's
    /// `part-N` anchor, as mdBook numbers `chapters` for the theme).
    parts: Vec<(String, usize)>,
    /// Source path → index in `chapters`.
    by_source: HashMap<String, usize>,
}

struct OutlineChapter {
    name: String,
    /// The page, relative to the book's root (`code/a.html`, `index.html`).
    page: String,
    /// Index in `Outline::parts`, if the chapter is in a part.
    part: Option<usize>,
}

impl Outline {
    fn of(book: &Book) -> Outline {
        let mut outline = Outline {
            chapters: Vec::new(),
            parts: Vec::new(),
            by_source: HashMap::new(),
        };
        for (index, item) in book.iter().enumerate() {
            match item {
                BookItem::PartTitle(title) => outline.parts.push((title.clone(), index)),
                BookItem::Chapter(ch) => {
                    let Some(path) = ch.path.as_ref() else {
                        continue;
                    };
                    let source = ch
                        .source_path
                        .as_ref()
                        .unwrap_or(path)
                        .to_string_lossy()
                        .replace('\\', "/");
                    outline.by_source.insert(source, outline.chapters.len());
                    outline.chapters.push(OutlineChapter {
                        name: ch.name.clone(),
                        page: super::corpus::page_url(&path.to_string_lossy().replace('\\', "/")),
                        part: outline.parts.len().checked_sub(1),
                    });
                }
                BookItem::Separator => {}
            }
        }
        outline
    }

    /// The compact navigation at the end of a page: its part, its own sections, its
    /// neighbours in the part, and the full contents page.
    fn local_nav(&self, source: &str, chapter: Option<&Chapter>) -> String {
        let prefix = relative_prefix(source);
        let mut html = String::from("\n\n<nav class=\"local-nav\" aria-label=\"Where you are\">\n");
        let here = self.by_source.get(source).copied();
        let part = here.and_then(|i| self.chapters[i].part);
        if let Some((title, index)) = part.and_then(|p| self.parts.get(p)) {
            let _ = write!(
                html,
                "<p class=\"local-nav-label\">Part</p>\n<p><a href=\"{prefix}toc.html#part-{index}\">{}</a></p>\n",
                escape(title)
            );
        }
        let sections: Vec<_> = chapter
            .map(|c| c.headings.iter().filter(|h| h.level == 2).collect())
            .unwrap_or_default();
        if !sections.is_empty() {
            html.push_str(
                "<p class=\"local-nav-label\">On this page</p>\n<ol class=\"toc-list\">\n",
            );
            for h in sections {
                let _ = writeln!(
                    html,
                    "<li><a href=\"#{}\">{}</a></li>",
                    escape(&h.anchor),
                    escape(&h.text)
                );
            }
            html.push_str("</ol>\n");
        }
        if let Some(i) = here {
            let same_part = |j: &usize| self.chapters[*j].part == part;
            let from = (i.saturating_sub(NEIGHBOURS)..i)
                .find(same_part)
                .unwrap_or(i);
            let to = (i + 1..=(i + NEIGHBOURS).min(self.chapters.len() - 1))
                .rev()
                .find(same_part)
                .unwrap_or(i);
            if from < to {
                html.push_str("<p class=\"local-nav-label\">Nearby</p>\n<ol class=\"toc-list\">\n");
                for (j, c) in self.chapters.iter().enumerate().take(to + 1).skip(from) {
                    let current = if j == i { " aria-current=\"page\"" } else { "" };
                    let _ = writeln!(
                        html,
                        "<li><a href=\"{prefix}{}\"{current}>{}</a></li>",
                        escape(&c.page),
                        escape(&c.name)
                    );
                }
                html.push_str("</ol>\n");
            }
        }
        let _ = write!(
            html,
            "<p class=\"toc-full\"><a href=\"{prefix}toc.html\">Full contents</a></p>\n</nav>\n"
        );
        html
    }
}

/// `../` once per folder between a chapter and the book's `src`.
pub fn relative_prefix(source: &str) -> String {
    "../".repeat(source.matches('/').count())
}

impl CopbookPreprocessor {
    /// "3 published responses" under a provision that has any, from the committed summary.
    fn published_link(&self, id: &str, number: &str) -> Option<String> {
        let published = self.summary.summary()?.targets.get(id)?.published;
        if published == 0 {
            return None;
        }
        Some(format!(
            "\n\n<p class=\"published-responses-link\"><a href=\"{}/responses?on={}\">{}<span class=\"visually-hidden\"> {}</span></a></p>\n\n",
            self.language.prefix(),
            encode(id),
            escape(&self.words(
                "book-responses-link",
                &[("published", Arg::from(published))]
            )),
            escape(&self.words(
                "book-responses-about-paragraph",
                &[("number", Arg::from(number))]
            )),
        ))
    }

    /// What `{{#responses id}}` becomes: the counts, the published responses, and for a
    /// provision its entry in the change log. A directive the check refuses renders as a
    /// marked error, like a broken cite.
    fn responses(&self, chapter: &Chapter, id: &str) -> String {
        // A translation without the provision counts it from the source language's corpus,
        // and links to the source language's change log.
        let corpus = match (&self.source, self.corpus.get(id)) {
            (Some(source), None) => source,
            _ => &self.corpus,
        };
        let subject = self
            .settings
            .consultation
            .is_some()
            .then(|| super::responses::subject(&self.settings, corpus, id))
            .flatten();
        let (Some(summary), Some(subject)) = (self.summary.summary(), subject) else {
            return format!(
                "<mark class=\"broken-responses\">responses to “{}”: see copbook check</mark>",
                escape(id)
            );
        };
        let counts = summary.counts(id);
        let number = |n: u64| Arg::from(n);
        let mut items = Vec::new();
        let query = match subject {
            Subject::Question => "question",
            Subject::Provision => "on",
        };
        if counts.published > 0 {
            items.push(format!(
                "<li><a href=\"{}/responses?{query}={}\">{}</a></li>",
                self.language.prefix(),
                encode(id),
                escape(&self.words(
                    "book-responses-read",
                    &[("published", number(counts.published))]
                )),
            ));
        } else {
            items.push(format!(
                "<li>{}</li>",
                escape(&self.words("book-responses-none-published", &[]))
            ));
        }
        let changes = match &self.source {
            Some(_) => format!("/{CHANGES_PAGE}"),
            None => format!("{}{CHANGES_PAGE}", relative_prefix(&chapter.source)),
        };
        let since = corpus
            .entries
            .iter()
            .find_map(|e| e.change.as_ref().map(|c| c.since.clone()));
        match subject {
            Subject::Provision => {
                let entry = corpus.get(id);
                let provision_number = entry.and_then(|e| e.number.clone()).unwrap_or_default();
                if let Some(change) = entry.and_then(|e| e.change.as_ref()) {
                    let args = [
                        ("number", Arg::from(provision_number.as_str())),
                        ("since", Arg::from(change.since.as_str())),
                    ];
                    if change.status == "unchanged" {
                        items.push(format!(
                            "<li>{}</li>",
                            escape(&self.words("book-responses-unchanged", &args))
                        ));
                    } else {
                        items.push(format!(
                            "<li><a href=\"{changes}#change-{}\">{}</a></li>",
                            escape(id),
                            escape(&self.words("book-responses-changed", &args))
                        ));
                    }
                }
            }
            Subject::Question => {
                if let Some(since) = since {
                    items.push(format!(
                        "<li><a href=\"{changes}\">{}</a></li>",
                        escape(&self.words(
                            "book-responses-changes",
                            &[("since", Arg::from(since.as_str()))]
                        ))
                    ));
                }
            }
        }
        format!(
            "\n\n<div class=\"responses-summary\">\n<p class=\"responses-counts\">{}</p>\n<ul>\n{}\n</ul>\n</div>\n\n",
            escape(&self.words(
                "book-responses-counts",
                &[
                    ("responses", number(counts.responses)),
                    ("grouped", number(counts.grouped)),
                    ("groups", number(counts.campaign_groups)),
                    ("distinct", number(counts.distinct)),
                ]
            )),
            items.join("\n")
        )
    }

    /// The end of every chapter while a consultation is set: the consultation questions
    /// book.toml places in this chapter, each with a link to answer it, then links to
    /// comment on the chapter and on the draft as a whole. A guide chapter says what a
    /// comment is for: the consultation cannot act on anyone's own record.
    fn have_your_say(&self, chapter: &Chapter) -> String {
        let Some(consultation) = self.settings.consultation.as_ref() else {
            return String::new();
        };
        let prefix = self.language.prefix();
        let mut html = format!(
            "\n\n<aside class=\"have-your-say\" aria-labelledby=\"have-your-say\">\n<h2 id=\"have-your-say\">{}</h2>\n",
            escape(&self.words("book-have-your-say", &[]))
        );
        if chapter.part == Part::Guide {
            let _ = writeln!(
                html,
                "<p class=\"have-your-say-purpose\">{}</p>",
                escape(&self.words("book-comment-purpose", &[]))
            );
        }
        let questions: Vec<_> = consultation
            .questions
            .iter()
            .filter(|q| q.chapter == chapter.source)
            .collect();
        if !questions.is_empty() {
            let _ = write!(
                html,
                "<p>{}</p>\n<ul class=\"consultation-questions\">\n",
                escape(&self.words(
                    "book-questions-here",
                    &[("count", Arg::from(questions.len() as u64))]
                ))
            );
            for q in questions {
                let text = &q.question;
                let _ = writeln!(
                    html,
                    "<li><p class=\"consultation-question\">{}</p><p><a href=\"{prefix}/comment?on={}\">{}<span class=\"visually-hidden\">: {}</span></a></p></li>",
                    escape(text),
                    encode(&q.id),
                    escape(&self.words("book-answer-question", &[])),
                    escape(text)
                );
            }
            html.push_str("</ul>\n");
        }
        html.push_str("<ul class=\"have-your-say-links\">\n");
        // Comments attach to the source language's ids: a translated chapter without an
        // English counterpart (the Welsh page listing the English-only Code) has none.
        let commentable = self
            .source
            .as_ref()
            .unwrap_or(&self.corpus)
            .get(&chapter.id);
        if commentable.is_some() {
            let _ = writeln!(
                html,
                "<li><a href=\"{prefix}/comment?on={}\">{}</a></li>",
                encode(&chapter.id),
                escape(&self.words(
                    "book-comment-chapter",
                    &[("title", Arg::from(chapter.title.as_str()))]
                ))
            );
        }
        let _ = write!(
            html,
            "<li><a href=\"{prefix}/comment\">{}</a></li>\n</ul>\n</aside>\n\n",
            escape(&self.words("book-comment-whole", &[]))
        );
        html
    }

    /// A "Comment on this" link to the server's comment form, in the page's language.
    fn comment_link(&self, target: &str, what: &str) -> String {
        let on = percent_encoding::utf8_percent_encode(target, percent_encoding::NON_ALPHANUMERIC);
        format!(
            "\n\n<p class=\"comment-on\"><a href=\"{}/comment?on={on}\">{}<span class=\"visually-hidden\"> {}</span></a></p>\n\n",
            self.language.prefix(),
            escape(&self.words("book-comment-on-this", &[])),
            escape(what)
        )
    }
}

/// `s` percent-encoded for a query string.
fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Applies non-overlapping splices, given in any order.
fn apply(content: &str, mut edits: Vec<(std::ops::Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = String::with_capacity(content.len() + edits.len() * 64);
    let mut last = 0;
    for (range, text) in edits {
        if range.start < last {
            continue; // overlapping splice: keep the first
        }
        out.push_str(&content[last..range.start]);
        out.push_str(&text);
        last = range.end;
    }
    out.push_str(&content[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(relative_prefix("README.md"), "");
        assert_eq!(relative_prefix("guide/a.md"), "../");
        assert_eq!(relative_prefix("a/b/c.md"), "../../");
    }

    #[test]
    fn splices_in_order() {
        let out = apply(
            "hello world",
            vec![
                (6..11, "there".into()),
                (0..0, ">".into()),
                (11..11, "!".into()),
            ],
        );
        assert_eq!(out, ">hello there!");
    }
}
