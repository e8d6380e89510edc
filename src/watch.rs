//! Watch mode: notify → filter → debounce → rebuild → swap → tell browsers.
//!
//! File events are first reduced to a [`Change`] (content, config, theme) or dropped: reads
//! (mdBook reading chapters during a rebuild must not trigger another), editors' swap and
//! backup files, and anything outside the book's `src`, its `book.toml` and its theme. A
//! burst of events (an editor's write-to-temp-then-rename, a save-all) becomes one
//! rebuild: after the first event we wait for [`QUIET`] without events, never longer than
//! [`MAX_WAIT`]. Each rebuild makes a complete new site in a fresh folder (from the site
//! being served when only chapters' text changed: the same site, faster); it is swapped in
//! only if it built and `copbook check` found no error, so readers never see a broken
//! draft while the author sees exactly what is wrong. Files changed since the served
//! build stay pending until a build is served, so an incremental build never misses one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};
use serde::Serialize;

use crate::config::BookSettings;
use crate::diagnostic::Severity;
use crate::site::Site;

/// How long the files must stay quiet before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(40);
/// The longest a rebuild waits for a burst of events to end.
pub const MAX_WAIT: Duration = Duration::from_millis(400);

/// What changed, reduced from a file event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A chapter or other file under `src`.
    Content,
    /// `book.toml`.
    Config,
    /// A file of the theme.
    Theme,
}

/// What browsers are told after a build, as the `status` server-sent event.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BuildStatus {
    /// Whether the site being served is the latest source.
    pub ok: bool,
    /// One line about the build.
    pub message: String,
    /// Findings, `path:line: severity: message`.
    pub diagnostics: Vec<String>,
}

/// An event sent to connected browsers.
#[derive(Debug, Clone)]
pub enum ReloadEvent {
    /// A new site is being served: reload.
    Reload {
        /// The build's sequence number.
        build: u64,
    },
    /// The latest build's outcome (sent after every build and on connect).
    Status(BuildStatus),
}

/// The watch-mode half of the server state: the channel to browsers and counters.
pub struct ReloadChannel {
    /// Events to every connected browser.
    pub events: tokio::sync::broadcast::Sender<ReloadEvent>,
    /// The latest status, for browsers that connect later.
    pub status: std::sync::Mutex<BuildStatus>,
    /// Rebuilds started since the server started.
    pub rebuilds: AtomicU64,
}

impl ReloadChannel {
    /// A reload channel whose first status is `status`.
    pub fn new(status: BuildStatus) -> ReloadChannel {
        let (events, _) = tokio::sync::broadcast::channel(64);
        ReloadChannel {
            events,
            status: std::sync::Mutex::new(status),
            rebuilds: AtomicU64::new(0),
        }
    }

    /// The latest status.
    pub fn current(&self) -> BuildStatus {
        match self.status.lock() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn publish(&self, status: BuildStatus) {
        match self.status.lock() {
            Ok(mut s) => *s = status.clone(),
            Err(poisoned) => *poisoned.into_inner() = status.clone(),
        }
        // No receiver is not an error: nobody has the page open.
        let _ = self.events.send(ReloadEvent::Status(status));
    }
}

/// The most findings a status carries to the browsers' banner: the errors first, then the
/// warnings, each in file order. The message counts them all, and a big book can have
/// thousands, which no banner can show (nor should every save send).
pub const STATUS_FINDINGS: usize = 50;

/// The status of a build about to be served.
pub fn status_of(site: &Site) -> BuildStatus {
    BuildStatus {
        ok: !crate::diagnostic::has_errors(&site.diagnostics),
        message: site.summary(),
        diagnostics: banner_findings(&site.diagnostics),
    }
}

/// The findings the banner shows: at most [`STATUS_FINDINGS`], errors first.
fn banner_findings(diagnostics: &[crate::diagnostic::Diagnostic]) -> Vec<String> {
    let is_error = |d: &&crate::diagnostic::Diagnostic| d.severity == Severity::Error;
    diagnostics
        .iter()
        .filter(is_error)
        .chain(diagnostics.iter().filter(|d| !is_error(d)))
        .take(STATUS_FINDINGS)
        .map(ToString::to_string)
        .collect()
}

/// The paths a book's watcher looks at.
#[derive(Debug, Clone)]
pub struct WatchedPaths {
    /// The book's `src`.
    pub src: PathBuf,
    /// The book's `book.toml`.
    pub config: PathBuf,
    /// The book's theme folder, if it has one.
    pub theme: Option<PathBuf>,
    /// The source folders of the book's translations (e.g. `src-cy`).
    pub translations: Vec<PathBuf>,
}

impl WatchedPaths {
    /// The paths of the book whose settings are `settings` (those of the build being
    /// served, so `book.toml` is not read again).
    pub fn of(settings: &BookSettings) -> WatchedPaths {
        let book = settings.root.as_path();
        let html = settings.mdbook.html_config().unwrap_or_default();
        let canon = |p: PathBuf| p.canonicalize().unwrap_or(p);
        WatchedPaths {
            src: canon(settings.src_dir.clone()),
            config: canon(book.join("book.toml")),
            theme: html.theme.as_ref().map(|_| canon(html.theme_dir(book))),
            translations: settings
                .code
                .iter()
                .flat_map(|c| &c.languages)
                .map(|t| canon(book.join(&t.src)))
                .collect(),
        }
    }

    /// What a change to `path` means, if anything.
    pub fn classify(&self, path: &Path) -> Option<Change> {
        let name = path.file_name()?.to_string_lossy();
        if is_editor_noise(&name) {
            return None;
        }
        if path == self.config {
            Some(Change::Config)
        } else if path.starts_with(&self.src)
            || self.translations.iter().any(|t| path.starts_with(t))
        {
            Some(Change::Content)
        } else if self.theme.as_ref().is_some_and(|t| path.starts_with(t)) {
            Some(Change::Theme)
        } else {
            None
        }
    }
}

/// Swap, backup and lock files that editors write beside the real one.
fn is_editor_noise(name: &str) -> bool {
    name.starts_with(".#")
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name == "4913" // vim's write test
        || name == ".DS_Store"
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The file watcher failed.
    #[error("cannot watch {path}: {source}")]
    Notify {
        path: PathBuf,
        source: notify::Error,
    },
}

/// What [`Rebuilds::served`] is given: a closure that reads the site being served.
pub type LendSite<'a> = dyn FnMut(Option<&Site>) + 'a;

/// What a rebuild needs: where the book is, where builds go, who serves a good build, and
/// the channel to browsers.
pub struct Rebuilds {
    /// The book's folder.
    pub book: PathBuf,
    /// The folder holding the `build-*` folders.
    pub builds: PathBuf,
    /// Serves a build that built without check errors (the server swaps it in).
    pub serve: Box<dyn Fn(Site) + Send>,
    /// Lends the site being served, if any, to the closure it is given: an incremental
    /// build starts from it.
    pub served: Box<dyn Fn(&mut LendSite<'_>) + Send>,
    /// The channel to browsers.
    pub channel: Arc<ReloadChannel>,
}

/// Starts watching the book at `paths`; rebuilds run on a dedicated thread until the
/// process ends.
pub fn spawn(rebuilds: Rebuilds, paths: WatchedPaths) -> Result<(), WatchError> {
    let book = rebuilds.book.clone();
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    })
    .map_err(|source| WatchError::Notify {
        path: book.clone(),
        source,
    })?;
    let book_root = paths
        .config
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or(book.clone());
    let mut targets = vec![(paths.src.clone(), RecursiveMode::Recursive)];
    // book.toml is watched through its folder so that a rename over it is seen.
    targets.push((book_root, RecursiveMode::NonRecursive));
    if let Some(theme) = &paths.theme {
        targets.push((theme.clone(), RecursiveMode::Recursive));
    }
    for translation in &paths.translations {
        targets.push((translation.clone(), RecursiveMode::Recursive));
    }
    for (path, mode) in targets {
        watcher
            .watch(&path, mode)
            .map_err(|source| WatchError::Notify { path, source })?;
    }
    std::thread::Builder::new()
        .name("copbook-watch".to_string())
        .spawn(move || {
            let _watcher = watcher; // keep it alive for as long as the loop runs
            watch_loop(&rx, &paths, &rebuilds);
        })
        .map_err(|e| WatchError::Notify {
            path: PathBuf::from("<thread>"),
            source: notify::Error::io(e),
        })?;
    Ok(())
}

type EventResult = notify::Result<notify::Event>;

/// Why [`EventSource::recv_within`] returned without an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoEvent {
    /// The time given passed without an event.
    Quiet,
    /// The watcher is gone: no event will ever come.
    Closed,
}

/// Where the watch loop's file events come from, and the clock it measures the debounce
/// window by: the watcher's channel and the system clock when serving, a script of events
/// on a fake clock in the tests (so the debouncing rule is tested without sleeping).
trait EventSource {
    /// One file event.
    type Event;
    /// Waits for the next event; `None` when no event will ever come.
    fn recv(&mut self) -> Option<Self::Event>;
    /// Waits at most `wait` for the next event.
    fn recv_within(&mut self, wait: Duration) -> Result<Self::Event, NoEvent>;
    /// What time it is on this source's clock.
    fn now(&self) -> Instant;
}

/// The watcher's channel, timed by the system clock.
struct Channel<'a>(&'a mpsc::Receiver<EventResult>);

impl EventSource for Channel<'_> {
    type Event = EventResult;

    fn recv(&mut self) -> Option<EventResult> {
        self.0.recv().ok()
    }

    fn recv_within(&mut self, wait: Duration) -> Result<EventResult, NoEvent> {
        self.0.recv_timeout(wait).map_err(|e| match e {
            mpsc::RecvTimeoutError::Timeout => NoEvent::Quiet,
            mpsc::RecvTimeoutError::Disconnected => NoEvent::Closed,
        })
    }

    fn now(&self) -> Instant {
        Instant::now()
    }
}

fn watch_loop(rx: &mpsc::Receiver<EventResult>, paths: &WatchedPaths, rebuilds: &Rebuilds) {
    debounced(
        &mut Channel(rx),
        |event| {
            relevant(event, paths)
                .into_iter()
                .map(|(_, path)| path)
                .collect()
        },
        |pending| rebuild_changed(rebuilds, pending),
    );
}

/// The watch loop's rule, apart from what events mean and what a rebuild does: waits for
/// an event naming a file (`files` says which files an event names, none when it is
/// irrelevant), gathers the events that follow until [`QUIET`] passes without one or
/// [`MAX_WAIT`] has passed since the first, then calls `rebuild` with every file changed
/// since the last build it served (it returns whether it served one; if not, the files
/// stay pending for the next). Events that arrive while a rebuild runs wait in the source
/// and start the next round. Returns when the source closes.
fn debounced<S: EventSource>(
    source: &mut S,
    files: impl Fn(&S::Event) -> Vec<PathBuf>,
    mut rebuild: impl FnMut(&[PathBuf]) -> bool,
) {
    // Files changed since the site being served was built: a build that is not served
    // (it failed, or has errors) leaves them pending for the next one.
    let mut pending: Vec<PathBuf> = Vec::new();
    loop {
        // Wait for the first relevant change.
        let Some(first) = source.recv() else {
            return; // the watcher is gone
        };
        let mut changed = files(&first);
        if changed.is_empty() {
            continue;
        }
        // Debounce: drain until quiet, bounded.
        let started = source.now();
        loop {
            let left = MAX_WAIT.saturating_sub(source.now().saturating_duration_since(started));
            if left.is_zero() {
                break;
            }
            match source.recv_within(QUIET.min(left)) {
                Ok(event) => changed.extend(files(&event)),
                Err(NoEvent::Quiet) => break,
                Err(NoEvent::Closed) => return,
            }
        }
        for path in changed {
            if !pending.contains(&path) {
                pending.push(path);
            }
        }
        if rebuild(&pending) {
            pending.clear();
        }
    }
}

/// The changes an event carries, with their paths; empty when it is irrelevant.
fn relevant(event: &EventResult, paths: &WatchedPaths) -> Vec<(Change, PathBuf)> {
    let Ok(event) = event else {
        return Vec::new();
    };
    if matches!(event.kind, EventKind::Access(_)) {
        return Vec::new();
    }
    event
        .paths
        .iter()
        .filter_map(|p| Some((paths.classify(p)?, p.clone())))
        .collect()
}

/// Builds the book from scratch; serves the new site if it built without check errors.
pub fn rebuild(rebuilds: &Rebuilds) {
    rebuild_changed(rebuilds, &[]);
}

/// Builds the book after `changed` files changed: incrementally from the site being
/// served when only chapters' text changed (the same site a full build makes), else from
/// scratch. Serves the new site if it built without check errors; returns whether it did.
fn rebuild_changed(rebuilds: &Rebuilds, changed: &[PathBuf]) -> bool {
    let channel = &rebuilds.channel;
    let n = channel.rebuilds.fetch_add(1, Ordering::SeqCst) + 1;
    let started = Instant::now();
    let mut built = None;
    (rebuilds.served)(&mut |served| {
        built = Some(match served {
            Some(previous) if !changed.is_empty() => {
                crate::site::rebuild(previous, changed, &rebuilds.book, &rebuilds.builds)
            }
            _ => crate::site::build_fresh(&rebuilds.book, &rebuilds.builds, true),
        });
    });
    let built =
        built.unwrap_or_else(|| crate::site::build_fresh(&rebuilds.book, &rebuilds.builds, true));
    match built {
        Ok(new) if !new.has_errors() => {
            let status = status_of(&new);
            let out = new.out_dir.clone();
            let how = match new.incremental {
                Some(1) => " (1 page re-rendered)".to_string(),
                Some(pages) => format!(" ({pages} pages re-rendered)"),
                None => String::new(),
            };
            (rebuilds.serve)(new);
            eprintln!("rebuilt in {} ms{how}", started.elapsed().as_millis());
            let _ = channel.events.send(ReloadEvent::Reload { build: n });
            channel.publish(status);
            // After the browsers are told: removing a big book's old folders takes time.
            crate::site::remove_old_builds(&out);
            true
        }
        Ok(new) => {
            let mut status = status_of(&new);
            status.ok = false;
            status.message =
                "The draft has errors; the last good build is still served.".to_string();
            // The errors that stopped it; the warnings only counted, as a big book can
            // have thousands and they did not stop anything.
            let mut warnings = 0;
            for d in &new.diagnostics {
                if d.severity == Severity::Error {
                    eprintln!("{d}");
                } else {
                    warnings += 1;
                }
            }
            if warnings > 0 {
                eprintln!("(and {warnings} warnings: run `copbook check` to see them)");
            }
            new.discard();
            channel.publish(status);
            false
        }
        Err(e) => {
            let text = e.to_string();
            eprintln!("{text}");
            channel.publish(BuildStatus {
                ok: false,
                message: "The build failed; the last good build is still served.".to_string(),
                diagnostics: text.lines().map(str::to_string).collect(),
            });
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_banner_shows_errors_first_and_a_bounded_number_of_findings() {
        use crate::diagnostic::Diagnostic;
        let mut found: Vec<Diagnostic> = (1..=80)
            .map(|line| Diagnostic::warning("src/a.md", line, "long-sentence", "long"))
            .collect();
        found.push(Diagnostic::error("src/z.md", 3, "duplicate-id", "twice"));
        let shown = banner_findings(&found);
        assert_eq!(shown.len(), STATUS_FINDINGS);
        assert_eq!(shown[0], "src/z.md:3: error: twice");
        assert_eq!(shown[1], "src/a.md:1: warning: long");
        assert_eq!(banner_findings(&found[..3]).len(), 3);
    }

    #[test]
    fn classifies() {
        let paths = WatchedPaths {
            src: PathBuf::from("/b/src"),
            config: PathBuf::from("/b/book.toml"),
            theme: Some(PathBuf::from("/t")),
            translations: vec![PathBuf::from("/b/src-cy")],
        };
        assert_eq!(
            paths.classify(Path::new("/b/src/code/a.md")),
            Some(Change::Content)
        );
        assert_eq!(
            paths.classify(Path::new("/b/src-cy/guide/respond.md")),
            Some(Change::Content)
        );
        assert_eq!(
            paths.classify(Path::new("/b/book.toml")),
            Some(Change::Config)
        );
        assert_eq!(
            paths.classify(Path::new("/t/css/general.css")),
            Some(Change::Theme)
        );
        assert_eq!(paths.classify(Path::new("/b/src/code/.a.md.swp")), None);
        assert_eq!(paths.classify(Path::new("/b/src/code/a.md~")), None);
        assert_eq!(paths.classify(Path::new("/b/src/4913")), None);
        assert_eq!(paths.classify(Path::new("/b/build/index.html")), None);
        assert_eq!(paths.classify(Path::new("/elsewhere/x.md")), None);
    }

    /// A script of file events at set times on a fake clock: what the watcher would send.
    /// Waiting moves the clock to the next event or by the time waited; events whose
    /// time has passed (they came during a rebuild) are there at once, in order.
    struct Script {
        start: Instant,
        /// Time since `start`, shared with the fake rebuild (which takes time too).
        now: std::rc::Rc<std::cell::Cell<Duration>>,
        events: std::collections::VecDeque<(Duration, &'static str)>,
    }

    impl Script {
        fn new(events: Vec<(u64, &'static str)>) -> Script {
            Script {
                start: Instant::now(),
                now: Default::default(),
                events: events
                    .into_iter()
                    .map(|(ms, file)| (Duration::from_millis(ms), file))
                    .collect(),
            }
        }

        fn take(&mut self) -> Option<&'static str> {
            let (at, file) = self.events.pop_front()?;
            self.now.set(self.now.get().max(at));
            Some(file)
        }
    }

    impl EventSource for Script {
        type Event = &'static str;

        fn recv(&mut self) -> Option<&'static str> {
            self.take()
        }

        fn recv_within(&mut self, wait: Duration) -> Result<&'static str, NoEvent> {
            let deadline = self.now.get() + wait;
            if self.events.front().is_some_and(|(at, _)| *at <= deadline) {
                return self.take().ok_or(NoEvent::Closed);
            }
            self.now.set(deadline);
            Err(NoEvent::Quiet)
        }

        fn now(&self) -> Instant {
            self.start + self.now.get()
        }
    }

    /// A rebuild as the watch loop saw it: when it started (ms on the fake clock) and the
    /// files it was given.
    type Rebuilt = (u128, Vec<String>);

    /// Runs the debouncing rule over `events` (ms, file; a file named `noise` is
    /// irrelevant); each rebuild takes `build_ms` and is served unless `refuse` says not.
    fn run(
        events: Vec<(u64, &'static str)>,
        build_ms: u64,
        refuse: impl Fn(usize) -> bool,
    ) -> Vec<Rebuilt> {
        let mut script = Script::new(events);
        let clock = std::rc::Rc::clone(&script.now);
        let mut rebuilt: Vec<Rebuilt> = Vec::new();
        debounced(
            &mut script,
            |file| {
                if *file == "noise" {
                    Vec::new()
                } else {
                    vec![PathBuf::from(file)]
                }
            },
            |pending| {
                let files = pending.iter().map(|p| p.display().to_string()).collect();
                rebuilt.push((clock.get().as_millis(), files));
                clock.set(clock.get() + Duration::from_millis(build_ms));
                !refuse(rebuilt.len())
            },
        );
        rebuilt
    }

    /// `n` saves of `file`, `gap_ms` apart, from `from_ms`.
    fn saves(file: &'static str, from_ms: u64, n: u64, gap_ms: u64) -> Vec<(u64, &'static str)> {
        (0..n).map(|i| (from_ms + i * gap_ms, file)).collect()
    }

    #[test]
    fn a_burst_of_saves_within_the_window_is_one_rebuild_once_quiet() {
        // 20 saves 3 ms apart (as an editor's save-all or write-then-rename makes).
        let rebuilt = run(saves("a.md", 0, 20, 3), 100, |_| false);
        let quiet = QUIET.as_millis();
        assert_eq!(rebuilt, vec![(57 + quiet, vec!["a.md".to_string()])]);
    }

    #[test]
    fn saves_during_a_rebuild_make_one_more_and_no_more() {
        // Saves every 3 ms for 0.6 s: the first rebuild starts when the window closes, the
        // saves made while it runs are gathered into a second one.
        let mut events = saves("a.md", 0, 200, 3);
        events.extend(saves("b.md", 301, 30, 3));
        events.sort();
        let rebuilt = run(events, 150, |_| false);
        assert_eq!(rebuilt.len(), 2, "{rebuilt:?}");
        assert_eq!(rebuilt[0].0, MAX_WAIT.as_millis(), "the window is bounded");
        assert_eq!(rebuilt[0].1, vec!["a.md".to_string(), "b.md".to_string()]);
        // The second starts once the last save (at 597 ms) has been quiet for QUIET, with
        // only what changed since the first.
        assert_eq!(
            rebuilt[1],
            (597 + QUIET.as_millis(), vec!["a.md".to_string()])
        );
    }

    #[test]
    fn a_save_after_the_window_is_another_rebuild() {
        let mut events = saves("a.md", 0, 5, 3);
        events.push((1_000, "b.md"));
        let rebuilt = run(events, 100, |_| false);
        assert_eq!(
            rebuilt,
            vec![
                (12 + QUIET.as_millis(), vec!["a.md".to_string()]),
                (1_000 + QUIET.as_millis(), vec!["b.md".to_string()]),
            ]
        );
    }

    #[test]
    fn irrelevant_events_rebuild_nothing_and_keep_a_rebuild_waiting_no_longer_than_the_window() {
        assert_eq!(run(saves("noise", 0, 10, 5), 100, |_| false), Vec::new());
        // Noise after a save does not extend the window past MAX_WAIT either.
        let mut events = vec![(0, "a.md")];
        events.extend(saves("noise", 10, 100, 10));
        let rebuilt = run(events, 100, |_| false);
        assert_eq!(rebuilt[0], (MAX_WAIT.as_millis(), vec!["a.md".to_string()]));
        assert_eq!(rebuilt.len(), 1, "{rebuilt:?}");
    }

    #[test]
    fn files_of_a_build_that_was_not_served_stay_pending() {
        let events = vec![(0, "a.md"), (500, "b.md"), (1_000, "c.md")];
        // The first build is refused (check errors): its file goes into the next.
        let rebuilt = run(events, 100, |n| n == 1);
        let files: Vec<Vec<String>> = rebuilt.into_iter().map(|(_, f)| f).collect();
        assert_eq!(
            files,
            vec![
                vec!["a.md".to_string()],
                vec!["a.md".to_string(), "b.md".to_string()],
                vec!["c.md".to_string()],
            ]
        );
    }
}
