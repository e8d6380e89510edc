//! Snippets: a fragment of an entry's text around the matched words, as HTML in which
//! the only markup is `<mark>` and everything else is escaped.
//!
//! The text is tokenised without stemming (cheap), and only the tokens whose first two
//! letters could start one of the query's stems are stemmed: stemming every word of every
//! hit was most of the cost of a search. An English stem keeps the beginning of its word
//! (Porter's rules only rewrite suffixes), so the filter never hides a match.

use std::collections::{BTreeMap, HashSet};

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use crate::html::escape;

/// Longest fragment, in bytes of text, before escaping.
pub const SNIPPET_CHARS: usize = 180;
/// Length of the fallback (the start of the text) when no word matched in the text.
pub const FALLBACK_CHARS: usize = 160;

/// Makes the snippets of one search.
pub struct Snippets {
    /// Stem → weight of each term to highlight.
    terms: BTreeMap<String, f32>,
    /// The first two characters of each stem.
    prefixes: HashSet<String>,
    plain: TextAnalyzer,
    stemmer: TextAnalyzer,
    max_len: usize,
    /// Only stem words whose first letters could start a term (false for an analyser
    /// that changes beginnings: the Welsh one undoes mutations).
    prefixes_only: bool,
}

/// A matched word: its byte range in the text and its weight.
struct Match {
    from: usize,
    to: usize,
    weight: f32,
}

impl Snippets {
    /// Snippets highlighting `terms` (stems, as indexed, with their weights).
    pub fn new(
        terms: BTreeMap<String, f32>,
        plain: TextAnalyzer,
        stemmer: TextAnalyzer,
        max_len: usize,
    ) -> Snippets {
        let prefixes = terms.keys().map(|t| prefix(t).to_string()).collect();
        Snippets {
            terms,
            prefixes,
            plain,
            stemmer,
            max_len,
            prefixes_only: true,
        }
    }

    /// Stems every word, for an analyser that may change a word's beginning (the Welsh
    /// one indexes "Nghymru" also as "cymru").
    pub fn stem_every_word(mut self) -> Snippets {
        self.prefixes_only = false;
        self
    }

    /// The snippet of `text`: the best fragment with `<mark>` around matched words, or
    /// the start of the text when nothing in it matched. Ellipses mark cut ends.
    pub fn html(&mut self, text: &str) -> String {
        let (tokens, matches) = self.scan(text);
        if matches.is_empty() {
            return fallback(text);
        }
        let (start, end) = self.window(&tokens, &matches);
        let mut out = String::with_capacity(end - start + 64);
        let head = text.get(..start).unwrap_or_default();
        if has_words(head) {
            out.push('…');
        } else {
            out.push_str(&escape(head.trim_start()));
        }
        let mut at = start;
        for m in matches.iter().filter(|m| m.from >= start && m.to <= end) {
            out.push_str(&escape(text.get(at..m.from).unwrap_or_default()));
            out.push_str("<mark>");
            out.push_str(&escape(text.get(m.from..m.to).unwrap_or_default()));
            out.push_str("</mark>");
            at = m.to;
        }
        out.push_str(&escape(text.get(at..end).unwrap_or_default()));
        let tail = text.get(end..).unwrap_or_default();
        if has_words(tail) {
            out.push('…');
        } else {
            out.push_str(&escape(tail.trim_end()));
        }
        out
    }

    /// Every token's byte range, and the tokens whose stem is a term to highlight.
    fn scan(&mut self, text: &str) -> (Vec<(usize, usize)>, Vec<Match>) {
        let mut tokens = Vec::new();
        let mut matches = Vec::new();
        let mut stream = self.plain.token_stream(text);
        while let Some(token) = stream.next() {
            tokens.push((token.offset_from, token.offset_to));
            if self.prefixes_only && !self.prefixes.contains(prefix(&token.text)) {
                continue;
            }
            // Every form the analyser gives the word (one for English; a mutated Welsh
            // word and its radicals), the best weight among them.
            let mut stems = self.stemmer.token_stream(&token.text);
            let mut weight: Option<f32> = None;
            while let Some(stem) = stems.next() {
                if let Some(w) = self.terms.get(&stem.text) {
                    weight = Some(weight.map_or(*w, |best| best.max(*w)));
                }
            }
            if let Some(weight) = weight {
                matches.push(Match {
                    from: token.offset_from,
                    to: token.offset_to,
                    weight,
                });
            }
        }
        (tokens, matches)
    }

    /// The byte range of the fragment: the window of at most `max_len` bytes holding
    /// the most weight of matches (the first such), widened to use the room left with
    /// the words before and after it.
    fn window(&self, tokens: &[(usize, usize)], matches: &[Match]) -> (usize, usize) {
        let mut best = (f32::MIN, 0usize, 0usize);
        for (i, first) in matches.iter().enumerate() {
            let mut weight = 0.0;
            let mut last = i;
            for (j, m) in matches.iter().enumerate().skip(i) {
                if m.to - first.from > self.max_len {
                    break;
                }
                weight += m.weight;
                last = j;
            }
            if weight > best.0 {
                best = (weight, i, last);
            }
        }
        let (from, to) = (matches[best.1].from, matches[best.2].to);
        // Share the room left between context before (a third) and after.
        let room = self.max_len.saturating_sub(to - from);
        let want_from = from.saturating_sub(room / 3);
        let start = tokens
            .iter()
            .map(|t| t.0)
            .find(|&s| s >= want_from && s <= from)
            .unwrap_or(from);
        let limit = start + self.max_len;
        let end = tokens
            .iter()
            .map(|t| t.1)
            .rfind(|&e| e >= to && e <= limit)
            .unwrap_or(to);
        (start, end)
    }
}

/// The first two characters of a word (all of it if shorter).
fn prefix(word: &str) -> &str {
    match word.char_indices().nth(2) {
        Some((i, _)) => &word[..i],
        None => word,
    }
}

fn has_words(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// The first [`FALLBACK_CHARS`] characters of `text`, cut at a space, escaped.
pub fn fallback(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= FALLBACK_CHARS {
        return escape(text);
    }
    let cut = text
        .char_indices()
        .nth(FALLBACK_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > FALLBACK_CHARS / 2 => &head[..space],
        _ => head,
    };
    format!("{}…", escape(head.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::schema;

    fn snippets(terms: &[(&str, f32)]) -> Snippets {
        let terms = terms.iter().map(|(t, w)| (t.to_string(), *w)).collect();
        Snippets::new(
            terms,
            schema::plain_analyzer(),
            schema::analyzer(),
            SNIPPET_CHARS,
        )
    }

    #[test]
    fn marks_inflected_words_and_escapes() {
        let mut s = snippets(&[("delet", 1.0), ("custodi", 1.0)]);
        let html = s.html(r#"Deleted <b>custody</b> & "images" were deleting."#);
        assert_eq!(
            html,
            "<mark>Deleted</mark> &lt;b&gt;<mark>custody</mark>&lt;/b&gt; &amp; &quot;images&quot; were <mark>deleting</mark>."
        );
    }

    #[test]
    fn picks_the_densest_window_with_ellipses() {
        let mut s = snippets(&[("retent", 1.0), ("period", 1.0)]);
        let text = format!(
            "{} A retention here. {} The retention period is set in the schedule. {}",
            "Filler words. ".repeat(20),
            "More filler. ".repeat(20),
            "Tail words. ".repeat(20)
        );
        let html = s.html(&text);
        assert!(html.starts_with('…') && html.ends_with('…'), "{html}");
        assert!(
            html.contains("<mark>retention</mark> <mark>period</mark>"),
            "{html}"
        );
        let plain = html.replace("<mark>", "").replace("</mark>", "");
        assert!(plain.len() <= SNIPPET_CHARS + 8, "{}", plain.len());
    }

    #[test]
    fn no_match_falls_back() {
        let mut s = snippets(&[("zzz", 1.0)]);
        assert_eq!(s.html("Nothing <here>."), "Nothing &lt;here&gt;.");
    }

    #[test]
    fn fallback_cuts_at_a_space_and_escapes() {
        let text = format!("<b>{}</b>", "word ".repeat(60));
        let s = fallback(&text);
        assert!(s.starts_with("&lt;b&gt;word"));
        assert!(s.ends_with('…'));
        assert!(!s.contains('<'));
        assert!(s.chars().count() <= FALLBACK_CHARS + 20);
        assert_eq!(fallback("  short  "), "short");
        assert_eq!(fallback(""), "");
    }

    #[test]
    fn fallback_handles_multibyte_text() {
        let text = "données ".repeat(40);
        assert!(fallback(&text).ends_with('…'));
        let text = "警察".repeat(200);
        assert!(fallback(&text).ends_with('…'));
    }
}
