//! `TestApp`: the server's router, in this test process, on an ephemeral port, with a
//! temporary data folder and a fixed clock.
//!
//! The shipped book is built once per test binary and shared read-only by every app
//! ([`TestApp::shipped`]); a test that needs its own book builds it with
//! [`TestApp::for_book`]. HTTP behaviour is tested here; the real binary is kept for what
//! only a process shows (start-up, signals, a SIGKILL, watch mode).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use copbook::server::{AppState, ServeOptions, ServedSite};

use crate::helpers::repo_root;

/// The instant every app's clock shows unless a test sets another: inside the shipped
/// book's consultation window (1 November 2026 to 31 March 2027).
pub const DEFAULT_NOW: &str = "2026-12-01T12:00:00Z";

/// The shipped book, built once for the whole test binary.
fn shipped_site() -> Arc<ServedSite> {
    static SHIPPED: OnceLock<Arc<ServedSite>> = OnceLock::new();
    Arc::clone(SHIPPED.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("testapp-shipped-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let site = copbook::site::build(&repo_root().join("book"), &out)
            .unwrap_or_else(|e| panic!("the shipped book does not build: {e}"));
        Arc::new(ServedSite::new(site))
    }))
}

/// The app state of the shipped book with its store in `data`, for a test that drives
/// the router itself (to look at the state between a response and its body).
pub fn shipped_state(runtime: &tokio::runtime::Runtime, data: &Path) -> Arc<AppState> {
    let opts = ServeOptions {
        book: PathBuf::new(),
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        data: data.to_path_buf(),
        watch: false,
        rate_limit: 0,
        trusted_proxy: None,
        admin_token: None,
        database: None,
        connections: Default::default(),
        sign_in: Default::default(),
    };
    Arc::new(
        runtime
            .block_on(AppState::with_shared_site(shipped_site(), &opts))
            .expect("app state"),
    )
}

/// How a [`TestApp`] is set up.
pub struct TestAppBuilder {
    site: Arc<ServedSite>,
    rate_limit: u32,
    admin_token: Option<String>,
    now: jiff::Timestamp,
    downloads: Option<(usize, std::time::Duration)>,
    download_page: Option<usize>,
    trusted_proxy: Option<std::net::IpAddr>,
    sign_in: Option<SignInFor>,
    _book_out: Option<tempfile::TempDir>,
}

/// The sign-in options of an app, made once its address (`http://127.0.0.1:PORT`) is known.
type SignInFor = Box<dyn FnOnce(&str) -> copbook::server::admin::oidc::SignInOptions>;

impl TestAppBuilder {
    /// Sets how people sign in (single sign-on), from the app's address.
    pub fn sign_in(
        mut self,
        options: impl FnOnce(&str) -> copbook::server::admin::oidc::SignInOptions + 'static,
    ) -> Self {
        self.sign_in = Some(Box::new(options));
        self
    }

    /// Trusts `X-Forwarded-For` from this address (the test client's is 127.0.0.1).
    pub fn trusted_proxy(mut self, proxy: &str) -> Self {
        self.trusted_proxy = Some(proxy.parse().expect("an address"));
        self
    }

    /// Open-data downloads made at once, and how long a request waits for its turn.
    pub fn downloads(mut self, at_once: usize, wait: std::time::Duration) -> Self {
        self.downloads = Some((at_once, wait));
        self
    }

    /// Published responses an open-data download reads from the store at a time.
    pub fn download_page(mut self, rows: usize) -> Self {
        self.download_page = Some(rows);
        self
    }

    /// Submissions allowed per client per minute (0, the default here: no limit).
    pub fn rate_limit(mut self, per_minute: u32) -> Self {
        self.rate_limit = per_minute;
        self
    }

    /// Switches `/admin` on with this token.
    pub fn admin_token(mut self, token: &str) -> Self {
        self.admin_token = Some(token.to_string());
        self
    }

    /// The clock's time, RFC 3339.
    pub fn now(mut self, at: &str) -> Self {
        self.now = at.parse().expect("an RFC 3339 time");
        self
    }

    /// Starts serving.
    pub fn start(self) -> TestApp {
        let data = tempfile::tempdir().expect("data folder");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let base = format!("http://{addr}");
        let sign_in = self.sign_in.map(|f| f(&base)).unwrap_or_default();
        let opts = ServeOptions {
            book: PathBuf::new(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            data: data.path().to_path_buf(),
            watch: false,
            rate_limit: self.rate_limit,
            trusted_proxy: self.trusted_proxy,
            admin_token: self.admin_token,
            database: None,
            connections: Default::default(),
            sign_in,
        };
        // One clock for the handlers and the store: a test that sets it sees its time
        // in what is stored.
        let now = Arc::new(Mutex::new(self.now));
        let clock_now = Arc::clone(&now);
        let clock: copbook::server::Clock = Arc::new(move || *clock_now.lock().expect("clock"));
        let mut state = runtime
            .block_on(AppState::with_clock(self.site, &opts, clock))
            .expect("app state");
        if let Some((at_once, wait)) = self.downloads {
            state.downloads = copbook::server::public::published_responses::Downloads::new(
                at_once,
                wait,
                copbook::server::public::published_responses::DOWNLOADS_PER_CLIENT,
            );
        }
        if let Some(rows) = self.download_page {
            state.downloads.page = rows;
        }
        let state = Arc::new(state);
        let router = copbook::server::app(Arc::clone(&state));
        let state = Arc::clone(&state);
        runtime.spawn(async move {
            let service = router.into_make_service_with_connect_info::<SocketAddr>();
            let _ = axum::serve(listener, service).await;
        });
        TestApp {
            state,
            base,
            data,
            now,
            runtime: Some(runtime),
            _book_out: self._book_out,
        }
    }
}

/// The app, listening on `base` until dropped.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    data: tempfile::TempDir,
    now: Arc<Mutex<jiff::Timestamp>>,
    runtime: Option<tokio::runtime::Runtime>,
    _book_out: Option<tempfile::TempDir>,
    /// The app's state (its store, its clock).
    pub state: Arc<AppState>,
}

impl TestApp {
    /// An app serving the shipped book (built once per test binary).
    pub fn shipped() -> TestAppBuilder {
        TestAppBuilder {
            site: shipped_site(),
            rate_limit: 0,
            admin_token: None,
            now: DEFAULT_NOW.parse().expect("time"),
            downloads: None,
            download_page: None,
            trusted_proxy: None,
            sign_in: None,
            _book_out: None,
        }
    }

    /// An app serving the book at `book`, built for this app alone.
    pub fn for_book(book: &Path) -> TestAppBuilder {
        let out = tempfile::tempdir().expect("output folder");
        let site = copbook::site::build(book, out.path())
            .unwrap_or_else(|e| panic!("the book does not build: {e}"));
        TestAppBuilder {
            _book_out: Some(out),
            ..TestApp::shipped_with(Arc::new(ServedSite::new(site)))
        }
    }

    fn shipped_with(site: Arc<ServedSite>) -> TestAppBuilder {
        TestAppBuilder {
            site,
            rate_limit: 0,
            admin_token: None,
            now: DEFAULT_NOW.parse().expect("time"),
            downloads: None,
            download_page: None,
            trusted_proxy: None,
            sign_in: None,
            _book_out: None,
        }
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET `path`: status and body.
    pub fn get(&self, path: &str) -> (u16, String) {
        let res = reqwest::blocking::get(self.url(path)).expect("GET");
        let status = res.status().as_u16();
        (status, res.text().expect("body"))
    }

    /// The data folder (the comments database).
    pub fn data(&self) -> &Path {
        self.data.path()
    }

    /// Runs a future on the app's runtime (e.g. a store call).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.runtime.as_ref().expect("runtime").block_on(f)
    }

    /// Adds an account with this role and password, as `copbook users add` does.
    pub fn add_account(&self, name: &str, role: &str, password: &str) {
        let store = self.state.store.clone().expect("a store");
        let hash = copbook::auth::password::hash(password).expect("hash");
        let entry = copbook::comments::store::accounts::AuditEntry {
            at_ms: self.state.now().as_millisecond(),
            actor: "cli".into(),
            action: "account-add".into(),
            subject: Some(name.into()),
            detail: Some(role.into()),
            client: None,
        };
        self.block_on(store.add_account(
            copbook::comments::store::accounts::NewAccount {
                name: name.into(),
                role: role.into(),
                password_hash: Some(hash),
                email: None,
                created_ms: entry.at_ms,
            },
            entry,
        ))
        .expect("add account");
    }

    /// Sets the clock.
    pub fn set_now(&self, at: &str) {
        *self.now.lock().expect("clock") = at.parse().expect("an RFC 3339 time");
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(std::time::Duration::from_secs(5));
        }
    }
}

/// What the HTTP tests need of a server, in-process or a real process.
pub trait Served {
    /// The URL of `path`.
    fn url(&self, path: &str) -> String;
}

impl Served for TestApp {
    fn url(&self, path: &str) -> String {
        TestApp::url(self, path)
    }
}

impl Served for crate::helpers::Server {
    fn url(&self, path: &str) -> String {
        crate::helpers::Server::url(self, path)
    }
}

#[test]
fn the_clock_decides_whether_the_consultation_is_open() {
    let app = TestApp::shipped().now("2026-10-01T00:00:00Z").start();
    let (status, form) = app.get("/comment?on=share-lawful-basis");
    assert_eq!(status, 200);
    assert!(
        form.contains("This consultation opens on 1 November 2026"),
        "{form}"
    );
    app.set_now(DEFAULT_NOW);
    let (_, form) = app.get("/comment?on=share-lawful-basis");
    assert!(form.contains("<textarea"), "open: the form is shown");
}

#[test]
fn the_store_stamps_by_the_apps_clock() {
    let app = TestApp::shipped().now("2027-01-15T10:00:00Z").start();
    let res = reqwest::blocking::Client::new()
        .post(app.url("/api/comments"))
        .json(&serde_json::json!({
            "on": "share-lawful-basis", "body": "Stamped by the app's clock.",
            "respondent_type": "individual", "publish": "no"
        }))
        .send()
        .expect("POST /api/comments");
    assert_eq!(res.status().as_u16(), 201);
    let store = app.state.store.clone().expect("a store");
    let stored = app
        .block_on(store.list(&copbook::comments::ListQuery::default()))
        .expect("list");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].received_at, "2027-01-15T10:00:00.000Z");
    // A time the test sets later is the time of a later change.
    app.set_now("2027-01-15T10:05:00Z");
    let reference = stored[0].reference.clone();
    app.block_on(store.set_status(&reference, copbook::comments::Status::Published))
        .expect("status");
    let changed = app
        .block_on(store.get(&reference))
        .expect("get")
        .expect("kept");
    assert_eq!(
        changed.status_changed_at.as_deref(),
        Some("2027-01-15T10:05:00.000Z")
    );
}
