//! The plain-English ↔ formal vocabulary shipped with copbook (`vocabulary.toml`,
//! compiled in), and its merge with a book's own synonyms.
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
    let mut map = if settings.vocabulary {
        SHIPPED_ENTRIES.clone()
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
