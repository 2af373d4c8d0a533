//! From lines to paragraphs.
//!
//! Owns the reading of a plain-text review as its PDF-to-text conversion left
//! it: blocks of lines separated by blank (or whitespace-only) lines; inside a
//! block, list items, table rows and indented lines start paragraphs of their
//! own while hard-wrapped lines are joined. Each paragraph gets a [`Role`]:
//! footnotes, tables of contents, captions, page numbers, comments and
//! `Recommendation N` labels are recognised here, footnotes are set aside, and
//! paragraphs split by a page break are re-joined across them (in that order,
//! so a footnote is never glued into the sentence it interrupts).
//! Headings are decided later, by `sections`, from the standalone paragraphs.

use std::sync::LazyLock;

use regex::Regex;

use crate::text::{MappedText, is_superscript_digit, normalise_into};

/// What a paragraph is, as far as layout can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Running text (headings are prose until `sections` says otherwise).
    Prose,
    /// A bulleted or numbered list item; see [`Paragraph::marker`].
    ListItem,
    /// A tab-separated row of a table.
    TableRow,
    /// A section heading (set by `sections`).
    Heading,
    /// A `Recommendation 3` / `Learning point 2` line introducing the next paragraph.
    ItemLabel,
    /// A footnote, set aside from the text it annotates.
    Footnote,
    /// The heading or an entry of a table of contents.
    Contents,
    /// A figure or table caption.
    Caption,
    /// A page number or a repeat of the document title (running header).
    PageFurniture,
    /// A line holding only a link or URL.
    Link,
    /// An HTML comment or a revlens directive line.
    Comment,
}

impl Role {
    /// Whether rules may look at this paragraph.
    pub fn is_content(self) -> bool {
        matches!(
            self,
            Role::Prose | Role::ListItem | Role::TableRow | Role::Heading | Role::Caption
        )
    }
}

/// The marker that opens a list item or numbered row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Marker {
    /// A bullet character (`-`, `•`, `*`, …), if any.
    pub bullet: Option<char>,
    /// The item number or letter as written (`3`, `1a`, `iv`, `b`), if any.
    pub number: Option<String>,
}

/// One paragraph of a document.
#[derive(Debug, Clone)]
pub struct Paragraph {
    pub role: Role,
    /// 1-based line numbers of the first and last source lines.
    pub first_line: usize,
    pub last_line: usize,
    /// Normalised text (marker removed), mapped back to the document.
    pub text: MappedText,
    pub marker: Option<Marker>,
    /// Nesting of list items: 0 at the margin, 1 when indented.
    pub depth: u8,
    /// The paragraph is a whole block: blank lines (or the block's end) around it.
    pub standalone: bool,
    /// Its block goes on with list items or table rows right after this line
    /// (a heading followed by its list without a blank line).
    pub leads_block: bool,
    /// It was continued across a page break.
    pub rejoined: bool,
    /// Index of the section it belongs to (set by `sections`).
    pub section: usize,
}

impl Paragraph {
    pub fn as_str(&self) -> &str {
        self.text.as_str()
    }

    pub fn word_count(&self) -> usize {
        crate::text::words_up_to(self.as_str(), usize::MAX)
    }

    /// [`Paragraph::word_count`], counting no further than `limit`: enough
    /// to compare with a threshold without reading a long paragraph to its
    /// end.
    pub fn words_up_to(&self, limit: usize) -> usize {
        crate::text::words_up_to(self.as_str(), limit)
    }
}

/// One entry of a table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    pub title: String,
    /// The entry was set in italics (`<i>…</i>`): a figure, not a section.
    pub italic: bool,
    pub line: usize,
}

/// The paragraphs of a document plus its table of contents.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub paragraphs: Vec<Paragraph>,
    pub toc: Vec<TocEntry>,
}

/// Whether the source is Markdown (headings marked with `#`, HTML comments)
/// or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    PlainText,
    Markdown,
}

struct RawLine<'a> {
    number: usize,
    start: usize,
    text: &'a str,
}

/// Splits `text` into paragraphs.
pub fn layout(text: &str, flavour: Flavour) -> Layout {
    let lines = raw_lines(text);
    let mut paragraphs = Vec::new();
    let mut in_comment = false;
    let mut block: Vec<&RawLine> = Vec::new();
    for line in &lines {
        if flavour == Flavour::Markdown
            && (in_comment || line.text.trim_start().starts_with("<!--"))
        {
            // Whole-line HTML comments (and multi-line ones) are comments.
            flush_block(text, &mut block, &mut paragraphs, flavour);
            in_comment = !line.text.contains("-->");
            paragraphs.push(single(text, line, Role::Comment));
            continue;
        }
        if line.text.trim().is_empty() {
            flush_block(text, &mut block, &mut paragraphs, flavour);
        } else {
            block.push(line);
        }
    }
    flush_block(text, &mut block, &mut paragraphs, flavour);

    let toc = mark_contents(&mut paragraphs, &lines);
    mark_footnote_runs(&mut paragraphs);
    rejoin_page_breaks(&mut paragraphs);
    Layout { paragraphs, toc }
}

fn raw_lines(text: &str) -> Vec<RawLine<'_>> {
    let mut out = Vec::with_capacity(text.len() / 80 + 1);
    let mut start = 0;
    // The pieces `split('\n')` gives, with the newlines found by a vector
    // search (the splitting iterator's own search was slower).
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
    for (number, end) in ends.enumerate() {
        out.push(RawLine {
            number: number + 1,
            start,
            text: &text[start..end],
        });
        start = end + 1;
    }
    if text.ends_with('\n') {
        out.pop();
    }
    out
}

fn single(text: &str, line: &RawLine, role: Role) -> Paragraph {
    let mut p = new_paragraph(text, line, role);
    p.standalone = true;
    p
}

fn new_paragraph(text: &str, line: &RawLine, role: Role) -> Paragraph {
    let mut mapped = MappedText::new();
    normalise_into(&mut mapped, text, line.start..line.start + line.text.len());
    mapped.trim_end();
    Paragraph {
        role,
        first_line: line.number,
        last_line: line.number,
        text: mapped,
        marker: None,
        depth: 0,
        standalone: false,
        leads_block: false,
        rejoined: false,
        section: 0,
    }
}

/// Turns one block (consecutive non-blank lines) into paragraphs.
fn flush_block(text: &str, block: &mut Vec<&RawLine>, out: &mut Vec<Paragraph>, flavour: Flavour) {
    if block.is_empty() {
        return;
    }
    let first = out.len();
    let mut footnote_block = false;
    for (k, line) in block.iter().enumerate() {
        let kind = classify_line(line.text, flavour);
        let has_prev = out.len() > first;
        let prev = out.last_mut().filter(|_| has_prev);
        match (kind, prev) {
            (LineKind::Continuation, Some(prev)) if continues_paragraph(prev, line.text) => {
                append_line(text, prev, line);
            }
            (LineKind::Indented, Some(prev))
                if prev.role == Role::ListItem || prev.role == Role::Footnote =>
            {
                append_line(text, prev, line);
            }
            (kind, _) => {
                let mut p = new_paragraph(text, line, Role::Prose);
                apply_kind(&mut p, kind, line.text);
                if k == 0 && p.role == Role::Footnote {
                    footnote_block = true;
                }
                if footnote_block && p.role == Role::Prose {
                    // a line inside a footnote block (a wrapped link, say)
                    p.role = Role::Footnote;
                }
                out.push(p);
            }
        }
    }
    let made = out.len() - first;
    if made == 1 {
        out[first].standalone = true;
    } else if made > 1 {
        let rest_is_items = out[first + 1..]
            .iter()
            .all(|p| matches!(p.role, Role::ListItem | Role::TableRow));
        if rest_is_items
            && out[first].role == Role::Prose
            && out[first].first_line == out[first].last_line
        {
            out[first].leads_block = true;
        }
    }
    // Plain-digit footnotes: a block whose every line is `N text`, numbered
    // 1, 2, 3… (the Joe timeline's notes) is footnotes, not a list.
    if made >= 2 && is_plain_digit_footnote_block(block) {
        for p in &mut out[first..] {
            p.role = Role::Footnote;
            p.marker = None;
        }
    }
    block.clear();
}

/// Whether an unmarked line at the margin carries on the paragraph before it
/// (a hard wrap) rather than starting a new one.
fn continues_paragraph(prev: &Paragraph, line: &str) -> bool {
    match prev.role {
        Role::Prose | Role::Footnote | Role::Caption => true,
        // Markdown's lazy continuation of a list item, but not a new
        // paragraph after a finished item.
        Role::ListItem => {
            !ends_sentence(prev.as_str())
                || line
                    .trim_start()
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
        }
        _ => false,
    }
}

fn append_line(text: &str, prev: &mut Paragraph, line: &RawLine) {
    let mut more = MappedText::new();
    normalise_into(&mut more, text, line.start..line.start + line.text.len());
    more.trim_end();
    prev.text.push_mapped(&more, line.start.saturating_sub(1));
    prev.last_line = line.number;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    /// Ordinary text at the margin: joins the paragraph before it.
    Continuation,
    /// Indented text without a marker.
    Indented,
    Bullet {
        indent: u8,
    },
    Numbered {
        indent: u8,
    },
    TableRow,
    Footnote,
    MarkdownHeading,
    Comment,
    ItemLabel,
    Caption,
    PageNumber,
    Link,
}

static NUMBERED_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\(?(\d{1,3}[a-z]?)[.)]|\((\d{1,3}|[a-z]|[ivx]{1,5})\)|([a-z]|[ivx]{1,5})[.)])\s+\S",
    )
    .unwrap()
});
static ITEM_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(recommendation|learning\s+point|lesson(?:\s+learned)?|key\s+learning(?:\s+point)?)\s*(?:no\.?\s*)?(\d{1,3}[a-z]?)\s*[:.]?$")
        .unwrap()
});
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:<i>)?(figure|fig\.|table|chart|diagram|graph|box|image|illustration|map|exhibit)\s*\d{1,3}[a-z]?\s*[:.\-–—]")
        .unwrap()
});
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$|^[-–]\s*\d{1,3}\s*[-–]$").unwrap()
});
static DIRECTIVE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:#|//)\s*revlens-(?:disable|enable)\b").unwrap());

fn classify_line(line: &str, flavour: Flavour) -> LineKind {
    let trimmed = line.trim();
    let indent = line.len() - line.trim_start().len();
    let indent_level = u8::from(indent > 0);
    if DIRECTIVE.is_match(line) {
        return LineKind::Comment;
    }
    if flavour == Flavour::Markdown && trimmed.starts_with('#') {
        let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
        if hashes <= 6 && trimmed[hashes..].starts_with(' ') {
            return LineKind::MarkdownHeading;
        }
    }
    let first = trimmed.chars().next().unwrap_or(' ');
    if is_superscript_digit(first) || trimmed.starts_with("^{") {
        return LineKind::Footnote;
    }
    if let Some(rest) = bullet_rest(trimmed) {
        let _ = rest;
        return LineKind::Bullet {
            indent: indent_level,
        };
    }
    if (first.is_ascii_alphanumeric() || first == '(') && NUMBERED_ITEM.is_match(trimmed) {
        return LineKind::Numbered {
            indent: indent_level,
        };
    }
    if trimmed.contains('\t') {
        return LineKind::TableRow;
    }
    if ITEM_LABEL.is_match(trimmed) {
        return LineKind::ItemLabel;
    }
    if CAPTION.is_match(trimmed) {
        return LineKind::Caption;
    }
    if first.is_ascii_digit() && PAGE_NUMBER.is_match(trimmed) {
        return LineKind::PageNumber;
    }
    if is_link_only(trimmed) {
        return LineKind::Link;
    }
    if indent > 0 {
        LineKind::Indented
    } else {
        LineKind::Continuation
    }
}

/// The text after a bullet (`- `, `• `, `* `, `- > `), if the line has one.
fn bullet_rest(trimmed: &str) -> Option<&str> {
    let mut chars = trimmed.chars();
    let c = chars.next()?;
    if !matches!(
        c,
        '-' | '•'
            | '*'
            | '·'
            | '▪'
            | '◦'
            | '‣'
            | '–'
            | '●'
            | '○'
            | '■'
            | '□'
            | '➢'
            | '→'
            | '>'
    ) {
        return None;
    }
    let rest = chars.as_str();
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    // `**bold**` is not a bullet; `- ` is.
    let mut rest = rest.trim_start();
    // RiP writes `- > item`: an arrow glyph after the bullet.
    if let Some(r) = rest.strip_prefix("> ").or_else(|| rest.strip_prefix("➢ ")) {
        rest = r.trim_start();
    }
    Some(rest)
}

fn is_link_only(trimmed: &str) -> bool {
    if trimmed.starts_with("http://")
        || trimmed.starts_with("https://")
        || trimmed.starts_with("www.")
    {
        return !trimmed.contains(' ');
    }
    if trimmed.starts_with('<') && trimmed.ends_with('>') && trimmed.contains("://") {
        return !trimmed.contains(' ');
    }
    if trimmed.starts_with('[') && trimmed.ends_with(')') {
        if let Some(mid) = trimmed.find("](") {
            return !trimmed[mid..].contains(' ');
        }
    }
    false
}

/// Sets role and marker of a new paragraph from its first line.
fn apply_kind(p: &mut Paragraph, kind: LineKind, raw: &str) {
    match kind {
        LineKind::Continuation | LineKind::Indented => {}
        LineKind::Bullet { indent } => {
            p.role = Role::ListItem;
            p.depth = indent;
            let trimmed = raw.trim_start();
            let bullet = trimmed.chars().next();
            strip_bullet(p);
            // `- 1 HSSCP to …`: a bullet that carries its own number.
            let number = leading_item_number(p.as_str());
            if let Some((num, len)) = number {
                p.text.drop_prefix(len);
                p.marker = Some(Marker {
                    bullet,
                    number: Some(num),
                });
            } else {
                p.marker = Some(Marker {
                    bullet,
                    number: None,
                });
            }
        }
        LineKind::Numbered { indent } => {
            p.role = Role::ListItem;
            p.depth = indent;
            if let Some(m) = NUMBERED_ITEM.captures(p.as_str()) {
                let num = m
                    .get(1)
                    .or(m.get(2))
                    .or(m.get(3))
                    .map(|g| g.as_str().to_owned());
                // Keep the first character of the text (the `\S` the
                // pattern ends on), which may be more than one byte.
                let label_end = m.get(0).map_or(0, |g| {
                    g.end() - g.as_str().chars().next_back().map_or(0, char::len_utf8)
                });
                p.text.drop_prefix(label_end);
                p.marker = Some(Marker {
                    bullet: None,
                    number: num,
                });
            }
        }
        LineKind::TableRow => {
            p.role = Role::TableRow;
            let cells: Vec<&str> = raw
                .split('\t')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            if cells.len() == 2
                && cells[0].len() <= 4
                && cells[0].chars().all(|c| c.is_ascii_digit())
            {
                // `7<TAB>text`: a numbered row (Joe's learning points).
                let num = cells[0].to_owned();
                let skip = p.as_str().find(' ').map_or(0, |i| i + 1);
                p.text.drop_prefix(skip);
                p.marker = Some(Marker {
                    bullet: None,
                    number: Some(num),
                });
            }
        }
        LineKind::Footnote => p.role = Role::Footnote,
        LineKind::MarkdownHeading => {
            p.role = Role::Heading;
            let hashes = raw.trim_start().bytes().take_while(|&b| b == b'#').count();
            let skip = p.as_str().find(' ').map_or(0, |i| i + 1);
            p.text.drop_prefix(skip);
            p.marker = Some(Marker {
                bullet: Some('#'),
                number: Some(hashes.to_string()),
            });
        }
        LineKind::Comment => p.role = Role::Comment,
        LineKind::ItemLabel => p.role = Role::ItemLabel,
        LineKind::Caption => p.role = Role::Caption,
        LineKind::PageNumber => p.role = Role::PageFurniture,
        LineKind::Link => p.role = Role::Link,
    }
}

fn strip_bullet(p: &mut Paragraph) {
    let s = p.as_str();
    let Some(rest) = bullet_rest(s) else { return };
    let cut = s.len() - rest.len();
    p.text.drop_prefix(cut);
}

/// `1 text` / `1. text` / `1a text` at the start of a bullet's text.
fn leading_item_number(s: &str) -> Option<(String, usize)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let mut end = digits;
    if s.as_bytes()
        .get(end)
        .is_some_and(|b| b.is_ascii_lowercase())
        && s.as_bytes()
            .get(end + 1)
            .is_some_and(|&b| b == b' ' || b == b'.' || b == b')')
    {
        end += 1;
    }
    let num = s[..end].to_owned();
    if matches!(s.as_bytes().get(end), Some(b'.' | b')')) {
        end += 1;
    }
    if s.as_bytes().get(end) != Some(&b' ') {
        return None;
    }
    // `- 2019 review` is a year, not an item number.
    if digits == 4 {
        return None;
    }
    Some((num, end + 1))
}

fn is_plain_digit_footnote_block(block: &[&RawLine]) -> bool {
    let mut expected = None;
    for line in block {
        let t = line.text.trim_start();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 3 || t.as_bytes().get(digits) != Some(&b' ') {
            return false;
        }
        let n: u32 = t[..digits].parse().unwrap_or(0);
        if let Some(e) = expected {
            if n != e {
                return false;
            }
        }
        // The text of a note reads as prose: a capital letter or a quote.
        let after = t[digits + 1..].chars().next().unwrap_or(' ');
        if !(after.is_uppercase() || after == '\'' || after == '‘' || after == '"') {
            return false;
        }
        expected = Some(n + 1);
    }
    true
}

static TOC_HEADER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:table\s+of\s+)?contents?\s*:?$").unwrap());
/// `Title<TAB>3`, `Title<TAB>Page 3`, `1<TAB>Title<TAB>Page 2`, `Title ..... 3`.
static TOC_ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(.*?\S)\s*(?:\t+|\.{3,}|…+|\s{3,})\s*(?:page\s*)?\S{0,2}\d{1,4}\s*$").unwrap()
});

/// Finds tables of contents, marks their lines and returns their entries.
fn mark_contents(paragraphs: &mut [Paragraph], lines: &[RawLine]) -> Vec<TocEntry> {
    let mut toc = Vec::new();
    let mut i = 0;
    while i < paragraphs.len() {
        let header = paragraphs[i].first_line == paragraphs[i].last_line
            && TOC_HEADER.is_match(paragraphs[i].as_str().trim());
        if !header {
            i += 1;
            continue;
        }
        // Entries follow, possibly with blank lines between them.
        let mut j = i + 1;
        let mut entries = Vec::new();
        while j < paragraphs.len() && paragraphs[j].first_line == paragraphs[j].last_line {
            match toc_entry(
                lines[paragraphs[j].first_line - 1].text,
                paragraphs[j].first_line,
            ) {
                Some(e) => entries.push((j, e)),
                None => break,
            }
            j += 1;
        }
        if entries.len() >= 3 {
            paragraphs[i].role = Role::Contents;
            for (k, e) in entries {
                paragraphs[k].role = Role::Contents;
                toc.push(e);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    toc
}

/// Parses one raw line of a table of contents.
fn toc_entry(raw: &str, line: usize) -> Option<TocEntry> {
    let caps = TOC_ENTRY.captures(raw.trim())?;
    let mut title = caps.get(1)?.as_str();
    let italic = title.contains("<i>") || title.contains("<em>");
    // `1<TAB>Introduction`, `2.3 Methods`: drop the section number.
    let numbered = title
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ':')
        .trim_start();
    if numbered.len() < title.len() && !numbered.is_empty() {
        title = numbered;
    }
    let mut mapped = MappedText::new();
    normalise_into(&mut mapped, title, 0..title.len());
    mapped.trim_end();
    let title = mapped.as_str().trim().to_owned();
    (!title.is_empty()).then_some(TocEntry {
        title,
        italic,
        line,
    })
}

/// A footnote's continuation lines were already attached; also treat link
/// lines between footnotes as footnote material.
fn mark_footnote_runs(paragraphs: &mut [Paragraph]) {
    for i in 1..paragraphs.len() {
        if paragraphs[i].role == Role::Link && paragraphs[i - 1].role == Role::Footnote {
            paragraphs[i].role = Role::Footnote;
        }
    }
}

/// Whether a paragraph ends a sentence (so the next one cannot continue it).
fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .chars()
        .next_back()
        .is_none_or(|c| matches!(c, '.' | '?' | '!' | ':' | ';' | '"' | '\'' | ')' | ']'))
}

/// Re-joins paragraphs cut by a page break: the first does not end a sentence
/// and the next text paragraph, skipping footnotes and page furniture, starts
/// with a lowercase letter.
fn rejoin_page_breaks(paragraphs: &mut Vec<Paragraph>) {
    let mut removed = vec![false; paragraphs.len()];
    let mut i = 0;
    while i < paragraphs.len() {
        if removed[i] || !can_be_continued(&paragraphs[i]) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < paragraphs.len()
            && (removed[j]
                || matches!(
                    paragraphs[j].role,
                    Role::Footnote | Role::PageFurniture | Role::Link | Role::Comment
                ))
        {
            j += 1;
        }
        let continues = j < paragraphs.len()
            && paragraphs[j].role == Role::Prose
            && paragraphs[j].as_str().chars().next().is_some_and(|c| {
                c.is_lowercase()
                    // "…the making of the 12-month" / "Rehabilitation Order":
                    // a phrase left open continues even into a capital.
                    || (c.is_uppercase() && ends_mid_phrase(paragraphs[i].as_str()) && paragraphs[j].words_up_to(9) > 8)
            });
        if !continues {
            i += 1;
            continue;
        }
        let next = std::mem::take(&mut paragraphs[j].text);
        let next_last_line = paragraphs[j].last_line;
        let this = &mut paragraphs[i];
        let gap = this.text.source_offset(this.text.len().saturating_sub(1)) + 1;
        this.text.push_mapped(&next, gap);
        this.last_line = next_last_line;
        paragraphs[i].rejoined = true;
        paragraphs[i].standalone = false;
        removed[j] = true;
        // stay on i: it may go on across another page break
    }
    let mut k = 0;
    paragraphs.retain(|_| {
        let keep = !removed[k];
        k += 1;
        keep
    });
}

/// The text stops on a word no sentence ends with: an article, preposition,
/// conjunction or a hyphenated modifier.
fn ends_mid_phrase(s: &str) -> bool {
    const OPEN: &[&str] = &[
        "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "and",
        "or", "but", "nor", "as", "than", "that", "which", "who", "whose", "whom", "their", "his",
        "her", "its", "our", "your", "this", "these", "those", "was", "were", "is", "are", "be",
        "been", "had", "has", "have", "not", "no", "about", "between", "within", "under", "via",
    ];
    let last = s.trim_end().rsplit(' ').next().unwrap_or("");
    last.ends_with('-') || last.ends_with(',') || {
        let w = last.to_ascii_lowercase();
        OPEN.contains(&w.as_str())
            || (w.contains('-') && w.starts_with(|c: char| c.is_ascii_digit()))
    }
}

fn can_be_continued(p: &Paragraph) -> bool {
    if !matches!(p.role, Role::Prose | Role::ListItem) || ends_sentence(p.as_str()) {
        return false;
    }
    let words = p.words_up_to(9);
    // A short capitalised line on its own is a heading, not half a sentence.
    let heading_shaped = p.standalone
        && words <= 8
        && p.as_str().chars().next().is_some_and(char::is_uppercase)
        && !p.as_str().contains([',', '.']);
    words >= 4 && !heading_shaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_lines_are_the_pieces_between_newlines() {
        for text in ["", "a", "a\n", "\n\n", "ab\r\ncd\n\nef", "“x”\ny\n"] {
            let mut expected: Vec<(usize, usize, &str)> = Vec::new();
            let mut start = 0;
            for (k, piece) in text.split('\n').enumerate() {
                expected.push((k + 1, start, piece));
                start += piece.len() + 1;
            }
            if text.ends_with('\n') {
                expected.pop();
            }
            let lines: Vec<(usize, usize, &str)> = raw_lines(text)
                .iter()
                .map(|l| (l.number, l.start, l.text))
                .collect();
            assert_eq!(lines, expected, "{text:?}");
        }
    }

    fn roles(l: &Layout) -> Vec<(Role, String)> {
        l.paragraphs
            .iter()
            .map(|p| (p.role, p.as_str().to_owned()))
            .collect()
    }

    #[test]
    fn blocks_lists_and_rows() {
        let t = "Key Themes\n\n1. Understanding harm\n2. Cross-boundary working\n\n- > Family support\n - nested item\n\n3\tA learning row\n";
        let l = layout(t, Flavour::PlainText);
        let r = roles(&l);
        assert_eq!(r[0], (Role::Prose, "Key Themes".into()));
        assert!(l.paragraphs[0].standalone);
        assert_eq!(r[1], (Role::ListItem, "Understanding harm".into()));
        assert_eq!(
            l.paragraphs[1].marker.as_ref().unwrap().number.as_deref(),
            Some("1")
        );
        assert_eq!(r[3], (Role::ListItem, "Family support".into()));
        assert_eq!(r[4], (Role::ListItem, "nested item".into()));
        assert_eq!(l.paragraphs[4].depth, 1);
        assert_eq!(r[5], (Role::TableRow, "A learning row".into()));
        assert_eq!(
            l.paragraphs[5].marker.as_ref().unwrap().number.as_deref(),
            Some("3")
        );
    }

    #[test]
    fn numbered_bullets_keep_their_number() {
        let l = layout(
            "- 1 HSSCP to evaluate\n - HSSCP to seek assurance\n",
            Flavour::PlainText,
        );
        let m = l.paragraphs[0].marker.as_ref().unwrap();
        assert_eq!((m.bullet, m.number.as_deref()), (Some('-'), Some("1")));
        assert_eq!(l.paragraphs[0].as_str(), "HSSCP to evaluate");
        assert_eq!(l.paragraphs[1].depth, 1);
    }

    #[test]
    fn hard_wrapped_lines_join() {
        let l = layout(
            "On behalf of an unnamed local safeguarding\nchildren board\n",
            Flavour::PlainText,
        );
        assert_eq!(l.paragraphs.len(), 1);
        assert_eq!(
            l.paragraphs[0].as_str(),
            "On behalf of an unnamed local safeguarding children board"
        );
        assert_eq!(
            (l.paragraphs[0].first_line, l.paragraphs[0].last_line),
            (1, 2)
        );
    }

    #[test]
    fn page_break_rejoined_across_footnotes() {
        let t = "There was a reference to the NRM¹ however other opportunities to\n\n¹ National Referral Mechanism (NRM) is a framework.\n\nconsider a referral were not considered.\n";
        let l = layout(t, Flavour::PlainText);
        let r = roles(&l);
        assert_eq!(r.len(), 2, "{r:?}");
        assert_eq!(
            r[0].1,
            "There was a reference to the NRM however other opportunities to consider a referral were not considered."
        );
        assert!(l.paragraphs[0].rejoined);
        assert_eq!(r[1].0, Role::Footnote);
        // positions still map into the original lines
        let p = &l.paragraphs[0];
        let at = p.as_str().find("consider a").unwrap();
        let src = p.text.source_offset(at);
        assert_eq!(&t[src..src + 10], "consider a");
    }

    #[test]
    fn contents_block_is_marked() {
        let t = "Contents\n\nIntroduction\t\u{660}3\nAbout this briefing\t8\nEarly help assessments:\t12\n\nIntroduction\n";
        let l = layout(t, Flavour::PlainText);
        assert_eq!(l.toc.len(), 3);
        assert_eq!(l.toc[2].title, "Early help assessments:");
        assert_eq!(
            l.paragraphs
                .iter()
                .filter(|p| p.role == Role::Contents)
                .count(),
            4
        );
        assert_eq!(l.paragraphs.last().unwrap().role, Role::Prose);
    }

    #[test]
    fn numbered_contents_rows() {
        let t = "Contents\t\t\n1\tIntroduction and Summary Learning\tPage 2\n2\tRelevant background\tPage 2\n3\tReview methodology\tPage 6\n";
        let l = layout(t, Flavour::PlainText);
        let titles: Vec<_> = l.toc.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Introduction and Summary Learning",
                "Relevant background",
                "Review methodology"
            ]
        );
    }

    #[test]
    fn plain_digit_footnotes() {
        let t = "1 Troubled Family Programme - Government scheme.\n 2 Cuckooing is a practice.\n 3 A 'graft house' is a place.\n";
        let l = layout(t, Flavour::PlainText);
        assert!(l.paragraphs.iter().all(|p| p.role == Role::Footnote));
    }

    #[test]
    fn labels_captions_and_links() {
        let t = "Recommendation 1a\n\nFigure 1. Threshold of Need\n\nhttps://example.org/x.pdf\n";
        let l = layout(t, Flavour::PlainText);
        let r: Vec<Role> = l.paragraphs.iter().map(|p| p.role).collect();
        assert_eq!(r, [Role::ItemLabel, Role::Caption, Role::Link]);
    }

    #[test]
    fn markdown_headings_and_comments() {
        let t = "# Child Q\n\n<!-- revlens-disable victim-blaming-usage -->\n\n## Introduction\n\nText.\n";
        let l = layout(t, Flavour::Markdown);
        let r = roles(&l);
        assert_eq!(r[0], (Role::Heading, "Child Q".into()));
        assert_eq!(r[1].0, Role::Comment);
        assert_eq!(r[2], (Role::Heading, "Introduction".into()));
        assert_eq!(
            l.paragraphs[2].marker.as_ref().unwrap().number.as_deref(),
            Some("2")
        );
    }
}
