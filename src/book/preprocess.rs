//! Our in-process mdBook preprocessor, registered under the name `copbook`.
//!
//! It works from the [`Corpus`] extracted beforehand, so it never parses Markdown: every
//! change is a splice at a byte range the extraction recorded. It
//! - replaces each provision marker by the provision's number, linking to itself;
//! - replaces `{{#cite id}}` by a link reading "paragraph 4.3";
//! - replaces `{{#aims-matrix}}` by the themes × key aims table;
//! - puts the draft's version, status and a breadcrumb at the top of every page;
//! - adds "Comment on this" links to provisions and guide sections while a consultation is set.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use mdbook_driver::book::{Book, BookItem};
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

use super::corpus::{Chapter, Corpus, EntryKind, Part};
use crate::config::{CodeSettings, PREPROCESSOR_NAME};
use crate::html::escape;
use crate::i18n::{Arg, Catalogue, Language};

/// The placeholder replaced by the themes × key aims table.
pub const MATRIX_PLACEHOLDER: &str = "{{#aims-matrix}}";

/// The generated "Changes since draft X" page (see `crate::drafts::page`); each
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
        }
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

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> anyhow::Result<Book> {
        let chapters: HashMap<&str, &Chapter> = self
            .corpus
            .chapters
            .iter()
            .map(|c| (c.source.as_str(), c))
            .collect();
        book.for_each_mut(|item| {
            if let BookItem::Chapter(ch) = item
                && let Some(path) = ch.source_path.as_ref().or(ch.path.as_ref())
            {
                let source = path.to_string_lossy().replace('\\', "/");
                if let Some(info) = chapters.get(source.as_str()) {
                    ch.content = self.rewrite(info, &ch.content);
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

/// `../` once per folder between a chapter and the book's `src`.
pub fn relative_prefix(source: &str) -> String {
    "../".repeat(source.matches('/').count())
}

impl CopbookPreprocessor {
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
