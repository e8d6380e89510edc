//! The language of a request, for the server pages: from the path (`/cy/...`) or a
//! `lang` query parameter, and where the same page is in the other language.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;

use crate::i18n::Language;

/// The language a server page is rendered in, and the same page in the other language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    /// The page's language.
    pub language: Language,
    /// This page's path and query.
    pub self_url: String,
    /// The same page in the other language: path and query.
    pub switch_url: String,
}

impl Locale {
    /// The locale of a request for `path` with `query` (as the reader sent them, before
    /// any `/cy` prefix was stripped by routing).
    pub fn of(path: &str, query: Option<&str>) -> Locale {
        let language = Language::of_request(path, query);
        let other = language.other();
        // The language lives in the path on the way out: drop any `lang` parameter.
        let kept: Vec<(String, String)> = query
            .into_iter()
            .flat_map(|q| form_urlencoded::parse(q.as_bytes()))
            .filter(|(k, _)| k != "lang")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let query = if kept.is_empty() {
            String::new()
        } else {
            let mut s = form_urlencoded::Serializer::new(String::new());
            s.extend_pairs(&kept);
            format!("?{}", s.finish())
        };
        let bare = Language::Welsh.switch_path(path, Language::English);
        Locale {
            language,
            self_url: format!("{}{query}", Language::English.switch_path(&bare, language)),
            switch_url: format!("{}{query}", Language::English.switch_path(&bare, other)),
        }
    }

    /// English, for pages rendered outside a request.
    pub fn english() -> Locale {
        Locale::of("/", None)
    }

    /// A site-absolute path in this locale's language: `/search` → `/cy/search`.
    pub fn path(&self, path: &str) -> String {
        Language::English.switch_path(path, self.language)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Locale {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Locale, Infallible> {
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |o| &o.0);
        Ok(Locale::of(uri.path(), uri.query()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welsh_from_the_path_or_the_query() {
        let l = Locale::of("/cy/search", Some("q=plant&part=guide"));
        assert_eq!(l.language, Language::Welsh);
        assert_eq!(l.self_url, "/cy/search?q=plant&part=guide");
        assert_eq!(l.switch_url, "/search?q=plant&part=guide");
        let l = Locale::of("/search", Some("lang=cy&q=plant"));
        assert_eq!(l.language, Language::Welsh);
        assert_eq!(l.self_url, "/cy/search?q=plant");
        assert_eq!(l.switch_url, "/search?q=plant");
        let l = Locale::of("/comments/receipt/ABCD-EFGH", None);
        assert_eq!(l.language, Language::English);
        assert_eq!(l.switch_url, "/cy/comments/receipt/ABCD-EFGH");
        assert_eq!(l.path("/"), "/");
        assert_eq!(Locale::of("/cy", None).switch_url, "/");
        assert_eq!(Locale::of("/cy", None).path("/"), "/cy/");
        // Only `/cy` as a whole segment is Welsh.
        assert_eq!(Locale::of("/cyfarch", None).language, Language::English);
    }
}
