//! The PDF step of `copbook build`: the Code's and the guide's PDF editions of every
//! language, typeset by the `edition` module from the build's corpora.
//!
//! It is not part of [`super::build_with`] (so neither watch mode's previews nor the
//! tests' builds pay for typesetting): `copbook build` calls [`Site::write_pdfs`] after
//! the build, and the server typesets a served build's PDF only when it is asked for.

use std::path::PathBuf;

use super::Site;
use crate::edition::{self, EditionError, Text, typeset::Document};
use crate::i18n::{Catalogue, Language};

impl Site {
    /// The text of `language` the PDF editions are made from (`None` for a plain mdBook
    /// or a language the site is not in).
    pub fn edition_text(&self, language: Language) -> Option<Text<'_>> {
        let code = self.code()?;
        let english_questions = || {
            code.consultation
                .iter()
                .flat_map(|c| &c.questions)
                .map(|q| (q.chapter.clone(), q.question.clone()))
                .collect::<Vec<_>>()
        };
        if language == Language::English {
            return Some(Text {
                corpus: &self.corpus,
                language,
                title: &self.corpus.title,
                status: &code.status,
                questions: english_questions(),
            });
        }
        let t = self.translations.iter().find(|t| t.language == language)?;
        Some(Text {
            corpus: &t.corpus,
            language,
            title: &t.settings.title,
            status: t.settings.status.as_deref().unwrap_or(&code.status),
            questions: code
                .consultation
                .iter()
                .flat_map(|c| &c.questions)
                .map(|q| {
                    let words = t.settings.questions.get(&q.id).unwrap_or(&q.question);
                    (q.chapter.clone(), words.clone())
                })
                .collect(),
        })
    }

    /// The day the current version was published, if it is.
    pub fn published_date(&self) -> Option<jiff::civil::Date> {
        let code = self.code()?;
        let record = self.drafts.iter().find(|d| d.version == code.version)?;
        record.date.parse().ok()
    }

    /// The most chapters of any PDF edition of the site, every language included; the
    /// editions are typeset by default only up to [`edition::MAX_PDF_CHAPTERS`].
    pub fn largest_pdf_edition(&self) -> usize {
        std::iter::once(Language::English)
            .chain(self.translations.iter().map(|t| t.language))
            .filter_map(|language| self.edition_text(language))
            .map(|text| text.largest_edition())
            .max()
            .unwrap_or(0)
    }

    /// Whether the PDF editions are small enough to typeset without being asked
    /// (see [`edition::MAX_PDF_CHAPTERS`]).
    pub fn pdf_within_limit(&self) -> bool {
        self.largest_pdf_edition() <= edition::MAX_PDF_CHAPTERS
    }

    /// The PDF editions of `language`, each with its file name.
    pub fn pdf_documents<'a>(
        &'a self,
        language: Language,
        catalogue: &Catalogue,
    ) -> Vec<(String, Document<'a>)> {
        match (self.edition_text(language), self.code()) {
            (Some(text), Some(code)) => {
                edition::documents(&text, code, self.published_date(), catalogue)
            }
            _ => Vec::new(),
        }
    }

    /// Typesets every PDF edition into the site's folder (`code-0.1.pdf`, and
    /// `cy/guide-0.1.pdf` for the Welsh one); the files written.
    pub fn write_pdfs(&self) -> Result<Vec<PathBuf>, EditionError> {
        let catalogue = Catalogue::new().map_err(|e| EditionError::Typeset {
            document: "PDF edition".into(),
            message: e.to_string(),
        })?;
        let mut written = Vec::new();
        let mut languages = vec![(Language::English, self.html_dir.clone())];
        for t in &self.translations {
            languages.push((t.language, t.html_dir.clone()));
        }
        let mut jobs = Vec::new();
        for (language, dir) in languages {
            for (name, doc) in self.pdf_documents(language, &catalogue) {
                jobs.push((dir.join(&name), name, doc));
            }
        }
        // Each document on its own thread: they share only the fonts, loaded once.
        let results: Vec<Result<PathBuf, EditionError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .iter()
                .map(|(path, name, doc)| {
                    scope.spawn(move || {
                        let bytes = edition::pdf::typeset(doc, name)?;
                        std::fs::write(path, bytes).map_err(|source| EditionError::Io {
                            path: path.clone(),
                            source,
                        })?;
                        Ok(path.clone())
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(EditionError::Typeset {
                            document: "PDF edition".into(),
                            message: "the typesetting thread panicked".into(),
                        })
                    })
                })
                .collect()
        });
        for result in results {
            written.push(result?);
        }
        Ok(written)
    }
}
