//! What comparing with a published draft adds to `copbook build`: the synthetic book built
//! as it is, against the same book redrafted (version raised, 5% of provisions edited)
//! with its earlier draft published, so the build compares, marks the corpus, renders the
//! change-log page and runs the redrafting checks. Median wall time over a few runs each.
//!
//! ```sh
//! cargo run --release --example synthetic_book -- target/synthetic-book 2000
//! cargo bench --bench drafts -- target/synthetic-book
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 3;

fn main() {
    let source = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/synthetic-book"));
    assert!(
        source.join("book.toml").is_file(),
        "{} is not a book: run `cargo run --release --example synthetic_book -- {}` first",
        source.display(),
        source.display()
    );
    let work = tempfile::tempdir().expect("tempdir");
    let plain = work.path().join("plain");
    let redrafted = work.path().join("redrafted");
    copy_dir(&source, &plain);
    copy_dir(&source, &redrafted);

    // Publish the book as draft 0.1, then redraft it as 0.2 with 5% of provisions edited.
    set_version(&redrafted, "0.1");
    let loaded = copbook::book::load(&redrafted).expect("load");
    let code = loaded.settings.code.clone().expect("a Code");
    let record = copbook::drafts::current_record(&loaded.corpus, &code);
    copbook::drafts::record::write(&redrafted, &record, true).expect("publish");
    set_version(&redrafted, "0.2");
    let (provisions, edited) = edit_provisions(&redrafted.join("src"), 20);
    println!("{provisions} provisions, {edited} edited");

    let mut without = Vec::new();
    let mut with = Vec::new();
    for _ in 0..RUNS {
        without.push(build(&plain, &work.path().join("out-plain")));
        with.push(build(&redrafted, &work.path().join("out-redrafted")));
    }
    let (a, b) = (median(without), median(with));
    println!(
        "copbook build, no published draft:        {:.2} s",
        a.as_secs_f64()
    );
    println!(
        "copbook build, comparing with draft 0.1:  {:.2} s",
        b.as_secs_f64()
    );
    println!(
        "comparison adds {:+.1}%",
        (b.as_secs_f64() / a.as_secs_f64() - 1.0) * 100.0
    );
    assert!(
        work.path().join("out-redrafted/changes.html").is_file(),
        "the redrafted build has no change-log page"
    );
}

fn build(book: &Path, out: &Path) -> Duration {
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_copbook"))
        .args(["build", "--book"])
        .arg(book)
        .arg("--out")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run copbook build");
    assert!(
        status.success(),
        "copbook build failed on {}",
        book.display()
    );
    started.elapsed()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn set_version(book: &Path, version: &str) {
    let path = book.join("book.toml");
    let text = std::fs::read_to_string(&path).expect("book.toml");
    let start = text.find("\nversion = \"").expect("a version") + 1;
    let end = start + text[start..].find('\n').expect("line end");
    let text = format!("{}version = \"{version}\"{}", &text[..start], &text[end..]);
    std::fs::write(&path, text).expect("write book.toml");
}

/// Appends a sentence to every `every`-th provision of every chapter under `dir`.
fn edit_provisions(dir: &Path, every: usize) -> (usize, usize) {
    let (mut seen, mut edited) = (0, 0);
    let mut files: Vec<PathBuf> = Vec::new();
    collect(dir, &mut files);
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("chapter");
        let mut out = String::with_capacity(text.len() + 64);
        for line in text.lines() {
            out.push_str(line);
            if line.starts_with("{#") && line.contains("} ") {
                seen += 1;
                if seen % every == 0 {
                    edited += 1;
                    out.push_str(" This sentence was added when redrafting.");
                }
            }
            out.push('\n');
        }
        std::fs::write(&file, out).expect("write chapter");
    }
    (seen, edited)
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
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
