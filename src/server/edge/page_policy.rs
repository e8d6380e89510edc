//! The page-specific Content-Security-Policy: the hook the static file handler calls to
//! give a book page the policy its build worked out ([`crate::csp`]). Every other
//! response gets the router's strict [`crate::csp::BASE_POLICY`].

use axum::http::{HeaderValue, header};
use axum::response::Response;

use crate::site::Site;

/// The policy for the page a request path names, if it needs more than the base policy.
/// The path is decoded and `index.html` added for a folder, as the file server does.
pub fn policy_for(site: &Site, request_path: &str) -> Option<HeaderValue> {
    let decoded = percent_encoding::percent_decode_str(request_path).decode_utf8_lossy();
    let mut page = decoded.trim_start_matches('/').to_string();
    if page.is_empty() || page.ends_with('/') {
        page.push_str("index.html");
    }
    let policy = site.csp.policy_for(&page)?;
    match HeaderValue::from_str(&policy) {
        Ok(value) => Some(value),
        Err(e) => {
            tracing::error!("the policy for {page} is not a valid header: {e}");
            None
        }
    }
}

/// Sets the page's policy on a successful response, and on a 304 (a browser keeps the
/// headers of a 304 with its cached page); errors keep the base policy.
pub fn apply(mut res: Response, policy: Option<HeaderValue>) -> Response {
    let status = res.status();
    if let Some(policy) = policy
        && (status.is_success() || status == axum::http::StatusCode::NOT_MODIFIED)
    {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    res
}
