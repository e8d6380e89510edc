//! Server-rendered pages: the minijinja environment (autoescape on), the embedded assets
//! that give server pages the theme's look, and the one error type of the HTTP edge.
//!
//! Templates and assets are compiled into the binary from `themes/copbook`, so `serve`
//! works on any book, from any working directory. Every page is rendered with the same
//! `site` context (title, version, status) as the book's own pages.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use serde::Serialize;

/// The theme's stylesheet, served at `/_copbook/copbook.css`.
pub const CSS: &str = include_str!("../../themes/copbook/css/general.css");
/// The theme's script, served at `/_copbook/copbook.js`.
pub const JS: &str = include_str!("../../themes/copbook/book.js");

/// The theme's templates, by file name, compiled in.
macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/copbook/templates/", $name)))),*]
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
        Ok(Pages { env })
    }

    /// The process's one set of the embedded templates, for [`super::error::AppError`],
    /// which renders without the application state. If the templates fail to load, every
    /// page falls back to the plain error page of [`Pages::render`].
    pub fn shared() -> &'static Pages {
        static SHARED: std::sync::OnceLock<Pages> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            Pages::new().unwrap_or_else(|e| {
                tracing::error!("server templates: {e:#}");
                Pages {
                    env: Environment::new(),
                }
            })
        })
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

    /// An error page with the site's look.
    pub fn error(
        &self,
        site: &SiteContext,
        status: StatusCode,
        heading: &str,
        message: &str,
    ) -> Response {
        self.render(
            "error.html",
            status,
            minijinja::context! { site => site, status => status.as_u16(), heading => heading, message => message },
        )
    }
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
