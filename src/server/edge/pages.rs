//! Server-rendered pages: the minijinja environment (autoescape on), the embedded assets
//! that give server pages the theme's look, and the one error type of the HTTP edge.
//!
//! Templates and assets are compiled into the binary from `themes/copbook`, so `serve`
//! works on any book, from any working directory. Every page is rendered with the same
//! `site` context (title, version, status) as the book's own pages.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::{Kwargs, Value};
use minijinja::{Environment, State};
use serde::Serialize;

use crate::i18n::{Arg, Catalogue, Language};
use crate::server::edge::language::Locale;

/// The theme's stylesheet, served at `/_copbook/copbook.css`.
pub const CSS: &str = include_str!("../../../themes/copbook/css/general.css");
/// The theme's icon, served at `/_copbook/favicon.svg` (and `/favicon.ico` redirects to it).
pub const ICON: &str = include_str!("../../../themes/copbook/favicon.svg");
/// The theme's script, served at `/_copbook/copbook.js`.
pub const JS: &str = include_str!("../../../themes/copbook/book.js");

/// The theme's templates, by file name, compiled in.
macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../themes/copbook/templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = templates!(
    "layout.html",
    "search.html",
    "error.html",
    "comment.html",
    "receipt.html",
    "admin.html",
    "admin_target.html",
    "admin_erase.html",
);

/// What every page shows about the publication.
#[derive(Debug, Clone, Serialize)]
pub struct SiteContext {
    /// The book's title.
    pub title: String,
    /// The draft's version, if the book is a Code.
    pub version: Option<String>,
    /// The draft's status, if the book is a Code.
    pub status: Option<String>,
    /// Whether the book is a Code (its pages speak of the Code and the guide, and search
    /// offers those two parts); a plain mdBook's pages speak of the book by its title.
    pub is_code: bool,
}

/// The template environment, built once at start-up.
pub struct Pages {
    env: Environment<'static>,
    catalogue: std::sync::Arc<Catalogue>,
}

impl Pages {
    /// Loads the embedded templates.
    pub fn new() -> Result<Pages, minijinja::Error> {
        let mut env = Environment::new();
        // Autoescape every template whose name ends in .html (minijinja's default, kept explicit).
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        let catalogue = std::sync::Arc::new(Catalogue::new().map_err(|e| {
            minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
        })?);
        // `t("id", name=value)`: a message of the catalogue in the page's language, as
        // text (escaped like any value). `t_html` for the messages that hold a link: the
        // arguments are escaped, the compiled-in markup is kept.
        let c = std::sync::Arc::clone(&catalogue);
        env.add_function(
            "t",
            move |state: &State, id: &str, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
                let args = message_args(&kwargs, false)?;
                Ok(Value::from(c.message(
                    page_language(state),
                    id,
                    &borrowed(&args),
                )))
            },
        );
        // `instant|when`: "6 December 2026, 19:37 UTC" in the page's language.
        env.add_filter("when", |state: &State, value: &str| -> String {
            crate::i18n::date_time(page_language(state), value)
        });
        let c = std::sync::Arc::clone(&catalogue);
        env.add_function(
            "t_html",
            move |state: &State, id: &str, kwargs: Kwargs| -> Result<Value, minijinja::Error> {
                let args = message_args(&kwargs, true)?;
                let html = c.message(page_language(state), id, &borrowed(&args));
                Ok(Value::from_safe_string(html))
            },
        );
        Ok(Pages { env, catalogue })
    }

    /// The message catalogue the pages speak from.
    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }

    /// A message of the catalogue in `language`.
    pub fn t(&self, language: Language, id: &str) -> String {
        self.catalogue.text(language, id)
    }

    /// A message of the catalogue in `language`, with arguments.
    pub fn message(&self, language: Language, id: &str, args: &[(&str, Arg)]) -> String {
        self.catalogue.message(language, id, args)
    }

    /// Renders a template in the locale's language, with the language switch.
    pub fn render_in(
        &self,
        locale: &Locale,
        name: &str,
        status: StatusCode,
        ctx: Value,
    ) -> Response {
        let other = locale.language.other();
        let ctx = minijinja::context! {
            lang => locale.language.code(),
            html_lang => locale.language.html_lang(),
            // A constant, not from the request: safe to leave unescaped in URLs.
            lang_prefix => Value::from_safe_string(locale.language.prefix().to_string()),
            self_url => locale.self_url,
            switch_url => locale.switch_url,
            switch_lang => other.html_lang(),
            switch_name => other.endonym(),
            ..ctx
        };
        self.render(name, status, ctx)
    }

    /// An error page with the site's look, in the locale's language.
    pub fn error_in(
        &self,
        locale: &Locale,
        site: &SiteContext,
        status: StatusCode,
        heading: &str,
        message: &str,
    ) -> Response {
        self.render_in(
            locale,
            "error.html",
            status,
            minijinja::context! { site => site, status => status.as_u16(), heading => heading, message => message },
        )
    }

    /// Adds or replaces a template (for server areas with their own pages).
    pub fn add(
        &mut self,
        name: &'static str,
        source: &'static str,
    ) -> Result<(), minijinja::Error> {
        self.env.add_template(name, source)
    }

    /// Renders a template, or a plain error page if the template itself fails.
    pub fn render(&self, name: &str, status: StatusCode, ctx: minijinja::Value) -> Response {
        let rendered = self.env.get_template(name).and_then(|t| t.render(ctx));
        match rendered {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!("template {name} failed: {e:#}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Html("<!doctype html><title>Error</title><h1>Something went wrong</h1><p>Please try again later.</p>"),
                )
                    .into_response()
            }
        }
    }
}

/// The language of the page being rendered: its `lang` variable, English without one.
fn page_language(state: &State) -> Language {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Language::from_code))
        .unwrap_or(Language::English)
}

/// A template function's keyword arguments as message arguments: numbers stay numbers
/// (they choose plural forms), everything else is text, escaped when `escape`.
fn message_args(kwargs: &Kwargs, escape: bool) -> Result<Vec<(String, Arg)>, minijinja::Error> {
    let mut out = Vec::new();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        let arg = match value.kind() {
            minijinja::value::ValueKind::Number => match f64::try_from(value.clone()) {
                Ok(n) => Arg::Number(n),
                Err(_) => Arg::Text(value.to_string()),
            },
            minijinja::value::ValueKind::Undefined | minijinja::value::ValueKind::None => {
                Arg::Text(String::new())
            }
            _ => {
                let text = value.to_string();
                Arg::Text(if escape {
                    crate::html::escape(&text)
                } else {
                    text
                })
            }
        };
        out.push((name.to_string(), arg));
    }
    Ok(out)
}

fn borrowed(args: &[(String, Arg)]) -> Vec<(&str, Arg)> {
    args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect()
}

/// A static asset response with a content type and a short cache lifetime.
pub fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=300"),
            ),
        ],
        body,
    )
        .into_response()
}

/// An error answered as JSON: `{"error": "..."}` with the status given.
pub fn json_error(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        axum::Json(serde_json::json!({ "error": message.into() })),
    )
        .into_response()
}
