//! Writes a deterministic synthetic Code of Practice of any size, for benchmarks.
//!
//! `cargo run --release --example synthetic_book -- OUT_DIR [CHAPTERS] [--theme DIR]`
//! (default 2000 chapters, mdBook's default theme; `--theme themes/copbook` for ours).
//! Seven in ten chapters are Code themes with 8 to 12 provisions each, the rest are guide
//! pages of prose; the same arguments always write the same bytes. The book also builds
//! with stock `mdbook` (the copbook preprocessor is marked optional).

use std::fmt::Write as _;
use std::path::PathBuf;

const AIMS: [&str; 5] = [
    "safeguarding",
    "accountability",
    "understanding",
    "performance",
    "fairness",
];

const WORDS: &[&str] = &[
    "police",
    "data",
    "record",
    "officer",
    "force",
    "custody",
    "image",
    "access",
    "audit",
    "controller",
    "user",
    "retention",
    "review",
    "share",
    "agreement",
    "lawful",
    "purpose",
    "necessary",
    "accurate",
    "quality",
    "intelligence",
    "source",
    "victim",
    "witness",
    "arrest",
    "charge",
    "conviction",
    "caution",
    "vehicle",
    "property",
    "licence",
    "missing",
    "person",
    "biometric",
    "fingerprint",
    "DNA",
    "inspection",
    "report",
    "complaint",
    "challenge",
    "correction",
    "deletion",
    "training",
    "supervisor",
    "vetting",
    "misuse",
    "breach",
    "incident",
    "system",
    "service",
    "availability",
    "search",
    "query",
    "result",
    "decision",
    "evidence",
    "court",
    "prosecution",
    "disclosure",
    "public",
    "guide",
    "fairness",
    "safeguard",
    "risk",
    "assessment",
    "impact",
    "privacy",
    "right",
    "individual",
    "organisation",
    "partner",
    "body",
    "national",
    "local",
    "database",
    "update",
    "entry",
    "field",
    "note",
    "reason",
    "time",
    "period",
    "year",
    "month",
    "day",
    "annual",
    "independent",
    "oversight",
    "governance",
    "whistleblowing",
    "concern",
    "staff",
    "role",
    "permission",
    "log",
    "check",
    "standard",
];

const LINKS: &[&str] = &[
    "must", "should", "may", "will", "and", "or", "with", "for", "of", "to", "in", "by", "when",
    "where", "before", "after", "unless", "so that", "because", "the", "a", "each", "every",
];

/// A small deterministic generator (xorshift64*), so no dependency is needed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }
}

fn sentence(rng: &mut Rng) -> String {
    let len = 8 + rng.below(14);
    let mut s = String::new();
    for i in 0..len {
        let w = if i % 3 == 1 {
            rng.pick(LINKS)
        } else {
            rng.pick(WORDS)
        };
        if i == 0 {
            let mut c = w.chars();
            if let Some(first) = c.next() {
                s.push(first.to_ascii_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    (0..sentences)
        .map(|_| sentence(rng))
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() -> std::io::Result<()> {
    let mut theme = None;
    let mut positional = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--theme" {
            theme = args.next().map(PathBuf::from);
        } else {
            positional.push(arg);
        }
    }
    let mut positional = positional.into_iter();
    let out = PathBuf::from(positional.next().unwrap_or_else(default_out));
    let chapters: usize = positional
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    // With our theme, the book is set up as the shipped one: no print page (the theme
    // has none; each page prints with its print stylesheet).
    let theme_line = match theme {
        Some(dir) => format!(
            "theme = \"{}\"\n\n[output.html.print]\nenable = false\n",
            std::path::absolute(&dir)?
                .display()
                .to_string()
                .replace('\\', "/")
        ),
        None => String::new(),
    };
    let src = out.join("src");
    std::fs::create_dir_all(src.join("code"))?;
    std::fs::create_dir_all(src.join("guide"))?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let code_chapters = chapters * 7 / 10;

    let mut toml = format!(
        "[book]\ntitle = \"Synthetic Code of Practice\"\nlanguage = \"en\"\nsrc = \"src\"\n\n\
         [output.html]\nno-section-label = true\n{theme_line}\n\
         [preprocessor.copbook]\noptional = true\nversion = \"0.0\"\nstatus = \"Synthetic benchmark\"\n\n",
    );
    for aim in AIMS {
        let _ = writeln!(
            toml,
            "[[preprocessor.copbook.aims]]\nid = \"{aim}\"\ntitle = \"Aim {aim}\"\n"
        );
    }
    let mut summary = String::from("# Summary\n\n[About](README.md)\n\n# The Code\n\n");
    std::fs::write(
        src.join("README.md"),
        format!("# About\n\n{}\n", paragraph(&mut rng, 4)),
    )?;
    for c in 0..code_chapters {
        let id = format!("theme-{c:04}");
        let title = format!("Theme {c}: {} {}", rng.pick(WORDS), rng.pick(WORDS));
        let _ = writeln!(
            toml,
            "[[preprocessor.copbook.themes]]\nid = \"{id}\"\ntitle = \"{title}\"\nchapter = \"code/{id}.md\"\n"
        );
        let _ = writeln!(summary, "- [{title}](code/{id}.md)");
        let mut md = format!("# {title}\n\n");
        let provisions = 8 + rng.below(5);
        for p in 0..provisions {
            if p % 4 == 0 {
                let _ = writeln!(md, "## {} {}\n", rng.pick(WORDS), rng.pick(WORDS));
            }
            let aims = format!("{},{}", AIMS[p % 5], AIMS[(p + 2) % 5]);
            let n = 2 + rng.below(3);
            let _ = writeln!(
                md,
                "{{#t{c}-p{p} aims={aims}}} {}\n",
                paragraph(&mut rng, n)
            );
        }
        std::fs::write(src.join(format!("code/{id}.md")), md)?;
    }
    summary.push_str("\n# Public guide\n\n");
    for g in code_chapters..chapters {
        let id = format!("page-{g:04}");
        let title = format!("Guide {g}: {} {}", rng.pick(WORDS), rng.pick(WORDS));
        let _ = writeln!(summary, "- [{title}](guide/{id}.md)");
        let mut md = format!("# {title}\n\n{}\n\n", paragraph(&mut rng, 3));
        for _ in 0..3 + rng.below(3) {
            let (a, b, n) = (rng.pick(WORDS), rng.pick(WORDS), 4 + rng.below(4));
            let _ = writeln!(md, "## {a} {b}\n\n{}\n", paragraph(&mut rng, n));
        }
        std::fs::write(src.join(format!("guide/{id}.md")), md)?;
    }
    std::fs::write(src.join("SUMMARY.md"), summary)?;
    std::fs::write(out.join("book.toml"), toml)?;
    println!("wrote {chapters} chapters to {}", out.display());
    Ok(())
}

/// `synthetic-book` in Cargo's target folder (`CARGO_TARGET_DIR` when set).
fn default_out() -> String {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_string());
    format!("{target}/synthetic-book")
}
