//! Search quality on real public text: nDCG@10 and MRR over graded queries, on two
//! evaluation books of restated public guidance about police data:
//!
//! - the first set, `tests/relevance/book` with `queries.toml` (the set search was tuned
//!   on);
//! - the held-out set, `tests/relevance/heldout/book` with `heldout/queries.toml`, written
//!   before the ranking changes of issue 29 and never looked at query by query while
//!   tuning. Its floors are what it scored before that tuning: the test shows it did not
//!   get worse.
//!
//! Each book is indexed by the real pipeline: `copbook::book::load` then
//! `SearchIndex::build` with the book's own settings, which hold no synonyms. For
//! comparison the same entries are also ranked by plain BM25 (tantivy's English stemmer
//! over heading and text, every word optional, no vocabulary, typo tolerance or
//! reranking); `tests/relevance/elasticlunr/` ranks them as mdBook's elasticlunr search
//! would.
//!
//! Hits are entries (sections); a query is judged on chapters, in the order their first
//! entry appears, so a chapter counts once. Gain is `2^grade - 1`, discounted by
//! `log2(rank + 1)`. MRR is the reciprocal rank of the first chapter graded 2 or more.
//!
//! `cargo test --test relevance -- --nocapture` prints the figures per kind of reader;
//! `COPBOOK_SEARCH_TABLE=1` adds every query of the first set with its first chapters
//! (never the held-out set's: its per-query results are not for tuning).

use std::collections::BTreeMap;
use std::path::Path;

use copbook::book::Corpus;
use copbook::search::{SearchIndex, SearchQuery};
use serde::Deserialize;

/// Chapters judged per query.
const K: usize = 10;

/// Minimum figures for one set: nDCG@10 and MRR, overall and for the public's queries.
struct Floors {
    ndcg_all: f64,
    ndcg_public: f64,
    mrr_all: f64,
    mrr_public: f64,
}

/// First set. First measurement, before any tuning (commit "Relevance evaluation set"):
/// nDCG@10 0.787 overall, 0.684 public; MRR 0.810, 0.698. With the shipped vocabulary
/// and reranking (issue 19): 0.898, 0.880, 0.916, 0.895; the floors sit a little below
/// the current figures (tests/relevance/README.md).
const FIRST: Floors = Floors {
    ndcg_all: 0.87,
    ndcg_public: 0.85,
    mrr_all: 0.89,
    mrr_public: 0.86,
};

/// Held-out set: what it scored before the tuning of issue 29 (the ranking of commit
/// "Relevance harness": nDCG@10 0.89225 overall, 0.84884 public; MRR 0.87507, 0.81782),
/// cut to three places.
const HELD_OUT: Floors = Floors {
    ndcg_all: 0.892,
    ndcg_public: 0.848,
    mrr_all: 0.875,
    mrr_public: 0.817,
};

#[derive(Debug, Deserialize)]
struct Queries {
    query: Vec<Judged>,
}

#[derive(Debug, Deserialize)]
struct Judged {
    text: String,
    who: String,
    grades: BTreeMap<String, u8>,
}

fn dcg(gains: impl Iterator<Item = u8>) -> f64 {
    gains
        .enumerate()
        .map(|(i, g)| (2f64.powi(i32::from(g)) - 1.0) / ((i + 2) as f64).log2())
        .sum()
}

/// nDCG@K and reciprocal rank of one ranking of chapters.
fn score(ranked: &[String], grades: &BTreeMap<String, u8>) -> (f64, f64) {
    let grade = |c: &String| grades.get(c).copied().unwrap_or(0);
    let actual = dcg(ranked.iter().take(K).map(grade));
    let mut ideal: Vec<u8> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(ideal.into_iter().take(K));
    let rr = ranked
        .iter()
        .position(|c| grade(c) >= 2)
        .map_or(0.0, |i| 1.0 / (i + 1) as f64);
    (if best > 0.0 { actual / best } else { 0.0 }, rr)
}

/// Chapters in the order their first hit appears.
fn first_appearances(sources: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for source in sources {
        if !out.contains(&source) {
            out.push(source);
        }
    }
    out
}

/// copbook's ranking of chapters.
fn chapters(index: &SearchIndex, text: &str) -> Vec<String> {
    let results = index
        .search(&SearchQuery {
            text: text.to_string(),
            limit: 50,
            offset: 0,
            part: None,
        })
        .expect("search never fails");
    first_appearances(results.hits.into_iter().map(|h| h.source))
}

/// Plain BM25 for comparison: one document per entry, heading and text stemmed in
/// English, the reader's words OR-ed by tantivy's query parser (in lenient mode, with
/// its syntax characters taken out), no vocabulary, typos or reranking.
struct PlainBm25 {
    reader: tantivy::IndexReader,
    parser: tantivy::query::QueryParser,
    source: tantivy::schema::Field,
}

impl PlainBm25 {
    fn build(corpus: &Corpus) -> PlainBm25 {
        use tantivy::schema::{STORED, STRING, Schema, TextFieldIndexing, TextOptions};
        let mut schema = Schema::builder();
        let stemmed = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
        );
        let title = schema.add_text_field("title", stemmed.clone());
        let text = schema.add_text_field("text", stemmed);
        let source = schema.add_text_field("source", STRING | STORED);
        let index = tantivy::Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");
        for e in &corpus.entries {
            writer
                .add_document(tantivy::doc!(title => e.title.clone(), text => e.text.clone(), source => e.source.clone()))
                .expect("add");
        }
        writer.commit().expect("commit");
        let reader = index.reader().expect("reader");
        let parser = tantivy::query::QueryParser::for_index(&index, vec![title, text]);
        PlainBm25 {
            reader,
            parser,
            source,
        }
    }

    fn chapters(&self, text: &str) -> Vec<String> {
        use tantivy::schema::Value;
        let clean: String = text
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let (query, _) = self.parser.parse_query_lenient(&clean);
        let searcher = self.reader.searcher();
        let top = searcher
            .search(&query, &tantivy::collector::TopDocs::with_limit(50))
            .expect("search");
        first_appearances(top.into_iter().map(|(_, addr)| {
            let doc: tantivy::TantivyDocument = searcher.doc(addr).expect("doc");
            doc.get_first(self.source)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        }))
    }
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len().max(1) as f64
}

/// nDCG@10 and MRR per kind of reader ("all" included), and one line per query.
struct Figures {
    kinds: BTreeMap<String, (f64, f64, usize)>,
    table: String,
}

impl Figures {
    fn get(&self, kind: &str) -> (f64, f64) {
        self.kinds.get(kind).map_or((0.0, 0.0), |&(n, r, _)| (n, r))
    }

    fn line(&self, name: &str) -> String {
        let mut out = format!("{name:<10}");
        for (kind, (n, r, count)) in &self.kinds {
            out.push_str(&format!(" | {kind} ({count}) nDCG@10 {n:.3} MRR {r:.3}"));
        }
        out
    }
}

fn evaluate(queries: &Queries, rank: impl Fn(&str) -> Vec<String>) -> Figures {
    let mut per: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    let mut table = String::new();
    for q in &queries.query {
        let ranked = rank(&q.text);
        let (ndcg, rr) = score(&ranked, &q.grades);
        for kind in ["all", q.who.as_str()] {
            let slot = per.entry(kind.to_string()).or_default();
            slot.0.push(ndcg);
            slot.1.push(rr);
        }
        let top: Vec<&str> = ranked.iter().take(3).map(String::as_str).collect();
        table.push_str(&format!(
            "{ndcg:.2} {rr:.2} [{}] {:?} → {top:?}\n",
            q.who, q.text
        ));
    }
    let kinds = per
        .into_iter()
        .map(|(k, (n, r))| (k, (mean(&n), mean(&r), n.len())))
        .collect();
    Figures { kinds, table }
}

/// Loads a set, checks its grades name real chapters, and returns the figures of copbook
/// search and of plain BM25 on it.
fn run_set(root: &Path) -> (Figures, Figures) {
    let text = std::fs::read_to_string(root.join("queries.toml")).expect("queries.toml");
    let queries: Queries = toml::from_str(&text).expect("queries.toml parses");
    let loaded = copbook::book::load(&root.join("book")).expect("the evaluation book loads");
    let synonyms = loaded.settings.search_synonyms();
    let index = SearchIndex::build(&loaded.corpus, &synonyms, None).expect("index builds");
    let chapters_in_book: Vec<&str> = loaded
        .corpus
        .entries
        .iter()
        .map(|e| e.source.as_str())
        .collect();
    assert!(queries.query.len() >= 80, "at least 80 graded queries");
    let public = queries.query.iter().filter(|q| q.who == "public").count();
    assert!(public >= 40, "at least 40 queries in the public's words");
    for q in &queries.query {
        for chapter in q.grades.keys() {
            assert!(
                chapters_in_book.contains(&chapter.as_str()),
                "{:?} grades {chapter}, which is not a chapter of the book",
                q.text
            );
        }
    }
    let ours = evaluate(&queries, |t| chapters(&index, t));
    let bm25 = PlainBm25::build(&loaded.corpus);
    let plain = evaluate(&queries, |t| bm25.chapters(t));
    (ours, plain)
}

fn assert_floors(set: &str, ours: &Figures, floors: &Floors, table: &str) {
    let (na, ra) = ours.get("all");
    let (np, rp) = ours.get("public");
    let checks = [
        ("nDCG@10 overall", na, floors.ndcg_all),
        ("nDCG@10 public", np, floors.ndcg_public),
        ("MRR overall", ra, floors.mrr_all),
        ("MRR public", rp, floors.mrr_public),
    ];
    for (what, value, floor) in checks {
        assert!(
            value >= floor,
            "{set}: {what} {value:.3} < {floor}\n{table}"
        );
    }
}

#[test]
fn graded_queries_on_public_text() {
    let (ours, plain) = run_set(Path::new("tests/relevance"));
    if std::env::var_os("COPBOOK_SEARCH_TABLE").is_some() {
        println!("{}", ours.table);
    }
    println!(
        "first set:\n{}\n{}",
        ours.line("copbook"),
        plain.line("BM25")
    );
    assert_floors("first set", &ours, &FIRST, &ours.table);
    assert!(
        ours.get("all").0 > plain.get("all").0,
        "copbook search ranks the first set better than plain BM25"
    );
}

#[test]
fn graded_queries_on_the_held_out_set() {
    let (ours, plain) = run_set(Path::new("tests/relevance/heldout"));
    println!(
        "held-out set:\n{}\n{}",
        ours.line("copbook"),
        plain.line("BM25")
    );
    // Only the figures are shown on failure: the held-out set's misses are not for tuning.
    assert_floors("held-out set", &ours, &HELD_OUT, "");
}

#[test]
fn ndcg_of_a_perfect_and_an_empty_ranking() {
    let grades: BTreeMap<String, u8> = [("a".to_string(), 3), ("b".to_string(), 1)].into();
    let (perfect, rr) = score(&["a".to_string(), "b".to_string()], &grades);
    assert!((perfect - 1.0).abs() < 1e-9);
    assert!((rr - 1.0).abs() < 1e-9);
    let (swapped, rr) = score(&["b".to_string(), "a".to_string()], &grades);
    assert!(swapped < 1.0 && swapped > 0.0);
    assert!((rr - 0.5).abs() < 1e-9);
    assert_eq!(score(&[], &grades), (0.0, 0.0));
}
