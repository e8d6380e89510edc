//! The PDF edition: the markup of [`super::typeset`] compiled by the Typst libraries
//! in-process, with the fonts bundled in `typst-assets` (no external program, no
//! network, no file read at run time), and written as a tagged PDF with the document's
//! language and title in its metadata.
//!
//! `copbook build` writes `code-<version>.pdf` and `guide-<version>.pdf` beside the pages
//! (and the translation's under its folder, e.g. `cy/guide-0.1.pdf`); watch mode's
//! builds never typeset (the server makes a preview's PDF when it is asked for, once).

use std::sync::{Arc, OnceLock};

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use super::EditionError;
use super::typeset::{self, Document};

/// The bundled fonts and the standard library, loaded once per process.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

/// One document to compile: its only source file is the generated markup.
struct Edition {
    source: Source,
    today: Option<Datetime>,
}

impl World for Edition {
    fn library(&self) -> &LazyHash<Library> {
        &shared().library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &shared().book
    }

    fn main(&self) -> FileId {
        self.source.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.source.id() {
            Ok(Bytes::from_string(self.source.text().to_string()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        shared().fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // The publication date, never the clock: the same book gives the same PDF.
        self.today
    }
}

fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .take(3)
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Typesets `doc` as a tagged PDF (PDF/UA-1 where Typst's checks allow it, else tagged
/// PDF 1.7). `name` names the document in errors.
pub fn typeset(doc: &Document, name: &str) -> Result<Vec<u8>, EditionError> {
    let markup = typeset::markup(doc);
    let today = doc
        .date
        .and_then(|d| Datetime::from_ymd(i32::from(d.year()), d.month() as u8, d.day() as u8));
    let world = Edition {
        source: Source::detached(markup),
        today,
    };
    let failed = |message: String| EditionError::Typeset {
        document: name.to_string(),
        message,
    };
    let document = typst::compile::<typst_layout::PagedDocument>(&world)
        .output
        .map_err(|e| failed(messages(&e)))?;
    let options = |standards: PdfStandards| PdfOptions {
        ident: typst::foundations::Smart::Custom(name.to_string()),
        timestamp: today.map(Timestamp::new_utc),
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    let ua =
        PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| failed(e.message().to_string()))?;
    match typst_pdf::pdf(&document, &options(ua)) {
        Ok(bytes) => Ok(bytes),
        Err(ua_errors) => {
            // What PDF/UA-1 refuses is logged; the edition is still tagged.
            tracing::warn!("{name}: not PDF/UA-1: {}", messages(&ua_errors));
            typst_pdf::pdf(&document, &options(PdfStandards::default()))
                .map_err(|e| failed(messages(&e)))
        }
    }
}

/// A PDF edition's file name: `code-0.1.pdf`, `guide-0.1.pdf`.
pub fn file_name(part: crate::book::Part, version: &str) -> String {
    format!("{}-{version}.pdf", part.as_str())
}

/// PDFs already typeset, by build folder and file: a server making a preview's PDF on
/// request does it once per build.
pub type Cache = Arc<std::sync::Mutex<std::collections::HashMap<String, Arc<Vec<u8>>>>>;
