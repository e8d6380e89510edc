//! The Corpus: every provision and section of a book as plain data.
//!
//! It is extracted once, from the chapters as loaded from disk (so line numbers are the
//! file's), and then read by everything downstream: the checks, the preprocessor that
//! numbers provisions and resolves cites, the search index, and the comment targets.
//! Nothing downstream parses Markdown again. `corpus.json` is its public, serialised form.

use std::collections::{HashMap, HashSet};

use mdbook_driver::book::{Book, BookItem};
use mdbook_markdown::MarkdownOptions;
use mdbook_markdown::pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
use serde::{Deserialize, Serialize};

use super::anchors;
use super::marker;
use crate::config::{BookSettings, CodeSettings};
use crate::diagnostic::{Diagnostic, LineIndex};

/// How the `{{#responses id}}` directive of the College's response starts (the
/// `responses` module fills it from the committed consultation summary).
pub const RESPONSES_DIRECTIVE: &str = "{{#responses";

/// Which part of the publication an entry belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// The Code of Practice itself.
    Code,
    /// The public guide, and every chapter of a plain mdBook.
    Guide,
}

impl Part {
    /// The lowercase name used in JSON and URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Part::Code => "code",
            Part::Guide => "guide",
        }
    }
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A numbered paragraph of the Code.
    Provision,
    /// A heading and the text under it that is not a provision.
    Section,
}

/// One provision or section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id: the provision id, the chapter id (`code/sharing`) for a chapter's
    /// top section, or `chapter-id#anchor` for a section under a heading.
    pub id: String,
    /// Provision or section.
    pub kind: EntryKind,
    /// Display number of a provision, e.g. `4.3`.
    pub number: Option<String>,
    /// Code or guide.
    pub part: Part,
    /// The theme's id, for entries of a theme chapter.
    pub theme: Option<String>,
    /// Key aims a provision serves.
    pub aims: Vec<String>,
    /// The chapter's path relative to the book's `src`, e.g. `code/sharing.md`.
    pub source: String,
    /// Line of the entry in its source file.
    pub line: usize,
    /// Page and anchor, relative to the site root, e.g. `code/sharing.html#share-lawful-basis`.
    pub url: String,
    /// The heading the entry sits under (a section's own heading).
    pub title: String,
    /// Where the entry is: part › chapter › heading.
    pub breadcrumb: String,
    /// Plain text, no markup; cites read "paragraph 4.3".
    pub text: String,
    /// The ids this entry cites, in order (empty when it cites nothing).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<String>,
    /// The text with each cite kept as written, `{{#cite id}}`, for comparing two drafts:
    /// a renumbering changes `text` but not this. `None` when the entry cites nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cited_text: Option<String>,
    /// How a provision changed since the published draft the build compares with; set by
    /// the build (see the `drafts` module), absent when there is nothing to compare with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<EntryChange>,
}

/// A provision's change since an earlier published draft, as `corpus.json` carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryChange {
    /// The version of the draft compared with, e.g. `0.1`.
    pub since: String,
    /// `new`, `changed`, `unchanged` or `renumbered`.
    pub status: String,
    /// Its number in that draft, if it had one.
    pub previous_number: Option<String>,
}

/// The kind of a top-level block of a chapter, kept for the plain-language checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading.
    Heading,
    /// A paragraph of prose.
    Paragraph,
    /// One item of a list.
    ListItem,
    /// A block quote.
    Quote,
    /// A table, code block, HTML block or anything else that is not prose.
    Other,
}

/// A top-level block of a chapter with its plain text.
#[derive(Debug, Clone)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Its first line in the source file.
    pub line: usize,
    /// Byte offset of its start in the source file.
    pub start: usize,
    /// Its plain text (cites not yet resolved).
    pub text: String,
    /// Whether the block is only links (a list of links is navigation, not prose).
    pub only_links: bool,
    /// Inline code and links inside `text`, in order.
    pub spans: Vec<Span>,
    /// Where `text` moves to a later line of the source: `(byte offset in text, line)`,
    /// in order, starting with `(0, line)`.
    pub line_starts: Vec<(usize, usize)>,
}

impl Block {
    /// The source line holding byte `offset` of `text`.
    pub fn line_at(&self, offset: usize) -> usize {
        let i = self.line_starts.partition_point(|&(at, _)| at <= offset);
        match i.checked_sub(1).and_then(|i| self.line_starts.get(i)) {
            Some(&(_, line)) => line,
            None => self.line,
        }
    }
}

/// What an inline [`Span`] of a block is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanKind {
    /// An inline code span: not prose.
    Code,
    /// The text of a link, with its destination as written.
    Link(String),
}

/// An inline code span or link text inside a [`Block`]'s text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Code or link.
    pub kind: SpanKind,
    /// Byte range in the block's text.
    pub range: std::ops::Range<usize>,
}

/// A link found in a chapter's source.
#[derive(Debug, Clone)]
pub struct Link {
    /// The destination as written.
    pub dest: String,
    /// Its line.
    pub line: usize,
}

/// A `{{#cite id}}` found in a chapter's source.
#[derive(Debug, Clone)]
pub struct Cite {
    /// The cited provision id.
    pub id: String,
    /// Byte range of the whole `{{#cite …}}` in the source.
    pub range: std::ops::Range<usize>,
    /// Its line.
    pub line: usize,
}

/// A provision's marker as found in the source, for the preprocessor.
#[derive(Debug, Clone)]
pub struct MarkerSite {
    /// The provision id.
    pub id: String,
    /// Byte range of the marker (and one following space) in the source.
    pub range: std::ops::Range<usize>,
    /// Byte offset where the provision's last block ends (paragraph or its list).
    pub end: usize,
}

/// A heading, for the preprocessor and the link check.
#[derive(Debug, Clone)]
pub struct Heading {
    /// The anchor mdBook gives it.
    pub anchor: String,
    /// The level, 1 to 6.
    pub level: u8,
    /// Its plain text.
    pub text: String,
    /// Its line.
    pub line: usize,
    /// Byte offset of the heading's start in the source.
    pub start: usize,
}

/// A chapter of the book, with what the checks and the preprocessor need.
///
/// Only the chapter's identity is written to `corpus.json`; what the checks use (blocks,
/// links, cites, headings) is rebuilt by parsing, and reads back empty.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Chapter {
    /// Path relative to `src`, e.g. `code/sharing.md`.
    pub source: String,
    /// The chapter id: `source` without `.md`.
    pub id: String,
    /// Its title in `SUMMARY.md`.
    pub title: String,
    /// Its page, relative to the site root.
    pub url: String,
    /// Code or guide.
    pub part: Part,
    /// Its number among the Code's chapters (provision numbers start with it).
    pub number: Option<u32>,
    /// The theme or statement id, for provision chapters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provision_chapter: Option<String>,
    /// Title of the SUMMARY part it is in.
    #[serde(skip)]
    pub part_title: Option<String>,
    /// Top-level blocks.
    #[serde(skip)]
    pub blocks: Vec<Block>,
    /// Links.
    #[serde(skip)]
    pub links: Vec<Link>,
    /// Cites.
    #[serde(skip)]
    pub cites: Vec<Cite>,
    /// `{{#responses id}}` directives (see the `responses` module).
    #[serde(skip)]
    pub responses: Vec<Cite>,
    /// Provision markers.
    #[serde(skip)]
    pub markers: Vec<MarkerSite>,
    /// Headings.
    #[serde(skip)]
    pub headings: Vec<Heading>,
    /// Every anchor a link may target on this page.
    #[serde(skip)]
    pub anchors: HashSet<String>,
    /// Byte offset of the end of each section's content (before the next heading).
    #[serde(skip)]
    pub len: usize,
}

/// Every provision and section of a book, plus its chapters.
///
/// It is written to `corpus.json` and reads back from it (the lookup by id is rebuilt on
/// reading), so two drafts' corpora can be compared.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "CorpusFile")]
pub struct Corpus {
    /// The book's title.
    pub title: String,
    /// The draft's version, for a Code.
    pub version: Option<String>,
    /// The draft's status, for a Code.
    pub status: Option<String>,
    /// Chapters in reading order.
    pub chapters: Vec<Chapter>,
    /// Provisions and sections in reading order.
    pub entries: Vec<Entry>,
    /// Index of each entry id in `entries`.
    #[serde(skip)]
    by_id: HashMap<String, usize>,
    /// Index of each chapter source in `chapters`.
    #[serde(skip)]
    by_source: HashMap<String, usize>,
}

/// `corpus.json` as read, before the lookup by id is built.
#[derive(Deserialize)]
struct CorpusFile {
    title: String,
    version: Option<String>,
    status: Option<String>,
    chapters: Vec<Chapter>,
    entries: Vec<Entry>,
}

impl From<CorpusFile> for Corpus {
    fn from(file: CorpusFile) -> Corpus {
        let mut corpus = Corpus {
            title: file.title,
            version: file.version,
            status: file.status,
            chapters: file.chapters,
            entries: file.entries,
            by_id: HashMap::new(),
            by_source: HashMap::new(),
        };
        corpus.reindex();
        corpus
    }
}

impl Corpus {
    /// Reads a corpus written by a build (`corpus.json`).
    pub fn from_json(json: &str) -> Result<Corpus, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The position in [`Corpus::entries`] of the entry with this id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// The chapter with this source path.
    pub fn chapter(&self, source: &str) -> Option<&Chapter> {
        // The index, checked (`chapters` is public, so it may have changed since), else a
        // scan.
        self.by_source
            .get(source)
            .and_then(|&i| self.chapters.get(i))
            .filter(|c| c.source == source)
            .or_else(|| self.chapters.iter().find(|c| c.source == source))
    }

    /// What is wrong with a `{{#cite id}}` of `id` (as parsed: empty when malformed) in
    /// this corpus, if anything: a cite must name a provision.
    pub fn cite_problem(&self, id: &str) -> Option<String> {
        if id.is_empty() {
            return Some("malformed cite: write `{{#cite provision-id}}` on one line".to_string());
        }
        let known = self.get(id).is_some_and(|e| e.kind == EntryKind::Provision);
        (!known).then(|| format!("cite to unknown provision id `{id}`"))
    }

    /// All provisions.
    pub fn provisions(&self) -> impl Iterator<Item = &Entry> {
        self.entries
            .iter()
            .filter(|e| e.kind == EntryKind::Provision)
    }

    /// The entry with this id, to annotate (the index is unchanged).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Entry> {
        self.by_id.get(id).map(|&i| &mut self.entries[i])
    }

    /// Rebuilds the id index after `entries` changed.
    fn reindex(&mut self) {
        self.by_id = HashMap::with_capacity(self.entries.len());
        for (i, e) in self.entries.iter().enumerate() {
            // The first of duplicate ids wins; the check reports the rest.
            self.by_id.entry(e.id.clone()).or_insert(i);
        }
        self.by_source = HashMap::with_capacity(self.chapters.len());
        for (i, c) in self.chapters.iter().enumerate() {
            self.by_source.entry(c.source.clone()).or_insert(i);
        }
    }
}

/// The page a chapter source renders to: `x.md` → `x.html`, `README.md` → `index.html`.
pub fn page_url(source: &str) -> String {
    let (dir, file) = match source.rfind('/') {
        Some(i) => (&source[..=i], &source[i + 1..]),
        None => ("", source),
    };
    let stem = file.strip_suffix(".md").unwrap_or(file);
    if stem.eq_ignore_ascii_case("readme") {
        format!("{dir}index.html")
    } else {
        format!("{dir}{stem}.html")
    }
}

/// The Markdown options mdBook's HTML renderer will use for this book.
pub fn markdown_options(settings: &BookSettings) -> MarkdownOptions {
    let html = settings.mdbook.html_config().unwrap_or_default();
    let mut opts = MarkdownOptions::default();
    opts.smart_punctuation = html.smart_punctuation;
    opts.definition_lists = html.definition_lists;
    opts.admonitions = html.admonitions;
    opts
}

/// Extracts the corpus of a loaded (not yet preprocessed) book, and the findings that
/// only parsing can make: paragraphs without an id, malformed markers, unknown aims,
/// duplicate ids.
pub fn extract(settings: &BookSettings, book: &Book) -> (Corpus, Vec<Diagnostic>) {
    let opts = markdown_options(settings);
    let code = settings.code.as_ref();
    let mut diagnostics = Vec::new();
    let mut corpus = Corpus {
        title: settings.title.clone(),
        version: code.map(|c| c.version.clone()),
        status: code.map(|c| c.status.clone()),
        ..Corpus::default()
    };
    let mut part_title: Option<String> = None;
    let mut after_rule = false;
    let mut code_chapters = 0u32;
    for item in book.iter() {
        let ch = match item {
            BookItem::PartTitle(t) => {
                part_title = Some(t.clone());
                after_rule = false;
                continue;
            }
            BookItem::Separator => {
                after_rule = true;
                continue;
            }
            BookItem::Chapter(ch) => ch,
        };
        // Unnumbered chapters after a rule (mdBook's suffix chapters: the glossary) stand
        // outside every part, as the contents show them.
        if after_rule && ch.number.is_none() {
            part_title = None;
        }
        let Some(path) = ch.source_path.as_ref().or(ch.path.as_ref()) else {
            continue; // a draft chapter: listed in SUMMARY.md with no file
        };
        let source = path.to_string_lossy().replace('\\', "/");
        let part = match code {
            Some(c) if c.is_code(&source) => Part::Code,
            _ => Part::Guide,
        };
        let number = (part == Part::Code).then(|| {
            code_chapters += 1;
            code_chapters
        });
        let ctx = ChapterContext {
            settings,
            code,
            source: &source,
            file: settings.src_dir.join(&source),
            title: &ch.name,
            part,
            number,
            part_title: part_title.as_deref(),
        };
        let (chapter, entries, found) = ChapterParser::new(&ctx, &ch.content).parse(&opts);
        diagnostics.extend(found);
        corpus.chapters.push(chapter);
        corpus.entries.extend(entries);
    }
    check_duplicates(settings, &corpus, &mut diagnostics);
    corpus.reindex();
    resolve_cites(&mut corpus);
    (corpus, diagnostics)
}

struct ChapterContext<'a> {
    settings: &'a BookSettings,
    code: Option<&'a CodeSettings>,
    source: &'a str,
    file: std::path::PathBuf,
    title: &'a str,
    part: Part,
    number: Option<u32>,
    part_title: Option<&'a str>,
}

/// A block being collected.
struct Open {
    kind: BlockKind,
    start: usize,
    text: String,
    links: usize,
    words_outside_links: bool,
    heading: Option<(u8, Option<String>)>,
    in_link: usize,
    inline: Inline,
}

/// A top-level list item being collected (its list is the [`Open`] block).
struct OpenItem {
    start: usize,
    text: String,
    links: usize,
    words_outside_links: bool,
    inline: Inline,
}

/// Inline spans and line starts of a text being collected.
#[derive(Default)]
struct Inline {
    spans: Vec<Span>,
    open_links: Vec<(usize, String)>,
    line_starts: Vec<(usize, usize)>,
}

impl Inline {
    /// Notes that `text` continues at `line` from its current end.
    fn mark_line(&mut self, text: &str, line: usize) {
        if self.line_starts.last().map(|&(_, l)| l) != Some(line) {
            self.line_starts.push((text.len(), line));
        }
    }

    /// Adds `t` to `text`, recording a code span if it is one.
    fn push(&mut self, text: &mut String, t: &str, line: usize, code: bool) {
        self.mark_line(text, line);
        let start = text.len();
        text.push_str(t);
        if code {
            self.spans.push(Span {
                kind: SpanKind::Code,
                range: start..text.len(),
            });
        }
    }

    fn link_start(&mut self, text: &str, dest: &str) {
        self.open_links.push((text.len(), dest.to_string()));
    }

    fn link_end(&mut self, text: &str) {
        if let Some((start, dest)) = self.open_links.pop() {
            self.spans.push(Span {
                kind: SpanKind::Link(dest),
                range: start..text.len(),
            });
        }
    }

    /// The block text (trimmed if asked), its spans and its line starts, with `line` as
    /// its first line.
    fn finish(
        &self,
        text: &str,
        line: usize,
        trim: bool,
    ) -> (String, Vec<Span>, Vec<(usize, usize)>) {
        let (lead, trimmed) = if trim {
            (text.len() - text.trim_start().len(), text.trim())
        } else {
            (0, text)
        };
        let shift = |at: usize| at.saturating_sub(lead).min(trimmed.len());
        let mut spans: Vec<Span> = self
            .spans
            .iter()
            .map(|s| Span {
                kind: s.kind.clone(),
                range: shift(s.range.start)..shift(s.range.end),
            })
            .collect();
        spans.sort_by_key(|s| s.range.start);
        let mut line_starts = vec![(0, line)];
        for &(at, l) in &self.line_starts {
            let at = shift(at);
            let Some(last) = line_starts.last_mut() else {
                continue;
            };
            if l <= last.1 {
                continue;
            }
            if last.0 == at {
                last.1 = l;
            } else {
                line_starts.push((at, l));
            }
        }
        (trimmed.to_string(), spans, line_starts)
    }
}

/// What the previous top-level block was, to attach a list to its provision.
#[derive(PartialEq)]
enum Prev {
    Provision,
    Other,
}

/// Parses one chapter into its [`Chapter`] and entries, one Markdown event at a time.
///
/// Top-level blocks are collected as they open and are finished when they close: a heading
/// starts a section, a marked paragraph of a provision chapter is a provision, a list
/// right after a provision belongs to it, anything else is text of the current section.
struct ChapterParser<'a> {
    ctx: &'a ChapterContext<'a>,
    content: &'a str,
    lines: LineIndex,
    diagnostics: Vec<Diagnostic>,
    chapter: Chapter,
    /// The chapter's own section first, then one per sub-heading.
    sections: Vec<Entry>,
    provisions: Vec<Entry>,
    used_anchors: HashSet<String>,
    seen_h1: bool,
    prev: Prev,
    theme: Option<String>,
    provision_chapter: Option<&'a crate::config::ProvisionChapter>,
    part_label: &'a str,
    /// Nesting depth of the current event.
    depth: usize,
    /// The top-level block being collected.
    open: Option<Open>,
    /// The top-level list item being collected.
    item: Option<OpenItem>,
    list_depth: usize,
}

impl<'a> ChapterParser<'a> {
    fn new(ctx: &'a ChapterContext<'a>, content: &'a str) -> ChapterParser<'a> {
        let lines = LineIndex::new(content);
        let id = ctx
            .source
            .strip_suffix(".md")
            .unwrap_or(ctx.source)
            .to_string();
        let url = page_url(ctx.source);
        let provision_chapter = ctx.code.and_then(|c| c.provision_chapter(ctx.source));
        let theme = provision_chapter.and_then(|(pc, is_theme)| is_theme.then(|| pc.id.clone()));
        let part_label = ctx.part_title.unwrap_or(ctx.settings.title.as_str());
        let chapter = Chapter {
            source: ctx.source.to_string(),
            id: id.clone(),
            title: ctx.title.to_string(),
            url: url.clone(),
            part: ctx.part,
            number: ctx.number,
            provision_chapter: provision_chapter.map(|(pc, _)| pc.id.clone()),
            part_title: ctx.part_title.map(str::to_string),
            blocks: Vec::new(),
            links: Vec::new(),
            cites: find_cites(content, &lines),
            responses: find_directives(content, &lines, RESPONSES_DIRECTIVE),
            markers: Vec::new(),
            headings: Vec::new(),
            anchors: HashSet::new(),
            len: content.len(),
        };
        // The chapter's own section, which collects text until the first sub-heading.
        let top = Entry {
            id,
            kind: EntryKind::Section,
            number: None,
            part: ctx.part,
            theme: theme.clone(),
            aims: Vec::new(),
            source: ctx.source.to_string(),
            line: 1,
            url,
            title: ctx.title.to_string(),
            breadcrumb: format!("{part_label} › {}", ctx.title),
            text: String::new(),
            cites: Vec::new(),
            cited_text: None,
            change: None,
        };
        ChapterParser {
            ctx,
            content,
            lines,
            diagnostics: Vec::new(),
            chapter,
            sections: vec![top],
            provisions: Vec::new(),
            used_anchors: HashSet::new(),
            seen_h1: false,
            prev: Prev::Other,
            theme,
            provision_chapter: provision_chapter.map(|(pc, _)| pc),
            part_label,
            depth: 0,
            open: None,
            item: None,
            list_depth: 0,
        }
    }

    /// Parses the whole chapter: the chapter, its entries in reading order, and findings.
    fn parse(mut self, opts: &MarkdownOptions) -> (Chapter, Vec<Entry>, Vec<Diagnostic>) {
        let parser = mdbook_markdown::new_cmark_parser(self.content, opts).into_offset_iter();
        for (event, range) in parser {
            self.event(event, range);
        }
        self.finish()
    }

    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) {
        match event {
            Event::Start(tag) => self.start(&tag, range.start),
            Event::End(end) => self.end(end, range.end),
            Event::Text(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.text(&t, range.start, false);
            }
            Event::Code(t) => self.text(&t, range.start, true),
            Event::SoftBreak | Event::HardBreak => {
                push_space(self.open.as_mut());
                if let Some(item) = self.item.as_mut() {
                    item.text.push(' ');
                }
            }
            Event::Html(_) | Event::InlineHtml(_) if self.depth == 0 => {
                self.html_block(range.start);
            }
            _ => {}
        }
    }

    fn text(&mut self, t: &str, at: usize, code: bool) {
        let line = self.lines.line(at);
        push_text(self.open.as_mut(), self.item.as_mut(), t, line, code);
    }

    /// A top-level HTML block: not prose, not a provision.
    fn html_block(&mut self, at: usize) {
        let line = self.lines.line(at);
        self.chapter.blocks.push(Block {
            kind: BlockKind::Other,
            line,
            start: at,
            text: String::new(),
            only_links: false,
            spans: Vec::new(),
            line_starts: vec![(0, line)],
        });
        self.prev = Prev::Other;
    }

    fn start(&mut self, tag: &Tag<'_>, at: usize) {
        if let Tag::Link { dest_url, .. } = tag {
            self.link_start(dest_url, at);
        }
        if self.depth == 0 {
            self.open_block(tag, at);
        } else if matches!(tag, Tag::Item)
            && self
                .open
                .as_ref()
                .is_some_and(|o| o.kind == BlockKind::ListItem)
        {
            self.list_depth += 1;
            push_space(self.open.as_mut());
            if self.list_depth == 1 {
                self.item = Some(OpenItem {
                    start: at,
                    text: String::new(),
                    links: 0,
                    words_outside_links: false,
                    inline: Inline::default(),
                });
            } else {
                push_item_space(self.item.as_mut());
            }
        } else if matches!(
            tag,
            Tag::Paragraph | Tag::Item | Tag::TableCell | Tag::TableRow
        ) {
            push_space(self.open.as_mut());
            push_item_space(self.item.as_mut());
        }
        self.depth += 1;
    }

    fn link_start(&mut self, dest: &str, at: usize) {
        self.chapter.links.push(Link {
            dest: dest.to_string(),
            line: self.lines.line(at),
        });
        if let Some(o) = self.open.as_mut() {
            o.links += 1;
            o.in_link += 1;
            o.inline.link_start(&o.text, dest);
        }
        if let Some(item) = self.item.as_mut() {
            item.links += 1;
            item.inline.link_start(&item.text, dest);
        }
    }

    fn open_block(&mut self, tag: &Tag<'_>, at: usize) {
        let (kind, heading) = match tag {
            Tag::Heading { level, id, .. } => (
                BlockKind::Heading,
                Some((heading_level(*level), id.as_ref().map(|s| s.to_string()))),
            ),
            Tag::Paragraph => (BlockKind::Paragraph, None),
            Tag::List(_) => (BlockKind::ListItem, None),
            Tag::BlockQuote(_) => (BlockKind::Quote, None),
            _ => (BlockKind::Other, None),
        };
        self.open = Some(Open {
            kind,
            start: at,
            text: String::new(),
            links: 0,
            words_outside_links: false,
            heading,
            in_link: 0,
            inline: Inline::default(),
        });
    }

    fn end(&mut self, end: TagEnd, block_end: usize) {
        self.depth = self.depth.saturating_sub(1);
        match end {
            TagEnd::Link => {
                if let Some(o) = self.open.as_mut() {
                    o.in_link = o.in_link.saturating_sub(1);
                    o.inline.link_end(&o.text);
                }
                if let Some(item) = self.item.as_mut() {
                    item.inline.link_end(&item.text);
                }
            }
            TagEnd::Item if self.list_depth > 0 => {
                self.list_depth -= 1;
                if self.list_depth == 0
                    && let Some(item) = self.item.take()
                {
                    self.finish_item(item);
                }
            }
            _ => {}
        }
        if self.depth == 0
            && let Some(block) = self.open.take()
        {
            self.finish_block(block, block_end);
        }
    }

    /// A top-level list item is a block of its own, for the plain-language checks.
    fn finish_item(&mut self, item: OpenItem) {
        let line = self.lines.line(item.start);
        let (text, spans, line_starts) = item.inline.finish(&item.text, line, true);
        self.chapter.blocks.push(Block {
            kind: BlockKind::ListItem,
            line,
            start: item.start,
            text,
            only_links: item.links > 0 && !item.words_outside_links,
            spans,
            line_starts,
        });
    }

    fn finish_block(&mut self, block: Open, block_end: usize) {
        let line = self.lines.line(block.start);
        match block.kind {
            BlockKind::Heading => self.heading(block, line),
            BlockKind::Paragraph if self.provision_chapter.is_some() => {
                self.code_paragraph(block, line, block_end);
            }
            BlockKind::ListItem => {
                // Items were recorded as blocks as they closed.
                if self.prev == Prev::Provision
                    && let Some(p) = self.provisions.last_mut()
                {
                    p.text.push(' ');
                    p.text.push_str(&block.text);
                    if let Some(site) = self.chapter.markers.last_mut() {
                        site.end = block_end;
                    }
                } else {
                    append(&mut self.sections, &block.text);
                }
            }
            kind => {
                let (text, spans, line_starts) = block.inline.finish(&block.text, line, false);
                self.chapter.blocks.push(Block {
                    kind,
                    line,
                    start: block.start,
                    text,
                    only_links: block.links > 0 && !block.words_outside_links,
                    spans,
                    line_starts,
                });
                append(&mut self.sections, &block.text);
                self.prev = Prev::Other;
            }
        }
    }

    /// A heading: the chapter's title, or a new section.
    fn heading(&mut self, block: Open, line: usize) {
        let (level, explicit) = block.heading.clone().unwrap_or((1, None));
        let text = block.text.trim().to_string();
        let anchor = match explicit {
            Some(id) => id,
            None => anchors::unique_id(&anchors::id_from_content(&text), &mut self.used_anchors),
        };
        self.chapter.anchors.insert(anchor.clone());
        self.chapter.headings.push(Heading {
            anchor: anchor.clone(),
            level,
            text: text.clone(),
            line,
            start: block.start,
        });
        let (_, spans, line_starts) = block.inline.finish(&block.text, line, true);
        self.chapter.blocks.push(Block {
            kind: BlockKind::Heading,
            line,
            start: block.start,
            text: text.clone(),
            only_links: false,
            spans,
            line_starts,
        });
        self.prev = Prev::Other;
        if level == 1 && !self.seen_h1 {
            // The chapter's title heading: its section is the chapter's own.
            self.seen_h1 = true;
            if let Some(top) = self.sections.first_mut() {
                top.title = text;
                top.line = line;
            }
            return;
        }
        let ctx = self.ctx;
        self.sections.push(Entry {
            id: format!("{}#{anchor}", self.chapter.id),
            kind: EntryKind::Section,
            number: None,
            part: ctx.part,
            theme: self.theme.clone(),
            aims: Vec::new(),
            source: ctx.source.to_string(),
            line,
            url: format!("{}#{anchor}", self.chapter.url),
            title: text.clone(),
            breadcrumb: format!("{} › {} › {text}", self.part_label, ctx.title),
            text: String::new(),
            cites: Vec::new(),
            cited_text: None,
            change: None,
        });
    }

    /// A paragraph of a provision chapter: a provision if it starts with a marker.
    fn code_paragraph(&mut self, block: Open, line: usize, block_end: usize) {
        let (text, spans, line_starts) = block.inline.finish(&block.text, line, false);
        self.chapter.blocks.push(Block {
            kind: BlockKind::Paragraph,
            line,
            start: block.start,
            text,
            only_links: false,
            spans,
            line_starts,
        });
        let source_text = &self.content[block.start..block_end];
        for (offset, id) in marker::inner_markers(source_text) {
            self.diagnostics.push(Diagnostic::error(
                &self.ctx.file,
                line + offset,
                "marker-not-at-paragraph-start",
                format!(
                    "id marker `{{#{id}}}` is not at the start of a paragraph, so it would show as text: leave a blank line before it"
                ),
            ));
        }
        match marker::parse(source_text) {
            Some(Ok(m)) => self.provision(m, &block, line, block_end),
            Some(Err(e)) => {
                self.diagnostics.push(Diagnostic::error(
                    &self.ctx.file,
                    line,
                    "bad-marker",
                    e.to_string(),
                ));
                self.prev = Prev::Other;
            }
            None => {
                let pc = self
                    .provision_chapter
                    .map(|p| p.title.as_str())
                    .unwrap_or_default();
                self.diagnostics.push(Diagnostic::error(
                    &self.ctx.file,
                    line,
                    "missing-id",
                    format!(
                        "paragraph of `{pc}` has no provision id: start it with a marker such as `{{#some-id aims=…}}` (run `copbook ids` to add them)"
                    ),
                ));
                append(&mut self.sections, &block.text);
                self.prev = Prev::Other;
            }
        }
    }

    /// A marked paragraph: a numbered provision.
    fn provision(&mut self, m: marker::Marker, block: &Open, line: usize, block_end: usize) {
        let ctx = self.ctx;
        let text = strip_marker_text(&block.text);
        let number = ctx
            .number
            .map(|n| format!("{n}.{}", self.provisions.len() + 1));
        if let Some(code) = ctx.code {
            for aim in &m.aims {
                if !code.aims.iter().any(|a| &a.id == aim) {
                    let known: Vec<&str> = code.aims.iter().map(|a| a.id.as_str()).collect();
                    self.diagnostics.push(Diagnostic::error(
                        &ctx.file,
                        line,
                        "unknown-aim",
                        format!(
                            "provision `{}` names unknown key aim `{aim}` in aims= (known aims: {})",
                            m.id,
                            known.join(", ")
                        ),
                    ));
                }
            }
        }
        self.chapter.markers.push(MarkerSite {
            id: m.id.clone(),
            range: block.start..block.start + m.len,
            end: block_end,
        });
        let current_heading = self
            .sections
            .last()
            .map(|s| s.title.clone())
            .unwrap_or_default();
        let breadcrumb = if current_heading == ctx.title {
            format!("{} › {}", self.part_label, ctx.title)
        } else {
            format!("{} › {} › {current_heading}", self.part_label, ctx.title)
        };
        let url = format!("{}#{}", self.chapter.url, m.id);
        self.provisions.push(Entry {
            id: m.id,
            kind: EntryKind::Provision,
            number,
            part: ctx.part,
            theme: self.theme.clone(),
            aims: m.aims,
            source: ctx.source.to_string(),
            line,
            url,
            title: current_heading,
            breadcrumb,
            text,
            cites: Vec::new(),
            cited_text: None,
            change: None,
        });
        self.prev = Prev::Provision;
    }

    /// The chapter and its entries in reading order (the chapter's own section first).
    fn finish(mut self) -> (Chapter, Vec<Entry>, Vec<Diagnostic>) {
        for p in &self.provisions {
            self.chapter.anchors.insert(p.id.clone());
        }
        let mut entries = Vec::with_capacity(self.sections.len() + self.provisions.len());
        let provision_chapter = self.provision_chapter.is_some();
        let mut sections = self.sections.into_iter();
        if let Some(top) = sections.next() {
            entries.push(top);
        }
        let mut rest: Vec<Entry> = sections
            .filter(|s| !s.text.trim().is_empty() || !provision_chapter)
            .chain(self.provisions)
            .collect();
        rest.sort_by_key(|e| e.line);
        entries.extend(rest);
        for e in &mut entries {
            e.text = normalise_space(&e.text);
        }
        (self.chapter, entries, self.diagnostics)
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Adds a text or code event to the open block and to the open list item.
fn push_text(
    open: Option<&mut Open>,
    item: Option<&mut OpenItem>,
    t: &str,
    line: usize,
    code: bool,
) {
    let words = t.chars().any(char::is_alphanumeric);
    let mut outside_links = true;
    if let Some(o) = open {
        o.inline.push(&mut o.text, t, line, code);
        outside_links = o.in_link == 0;
        if outside_links && words {
            o.words_outside_links = true;
        }
    }
    if let Some(item) = item {
        item.inline.push(&mut item.text, t, line, code);
        if outside_links && words {
            item.words_outside_links = true;
        }
    }
}

/// Separates the blocks nested in a list item (paragraphs, sub-items) by a space.
fn push_item_space(item: Option<&mut OpenItem>) {
    if let Some(item) = item
        && !item.text.is_empty()
        && !item.text.ends_with(' ')
    {
        item.text.push(' ');
    }
}

fn push_space(open: Option<&mut Open>) {
    if let Some(o) = open
        && !o.text.ends_with(' ')
        && !o.text.is_empty()
    {
        o.text.push(' ');
    }
}

fn append(sections: &mut [Entry], text: &str) {
    if let Some(s) = sections.last_mut() {
        if !s.text.is_empty() {
            s.text.push(' ');
        }
        s.text.push_str(text);
    }
}

/// Removes the `{#…}` marker from the start of a provision's plain text.
fn strip_marker_text(text: &str) -> String {
    match text
        .strip_prefix("{#")
        .and_then(|rest| rest.find('}').map(|i| &rest[i + 1..]))
    {
        Some(rest) => rest.trim_start().to_string(),
        None => text.to_string(),
    }
}

fn normalise_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds every `{{#cite id}}` in a chapter's source.
pub fn find_cites(content: &str, lines: &LineIndex) -> Vec<Cite> {
    find_directives(content, lines, "{{#cite")
}

/// Finds every `{{#name id}}` in a chapter's source, `opening` being `{{#name`; an
/// opening not closed on its line is found with an empty id.
pub fn find_directives(content: &str, lines: &LineIndex, opening: &str) -> Vec<Cite> {
    let mut cites = Vec::new();
    let mut from = 0;
    while let Some(i) = content[from..].find(opening) {
        let start = from + i;
        let after = start + opening.len();
        match content[after..].find("}}") {
            Some(j) if !content[after..after + j].contains('\n') => {
                let id = content[after..after + j].trim().to_string();
                cites.push(Cite {
                    id,
                    range: start..after + j + 2,
                    line: lines.line(start),
                });
                from = after + j + 2;
            }
            _ => {
                cites.push(Cite {
                    id: String::new(),
                    range: start..after,
                    line: lines.line(start),
                });
                from = after;
            }
        }
    }
    cites
}

fn check_duplicates(settings: &BookSettings, corpus: &Corpus, diagnostics: &mut Vec<Diagnostic>) {
    let mut first: HashMap<&str, &Entry> = HashMap::new();
    for e in corpus.provisions() {
        if let Some(prev) = first.get(e.id.as_str()) {
            diagnostics.push(Diagnostic::error(
                settings.src_dir.join(&e.source),
                e.line,
                "duplicate-id",
                format!(
                    "duplicate provision id `{}`: already used at {}:{}",
                    e.id,
                    settings.src_dir.join(&prev.source).display(),
                    prev.line
                ),
            ));
        } else {
            first.insert(&e.id, e);
        }
    }
}

impl Corpus {
    /// A translation's cites read as its pages show them ("paragraff 7.6" rather than
    /// "paragraph ?"): numbered from the source language's corpus where the translation
    /// does not have the paragraph (the Code may be in one language only), in the words
    /// `cite_text` gives for a number.
    pub fn read_cites_from(&mut self, source: &Corpus, cite_text: impl Fn(Option<&str>) -> String) {
        let numbers: HashMap<String, String> = source
            .provisions()
            .chain(self.provisions())
            .filter_map(|p| p.number.clone().map(|n| (p.id.clone(), n)))
            .collect();
        for e in &mut self.entries {
            let Some(original) = e.cited_text.as_deref() else {
                continue;
            };
            let lines = LineIndex::new(original);
            let mut out = String::with_capacity(original.len());
            let mut last = 0;
            for c in find_cites(original, &lines) {
                out.push_str(&original[last..c.range.start]);
                out.push_str(&cite_text(numbers.get(&c.id).map(String::as_str)));
                last = c.range.end;
            }
            out.push_str(&original[last..]);
            e.text = out;
        }
    }
}

/// Replaces `{{#cite id}}` in entry texts by "paragraph N".
fn resolve_cites(corpus: &mut Corpus) {
    let numbers: HashMap<String, String> = corpus
        .provisions()
        .filter_map(|p| p.number.clone().map(|n| (p.id.clone(), n)))
        .collect();
    for e in &mut corpus.entries {
        // The College's response's counts are not text to search or compare.
        if e.text.contains(RESPONSES_DIRECTIVE) {
            let lines = LineIndex::new(&e.text);
            let found = find_directives(&e.text, &lines, RESPONSES_DIRECTIVE);
            let mut out = String::with_capacity(e.text.len());
            let mut last = 0;
            for d in found {
                out.push_str(&e.text[last..d.range.start]);
                last = d.range.end;
            }
            out.push_str(&e.text[last..]);
            e.text = normalise_space(&out);
        }
        if !e.text.contains("{{#cite") {
            continue;
        }
        let lines = LineIndex::new(&e.text);
        let cites = find_cites(&e.text, &lines);
        let mut out = String::with_capacity(e.text.len());
        let mut last = 0;
        e.cites = cites.iter().map(|c| c.id.clone()).collect();
        for c in cites {
            out.push_str(&e.text[last..c.range.start]);
            match numbers.get(&c.id) {
                Some(n) => {
                    out.push_str("paragraph ");
                    out.push_str(n);
                }
                None => out.push_str("paragraph ?"),
            }
            last = c.range.end;
        }
        out.push_str(&e.text[last..]);
        e.cited_text = Some(std::mem::replace(&mut e.text, out));
    }
}
