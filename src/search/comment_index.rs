//! Full-text search over comment bodies, for the drafters' analysis view: an index in
//! memory, analysed exactly as the site's own search analyses the book (split, drop long
//! tokens, lowercase, fold accents, stem as English), so "deleting" finds "deletion".
//!
//! The server adds comments as they arrive (in the order stored, each once); a search
//! returns the references of the comments holding every word of the query, for the
//! store to filter by. Bodies are not stored in the index, only indexed.

use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use super::SearchError;
use super::schema::{ANALYZER, analyzer, register, tokens};

/// The most words a search of comments may have.
pub const MAX_QUERY_WORDS: usize = 16;

/// The writer's memory budget (tantivy's minimum for one thread is 15 MB).
const WRITER_BYTES: usize = 20_000_000;

/// The comment bodies indexed so far.
pub struct CommentIndex {
    writer: IndexWriter,
    reader: IndexReader,
    body: Field,
    position: Field,
    references: Vec<String>,
}

impl std::fmt::Debug for CommentIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommentIndex")
            .field("comments", &self.references.len())
            .finish_non_exhaustive()
    }
}

impl CommentIndex {
    /// An empty index.
    pub fn new() -> Result<CommentIndex, SearchError> {
        let mut b = Schema::builder();
        let body = b.add_text_field(
            "body",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        );
        let position = b.add_u64_field("position", FAST);
        let index = Index::create_in_ram(b.build());
        register(&index);
        let writer = index
            .writer_with_num_threads(1, WRITER_BYTES)
            .map_err(SearchError::Index)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(SearchError::Index)?;
        Ok(CommentIndex {
            writer,
            reader,
            body,
            position,
            references: Vec::new(),
        })
    }

    /// How many comments are indexed.
    pub fn len(&self) -> usize {
        self.references.len()
    }

    /// Whether no comment is indexed.
    pub fn is_empty(&self) -> bool {
        self.references.is_empty()
    }

    /// The reference of the last comment indexed: new comments are those stored after it.
    pub fn last(&self) -> Option<&str> {
        self.references.last().map(String::as_str)
    }

    /// Indexes `comments` (`(reference, body)`, in the order stored) and makes them
    /// searchable.
    pub fn add(&mut self, comments: &[(String, String)]) -> Result<(), SearchError> {
        if comments.is_empty() {
            return Ok(());
        }
        for (reference, body) in comments {
            let mut doc = TantivyDocument::default();
            doc.add_text(self.body, body);
            doc.add_u64(self.position, self.references.len() as u64);
            self.writer.add_document(doc).map_err(SearchError::Index)?;
            self.references.push(reference.clone());
        }
        self.writer.commit().map_err(SearchError::Index)?;
        self.reader.reload().map_err(SearchError::Index)
    }

    /// The references of the comments holding every word of `text` (as the analyser
    /// sees words), in the order stored; `None` when `text` has no word to search for.
    pub fn matching(&self, text: &str) -> Result<Option<Vec<String>>, SearchError> {
        let mut analyzer = analyzer();
        let mut words = tokens(&mut analyzer, text);
        words.sort();
        words.dedup();
        words.truncate(MAX_QUERY_WORDS);
        if words.is_empty() {
            return Ok(None);
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.body, w),
                    IndexRecordOption::Basic,
                ));
                (Occur::Must, q)
            })
            .collect();
        let searcher = self.reader.searcher();
        let hits = searcher
            .search(&BooleanQuery::new(clauses), &DocSetCollector)
            .map_err(SearchError::Index)?;
        let mut positions: Vec<u64> = Vec::with_capacity(hits.len());
        for hit in hits {
            let column = searcher
                .segment_reader(hit.segment_ord)
                .fast_fields()
                .u64("position")
                .map_err(SearchError::Index)?;
            if let Some(p) = column.first(hit.doc_id) {
                positions.push(p);
            }
        }
        positions.sort_unstable();
        Ok(Some(
            positions
                .into_iter()
                .filter_map(|p| usize::try_from(p).ok())
                .filter_map(|p| self.references.get(p).cloned())
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_stemmed_and_folded_as_the_site_search_does() {
        let mut index = CommentIndex::new().expect("index");
        index
            .add(&[
                (
                    "A".into(),
                    "Deleting records after two years is right.".into(),
                ),
                (
                    "B".into(),
                    "The deletion rules for CAFÉ owners are unclear.".into(),
                ),
                ("C".into(), "Nothing about it.".into()),
            ])
            .expect("add");
        index
            .add(&[("D".into(), "Records should be deleted.".into())])
            .expect("add more");
        assert_eq!(index.len(), 4);
        assert_eq!(index.last(), Some("D"));
        let found = |q: &str| index.matching(q).expect("search");
        assert_eq!(
            found("deletion"),
            Some(vec!["A".into(), "B".into(), "D".into()])
        );
        assert_eq!(found("Records deleted"), Some(vec!["A".into(), "D".into()]));
        assert_eq!(found("cafe"), Some(vec!["B".into()]));
        assert_eq!(found("nowhere"), Some(vec![]));
        assert_eq!(found("  ...  "), None);
    }
}
