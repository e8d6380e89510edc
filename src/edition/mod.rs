//! The Code as a published document: each published draft as it stood (point in time),
//! the PDF edition typeset in-process with the Typst libraries, and the Welsh and English
//! texts paired for reading side by side.
//!
//! It reads the corpus and the published drafts and nothing above them: the server shows
//! what [`as_published`] and [`parallel`] give it, and `copbook build` (not watch mode's
//! preview) writes what [`pdf`] typesets. Nothing here re-parses Markdown: the typeset
//! markup ([`typeset`]) is made from the corpus's plain text, every piece of it escaped as
//! a Typst string.

pub mod as_published;
pub mod parallel;
pub mod pdf;
pub mod typeset;

use std::path::PathBuf;

/// Why an edition could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EditionError {
    /// Typst refused the generated markup (a bug in [`typeset`]): its first messages.
    #[error("typesetting the {document} failed: {message}")]
    Typeset {
        /// Which document, e.g. `code-0.1.pdf`.
        document: String,
        /// What Typst said.
        message: String,
    },
    /// Writing a PDF failed.
    #[error("{path}: {source}")]
    Io {
        /// The file being written.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

use crate::book::{Corpus, Part};
use crate::config::CodeSettings;
use crate::i18n::{Arg, Catalogue, Language};

/// The most chapters a PDF edition (the Code's or the guide's) is typeset with unless
/// `copbook build --pdf` insists. Typst lays a whole document out in memory: with its two
/// PDFs the synthetic 2,000-chapter book's build took 77 s and 13.6 GB on the benchmark
/// machine (`copbook build --pdf`, release build), against 13 s and 250 MB without them. A Code of Practice has tens of chapters (the shipped book: 26 files, 0.2 s);
/// a book past this gets its PDFs only when asked, and the server never typesets one on
/// request (a stranger's click must not cost gigabytes).
pub const MAX_PDF_CHAPTERS: usize = 200;

/// One language's text of the book, as its PDF editions are made from it.
#[derive(Debug, Clone)]
pub struct Text<'a> {
    /// Its provisions and sections.
    pub corpus: &'a Corpus,
    /// Its language.
    pub language: Language,
    /// The book's title in that language.
    pub title: &'a str,
    /// The draft's status in that language.
    pub status: &'a str,
    /// The consultation questions in that language (chapter source, question).
    pub questions: Vec<(String, String)>,
}

impl Text<'_> {
    /// The most chapters any one of this text's PDF editions would hold.
    pub fn largest_edition(&self) -> usize {
        [Part::Code, Part::Guide]
            .into_iter()
            .map(|part| {
                self.corpus
                    .chapters
                    .iter()
                    .filter(|c| c.part == part)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }
}

/// The PDF editions of one language's text: the Code's and the guide's, each with its
/// file name (`code-0.1.pdf`); a part the text has no chapter of has none. `date` is
/// the draft's publication date, if it is published.
pub fn documents<'a>(
    text: &Text<'a>,
    code: &'a CodeSettings,
    date: Option<jiff::civil::Date>,
    catalogue: &Catalogue,
) -> Vec<(String, typeset::Document<'a>)> {
    let language = text.language;
    let t = |id: &str| catalogue.text(language, id);
    let published = match date {
        Some(d) => catalogue.message(
            language,
            "edition-published",
            &[("date", Arg::from(crate::i18n::date(language, d).as_str()))],
        ),
        None => t("edition-unpublished"),
    };
    let html_lang = language.html_lang();
    let (lang, region) = match html_lang.split_once('-') {
        Some((l, r)) => (l, Some(r)),
        None => (html_lang, None),
    };
    let consultation = code.consultation.is_some();
    [Part::Code, Part::Guide]
        .into_iter()
        .filter(|part| text.corpus.chapters.iter().any(|c| c.part == *part))
        .map(|part| {
            let words = typeset::Words {
                contents: t("edition-contents"),
                glossary: t("edition-glossary"),
                questions: t("edition-questions"),
                version: catalogue.message(
                    language,
                    "edition-version",
                    &[("version", Arg::from(code.version.as_str()))],
                ),
                published: published.clone(),
                subtitle: t(match part {
                    Part::Code => "edition-code",
                    Part::Guide => "edition-guide",
                }),
            };
            let doc = typeset::Document {
                corpus: text.corpus,
                part,
                lang,
                region,
                title: text.title,
                status: text.status,
                date,
                glossary: code.glossary_chapter.as_deref(),
                skip: code.matrix_chapter.as_deref().into_iter().collect(),
                questions: if part == Part::Code && consultation {
                    text.questions.clone()
                } else {
                    Vec::new()
                },
                words,
            };
            (pdf::file_name(part, &code.version), doc)
        })
        .collect()
}
