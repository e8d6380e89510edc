//! The one error type of the HTTP edge: [`AppError`], answered as a page with the site's
//! look or as the JSON API's `{"error": "..."}`, in the manner of axum's error-handling
//! example. Handlers return `Result<_, AppError>` and use `?`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::server::edge::language::Locale;
use crate::server::edge::pages::{Pages, SiteContext, json_error};

/// What a failed task tells the JSON API (pages say it in the request's language).
const TASK_FAILED: &str =
    "Something went wrong on our side. Nothing was changed. Please try again later.";

/// A request that ends in an error response: a page with the site's look, rendered when
/// the error is made (through the app's templates, in the request's language), or the
/// JSON API's `{"error": "..."}`.
#[derive(Debug)]
pub struct AppError {
    /// The status.
    pub status: StatusCode,
    /// What to do, for the reader (the JSON API's `error`).
    pub message: String,
    /// The page, for a browser; `None` for the JSON API.
    page: Option<Response>,
    /// Seconds the client should wait before retrying (sets `Retry-After`).
    pub retry_after: Option<u64>,
}

/// What an error page needs: the app's templates, the request's language and the
/// publication every page names.
#[derive(Clone, Copy)]
pub struct PageFor<'a> {
    /// The templates and the catalogue.
    pub pages: &'a Pages,
    /// The request's language.
    pub locale: &'a Locale,
    /// What every page shows about the publication.
    pub site: &'a SiteContext,
}

impl AppError {
    /// An error page with the site's look, in the request's language.
    pub fn page(
        to: PageFor<'_>,
        status: StatusCode,
        heading: &str,
        message: impl Into<String>,
    ) -> AppError {
        let message = message.into();
        AppError {
            status,
            page: Some(
                to.pages
                    .error_in(to.locale, to.site, status, heading, &message),
            ),
            message,
            retry_after: None,
        }
    }

    /// An error of the JSON API.
    pub fn json(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError {
            status,
            message: message.into(),
            page: None,
            retry_after: None,
        }
    }

    /// The same error with a `Retry-After` header.
    pub fn retry_after(mut self, seconds: u64) -> AppError {
        self.retry_after = Some(seconds);
        self
    }

    /// A blocking task of the request died (it panicked or was cancelled): a 500 that says
    /// so, never a "not found". A page when `to` is given, else the JSON API's answer.
    pub fn task_failed(
        to: Option<PageFor<'_>>,
        what: &str,
        e: &tokio::task::JoinError,
    ) -> AppError {
        tracing::error!("{what}: the task failed: {e}");
        let status = StatusCode::INTERNAL_SERVER_ERROR;
        match to {
            Some(to) => {
                let t = |id| to.pages.t(to.locale.language, id);
                AppError::page(
                    to,
                    status,
                    &t("error-task-failed"),
                    t("error-task-failed-message"),
                )
            }
            None => AppError::json(status, TASK_FAILED),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut res = match self.page {
            Some(page) => page,
            None => json_error(self.status, self.message),
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
        let pages = Pages::new().expect("templates");
        let to = PageFor {
            pages: &pages,
            locale: &Locale::of("/cy/comments", None),
            site: &site(),
        };
        let res = AppError::task_failed(Some(to), "reading", &e).into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let page = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .expect("body");
        let page = String::from_utf8_lossy(&page);
        assert!(page.contains("ar ein hochr ni. Ni newidiwyd dim"), "{page}");
        let json = AppError::task_failed(None, "reading", &e).into_response();
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
