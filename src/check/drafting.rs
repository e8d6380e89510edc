//! Drafting rules for the Code: every duty names who owes it, and every defined term is
//! defined (or linked to the glossary) before the Code relies on it.
//!
//! Both rules read the Code's chapters only (those under `code-dir`), in the order of
//! `SUMMARY.md`, sentence by sentence as [`super::plain::sentences`] splits them. Both are
//! warnings, and each can be switched off or given exceptions in
//! `[preprocessor.copbook.drafting]` ([`crate::config::Drafting`]).
//!
//! - `passive-duty`: a sentence with a duty in the passive voice ("must", "must not",
//!   "shall", optionally followed by adverbs such as "not", "never", "only", then "be" and
//!   a past participle, as in "Records must be reviewed") whose duty-holder is not named.
//!   The duty-holder is named when the passive has an agent ("… must be reviewed by the
//!   controller") or when its subject is a duty-holder ("Users must be trained"): a noun
//!   from the `duty-holders` list within the four words after "by", or in the subject,
//!   the words between the start of the clause (the sentence's start or the last `,`,
//!   `;`, `:` or `(`) and the modal. "Be" followed by an adjective ("must be accurate")
//!   is not a passive: a word is a past participle when it ends in "-ed" or is one of the
//!   irregular participles of [`IRREGULAR_PARTICIPLES`].
//! - `undefined-term`: a term of the glossary that is not an acronym (one word with two
//!   capitals or more, such as "LEDS" or "DDaT") (say "Controller",
//!   "Intelligence") used in the Code's prose before the Code defines it, in bold
//!   (`**controllers**`), or links a use of it to the glossary. Each term is reported once,
//!   at its first use; a use on the same line as the definition counts as defined.
//!   Headings are titles and neither use nor define a term.
//!
//! `allow` phrases exempt a sentence from `passive-duty` when the sentence contains one,
//! and, for `undefined-term`, an occurrence of a term inside an allowed phrase (say
//! "National Intelligence Model") is not a use of the term.

use std::collections::HashSet;

use crate::book::Corpus;
use crate::book::corpus::{Block, BlockKind, Chapter, SpanKind};
use crate::check::{links, plain};
use crate::config::{BookSettings, CodeSettings};
use crate::diagnostic::{Diagnostic, LineIndex};

/// Past participles that do not end in "-ed".
pub const IRREGULAR_PARTICIPLES: &[&str] = &[
    "bound",
    "brought",
    "built",
    "chosen",
    "done",
    "drawn",
    "driven",
    "forbidden",
    "found",
    "given",
    "held",
    "hidden",
    "kept",
    "known",
    "laid",
    "led",
    "left",
    "lent",
    "lost",
    "made",
    "met",
    "paid",
    "put",
    "read",
    "run",
    "said",
    "seen",
    "sent",
    "set",
    "shown",
    "sought",
    "spent",
    "taken",
    "taught",
    "told",
    "thought",
    "undertaken",
    "withdrawn",
    "withheld",
    "written",
];

/// Words in "-ed" that, after "be", are adjectives, not participles.
const ED_ADJECTIVES: &[&str] = &["exceed", "need", "proceed", "succeed", "indeed"];

/// Words that may stand between a modal and "be", or between "be" and its participle.
const ADVERBS: &[&str] = &[
    "not", "never", "only", "also", "always", "still", "then", "either", "further", "first",
];

/// All drafting findings for a Code.
pub fn check(settings: &BookSettings, code: &CodeSettings, corpus: &Corpus) -> Vec<Diagnostic> {
    let rules = &code.drafting;
    let mut out = Vec::new();
    let chapters: Vec<&Chapter> = corpus
        .chapters
        .iter()
        .filter(|c| code.is_code(&c.source))
        .collect();
    let allow: Vec<String> = rules.allow.iter().map(|p| p.to_lowercase()).collect();
    if rules.passive_duty {
        let holders = DutyHolders::new(&rules.duty_holders);
        for chapter in &chapters {
            let path = settings.src_dir.join(&chapter.source);
            for (sentence, line) in plain::sentence_texts(corpus, chapter) {
                let text = without_marker(&sentence);
                let lower = text.to_lowercase();
                if allow.iter().any(|p| lower.contains(p.as_str())) {
                    continue;
                }
                if passive_duty_without_holder(text, &holders) {
                    out.push(Diagnostic::warning(
                        &path,
                        line,
                        "passive-duty",
                        format!(
                            "duty in the passive voice names no duty-holder: “{}”: say who must (“The controller must …”), add “by …”, or allow the phrase in [preprocessor.copbook.drafting]",
                            text
                        ),
                    ));
                }
            }
        }
    }
    if rules.undefined_term
        && let Some(glossary) = code
            .glossary_chapter
            .as_deref()
            .and_then(|g| corpus.chapter(g))
    {
        out.extend(undefined_terms(settings, glossary, &chapters, &allow));
    }
    out
}

/// A sentence without the provision marker (`{#id aims=…}`) it may start with.
fn without_marker(sentence: &str) -> &str {
    match sentence
        .strip_prefix("{#")
        .and_then(|rest| rest.split_once('}'))
    {
        Some((_, after)) => after.trim_start(),
        None => sentence,
    }
}

/// The duty-holder nouns, lowercased and split into words.
#[derive(Debug, Clone)]
pub struct DutyHolders {
    nouns: Vec<Vec<String>>,
}

impl DutyHolders {
    /// Duty-holders from a list of nouns or noun phrases ("chief officer"); a plural in
    /// "-s" of each is recognised too.
    pub fn new(nouns: &[String]) -> Self {
        DutyHolders {
            nouns: nouns
                .iter()
                .map(|n| n.split_whitespace().map(str::to_lowercase).collect())
                .filter(|n: &Vec<String>| !n.is_empty())
                .collect(),
        }
    }

    /// Whether `words` (lowercased) contain one of the duty-holders.
    fn named_in(&self, words: &[String]) -> bool {
        self.nouns.iter().any(|noun| {
            words.windows(noun.len()).any(|w| {
                w.iter().zip(noun).enumerate().all(|(i, (word, n))| {
                    word == n || (i + 1 == noun.len() && is_plural_of(word, n))
                })
            })
        })
    }
}

fn is_plural_of(word: &str, noun: &str) -> bool {
    word.strip_suffix('s').is_some_and(|w| w == noun)
        || word.strip_suffix("es").is_some_and(|w| w == noun)
        || (noun.ends_with('y')
            && word
                .strip_suffix("ies")
                .is_some_and(|w| noun.strip_suffix('y') == Some(w)))
        || word.strip_suffix("'s").is_some_and(|w| w == noun)
        || word.strip_suffix("s'").is_some_and(|w| w == noun)
}

/// A token of a sentence: a lowercased word, or a clause boundary.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Boundary,
}

fn tokens(sentence: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        let w = word.trim_matches(|c: char| c == '\'' || c == '’');
        if !w.is_empty() {
            out.push(Token::Word(w.replace('’', "'")));
        }
        word.clear();
    };
    for c in sentence.chars() {
        if c.is_alphanumeric() || c == '\'' || c == '’' || c == '-' {
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word, &mut out);
            if matches!(c, ',' | ';' | ':' | '(' | ')' | '—' | '–') {
                out.push(Token::Boundary);
            }
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Whether a lowercased word is a past participle (see the module documentation).
pub fn is_participle(word: &str) -> bool {
    if IRREGULAR_PARTICIPLES.contains(&word) {
        return true;
    }
    word.len() > 4
        && word.ends_with("ed")
        && !ED_ADJECTIVES.contains(&word)
        && !word.ends_with("eed")
}

/// Whether `sentence` holds a duty in the passive voice ("must be reviewed") whose
/// duty-holder is named neither by an agent ("by the controller") nor as its subject.
pub fn passive_duty_without_holder(sentence: &str, holders: &DutyHolders) -> bool {
    let tokens = tokens(sentence);
    let word = |i: usize| match tokens.get(i) {
        Some(Token::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    for (i, token) in tokens.iter().enumerate() {
        let Token::Word(modal) = token else { continue };
        if modal != "must" && modal != "shall" {
            continue;
        }
        let mut j = i + 1;
        while word(j).is_some_and(|w| ADVERBS.contains(&w) || w.ends_with("ly")) {
            j += 1;
        }
        if word(j) != Some("be") {
            continue;
        }
        j += 1;
        while word(j).is_some_and(|w| ADVERBS.contains(&w) || w.ends_with("ly")) {
            j += 1;
        }
        if !word(j).is_some_and(is_participle) {
            continue;
        }
        // The subject: the words of the clause before the modal.
        let start = tokens[..i]
            .iter()
            .rposition(|t| *t == Token::Boundary)
            .map_or(0, |b| b + 1);
        let subject: Vec<String> = words_of(&tokens[start..i]);
        if holders.named_in(&subject) {
            continue;
        }
        // The agent: "by" and a duty-holder within the next four words, before the clause ends.
        let after = &tokens[j + 1..];
        let clause_end = after
            .iter()
            .position(|t| *t == Token::Boundary)
            .unwrap_or(after.len());
        let clause = words_of(&after[..clause_end]);
        let has_agent = clause
            .iter()
            .enumerate()
            .any(|(k, w)| w == "by" && holders.named_in(&clause[k + 1..(k + 5).min(clause.len())]));
        if !has_agent {
            return true;
        }
    }
    false
}

fn words_of(tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w.clone()),
            Token::Boundary => None,
        })
        .collect()
}

/// The plain terms of the glossary (each list item `**Term**: definition`), leaving out
/// acronyms: one word with two capitals or more, such as `LEDS` or `DDaT`.
fn glossary_terms(glossary: &Chapter) -> Vec<String> {
    glossary
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::ListItem)
        .filter_map(|b| {
            let term = b.text.split_once(':')?.0.trim();
            let acronym =
                !term.contains(' ') && term.chars().filter(char::is_ascii_uppercase).count() >= 2;
            (!term.is_empty() && !acronym).then(|| term.to_lowercase())
        })
        .collect()
}

/// Byte offsets where `term` (or its plural) occurs as whole words in `lower`. The offsets
/// are into the lowercased text; a letter whose lowercase is longer (rare in English) may
/// shift them, so callers slice the original text with `get`, never by index.
fn occurrences(lower: &str, term: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    for (at, _) in lower.match_indices(term) {
        let before = lower[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        let rest = &lower[at + term.len()..];
        let suffix = ["'s", "’s", "s'", "s", "es", ""].into_iter().find(|s| {
            rest.strip_prefix(s)
                .is_some_and(|r| !r.starts_with(|c: char| c.is_alphanumeric()))
        });
        if let Some(suffix) = suffix {
            out.push(at..at + term.len() + suffix.len());
        }
    }
    out
}

/// `undefined-term` findings: each plain glossary term used before the Code defines or links it.
fn undefined_terms(
    settings: &BookSettings,
    glossary: &Chapter,
    chapters: &[&Chapter],
    allow: &[String],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut settled: HashSet<String> = HashSet::new();
    let terms = glossary_terms(glossary);
    for chapter in chapters {
        if terms.iter().all(|t| settled.contains(t)) {
            break;
        }
        let path = settings.src_dir.join(&chapter.source);
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        let source_lower = source.to_lowercase();
        let source_lines = LineIndex::new(&source);
        // The chapter's prose, lowercased, with the allowed phrases in it: once a chapter,
        // not once a term.
        let prose: Vec<(&Block, String, Vec<std::ops::Range<usize>>)> = chapter
            .blocks
            .iter()
            .filter(|b| {
                matches!(
                    b.kind,
                    BlockKind::Paragraph | BlockKind::ListItem | BlockKind::Quote
                )
            })
            .map(|block| {
                let lower = block.text.to_lowercase();
                let allowed = allow
                    .iter()
                    .flat_map(|p| {
                        lower
                            .match_indices(p.as_str())
                            .map(|(at, p)| at..at + p.len())
                    })
                    .collect();
                (block, lower, allowed)
            })
            .collect();
        for term in &terms {
            if settled.contains(term) {
                continue;
            }
            // Where the chapter defines the term, in bold.
            let defined_at = occurrences(&source_lower, term)
                .into_iter()
                .filter(|r| {
                    source_lower[..r.start].ends_with("**")
                        && source_lower[r.end..].starts_with("**")
                })
                .map(|r| source_lines.line(r.start))
                .min();
            // The first use in prose, and whether it is a link to the glossary.
            let mut first_use = None;
            for (block, lower, allowed) in &prose {
                let found = occurrences(lower, term).into_iter().find(|r| {
                    !allowed.iter().any(|a| a.start <= r.start && r.end <= a.end)
                        && !block.spans.iter().any(|s| {
                            s.kind == SpanKind::Code
                                && s.range.start <= r.start
                                && r.end <= s.range.end
                        })
                });
                if let Some(r) = found {
                    let linked = block.spans.iter().any(|s| {
                        s.range.start <= r.start
                            && r.end <= s.range.end
                            && matches!(&s.kind, SpanKind::Link(dest) if links_to(&chapter.source, dest, &glossary.source))
                    });
                    first_use = Some((*block, r, linked));
                    break;
                }
            }
            let Some((block, range, linked)) = first_use else {
                if defined_at.is_some() {
                    settled.insert(term.clone());
                }
                continue;
            };
            settled.insert(term.clone());
            let line = block.line_at(range.start);
            if linked || defined_at.is_some_and(|d| d <= line) {
                continue;
            }
            let sentence = plain::readability::sentence_ranges(&block.text)
                .into_iter()
                .find(|s| s.start <= range.start && range.start < s.end)
                .map_or(block.text.as_str(), |s| without_marker(&block.text[s]));
            out.push(Diagnostic::warning(
                &path,
                line,
                "undefined-term",
                format!(
                    "“{}” is defined in the glossary ({}) but used here before the Code defines it: define it in bold (**{}**) or link this use to the glossary: “{}”",
                    block.text.get(range).unwrap_or(term),
                    glossary.source,
                    term,
                    sentence
                ),
            ));
        }
    }
    out.sort_by_key(|d| d.line);
    out
}

/// Whether a link from `from` to `dest` goes to the page `target`.
fn links_to(from: &str, dest: &str, target: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or_default();
    if path.is_empty() {
        return from == target;
    }
    let Some(resolved) = links::resolve(from, path) else {
        return false;
    };
    match resolved.strip_suffix(".html") {
        Some(stem) => format!("{stem}.md") == target,
        None => resolved == target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holders() -> DutyHolders {
        DutyHolders::new(&crate::config::Drafting::default().duty_holders)
    }

    fn flagged(s: &str) -> bool {
        passive_duty_without_holder(s, &holders())
    }

    #[test]
    fn passive_duties_without_a_duty_holder() {
        for s in [
            "Records must be reviewed every year.",
            "Markers must be reviewed at the intervals set in national guidance.",
            "The data must not be obtained for LEDS.",
            "Intelligence must never be presented as fact.",
            "Where a user finds an error, the record must be corrected.",
            "Data shall be kept no longer than needed.",
            "The agreement must be published by the end of the year.",
            "Fingerprints must only be taken under PACE, and must be linked to the record.",
            "Custody images must be deleted unless an exception applies.",
        ] {
            assert!(flagged(s), "should be flagged: {s}");
        }
    }

    #[test]
    fn active_duties_and_named_duty_holders() {
        for s in [
            "The controller must review each record every year.",
            "Users must not obtain data for LEDS.",
            "Records must be reviewed by the chief officer every year.",
            "Users must be trained before they are given access.",
            "Each organisation must be satisfied that the data is accurate.",
            "Free text must be factual, relevant and professional.",
            "The record must be accurate.",
            "Data that is merely convenient should not be collected.",
            "Records are reviewed every year.",
            "Chief officers must make sure that records are reviewed.",
            "The Home Office as service owner must be told of any breach.",
        ] {
            assert!(!flagged(s), "should not be flagged: {s}");
        }
    }

    #[test]
    fn agent_must_be_a_duty_holder_in_the_same_clause() {
        assert!(flagged("Data must be linked by reference to the source."));
        assert!(flagged(
            "Records must be kept, as set by the chief officer."
        ));
        assert!(!flagged("Records must be kept by each force."));
    }

    #[test]
    fn participles() {
        for w in ["reviewed", "kept", "taken", "recorded", "shown", "withheld"] {
            assert!(is_participle(w), "{w}");
        }
        for w in ["accurate", "able", "need", "exceed", "red", "in"] {
            assert!(!is_participle(w), "{w}");
        }
    }

    #[test]
    fn plurals_and_phrases_of_duty_holders() {
        let h = DutyHolders::new(&["chief officer".to_string(), "body".to_string()]);
        let words = |s: &str| -> Vec<String> { s.split(' ').map(String::from).collect() };
        assert!(h.named_in(&words("the chief officers")));
        assert!(h.named_in(&words("other bodies")));
        assert!(!h.named_in(&words("the chief of staff")));
    }

    #[test]
    fn term_occurrences_are_whole_words() {
        let text = "users and a user's record, but not username or superuser";
        assert_eq!(occurrences(text, "user").len(), 2);
        assert_eq!(occurrences("intelligence-led", "intelligence").len(), 1);
    }
}
