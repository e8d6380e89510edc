//! After rendering a translation: the theme's own words in its language, and the links
//! between the two languages' pages (`hreflang` alternates and the language switch).
//!
//! Pages pair by path: `guide/respond.html` in the source site and
//! `cy/guide/respond.html` in the Welsh one. A page with a counterpart gets both
//! alternates and a switch to the counterpart; a page without one gets a switch to the
//! other language's home page (and an alternate naming only itself). Fragment ids are shared (a Welsh section carries its
//! English counterpart's id), so the theme's script keeps the paragraph when switching.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::BookError;
use crate::html::escape;
use crate::i18n::{Catalogue, Language};

/// The theme's English words (in `themes/copbook/index.hbs`) and the message of each.
const THEME_WORDS: &[(&str, &str)] = &[
    (">Skip to main content<", "skip-link"),
    (
        "<label for=\"search-q\">Search the Code and guide</label>",
        "search-label",
    ),
    ("<button type=\"submit\">Search</button>", "search-button"),
    (">Contents<", "theme-contents"),
    ("aria-label=\"Contents\"", "theme-contents"),
    ("aria-label=\"Previous and next page\"", "theme-pager"),
    (">Previous<span", "search-previous"),
    (">Next<span", "search-next"),
    (">About this draft<", "footer-about"),
    ("<li><a href=\"/search\">Search</a></li>", "footer-search"),
    (">Published drafts<", "footer-drafts"),
    (">The Code as a PDF<", "footer-pdf"),
    (
        "<li><a href=\"/privacy\">Privacy</a></li>",
        "footer-privacy",
    ),
];

/// Every HTML page under `dir`, relative to it, skipping hidden folders and `skip`.
fn pages(dir: &Path, skip: Option<&Path>) -> Result<Vec<PathBuf>, BookError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let entries = std::fs::read_dir(&folder).map_err(|e| io(&folder, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| io(&folder, e))?;
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if hidden || Some(path.as_path()) == skip {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "html")
                && let Ok(rel) = path.strip_prefix(dir)
            {
                out.push(rel.to_path_buf());
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Puts the theme's words of every page under `dir` into `language`, and points its
/// search forms at that language's search page ([`localise_page`] on each).
pub fn localise_theme(
    dir: &Path,
    language: Language,
    catalogue: &Catalogue,
) -> Result<(), BookError> {
    for rel in pages(dir, None)? {
        let path = dir.join(&rel);
        let html = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        let html = localise_page(&html, language, catalogue);
        std::fs::write(&path, html).map_err(|e| io(&path, e))?;
    }
    Ok(())
}

/// One page of a translation with the theme's words in `language`, its search forms
/// pointed at that language's search page and the source hashes removed.
pub fn localise_page(html: &str, language: Language, catalogue: &Catalogue) -> String {
    let mut html = html.to_string();
    for (english, id) in THEME_WORDS {
        let words = escape(&catalogue.text(language, id));
        let localised = match *id {
            "footer-search" | "footer-privacy" => {
                let page = if *id == "footer-search" {
                    "search"
                } else {
                    "privacy"
                };
                format!(
                    "<li><a href=\"{}/{page}\">{words}</a></li>",
                    language.prefix()
                )
            }
            "search-label" => format!("<label for=\"search-q\">{words}</label>"),
            "search-button" => format!("<button type=\"submit\">{words}</button>"),
            _ if english.starts_with("aria-label") => format!("aria-label=\"{words}\""),
            _ if english.ends_with("<span") => format!(">{words}<span"),
            _ => format!(">{words}<"),
        };
        html = html.replace(english, &localised);
    }
    html = html.replace(
        "<a href=\"/drafts/\">",
        &format!("<a href=\"{}/drafts/\">", language.prefix()),
    );
    html = html.replace(
        "action=\"/search\"",
        &format!("action=\"{}/search\"", language.prefix()),
    );
    without_source_hashes(&html)
}

/// The page without the `en="3fa2c1"` attributes mdBook renders from the headings'
/// `{#id en=3fa2c1}` (which English text a translation was made from: not for readers).
fn without_source_hashes(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(" en=\"") {
        let value = &rest[at + 5..];
        let end = value.find('"').unwrap_or(value.len());
        let is_hash =
            (1..=16).contains(&end) && value[..end].bytes().all(|b| b.is_ascii_hexdigit());
        if is_hash {
            out.push_str(&rest[..at]);
            rest = &value[(end + 1).min(value.len())..];
        } else {
            out.push_str(&rest[..at + 5]);
            rest = value;
        }
    }
    out.push_str(rest);
    out
}

/// How the pages of a source site and its translation link to each other: which pages
/// each has and, for a page without a counterpart, the page of the other language that
/// stands in for it. Kept with a build, so that an incremental one links the pages it
/// re-renders as [`link_languages`] linked the whole site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageLinks {
    /// The translation's language.
    language: Language,
    /// The source site's pages (relative to its HTML folder), sorted.
    source_pages: Vec<PathBuf>,
    /// The translation's pages (relative to its folder), sorted.
    translated_pages: Vec<PathBuf>,
    /// For each page without a counterpart, the first page of the other language (in
    /// path order) that links to it.
    linked_from: HashMap<(Language, PathBuf), PathBuf>,
}

/// Links every page of the source site (`source_dir`, in English) with its counterpart
/// in the translation (`translation_dir`, served under `language`'s prefix); returns how
/// they were linked.
///
/// A translated page with a counterpart also links to the two side by side
/// (`/cy/parallel/<page>`, served by `server::point_in_time`).
pub fn link_languages(
    source_dir: &Path,
    translation_dir: &Path,
    language: Language,
    catalogue: &Catalogue,
) -> Result<LanguageLinks, BookError> {
    let links = LanguageLinks::read(source_dir, translation_dir, language)?;
    let sides = [
        (source_dir, &links.source_pages, Language::English),
        (translation_dir, &links.translated_pages, language),
    ];
    for (dir, pages, this) in sides {
        for rel in pages {
            let path = dir.join(rel);
            let html = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
            let html = links.link_page(&html, rel, this, catalogue);
            std::fs::write(&path, html).map_err(|e| io(&path, e))?;
        }
    }
    Ok(links)
}

impl LanguageLinks {
    /// The pages of both sites as rendered (before they are linked).
    fn read(
        source_dir: &Path,
        translation_dir: &Path,
        language: Language,
    ) -> Result<LanguageLinks, BookError> {
        let mut links = LanguageLinks {
            language,
            source_pages: pages(source_dir, Some(translation_dir))?,
            translated_pages: pages(translation_dir, None)?,
            linked_from: HashMap::new(),
        };
        let sides = [
            (translation_dir, &links.translated_pages, Language::English),
            (source_dir, &links.source_pages, language),
        ];
        let mut linked_from = HashMap::new();
        for (dir, from_pages, to_language) in sides {
            let from_language = to_language.other();
            for from in from_pages {
                if links.has_counterpart(from_language, from) {
                    continue; // the page has a counterpart: its links say nothing
                }
                let path = dir.join(from);
                let html = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
                for rel in links.links_across(&html, from, from_language) {
                    linked_from
                        .entry((to_language, rel))
                        .or_insert_with(|| from.clone());
                }
            }
        }
        links.linked_from = linked_from;
        Ok(links)
    }

    /// The pages of `this` language's site.
    fn pages_of(&self, this: Language) -> &[PathBuf] {
        if this == Language::English {
            &self.source_pages
        } else {
            &self.translated_pages
        }
    }

    /// Whether the page `rel` of `this` language's site has a counterpart in the other's.
    fn has_counterpart(&self, this: Language, rel: &Path) -> bool {
        self.pages_of(this.other())
            .binary_search_by(|p| p.as_path().cmp(rel))
            .is_ok()
    }

    /// The pages of the other language without a counterpart that the page `from` of
    /// `this` language (as rendered, not yet linked) links to by their site path
    /// (`/code/sharing.html`, `/cy/guide/respond.html`), in the order it links to them;
    /// empty when `from` has a counterpart (its links then stand in for nothing).
    pub fn links_across(&self, html: &str, from: &Path, this: Language) -> Vec<PathBuf> {
        if self.has_counterpart(this, from) {
            return Vec::new();
        }
        let to_language = this.other();
        let prefix = format!("{}/", to_language.prefix());
        let mut out = Vec::new();
        for href in html.split("href=\"").skip(1) {
            let href = href.split(['"', '#', '?']).next().unwrap_or_default();
            let Some(rel) = href.strip_prefix(prefix.as_str()) else {
                continue;
            };
            let rel = PathBuf::from(rel);
            let is_other_language =
                to_language == Language::English && rel.starts_with(self.language.code());
            let to_pages = self.pages_of(to_language);
            if is_other_language || !to_pages.contains(&rel) || self.pages_of(this).contains(&rel) {
                continue;
            }
            out.push(rel);
        }
        out
    }

    /// The page `rel` of `this` language's site linked with the other language: `hreflang`
    /// alternates and the language switch (and, on a translated chapter, the link to the
    /// two side by side).
    pub fn link_page(
        &self,
        html: &str,
        rel: &Path,
        this: Language,
        catalogue: &Catalogue,
    ) -> String {
        let url = |lang: Language, rel: &Path| {
            let rel = rel.to_string_lossy().replace('\\', "/");
            format!("{}/{rel}", lang.prefix())
        };
        let home = |lang: Language| format!("{}/", lang.prefix());
        let other = this.other();
        let other_has = self.has_counterpart(this, rel);
        let (alternates, target) = if other_has {
            (
                format!(
                    "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
                    this.html_lang(),
                    escape(&url(this, rel)),
                    other.html_lang(),
                    escape(&url(other, rel)),
                ),
                url(other, rel),
            )
        } else {
            let own = format!(
                "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">\n",
                this.html_lang(),
                escape(&url(this, rel)),
            );
            // A page of the other language that links to this one (the Welsh page listing
            // the Code's English-only chapters) is its nearest counterpart; else the home page.
            let nearest = self
                .linked_from
                .get(&(this, rel.to_path_buf()))
                .map(|from: &PathBuf| url(other, from))
                .unwrap_or_else(|| home(other));
            (own, nearest)
        };
        let switch = format!(
            "<p class=\"language-switch\"><a href=\"{}\" hreflang=\"{}\" lang=\"{}\">{}</a></p>\n",
            escape(&target),
            other.html_lang(),
            other.html_lang(),
            other.endonym()
        );
        // Pages that are not chapters (contents, print, not found) have no pairs to show.
        let chapter = !["toc.html", "print.html", "404.html", "changes.html"]
            .contains(&rel.to_string_lossy().as_ref());
        let switch = if this != Language::English && other_has && chapter {
            format!(
                "{switch}<p class=\"language-switch\"><a href=\"{}\">{}</a></p>\n",
                escape(&format!(
                    "{}/parallel/{}",
                    this.prefix(),
                    rel.to_string_lossy().replace('\\', "/")
                )),
                escape(&catalogue.text(this, "parallel-link"))
            )
        } else {
            switch
        };
        let html = html.replacen("</head>", &format!("{alternates}</head>"), 1);
        html.replacen(
            "<a class=\"contents-link\"",
            &format!("{switch}<a class=\"contents-link\""),
            1,
        )
    }
}

fn io(path: &Path, source: std::io::Error) -> BookError {
    BookError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn source_hashes_are_removed_and_nothing_else() {
        assert_eq!(
            super::without_source_hashes(
                "<h2 en=\"508eb6\" id=\"a\">x</h2><p title=\" en=\"not hex\"\">"
            ),
            "<h2 id=\"a\">x</h2><p title=\" en=\"not hex\"\">"
        );
    }
}
