//! Checks that wrap routes rather than live in their handlers: body-size limits sized for
//! what each route promises, the receipt look-up throttle, the JSON API's charset rule,
//! the form's own page for a body that is too large, and `/healthz`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::server::AppState;
use crate::server::edge::error::AppError;
use crate::server::edge::limits;

/// Characters a comment may have (the form promises this many in any script).
const COMMENT_CHARS: usize = 20_000;
/// Room for every field other than the comment's body.
const OTHER_FIELDS_BYTES: usize = 16 * 1024;

/// Largest form submission: 20,000 characters of up to 4 bytes each in UTF-8, each byte
/// percent-encoded as 3, plus the other fields.
pub const FORM_MAX_BODY_BYTES: usize = COMMENT_CHARS * 4 * 3 + OTHER_FIELDS_BYTES;
/// Largest JSON submission: 20,000 characters of up to 4 bytes each, plus the other fields.
pub const JSON_MAX_BODY_BYTES: usize = COMMENT_CHARS * 4 + OTHER_FIELDS_BYTES;

/// Receipt look-ups allowed per client per minute.
pub const RECEIPT_LOOKUPS_PER_MINUTE: u32 = 30;

/// Refuses receipt look-ups beyond [`RECEIPT_LOOKUPS_PER_MINUTE`] per client with 429.
pub async fn throttle_receipts(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let client = limits::request_client(&req, state.trusted_proxy);
    match state.receipt_limits.check(client, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => too_many_requests(wait).into_response(),
    }
}

/// A 429 saying when to try again, with `Retry-After`.
pub fn too_many_requests(wait: Duration) -> AppError {
    let seconds = wait.as_secs().max(1);
    AppError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "error-too-many-requests",
        "error-too-many-requests-message",
    )
    .with_args(vec![("seconds", seconds.into())])
    .retry_after(seconds)
}

/// Refuses a JSON body declared in a charset other than UTF-8 with 415: JSON is UTF-8
/// (RFC 8259), and reading it as such would garble the comment.
pub async fn require_utf8(req: Request, next: Next) -> Response {
    let charset = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(charset_of);
    match charset {
        Some(c) if !c.eq_ignore_ascii_case("utf-8") && !c.eq_ignore_ascii_case("utf8") => {
            AppError::json(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("charset `{c}` is not accepted: send the JSON body as UTF-8"),
            )
            .into_response()
        }
        _ => next.run(req).await,
    }
}

/// The `charset` parameter of a `Content-Type` value, unquoted.
fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_string())
    })
}

/// Gives a form submission (`POST /comments`) that is too large the site's own error
/// page, not plain text; wraps the whole router so that every size limit is covered.
///
/// Every 413 also says `Connection: close`. The server stops reading a body it will not
/// take, so the connection cannot carry another request; without the header a client
/// would put it back in its pool and lose its next request to the close.
pub async fn form_too_large(req: Request, next: Next) -> Response {
    let is_form = req.method() == axum::http::Method::POST
        && matches!(req.uri().path(), "/comments" | "/cy/comments");
    let mut res = next.run(req).await;
    if res.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return res;
    }
    if is_form {
        // Said in the form's language by the edge (`/cy/comments` is the Welsh form's).
        res = AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "comments-too-large",
            "comments-too-large-message",
        )
        .into_response();
    }
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charsets() {
        assert_eq!(charset_of("application/json"), None);
        assert_eq!(
            charset_of("application/json; charset=UTF-8").as_deref(),
            Some("UTF-8")
        );
        assert_eq!(
            charset_of("application/json;CHARSET=\"iso-8859-1\"").as_deref(),
            Some("iso-8859-1")
        );
    }

    #[test]
    fn limits_fit_twenty_thousand_characters_of_any_script() {
        let body: String = "🦀".repeat(COMMENT_CHARS);
        let encoded: String = form_urlencoded::byte_serialize(body.as_bytes()).collect();
        assert!(encoded.len() + 1024 <= FORM_MAX_BODY_BYTES);
        assert!(body.len() + 1024 <= JSON_MAX_BODY_BYTES);
    }
}
