//! Who is asking, at the edge of every `/admin` request: [`require_person`], the one gate
//! (once any account exists, every request needs a live session and a role that [`RULES`]
//! allows; before that, the old `COPBOOK_ADMIN_TOKEN` as an HTTP Basic password or Bearer
//! token, compared in constant time, or 404 without one), the [`Person`] extractor that
//! handlers take, and the sign-in throttles ([`Accounts`], [`FailureLimits`]).
//! Nothing under `/admin` is linked from public pages.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;

use crate::auth::{Permission, Role, session};
use crate::comments::store::accounts::AuditEntry;
use crate::server::AppState;
use crate::server::edge::csrf::{constant_time_eq, cookie};
use crate::server::edge::error::AppError;
use Audit::{Gate, Nothing, Store};

/// The cookie that keeps the analyst's short name, for the admin pages only (with
/// accounts, the gate sets it from the session).
pub const ANALYST_COOKIE: &str = "copbook_analyst";

/// The fewest characters an admin token may have.
pub const MIN_TOKEN_CHARS: usize = 20;

/// `Err(length)` when `token` is shorter than [`MIN_TOKEN_CHARS`].
pub fn check_token_strength(token: &str) -> Result<(), usize> {
    let n = token.chars().count();
    if n < MIN_TOKEN_CHARS { Err(n) } else { Ok(()) }
}

/// Failed admin attempts allowed: per client address, in total, and how often a client's
/// failures are logged.
pub struct FailureLimits {
    per_client: crate::server::edge::limits::RateLimiter,
    global: crate::server::edge::limits::RateLimiter,
    logged: crate::server::edge::limits::RateLimiter,
}

/// Failed attempts one client may make per minute.
const FAILURES_PER_CLIENT: u32 = 10;
/// Failed attempts all clients together may make per minute.
const FAILURES_GLOBAL: u32 = 100;
/// The key all clients share in the global count.
const EVERYONE: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

impl FailureLimits {
    /// The default limits.
    pub fn new() -> FailureLimits {
        FailureLimits {
            per_client: crate::server::edge::limits::RateLimiter::new(FAILURES_PER_CLIENT),
            global: crate::server::edge::limits::RateLimiter::new(FAILURES_GLOBAL),
            logged: crate::server::edge::limits::RateLimiter::new(1),
        }
    }
}

impl Default for FailureLimits {
    fn default() -> Self {
        FailureLimits::new()
    }
}

/// Who is making an admin request: an account signed in with a session, or (while no
/// account exists) the holder of the old admin token, who may do everything.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Person {
    /// The account's name (`token` for the old token).
    pub name: String,
    /// What the person may do.
    pub role: Role,
    /// The anti-forgery token of the person's session (`None` with the old token).
    pub csrf: Option<String>,
    /// The SHA-256 of the session id, as the store keeps it.
    #[serde(skip)]
    pub session_hash: Option<String>,
    /// Whether this is a session (the page shows the sign-out button).
    pub session: bool,
    /// The client address.
    pub client: String,
}

impl Person {
    /// An audit entry of this person doing `action` now.
    pub fn audit(
        &self,
        state: &AppState,
        action: &str,
        subject: Option<String>,
        detail: Option<String>,
    ) -> AuditEntry {
        AuditEntry {
            at_ms: state.now().as_millisecond(),
            actor: self.name.clone(),
            action: action.to_string(),
            subject,
            detail,
            client: Some(self.client.clone()),
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Person {
    type Rejection = StatusCode;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Person, StatusCode> {
        parts
            .extensions
            .get::<Person>()
            .cloned()
            .ok_or(StatusCode::UNAUTHORIZED)
    }
}

/// What the accounts need of the server: whether any exists yet, and the sign-in
/// throttles.
pub struct Accounts {
    /// Set once an account exists (accounts are never deleted, so it stays set).
    exist: std::sync::atomic::AtomicBool,
    /// Failed sign-ins allowed per client address.
    pub per_client: crate::server::edge::limits::RateLimiter,
    /// Failed sign-ins allowed per account, from clients it has not signed in from.
    pub per_account: crate::server::edge::limits::RateLimiter,
    /// Whether local passwords are accepted (off when OpenID Connect is the only way).
    pub passwords: bool,
}

/// Failed sign-ins one client may make per minute.
pub const SIGN_IN_FAILURES_PER_CLIENT: u32 = 10;
/// Failed sign-ins on one account per minute, from clients it has not signed in from.
pub const SIGN_IN_FAILURES_PER_ACCOUNT: u32 = 10;

impl Default for Accounts {
    fn default() -> Self {
        Accounts {
            exist: std::sync::atomic::AtomicBool::new(false),
            per_client: crate::server::edge::limits::RateLimiter::new(SIGN_IN_FAILURES_PER_CLIENT),
            per_account: crate::server::edge::limits::RateLimiter::new(
                SIGN_IN_FAILURES_PER_ACCOUNT,
            ),
            passwords: true,
        }
    }
}

impl Accounts {
    /// The default throttles; local passwords accepted or not.
    pub fn with_passwords(passwords: bool) -> Accounts {
        Accounts {
            passwords,
            ..Accounts::default()
        }
    }

    /// Whether any account exists (asks the store until one does).
    pub async fn exist(&self, store: Option<&dyn crate::comments::CommentStore>) -> bool {
        use std::sync::atomic::Ordering;
        if self.exist.load(Ordering::Relaxed) {
            return true;
        }
        let Some(store) = store else { return false };
        match store.accounts().await {
            Ok(accounts) if !accounts.is_empty() => {
                self.exist.store(true, Ordering::Relaxed);
                true
            }
            Ok(_) => false,
            Err(e) => {
                // Fail closed: an unreadable store must not reopen the old token.
                tracing::error!("admin: cannot read the accounts: {e}");
                true
            }
        }
    }
}

/// The key an account's failures are counted under in a [`crate::server::edge::limits::RateLimiter`]
/// (which counts by address): a private IPv6 /64 drawn from the name's hash.
pub fn account_key(name: &str) -> std::net::IpAddr {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(name.as_bytes());
    let mut bytes = [0u8; 16];
    bytes[0] = 0xfd;
    bytes[1..8].copy_from_slice(&digest[..7]);
    std::net::IpAddr::V6(std::net::Ipv6Addr::from(bytes))
}

/// What the audit log records of an admin route, and who writes the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audit {
    /// Nothing (a read).
    Nothing,
    /// This action, written by the gate once the handler succeeded (an export: nothing
    /// in the store changes).
    Gate(&'static str),
    /// This action, written by the store in the same transaction as the change it
    /// records (the handler passes the entry in), so a change is never without its row.
    Store(&'static str),
}

/// An admin route: what it needs, and what the audit log records when it succeeds.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The route as registered in the router.
    pub path: &'static str,
    /// The permission it needs.
    pub needs: Permission,
    /// The audit action recorded when it succeeds.
    pub audit: Audit,
}

const fn rule(method: &'static str, path: &'static str, needs: Permission, audit: Audit) -> Rule {
    Rule {
        method,
        path,
        needs,
        audit,
    }
}

/// Every admin route behind the sign-in, and what it needs: the one place that decides.
/// A route missing here is refused to everyone (and a test fails).
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    rule("GET",  "/admin/",                             Permission::ReadResponses,   Nothing),
    rule("GET",  "/admin/target/{*id}",                 Permission::ReadResponses,   Nothing),
    rule("POST", "/admin/comments/{reference}/status",  Permission::ChangeStatus,    Store("status")),
    rule("GET",  "/admin/comments/{reference}/erase",   Permission::Erase,           Nothing),
    rule("POST", "/admin/comments/{reference}/erase",   Permission::Erase,           Store("erase")),
    rule("GET",  "/admin/export.csv",                   Permission::ExportPersonal,  Gate("export")),
    rule("GET",  "/admin/searches",                     Permission::ReadResponses,   Nothing),
    rule("GET",  "/admin/groups",                       Permission::ReadResponses,   Nothing),
    rule("GET",  "/admin/groups.json",                  Permission::ReadResponses,   Nothing),
    rule("POST", "/admin/groups/split",                 Permission::Code,            Store("split")),
    rule("POST", "/admin/groups/merge",                 Permission::Code,            Store("merge")),
    rule("POST", "/admin/analyst",                      Permission::Code,            Nothing),
    rule("GET",  "/admin/codes",                        Permission::ReadResponses,   Nothing),
    rule("POST", "/admin/codes",                        Permission::EditCodingFrame, Store("code-frame")),
    rule("POST", "/admin/comments/{reference}/codes",   Permission::Code,            Store("tag")),
    rule("GET",  "/admin/responses",                    Permission::ReadResponses,   Nothing),
    rule("GET",  "/admin/responses/{reference}",        Permission::ReadResponses,   Nothing),
    // Without names and emails unless the role may export them (the handler leaves them out).
    rule("GET",  "/admin/responses.csv",                Permission::ExportAnonymous, Gate("export")),
    rule("GET",  "/admin/responses.json",               Permission::ExportAnonymous, Gate("export")),
    rule("GET",  "/admin/audit",                        Permission::ReadAudit,       Nothing),
    rule("POST", "/admin/sign-out",                     Permission::SignedIn,        Nothing),
];

/// The `/admin` routes open without a session (their handlers check what they need: a
/// password, a set-up link, the OpenID provider's answer). Every other `/admin` route is
/// behind the gate and has a rule in [`RULES`].
pub const OPEN_ROUTES: &[&str] = &[
    "/admin/sign-in",
    "/admin/set-up/{token}",
    "/admin/oidc/start",
    "/admin/oidc/callback",
];

/// The rule of a route, if it has one.
pub fn rule_for(method: &str, path: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.method == method && r.path == path)
}

/// Whether the request came through the trusted proxy over TLS.
pub fn is_tls(req: &Request, trusted_proxy: Option<std::net::IpAddr>) -> bool {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or(std::net::SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0);
    is_tls_headers(peer, req.headers(), trusted_proxy)
}

/// [`is_tls`] from the peer's address and the headers.
pub fn is_tls_headers(
    peer: std::net::SocketAddr,
    headers: &HeaderMap,
    trusted_proxy: Option<std::net::IpAddr>,
) -> bool {
    trusted_proxy.is_some_and(|proxy| peer.ip().to_canonical() == proxy.to_canonical())
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// Replaces cookie `name` in the request by `value` (the edge does this so that the
/// handlers' anti-forgery check and analyst name come from the session, whatever the
/// browser sent).
fn replace_cookie(headers: &mut HeaderMap, name: &str, value: &str) {
    let kept: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty() && pair.split_once('=').is_none_or(|(k, _)| k != name))
        .map(str::to_string)
        .chain(std::iter::once(format!("{name}={value}")))
        .collect();
    headers.remove(header::COOKIE);
    if let Ok(v) = HeaderValue::from_str(&kept.join("; ")) {
        headers.insert(header::COOKIE, v);
    }
}

/// The session a request carries, if it is live; ends an expired one.
async fn session_person(
    state: &AppState,
    store: &dyn crate::comments::CommentStore,
    id: Option<String>,
    client: &str,
) -> Result<Option<Person>, crate::comments::StoreError> {
    let Some(id) = id.filter(|id| session::is_id(id)) else {
        return Ok(None);
    };
    let id = id.as_str();
    let hash = session::id_hash(id);
    let Some(row) = store.session(&hash).await? else {
        return Ok(None);
    };
    let now = state.now().as_millisecond();
    if !session::is_live(&row, now) {
        store.end_session(&hash, None).await?;
        return Ok(None);
    }
    let Some(role) = Role::parse(&row.account.role) else {
        return Ok(None);
    };
    if now - row.last_seen_ms >= session::TOUCH_EVERY_MS {
        store.touch_session(&hash, now).await?;
    }
    Ok(Some(Person {
        name: row.account.name,
        role,
        csrf: Some(session::csrf_token(id)),
        session_hash: Some(hash),
        session: true,
        client: client.to_string(),
    }))
}

/// The one gate of `/admin`: works out who is asking (a session once any account
/// exists; before that the old token), refuses what their role may not do by
/// [`RULES`], binds the forms' anti-forgery token and the analyst's name to the session,
/// and records each export that succeeded in the audit log (a change's row is written
/// by the store with the change: [`Audit::Store`]).
pub async fn require_person(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    let client_ip = crate::server::edge::limits::request_client(&req, state.trusted_proxy);
    let client = client_ip.to_string();
    let accounts = state.accounts.exist(state.store.as_deref()).await;
    let person = if accounts {
        let Some(store) = state.store.clone() else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let cookie_name = if is_tls(&req, state.trusted_proxy) {
            session::COOKIE_TLS
        } else {
            session::COOKIE_PLAIN
        };
        let id = cookie(req.headers(), cookie_name);
        match session_person(&state, &*store, id, &client).await {
            Ok(Some(person)) => person,
            Ok(None) => return sign_in_first(&req),
            Err(e) => return AppError::store_unavailable("admin", e).into_response(),
        }
    } else {
        match token_person(&state, &req, client_ip) {
            Ok(person) => person,
            Err(res) => return *res,
        }
    };
    let matched = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let Some(rule) = rule_for(req.method().as_str(), &matched) else {
        tracing::error!(
            "admin: the route {} {matched} has no rule in admin::RULES",
            req.method()
        );
        return forbidden().into_response();
    };
    if !person.role.may(rule.needs) {
        return forbidden().into_response();
    }
    let (mut parts, body) = req.into_parts();
    if let Some(csrf) = &person.csrf {
        let name = crate::server::edge::csrf::csrf_cookie_name(&parts.headers);
        replace_cookie(&mut parts.headers, name, csrf);
        replace_cookie(&mut parts.headers, ANALYST_COOKIE, &person.name);
    }
    let path = parts.uri.path().to_string();
    parts.extensions.insert(person.clone());
    let mut res = next.run(Request::from_parts(parts, body)).await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Audit::Gate(action) = rule.audit
        && (res.status().is_success() || res.status().is_redirection())
        && let Some(store) = &state.store
    {
        // What was exported (never its content).
        let detail = path.trim_start_matches("/admin/").to_string();
        let entry = person.audit(&state, action, None, Some(detail));
        if let Err(e) = store.append_audit(entry).await {
            tracing::error!(
                "admin: the audit entry of {action} by {} was not written: {e}",
                person.name
            );
        }
    }
    res
}

/// Where a request without a live session goes: a page to the sign-in form, coming
/// back afterwards; anything else 401.
fn sign_in_first(req: &Request) -> Response {
    if req.method() == axum::http::Method::GET {
        let back = req.uri().path_and_query().map_or("/admin/", |p| p.as_str());
        let mut to = String::from("/admin/sign-in?back=");
        to.extend(form_urlencoded::byte_serialize(back.as_bytes()));
        return Redirect::to(&to).into_response();
    }
    (StatusCode::UNAUTHORIZED, "Sign in first: /admin/sign-in").into_response()
}

fn forbidden() -> AppError {
    AppError::new(
        StatusCode::FORBIDDEN,
        "error-not-allowed",
        "error-not-allowed-message",
    )
}

/// The old way in, while no account exists: the admin token; 404 when there is none.
/// A client (or everyone) past the failure limit gets 429 before its token is even
/// compared.
fn token_person(
    state: &AppState,
    req: &Request,
    client: std::net::IpAddr,
) -> Result<Person, Box<Response>> {
    let Some(token) = state.admin_token.as_deref() else {
        return Err(Box::new(StatusCode::NOT_FOUND.into_response()));
    };
    let now = std::time::Instant::now();
    let limits = &state.admin_failures;
    if let Err(wait) = limits
        .per_client
        .peek(client, now)
        .and_then(|()| limits.global.peek(EVERYONE, now))
    {
        return Err(Box::new(
            crate::server::edge::guards::too_many_requests(wait).into_response(),
        ));
    }
    if presented_token(req.headers())
        .is_some_and(|t| constant_time_eq(t.as_bytes(), token.as_bytes()))
    {
        return Ok(Person {
            name: "token".to_string(),
            role: Role::Admin,
            csrf: None,
            session_hash: None,
            session: false,
            client: client.to_string(),
        });
    }
    if presented_token(req.headers()).is_some() {
        let _ = limits.per_client.check(client, now);
        let _ = limits.global.check(EVERYONE, now);
        if limits.logged.check(client, now).is_ok() {
            tracing::warn!(
                "admin: wrong token from {client} (further failures from it are logged at most once a minute)"
            );
        }
    }
    Err(Box::new(
        (
            StatusCode::UNAUTHORIZED,
            [(
                header::WWW_AUTHENTICATE,
                "Basic realm=\"copbook admin\", charset=\"UTF-8\"",
            )],
            "The admin pages need the admin token.",
        )
            .into_response(),
    ))
}

/// The token from `Authorization: Bearer T` or the password of `Authorization: Basic`.
fn presented_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    if let Some(t) = value.strip_prefix("Bearer ") {
        return Some(t.trim().to_string());
    }
    let encoded = value.strip_prefix("Basic ")?;
    // Padding is optional on the way in, as some clients leave it off.
    let decoded = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(encoded.trim().trim_end_matches('='))
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    text.split_once(':')
        .map(|(_, password)| password.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_basic_auth() {
        let mut h = HeaderMap::new();
        // "admin:s3cret"
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic YWRtaW46czNjcmV0"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("s3cret"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("abc"));
        // "a:bc", padded as browsers send it, and unpadded.
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic YTpiYw=="),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("bc"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic YTpiYw"),
        );
        assert_eq!(presented_token(&h).as_deref(), Some("bc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(presented_token(&h), None);
    }
}
