//! Cookies and the anti-forgery (CSRF) check of every form: the double-submit token kept
//! in a cookie (`__Host-` over HTTPS) and echoed in the form, and the `Origin` check.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum_extra::extract::cookie::Cookie;

use crate::comments::keys;

/// Name of the cookie holding the form's anti-forgery token over plain HTTP.
const CSRF_COOKIE: &str = "copbook_csrf";
/// Its name over HTTPS: a `__Host-` cookie is `Secure`, `Path=/` and has no `Domain`, so
/// a sibling host (or a man in the middle of plain HTTP) cannot set or overwrite it.
/// Over plain HTTP (development, tests, loopback) browsers refuse `Secure` cookies
/// (Safari even on localhost), so there the plain name is used, without `Secure`.
const CSRF_COOKIE_HOST: &str = "__Host-copbook_csrf";

/// The value of cookie `name` in the request's `Cookie` headers, parsed by the `cookie`
/// crate as axum-extra's `CookieJar` parses them, but in the order sent: when a browser
/// sends two of one name (the more specific path first), the first counts, where the jar
/// would keep the last.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse_encoded)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// Whether an `Origin` header, when sent, names this server (browsers send it on POST).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some((origin_scheme, origin_host)) = origin.split_once("://") else {
        return false;
    };
    // The server speaks plain HTTP; a TLS-terminating proxy says so in X-Forwarded-Proto
    // (a header a cross-site browser form cannot add).
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map_or("http", str::trim);
    !host.is_empty() && origin_host == host && origin_scheme.eq_ignore_ascii_case(scheme)
}

/// Whether the request reached us over HTTPS: the server speaks plain HTTP, and a
/// TLS-terminating proxy says so in `X-Forwarded-Proto`.
fn over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// The anti-forgery cookie's name for this request: only the `__Host-` one over HTTPS.
pub fn csrf_cookie_name(headers: &HeaderMap) -> &'static str {
    if over_https(headers) {
        CSRF_COOKIE_HOST
    } else {
        CSRF_COOKIE
    }
}

/// Middleware: over HTTPS, the anti-forgery cookie a handler set (by
/// [`set_csrf_cookie`], which does not see the request) becomes the `__Host-` cookie.
pub async fn host_prefixed_csrf_cookie(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let https = over_https(req.headers());
    let mut res = next.run(req).await;
    if !https {
        return res;
    }
    let prefix = format!("{CSRF_COOKIE}=");
    let all: Vec<HeaderValue> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    res.headers_mut().remove(header::SET_COOKIE);
    for value in all {
        let value = match value.to_str() {
            Ok(v) if v.starts_with(&prefix) => {
                HeaderValue::from_str(&format!("__Host-{v}; Secure")).unwrap_or(value)
            }
            _ => value,
        };
        res.headers_mut().append(header::SET_COOKIE, value);
    }
    res
}

/// The request's anti-forgery token, if its cookie holds a well-formed one.
pub fn csrf_cookie(headers: &HeaderMap) -> Option<String> {
    cookie(headers, csrf_cookie_name(headers))
        .filter(|value| value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The token of the request's anti-forgery cookie, or a new one.
pub fn csrf_token_for(headers: &HeaderMap) -> String {
    csrf_cookie(headers).unwrap_or_else(new_token)
}

/// Whether a form's token matches the request's anti-forgery cookie and its origin is ours.
pub fn csrf_ok(headers: &HeaderMap, token: &str) -> bool {
    same_origin(headers)
        && csrf_cookie(headers).is_some_and(|c| constant_time_eq(c.as_bytes(), token.as_bytes()))
}

/// A new anti-forgery token.
pub fn new_token() -> String {
    keys::new_secret()
}

/// Sets the anti-forgery cookie on a response.
pub fn set_csrf_cookie(res: &mut Response, token: &str) {
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
    )) {
        res.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_in_the_order_sent() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; copbook_csrf=first; b=%41"),
        );
        h.append(
            header::COOKIE,
            HeaderValue::from_static("copbook_csrf=second"),
        );
        assert_eq!(cookie(&h, "copbook_csrf").as_deref(), Some("first"));
        assert_eq!(cookie(&h, "b").as_deref(), Some("A"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn secrets_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b""));
    }

    #[test]
    fn origin_must_match_host() {
        let mut h = HeaderMap::new();
        assert!(same_origin(&h));
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:3000"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://127.0.0.1:3000"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h));
    }
}
