//! `copbook serve`: the HTTP server for the site, search and consultation.
//!
//! [`app`] builds the router from shared [`AppState`], so tests drive it in-process or on
//! an ephemeral port. The state holds the current [`Live`] site behind an `ArcSwap`: a
//! rebuild swaps a complete new one in at once and requests in flight finish on the old.

pub mod admin;
pub mod changes;
pub mod comments;
pub mod limits;
pub mod live;
pub mod pages;
pub mod search;
pub mod static_files;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use arc_swap::ArcSwap;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::CodeSettings;
use crate::site::Site;
use pages::{Pages, SiteContext};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

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
}

/// One built site as the server sees it: pages on disk plus the data behind them.
pub struct Live {
    /// The build.
    pub site: Site,
    /// The Code's settings, for a Code.
    pub code: Option<Arc<CodeSettings>>,
    /// What every page shows about the publication.
    pub context: SiteContext,
}

impl Live {
    /// Wraps a fresh build.
    pub fn new(site: Site, code: Option<CodeSettings>) -> Live {
        let context = SiteContext {
            title: site.corpus.title.clone(),
            version: site.corpus.version.clone(),
            status: site.corpus.status.clone(),
        };
        Live {
            site,
            code: code.map(Arc::new),
            context,
        }
    }
}

/// State shared by every handler.
pub struct AppState {
    /// The site being served; swapped whole on rebuild.
    pub live: ArcSwap<Live>,
    /// Server page templates.
    pub pages: Pages,
    /// Watch mode's channel to browsers; `None` when not watching.
    pub reload: Option<Arc<crate::watch::LiveReload>>,
    /// The comments store, when the book runs a consultation.
    pub store: Option<crate::comments::Store>,
    /// The per-client limit on submissions.
    pub limits: limits::RateLimiter,
    /// The reverse proxy trusted for `X-Forwarded-For`.
    pub trusted_proxy: Option<std::net::IpAddr>,
    /// The admin token; `None` switches `/admin` off.
    pub admin_token: Option<String>,
}

impl AppState {
    /// State serving `live` with the options given; opens the comments store in the data
    /// folder when the book runs a consultation.
    pub fn new(live: Live, opts: &ServeOptions) -> Result<AppState, ServeError> {
        let reload = opts.watch.then(|| {
            Arc::new(crate::watch::LiveReload::new(crate::watch::status_of(
                &live,
            )))
        });
        let consults = live.code.as_ref().is_some_and(|c| c.consultation.is_some());
        let store = if consults {
            Some(crate::comments::Store::open(&opts.data)?)
        } else {
            None
        };
        Ok(AppState {
            live: ArcSwap::from_pointee(live),
            pages: Pages::new()?,
            reload,
            store,
            limits: limits::RateLimiter::new(opts.rate_limit),
            trusted_proxy: opts.trusted_proxy,
            admin_token: opts.admin_token.clone().filter(|t| !t.is_empty()),
        })
    }
}

/// The router: every route, and the headers every response carries.
pub fn app(state: Arc<AppState>) -> Router {
    let mut router = Router::new();
    if state.reload.is_some() {
        router = router
            .route("/_live", get(live::events))
            .route("/_live/status", get(live::status))
            .route(
                "/_copbook/live.js",
                get(|| async { pages::asset("text/javascript; charset=utf-8", live::SCRIPT) }),
            );
    }
    let admin = Router::new()
        .route("/admin/", get(admin::index))
        .route("/admin/target/{id}", get(admin::target))
        .route(
            "/admin/comments/{reference}/status",
            axum::routing::post(admin::set_status),
        )
        .route("/admin/export.csv", get(admin::export_csv))
        .route_layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            admin::require_token,
        ));
    router
        .merge(admin)
        .route("/healthz", get(|| async { "ok" }))
        .route("/search", get(search::page))
        .route("/api/search", get(search::api))
        .route("/api/changes", get(changes::api))
        .route("/comment", get(comments::form))
        .route("/comments", axum::routing::post(comments::submit_form))
        .route("/api/comments", axum::routing::post(comments::submit_json))
        .route("/comments/receipt/{reference}", get(comments::receipt))
        .route("/_copbook/copbook.css", get(|| async { pages::asset("text/css; charset=utf-8", pages::CSS) }))
        .route("/_copbook/copbook.js", get(|| async { pages::asset("text/javascript; charset=utf-8", pages::JS) }))
        .fallback(static_files::serve)
        .with_state(state)
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        // gzip for readers on slow connections (tower-http leaves event streams alone).
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
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
    Build(#[from] crate::book::BuildError),
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
}

/// Builds the book into a fresh folder under `data/builds`, off the async runtime, and
/// removes older build folders.
pub async fn build_live(book: PathBuf, data: PathBuf) -> Result<Live, ServeError> {
    let live = tokio::task::spawn_blocking(move || build_live_blocking(&book, &data)).await??;
    remove_old_builds(&live.site.out_dir);
    Ok(live)
}

/// Builds the book into a fresh folder under `data/builds` on this thread.
pub fn build_live_blocking(
    book: &std::path::Path,
    data: &std::path::Path,
) -> Result<Live, ServeError> {
    let out = fresh_build_dir(&data.join("builds"))?;
    let site = match crate::site::build(book, &out) {
        Ok(site) => site,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&out);
            return Err(e.into());
        }
    };
    let code = crate::config::BookSettings::load(book)
        .map_err(crate::book::BuildError::from)?
        .code;
    Ok(Live::new(site, code))
}

/// Deletes the folder of a build that will not be served.
pub fn discard_build(live: &Live) {
    if let Err(e) = std::fs::remove_dir_all(&live.site.out_dir) {
        tracing::warn!("could not remove {}: {e}", live.site.out_dir.display());
    }
}

/// A new, empty, uniquely named folder for one build.
fn fresh_build_dir(builds: &std::path::Path) -> Result<PathBuf, ServeError> {
    let io = |source| ServeError::Io {
        path: builds.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(builds).map_err(io)?;
    let dir = tempfile::Builder::new()
        .prefix("build-")
        .tempdir_in(builds)
        .map_err(io)?;
    Ok(dir.keep())
}

/// Removes every build folder beside `keep` (best effort: requests still reading an old
/// folder hold their open files, which stay readable until closed).
pub fn remove_old_builds(keep: &std::path::Path) {
    let Some(builds) = keep.parent() else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(builds) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path != keep
            && entry.file_name().to_string_lossy().starts_with("build-")
            && let Err(e) = std::fs::remove_dir_all(&path)
        {
            tracing::warn!("could not remove old build {}: {e}", path.display());
        }
    }
}

/// Builds the book and serves it until Ctrl-C.
pub async fn run(opts: ServeOptions) -> Result<(), ServeError> {
    eprintln!("building {} ...", opts.book.display());
    let live = build_live(opts.book.clone(), opts.data.clone()).await?;
    eprintln!("{}", live.site.summary());
    let state = Arc::new(AppState::new(live, &opts)?);
    if let Some(reload) = &state.reload {
        crate::watch::spawn(
            opts.book.clone(),
            opts.data.clone(),
            Arc::clone(&state),
            Arc::clone(reload),
        )?;
        eprintln!("watching {} for changes", opts.book.display());
    }
    let listener = tokio::net::TcpListener::bind(opts.addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: opts.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: opts.addr,
        source,
    })?;
    println!("serving on http://{addr}/ (Ctrl-C to stop)");
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|source| ServeError::Io {
        path: opts.data.clone(),
        source,
    })?;
    eprintln!("stopped");
    Ok(())
}
