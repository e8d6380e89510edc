//! Reranking the first hits by the form of the question, not its topic.
//!
//! - A question of definition ("what is LEDS", "what does controller mean") puts the
//!   entries that define the term first: text that says "LEDS is the", "(LEDS) is a",
//!   "Controller:" or "controller means", above all in sections headed as definitions
//!   ("Glossary", "What it is", "Introduction"). Otherwise the entries that use the term
//!   most (the rules about it) would win, and a glossary, being long, never would.
//! - A question in everyday form ("how do I complain", "can they keep my photo") prefers
//!   the public guide, written for that reader, when the book has one; the guide cites
//!   the Code's paragraphs, which stay close behind.
//!
//! Only the first hits of a query are reranked, so nothing that does not match the
//! query at all is lifted.

use tantivy::DocAddress;

use super::Stored;
use super::query::Intent;
use crate::book::Part;

/// Weight of a guide entry for a question in everyday form.
pub const GUIDE_BOOST: f32 = 1.2;

/// Weight of a Code paragraph cited by one of the best guide answers.
pub const CITED_BOOST: f32 = 1.25;
/// A cited paragraph scores at least this share of the best answer citing it, so it
/// follows close behind that answer whatever words it is written in.
pub const CITED_SHARE: f32 = 0.8;
/// Guide answers whose citations are lifted.
const CITING_ANSWERS: usize = 3;

/// Characters of an entry's text searched for a definition.
const DEFINITION_WINDOW: usize = 4000;

/// What follows a term when the text defines it.
/// ("LEDS is being used" is not a definition; "LEDS is the system" is.)
const DEFINING: &[&str] = &[
    " is a ",
    " is an ",
    " is the ",
    " are the ",
    ": ",
    " means ",
    " refers to ",
    " stands for ",
];

/// Headings that announce a definition or an overview.
const DEFINITION_HEADINGS: &[&str] = &[
    "glossary",
    "definition",
    "interpretation",
    "introduction",
    "overview",
    "what it is",
    "what is",
    "what the",
    "meaning",
    "exists",
];

/// How an entry ranks for `intent`: a tier (higher first: 2 defines the term in a
/// section headed as a definition, 1 defines it or is such a section mentioning it) and
/// a factor for its score within the tier.
pub fn rank(intent: &Intent, doc: &Stored, has_guide: bool) -> (u8, f32) {
    let mut tier = 0;
    if !intent.define.is_empty() {
        let text: String = doc
            .text
            .chars()
            .take(DEFINITION_WINDOW)
            .collect::<String>()
            .to_lowercase();
        let mentions = intent.define.iter().any(|t| text.contains(t.as_str()));
        let defines = intent.define.iter().any(|t| defines(&text, t));
        let heading = format!("{} {}", doc.title, doc.source).to_lowercase();
        let definition_section = DEFINITION_HEADINGS.iter().any(|h| heading.contains(h));
        tier = match (defines, definition_section && mentions) {
            (true, true) => 2,
            (true, false) | (false, true) => 1,
            (false, false) => 0,
        };
    }
    let factor = if intent.question && has_guide && doc.part == Part::Guide {
        GUIDE_BOOST
    } else {
        1.0
    };
    (tier, factor)
}

/// Lifts the Code paragraphs that the best guide answers cite ("paragraph 4.3"), so
/// that a plain answer comes with the provision it explains: by [`CITED_BOOST`], and
/// to no less than [`CITED_SHARE`] of the citing answer's score.
pub fn lift_cited<'a>(
    ranked: &mut [(u8, f32, DocAddress)],
    stored: impl Fn(DocAddress) -> Option<&'a Stored>,
) {
    let mut order: Vec<usize> = (0..ranked.len()).collect();
    order.sort_by(|&a, &b| ranked[b].1.total_cmp(&ranked[a].1));
    // Each cited number with the score of the best answer citing it.
    let cited: Vec<(String, f32)> = order
        .iter()
        .filter_map(|&i| {
            stored(ranked[i].2)
                .filter(|d| d.part == Part::Guide)
                .map(|d| (d, ranked[i].1))
        })
        .take(CITING_ANSWERS)
        .flat_map(|(d, score)| citations(&d.text).into_iter().map(move |n| (n, score)))
        .collect();
    if cited.is_empty() {
        return;
    }
    for entry in ranked.iter_mut() {
        let citing = stored(entry.2)
            .and_then(|d| d.number.as_ref())
            .and_then(|n| cited.iter().find(|(c, _)| c == n).map(|(_, s)| *s));
        if let Some(answer) = citing {
            entry.1 = (entry.1 * CITED_BOOST).max(answer * CITED_SHARE);
        }
    }
}

/// The provision numbers a text cites as "paragraph 4.3" (or "paragraphs 4.3 and 4.4").
fn citations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut after_paragraph = false;
    for word in text.split_whitespace() {
        let core = word.trim_matches(|c: char| !c.is_ascii_digit());
        let lower = word
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .to_ascii_lowercase();
        if lower.starts_with("paragraph") {
            after_paragraph = true;
            continue;
        }
        if after_paragraph && !core.is_empty() && core.contains('.') {
            out.push(core.to_string());
            continue;
        }
        if !matches!(lower.as_str(), "and" | "to" | "or") {
            after_paragraph = false;
        }
    }
    out
}

/// Whether `text` (lowercased) defines `term`: the term, at the start of a word, then
/// the rest of that word, maybe a closing bracket, then a defining verb or a colon.
fn defines(text: &str, term: &str) -> bool {
    if term.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(i) = text[from..].find(term) {
        let start = from + i;
        let word_start = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let mut rest = &text[start + term.len()..];
        rest = rest.trim_start_matches(|c: char| c.is_alphanumeric());
        rest = rest.strip_prefix(')').unwrap_or(rest);
        rest = rest.strip_prefix("**").unwrap_or(rest);
        if word_start && DEFINING.iter().any(|d| rest.starts_with(d)) {
            return true;
        }
        from = start + term.len();
        if from >= text.len() {
            break;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_citations() {
        assert_eq!(
            citations("You can ask (paragraph 4.3). See paragraphs 5.1 and 5.2, and 2024."),
            ["4.3", "5.1", "5.2"]
        );
        assert!(citations("nothing cited in 2024.").is_empty());
    }

    #[test]
    fn recognises_a_definition() {
        assert!(defines(
            "the law enforcement data service (leds) is a new system",
            "leds"
        ));
        assert!(defines(
            "- controller: the organisation that decides",
            "controller"
        ));
        assert!(defines(
            "a custody image means a photograph",
            "custody image"
        ));
        assert!(defines("retention is the keeping of data", "retent"));
        assert!(!defines("unacceptable uses of leds include", "leds"));
        assert!(!defines("that leds is being used wrongly", "leds"));
        assert!(!defines("misleds is", "leds"));
        assert!(!defines("", "leds"));
    }
}
