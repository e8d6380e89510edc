//! Full-text search over the [`Corpus`]: the tantivy schema, the indexer, query
//! building and hits with snippets.
//!
//! One document per corpus entry (every provision and section of every chapter). The
//! searchable fields (a section's own heading, the breadcrumb, the text) are stemmed
//! English with case and accent folding (`schema.rs`); the rest is stored raw for
//! filters, exact matches and hits. Scores are BM25 with one idf per word across fields
//! (`stats.rs`).
//!
//! The reader's text is never given to tantivy's query parser: `query.rs` cuts it into
//! words, quoted phrases and provision numbers and builds a query of `SHOULD` clauses
//! with synonyms, typo tolerance (`expand.rs`), phrase and proximity boosts. Any string
//! is a valid query; text with nothing to search for has no hits. Snippets are escaped
//! HTML with `<mark>` around matched words (`snippet.rs`).
//!
//! Synonyms are copbook's shipped plain-English vocabulary (`vocabulary.rs`, on unless
//! the book switches it off) under the book's own entries; a key may be a word, a phrase
//! or a concept pattern ("how long ... keep"). Expansions always weigh less than the
//! words typed. The first hits are then reranked by the question's form (`rerank.rs`):
//! definitions first for "what is …", the public guide and the Code paragraphs it cites
//! for everyday questions. A word the book does not hold gets a "did you mean" from the
//! index's own words. `log.rs` keeps what readers searched for (text and daily counts).
//!
//! A [`SearchIndex`] is immutable once built and cheap to clone (an `Arc` inside): the
//! server shares one between requests and swaps it whole on rebuild. `copbook build`
//! writes the index to `OUT/.copbook/search-index` with [`SearchIndex::build`];
//! [`SearchIndex::open`] reads it back.
//!
//! Error policy: [`SearchError`] names the folder and the step that failed. Searching
//! fails only if the index itself is unreadable, never because of what was typed.

pub mod comment_index;
mod expand;
pub mod log;
pub mod options;
mod query;
mod rerank;
mod schema;
mod scrub;
mod snippet;
mod stats;
mod tokenize;
mod unsynced;
mod vocabulary;
pub mod welsh;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, EnableScoring, Occur, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::book::{Corpus, EntryKind, Part};
use crate::config::SearchSynonyms;
use expand::{Fuzzy, Synonyms};
pub use options::SearchOptions;
pub use query::MAX_QUERY_CHARS;
use schema::Fields;

/// Hits reranked by the question's form (definition, everyday question).
const RERANK_DEPTH: usize = 30;

/// Memory the indexer may use before it writes a segment (one thread).
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// Why an index could not be built, opened or searched.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index folder could not be created or written.
    #[error("cannot write the search index in {path}: {source}")]
    Create {
        /// The folder.
        path: PathBuf,
        /// What tantivy said.
        source: tantivy::TantivyError,
    },
    /// Indexing the corpus failed.
    #[error("cannot index the corpus: {0}")]
    Index(tantivy::TantivyError),
    /// The folder holds no index, or one tantivy cannot read.
    #[error("cannot open the search index in {path}: {source} (rebuild it with `copbook build`)")]
    Open {
        /// The folder.
        path: PathBuf,
        /// What tantivy said.
        source: tantivy::TantivyError,
    },
    /// The folder holds an index that another version of copbook wrote.
    #[error(
        "the search index in {path} was not written by this version of copbook: {message} (rebuild it with `copbook build`)"
    )]
    Incompatible {
        /// The folder.
        path: PathBuf,
        /// What does not match.
        message: String,
    },
    /// Reading the index while searching failed.
    #[error("search failed: {0}")]
    Search(#[from] tantivy::TantivyError),
    /// A file operation on the index folder failed.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// What to search for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// What the reader typed; any string is accepted.
    pub text: String,
    /// Most hits to return.
    pub limit: usize,
    /// Hits to skip (for the next page).
    pub offset: usize,
    /// Only entries of this part.
    pub part: Option<Part>,
}

impl SearchQuery {
    /// The first ten hits for `text` in the whole book.
    pub fn new(text: impl Into<String>) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            limit: 10,
            offset: 0,
            part: None,
        }
    }
}

/// The hits of one search.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// How many entries match in all (the hits are one page of them).
    pub total: usize,
    /// The page of hits, best first.
    pub hits: Vec<Hit>,
    /// How long the search took, in microseconds.
    pub took_us: u64,
    /// "Did you mean": the query with its misspelt words (words the book does not hold
    /// and the synonyms do not explain) corrected from the book's own words.
    pub suggestion: Option<String>,
}

/// One entry found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Hit {
    /// The entry's stable id.
    pub id: String,
    /// A provision's display number, e.g. `4.3`.
    pub number: Option<String>,
    /// The heading the entry sits under.
    pub title: String,
    /// Site-absolute page and anchor, e.g. `/code/sharing.html#share-lawful-basis`.
    pub url: String,
    /// The chapter's source path, e.g. `code/sharing.md`.
    pub source: String,
    /// Code or guide.
    pub part: Part,
    /// The theme id, for entries of a theme chapter.
    pub theme: Option<String>,
    /// Part › chapter › heading.
    pub breadcrumb: String,
    /// HTML: the matched fragment of the text, escaped, `<mark>` around matched words.
    pub snippet: String,
    /// The ranking score (higher is better; only comparable within one search).
    pub score: f32,
}

/// An entry as stored in the index, kept in memory for building hits.
#[derive(Debug, Clone)]
struct Stored {
    id: String,
    number: Option<String>,
    title: String,
    url: String,
    source: String,
    part: Part,
    theme: Option<String>,
    breadcrumb: String,
    text: String,
}

/// What a [`SearchIndex`] shares between its clones.
struct Inner {
    /// Kept so the searcher's files stay open.
    _index: Index,
    _reader: IndexReader,
    /// The one searcher: the index never changes once built.
    searcher: Searcher,
    fields: Fields,
    synonyms: Synonyms,
    fuzzy: &'static Fuzzy,
    /// The stemming analyser (cloned per query: tokenising needs `&mut`).
    analyzer: TextAnalyzer,
    /// The same without stemming.
    plain: TextAnalyzer,
    /// Whether the text is Welsh (analysed with the Welsh analyser).
    welsh: bool,
    /// Stored entries by segment and doc id.
    docs: Vec<Vec<Stored>>,
    /// Each document's place in reading order, by segment and doc id: equal scores rank
    /// in this order, whatever order the documents were added in.
    order: Vec<Arc<Vec<u64>>>,
    /// Segment ord by segment id (a collector sees the segment, not its ord).
    segment_ords: std::collections::HashMap<tantivy::index::SegmentId, usize>,
    /// The exact number of tokens of each field (for BM25's average field length), kept
    /// ourselves: tantivy only estimates it for a segment merged from one with deletes.
    tokens: std::collections::HashMap<Field, u64>,
    /// The statistics written beside the index.
    index_stats: IndexStats,
    num_docs: u64,
    /// Whether the book has both a Code and a public guide (the guide is then
    /// preferred for questions in everyday form).
    has_guide: bool,
}

impl Inner {
    /// The stored entry at an address.
    fn stored(&self, address: DocAddress) -> Option<&Stored> {
        self.docs
            .get(address.segment_ord as usize)?
            .get(address.doc_id as usize)
    }

    /// BM25 statistics with one idf per word across fields.
    fn stats(&self) -> stats::SharedIdf<'_> {
        stats::SharedIdf {
            searcher: &self.searcher,
            text: self.fields.text,
            borrowers: [self.fields.heading, self.fields.breadcrumb],
            tokens: &self.tokens,
        }
    }

    /// A document's place in reading order.
    fn order_of(&self, address: DocAddress) -> u64 {
        self.order
            .get(address.segment_ord as usize)
            .and_then(|docs| docs.get(address.doc_id as usize))
            .copied()
            .unwrap_or(u64::MAX)
    }

    /// The first `limit` hits after `offset` by score, equal scores in reading order.
    fn top(
        &self,
        query: &dyn tantivy::query::Query,
        limit: usize,
        offset: usize,
    ) -> Result<(Vec<(f32, DocAddress)>, usize), SearchError> {
        let order = self.order.clone();
        let ords = self.segment_ords.clone();
        let collector = TopDocs::with_limit(limit).and_offset(offset).tweak_score(
            move |segment: &tantivy::SegmentReader| {
                let docs: Arc<Vec<u64>> = ords
                    .get(&segment.segment_id())
                    .and_then(|&ord| order.get(ord))
                    .cloned()
                    .unwrap_or_default();
                move |doc: tantivy::DocId, score: tantivy::Score| {
                    let place = docs.get(doc as usize).copied().unwrap_or(u64::MAX);
                    (score, std::cmp::Reverse(place))
                }
            },
        );
        let (top, total) = self.searcher.search_with_statistics_provider(
            query,
            &(collector, Count),
            &self.stats(),
        )?;
        Ok((
            top.into_iter()
                .map(|((score, _), address)| (score, address))
                .collect(),
            total,
        ))
    }
}

/// What copbook keeps beside a tantivy index (`copbook-stats.json`): the exact token
/// count of each field and the chapters in reading order.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
struct IndexStats {
    /// Tokens by field name.
    tokens: std::collections::BTreeMap<String, u64>,
    /// Chapter sources in reading order.
    chapters: Vec<String>,
}

/// The file beside the index holding [`IndexStats`].
const STATS_FILE: &str = "copbook-stats.json";

/// The fields with indexed tokens.
fn token_fields(f: &Fields) -> [Field; 8] {
    [
        f.id,
        f.number,
        f.part,
        f.source,
        f.heading,
        f.breadcrumb,
        f.text,
        f.words,
    ]
}

/// Adds one document per entry, in order.
fn add_entries<'a>(
    writer: &mut IndexWriter,
    fields: &Fields,
    entries: impl IntoIterator<Item = &'a crate::book::Entry>,
) -> Result<(), SearchError> {
    for e in entries {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.id, &e.id);
        if let Some(n) = &e.number {
            doc.add_text(fields.number, n);
        }
        doc.add_text(fields.part, e.part.as_str());
        if let Some(t) = &e.theme {
            doc.add_text(fields.theme, t);
        }
        doc.add_text(fields.source, &e.source);
        doc.add_text(fields.url, &e.url);
        doc.add_text(fields.title, &e.title);
        if e.kind == EntryKind::Section {
            doc.add_text(fields.heading, &e.title);
        }
        doc.add_text(fields.breadcrumb, &e.breadcrumb);
        doc.add_text(fields.text, &e.text);
        if e.kind == EntryKind::Section {
            doc.add_text(fields.words, &e.title);
        }
        doc.add_text(fields.words, &e.text);
        writer.add_document(doc).map_err(SearchError::Index)?;
    }
    Ok(())
}

/// The exact token count of each field of a searcher whose segments have no deletes.
fn exact_tokens(searcher: &Searcher, fields: &Fields) -> std::collections::BTreeMap<String, u64> {
    use tantivy::query::Bm25StatisticsProvider as _;
    let schema = searcher.schema();
    token_fields(fields)
        .into_iter()
        .filter_map(|field| {
            let n = searcher.total_num_tokens(field).ok()?;
            Some((schema.get_field_name(field).to_string(), n))
        })
        .collect()
}

/// The token counts `entries` add to each field, counted by indexing them alone in RAM
/// exactly as they are indexed for the book.
fn tokens_of(
    schema: &tantivy::schema::Schema,
    fields: &Fields,
    entries: &[&crate::book::Entry],
) -> Result<std::collections::BTreeMap<String, u64>, SearchError> {
    let index = Index::create_in_ram(schema.clone());
    schema::register(&index);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(1, WRITER_MEMORY)
        .map_err(SearchError::Index)?;
    add_entries(&mut writer, fields, entries.iter().copied())?;
    writer.commit().map_err(SearchError::Index)?;
    let reader: IndexReader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(SearchError::Index)?;
    Ok(exact_tokens(&reader.searcher(), fields))
}

/// A search index over one book's corpus. `Send + Sync`, and cheap to clone.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("num_docs", &self.inner.num_docs)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Indexes a corpus in RAM (`dir: None`, used by the server) or in the folder `dir`,
    /// which must not hold an index already (used by `copbook build`).
    pub fn build(
        corpus: &Corpus,
        synonyms: &SearchSynonyms,
        dir: Option<&Path>,
    ) -> Result<SearchIndex, SearchError> {
        SearchIndex::build_with(corpus, synonyms, dir, schema::ANALYZER, Durability::Synced)
    }

    /// [`SearchIndex::build`] for the Welsh pages: text analysed with the Welsh analyser
    /// (folding, Welsh stop words, mutations), queries too, with the shipped Welsh
    /// vocabulary (`vocabulary_cy.toml`).
    pub fn build_welsh(corpus: &Corpus, dir: Option<&Path>) -> Result<SearchIndex, SearchError> {
        SearchIndex::build_with(
            corpus,
            &Self::welsh_synonyms(),
            dir,
            welsh::WELSH_ANALYZER,
            Durability::Synced,
        )
    }

    /// [`SearchIndex::build`] (`welsh` false) or [`SearchIndex::build_welsh`] into the
    /// folder `dir`, its files written as `durability` says.
    pub fn build_in(
        corpus: &Corpus,
        synonyms: &SearchSynonyms,
        dir: &Path,
        welsh: bool,
        durability: Durability,
    ) -> Result<SearchIndex, SearchError> {
        let analyzer = if welsh {
            welsh::WELSH_ANALYZER
        } else {
            schema::ANALYZER
        };
        SearchIndex::build_with(corpus, synonyms, Some(dir), analyzer, durability)
    }

    /// The synonyms a Welsh index searches with: the shipped Welsh vocabulary alone.
    pub fn welsh_synonyms() -> SearchSynonyms {
        SearchSynonyms {
            vocabulary: true,
            entries: std::collections::BTreeMap::new(),
        }
    }

    fn build_with(
        corpus: &Corpus,
        synonyms: &SearchSynonyms,
        dir: Option<&Path>,
        analyzer: &str,
        durability: Durability,
    ) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema::schema_with(analyzer);
        let index = match dir {
            None => Index::create_in_ram(schema),
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| SearchError::Io {
                    path: dir.to_path_buf(),
                    source,
                })?;
                let create_error = |source| SearchError::Create {
                    path: dir.to_path_buf(),
                    source,
                };
                let directory = durability.directory(dir).map_err(create_error)?;
                if Index::exists(&*directory).map_err(|e| create_error(e.into()))? {
                    return Err(create_error(tantivy::TantivyError::IndexAlreadyExists));
                }
                Index::create(directory, schema, tantivy::IndexSettings::default())
                    .map_err(create_error)?
            }
        };
        schema::register(&index);
        // One thread and one segment: the same book always gives the same doc ids, so
        // ties rank the same way, in reading order.
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(SearchError::Index)?;
        add_entries(&mut writer, &fields, &corpus.entries)?;
        writer.commit().map_err(SearchError::Index)?;
        let segments = index.searchable_segment_ids().map_err(SearchError::Index)?;
        if segments.len() > 1 {
            writer.merge(&segments).wait().map_err(SearchError::Index)?;
        }
        writer.wait_merging_threads().map_err(SearchError::Index)?;
        let path = dir.map_or_else(|| PathBuf::from("(memory)"), Path::to_path_buf);
        // Segments without deletes: tantivy's token counts are exact.
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(SearchError::Index)?;
        let index_stats = IndexStats {
            tokens: exact_tokens(&reader.searcher(), &fields),
            chapters: corpus.chapters.iter().map(|c| c.source.clone()).collect(),
        };
        drop(reader);
        if let Some(dir) = dir {
            write_stats(dir, &index_stats)?;
        }
        SearchIndex::from_index(index, fields, synonyms, &path, Some(index_stats))
    }

    /// The index of `corpus` made from this one, which indexes the book before a save
    /// that changed only the entries of the chapters `edit.changed`: this index's files are
    /// linked into `to` (they never change once written), the documents of those
    /// chapters are deleted and their new entries added, and the segments are merged
    /// into one, which holds no deleted document. Scores and ranks are then those of an
    /// index built from scratch: document frequencies count no deleted document, the
    /// token counts are kept exactly (minus the removed entries' tokens, plus the added
    /// ones'), and equal scores rank in reading order, not by when a document was added.
    /// The files written are synced to disk as `durability` says.
    pub fn update(
        &self,
        from: &Path,
        to: &Path,
        corpus: &Corpus,
        edit: ChapterEdit<'_>,
        synonyms: &SearchSynonyms,
        durability: Durability,
    ) -> Result<SearchIndex, SearchError> {
        let ChapterEdit { removed, changed } = edit;
        link_index_files(from, to)?;
        let open_error = |source| SearchError::Open {
            path: to.to_path_buf(),
            source,
        };
        let index = durability
            .directory(to)
            .and_then(Index::open)
            .map_err(open_error)?;
        let fields = schema::fields_of(&index.schema(), to)?;
        schema::register(&index);
        if changed.is_empty() {
            // The same documents: the same index.
            let index_stats = IndexStats {
                chapters: corpus.chapters.iter().map(|c| c.source.clone()).collect(),
                ..self.inner.index_stats.clone()
            };
            write_stats(to, &index_stats)?;
            return SearchIndex::from_index(index, fields, synonyms, to, Some(index_stats));
        }
        let added: Vec<&crate::book::Entry> = corpus
            .entries
            .iter()
            .filter(|e| changed.contains(&e.source))
            .collect();
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(SearchError::Index)?;
        for source in changed {
            writer.delete_term(Term::from_field_text(fields.source, source));
        }
        add_entries(&mut writer, &fields, added.iter().copied())?;
        writer.commit().map_err(SearchError::Index)?;
        let segments = index.searchable_segment_ids().map_err(SearchError::Index)?;
        writer.merge(&segments).wait().map_err(SearchError::Index)?;
        writer.wait_merging_threads().map_err(SearchError::Index)?;
        let schema = index.schema();
        let minus = tokens_of(&schema, &fields, removed)?;
        let plus = tokens_of(&schema, &fields, &added)?;
        let mut tokens = self.inner.index_stats.tokens.clone();
        for (name, n) in tokens.iter_mut() {
            *n = n.saturating_sub(minus.get(name).copied().unwrap_or(0))
                + plus.get(name).copied().unwrap_or(0);
        }
        let index_stats = IndexStats {
            tokens,
            chapters: corpus.chapters.iter().map(|c| c.source.clone()).collect(),
        };
        write_stats(to, &index_stats)?;
        SearchIndex::from_index(index, fields, synonyms, to, Some(index_stats))
    }

    /// Opens an index written by [`SearchIndex::build`] with a folder.
    pub fn open(dir: &Path, synonyms: &SearchSynonyms) -> Result<SearchIndex, SearchError> {
        let open_error = |source| SearchError::Open {
            path: dir.to_path_buf(),
            source,
        };
        let index = Index::open_in_dir(dir).map_err(open_error)?;
        let fields = schema::fields_of(&index.schema(), dir)?;
        schema::register(&index);
        let index_stats = std::fs::read(dir.join(STATS_FILE))
            .ok()
            .and_then(|json| serde_json::from_slice(&json).ok());
        SearchIndex::from_index(index, fields, synonyms, dir, index_stats)
    }

    /// `index_stats`: the exact token counts and reading order, if known; else they are
    /// read from the index (exact for an index built from scratch).
    fn from_index(
        index: Index,
        fields: Fields,
        synonyms: &SearchSynonyms,
        path: &Path,
        index_stats: Option<IndexStats>,
    ) -> Result<SearchIndex, SearchError> {
        let open_error = |source| SearchError::Open {
            path: path.to_path_buf(),
            source,
        };
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(open_error)?;
        let searcher = reader.searcher();
        let mut docs = Vec::with_capacity(searcher.segment_readers().len());
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let mut segment_docs = Vec::with_capacity(segment.max_doc() as usize);
            for doc_id in 0..segment.max_doc() {
                let address = DocAddress::new(ord as u32, doc_id);
                let doc: TantivyDocument = searcher.doc(address).map_err(open_error)?;
                segment_docs.push(stored(&doc, &fields, path)?);
            }
            docs.push(segment_docs);
        }
        let is_welsh = schema::text_analyzer_of(&index.schema(), &fields).as_deref()
            == Some(welsh::WELSH_ANALYZER);
        let mut analyzer = if is_welsh {
            welsh::analyzer()
        } else {
            schema::analyzer()
        };
        // Each language its own shipped vocabulary.
        let entries = if is_welsh {
            vocabulary::merged_welsh(synonyms)
        } else {
            vocabulary::merged(synonyms)
        };
        let synonyms = Synonyms::new(&entries, &mut analyzer);
        let has_guide = docs.iter().flatten().any(|d| d.part == Part::Guide)
            && docs.iter().flatten().any(|d| d.part == Part::Code);
        let index_stats = index_stats.unwrap_or_else(|| {
            // Chapters in the order their documents were added.
            let mut chapters: Vec<String> = Vec::new();
            for d in docs.iter().flatten() {
                if chapters.last() != Some(&d.source) && !chapters.contains(&d.source) {
                    chapters.push(d.source.clone());
                }
            }
            IndexStats {
                tokens: exact_tokens(&searcher, &fields),
                chapters,
            }
        });
        let rank: std::collections::HashMap<&str, u64> = index_stats
            .chapters
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i as u64))
            .collect();
        let mut seen: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
        let order: Vec<Arc<Vec<u64>>> = docs
            .iter()
            .map(|segment| {
                segment
                    .iter()
                    .map(|d| {
                        let n = seen.entry(d.source.as_str()).or_insert(0);
                        *n += 1;
                        let chapter = rank
                            .get(d.source.as_str())
                            .copied()
                            .unwrap_or(u64::from(u32::MAX));
                        (chapter << 32) | (*n - 1)
                    })
                    .collect::<Vec<u64>>()
                    .into()
            })
            .collect();
        let segment_ords = searcher
            .segment_readers()
            .iter()
            .enumerate()
            .map(|(ord, r)| (r.segment_id(), ord))
            .collect();
        let schema = index.schema();
        let tokens = index_stats
            .tokens
            .iter()
            .filter_map(|(name, n)| Some((schema.get_field(name).ok()?, *n)))
            .collect();
        Ok(SearchIndex {
            inner: Arc::new(Inner {
                order,
                segment_ords,
                tokens,
                index_stats,
                has_guide,
                num_docs: searcher.num_docs(),
                _index: index,
                _reader: reader,
                searcher,
                fields,
                synonyms,
                fuzzy: Fuzzy::shared(),
                analyzer,
                plain: schema::plain_analyzer(),
                welsh: is_welsh,
                docs,
            }),
        })
    }

    /// How many entries the index holds.
    pub fn num_docs(&self) -> u64 {
        self.inner.num_docs
    }

    /// Searches the index. Any text is accepted; text with nothing to search for (empty,
    /// only punctuation, only emoji) gives no hits.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        self.search_with(q, &SearchOptions::default())
    }

    /// [`SearchIndex::search`] as a book's `[output.html.search]` settings ask: every word
    /// required, field weights, and at most `limit_results` hits in all.
    pub fn search_with(
        &self,
        q: &SearchQuery,
        options: &SearchOptions,
    ) -> Result<SearchResults, SearchError> {
        let started = Instant::now();
        let inner = &*self.inner;
        let plan = query::plan(inner, &q.text, options)?;
        let Some(mut query) = plan.query else {
            return Ok(SearchResults {
                total: 0,
                hits: Vec::new(),
                took_us: elapsed_us(started),
                suggestion: None,
            });
        };
        if let Some(part) = q.part {
            let term = Term::from_field_text(inner.fields.part, part.as_str());
            let filter = TermQuery::new(term, IndexRecordOption::Basic);
            query = Box::new(BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(Box::new(filter), 0.0)),
                ),
                (Occur::Must, query),
            ]));
        }
        let max = usize::try_from(inner.num_docs)
            .unwrap_or(usize::MAX)
            .min(options.limit_results);
        let (offset, limit) = (q.offset.min(max), q.limit.min(max));
        let limit = limit.min(max - offset);
        let (top, total) = if limit == 0 {
            (Vec::new(), inner.searcher.search(&*query, &Count)?)
        } else if plan.intent.reranks() && offset < RERANK_DEPTH {
            // Rerank the first hits by the question's form, then cut the page.
            let depth = RERANK_DEPTH.max(limit.saturating_add(offset)).min(max);
            let (top, total) = inner.top(&*query, depth, 0)?;
            // Only the first RERANK_DEPTH by score are reordered, so every page agrees
            // on where the reranked window ends.
            let mut ranked: Vec<(u8, f32, DocAddress)> = top
                .into_iter()
                .enumerate()
                .map(|(i, (score, address))| {
                    let (tier, factor) = match inner.stored(address) {
                        Some(doc) if i < RERANK_DEPTH => {
                            rerank::rank(&plan.intent, doc, inner.has_guide)
                        }
                        _ => (0, 1.0),
                    };
                    (tier, score * factor, address)
                })
                .collect();
            let window = ranked.len().min(RERANK_DEPTH);
            let head = &mut ranked[..window];
            if plan.intent.question && inner.has_guide {
                rerank::lift_cited(head, |a| inner.stored(a));
            }
            head.sort_by(|a, b| {
                b.0.cmp(&a.0)
                    .then(b.1.total_cmp(&a.1))
                    .then(inner.order_of(a.2).cmp(&inner.order_of(b.2)))
            });
            let page = ranked
                .into_iter()
                .skip(offset)
                .take(limit)
                .map(|(_, score, address)| (score, address))
                .collect();
            (page, total)
        } else {
            inner.top(&*query, limit, offset)?
        };
        let mut snippets = snippet::Snippets::new(
            plan.highlight,
            inner.plain.clone(),
            inner.analyzer.clone(),
            snippet::SNIPPET_CHARS,
        );
        if inner.welsh {
            snippets = snippets.stem_every_word();
        }
        let hits = top
            .into_iter()
            .filter_map(|(score, address)| {
                let doc = inner.stored(address)?;
                Some(Hit {
                    id: doc.id.clone(),
                    number: doc.number.clone(),
                    title: doc.title.clone(),
                    url: format!("/{}", doc.url),
                    source: doc.source.clone(),
                    part: doc.part,
                    theme: doc.theme.clone(),
                    breadcrumb: doc.breadcrumb.clone(),
                    snippet: snippets.html(&doc.text),
                    score,
                })
            })
            .collect();
        // A word the book does not hold finds nothing by itself, whatever typo
        // tolerance finds for it: say what the reader probably meant.
        let suggestion = query::suggest(inner, &q.text)?;
        Ok(SearchResults {
            total: total.min(options.limit_results),
            hits,
            took_us: elapsed_us(started),
            suggestion,
        })
    }

    /// Why `text` gives the entry `id` its score: tantivy's explanation as JSON, for
    /// tuning ranking.
    pub fn explain(&self, text: &str, id: &str) -> Result<String, SearchError> {
        let plan = query::plan(&self.inner, text, &SearchOptions::default())?;
        let Some(query) = plan.query else {
            return Ok("nothing to search for".to_string());
        };
        for (ord, docs) in self.inner.docs.iter().enumerate() {
            if let Some(doc_id) = docs.iter().position(|d| d.id == id) {
                let address = DocAddress::new(ord as u32, doc_id as u32);
                let stats = self.inner.stats();
                let scoring =
                    EnableScoring::enabled_from_statistics_provider(&stats, &self.inner.searcher);
                let weight = query.weight(scoring)?;
                let segment = self.inner.searcher.segment_reader(address.segment_ord);
                let explanation = weight.explain(segment, address.doc_id)?;
                return Ok(explanation.to_pretty_json());
            }
        }
        Ok(format!("no entry {id}"))
    }
}

/// What a save changed in the indexed book, for [`SearchIndex::update`]: the chapters
/// whose entries changed, and the entries they held before.
#[derive(Debug, Clone, Copy)]
pub struct ChapterEdit<'a> {
    /// The entries of the changed chapters as they were indexed.
    pub removed: &'a [&'a crate::book::Entry],
    /// The source paths of the chapters whose entries changed.
    pub changed: &'a [String],
}

impl ChapterEdit<'_> {
    /// No chapter changed: the update only links the files.
    pub const NONE: ChapterEdit<'static> = ChapterEdit {
        removed: &[],
        changed: &[],
    };
}

/// Whether an index's files are synced to disk as tantivy writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Every commit synced (tantivy's own folder): an index that is published.
    Synced,
    /// Left to the page cache: a watch-mode build's index, replaced at the next save and
    /// never read after the process ends (see `unsynced.rs`).
    Unsynced,
}

impl Durability {
    /// The folder `dir` as a tantivy directory that writes this way.
    fn directory(self, dir: &Path) -> Result<Box<dyn tantivy::Directory>, tantivy::TantivyError> {
        Ok(match self {
            Durability::Synced => Box::new(tantivy::directory::MmapDirectory::open(dir)?),
            Durability::Unsynced => Box::new(unsynced::UnsyncedDirectory::open(dir)?),
        })
    }
}

/// Writes [`IndexStats`] beside the index in `dir`.
fn write_stats(dir: &Path, index_stats: &IndexStats) -> Result<(), SearchError> {
    let path = dir.join(STATS_FILE);
    let json = serde_json::to_vec_pretty(index_stats).map_err(|e| SearchError::Io {
        path: path.clone(),
        source: e.into(),
    })?;
    // A new file, never the linked one of the index this was made from.
    let _ = std::fs::remove_file(&path);
    std::fs::write(&path, json).map_err(|source| SearchError::Io { path, source })
}

/// Links (or, across file systems, copies) the files of the index in `from` into `to`,
/// but not its locks or statistics. tantivy never rewrites a file in place (segments are
/// immutable; `meta.json` is replaced by a rename), so the two indexes cannot disturb
/// each other.
fn link_index_files(from: &Path, to: &Path) -> Result<(), SearchError> {
    let fail = |path: &Path, source| SearchError::Io {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(to).map_err(|e| fail(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| fail(from, e))? {
        let entry = entry.map_err(|e| fail(from, e))?;
        let name = entry.file_name();
        let shown = name.to_string_lossy();
        if shown.ends_with(".lock") || shown == STATS_FILE || !entry.path().is_file() {
            continue;
        }
        let target = to.join(&name);
        if std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target).map_err(|e| fail(&target, e))?;
        }
    }
    Ok(())
}

fn elapsed_us(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX)
}

/// Reads an entry back from its stored fields.
fn stored(doc: &TantivyDocument, f: &Fields, path: &Path) -> Result<Stored, SearchError> {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let part = match text(f.part).as_deref() {
        Some("code") => Part::Code,
        Some("guide") => Part::Guide,
        other => {
            return Err(SearchError::Incompatible {
                path: path.to_path_buf(),
                message: format!("a document has part {other:?}"),
            });
        }
    };
    Ok(Stored {
        id: text(f.id).unwrap_or_default(),
        number: text(f.number),
        title: text(f.title).unwrap_or_default(),
        url: text(f.url).unwrap_or_default(),
        source: text(f.source).unwrap_or_default(),
        part,
        theme: text(f.theme),
        breadcrumb: text(f.breadcrumb).unwrap_or_default(),
        text: text(f.text).unwrap_or_default(),
    })
}

#[cfg(test)]
mod search_tests;
