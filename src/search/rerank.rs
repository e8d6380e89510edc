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

use super::Stored;
use super::query::Intent;
use crate::book::Part;

/// Weight of a guide entry for a question in everyday form.
pub const GUIDE_BOOST: f32 = 1.2;

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
