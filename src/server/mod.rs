//! `copbook serve`: the HTTP server for the site, search and consultation.
//!
//! [`app`] builds the router from shared [`AppState`], so tests drive it in-process or on
//! an ephemeral port. The state holds the current [`ServedSite`] behind an `ArcSwap`: a
//! rebuild swaps a complete new one in at once and requests in flight finish on the old.
//!
//! The files are placed by role, and each folder imports only the ones listed before it:
//! - [`edge`]: what every request passes through: the error type, server pages and their
//!   words, the request's language, CSRF and cookies, who is signed in, abuse limits,
//!   guards and the accept loop.
//! - [`public`]: the pages everyone reads: the book's files, search, the comment form and
//!   receipts, published responses, published drafts, watch mode's reload events.
//! - [`admin`]: the drafters' pages behind sign-in: the overview, one response, campaign
//!   groups, the coding frame, erasure, accounts (sign-in, set-up links, single sign-on).
//! - [`api`]: the JSON API's handlers and wire types, and its OpenAPI document.
//!
//! This file holds the state the handlers share and the routes.

pub mod admin;
pub mod api;
pub mod edge;
pub mod public;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::{CodeSettings, Consultation};
use crate::site::Site;
use crate::watch::ReloadChannel;
use edge::pages::{Pages, SiteContext};

/// Largest request body accepted by any route, in bytes (the comment form's; the JSON API
/// has a lower limit of its own).
pub const MAX_BODY_BYTES: usize = edge::guards::FORM_MAX_BODY_BYTES;

/// What `copbook serve` was asked to do, resolved once from flags and book.toml.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The book's folder.
    pub book: PathBuf,
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Folder for the comments database and builds.
    pub data: PathBuf,
    /// Rebuild on save and reload browsers.
    pub watch: bool,
    /// Submissions allowed per client per minute; 0 switches the limit off.
    pub rate_limit: u32,
    /// The reverse proxy whose `X-Forwarded-For` names the client.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// The admin token; `/admin` is off without one.
    pub admin_token: Option<String>,
    /// The comments database (`sqlite:PATH` or `postgres://…`); `None`: the SQLite file
    /// in `data`.
    pub database: Option<String>,
    /// Connection caps and timeouts.
    pub connections: edge::listener::ConnectionOptions,
    /// Single sign-on and whether local passwords are accepted.
    pub sign_in: admin::oidc::SignInOptions,
}

/// One built site as the server sees it: pages on disk, the data behind them, and what
/// every server page shows about the publication.
pub struct ServedSite {
    /// The build (with the settings it was built from).
    pub site: Site,
    /// What every page shows about the publication.
    pub context: SiteContext,
}

impl ServedSite {
    /// Wraps a fresh build.
    pub fn new(site: Site) -> ServedSite {
        let context = SiteContext {
            title: site.corpus.title.clone(),
            version: site.corpus.version.clone(),
            status: site.corpus.status.clone(),
            is_code: site.code().is_some(),
        };
        ServedSite { site, context }
    }

    /// The Code's settings; `None` for a plain mdBook.
    pub fn code(&self) -> Option<&CodeSettings> {
        self.site.code()
    }

    /// The consultation run on this draft, if any.
    pub fn consultation(&self) -> Option<&Consultation> {
        self.code().and_then(|c| c.consultation.as_ref())
    }

    /// What every page in `language` shows about the publication (the translation's
    /// title and status on its pages).
    pub fn context_for(&self, language: crate::i18n::Language) -> SiteContext {
        let mut context = self.context.clone();
        if let Some(t) = self.translation(language) {
            context.title = t.settings.title.clone();
            if let Some(status) = &t.settings.status {
                context.status = Some(status.clone());
            }
        }
        context
    }

    /// The translation into `language`, if the site has one.
    pub fn translation(
        &self,
        language: crate::i18n::Language,
    ) -> Option<&crate::site::TranslatedSite> {
        self.site
            .translations
            .iter()
            .find(|t| t.language == language)
    }

    /// The corpus entry `id` as a reader in `locale` sees it (the translation's own text
    /// when it has one), and the URL of its page in that language.
    pub fn entry_for(
        &self,
        locale: &edge::language::Locale,
        id: &str,
    ) -> Option<(&crate::book::Entry, String)> {
        let english = self.site.corpus.get(id)?;
        let entry = self
            .translation(locale.language)
            .and_then(|t| t.corpus.get(id))
            .unwrap_or(english);
        let url = if std::ptr::eq(entry, english) {
            format!("/{}", entry.url)
        } else {
            locale.path(&format!("/{}", entry.url))
        };
        Some((entry, url))
    }
}

/// State shared by every handler.
pub struct AppState {
    /// The site being served; swapped whole on rebuild.
    pub current: ArcSwap<ServedSite>,
    /// Server page templates.
    pub pages: Pages,
    /// Watch mode's channel to browsers; `None` when not watching.
    pub reload: Option<Arc<ReloadChannel>>,
    /// The comments store, when the book runs a consultation.
    pub store: Option<Arc<dyn crate::comments::CommentStore>>,
    /// The per-client limit on submissions.
    pub limits: edge::limits::RateLimiter,
    /// The reverse proxy trusted for `X-Forwarded-For`.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// The admin token; `None` switches `/admin` off.
    pub admin_token: Option<String>,
    /// What readers searched for (`data/search-log.sqlite`); `None` if it cannot open.
    pub search_log: Option<crate::search::log::SearchLog>,
    /// Failed admin attempts allowed per client, and in total.
    pub admin_failures: edge::access::FailureLimits,
    /// Receipt look-ups allowed per client.
    pub receipt_limits: edge::limits::RateLimiter,
    /// What time it is: the system clock, or a fixed one in tests.
    pub clock: Clock,
    /// The last campaign grouping, kept until comments or decisions change.
    pub analysis: admin::groups::Cache,
    /// Comment bodies indexed for the analysis view's full-text filter; brought up to
    /// date before each search.
    pub comment_index: Arc<std::sync::Mutex<Option<crate::search::comment_index::CommentIndex>>>,
    /// The open-data downloads being made at once (each reads every published response).
    pub downloads: public::published_responses::Downloads,
    /// Whether accounts exist yet, and the sign-in throttles.
    pub accounts: edge::access::Accounts,
    /// The OpenID provider people sign in with, if one is set.
    pub oidc: Option<Arc<admin::oidc::Oidc>>,
}

pub use crate::clock::Clock;

impl AppState {
    /// The comments store; a 503 (logged under `area`) when the site runs none.
    pub fn comments(
        &self,
        area: &str,
    ) -> Result<Arc<dyn crate::comments::CommentStore>, edge::error::AppError> {
        self.store
            .clone()
            .ok_or_else(|| edge::error::AppError::store_unavailable(area, "no store"))
    }

    /// The current time by the state's clock.
    pub fn now(&self) -> jiff::Timestamp {
        (self.clock)()
    }

    /// State serving `served` with the options given; opens the comments store in the data
    /// folder when the book runs a consultation.
    pub async fn new(served: ServedSite, opts: &ServeOptions) -> Result<AppState, ServeError> {
        AppState::with_shared_site(Arc::new(served), opts).await
    }

    /// [`AppState::new`] for a site that is already shared (tests serve one build from
    /// several apps).
    pub async fn with_shared_site(
        served: Arc<ServedSite>,
        opts: &ServeOptions,
    ) -> Result<AppState, ServeError> {
        AppState::with_clock(served, opts, crate::clock::process()).await
    }

    /// [`AppState::with_shared_site`] on `clock`: the handlers and the comments store
    /// read the time from it (tests give one they set).
    pub async fn with_clock(
        served: Arc<ServedSite>,
        opts: &ServeOptions,
        clock: Clock,
    ) -> Result<AppState, ServeError> {
        let reload = opts
            .watch
            .then(|| Arc::new(ReloadChannel::new(crate::watch::status_of(&served.site))));
        let consults = served.consultation().is_some();
        let store = if consults {
            let database = match &opts.database {
                Some(url) => crate::comments::Database::parse(url)?,
                None => crate::comments::Database::default_in(&opts.data),
            };
            let options = crate::comments::StoreOptions {
                clock: Arc::clone(&clock),
                ..Default::default()
            };
            Some(database.open(options).await?)
        } else {
            None
        };
        let mut pages = Pages::new()?;
        if let (Some(store), Some(consultation)) = (&store, served.consultation())
            && let Some(due) =
                crate::comments::retention::purge_reminder(&**store, consultation, clock()).await
        {
            tracing::warn!("{}", due.message(pages.catalogue()));
        }
        for (name, source) in [
            public::search_log::ADMIN_TEMPLATE,
            public::search_log::PRIVACY_TEMPLATE,
            admin::groups::GROUPS_TEMPLATE,
            public::published_responses::TEMPLATE,
            admin::coding_pages::ANALYST_TEMPLATE,
            admin::coding_pages::CODES_TEMPLATE,
            admin::coding_pages::RESPONSES_TEMPLATE,
            admin::sign_in::SIGN_IN_TEMPLATE,
            admin::sign_in::AUDIT_TEMPLATE,
            admin::sign_in::PERSON_TEMPLATE,
            admin::response_page::TEMPLATE,
            admin::set_up::TEMPLATE,
        ] {
            pages.add(name, source)?;
        }
        for (name, source) in public::point_in_time::TEMPLATES {
            pages.add(name, source)?;
        }
        let oidc = admin::oidc::Oidc::from_options(&opts.sign_in)?.map(Arc::new);
        let search_log = crate::search::log::SearchLog::open(&opts.data)
            .map_err(|e| tracing::warn!("searches will not be logged: {e}"))
            .ok();
        Ok(AppState {
            search_log,
            current: ArcSwap::new(served),
            pages,
            reload,
            store,
            limits: edge::limits::RateLimiter::new(opts.rate_limit),
            trusted_proxy: opts.trusted_proxy,
            admin_token: opts.admin_token.clone().filter(|t| !t.is_empty()),
            clock,
            analysis: admin::groups::Cache::default(),
            comment_index: Arc::default(),
            downloads: public::published_responses::Downloads::default(),
            accounts: edge::access::Accounts::with_passwords(!opts.sign_in.no_passwords),
            oidc,
            admin_failures: edge::access::FailureLimits::new(),
            receipt_limits: edge::limits::RateLimiter::new(
                edge::guards::RECEIPT_LOOKUPS_PER_MINUTE,
            ),
        })
    }
}

/// The router: every route, and the headers every response carries.
pub fn app(state: Arc<AppState>) -> Router {
    let mut router = Router::new();
    if state.reload.is_some() {
        router = router
            .route("/_live", get(public::reload_events::events))
            .route("/_live/status", get(public::reload_events::status))
            .route(
                "/_copbook/live.js",
                get(|| async {
                    edge::pages::asset(
                        "text/javascript; charset=utf-8",
                        public::reload_events::SCRIPT,
                    )
                }),
            );
    }
    let admin = Router::new()
        .route("/admin/", get(admin::overview::index))
        // A target id may hold a `/` (`guide/challenge`): the rest of the path is the id.
        .route("/admin/target/{*id}", get(admin::overview::target))
        .route(
            "/admin/comments/{reference}/status",
            axum::routing::post(admin::overview::set_status),
        )
        .route(
            "/admin/comments/{reference}/erase",
            get(admin::erasure::confirm).post(admin::erasure::erase),
        )
        .route("/admin/export.csv", get(admin::overview::export_csv))
        .route("/admin/searches", get(public::search_log::admin))
        .route("/admin/groups", get(admin::groups::groups))
        .route("/admin/groups.json", get(admin::groups::groups_json))
        .route(
            "/admin/groups/split",
            axum::routing::post(admin::groups::split),
        )
        .route(
            "/admin/groups/merge",
            axum::routing::post(admin::groups::merge),
        )
        .route(
            "/admin/analyst",
            axum::routing::post(admin::groups::set_analyst),
        )
        .route(
            "/admin/codes",
            get(admin::coding_pages::codes).post(admin::coding_pages::add_code),
        )
        .route(
            "/admin/comments/{reference}/codes",
            axum::routing::post(admin::coding_pages::tag),
        )
        .route("/admin/responses", get(admin::coding_pages::responses))
        .route(
            "/admin/responses.csv",
            get(admin::coding_pages::responses_csv),
        )
        .route(
            "/admin/responses.json",
            get(admin::coding_pages::responses_json),
        )
        .route("/admin/audit", get(admin::sign_in::audit))
        .route(
            "/admin/sign-out",
            axum::routing::post(admin::sign_in::sign_out),
        )
        .route(
            "/admin/responses/{reference}",
            get(admin::response_page::page),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            edge::access::require_person,
        ));
    router
        .merge(admin)
        .route(
            "/admin/sign-in",
            get(admin::sign_in::form).post(admin::sign_in::sign_in),
        )
        .route(
            "/cy/admin/sign-in",
            get(admin::sign_in::form).post(admin::sign_in::sign_in),
        )
        .route("/admin/oidc/start", get(admin::oidc::start))
        .route("/admin/oidc/callback", get(admin::oidc::callback))
        .route(
            "/admin/set-up/{token}",
            get(admin::set_up::form).post(admin::set_up::set_up),
        )
        .route(
            "/cy/admin/set-up/{token}",
            get(admin::set_up::form).post(admin::set_up::set_up),
        )
        .route("/healthz", get(api::health::healthz))
        .route("/api/changes", get(api::changes::api))
        .route("/api/openapi.json", get(api::openapi::document))
        .merge(public_routes(&state))
        // The same pages in Welsh: handlers read the language from the original path.
        .nest("/cy", public_routes(&state))
        .route(
            "/_copbook/copbook.css",
            get(|| async { edge::pages::asset("text/css; charset=utf-8", edge::pages::CSS) }),
        )
        .route(
            "/_copbook/favicon.svg",
            get(|| async { edge::pages::asset("image/svg+xml", edge::pages::ICON) }),
        )
        // Browsers ask for `/favicon.ico` where a page names no icon (a JSON answer, a file).
        .route(
            "/favicon.ico",
            get(|| async { axum::response::Redirect::permanent("/_copbook/favicon.svg") }),
        )
        .route(
            "/_copbook/copbook.js",
            get(|| async { edge::pages::asset("text/javascript; charset=utf-8", edge::pages::JS) }),
        )
        .route(
            crate::default_theme::SEARCH_SCRIPT_PATH,
            get(|| async {
                edge::pages::asset(
                    "text/javascript; charset=utf-8",
                    crate::default_theme::SEARCH_SCRIPT,
                )
            }),
        )
        .fallback(public::static_files::serve)
        .with_state(Arc::clone(&state))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_BODY_BYTES,
        ))
        .layer(axum::middleware::from_fn(edge::guards::form_too_large))
        // Every error of a handler or guard is said here, in the request's language.
        .layer(axum::middleware::from_fn_with_state(
            state,
            edge::error::render_errors,
        ))
        // gzip for readers on slow connections (tower-http leaves event streams alone).
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn(
            edge::csrf::host_prefixed_csrf_cookie,
        ))
        // A book page may carry its own policy (its inline scripts' hashes: `csp`).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::csp::BASE_POLICY),
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
}

/// The server pages a reader sees, in every language.
/// The reader's routes, served in English at the root and in Welsh under `/cy`.
fn public_routes(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/search", get(public::search_pages::page))
        .route("/api/search", get(api::search_api::api))
        .route("/search/go", get(public::search_log::go))
        .route("/privacy", get(public::search_log::privacy))
        .route("/comment", get(public::comment_form::form))
        .route("/responses", get(public::published_responses::page))
        .route("/responses.csv", get(public::published_responses::csv))
        .route("/responses.json", get(public::published_responses::json))
        // Published drafts as they stood, their open data and the PDF edition (issue 27).
        .route("/drafts", get(public::point_in_time::redirect_index))
        .route("/drafts/", get(public::point_in_time::index))
        .route("/drafts/{version}", get(public::point_in_time::file))
        .route("/drafts/{version}/", get(public::point_in_time::contents))
        .route(
            "/drafts/{version}/{*page}",
            get(public::point_in_time::page),
        )
        .route("/parallel/{*page}", get(public::point_in_time::parallel))
        .route(
            "/comments",
            axum::routing::post(public::comment_form::submit_form).route_layer(
                tower_http::limit::RequestBodyLimitLayer::new(edge::guards::FORM_MAX_BODY_BYTES),
            ),
        )
        .route(
            "/api/comments",
            axum::routing::post(api::comment_api::submit_json)
                .route_layer(tower_http::limit::RequestBodyLimitLayer::new(
                    edge::guards::JSON_MAX_BODY_BYTES,
                ))
                .route_layer(axum::middleware::from_fn(edge::guards::require_utf8)),
        )
        .route(
            "/comments/receipt/{reference}",
            get(public::comment_form::receipt).route_layer(axum::middleware::from_fn_with_state(
                Arc::clone(state),
                edge::guards::throttle_receipts,
            )),
        )
}

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
}

/// Resolves when Ctrl-C (or SIGTERM) arrives.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The book could not be built.
    #[error(transparent)]
    Build(#[from] crate::site::BuildError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The data folder could not be used.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A server page template is broken.
    #[error("server templates: {0}")]
    Template(#[from] minijinja::Error),
    /// The build thread died.
    #[error("the build was interrupted: {0}")]
    Join(#[from] tokio::task::JoinError),
    /// Watch mode could not start.
    #[error(transparent)]
    Watch(#[from] crate::watch::WatchError),
    /// The comments database could not be opened.
    #[error(transparent)]
    Store(#[from] crate::comments::StoreError),
    /// Single sign-on is set up wrongly.
    #[error(transparent)]
    Oidc(#[from] admin::oidc::OidcError),
    /// The admin token is too short to resist guessing.
    #[error(
        "COPBOOK_ADMIN_TOKEN has {0} characters; it needs at least {min}: set a long random \
         token (e.g. `openssl rand -base64 30`) or unset it to switch /admin off",
        min = edge::access::MIN_TOKEN_CHARS
    )]
    AdminTokenTooShort(usize),
}

/// The folder under the data folder that holds the builds being served.
pub fn builds_dir(data: &std::path::Path) -> PathBuf {
    data.join("builds")
}

/// Builds the book into a fresh folder under `data/builds`, off the async runtime, and
/// removes older build folders.
pub async fn build_served(
    book: PathBuf,
    data: PathBuf,
    preview: bool,
) -> Result<ServedSite, ServeError> {
    let site = tokio::task::spawn_blocking(move || {
        crate::site::build_fresh(&book, &builds_dir(&data), preview)
    })
    .await??;
    crate::site::remove_old_builds(&site.out_dir);
    Ok(ServedSite::new(site))
}

impl ServeError {
    /// Whether the book itself has errors (exit code 1), as opposed to the server being
    /// unable to run (exit code 2).
    pub fn is_book_error(&self) -> bool {
        matches!(self, ServeError::Build(e) if !e.is_unreadable())
    }
}

/// Builds the book and serves it until Ctrl-C.
///
/// Nothing is created on disk before the server knows it can start: the address is bound
/// and the book read first, and a data folder this run created is removed again if the
/// first build fails.
pub async fn run(opts: ServeOptions) -> Result<(), ServeError> {
    if let Some(token) = opts.admin_token.as_deref().filter(|t| !t.is_empty()) {
        edge::access::check_token_strength(token).map_err(ServeError::AdminTokenTooShort)?;
    }
    let listener = tokio::net::TcpListener::bind(opts.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: opts.addr,
            source,
        })?;
    eprintln!("building {} ...", opts.book.display());
    let data_existed = opts.data.exists();
    let served = match build_served(opts.book.clone(), opts.data.clone(), opts.watch).await {
        Ok(served) => served,
        Err(e) => {
            if !data_existed
                && opts.data.exists()
                && let Err(rm) = std::fs::remove_dir_all(&opts.data)
            {
                tracing::warn!("could not remove {}: {rm}", opts.data.display());
            }
            return Err(e);
        }
    };
    eprintln!("{}", served.site.summary());
    let paths = crate::watch::WatchedPaths::of(&served.site.settings);
    let state = Arc::new(AppState::new(served, &opts).await?);
    if state.admin_token.is_some() && state.accounts.exist(state.store.as_deref()).await {
        eprintln!(
            "accounts exist: COPBOOK_ADMIN_TOKEN is no longer a way in; sign in at /admin/sign-in"
        );
    }
    if let Some(reload) = &state.reload {
        let swap_in = Arc::clone(&state);
        let lend = Arc::clone(&state);
        crate::watch::spawn(
            crate::watch::Rebuilds {
                book: opts.book.clone(),
                builds: builds_dir(&opts.data),
                serve: Box::new(move |site| {
                    swap_in.current.store(Arc::new(ServedSite::new(site)));
                }),
                served: Box::new(move |with| {
                    let current = lend.current.load_full();
                    with(Some(&current.site));
                }),
                channel: Arc::clone(reload),
            },
            paths,
        )?;
        eprintln!("watching {} for changes", opts.book.display());
    }
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: opts.addr,
        source,
    })?;
    let file_limit = edge::listener::file_limit();
    let caps = edge::listener::ConnectionCaps::choose(&opts.connections, file_limit);
    eprintln!(
        "connections: at most {} in total and {} per client (open-file limit {})",
        caps.total,
        caps.per_client,
        file_limit.map_or("unknown".to_string(), |l| l.to_string())
    );
    println!("serving on http://{addr}/ (Ctrl-C to stop)");
    let trusted_proxy = state.trusted_proxy;
    edge::listener::serve(
        listener,
        app(state),
        &opts.connections,
        caps,
        trusted_proxy,
        shutdown_signal(),
    )
    .await;
    eprintln!("stopped");
    Ok(())
}
