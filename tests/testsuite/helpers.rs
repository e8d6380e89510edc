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
        Command::new(env!("CARGO_BIN_EXE_copbook"))
            .args(args)
            .args(["--book", "book"])
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
