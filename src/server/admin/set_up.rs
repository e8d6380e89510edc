//! `/admin/set-up/{token}` (also under `/cy`): a one-time set-up link, made by
//! `copbook users add NAME --role R --setup-link` or `copbook users reset NAME
//! --setup-link`. The page lets the person choose a password (the same rules as `users
//! add`), then signs them in. A link works once, for [`session::SETUP_LINK_MS`] by the
//! server's clock; the store keeps only its hash. Attempts with a wrong, used or expired
//! link count against the client's sign-in allowance and are audited.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

use crate::auth::{password, session};
use crate::comments::StoreError;
use crate::comments::store::accounts::{AuditEntry, NewSession};
use crate::server::AppState;
use crate::server::edge::access::is_tls_headers;
use crate::server::edge::error::AppError;
use crate::server::edge::language::Locale;

/// The set-up page's template.
pub const TEMPLATE: (&str, &str) = (
    "set_up.html",
    include_str!("../../../themes/copbook/templates/set_up.html"),
);

/// The set-up form's fields.
#[derive(Debug, Deserialize)]
pub struct SetUpForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
    #[serde(default)]
    csrf: String,
}

/// What the page shows: the form for `account`, or that the link does not work.
struct Shown<'a> {
    account: Option<&'a str>,
    error: Option<String>,
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
        TEMPLATE.0,
        status,
        context! {
            site => served.context_for(locale.language),
            csrf => token,
            account => shown.account,
            error => shown.error,
            min_chars => password::MIN_PASSWORD_CHARS,
        },
    );
    crate::server::edge::csrf::set_csrf_cookie(&mut res, &token);
    let headers = res.headers_mut();
    // The token is in the path: not cached (the site-wide `Referrer-Policy: same-origin`
    // never sends it to another site).
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The link's account when it still works now (by the server's clock).
async fn live_account(state: &AppState, token: &str) -> Result<Option<String>, StoreError> {
    let Some(store) = &state.store else {
        return Ok(None);
    };
    if !session::is_id(token) {
        return Ok(None);
    }
    let now = state.now().as_millisecond();
    Ok(store
        .setup_link(&session::setup_token_hash(token))
        .await?
        .filter(|link| !link.used && now < link.expires_ms)
        .map(|link| link.account))
}

fn gone(state: &AppState, locale: &Locale, headers: &HeaderMap) -> Response {
    page(
        state,
        locale,
        headers,
        StatusCode::GONE,
        Shown {
            account: None,
            error: None,
        },
    )
}

/// `GET /admin/set-up/{token}`
pub async fn form(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    Ok(match live_account(&state, &token).await? {
        Some(account) => page(
            &state,
            &locale,
            &headers,
            StatusCode::OK,
            Shown {
                account: Some(&account),
                error: None,
            },
        ),
        None => gone(&state, &locale, &headers),
    })
}

/// `POST /admin/set-up/{token}`: sets the password, uses the link up, signs in.
pub async fn set_up(
    State(state): State<Arc<AppState>>,
    locale: Locale,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    axum::Form(form): axum::Form<SetUpForm>,
) -> Result<Response, AppError> {
    let peer = connect.map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0.0);
    let client_ip = crate::server::edge::limits::client_ip(peer, &headers, state.trusted_proxy);
    let client = client_ip.to_string();
    let Some(store) = state.store.clone() else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let now = Instant::now();
    if let Err(wait) = state.accounts.per_client.peek(client_ip, now) {
        let seconds = wait.as_secs().max(1);
        return Err(AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "error-too-many-attempts",
            "sign-in-throttled",
        )
        .with_args(vec![("seconds", seconds.into())])
        .retry_after(seconds));
    }
    let account = match live_account(&state, &token).await? {
        Some(account) => account,
        None => {
            let _ = state.accounts.per_client.check(client_ip, now);
            let entry = AuditEntry {
                at_ms: state.now().as_millisecond(),
                actor: "unknown".to_string(),
                action: "set-up-refused".to_string(),
                subject: None,
                detail: Some("unknown, used or expired link".to_string()),
                client: Some(client),
            };
            if let Err(e) = store.append_audit(entry).await {
                tracing::error!("set-up: the audit entry was not written: {e}");
            }
            return Ok(gone(&state, &locale, &headers));
        }
    };
    let again = |status: StatusCode, error: String| {
        page(
            &state,
            &locale,
            &headers,
            status,
            Shown {
                account: Some(&account),
                error: Some(error),
            },
        )
    };
    if !crate::server::edge::csrf::csrf_ok(&headers, &form.csrf) {
        return Ok(again(
            StatusCode::FORBIDDEN,
            state.pages.t(locale.language, "set-up-expired-form"),
        ));
    }
    if let Err(e) = password::check_strength(&form.password) {
        let id = match e {
            password::PasswordError::TooLong => "set-up-too-long",
            _ => "set-up-too-short",
        };
        return Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            state.pages.message(
                locale.language,
                id,
                &[(
                    "min",
                    crate::i18n::Arg::Number(password::MIN_PASSWORD_CHARS as f64),
                )],
            ),
        ));
    }
    if form.password != form.confirm {
        return Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            state.pages.t(locale.language, "set-up-differ"),
        ));
    }
    let typed = form.password;
    let hashed = tokio::task::spawn_blocking(move || password::hash(&typed))
        .await
        .map_err(|e| AppError::task_failed("set-up: hashing", &e))?
        .map_err(|e| {
            tracing::error!("set-up: hashing failed: {e}");
            AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-task-failed",
                "error-task-failed-message",
            )
        })?;
    let at_ms = state.now().as_millisecond();
    let id = session::new_id();
    let used = store
        .use_setup_link(
            &session::setup_token_hash(&token),
            hashed,
            NewSession {
                id_hash: session::id_hash(&id),
                account: account.clone(),
                created_ms: at_ms,
                client_hash: session::client_hash(&client),
            },
            AuditEntry {
                at_ms,
                actor: account.clone(),
                action: "set-up".to_string(),
                subject: Some(account.clone()),
                detail: Some("password set".to_string()),
                client: Some(client),
            },
        )
        .await;
    match used {
        Ok(()) => {
            let mut res = Redirect::to("/admin/").into_response();
            crate::server::admin::sign_in::set_session_cookie(
                &mut res,
                &id,
                is_tls_headers(peer, &headers, state.trusted_proxy),
            );
            Ok(res)
        }
        // Used or expired between the check and now (a second tab, the clock).
        Err(StoreError::NotFound(_)) => Ok(gone(&state, &locale, &headers)),
        Err(e) => Err(AppError::store_unavailable("set-up", e)),
    }
}
