//! From what a reader typed to a tantivy query, built clause by clause.
//!
//! The reader's text never reaches tantivy's `QueryParser`: it has a grammar (`AND`, `-`,
//! `field:`, `^`, `~`, parentheses) that a member of the public does not mean to use and
//! that fails on unbalanced input. Instead the text is cut into words, double-quoted runs
//! and provision numbers, and each becomes one or more `SHOULD` clauses of a
//! [`BooleanQuery`], so BM25 ranks a document by how many of the reader's words it holds
//! and how rare they are, and no single word is ever required.
//!
//! Per distinct word (stop words dropped, unless the query is nothing else), one
//! *concept* clause: a [`DisjunctionMaxQuery`] over the fields (title × 2.5,
//! breadcrumb × 1.5, text × 1) and over the word's alternatives, so a document scores
//! once per concept, with its best match:
//! - the word itself, stemmed (weight 1);
//! - its synonyms from `book.toml` and the vocabulary (weight 0.7; phrases for
//!   multi-word synonyms), only 0.6 when the book itself uses the word typed, and less
//!   again for an expansion rarer than that word (by the ratio of their idfs, down to
//!   0.7 of it): what the reader typed weighs most, and a word that matches literally
//!   needs its expansions less;
//! - indexed terms one edit away (two from 8 letters) for words of 4+ letters (weight 0.5
//!   for one edit, 0.35 for two), never a stop word. When the word itself is in the
//!   index it is more likely meant than mistyped: then only one edit, weight 0.2, and only
//!   towards words more frequent than it;
//! - for a word the index does not know, the synonyms of the closest synonym key;
//! - in Welsh, each radical the word may be a mutation of (*nghofnod* → `cofnod`,
//!   weight 0.9), and the synonyms of a radical when the word as typed has none.
//!
//! Then, across words: a quoted phrase as a phrase query (× 3), each run of two or three
//! words typed together as a phrase in a heading or paragraph (stop words between them
//! kept at their distance, one position of slack; × 0.2), each pair of adjacent
//! words as a sloppy phrase (× 0.5, proximity), two adjacent words written as one
//! ("finger prints" → `fingerprint`) when the index knows the compound, multi-word
//! synonym keys ("police computer"), and a provision number (`4.3`, `para 4.3`, `§4.3`)
//! or a provision id as an exact match on the raw field with a score no text can reach.
//!
//! Work is bounded whatever the input: 500 characters, 16 distinct words, 6 fuzzy
//! words with 8 expansions each, 8 adjacent pairs, 10 runs, 4 phrases of 12 words, 4
//! numbers.

use std::collections::BTreeMap;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::options::SearchOptions;
use super::{Inner, SearchError, schema};

/// Weight of a match in the title.
pub const TITLE_BOOST: f32 = 2.5;
/// Weight of a match in the breadcrumb (part › chapter › heading).
pub const BREADCRUMB_BOOST: f32 = 1.5;
/// Weight of a match in the text.
pub const TEXT_BOOST: f32 = 1.0;
/// Weight of a synonym relative to the word typed, for a word the book does not use.
pub const SYNONYM_BOOST: f32 = 0.7;
/// Weight of a synonym of a word the book itself uses: the reader's own word matches
/// literally somewhere, so its expansions count for less (a multi-word synonym key whose
/// words the book all uses weighs the same).
pub const SYNONYM_KNOWN_BOOST: f32 = 0.6;
/// An expansion rarer than the word typed keeps only the ratio of their idfs of its
/// weight (a rare formal word must not outscore the common word the reader used), but
/// never less than this share.
pub const EXPANSION_CAP_FLOOR: f32 = 0.7;
/// Weight of a term one edit away from a word the index does not know.
pub const FUZZY1_BOOST: f32 = 0.5;
/// Weight of a term two edits away from a word the index does not know.
pub const FUZZY2_BOOST: f32 = 0.35;
/// Weight of a term one edit away from a word the index knows.
pub const FUZZY_KNOWN_BOOST: f32 = 0.2;
/// Weight of a quoted phrase, on top of its words.
pub const PHRASE_BOOST: f32 = 3.0;
/// Weight of a Welsh word's radical (the word typed, unmutated): the same word, but
/// what was typed matches first.
pub const RADICAL_BOOST: f32 = 0.9;
/// Weight of two adjacent query words found near each other, on top of the words.
pub const PROXIMITY_BOOST: f32 = 0.5;
/// How far apart (in positions) adjacent query words may be to count as near.
pub const PROXIMITY_SLOP: u32 = 3;
/// Weight of a run of two or three query words found as a phrase (in the order typed,
/// with the stop words typed between them, one word of slack) in a heading or a
/// paragraph, on top of the words: the reader's phrase outranks the same words
/// scattered through a paragraph.
pub const PHRASE_RUN_BOOST: f32 = 0.2;
/// Positions of slack allowed inside a phrase run ("right of access" ~ "right to access").
pub const PHRASE_RUN_SLOP: u32 = 1;
/// Longest run of query words searched as one phrase.
pub const PHRASE_RUN_WORDS: usize = 3;
/// Most stop words between two content words of a run ("right of the access").
pub const PHRASE_RUN_GAP: usize = 2;
/// Weight of two adjacent words found written as one.
pub const COMPOUND_BOOST: f32 = 1.0;
/// Score of an exact provision number or id: above anything text can score.
pub const EXACT_SCORE: f32 = 1000.0;
/// DisMax tie breaker: a little credit for matching a concept in more than one field.
pub const TIE_BREAKER: f32 = 0.1;

/// Characters of the query we look at.
pub const MAX_QUERY_CHARS: usize = 500;
/// Distinct words we search for.
pub const MAX_TERMS: usize = 16;
/// Words we look for typos of.
pub const MAX_FUZZY_WORDS: usize = 6;
/// Indexed terms a word's typo tolerance may add.
pub const MAX_EXPANSIONS: usize = 8;
/// Adjacent pairs of words given a proximity or compound clause.
pub const MAX_PAIRS: usize = 8;
/// Runs of query words given a phrase clause.
pub const MAX_RUNS: usize = 10;
/// Quoted phrases searched as phrases, and words kept of each.
pub const MAX_PHRASES: usize = 4;
/// Words of a quoted phrase searched as one phrase (the rest still count as words).
pub const MAX_PHRASE_WORDS: usize = 12;
/// Multi-word synonyms and concept patterns given a clause.
pub const MAX_SYNONYM_PHRASES: usize = 8;
/// Provision numbers looked up.
pub const MAX_NUMBERS: usize = 4;
/// Shortest word (in characters) given typo tolerance.
pub const FUZZY_MIN_CHARS: usize = 4;
/// Shortest word (in characters) allowed two edits.
pub const FUZZY2_MIN_CHARS: usize = 8;

/// Words that neither sink nor drive a result: function words, and the words every
/// question and every paragraph of a Code is made of.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "between", "both", "but", "by", "can", "could",
    "did", "do", "does", "doing", "done", "down", "during", "each", "either", "else", "etc",
    "ever", "every", "few", "for", "from", "further", "get", "gets", "getting", "got",
    "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
    "let", "lets", "may", "me", "might", "more", "most", "must", "my", "myself", "no",
    "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "others", "our",
    "ours", "ourselves", "out", "over", "own", "please", "same", "shall", "she", "should",
    "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under",
    "until", "up", "upon", "us", "very", "want", "was", "we", "were", "what", "whats",
    "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will",
    "with", "within", "would", "yet", "you", "your", "yours", "yourself", "yourselves",
];

/// Words that only announce a number: "para 4.3", "paragraph 4.3", "section 4.3".
const NUMBER_WORDS: &[&str] = &[
    "para",
    "paras",
    "paragraph",
    "paragraphs",
    "section",
    "p",
    "no",
];

/// One word of the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// As typed, lowercased and folded to ASCII.
    pub plain: String,
    /// As indexed: analysed and stemmed.
    pub stem: String,
    /// Inside double quotes: matched exactly, no synonyms, no typos.
    pub quoted: bool,
    /// A stop word (or a word announcing a number).
    pub stop: bool,
}

/// The query cut into its parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Every word, in order.
    pub words: Vec<Word>,
    /// Stems of each double-quoted run of two or more words.
    pub phrases: Vec<Vec<String>>,
    /// Provision numbers, e.g. `4.3`.
    pub numbers: Vec<String>,
    /// The whole query, when it looks like a provision id.
    pub id: Option<String>,
}

/// Cuts `text` into words, quoted phrases and provision numbers. Never fails.
pub fn parse(text: &str, plain: &mut TextAnalyzer, stem: &mut TextAnalyzer) -> Parsed {
    let text: String = text
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut parsed = Parsed::default();
    let trimmed = text.trim().to_lowercase();
    if trimmed.contains('-') && crate::config::is_id(&trimmed) {
        parsed.id = Some(trimmed);
    }
    // Odd segments are inside quotes; an unclosed quote runs to the end.
    for (i, segment) in text.split('"').enumerate() {
        let quoted = i % 2 == 1;
        let mut phrase = Vec::new();
        for chunk in segment.split_whitespace() {
            let core = chunk.trim_matches(|c: char| !c.is_alphanumeric());
            if is_number(core) {
                if parsed.numbers.len() < MAX_NUMBERS && !parsed.numbers.iter().any(|n| n == core) {
                    parsed.numbers.push(core.to_string());
                }
                continue;
            }
            for run in chunk.split(|c: char| !c.is_alphanumeric()) {
                if run.is_empty() {
                    continue;
                }
                let Some(p) = schema::tokens(plain, run).into_iter().next() else {
                    continue;
                };
                // The Welsh analyser drops its stop words ("fy", "yr"): they stay in
                // the query as stop words, for positions and "did you mean".
                let Some(s) = schema::tokens(stem, run).into_iter().next() else {
                    parsed.words.push(Word {
                        stem: p.clone(),
                        plain: p,
                        quoted,
                        stop: true,
                    });
                    continue;
                };
                if quoted && phrase.len() < MAX_PHRASE_WORDS {
                    phrase.push(s.clone());
                }
                parsed.words.push(Word {
                    plain: p,
                    stem: s,
                    quoted,
                    stop: false,
                });
            }
        }
        if phrase.len() >= 2 && parsed.phrases.len() < MAX_PHRASES {
            parsed.phrases.push(phrase);
        }
    }
    let has_number = !parsed.numbers.is_empty();
    for w in &mut parsed.words {
        let single_letter =
            w.plain.chars().count() == 1 && !w.plain.chars().all(|c| c.is_numeric());
        w.stop = w.stop
            || single_letter
            || is_stop_word(&w.plain)
            || (has_number && NUMBER_WORDS.contains(&w.plain.as_str()));
    }
    parsed
}

/// Whether `word` (lowercased) is a stop word.
fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
}

/// `4.3`, `12.10`: digits, a dot, digits (and maybe more levels).
fn is_number(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The query to run and the terms to highlight in snippets.
pub struct Plan {
    /// `None` when the text holds nothing to search for.
    pub query: Option<Box<dyn Query>>,
    /// Indexed terms of the text field → their weight, for the snippet.
    pub highlight: BTreeMap<String, f32>,
    /// What kind of question the text is, for reranking.
    pub intent: Intent,
}

/// The kind of question a query is, read from its form, not its topic.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Intent {
    /// A question of definition ("what is LEDS", "what does controller mean",
    /// "define controller"): the words to define, as typed (lowercased), with the
    /// words the vocabulary gives for them.
    pub define: Vec<String>,
    /// A question in everyday form ("how do I…", "can the police…", "…?", "my record"):
    /// the public guide's answer suits it best.
    pub question: bool,
}

impl Intent {
    /// Whether hits should be reranked for this intent.
    pub fn reranks(&self) -> bool {
        !self.define.is_empty() || self.question
    }
}

/// Words that open a question.
const QUESTION_OPENERS: &[&str] = &[
    "am", "are", "can", "could", "do", "does", "how", "is", "may", "must", "should", "what",
    "whats", "when", "where", "which", "who", "why", "will", "would",
];

/// Words of the reader that say the question is about themselves.
const FIRST_PERSON: &[&str] = &["i", "im", "me", "my", "myself", "mine"];

/// Words that only frame a question of definition.
const DEFINITION_FRAME: &[&str] = &[
    "a",
    "an",
    "are",
    "by",
    "define",
    "definition",
    "do",
    "does",
    "for",
    "is",
    "mean",
    "meaning",
    "meant",
    "of",
    "stand",
    "stands",
    "the",
    "what",
    "whats",
];

/// Reads the intent of a query from its words.
pub fn intent(text: &str, parsed: &Parsed, synonyms: &super::expand::Synonyms) -> Intent {
    let plain: Vec<&str> = parsed.words.iter().map(|w| w.plain.as_str()).collect();
    let question = text.trim_end().ends_with('?')
        || plain.first().is_some_and(|w| QUESTION_OPENERS.contains(w))
        || plain.iter().any(|w| FIRST_PERSON.contains(w));
    let opens_definition = matches!(
        plain.as_slice(),
        ["what", "is" | "are", ..]
            | ["whats", ..]
            | ["what", "does" | "do", .., "mean"]
            | ["what", "does" | "do", .., "stand", "for"]
            | ["define" | "definition" | "meaning", ..]
    );
    let mut define = Vec::new();
    if opens_definition && parsed.numbers.is_empty() {
        let subject: Vec<&Word> = parsed
            .words
            .iter()
            .filter(|w| !DEFINITION_FRAME.contains(&w.plain.as_str()))
            .collect();
        // "What is the retention period for custody images" asks for a rule, not a
        // definition: a definition's subject is a term of one to three words.
        if (1..=3).contains(&subject.len()) {
            define.push(
                subject
                    .iter()
                    .map(|w| w.plain.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            if subject.len() == 1 {
                for expansion in synonyms.get(&[subject[0].stem.as_str()]).unwrap_or(&[]) {
                    if expansion.len() == 1 && !define.contains(&expansion[0]) {
                        define.push(expansion[0].clone());
                    }
                }
            }
        }
    }
    Intent { define, question }
}

/// One distinct word to search for.
struct Concept {
    stem: String,
    plain: String,
    /// Synonyms and typos allowed (the word appears unquoted).
    expand: bool,
    fuzzy: bool,
}

/// An alternative form of a concept: its stems (a phrase when more than one) and weight.
type Alternative = (Vec<String>, f32);

struct Builder<'a> {
    inner: &'a Inner,
    options: &'a SearchOptions,
    clauses: Vec<(Occur, Box<dyn Query>)>,
    highlight: BTreeMap<String, f32>,
}

/// Plans the query for `text`, as the book's search settings ask.
pub fn plan(inner: &Inner, text: &str, options: &SearchOptions) -> Result<Plan, SearchError> {
    let mut plain = inner.plain.clone();
    let mut stemmer = inner.analyzer.clone();
    let parsed = parse(text, &mut plain, &mut stemmer);
    let mut b = Builder {
        inner,
        options,
        clauses: Vec::new(),
        highlight: BTreeMap::new(),
    };

    // Stop words count only when the query is nothing else ("what is it").
    let only_stop = parsed.numbers.is_empty() && parsed.words.iter().all(|w| w.stop);
    let content: Vec<&Word> = parsed
        .words
        .iter()
        .filter(|w| !w.stop || only_stop)
        .collect();
    let mut concepts: Vec<Concept> = Vec::new();
    for w in &content {
        let expand = !w.quoted && !only_stop;
        if let Some(c) = concepts.iter_mut().find(|c| c.stem == w.stem) {
            c.expand |= expand;
        } else if concepts.len() < MAX_TERMS {
            concepts.push(Concept {
                stem: w.stem.clone(),
                plain: w.plain.clone(),
                expand,
                fuzzy: false,
            });
        }
    }
    choose_fuzzy(&b, &mut concepts)?;
    for c in &concepts {
        b.concept(c)?;
    }

    for phrase in &parsed.phrases {
        if let Some(q) = b.fields_query(phrase, 0, true) {
            b.should(q, PHRASE_BOOST);
            for s in phrase {
                b.mark(s, 1.0);
            }
        }
    }

    b.pairs(&content)?;
    b.runs(&parsed.words, only_stop)?;
    b.synonym_phrases(&parsed.words, &concepts)?;

    for number in &parsed.numbers {
        let term = Term::from_field_text(inner.fields.number, number);
        b.exact(term);
        // Entries that cite the provision read "paragraph 4.3": tokens `4`, `3`.
        let digits: Vec<String> = number.split('.').map(str::to_string).collect();
        b.should(phrase_query(inner.fields.text, &digits, 0), TEXT_BOOST);
    }
    if let Some(id) = &parsed.id {
        b.exact(Term::from_field_text(inner.fields.id, id));
    }

    let highlight = b.weigh_highlight()?;
    let query: Option<Box<dyn Query>> = if b.clauses.is_empty() {
        None
    } else {
        Some(Box::new(BooleanQuery::new(b.clauses)))
    };
    let intent = intent(text, &parsed, &inner.synonyms);
    Ok(Plan {
        query,
        highlight,
        intent,
    })
}

/// Shortest word (in characters) a suggestion may correct.
const SUGGEST_MIN_CHARS: usize = 4;

/// "Did you mean": the query with each word the book does not know (and the vocabulary
/// does not explain) replaced by the book's closest, most used word, or `None` when
/// nothing needs correcting. Words are looked up in the index's own dictionary of words
/// as written, one edit away (two from 8 letters).
pub fn suggest(inner: &Inner, text: &str) -> Result<Option<String>, SearchError> {
    let mut plain = inner.plain.clone();
    let mut stemmer = inner.analyzer.clone();
    let parsed = parse(text, &mut plain, &mut stemmer);
    let defaults = SearchOptions::default();
    let b = Builder {
        inner,
        clauses: Vec::new(),
        highlight: BTreeMap::new(),
        options: &defaults,
    };
    let mut changed = false;
    let mut words: Vec<String> = Vec::with_capacity(parsed.words.len());
    for (i, w) in parsed.words.iter().enumerate() {
        let chars = w.plain.chars().count();
        let candidate = i < MAX_TERMS
            && !w.stop
            && !w.quoted
            && chars >= SUGGEST_MIN_CHARS
            && !w.plain.chars().any(|c| c.is_numeric())
            && b.synonyms_of(&w.stem).is_none()
            && !b.known_in_any_form(&w.stem)?;
        let mut word = w.plain.clone();
        if candidate {
            let distance = if chars >= FUZZY2_MIN_CHARS { 2 } else { 1 };
            let near = inner.fuzzy.near(
                &inner.searcher,
                inner.fields.words,
                &w.plain,
                distance,
                is_stop_word,
            )?;
            let closest = near.first().map(|(_, d)| *d);
            let mut best: Option<(u64, &str)> = None;
            for (term, _) in near.iter().filter(|(_, d)| Some(*d) == closest) {
                let df = inner
                    .searcher
                    .doc_freq(&Term::from_field_text(inner.fields.words, term))?;
                if best.is_none_or(|(bd, _)| df > bd) {
                    best = Some((df, term));
                }
            }
            if let Some((_, term)) = best {
                word = term.to_string();
                changed = true;
            }
        }
        words.push(word);
    }
    Ok(changed.then(|| words.join(" ")))
}

/// Gives typo tolerance to at most [`MAX_FUZZY_WORDS`] words: those the index does not
/// know first (likely typos), then the longest.
fn choose_fuzzy(b: &Builder<'_>, concepts: &mut [Concept]) -> Result<(), SearchError> {
    let mut eligible = Vec::new();
    for (i, c) in concepts.iter().enumerate() {
        let chars = c.plain.chars().count();
        if c.expand && chars >= FUZZY_MIN_CHARS && !c.plain.chars().all(|ch| ch.is_numeric()) {
            eligible.push((b.known(&c.stem)?, std::cmp::Reverse(chars), i));
        }
    }
    eligible.sort();
    for (_, _, i) in eligible.into_iter().take(MAX_FUZZY_WORDS) {
        concepts[i].fuzzy = true;
    }
    Ok(())
}

impl Builder<'_> {
    /// Adds a `SHOULD` clause with a boost.
    fn should(&mut self, query: Box<dyn Query>, boost: f32) {
        let query: Box<dyn Query> = if (boost - 1.0).abs() < f32::EPSILON {
            query
        } else {
            Box::new(BoostQuery::new(query, boost))
        };
        self.clauses.push((Occur::Should, query));
    }

    /// Adds an exact match on a raw field that outranks any text match.
    fn exact(&mut self, term: Term) {
        let q = TermQuery::new(term, IndexRecordOption::Basic);
        self.clauses.push((
            Occur::Should,
            Box::new(ConstScoreQuery::new(Box::new(q), EXACT_SCORE)),
        ));
    }

    /// Records a stem to highlight with a weight (the highest wins).
    fn mark(&mut self, stem: &str, weight: f32) {
        let slot = self.highlight.entry(stem.to_string()).or_insert(0.0);
        *slot = slot.max(weight);
    }

    /// Documents holding `stem` in the title or text.
    fn doc_freq(&self, stem: &str) -> Result<u64, SearchError> {
        let f = &self.inner.fields;
        let s = &self.inner.searcher;
        Ok(s.doc_freq(&Term::from_field_text(f.text, stem))?
            + s.doc_freq(&Term::from_field_text(f.heading, stem))?)
    }

    /// BM25's idf for a word held by `df` documents (title or text).
    fn idf(&self, df: u64) -> f32 {
        let n = self.inner.searcher.num_docs() as f32;
        let df = df as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// How much of its weight an expansion keeps beside a word typed with idf
    /// `own_idf`: all of it when it is no rarer than that word, else the ratio of the
    /// two idfs, so a rare expansion never outscores the common word the reader typed.
    /// A phrase counts by its words' mean idf.
    fn idf_cap(&self, own_idf: f32, expansion: &[String]) -> Result<f32, SearchError> {
        if expansion.is_empty() {
            return Ok(1.0);
        }
        let mut sum = 0.0;
        for s in expansion {
            sum += self.idf(self.doc_freq(s)?.max(1));
        }
        let idf = sum / expansion.len() as f32;
        Ok(if idf > own_idf {
            (own_idf / idf).max(EXPANSION_CAP_FLOOR)
        } else {
            1.0
        })
    }

    /// Whether the index holds `stem` in the title or text.
    fn known(&self, stem: &str) -> Result<bool, SearchError> {
        Ok(self.doc_freq(stem)? > 0)
    }

    /// Whether the index holds `stem` or, in Welsh, a radical it may be a mutation of.
    fn known_in_any_form(&self, stem: &str) -> Result<bool, SearchError> {
        if self.known(stem)? {
            return Ok(true);
        }
        for radical in self.radicals(stem) {
            if self.known(&radical)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The radicals of a Welsh word (empty for English).
    fn radicals(&self, stem: &str) -> Vec<String> {
        if self.inner.welsh {
            super::welsh::radicals(stem)
        } else {
            Vec::new()
        }
    }

    /// The synonyms of a one-word key: the word's own or, in Welsh, those of the first
    /// of its radicals that has some ("lun" is looked up as "llun").
    fn synonyms_of(&self, stem: &str) -> Option<&[Vec<String>]> {
        let synonyms = &self.inner.synonyms;
        synonyms.get(&[stem]).or_else(|| {
            self.radicals(stem)
                .iter()
                .find_map(|r| synonyms.get(&[r.as_str()]))
        })
    }

    /// One clause per concept: the best of its alternatives in the best field.
    fn concept(&mut self, c: &Concept) -> Result<(), SearchError> {
        let mut alternatives: Vec<Alternative> = vec![(vec![c.stem.clone()], 1.0)];
        if c.expand {
            let own = self.doc_freq(&c.stem)?;
            let known = own > 0;
            for radical in self.radicals(&c.stem) {
                if self.known(&radical)? {
                    alternatives.push((vec![radical], RADICAL_BOOST));
                }
            }
            let synonyms = self.synonyms_of(&c.stem);
            if let Some(list) = synonyms {
                if known {
                    // The reader's word is in the book: an expansion never scores above it.
                    let own_idf = self.idf(own);
                    for s in list {
                        let cap = self.idf_cap(own_idf, s)?;
                        alternatives.push((s.clone(), SYNONYM_KNOWN_BOOST * cap));
                    }
                } else {
                    alternatives.extend(list.iter().map(|s| (s.clone(), SYNONYM_BOOST)));
                }
            }
            if c.fuzzy {
                let distance = if !known && c.plain.chars().count() >= FUZZY2_MIN_CHARS {
                    2
                } else {
                    1
                };
                for (stem, d) in self.near(c, distance, own)? {
                    let boost = match (known, d) {
                        (true, _) => FUZZY_KNOWN_BOOST,
                        (false, 1) => FUZZY1_BOOST,
                        _ => FUZZY2_BOOST,
                    };
                    alternatives.push((vec![stem], boost));
                }
                if !known && synonyms.is_none() {
                    let key = self
                        .inner
                        .synonyms
                        .closest_key(&c.stem, usize::from(distance));
                    if let Some(list) = key.and_then(|k| self.inner.synonyms.get(&[k])) {
                        let boost = SYNONYM_BOOST * FUZZY1_BOOST;
                        alternatives.extend(list.iter().map(|s| (s.clone(), boost)));
                    }
                }
            }
        }
        if let Some(q) = self.alternatives_query(&alternatives) {
            // `use-boolean-and`: every word (or one of its forms) must match.
            let occur = if self.options.all_words {
                Occur::Must
            } else {
                Occur::Should
            };
            self.clauses.push((occur, q));
        }
        Ok(())
    }

    /// The stems of the book's words within `distance` edits of the word typed, with
    /// their distance: closest first, then most frequent, at most [`MAX_EXPANSIONS`].
    ///
    /// A word the book uses (`own` > 0 documents) may still be a typo of a commoner word,
    /// but not of a rarer one: a reader who types a frequent word meant it. A typo is
    /// never corrected to a stop word ("hours" is not "your").
    fn near(&self, c: &Concept, distance: u8, own: u64) -> Result<Vec<(String, u8)>, SearchError> {
        let words = self.inner.fuzzy.near(
            &self.inner.searcher,
            self.inner.fields.words,
            &c.plain,
            distance,
            is_stop_word,
        )?;
        let mut stemmer = self.inner.analyzer.clone();
        let mut by_stem: BTreeMap<String, u8> = BTreeMap::new();
        for (word, d) in words {
            let Some(stem) = schema::tokens(&mut stemmer, &word).into_iter().next() else {
                continue;
            };
            if stem != c.stem && !is_stop_word(&stem) {
                let slot = by_stem.entry(stem).or_insert(d);
                *slot = (*slot).min(d);
            }
        }
        let mut ranked = Vec::with_capacity(by_stem.len());
        for (stem, d) in by_stem {
            let df = self.doc_freq(&stem)?;
            if df > own {
                ranked.push((d, std::cmp::Reverse(df), stem));
            }
        }
        ranked.sort();
        ranked.truncate(MAX_EXPANSIONS);
        Ok(ranked.into_iter().map(|(d, _, stem)| (stem, d)).collect())
    }

    /// A DisMax over every (alternative, field) pair.
    fn alternatives_query(&mut self, alternatives: &[Alternative]) -> Option<Box<dyn Query>> {
        let f = self.inner.fields;
        let mut disjuncts: Vec<Box<dyn Query>> = Vec::new();
        for (stems, weight) in alternatives {
            for s in stems {
                self.mark(s, *weight);
            }
            let o = self.options;
            for (field, field_boost) in [
                (f.heading, TITLE_BOOST * o.boost_title),
                (f.breadcrumb, BREADCRUMB_BOOST * o.boost_hierarchy),
                (f.text, TEXT_BOOST * o.boost_paragraph),
            ] {
                // A phrase scores the sum of its words' weights; as an alternative it
                // stands for one word, so it is scaled down by the square root of its length.
                let (q, per_word) = match stems.as_slice() {
                    [] => continue,
                    [one] => (term_query(field, one), 1.0),
                    many => (
                        phrase_query(field, many, 0),
                        1.0 / (many.len() as f32).sqrt(),
                    ),
                };
                let boost = if *weight < 1.0 {
                    weight * per_word
                } else {
                    *weight
                };
                disjuncts.push(Box::new(BoostQuery::new(q, boost * field_boost)));
            }
        }
        match disjuncts.len() {
            0 => None,
            _ => Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                disjuncts,
                TIE_BREAKER,
            ))),
        }
    }

    /// A phrase (or a single term) in the title, breadcrumb and text, the best field
    /// counting.
    fn fields_query(
        &self,
        stems: &[String],
        slop: u32,
        breadcrumb: bool,
    ) -> Option<Box<dyn Query>> {
        if stems.len() < 2 {
            return None;
        }
        let f = self.inner.fields;
        let mut disjuncts: Vec<Box<dyn Query>> = vec![
            Box::new(BoostQuery::new(
                phrase_query(f.heading, stems, slop),
                TITLE_BOOST,
            )),
            Box::new(BoostQuery::new(
                phrase_query(f.text, stems, slop),
                TEXT_BOOST,
            )),
        ];
        if breadcrumb {
            disjuncts.push(Box::new(BoostQuery::new(
                phrase_query(f.breadcrumb, stems, slop),
                BREADCRUMB_BOOST,
            )));
        }
        Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
            disjuncts,
            TIE_BREAKER,
        )))
    }

    /// Proximity and compound clauses for adjacent content words.
    fn pairs(&mut self, content: &[&Word]) -> Result<(), SearchError> {
        let mut stemmer = self.inner.analyzer.clone();
        let mut done = 0;
        for pair in content.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if done >= MAX_PAIRS {
                break;
            }
            if a.stem == b.stem || a.quoted || b.quoted {
                continue;
            }
            done += 1;
            if self.known(&a.stem)? && self.known(&b.stem)? {
                let stems = [a.stem.clone(), b.stem.clone()];
                if let Some(q) = self.fields_query(&stems, PROXIMITY_SLOP, false) {
                    self.should(q, PROXIMITY_BOOST);
                }
            }
            let joined = format!("{}{}", a.plain, b.plain);
            if let Some(stem) = schema::tokens(&mut stemmer, &joined).into_iter().next()
                && self.known(&stem)?
                && let Some(q) = self.alternatives_query(&[(vec![stem], 1.0)])
            {
                self.should(q, COMPOUND_BOOST);
            }
        }
        Ok(())
    }

    /// Phrase clauses for runs of two or three content words typed next to each other
    /// (stop words between them kept at their distance): in a heading or a paragraph,
    /// the reader's own phrase scores above its words scattered. Quoted words are left
    /// to the quoted phrase; words the book does not hold cannot form a phrase.
    fn runs(&mut self, words: &[Word], only_stop: bool) -> Result<(), SearchError> {
        if only_stop {
            return Ok(());
        }
        let mut positioned: Vec<(usize, &Word)> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if !w.stop && !w.quoted && self.known(&w.stem)? {
                positioned.push((i, w));
            } else if !w.stop {
                // An unknown or quoted word breaks a run: push a marker.
                positioned.push((usize::MAX, w));
            }
        }
        let mut done = 0;
        for len in 2..=PHRASE_RUN_WORDS {
            for window in positioned.windows(len) {
                if done >= MAX_RUNS {
                    return Ok(());
                }
                if window.iter().any(|(i, _)| *i == usize::MAX)
                    || window
                        .windows(2)
                        .any(|p| p[1].0 - p[0].0 > PHRASE_RUN_GAP + 1 || p[0].1.stem == p[1].1.stem)
                {
                    continue;
                }
                let first = window[0].0;
                let f = self.inner.fields;
                let mut disjuncts: Vec<Box<dyn Query>> = Vec::new();
                for (field, boost) in [(f.heading, TITLE_BOOST), (f.text, TEXT_BOOST)] {
                    let terms: Vec<(usize, Term)> = window
                        .iter()
                        .map(|(i, w)| (i - first, Term::from_field_text(field, &w.stem)))
                        .collect();
                    let q = PhraseQuery::new_with_offset_and_slop(terms, PHRASE_RUN_SLOP);
                    disjuncts.push(Box::new(BoostQuery::new(Box::new(q), boost)));
                }
                done += 1;
                self.should(
                    Box::new(DisjunctionMaxQuery::with_tie_breaker(
                        disjuncts,
                        TIE_BREAKER,
                    )),
                    PHRASE_RUN_BOOST,
                );
            }
        }
        Ok(())
    }

    /// Synonyms whose key is several words ("police computer") looked up over runs of
    /// unquoted words, and concept patterns ("how long ... keep") over the whole
    /// query, stop words included. Each match is one clause; an expansion already
    /// searched for (by a word's synonyms or an earlier match) is not added again, so
    /// several ways of saying one thing do not pile up above the words typed.
    fn synonym_phrases(&mut self, words: &[Word], concepts: &[Concept]) -> Result<(), SearchError> {
        let synonyms = &self.inner.synonyms;
        // Each match: its expansions with the share of the weight each keeps, and the
        // clause's weight.
        let mut found: Vec<(Vec<Alternative>, f32)> = Vec::new();
        for n in 2..=synonyms.max_words() {
            for run in words.windows(n) {
                if run.iter().any(|w| w.quoted) {
                    continue;
                }
                let stems: Vec<&str> = run.iter().map(|w| w.stem.as_str()).collect();
                if let Some(list) = synonyms.get(&stems) {
                    // A key whose words the book all uses: its expansions weigh less,
                    // and none scores above the key's commonest word.
                    let mut lowest: Option<u64> = Some(0);
                    for w in run.iter().filter(|w| !w.stop) {
                        let df = self.doc_freq(&w.stem)?;
                        lowest = if df == 0 {
                            None
                        } else {
                            lowest.map(|l| l.max(df))
                        };
                    }
                    match lowest {
                        Some(df) => {
                            let own_idf = self.idf(df);
                            let mut capped = Vec::with_capacity(list.len());
                            for s in list {
                                capped.push((s.clone(), self.idf_cap(own_idf, s)?));
                            }
                            found.push((capped, SYNONYM_KNOWN_BOOST));
                        }
                        None => found.push((
                            list.iter().map(|s| (s.clone(), 1.0)).collect(),
                            SYNONYM_BOOST,
                        )),
                    }
                }
            }
        }
        let unquoted: Vec<&str> = words
            .iter()
            .filter(|w| !w.quoted)
            .map(|w| w.stem.as_str())
            .collect();
        for list in synonyms.patterns_in(&unquoted) {
            found.push((
                list.iter().map(|s| (s.clone(), 1.0)).collect(),
                SYNONYM_BOOST,
            ));
        }
        let mut used: Vec<Vec<String>> = Vec::new();
        for c in concepts.iter().filter(|c| c.expand) {
            used.push(vec![c.stem.clone()]);
            if let Some(list) = synonyms.get(&[c.stem.as_str()]) {
                used.extend(list.iter().cloned());
            }
        }
        for (i, (list, weight)) in found.into_iter().enumerate() {
            if i >= MAX_SYNONYM_PHRASES {
                break;
            }
            let fresh: Vec<Alternative> = list
                .into_iter()
                .filter(|(s, _)| !used.contains(s))
                .collect();
            used.extend(fresh.iter().map(|(s, _)| s.clone()));
            if let Some(q) = self.alternatives_query(&fresh) {
                self.should(q, weight);
            }
        }
        Ok(())
    }

    /// Weighs each highlighted term by its rarity in the text, dropping absent ones.
    fn weigh_highlight(&mut self) -> Result<BTreeMap<String, f32>, SearchError> {
        let n = self.inner.searcher.num_docs() as f32;
        let mut out = BTreeMap::new();
        for (stem, weight) in std::mem::take(&mut self.highlight) {
            let df = self
                .inner
                .searcher
                .doc_freq(&Term::from_field_text(self.inner.fields.text, &stem))?;
            if df > 0 {
                let idf = (1.0 + n / df as f32).ln();
                out.insert(stem, weight * idf);
            }
        }
        Ok(out)
    }
}

fn term_query(field: Field, stem: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, stem),
        IndexRecordOption::WithFreqs,
    ))
}

/// A phrase query; a single stem makes a term query (tantivy's phrase needs two).
fn phrase_query(field: Field, stems: &[String], slop: u32) -> Box<dyn Query> {
    match stems {
        [one] => term_query(field, one),
        _ => {
            let terms: Vec<(usize, Term)> = stems
                .iter()
                .enumerate()
                .map(|(i, s)| (i, Term::from_field_text(field, s)))
                .collect();
            Box::new(PhraseQuery::new_with_offset_and_slop(terms, slop))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Parsed {
        parse(text, &mut schema::plain_analyzer(), &mut schema::analyzer())
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn parses_words_phrases_and_numbers() {
        let p = parse_str(r#"Can the police keep my "Custody Images" para §4.3?"#);
        let content: Vec<&str> = p
            .words
            .iter()
            .filter(|w| !w.stop)
            .map(|w| w.stem.as_str())
            .collect();
        assert_eq!(content, ["polic", "keep", "custodi", "imag"]);
        assert_eq!(
            p.phrases,
            vec![vec!["custodi".to_string(), "imag".to_string()]]
        );
        assert_eq!(p.numbers, ["4.3"]);
        assert!(
            p.words
                .iter()
                .find(|w| w.plain == "para")
                .is_some_and(|w| w.stop)
        );
    }

    #[test]
    fn unclosed_quote_runs_to_the_end() {
        let p = parse_str(r#"rules "data sharing agreement"#);
        assert_eq!(p.phrases.len(), 1);
        assert_eq!(p.phrases[0].len(), 3);
    }

    #[test]
    fn reads_definition_and_question_intent() {
        let syn = super::super::expand::Synonyms::default();
        let of = |t: &str| intent(t, &parse_str(t), &syn);
        assert_eq!(of("what is LEDS").define, ["leds"]);
        assert_eq!(of("What does controller mean?").define, ["controller"]);
        assert_eq!(of("define data controller").define, ["data controller"]);
        assert!(
            of("what is the retention period for custody images")
                .define
                .is_empty()
        );
        assert!(of("what is 4.3").define.is_empty());
        assert!(of("how do I complain").question);
        assert!(of("delete my record").question);
        assert!(!of("audit log retention").question);
        assert!(!of("audit log retention").reranks());
    }

    #[test]
    fn numbers_and_ids() {
        assert!(is_number("4.3"));
        assert!(is_number("12.10"));
        assert!(!is_number("4."));
        assert!(!is_number("4"));
        assert!(!is_number("a.3"));
        assert_eq!(
            parse_str("share-lawful-basis").id.as_deref(),
            Some("share-lawful-basis")
        );
        assert_eq!(parse_str("sharing").id, None);
    }
}
