//! The one error type of the HTTP edge: [`AppError`]. Handlers return
//! `Result<_, AppError>` and use `?`; a store error converts by itself
//! (`From<StoreError>`).
//!
//! An error is words, not a page: its heading and message are catalogue ids (or words a
//! handler has already said), and it is said once, at the edge, by [`render_errors`],
//! which knows the request: a page with the site's look in the request's language, or
//! the JSON API's `{"error": "..."}` for `/api/…` and `.json` requests. This is axum's
//! pattern of a response extension read by a middleware; no handler needs the templates
//! or the language to fail.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::comments::StoreError;
use crate::i18n::{Arg, Catalogue, Language};
use crate::server::AppState;
use crate::server::edge::language::Locale;
use crate::server::edge::pages::json_error;

/// A request that ends in an error response. Said by [`render_errors`] in the request's
/// language: as a page, or as the JSON API's `{"error": "..."}`.
#[derive(Debug, Clone)]
pub struct AppError {
    status: StatusCode,
    heading: Words,
    message: Words,
    form: Form,
    retry_after: Option<u64>,
}

/// The words of an error.
#[derive(Debug, Clone)]
pub enum Words {
    /// A message of the catalogue and its arguments, said in the request's language.
    Message(&'static str, Vec<(&'static str, Arg)>),
    /// Words a handler has already said.
    Said(String),
}

impl Words {
    /// The words in `language`.
    pub fn say(&self, catalogue: &Catalogue, language: Language) -> String {
        match self {
            Words::Message(id, args) => catalogue.message(language, id, args),
            Words::Said(text) => text.clone(),
        }
    }
}

/// How an error is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// As the request asks: JSON for the API and `.json` downloads, else a page.
    ByRequest,
    /// Always the JSON API's `{"error": "..."}`.
    Json,
}

impl AppError {
    /// An error whose heading and message are the catalogue's `heading` and `message`.
    pub fn new(status: StatusCode, heading: &'static str, message: &'static str) -> AppError {
        AppError {
            status,
            heading: Words::Message(heading, Vec::new()),
            message: Words::Message(message, Vec::new()),
            form: Form::ByRequest,
            retry_after: None,
        }
    }

    /// An error in words already said (a page's heading and message).
    pub fn said(
        status: StatusCode,
        heading: impl Into<String>,
        message: impl Into<String>,
    ) -> AppError {
        AppError {
            status,
            heading: Words::Said(heading.into()),
            message: Words::Said(message.into()),
            form: Form::ByRequest,
            retry_after: None,
        }
    }

    /// An error of the JSON API, answered as `{"error": message}` whatever the request.
    pub fn json(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError {
            form: Form::Json,
            ..AppError::said(status, "", message)
        }
    }

    /// The same error with these arguments for its message.
    pub fn with_args(mut self, args: Vec<(&'static str, Arg)>) -> AppError {
        if let Words::Message(id, _) = self.message {
            self.message = Words::Message(id, args);
        }
        self
    }

    /// The same error with a message already said (in the request's language).
    pub fn with_message_said(mut self, message: impl Into<String>) -> AppError {
        self.message = Words::Said(message.into());
        self
    }

    /// The same error with a `Retry-After` header.
    pub fn retry_after(mut self, seconds: u64) -> AppError {
        self.retry_after = Some(seconds);
        self
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A change refused for the reason the catalogue's `message` gives ("Not changed").
    pub fn refused(status: StatusCode, message: &'static str) -> AppError {
        AppError::new(status, "error-not-changed", message)
    }

    /// A form whose anti-forgery token did not match (403).
    pub fn form_expired() -> AppError {
        AppError::new(
            StatusCode::FORBIDDEN,
            "error-form-expired",
            "error-form-expired-message",
        )
    }

    /// The comments store could not do what was asked (503; the cause is logged, not
    /// shown). `area` names the part of the site, for the log.
    pub fn store_unavailable(area: &str, e: impl std::fmt::Display) -> AppError {
        tracing::error!("{area}: {e}");
        AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "error-store-unavailable",
            "error-store-unavailable-message",
        )
    }

    /// A blocking task of the request died (it panicked or was cancelled): a 500 that says
    /// so, never a "not found".
    pub fn task_failed(what: &str, e: &tokio::task::JoinError) -> AppError {
        tracing::error!("{what}: the task failed: {e}");
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error-task-failed",
            "error-task-failed-message",
        )
    }

    /// Says the error for a request for `path` in `locale`'s language: a page, or JSON.
    fn answer(&self, state: &AppState, locale: &Locale, path: &str) -> Response {
        let catalogue = state.pages.catalogue();
        let language = locale.language;
        let message = self.message.say(catalogue, language);
        if self.form == Form::Json || wants_json(path) {
            return json_error(self.status, message);
        }
        let heading = self.heading.say(catalogue, language);
        let served = state.current.load_full();
        state.pages.error_in(
            locale,
            &served.context_for(language),
            self.status,
            &heading,
            &message,
        )
    }
}

/// A store error: a missing response is 404, a refused account change 409, anything else
/// 503 (logged; nothing of the cause is shown).
impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::NotFound(_) => AppError::new(
                StatusCode::NOT_FOUND,
                "error-response-not-found",
                "error-response-not-found-message",
            ),
            StoreError::AccountExists(_) | StoreError::LastAdmin => AppError {
                heading: Words::Message("error-not-changed", Vec::new()),
                ..AppError::said(StatusCode::CONFLICT, "", e.to_string())
            },
            e => AppError::store_unavailable("store", e),
        }
    }
}

/// Whether a request for `path` is answered in JSON: the API (in either language) and
/// the `.json` downloads.
fn wants_json(path: &str) -> bool {
    let bare = path.strip_prefix("/cy").unwrap_or(path);
    bare.starts_with("/api/") || bare.ends_with(".json")
}

/// An error on its way to [`render_errors`]: the response's extension.
#[derive(Clone)]
struct Unsaid(Arc<AppError>);

impl IntoResponse for AppError {
    /// The status, any `Retry-After`, and the error for [`render_errors`] to say. Without
    /// that layer (a handler called directly) the body is the message's own text.
    fn into_response(self) -> Response {
        let fallback = match &self.message {
            Words::Said(text) => text.clone(),
            Words::Message(id, _) => (*id).to_string(),
        };
        let mut res = (self.status, fallback).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, value);
        }
        res.extensions_mut().insert(Unsaid(Arc::new(self)));
        res
    }
}

/// The layer that says every [`AppError`] for the request it answers: in the request's
/// language, as a page or as JSON. The handler's other headers (a cookie, `Retry-After`,
/// `Connection: close`) are kept.
pub async fn render_errors(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let locale = Locale::of(&path, req.uri().query());
    let res = next.run(req).await;
    let Some(Unsaid(error)) = res.extensions().get::<Unsaid>().cloned() else {
        return res;
    };
    let (mut parts, _) = res.into_parts();
    let (said, body) = error.answer(&state, &locale, &path).into_parts();
    parts.extensions.remove::<Unsaid>();
    parts.status = said.status;
    parts.headers.remove(header::CONTENT_LENGTH);
    match said.headers.get(header::CONTENT_TYPE) {
        Some(kind) => parts.headers.insert(header::CONTENT_TYPE, kind.clone()),
        None => parts.headers.remove(header::CONTENT_TYPE),
    };
    Response::from_parts(parts, body)
}

/// The JSON API's body for a refusal: `{"error": "..."}` ([`AppError`] answers it).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What was wrong.
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_the_api_and_json_downloads_only() {
        assert!(wants_json("/api/comments"));
        assert!(wants_json("/cy/api/search"));
        assert!(wants_json("/responses.json"));
        assert!(wants_json("/admin/groups.json"));
        assert!(!wants_json("/comment"));
        assert!(!wants_json("/cy/responses"));
        assert!(!wants_json("/apiary"));
    }

    #[tokio::test]
    async fn retry_after_is_a_header_and_the_error_waits_to_be_said() {
        let res = AppError::json(StatusCode::TOO_MANY_REQUESTS, "slow down")
            .retry_after(7)
            .into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "7");
        assert!(res.extensions().get::<Unsaid>().is_some());
    }

    #[test]
    fn a_missing_response_is_404_and_a_broken_store_503() {
        let e = AppError::from(StoreError::NotFound("LEDS-1".into()));
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
        let e = AppError::from(StoreError::Closed);
        assert_eq!(e.status(), StatusCode::SERVICE_UNAVAILABLE);
        let e = AppError::from(StoreError::LastAdmin);
        assert_eq!(e.status(), StatusCode::CONFLICT);
    }
}
