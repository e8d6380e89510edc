//! BM25 statistics with one idf per word across fields.
//!
//! tantivy computes a term's idf per field. Headings are few and short, so a word that
//! is in almost every paragraph ("LEDS", "data", "use") is rare among headings, and a
//! heading match on it would outweigh a text match on the one rare word the reader
//! meant. Like BM25F, we take a word's rarity from the whole book: a heading or
//! breadcrumb term's document frequency is at least that of the same word in the text.
//! Field lengths (for length normalisation) stay per field.

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// A statistics provider that shares the text field's document frequencies.
pub struct SharedIdf<'a> {
    /// The index's searcher.
    pub searcher: &'a Searcher,
    /// The field whose frequencies are shared.
    pub text: Field,
    /// The fields that borrow them.
    pub borrowers: [Field; 2],
    /// Exact token counts by field (tantivy's own are estimates after a merge of a
    /// segment with deletes).
    pub tokens: &'a std::collections::HashMap<Field, u64>,
}

impl Bm25StatisticsProvider for SharedIdf<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.tokens.get(&field) {
            Some(&n) => Ok(n),
            None => self.searcher.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let own = self.searcher.doc_freq(term)?;
        if !self.borrowers.contains(&term.field()) {
            return Ok(own);
        }
        let value = term.value();
        let Some(word) = value.as_str() else {
            return Ok(own);
        };
        let in_text = self
            .searcher
            .doc_freq(&Term::from_field_text(self.text, word))?;
        Ok(own.max(in_text))
    }
}
