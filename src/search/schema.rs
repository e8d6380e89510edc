//! The index's schema and its analyzers.
//!
//! Searchable text (heading, breadcrumb, text) goes through one analyzer, registered as
//! [`ANALYZER`]: split on anything that is not a letter or digit, drop tokens over
//! [`MAX_TOKEN_BYTES`], lowercase, fold accents to ASCII, then stem as English. The query
//! side runs the very same analyzer, so "Deleting" and "deletion" meet at `delet`.
//! Everything else is stored raw: `number`, `part` and `id` for exact matches and filters.
//! The `words` field indexes the same words unstemmed, only as a dictionary for typos.
//!
//! A section's title is its own heading and says what its text is about: it is indexed
//! in `heading`, the field that weighs most. A provision's title is the heading it sits
//! under, shared with its siblings: it describes the group, not the paragraph, so it is
//! only searched as part of the breadcrumb (`part › chapter › heading`), like the
//! chapter title. Otherwise every provision under "Audit and monitoring" would outrank,
//! on the heading alone, the one paragraph that answers the question.

use tantivy::Index;
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

use super::SearchError;

/// The name the stemming analyzer is registered under in the index.
pub const ANALYZER: &str = "copbook_en";

/// The name the analyzer without stemming is registered under in the index.
pub const PLAIN_ANALYZER: &str = "copbook_plain";

pub use super::tokenize::{MAX_TOKEN_BYTES, tokens};

/// Handles of every field of the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The entry's stable id, raw.
    pub id: Field,
    /// A provision's display number (`4.3`), raw.
    pub number: Field,
    /// `code` or `guide`, raw.
    pub part: Field,
    /// The theme id, raw (stored only, for hits).
    pub theme: Field,
    /// The chapter's source path, raw.
    pub source: Field,
    /// The page and anchor, relative to the site root (stored only).
    pub url: Field,
    /// The entry's title, as shown (stored only).
    pub title: Field,
    /// A section's own heading, analysed (empty for provisions).
    pub heading: Field,
    /// Part › chapter › heading, analysed.
    pub breadcrumb: Field,
    /// The plain text, analysed.
    pub text: Field,
    /// Every word of the heading and text as written (not stemmed, not stored): the
    /// dictionary that typo tolerance searches.
    pub words: Field,
}

/// The schema of a copbook search index and its field handles, with the searchable text
/// analysed by the analyser registered as `analyzer` ([`ANALYZER`] for English,
/// [`super::welsh::WELSH_ANALYZER`] for the Welsh pages).
pub fn schema_with(analyzer: &str) -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analysed = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        number: b.add_text_field("number", STRING | STORED),
        part: b.add_text_field("part", STRING | STORED),
        theme: b.add_text_field("theme", STORED),
        source: b.add_text_field("source", STRING | STORED),
        url: b.add_text_field("url", STORED),
        title: b.add_text_field("title", STORED),
        heading: b.add_text_field("heading", analysed.clone()),
        breadcrumb: b.add_text_field("breadcrumb", analysed.clone().set_stored()),
        text: b.add_text_field("text", analysed.set_stored()),
        words: b.add_text_field(
            "words",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(PLAIN_ANALYZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
    };
    (b.build(), fields)
}

/// Finds our fields in an index read from disk, which may have been written by another
/// version of copbook.
pub fn fields_of(schema: &Schema, path: &std::path::Path) -> Result<Fields, SearchError> {
    let get = |name: &str| {
        schema
            .get_field(name)
            .map_err(|_| SearchError::Incompatible {
                path: path.to_path_buf(),
                message: format!("it has no `{name}` field"),
            })
    };
    Ok(Fields {
        id: get("id")?,
        number: get("number")?,
        part: get("part")?,
        theme: get("theme")?,
        source: get("source")?,
        url: get("url")?,
        title: get("title")?,
        heading: get("heading")?,
        breadcrumb: get("breadcrumb")?,
        text: get("text")?,
        words: get("words")?,
    })
}

/// The analyser of searchable text: split, drop long tokens, lowercase, fold, stem.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The same analyser without the stemmer: what the reader typed, lowercased and folded.
pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The name of the analyser of an index's searchable text, as its schema records it.
pub fn text_analyzer_of(schema: &Schema, fields: &Fields) -> Option<String> {
    match schema.get_field_entry(fields.text).field_type() {
        tantivy::schema::FieldType::Str(options) => options
            .get_indexing_options()
            .map(|i| i.tokenizer().to_string()),
        _ => None,
    }
}

/// Registers our analysers with an index (needed after creating and after opening one).
pub fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
    index
        .tokenizers()
        .register(PLAIN_ANALYZER, plain_analyzer());
    index
        .tokenizers()
        .register(super::welsh::WELSH_ANALYZER, super::welsh::analyzer());
}

/// The words of `text` as `analyzer` reads them: the first token at each position. The
/// Welsh analyser gives a word's radicals at the word's own position after it; this is
/// the word itself, once (for the English analyser, every token).
pub fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut last = None;
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        if last != Some(token.position) {
            last = Some(token.position);
            out.push(token.text.clone());
        }
    }
    out
}
