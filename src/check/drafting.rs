//! Drafting rules for the Code: every duty names who owes it, and every defined term is
//! defined (or linked to the glossary) before the Code relies on it.
//!
//! Both rules read the Code's chapters only (those under `code-dir`), in the order of
//! `SUMMARY.md`, sentence by sentence as [`super::plain::sentences`] splits them. Both are
//! warnings, and each can be switched off or given exceptions in
//! `[preprocessor.copbook.drafting]` ([`crate::config::Drafting`]).
//!
//! - `passive-duty`: a sentence with a duty in the passive voice whose duty-holder is not
//!   named. A duty is "must", "must not" or "shall", or "may" with "only" later in its
//!   clause or after a subject in "no" (a restriction: "Data may be shared only under an
//!   agreement", "No one may be given access"); it is passive
//!   when the modal is followed, after adverbs such as "not", "never" or "only", by "be"
//!   and a past participle ("Records must be reviewed").
//!   The duty-holder is named when the passive has an agent that governs the duty's verb
//!   ("… must be reviewed by the controller") or when its subject is a duty-holder
//!   ("Users must be trained"): a noun from the `duty-holders` list within the four words
//!   after "by", or in the subject, the words between the start of the clause (the
//!   sentence's start or the last `,`, `;`, `:` or `(`) and the modal, not after a
//!   preposition ("data about users" names no one who must act). A "by" phrase governs the
//!   duty's verb only when nothing but adverbs, prepositional phrases and participles
//!   joined to it by "and" or "or" stand between them: in "must be limited to users
//!   authorised by the controller" the controller authorises, and who limits is unsaid.
//!   "Be" followed by an adjective ("must be accurate") is not a passive: a word is a past
//!   participle when it is on the list of irregular participles
//!   ([`IRREGULAR_PARTICIPLES`], "fed", "kept", "taken"), or ends in "-ed" with a vowel
//!   before it ("used", "aged") and is not one of the few words in "-ed" that are not
//!   participles ("need", "hundred"). No rule of length: short participles count.
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

/// Past participles of the irregular English verbs (those whose participle is not the
/// regular "-ed" form), with the common prefixed forms (re-, un-, over-, mis-, with-,
/// under-). A word on this list is a participle whatever its length ("fed", "led").
pub const IRREGULAR_PARTICIPLES: &[&str] = &[
    "arisen",
    "awoken",
    "beaten",
    "become",
    "begun",
    "bent",
    "bet",
    "bid",
    "bitten",
    "bled",
    "blown",
    "born",
    "borne",
    "bought",
    "bound",
    "bred",
    "broadcast",
    "broken",
    "brought",
    "built",
    "burnt",
    "burst",
    "cast",
    "caught",
    "chosen",
    "clung",
    "come",
    "cost",
    "crept",
    "cut",
    "dealt",
    "done",
    "drawn",
    "dreamt",
    "driven",
    "drunk",
    "dug",
    "dwelt",
    "eaten",
    "fallen",
    "fed",
    "felt",
    "fled",
    "flown",
    "flung",
    "forbidden",
    "forecast",
    "foregone",
    "foreseen",
    "forgiven",
    "forgotten",
    "fought",
    "found",
    "frozen",
    "given",
    "gone",
    "got",
    "gotten",
    "ground",
    "grown",
    "heard",
    "held",
    "hidden",
    "hit",
    "hung",
    "hurt",
    "inlaid",
    "input",
    "kept",
    "knelt",
    "knit",
    "known",
    "laid",
    "lain",
    "leant",
    "leapt",
    "learnt",
    "led",
    "left",
    "lent",
    "let",
    "lit",
    "lost",
    "made",
    "meant",
    "met",
    "mislaid",
    "misled",
    "mistaken",
    "misunderstood",
    "mown",
    "overcome",
    "overdone",
    "overheard",
    "overridden",
    "overrun",
    "overseen",
    "overtaken",
    "overthrown",
    "paid",
    "proven",
    "put",
    "quit",
    "read",
    "rebuilt",
    "recast",
    "redone",
    "remade",
    "repaid",
    "reread",
    "rerun",
    "reset",
    "resold",
    "retaken",
    "rethought",
    "retold",
    "rewritten",
    "rid",
    "ridden",
    "risen",
    "run",
    "rung",
    "said",
    "sat",
    "sawn",
    "seen",
    "sent",
    "set",
    "sewn",
    "shaken",
    "shed",
    "shod",
    "shone",
    "shot",
    "shown",
    "shrunk",
    "shut",
    "slain",
    "slept",
    "slid",
    "slit",
    "slung",
    "smelt",
    "sold",
    "sought",
    "sown",
    "spat",
    "sped",
    "spelt",
    "spent",
    "spilt",
    "split",
    "spoilt",
    "spoken",
    "spread",
    "sprung",
    "spun",
    "stolen",
    "stood",
    "stridden",
    "striven",
    "struck",
    "strung",
    "stuck",
    "stung",
    "stunk",
    "sung",
    "sunk",
    "swept",
    "swollen",
    "sworn",
    "swum",
    "swung",
    "taken",
    "taught",
    "thought",
    "thrown",
    "thrust",
    "told",
    "torn",
    "trodden",
    "unbound",
    "undergone",
    "understood",
    "undertaken",
    "undone",
    "upheld",
    "upset",
    "wed",
    "wept",
    "wet",
    "withdrawn",
    "withheld",
    "withstood",
    "woken",
    "won",
    "worn",
    "wound",
    "woven",
    "written",
    "wrung",
];

/// Words ending in "-ed" that are not the participle of a verb in "-ed" (nouns,
/// adjectives and verbs whose stem itself ends in "-ed" or "-eed"). Every other word in
/// "-ed", of any length ("used", "aged", "freed"), is the regular past participle.
const NOT_PARTICIPLES: &[&str] = &[
    "bed", "bleed", "breed", "creed", "deed", "embed", "exceed", "feed", "greed", "heed",
    "hundred", "indeed", "kindred", "naked", "need", "proceed", "red", "reed", "rugged", "sacred",
    "seed", "shred", "sled", "speed", "steed", "succeed", "ted", "tweed", "weed", "wicked",
    "wretched",
];

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
        (0..words.len()).any(|at| self.named_at(words, at))
    }

    /// Whether a duty-holder is the subject `words` (lowercased) stand for: named in them,
    /// and not as the object of a preposition ("data about users", "the records of a
    /// force" name no one who must act).
    fn named_as_subject(&self, words: &[String]) -> bool {
        (0..words.len()).any(|at| {
            self.named_at(words, at)
                && !at
                    .checked_sub(1)
                    .is_some_and(|b| PREPOSITIONS.contains(&words[b].as_str()))
        })
    }

    /// Whether a duty-holder starts at `words[at]`.
    fn named_at(&self, words: &[String], at: usize) -> bool {
        self.nouns.iter().any(|noun| {
            words.get(at..at + noun.len()).is_some_and(|w| {
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

/// Prepositions: a duty-holder after one of them is not the subject of the clause.
const PREPOSITIONS: &[&str] = &[
    "about", "against", "among", "between", "by", "for", "from", "in", "into", "of", "on", "over",
    "to", "towards", "under", "with", "within", "without",
];

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
    word.ends_with("ed")
        && !NOT_PARTICIPLES.contains(&word)
        && word.chars().filter(|c| "aeiouy".contains(*c)).count() >= 2
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
        // "May … only" is a restriction, and "No one may …" a prohibition: both are duties.
        let start = tokens[..i]
            .iter()
            .rposition(|t| *t == Token::Boundary)
            .map_or(0, |b| b + 1);
        let restriction = modal == "may"
            && (tokens[i + 1..]
                .iter()
                .take_while(|t| **t != Token::Boundary)
                .any(|t| *t == Token::Word("only".into()))
                || matches!(tokens.get(start), Some(Token::Word(w)) if w == "no" || w == "nobody"));
        if modal != "must" && modal != "shall" && !restriction {
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
        let subject: Vec<String> = words_of(&tokens[start..i]);
        if holders.named_as_subject(&subject) {
            continue;
        }
        if !has_agent(&tokens[j + 1..], holders) {
            return true;
        }
    }
    false
}

/// Words after which a "by" phrase no longer belongs to the duty's verb: relatives and
/// conjunctions that open a clause of their own.
const CLAUSE_OPENERS: &[&str] = &[
    "that", "which", "who", "whom", "whose", "where", "when", "while", "unless", "if", "because",
    "before", "after", "until", "so", "than",
];

/// Whether the words after the duty's participle hold an agent that governs it: "by" and
/// a duty-holder within the next four words, where no other verb or clause stands between
/// the participle and "by". Participles joined to the duty's own by "and" or "or" ("must
/// be approved and recorded by the controller") share its agent; another participle
/// ("limited to users authorised by the controller") takes the "by" phrase for itself.
fn has_agent(after: &[Token], holders: &DutyHolders) -> bool {
    let mut k = 0;
    while let Some(Token::Word(w)) = after.get(k) {
        let w = w.as_str();
        if w == "by" {
            let words = words_of(&after[k + 1..(k + 5).min(after.len())]);
            return holders.named_in(&words);
        }
        if w == "and" || w == "or" {
            let mut n = k + 1;
            while matches!(after.get(n), Some(Token::Word(a)) if ADVERBS.contains(&a.as_str()) || a.ends_with("ly"))
            {
                n += 1;
            }
            if matches!(after.get(n), Some(Token::Word(p)) if is_participle(p)) {
                k = n + 1;
                continue;
            }
            return false;
        }
        if is_participle(w) || CLAUSE_OPENERS.contains(&w) || w == "must" || w == "shall" {
            return false;
        }
        k += 1;
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

    /// Duties of draft 0.1 that named no duty-holder (the second legal review's 22
    /// sentence kinds), each with whether `passive-duty` must report it. Those it need not
    /// report are in the active voice: their fix is in the text, not the lint.
    const REVIEWED_DUTIES: &[(&str, &str, bool)] = &[
        (
            "8.1: short participle, agent is the law",
            "LEDS data must be used only for the law enforcement purpose for which it was obtained, or for another purpose that is compatible with it and authorised by law.",
            true,
        ),
        (
            "7.11: short participle",
            "Restricted markers must not be used to hide records from oversight bodies or from those entitled to review them.",
            true,
        ),
        (
            "7.11: agent governs another participle",
            "Access to records marked as restricted, such as those linked to sensitive investigations or to people under protection, must be limited to users authorised by the controller for that purpose.",
            true,
        ),
        (
            "6.4: short participle, agent in an unless clause",
            "Live personal data must not be used to develop, test or demonstrate LEDS, or to train users, unless there is no practical alternative and the use has been approved by the Home Office as service owner after a DPIA.",
            true,
        ),
        (
            "8.10: may only, agent governs another participle",
            "Searches of custody images using facial matching technology may be made only for purposes authorised by the controller and recorded in the audit log.",
            true,
        ),
        (
            "3.4: may only",
            "Special category data may be obtained for LEDS only where it is strictly necessary for a law enforcement purpose.",
            true,
        ),
        (
            "7.2: no one may, agent is not a duty-holder",
            "No one may be given access to LEDS until they have been vetted to the level required for their role by the College of Policing's code of practice.",
            true,
        ),
        (
            "duty-holder inside the subject's prepositional phrase",
            "Data about users must be deleted after six years.",
            true,
        ),
        (
            "agent governs a relative clause's verb",
            "Data must be kept in the form that is approved by the controller.",
            true,
        ),
        (
            "agent after a clause boundary",
            "Records must be kept, as set by the chief officer.",
            true,
        ),
        (
            "agent is not a duty-holder",
            "Data must be linked by reference to the source.",
            true,
        ),
        (
            "three-letter irregular participle",
            "The data must not be fed into other systems.",
            true,
        ),
        (
            "four-letter participle",
            "Free text must be used with care.",
            true,
        ),
        (
            "participle in -eed",
            "Retention periods must be agreed before data is loaded.",
            true,
        ),
        (
            "coordinated participles share the agent",
            "Any departure from a national profile must be approved and recorded by the controller.",
            false,
        ),
        (
            "7.5: two passives, each with its agent",
            "Each use of emergency access must be justified by the user at the time and reviewed by a supervisor within the time set in national guidance.",
            false,
        ),
        (
            "agent after an adverbial phrase",
            "Records must be reviewed at least once a year by the chief officer.",
            false,
        ),
        (
            "subject is a duty-holder",
            "Users must be told that their searches are logged.",
            false,
        ),
        (
            "be and an adjective",
            "Free text entered on LEDS must be factual, relevant and professional.",
            false,
        ),
        (
            "be and an adjective in -ed that is no participle",
            "The reasons must be sacred to no one.",
            false,
        ),
        (
            "may without only is a permission",
            "National guidance may be issued under the Code by the College of Policing.",
            false,
        ),
        (
            "active voice: the text names the holder",
            "The controller must record the reason and the date of the next review.",
            false,
        ),
    ];

    #[test]
    fn the_reviewed_duties() {
        assert_eq!(REVIEWED_DUTIES.len(), 22);
        for (kind, sentence, expected) in REVIEWED_DUTIES {
            assert_eq!(flagged(sentence), *expected, "{kind}: {sentence}");
        }
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
        for w in [
            "reviewed",
            "kept",
            "taken",
            "recorded",
            "shown",
            "withheld",
            "used",
            "led",
            "fed",
            "set",
            "aged",
            "agreed",
            "freed",
            "guaranteed",
            "made",
            "shed",
        ] {
            assert!(is_participle(w), "{w}");
        }
        for w in [
            "accurate", "able", "need", "exceed", "red", "in", "hundred", "sacred", "bed", "speed",
            "ed",
        ] {
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
