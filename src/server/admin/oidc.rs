//! Single sign-on with OpenID Connect (the `openidconnect` crate): `/admin/oidc/start`
//! sends the browser to the provider (authorization code flow with PKCE, `state` and a
//! nonce), `/admin/oidc/callback` takes it back, exchanges the code, verifies the ID token
//! (signature by the provider's published keys, issuer, audience, expiry, nonce), requires
//! a verified email, and signs in the existing enabled account with that email: the same
//! server-side session as a password sign-in. Nobody gets an account by signing in: an
//! administrator adds it first (`copbook users add NAME --role R --email E --no-password`).
//!
//! What the callback needs (the `state`, the nonce, the PKCE verifier) waits in the store
//! under the hash of a random id kept in a short-lived HttpOnly cookie (SameSite=Lax, so
//! the browser sends it when the provider redirects back), and is taken once; any
//! instance sharing the database can finish a sign-in another started. The provider's
//! configuration and keys are discovered afresh for each sign-in (one sign-in a day per
//! person: no cache to go stale when the provider rotates its keys).
//!
//! Configured by `copbook serve` flags or their environment variables
//! ([`SignInOptions`]); the client secret only from `COPBOOK_OIDC_CLIENT_SECRET`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse,
};
use serde::Deserialize;

use crate::auth::{Role, session};
use crate::comments::store::accounts::{AuditEntry, OidcFlow};
use crate::server::AppState;
use crate::server::admin::overview::safe_back;
use crate::server::edge::access::is_tls_headers;
use crate::server::edge::csrf::constant_time_eq;
use crate::server::edge::csrf::cookie;
use crate::server::edge::error::AppError;
use crate::server::edge::language::Locale;

/// The flow cookie's name over TLS (`__Host-`: Secure, `Path=/`, no `Domain`).
pub const FLOW_COOKIE_TLS: &str = "__Host-copbook_oidc";
/// The flow cookie's name over plain HTTP (local use).
pub const FLOW_COOKIE_PLAIN: &str = "copbook_oidc";
/// How long a person has to sign in at the provider (10 minutes).
pub const FLOW_MS: i64 = 10 * 60 * 1000;
/// How long one request to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest query value read from the callback.
const MAX_PARAM_CHARS: usize = 4096;

/// The environment variable holding the client secret (never a flag: `ps` would show it).
pub const CLIENT_SECRET_VAR: &str = "COPBOOK_OIDC_CLIENT_SECRET";

/// How people sign in: `copbook serve` flags (each also read from its environment
/// variable).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SignInOptions {
    /// OpenID Connect: the provider's issuer URL (its discovery document is at
    /// ISSUER/.well-known/openid-configuration).
    #[arg(long, env = "COPBOOK_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// OpenID Connect: this site's client id at the provider.
    #[arg(long, env = "COPBOOK_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// OpenID Connect: the redirect URL registered at the provider
    /// (https://SITE/admin/oidc/callback).
    #[arg(long, env = "COPBOOK_OIDC_REDIRECT_URL")]
    pub oidc_redirect_url: Option<String>,
    /// OpenID Connect: the provider's name on the sign-in button ("Sign in with NAME").
    #[arg(long, env = "COPBOOK_OIDC_NAME")]
    pub oidc_name: Option<String>,
    /// Switch local passwords off: people sign in through OpenID Connect only.
    #[arg(long, env = "COPBOOK_NO_PASSWORDS")]
    pub no_passwords: bool,
    /// The client secret, from `COPBOOK_OIDC_CLIENT_SECRET` only.
    #[arg(skip)]
    pub oidc_client_secret: Option<String>,
}

/// Why single sign-on could not be set up or did not complete.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The settings are incomplete or malformed.
    #[error("OpenID Connect settings: {0}")]
    Config(String),
    /// The HTTP client could not be built.
    #[error("OpenID Connect HTTP client: {0}")]
    Http(String),
    /// The provider's configuration could not be read.
    #[error("the OpenID provider's configuration could not be read: {0}")]
    Discovery(String),
    /// The code could not be exchanged for tokens.
    #[error("the OpenID provider refused the code: {0}")]
    Exchange(String),
    /// The ID token is missing or did not verify.
    #[error("the ID token was refused: {0}")]
    IdToken(String),
}

/// The client as discovery and the redirect URL make it.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A configured OpenID provider.
#[derive(Debug)]
pub struct Oidc {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    redirect: RedirectUrl,
    /// The provider's name, for the sign-in button.
    pub name: String,
    http: openidconnect::reqwest::Client,
}

impl Oidc {
    /// The provider `options` name, if they name one; an error if they name one
    /// incompletely or switch passwords off without one.
    pub fn from_options(options: &SignInOptions) -> Result<Option<Oidc>, OidcError> {
        let (issuer, client_id, redirect) = match (
            &options.oidc_issuer,
            &options.oidc_client_id,
            &options.oidc_redirect_url,
        ) {
            (None, None, None) => {
                if options.no_passwords {
                    return Err(OidcError::Config(
                        "passwords are switched off but no OpenID provider is set \
                         (--oidc-issuer, --oidc-client-id, --oidc-redirect-url)"
                            .to_string(),
                    ));
                }
                return Ok(None);
            }
            (Some(i), Some(c), Some(r)) => (i, c, r),
            _ => {
                return Err(OidcError::Config(
                    "give all of --oidc-issuer, --oidc-client-id and --oidc-redirect-url \
                     (or their COPBOOK_OIDC_… variables)"
                        .to_string(),
                ));
            }
        };
        let issuer = IssuerUrl::new(issuer.clone())
            .map_err(|e| OidcError::Config(format!("issuer: {e}")))?;
        let redirect = RedirectUrl::new(redirect.clone())
            .map_err(|e| OidcError::Config(format!("redirect URL: {e}")))?;
        if !redirect.url().path().ends_with("/admin/oidc/callback") {
            return Err(OidcError::Config(
                "the redirect URL must end in /admin/oidc/callback".to_string(),
            ));
        }
        // No redirects followed: a provider's answer is read where it was asked for.
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| OidcError::Http(e.to_string()))?;
        Ok(Some(Oidc {
            name: options
                .oidc_name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| {
                    issuer
                        .url()
                        .host_str()
                        .unwrap_or("single sign-on")
                        .to_string()
                }),
            issuer,
            client_id: ClientId::new(client_id.clone()),
            client_secret: options
                .oidc_client_secret
                .clone()
                .filter(|s| !s.is_empty())
                .map(ClientSecret::new),
            redirect,
            http,
        }))
    }

    /// The client, from the provider's discovery document and keys.
    async fn client(&self) -> Result<Client, OidcError> {
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| OidcError::Discovery(error_chain(&e)))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            self.client_id.clone(),
            self.client_secret.clone(),
        )
        .set_redirect_uri(self.redirect.clone()))
    }
}

/// An error and its sources, for the log.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// `?back=` of `/admin/oidc/start`.
#[derive(Debug, Deserialize)]
pub struct StartQuery {
    back: Option<String>,
}

/// `GET /admin/oidc/start`: to the provider, with PKCE, `state` and a nonce.
pub async fn start(
    State(state): State<Arc<AppState>>,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Query(q): Query<StartQuery>,
) -> Result<Response, AppError> {
    let (Some(oidc), Some(store)) = (state.oidc.clone(), state.store.clone()) else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let client = match oidc.client().await {
        Ok(c) => c,
        Err(e) => return Ok(failed(&state, &headers, "oidc start", &e)),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, csrf, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_string()))
        .set_pkce_challenge(challenge)
        .url();
    let flow = session::new_id();
    let now = state.now().as_millisecond();
    store
        .start_oidc_flow(
            OidcFlow {
                flow_hash: session::flow_hash(&flow),
                state: csrf.secret().clone(),
                nonce: nonce.secret().clone(),
                verifier: verifier.secret().clone(),
                back: safe_back(q.back),
                expires_ms: now.saturating_add(FLOW_MS),
            },
            now,
        )
        .await
        .map_err(|e| AppError::store_unavailable("oidc", e))?;
    let peer = connect.map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0.0);
    let tls = is_tls_headers(peer, &headers, state.trusted_proxy);
    let mut res = Redirect::to(url.as_str()).into_response();
    let cookie = if tls {
        format!(
            "{FLOW_COOKIE_TLS}={flow}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={}",
            FLOW_MS / 1000
        )
    } else {
        format!(
            "{FLOW_COOKIE_PLAIN}={flow}; Path=/admin/oidc; HttpOnly; SameSite=Lax; Max-Age={}",
            FLOW_MS / 1000
        )
    };
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The provider's answer on `/admin/oidc/callback`.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    iss: Option<String>,
    error: Option<String>,
}

/// Why a callback was refused: what the person reads, and what the audit records.
struct Refusal {
    message: &'static str,
    email: Option<String>,
    actor: String,
    detail: &'static str,
}

impl Refusal {
    fn failed(detail: &'static str) -> Refusal {
        Refusal {
            message: "sso-refused-failed",
            email: None,
            actor: "unknown".to_string(),
            detail,
        }
    }
}

/// `GET /admin/oidc/callback`: checks the provider's answer and signs the person in to
/// the account with their verified email, or says why not.
pub async fn callback(
    State(state): State<Arc<AppState>>,
    connect: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, AppError> {
    let (Some(oidc), Some(store)) = (state.oidc.clone(), state.store.clone()) else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    let peer = connect.map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0.0);
    let client_ip = crate::server::edge::limits::client_ip(peer, &headers, state.trusted_proxy);
    let client = client_ip.to_string();
    let tls = is_tls_headers(peer, &headers, state.trusted_proxy);
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
    let flow_id = cookie(
        &headers,
        if tls {
            FLOW_COOKIE_TLS
        } else {
            FLOW_COOKIE_PLAIN
        },
    )
    .filter(|id| session::is_id(id));
    let outcome = verify(&state, &oidc, &*store, flow_id, q).await;
    let mut res = match outcome {
        Ok(Ok((account, back))) => crate::server::admin::sign_in::start_session(
            &*store,
            crate::server::admin::sign_in::SignedIn {
                account: &account,
                by: "oidc",
                client,
                at_ms: state.now().as_millisecond(),
                back: &back,
                tls,
            },
        )
        .await
        .unwrap_or_else(IntoResponse::into_response),
        Ok(Err(refusal)) => {
            let _ = state.accounts.per_client.check(client_ip, now);
            let entry = AuditEntry {
                at_ms: state.now().as_millisecond(),
                actor: refusal.actor,
                action: "sign-in-failed".to_string(),
                subject: None,
                detail: Some(format!("oidc: {}", refusal.detail)),
                client: Some(client),
            };
            if let Err(e) = store.append_audit(entry).await {
                tracing::error!("oidc: the audit entry was not written: {e}");
            }
            refused(&state, &headers, refusal.message, refusal.email.as_deref())
        }
        Err(e) => failed(&state, &headers, "oidc callback", &e),
    };
    // The flow is over, whatever happened.
    let clear = if tls {
        format!("{FLOW_COOKIE_TLS}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0")
    } else {
        format!("{FLOW_COOKIE_PLAIN}=; Path=/admin/oidc; HttpOnly; SameSite=Lax; Max-Age=0")
    };
    if let Ok(v) = HeaderValue::from_str(&clear) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}

/// The account to sign in and where to go, or why not. `Err`: the provider or the store
/// could not be reached.
async fn verify(
    state: &AppState,
    oidc: &Oidc,
    store: &dyn crate::comments::CommentStore,
    flow_id: Option<String>,
    q: CallbackQuery,
) -> Result<Result<(String, String), Refusal>, OidcError> {
    let store_err = |e: crate::comments::StoreError| OidcError::Exchange(format!("store: {e}"));
    let Some(flow_id) = flow_id else {
        return Ok(Err(Refusal::failed("no sign-in under way in this browser")));
    };
    let now_ms = state.now().as_millisecond();
    let Some(flow) = store
        .take_oidc_flow(&session::flow_hash(&flow_id), now_ms)
        .await
        .map_err(store_err)?
    else {
        return Ok(Err(Refusal::failed("unknown or expired sign-in")));
    };
    if q.error.is_some() {
        return Ok(Err(Refusal::failed("the provider answered with an error")));
    }
    let returned = q.state.unwrap_or_default();
    if !constant_time_eq(returned.as_bytes(), flow.state.as_bytes()) {
        return Ok(Err(Refusal::failed("state does not match")));
    }
    if q.iss
        .as_deref()
        .is_some_and(|iss| iss.trim_end_matches('/') != oidc.issuer.as_str().trim_end_matches('/'))
    {
        return Ok(Err(Refusal::failed("the answer names another issuer")));
    }
    let Some(code) = q
        .code
        .filter(|c| !c.is_empty() && c.len() <= MAX_PARAM_CHARS)
    else {
        return Ok(Err(Refusal::failed("no code")));
    };
    let client = oidc.client().await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| OidcError::Exchange(error_chain(&e)))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier))
        .request_async(&oidc.http)
        .await;
    let tokens = match tokens {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!("oidc: the code exchange failed: {}", error_chain(&e));
            return Ok(Err(Refusal::failed("the code exchange failed")));
        }
    };
    let Some(id_token) = tokens.id_token() else {
        return Ok(Err(Refusal::failed("no ID token")));
    };
    // Signature (the provider's published keys), issuer, audience, expiry and nonce.
    let verified = {
        let verifier = client.id_token_verifier();
        match id_token.claims(&verifier, &Nonce::new(flow.nonce)) {
            Ok(claims) => (
                claims
                    .email()
                    .map(|e| e.as_str().trim().to_ascii_lowercase()),
                claims.email_verified() == Some(true),
            ),
            Err(e) => {
                tracing::warn!("oidc: the ID token was refused: {}", error_chain(&e));
                return Ok(Err(Refusal::failed("the ID token did not verify")));
            }
        }
    };
    let Some(email) = verified.0.filter(|e| verified.1 && !e.is_empty()) else {
        return Ok(Err(Refusal {
            message: "sso-refused-unverified",
            email: None,
            actor: "unknown".to_string(),
            detail: "no verified email",
        }));
    };
    let account = store.account_by_email(&email).await.map_err(store_err)?;
    match account {
        None => Ok(Err(Refusal {
            message: "sso-refused-unknown",
            email: Some(email),
            actor: "unknown".to_string(),
            detail: "no account has this email",
        })),
        Some(a) if a.disabled || Role::parse(&a.role).is_none() => Ok(Err(Refusal {
            message: "sso-refused-disabled",
            email: None,
            actor: a.name,
            detail: "the account is disabled",
        })),
        Some(a) => Ok(Ok((a.name, flow.back))),
    }
}

/// The sign-in page saying why single sign-on did not let the person in (403).
fn refused(state: &AppState, headers: &HeaderMap, message: &str, email: Option<&str>) -> Response {
    let locale = Locale::of("/admin/sign-in", None);
    let text = state.pages.message(
        locale.language,
        message,
        &[(
            "email",
            crate::i18n::Arg::Text(email.unwrap_or_default().to_string()),
        )],
    );
    crate::server::admin::sign_in::page_with_error(
        state,
        &locale,
        headers,
        StatusCode::FORBIDDEN,
        text,
    )
}

/// The provider could not be reached or answered nonsense: logged, and the person told.
fn failed(state: &AppState, headers: &HeaderMap, area: &str, e: &OidcError) -> Response {
    tracing::error!("{area}: {e}");
    let locale = Locale::of("/admin/sign-in", None);
    let text = state.pages.t(locale.language, "sso-refused-failed");
    crate::server::admin::sign_in::page_with_error(
        state,
        &locale,
        headers,
        StatusCode::BAD_GATEWAY,
        text,
    )
}
