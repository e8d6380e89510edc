//! The plain-English ↔ formal vocabulary shipped with copbook (`vocabulary.toml`,
//! compiled in), and its merge with a book's own synonyms; and the Welsh vocabulary
//! (`vocabulary_cy.toml`, the same shape) for the Welsh pages' index.
//!
//! The file is grouped by the published source each group follows (the Plain English
//! Campaign's A to Z of alternative words, the GOV.UK style guide's words to avoid, the
//! ICO's guidance on individual rights and law enforcement processing, public material
//! on the PNC and LEDS). It is parsed once per process. A key is a word, a phrase, or a
//! pattern whose parts are separated by `...` ("how long ... keep"); `expand.rs` turns
//! the merged map into stemmed lookups.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::config::SearchSynonyms;

/// The shipped vocabulary, as written.
const SHIPPED: &str = include_str!("vocabulary.toml");

/// The shipped Welsh vocabulary, as written: everyday Welsh (and the English words Welsh
/// speakers also type) ↔ the words a Welsh Code uses. Keys and expansions are radicals
/// (unmutated); the query looks a mutated word up by its radicals.
const SHIPPED_CY: &str = include_str!("vocabulary_cy.toml");

/// The file's shape: groups of entries, each with its source.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VocabularyFile {
    group: Vec<Group>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    /// What the group is about.
    #[allow(dead_code)]
    name: String,
    /// The published source whose plain/formal pairs the group follows.
    #[allow(dead_code)]
    source: String,
    entries: BTreeMap<String, Vec<String>>,
}

/// The shipped entries, every group merged (a key in two groups gets both lists).
static SHIPPED_ENTRIES: LazyLock<BTreeMap<String, Vec<String>>> =
    LazyLock::new(|| parse(SHIPPED).unwrap_or_default());

/// The shipped Welsh entries, every group merged.
static SHIPPED_CY_ENTRIES: LazyLock<BTreeMap<String, Vec<String>>> =
    LazyLock::new(|| parse(SHIPPED_CY).unwrap_or_default());

/// Parses a vocabulary file into one map, keys lowercased.
fn parse(text: &str) -> Result<BTreeMap<String, Vec<String>>, toml::de::Error> {
    let file: VocabularyFile = toml::from_str(text)?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for group in file.group {
        for (key, values) in group.entries {
            let slot = out.entry(key.to_lowercase()).or_default();
            for v in values {
                if !slot.contains(&v) {
                    slot.push(v);
                }
            }
        }
    }
    Ok(out)
}

/// The synonyms a book searches with: the shipped vocabulary (when on), then the book's
/// entries, each replacing the shipped entry of the same key (an empty list removes it).
pub fn merged(settings: &SearchSynonyms) -> BTreeMap<String, Vec<String>> {
    merged_with(&SHIPPED_ENTRIES, settings)
}

/// [`merged`] for the Welsh pages: the shipped Welsh vocabulary (when on), then the
/// entries given.
pub fn merged_welsh(settings: &SearchSynonyms) -> BTreeMap<String, Vec<String>> {
    merged_with(&SHIPPED_CY_ENTRIES, settings)
}

fn merged_with(
    shipped: &BTreeMap<String, Vec<String>>,
    settings: &SearchSynonyms,
) -> BTreeMap<String, Vec<String>> {
    let mut map = if settings.vocabulary {
        shipped.clone()
    } else {
        BTreeMap::new()
    };
    for (key, values) in &settings.entries {
        let key = key.to_lowercase();
        if values.is_empty() {
            map.remove(&key);
        } else {
            map.insert(key, values.clone());
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_vocabulary_parses_into_several_hundred_entries() {
        let file: VocabularyFile = toml::from_str(SHIPPED).expect("vocabulary.toml parses");
        assert!(file.group.len() >= 8);
        for g in &file.group {
            assert!(
                !g.name.is_empty() && g.source.contains("http"),
                "{}",
                g.name
            );
            for (key, values) in &g.entries {
                assert!(!values.is_empty(), "{key} in {} has no expansion", g.name);
            }
        }
        let map = parse(SHIPPED).expect("parses");
        assert!(map.len() >= 500, "{} entries", map.len());
        assert!(map.keys().any(|k| k.contains("...")), "concept patterns");
    }

    #[test]
    fn the_welsh_vocabulary_parses_and_every_key_is_words_the_analyser_keeps() {
        let file: VocabularyFile = toml::from_str(SHIPPED_CY).expect("vocabulary_cy.toml parses");
        assert!(file.group.len() >= 4);
        let mut analyzer = crate::search::welsh::analyzer();
        for g in &file.group {
            assert!(g.source.contains("http"), "{}", g.name);
            for (key, values) in &g.entries {
                assert!(!values.is_empty(), "{key} in {} has no expansion", g.name);
                // No Welsh stop word inside a key or an expansion: it would be dropped,
                // and the key would never match what was typed.
                for text in std::iter::once(key).chain(values) {
                    let words = crate::search::schema::words(&mut analyzer, text);
                    assert_eq!(
                        words.len(),
                        text.split_whitespace().count(),
                        "{text:?} in {}",
                        g.name
                    );
                }
                // Keys are radicals: the query finds a mutated form from them.
                assert!(!values.iter().any(|v| v == key), "{key} expands to itself");
            }
        }
        let map = parse(SHIPPED_CY).expect("parses");
        assert!(map.len() >= 40, "{} entries", map.len());
        let welsh = merged_welsh(&SearchSynonyms {
            vocabulary: true,
            entries: BTreeMap::new(),
        });
        assert!(welsh.contains_key("ffotograff") && !welsh.contains_key("mugshot"));
    }

    #[test]
    fn a_book_adds_overrides_removes_and_switches_off() {
        let mut entries = BTreeMap::new();
        entries.insert("Gizmo".to_string(), vec!["device".to_string()]);
        entries.insert("keep".to_string(), vec!["hold".to_string()]);
        entries.insert("mugshot".to_string(), Vec::new());
        let on = merged(&SearchSynonyms {
            vocabulary: true,
            entries: entries.clone(),
        });
        assert_eq!(on.get("gizmo"), Some(&vec!["device".to_string()]));
        assert_eq!(on.get("keep"), Some(&vec!["hold".to_string()]));
        assert!(!on.contains_key("mugshot"));
        assert!(on.contains_key("photo"));
        let off = merged(&SearchSynonyms {
            vocabulary: false,
            entries,
        });
        assert_eq!(off.len(), 2);
        assert!(!off.contains_key("photo"));
    }
}
