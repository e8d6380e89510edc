//! `TestBook`: a fixture book in a temporary folder, and ways to run the binary on it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A copy of a fixture book at `<tmp>/book`; commands run with `<tmp>` as working directory.
pub struct TestBook {
    dir: tempfile::TempDir,
}

/// The repository's root (where Cargo.toml is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `copbook` with its clock set to [`super::app::DEFAULT_NOW`] (`COPBOOK_NOW`), so that
/// what a test of the real binary sees does not depend on the day it runs (the shipped
/// consultation closes on 31 March 2027). A test may set `COPBOOK_NOW` again to move it.
pub fn copbook() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_copbook"));
    cmd.env(copbook::clock::NOW_VAR, super::app::DEFAULT_NOW);
    cmd
}

impl TestBook {
    /// The minimal valid Code in `tests/fixtures/minimal`.
    pub fn minimal() -> Self {
        Self::from_dir(&repo_root().join("tests/fixtures/minimal"))
    }

    /// The shipped book, `book/`.
    pub fn shipped() -> Self {
        let book = Self::from_dir(&repo_root().join("book"));
        // The shipped book.toml points at the theme by a relative path; keep it working.
        let themes = book.root().join("themes");
        copy_dir(&repo_root().join("themes"), &themes);
        book
    }

    /// The shipped book with its consultation window moved to 2020, so it is closed.
    pub fn shipped_closed() -> Self {
        Self::shipped()
            .edit(
                "book.toml",
                "opens = \"2026-11-01T00:00:00+00:00\"",
                "opens = \"2020-01-01T00:00:00+00:00\"",
            )
            .edit(
                "book.toml",
                "closes = \"2027-03-31T23:59:59+01:00\"",
                "closes = \"2020-03-31T23:59:59+01:00\"",
            )
    }

    /// A copy of the book at `src`.
    pub fn from_dir(src: &Path) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(src, &dir.path().join("book"));
        TestBook { dir }
    }

    /// The temporary working directory.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The book folder.
    pub fn book(&self) -> PathBuf {
        self.root().join("book")
    }

    /// Writes a file relative to the book folder.
    pub fn write(self, rel: &str, content: &str) -> Self {
        let path = self.book().join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
        self
    }

    /// Reads a file relative to the book folder.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.book().join(rel)).expect("read")
    }

    /// Replaces `from` by `to` in a file of the book; `from` must occur.
    pub fn edit(self, rel: &str, from: &str, to: &str) -> Self {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        let text = text.replacen(from, to, 1);
        self.write(rel, &text)
    }

    /// Runs `copbook ARGS --book book` in the temporary folder.
    pub fn run(&self, args: &[&str]) -> Output {
        copbook()
            .args(args)
            .args(["--book", "book"])
            .current_dir(self.root())
            .output()
            .expect("run copbook")
    }

    /// Runs `copbook ARGS` in the temporary folder, without `--book`.
    pub fn run_plain(&self, args: &[&str]) -> Output {
        copbook()
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run copbook")
    }

    /// Runs `copbook check`: its exit code and its finding lines.
    pub fn check(&self) -> (i32, Vec<String>) {
        let out = self.run(&["check"]);
        let lines = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        (out.status.code().unwrap_or(-1), lines)
    }
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            if entry.file_name() == "build" {
                continue;
            }
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// Text of stdout and stderr, for failure messages.
pub fn output_text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A running `copbook serve` on an ephemeral port; killed when dropped.
pub struct Server {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// What the server printed to stderr, collected in the background.
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `copbook serve --addr 127.0.0.1:0 --data data --book book EXTRA…` in the
    /// book's folder and waits until it listens.
    pub fn start(book: &TestBook, extra: &[&str]) -> Server {
        Server::start_env(book, extra, &[])
    }

    /// [`Server::start`] with extra environment variables.
    pub fn start_env(book: &TestBook, extra: &[&str], env: &[(&str, &str)]) -> Server {
        use std::io::BufRead;
        let mut child = copbook()
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--data",
                "data",
                "--book",
                "book",
            ])
            .args(extra)
            .envs(env.iter().copied())
            .current_dir(book.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start copbook serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let mut base = None;
        for line in lines.by_ref() {
            let line = line.expect("read stdout");
            if let Some(rest) = line.strip_prefix("serving on ") {
                base = rest
                    .split_whitespace()
                    .next()
                    .map(|u| u.trim_end_matches('/').to_string());
                break;
            }
        }
        let Some(base) = base else {
            let _ = child.kill();
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
            }
            panic!("server did not start:\n{err}");
        };
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&log);
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                sink.lock().expect("log").push(line);
            }
        });
        std::thread::spawn(move || for _ in lines.by_ref() {});
        Server { child, base, log }
    }

    /// The URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET `path` and return status and body.
    pub fn get(&self, path: &str) -> (u16, String) {
        let res = reqwest::blocking::get(self.url(path)).expect("GET");
        let status = res.status().as_u16();
        (status, res.text().expect("body"))
    }

    /// Kills the server with SIGKILL and waits for it.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A reader of server-sent events.
pub struct EventStream {
    lines: std::io::Lines<std::io::BufReader<reqwest::blocking::Response>>,
}

impl EventStream {
    /// Connects to `url`.
    pub fn connect(url: &str) -> EventStream {
        use std::io::BufRead;
        let client = reqwest::blocking::Client::builder()
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("client");
        let res = client.get(url).send().expect("connect to event stream");
        assert!(res.status().is_success(), "event stream: {}", res.status());
        EventStream {
            lines: std::io::BufReader::new(res).lines(),
        }
    }

    /// The next event's name and data.
    pub fn next(&mut self) -> (String, String) {
        let (mut name, mut data) = (String::new(), String::new());
        for line in self.lines.by_ref() {
            let line = line.expect("event stream line");
            if line.is_empty() {
                if !name.is_empty() || !data.is_empty() {
                    return (name, data);
                }
                continue;
            }
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push_str(v.trim_start());
            }
        }
        panic!("event stream ended");
    }

    /// Skips events until one named `name` arrives; returns its data.
    pub fn next_named(&mut self, name: &str) -> String {
        loop {
            let (n, data) = self.next();
            if n == name {
                return data;
            }
        }
    }
}
