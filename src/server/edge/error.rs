//! The one error type of the HTTP edge: [`AppError`], answered as a page with the site's
//! look or as the JSON API's `{"error": "..."}`, in the manner of axum's error-handling
//! example. Handlers return `Result<_, AppError>` and use `?`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::server::edge::pages::{Pages, SiteContext, json_error};

/// How an error is answered: which kind of client asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// A browser: an HTML page with the site's look.
    Page,
    /// The JSON API: `{"error": "..."}`.
    Json,
}

/// A request that ends in an error response.
#[derive(Debug)]
pub struct AppError {
    /// The status.
    pub status: StatusCode,
    /// How to answer.
    pub answer: Answer,
    /// The page's heading (pages only).
    pub heading: String,
    /// What to do, for the reader.
    pub message: String,
    /// What every page shows about the publication (pages only).
    pub site: Option<SiteContext>,
    /// Seconds the client should wait before retrying (sets `Retry-After`).
    pub retry_after: Option<u64>,
}

impl AppError {
    /// An error page with the site's look.
    pub fn page(
        site: &SiteContext,
        status: StatusCode,
        heading: impl Into<String>,
        message: impl Into<String>,
    ) -> AppError {
        AppError {
            status,
            answer: Answer::Page,
            heading: heading.into(),
            message: message.into(),
            site: Some(site.clone()),
            retry_after: None,
        }
    }

    /// An error of the JSON API.
    pub fn json(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError {
            status,
            answer: Answer::Json,
            heading: String::new(),
            message: message.into(),
            site: None,
            retry_after: None,
        }
    }

    /// The same error with a `Retry-After` header.
    pub fn retry_after(mut self, seconds: u64) -> AppError {
        self.retry_after = Some(seconds);
        self
    }

    /// A blocking task of the request died (it panicked or was cancelled): a 500 that says
    /// so, never a "not found".
    pub fn task_failed(
        answer: Answer,
        site: Option<&SiteContext>,
        what: &str,
        e: &tokio::task::JoinError,
    ) -> AppError {
        tracing::error!("{what}: the task failed: {e}");
        let message =
            "Something went wrong on our side. Nothing was changed. Please try again later.";
        AppError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            answer,
            heading: "Something went wrong".to_string(),
            message: message.to_string(),
            site: site.cloned(),
            retry_after: None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = match (self.answer, &self.site) {
            (Answer::Page, Some(site)) => {
                Pages::shared().error(site, self.status, &self.heading, &self.message)
            }
            _ => json_error(self.status, self.message),
        };
        if let Some(seconds) = self.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, value);
        }
        res
    }
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

    fn site() -> SiteContext {
        SiteContext {
            title: "A Code".to_string(),
            version: None,
            status: None,
            is_code: true,
        }
    }

    #[tokio::test]
    async fn a_panicked_task_is_a_500_never_a_404() {
        let join = tokio::task::spawn_blocking(|| -> u8 { panic!("the store fell over") }).await;
        let Err(e) = join else {
            panic!("the task should have panicked");
        };
        let res = AppError::task_failed(Answer::Page, Some(&site()), "reading", &e).into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let json = AppError::task_failed(Answer::Json, None, "reading", &e).into_response();
        assert_eq!(json.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(json.into_body(), 1 << 16)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
        assert_eq!(
            body["error"],
            "Something went wrong on our side. Nothing was changed. Please try again later."
        );
    }

    #[tokio::test]
    async fn retry_after_is_a_header() {
        let res = AppError::json(StatusCode::TOO_MANY_REQUESTS, "slow down")
            .retry_after(7)
            .into_response();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(res.headers()[header::RETRY_AFTER], "7");
    }
}
