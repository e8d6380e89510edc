//! `/admin/sign-in` (also `/cy/admin/sign-in`), `/admin/sign-out` and `/admin/audit`.
//!
//! Signing in is throttled per client address and per account, never globally: a
//! stranger who floods the form from many addresses is stopped at each address, and an
//! account under attack still takes a correct password from the client it last signed in
//! from (the store remembers a hash of that address on the account).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use crate::auth::{Role, password, session};
use crate::comments::store::accounts::{AuditEntry, AuditQuery, NewSession};
use crate::server::AppState;
use crate::server::admin::overview::safe_back;
use crate::server::edge::access::{Person, account_key, is_tls_headers};
use crate::server::edge::error::AppError;
use crate::server::edge::language::Locale;

/// The sign-in page's template.
pub const SIGN_IN_TEMPLATE: (&str, &str) = (
    "sign_in.html",
    include_str!("../../../themes/copbook/templates/sign_in.html"),
);
/// The audit page's template.
pub const AUDIT_TEMPLATE: (&str, &str) = (
    "admin_audit.html",
    include_str!("../../../themes/copbook/templates/admin_audit.html"),
);
/// Who is signed in, shown on admin pages.
pub const PERSON_TEMPLATE: (&str, &str) = (
    "admin_person.html",
    include_str!("../../../themes/copbook/templates/admin_person.html"),
);

/// `?back=…&done=…` of the sign-in page.
#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    back: Option<String>,
    done: Option<String>,
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    back: Option<String>,
}

struct Shown<'a> {
    name: &'a str,
    back: &'a str,
    error: Option<String>,
    notice: Option<String>,
}

fn page(
    state: &AppState,
    locale: &Locale,
    headers: &HeaderMap,
    status: StatusCode,
    shown: Shown<'_>,
) -> Response {
    let served = state.current.load_full();
    let token = crate::server::edge::csrf::csrf_token_for(headers);
    let mut res = state.pages.render_in(
        locale,
        "sign_in.html",
        status,
        context! {
            site => served.context_for(locale.language),
            csrf => token,
            name => shown.name,
            back => shown.back,
            error => shown.error,
            notice => shown.notice,
            passwords => state.accounts.passwords,
            sso => state.oidc.as_ref().map(|o| o.name.clone()),
        },
    );
    crate::server::edge::csrf::set_csrf_cookie(&mut res, &token);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The sign-in page with an error above it (a refused single sign-on).
pub(super) fn page_with_error(
    state: &AppState,
    locale: &Locale,
    headers: &HeaderMap,
    status: StatusCode,
    error: String,
) -> Response {
    page(
        state,
        locale,
        headers,
        status,
        Shown {
            name: "",
            back: "/admin/",
            error: Some(error),
            notice: None,
        },
    )
}

/// `GET /admin/sign-in`
pub async fn form(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    headers: HeaderMap,
    Query(q): Query<SignInQuery>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("out") => Some(state.pages.t(locale.language, "sign-in-signed-out")),
        _ => None,
    };
    let back = safe_back(q.back);
    page(
        &state,
        &locale,
        &headers,
        StatusCode::OK,
        Shown {
            name: "",
            back: &back,
            error: None,
            notice,
        },
    )
}

/// `POST /admin/sign-in`
pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<SignInForm>,
) -> Result<Response, AppError> {
    let peer = connect.map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0.0);
    let client_ip = crate::server::edge::limits::client_ip(peer, &headers, state.trusted_proxy);
    let client = client_ip.to_string();
    let back = safe_back(form.back.clone());
    let name = form.name.trim();
    let shown_name: String = name.chars().take(crate::auth::MAX_NAME_CHARS).collect();
    let again = |status: StatusCode, id: &str, args: &[(&str, crate::i18n::Arg)]| {
        page(
            &state,
            &locale,
            &headers,
            status,
            Shown {
                name: &shown_name,
                back: &back,
                error: Some(state.pages.message(locale.language, id, args)),
                notice: None,
            },
        )
    };
    if !crate::server::edge::csrf::csrf_ok(&headers, &form.csrf) {
        return Ok(again(StatusCode::FORBIDDEN, "sign-in-expired", &[]));
    }
    if !state.accounts.passwords {
        return Ok(again(StatusCode::FORBIDDEN, "sign-in-passwords-off", &[]));
    }
    let Some(store) = state.store.clone() else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let limits = &state.accounts;
    let now = Instant::now();
    let throttled = |wait: std::time::Duration| {
        let seconds = wait.as_secs().max(1);
        let mut res = again(
            StatusCode::TOO_MANY_REQUESTS,
            "sign-in-throttled",
            &[("seconds", crate::i18n::Arg::Number(seconds as f64))],
        );
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        res
    };
    if let Err(wait) = limits.per_client.peek(client_ip, now) {
        return Ok(throttled(wait));
    }
    let account = if crate::auth::is_valid_name(name) {
        store.account(name).await?
    } else {
        None
    };
    let client_hash = session::client_hash(&client);
    let known = account
        .as_ref()
        .and_then(|a| a.known_client.as_deref())
        .is_some_and(|k| k == client_hash);
    let key = account_key(name);
    if !known && let Err(wait) = limits.per_account.peek(key, now) {
        return Ok(throttled(wait));
    }
    let phc = account
        .as_ref()
        .filter(|a| !a.disabled)
        .and_then(|a| a.password_hash.clone())
        .unwrap_or_else(|| password::decoy().to_string());
    let typed = form.password;
    let matches = tokio::task::spawn_blocking(move || password::verify(&typed, &phc))
        .await
        .unwrap_or(false);
    let at_ms = state.now().as_millisecond();
    let account = match account {
        Some(a) if matches && !a.disabled && Role::parse(&a.role).is_some() => a,
        other => {
            let _ = limits.per_client.check(client_ip, now);
            let _ = limits.per_account.check(key, now);
            let entry = AuditEntry {
                at_ms,
                actor: other.map_or_else(|| "unknown".to_string(), |a| a.name),
                action: "sign-in-failed".to_string(),
                subject: None,
                detail: None,
                client: Some(client),
            };
            if let Err(e) = store.append_audit(entry).await {
                tracing::error!("sign-in: the audit entry was not written: {e}");
            }
            return Ok(again(StatusCode::UNAUTHORIZED, "sign-in-failed", &[]));
        }
    };
    start_session(
        &*store,
        SignedIn {
            account: &account.name,
            by: "password",
            client,
            at_ms,
            back: &back,
            tls: is_tls_headers(peer, &headers, state.trusted_proxy),
        },
    )
    .await
}

/// A person who has just proved who they are.
pub(super) struct SignedIn<'a> {
    /// Their account.
    pub account: &'a str,
    /// How (`password`, `oidc`): the audit row's detail.
    pub by: &'static str,
    /// The client address, as the audit records it.
    pub client: String,
    /// When, by the app's clock.
    pub at_ms: i64,
    /// Where to send the browser.
    pub back: &'a str,
    /// Whether the request came over TLS (the cookie's name and `Secure`).
    pub tls: bool,
}

/// Starts `who`'s session with its audit row in one transaction, and sends the browser
/// to `who.back` with the session cookie; a 503 page if the store failed.
pub(super) async fn start_session(
    store: &dyn crate::comments::CommentStore,
    who: SignedIn<'_>,
) -> Result<Response, AppError> {
    let id = session::new_id();
    let started = store
        .start_session(
            NewSession {
                id_hash: session::id_hash(&id),
                account: who.account.to_string(),
                created_ms: who.at_ms,
                client_hash: session::client_hash(&who.client),
            },
            AuditEntry {
                at_ms: who.at_ms,
                actor: who.account.to_string(),
                action: "sign-in".to_string(),
                subject: None,
                detail: Some(who.by.to_string()),
                client: Some(who.client),
            },
        )
        .await;
    if let Err(e) = started {
        return Err(AppError::store_unavailable("sign-in", e));
    }
    let mut res = Redirect::to(who.back).into_response();
    set_session_cookie(&mut res, &id, who.tls);
    Ok(res)
}

/// Sets the session cookie (`__Host-` and `Secure` over TLS).
pub fn set_session_cookie(res: &mut Response, id: &str, tls: bool) {
    let cookie = if tls {
        format!(
            "{}={id}; Path=/; Secure; HttpOnly; SameSite=Strict",
            session::COOKIE_TLS
        )
    } else {
        format!(
            "{}={id}; Path=/; HttpOnly; SameSite=Strict",
            session::COOKIE_PLAIN
        )
    };
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// `POST /admin/sign-out` (behind the gate: the session's anti-forgery token).
pub async fn sign_out(
    State(state): State<Arc<AppState>>,
    person: Person,
    headers: HeaderMap,
    axum::Form(form): axum::Form<SignOutForm>,
) -> Result<Response, AppError> {
    if !crate::server::edge::csrf::csrf_ok(&headers, &form.csrf) {
        return Err(AppError::form_expired());
    }
    if let (Some(store), Some(hash)) = (&state.store, &person.session_hash) {
        let entry = person.audit(&state, "sign-out", None, None);
        if let Err(e) = store.end_session(hash, Some(entry)).await {
            return Err(AppError::store_unavailable("sign-out", e));
        }
    }
    let mut res = Redirect::to("/admin/sign-in?done=out").into_response();
    for cookie in [
        format!(
            "{}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
            session::COOKIE_TLS
        ),
        format!(
            "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
            session::COOKIE_PLAIN
        ),
    ] {
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

/// The sign-out form's fields.
#[derive(Debug, Deserialize)]
pub struct SignOutForm {
    #[serde(default)]
    csrf: String,
}

/// Rows per page of `/admin/audit`.
pub const AUDIT_PAGE: usize = 50;

/// `/admin/audit`'s filters and keyset.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
pub struct AuditFilter {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    before: Option<i64>,
}

/// Midnight UTC of a `YYYY-MM-DD` date, in ms; `Err` for anything else.
fn day_ms(date: &str) -> Result<Option<i64>, ()> {
    if date.trim().is_empty() {
        return Ok(None);
    }
    let day: jiff::civil::Date = date.trim().parse().map_err(|_| ())?;
    day.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| Some(z.timestamp().as_millisecond()))
        .map_err(|_| ())
}

/// `GET /admin/audit`: the audit log, newest first, a page at a time, filtered by
/// person, action and date (admin only, by [`crate::server::edge::access::RULES`]).
pub async fn audit(
    State(state): State<Arc<AppState>>,
    person: Person,
    Query(filter): Query<AuditFilter>,
) -> Result<Response, AppError> {
    let served = state.current.load_full();
    let Some(store) = state.store.clone() else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let bound = |s: &str| -> Option<String> {
        let s = s.trim();
        (!s.is_empty()).then(|| s.chars().take(64).collect())
    };
    let dates = day_ms(&filter.from).and_then(|from| {
        day_ms(&filter.until).map(|until| (from, until.map(|u| u + 24 * 60 * 60 * 1000)))
    });
    let (error, rows, older) = match dates {
        Err(()) => (
            Some(
                state
                    .pages
                    .t(crate::i18n::Language::English, "audit-bad-date"),
            ),
            Vec::new(),
            None,
        ),
        Ok((from_ms, until_ms)) => {
            let query = AuditQuery {
                actor: bound(&filter.actor),
                action: bound(&filter.action),
                from_ms,
                until_ms,
                before_id: filter.before,
                limit: AUDIT_PAGE + 1,
            };
            let mut rows = store
                .audit_entries(&query)
                .await
                .map_err(|e| AppError::store_unavailable("audit", e))?;
            let older = (rows.len() > AUDIT_PAGE).then(|| {
                rows.truncate(AUDIT_PAGE);
                let mut q = form_urlencoded::Serializer::new(String::new());
                q.append_pair("actor", &filter.actor)
                    .append_pair("action", &filter.action)
                    .append_pair("from", &filter.from)
                    .append_pair("until", &filter.until);
                if let Some(last) = rows.last() {
                    q.append_pair("before", &last.id.to_string());
                }
                format!("/admin/audit?{}", q.finish())
            });
            (None, rows, older)
        }
    };
    let newest = filter.before.map(|_| "/admin/audit");
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok(state.pages.render(
        "admin_audit.html",
        status,
        context! {
            site => served.context,
            person => person,
            query => filter,
            rows => rows,
            error => error,
            older => older,
            newest => newest,
        },
    ))
}
