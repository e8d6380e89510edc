//! Turning one word the reader typed into the terms of the book it may stand for: the
//! synonyms of `book.toml`, and the indexed terms one or two edits away (typos).

use std::collections::{BTreeMap, HashMap};

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder, SINK_STATE};
use tantivy::Searcher;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;

use super::SearchError;
use super::schema;

/// Longest synonym key we look for, in words.
const MAX_KEY_WORDS: usize = 5;

/// What separates the parts of a concept pattern ("how long ... keep").
pub const PATTERN_GAP: &str = "...";

/// Most words a pattern's gap may span in the query.
const MAX_GAP_WORDS: usize = 4;

/// Most parts of a pattern.
const MAX_PATTERN_PARTS: usize = 3;

/// A concept pattern: parts (each a run of stems) that must appear in the query in
/// order, at most [`MAX_GAP_WORDS`] words apart, and what they mean.
#[derive(Debug, Clone)]
struct Pattern {
    parts: Vec<Vec<String>>,
    expansions: Vec<Vec<String>>,
}

/// The synonyms of `book.toml`, keyed and expanded in analysed (stemmed) form, so that
/// "photos" finds the key "photo" and an expansion matches the indexed terms.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// Stems of a key joined by a space → each expansion as a list of stems.
    by_key: HashMap<String, Vec<Vec<String>>>,
    /// Single-word keys (stemmed), for matching a mistyped key.
    single: Vec<String>,
    /// Words in the longest key.
    max_words: usize,
    /// Keys with gaps, matched over the whole query.
    patterns: Vec<Pattern>,
}

impl Synonyms {
    /// Analyses every key and expansion with `analyzer`.
    pub fn new(map: &BTreeMap<String, Vec<String>>, analyzer: &mut TextAnalyzer) -> Synonyms {
        let mut out = Synonyms::default();
        for (key, values) in map {
            if key.contains(PATTERN_GAP) {
                out.add_pattern(key, values, analyzer);
                continue;
            }
            let key_stems = schema::words(analyzer, key);
            if key_stems.is_empty() || key_stems.len() > MAX_KEY_WORDS {
                continue;
            }
            let key = key_stems.join(" ");
            let entry = out.by_key.entry(key.clone()).or_default();
            for value in values {
                let stems = schema::words(analyzer, value);
                if !stems.is_empty() && !entry.contains(&stems) {
                    entry.push(stems);
                }
            }
            if key_stems.len() == 1 && !out.single.contains(&key) {
                out.single.push(key);
            }
            out.max_words = out.max_words.max(key_stems.len());
        }
        out
    }

    fn add_pattern(&mut self, key: &str, values: &[String], analyzer: &mut TextAnalyzer) {
        let parts: Vec<Vec<String>> = key
            .split(PATTERN_GAP)
            .map(|part| schema::words(analyzer, part))
            .filter(|stems| !stems.is_empty())
            .collect();
        if parts.len() < 2
            || parts.len() > MAX_PATTERN_PARTS
            || parts.iter().any(|p| p.len() > MAX_KEY_WORDS)
        {
            return;
        }
        let mut expansions: Vec<Vec<String>> = Vec::new();
        for value in values {
            let stems = schema::words(analyzer, value);
            if !stems.is_empty() && !expansions.contains(&stems) {
                expansions.push(stems);
            }
        }
        if !expansions.is_empty() {
            self.patterns.push(Pattern { parts, expansions });
        }
    }

    /// The expansions of every pattern found in `stems` (the query's words in order,
    /// stop words included).
    pub fn patterns_in(&self, stems: &[&str]) -> Vec<&[Vec<String>]> {
        self.patterns
            .iter()
            .filter(|p| pattern_matches(&p.parts, stems))
            .map(|p| p.expansions.as_slice())
            .collect()
    }

    /// The expansions of a key given as its stems.
    pub fn get(&self, stems: &[&str]) -> Option<&[Vec<String>]> {
        if stems.is_empty() || stems.len() > self.max_words {
            return None;
        }
        self.by_key.get(&stems.join(" ")).map(Vec::as_slice)
    }

    /// Words in the longest key (0 when there are no synonyms).
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    /// The single-word key closest to `stem` within `max_distance` edits, if any (ties go
    /// to the first key in alphabetical order, so results are stable).
    pub fn closest_key(&self, stem: &str, max_distance: usize) -> Option<&str> {
        let mut best: Option<(usize, &str)> = None;
        for key in &self.single {
            let d = edit_distance(stem, key, max_distance);
            if d <= max_distance && best.is_none_or(|(bd, bk)| (d, key.as_str()) < (bd, bk)) {
                best = Some((d, key));
            }
        }
        best.map(|(_, k)| k)
    }
}

/// Whether the parts occur in `stems` in order, each gap at most [`MAX_GAP_WORDS`].
fn pattern_matches(parts: &[Vec<String>], stems: &[&str]) -> bool {
    fn from(parts: &[Vec<String>], stems: &[&str], start: usize, first: bool) -> bool {
        let Some((part, rest)) = parts.split_first() else {
            return true;
        };
        let last_start = if first {
            stems.len()
        } else {
            (start + MAX_GAP_WORDS + 1).min(stems.len())
        };
        (start..last_start).any(|i| {
            stems.len() >= i + part.len()
                && part.iter().zip(&stems[i..]).all(|(p, s)| p == s)
                && from(rest, stems, i + part.len(), false)
        })
    }
    from(parts, stems, 0, true)
}

/// Finds the words of the book within one or two edits of a word typed, with
/// Levenshtein automata run over a term dictionary (a transposition counts as one edit).
///
/// The dictionary searched is of words as written (lowercased, folded, not stemmed):
/// a typo in a suffix ("retentoin") leaves the stemmer nothing to strip, so its stem is
/// far from the right one, while the word as written is one edit from "retention".
pub struct Fuzzy {
    one: LevenshteinAutomatonBuilder,
    two: LevenshteinAutomatonBuilder,
}

impl std::fmt::Debug for Fuzzy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Fuzzy")
    }
}

/// Most words one query word may match, before they are stemmed and ranked.
const MAX_WORDS: usize = 64;

impl Fuzzy {
    /// The one set of builders every index shares: making them takes several
    /// milliseconds (the distance-2 one most), and each index opened would otherwise
    /// make its own.
    pub fn shared() -> &'static Fuzzy {
        static SHARED: std::sync::LazyLock<Fuzzy> = std::sync::LazyLock::new(Fuzzy::new);
        &SHARED
    }

    /// Builds the automaton builders (the costly part: use [`Fuzzy::shared`]).
    fn new() -> Fuzzy {
        Fuzzy {
            one: LevenshteinAutomatonBuilder::new(1, true),
            two: LevenshteinAutomatonBuilder::new(2, true),
        }
    }

    /// Terms of `field` within `distance` edits of `word`, except `word` itself and those
    /// `skip` rejects, with their distance: closest first, then in dictionary order.
    pub fn near(
        &self,
        searcher: &Searcher,
        field: Field,
        word: &str,
        distance: u8,
        skip: impl Fn(&str) -> bool,
    ) -> Result<Vec<(String, u8)>, SearchError> {
        let builder = if distance >= 2 { &self.two } else { &self.one };
        let dfa = builder.build_dfa(word);
        let mut found: BTreeMap<String, u8> = BTreeMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted
                .terms()
                .search(DfaAutomaton(&dfa))
                .into_stream()
                .map_err(|e| SearchError::Search(e.into()))?;
            while stream.advance() {
                let key = stream.key();
                let Distance::Exact(d) = dfa.eval(key) else {
                    continue;
                };
                let Ok(term) = std::str::from_utf8(key) else {
                    continue;
                };
                if d == 0 || skip(term) {
                    continue;
                }
                found.entry(term.to_string()).or_insert(d);
            }
        }
        let mut near: Vec<(String, u8)> = found.into_iter().collect();
        near.sort_by_key(|(_, d)| *d);
        near.truncate(MAX_WORDS);
        Ok(near)
    }
}

impl Default for Fuzzy {
    fn default() -> Self {
        Fuzzy::new()
    }
}

/// A Levenshtein DFA as an FST automaton.
struct DfaAutomaton<'a>(&'a DFA);

impl tantivy_fst::Automaton for DfaAutomaton<'_> {
    type State = u32;

    fn start(&self) -> u32 {
        self.0.initial_state()
    }

    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }

    fn can_match(&self, state: &u32) -> bool {
        *state != SINK_STATE
    }

    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// Optimal-string-alignment distance between `a` and `b` (a transposition is one edit),
/// or `limit + 1` as soon as it is known to exceed `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let width = b.len() + 1;
    let mut rows = vec![vec![0usize; width]; a.len() + 1];
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[i][0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
            row_min = row_min.min(d);
        }
        if row_min > limit {
            return limit + 1;
        }
    }
    rows[a.len()][b.len()].min(limit + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("delet", "delet", 2), 0);
        assert_eq!(edit_distance("deleet", "delet", 2), 1);
        assert_eq!(edit_distance("retnetion", "retention", 2), 1);
        assert_eq!(edit_distance("abc", "xyz", 1), 2);
        assert_eq!(edit_distance("", "abcd", 1), 2);
    }

    #[test]
    fn synonym_keys_are_stemmed() {
        let mut map = BTreeMap::new();
        map.insert("photo".to_string(), vec!["custody image".to_string()]);
        map.insert("police computer".to_string(), vec!["PNC".to_string()]);
        let syn = Synonyms::new(&map, &mut schema::analyzer());
        assert_eq!(
            syn.get(&["photo"]),
            Some(&[vec!["custodi".to_string(), "imag".to_string()]][..])
        );
        assert_eq!(
            syn.get(&["polic", "comput"]),
            Some(&[vec!["pnc".to_string()]][..])
        );
        assert_eq!(syn.max_words(), 2);
        assert_eq!(syn.closest_key("photto", 1), Some("photo"));
        assert_eq!(syn.closest_key("zzzzz", 1), None);
    }

    #[test]
    fn patterns_match_parts_in_order_with_short_gaps() {
        let mut map = BTreeMap::new();
        map.insert(
            "how long ... keep".to_string(),
            vec!["retention period".to_string()],
        );
        let syn = Synonyms::new(&map, &mut schema::analyzer());
        let expected = vec![vec!["retent".to_string(), "period".to_string()]];
        assert_eq!(
            syn.patterns_in(&["how", "long", "can", "the", "polic", "keep"]),
            vec![expected.as_slice()]
        );
        assert_eq!(syn.patterns_in(&["how", "long", "keep"]).len(), 1);
        assert!(syn.patterns_in(&["keep", "how", "long"]).is_empty());
        let far = ["how", "long", "a", "b", "c", "d", "e", "keep"];
        assert!(syn.patterns_in(&far).is_empty());
        assert!(syn.get(&["how", "long"]).is_none());
    }
}
