//! What a book's `[output.html.search]` table asks of search, resolved once per build.
//!
//! mdBook's settings describe its browser-side elasticlunr search. copbook searches on the
//! server, so some settings carry over (how many results, whether every word must match,
//! how much a heading, the trail and the text weigh) and the rest describe machinery copbook does
//! not have. [`SearchOptions::from_mdbook`] keeps the first kind and names the second, so
//! the build can say once what it ignores and why.

use mdbook_driver::config::{Config, Search};

/// The search behaviour a book asks for, in copbook's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchOptions {
    /// Most hits a search returns (`limit-results`).
    pub limit_results: usize,
    /// Every word of the query must match (`use-boolean-and`).
    pub all_words: bool,
    /// Weight of a match in a heading, relative to copbook's own (`boost-title`, over
    /// mdBook's default of 2: the default changes nothing).
    pub boost_title: f32,
    /// Weight of a match in the chapter and heading trail (`boost-hierarchy` over its
    /// default of 1).
    pub boost_hierarchy: f32,
    /// Weight of a match in the text (`boost-paragraph` over its default of 1).
    pub boost_paragraph: f32,
}

impl Default for SearchOptions {
    /// copbook's own choices, used when a book has no `[output.html.search]` table.
    fn default() -> SearchOptions {
        SearchOptions {
            limit_results: usize::MAX,
            all_words: false,
            boost_title: 1.0,
            boost_hierarchy: 1.0,
            boost_paragraph: 1.0,
        }
    }
}

/// The mdBook search settings copbook does not use, with the reason a reader is told.
pub const IGNORED: &[(&str, &str)] = &[
    (
        "enable",
        "copbook's search runs on the server and is always on",
    ),
    (
        "copy-js",
        "copbook ships no search index or search script to the browser",
    ),
    (
        "teaser-word-count",
        "copbook picks each result's excerpt around the matched words",
    ),
    (
        "heading-split-level",
        "copbook indexes every heading and numbered paragraph as its own result",
    ),
    ("chapter", "copbook indexes every chapter"),
    (
        "expand",
        "copbook matches other forms of a word by stemming and typo tolerance, not by prefix",
    ),
];

impl SearchOptions {
    /// Reads `[output.html.search]` from mdBook's configuration. Returns the options and
    /// the keys of the table copbook ignores (see [`IGNORED`]); `None` when the book has no
    /// such table (copbook's defaults apply).
    pub fn from_mdbook(config: &Config) -> Result<Option<(SearchOptions, Vec<String>)>, String> {
        let Some(raw) = config
            .get::<toml::Table>("output.html.search")
            .map_err(|e| format!("{e:#}"))?
        else {
            return Ok(None);
        };
        let search: Search = raw
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        let ignored = raw
            .keys()
            .filter(|key| IGNORED.iter().any(|(name, _)| name == key))
            .cloned()
            .collect();
        Ok(Some((
            SearchOptions {
                limit_results: usize::try_from(search.limit_results).unwrap_or(usize::MAX),
                all_words: search.use_boolean_and,
                boost_title: f32::from(search.boost_title) / 2.0,
                boost_hierarchy: f32::from(search.boost_hierarchy),
                boost_paragraph: f32::from(search.boost_paragraph),
            },
            ignored,
        )))
    }
}

/// One line saying which of `ignored` copbook does not use, and why.
pub fn ignored_notice(ignored: &[String]) -> Option<String> {
    if ignored.is_empty() {
        return None;
    }
    let reasons: Vec<String> = ignored
        .iter()
        .filter_map(|key| {
            IGNORED
                .iter()
                .find(|(name, _)| name == key)
                .map(|(name, why)| format!("`{name}` ({why})"))
        })
        .collect();
    Some(format!(
        "book.toml [output.html.search]: copbook does not use {}; the other search settings apply to copbook's search",
        reasons.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml: &str) -> Config {
        toml.parse().expect("valid book.toml")
    }

    #[test]
    fn reads_what_applies_and_names_what_does_not() {
        let c = config(
            "[output.html.search]\nlimit-results = 7\nuse-boolean-and = true\nboost-title = 3\n\
             teaser-word-count = 10\ncopy-js = false\n",
        );
        let (options, ignored) = SearchOptions::from_mdbook(&c)
            .expect("valid")
            .expect("table");
        assert_eq!(options.limit_results, 7);
        assert!(options.all_words);
        assert!(
            (options.boost_title - 1.5).abs() < f32::EPSILON,
            "3 over mdBook's 2"
        );
        assert!(
            (options.boost_paragraph - 1.0).abs() < f32::EPSILON,
            "the default"
        );
        assert_eq!(ignored, ["copy-js", "teaser-word-count"]);
        let notice = ignored_notice(&ignored).expect("notice");
        assert!(notice.contains("`copy-js`") && notice.contains("`teaser-word-count`"));
        assert!(!notice.contains("reinstall"));
    }

    #[test]
    fn no_table_means_copbook_defaults() {
        assert_eq!(
            SearchOptions::from_mdbook(&config("[book]\ntitle = \"x\"\n")).expect("valid"),
            None
        );
        assert!(ignored_notice(&[]).is_none());
    }

    #[test]
    fn an_unknown_key_is_an_error() {
        let c = config("[output.html.search]\nlimit-result = 7\n");
        assert!(SearchOptions::from_mdbook(&c).is_err());
    }
}
