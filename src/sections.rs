//! From paragraphs to a section tree.
//!
//! Owns heading detection and the outline of a document. A heading is a
//! paragraph on its own, short, shaped like a title (not a lead-in ending in a
//! colon, not a caption, metadata line, timeline band or numbered paragraph),
//! optionally confirmed by the table of contents. Levels come from explicit
//! numbering (`1.`, `1:`, `1.2`, `1 Title.`) when the document is numbered; in
//! unnumbered documents from the contents list (when it names only the
//! top-level parts), the usual part names (Introduction, Background,
//! Conclusion, References, …) and "container" headings that are followed at
//! once by another heading. Everything before the body (cover, title block,
//! contents) is front matter. Each section gets a [`SectionKind`] from the
//! words of its title, or its parent's.

use std::fmt;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::layout::{Flavour, Layout, Paragraph, Role};

/// The contract's section kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SectionKind {
    FrontMatter,
    Contents,
    Introduction,
    Background,
    Methodology,
    Chronology,
    Analysis,
    Learning,
    GoodPractice,
    Recommendations,
    Conclusion,
    References,
    Appendix,
    Other,
}

impl SectionKind {
    pub const ALL: [SectionKind; 14] = [
        SectionKind::FrontMatter,
        SectionKind::Contents,
        SectionKind::Introduction,
        SectionKind::Background,
        SectionKind::Methodology,
        SectionKind::Chronology,
        SectionKind::Analysis,
        SectionKind::Learning,
        SectionKind::GoodPractice,
        SectionKind::Recommendations,
        SectionKind::Conclusion,
        SectionKind::References,
        SectionKind::Appendix,
        SectionKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::FrontMatter => "front-matter",
            SectionKind::Contents => "contents",
            SectionKind::Introduction => "introduction",
            SectionKind::Background => "background",
            SectionKind::Methodology => "methodology",
            SectionKind::Chronology => "chronology",
            SectionKind::Analysis => "analysis",
            SectionKind::Learning => "learning",
            SectionKind::GoodPractice => "good-practice",
            SectionKind::Recommendations => "recommendations",
            SectionKind::Conclusion => "conclusion",
            SectionKind::References => "references",
            SectionKind::Appendix => "appendix",
            SectionKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for SectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One section of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// 1 = top level.
    pub level: u8,
    pub kind: SectionKind,
    /// 1-based line of the heading (of the first paragraph for implicit ones).
    pub line: usize,
    /// The number printed before the title, if any (`4`, `2.1`).
    pub number: Option<String>,
    /// Index of the enclosing section.
    pub parent: Option<usize>,
    /// Paragraph indices `[start, end)`, heading included.
    pub start: usize,
    pub end: usize,
    /// Front matter, or the body of a document without headings: not a
    /// heading of the document, so not listed in outlines.
    pub implicit: bool,
}

/// The section tree of a document, flattened in reading order.
#[derive(Debug, Clone, Default)]
pub struct Outline {
    /// `sections[0]` is always the implicit front matter (possibly empty) or,
    /// for a document without headings, the implicit body.
    pub sections: Vec<Section>,
    /// The document's title as printed on its cover, if found.
    pub title: Option<String>,
}

impl Outline {
    /// Sections that are real headings of the document.
    pub fn headings(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| !s.implicit)
    }

    /// Title of the section a paragraph belongs to ("" for none).
    pub fn section_title(&self, index: usize) -> &str {
        self.sections.get(index).map_or("", |s| s.title.as_str())
    }
}

/// A paragraph that may be a heading.
#[derive(Debug, Clone)]
struct Candidate {
    para: usize,
    title: String,
    /// Numeric components of the printed number (`[4]`, `[2, 1]`).
    number: Vec<u32>,
    number_text: Option<String>,
    /// Markdown `#` depth.
    markdown_level: Option<u8>,
    question: bool,
    toc_confirmed: bool,
    /// Confirmed by an italic contents entry: a figure title, not a heading.
    toc_caption: bool,
    level: u8,
}

/// Finds the headings of a laid-out document and builds its outline.
/// Marks heading paragraphs with [`Role::Heading`] and running titles with
/// [`Role::PageFurniture`], and sets every paragraph's `section`.
pub fn outline(layout: &mut Layout, flavour: Flavour) -> Outline {
    let mut cands = if flavour == Flavour::Markdown {
        markdown_candidates(&layout.paragraphs)
    } else {
        text_candidates(layout)
    };

    // Markdown: a single `#` heading at the top is the document's title.
    let mut markdown_title = None;
    if flavour == Flavour::Markdown {
        let h1s = cands.iter().filter(|c| c.markdown_level == Some(1)).count();
        if h1s == 1 && cands.first().is_some_and(|c| c.markdown_level == Some(1)) {
            let t = cands.remove(0);
            layout.paragraphs[t.para].role = Role::PageFurniture;
            markdown_title = Some(t.title);
            for c in &mut cands {
                c.markdown_level = c.markdown_level.map(|l| l.saturating_sub(1).max(1));
            }
        }
    }

    let numbered = flavour == Flavour::PlainText && is_numbered(&cands);
    let toc_top_level = {
        let confirmed = cands.iter().filter(|c| c.toc_confirmed).count();
        confirmed >= 2 && confirmed * 10 < cands.len() * 6
    };

    // Where the body starts: after any contents list, at the first heading
    // that is certainly part of the body.
    let after_toc = layout
        .paragraphs
        .iter()
        .rposition(|p| p.role == Role::Contents)
        .map_or(0, |i| i + 1);
    let body_start = cands
        .iter()
        .filter(|c| c.para >= after_toc)
        .find(|c| starts_body(c, numbered, toc_top_level, flavour))
        .map(|c| c.para)
        .or_else(|| {
            // No sure start: front matter is the title block, if any.
            (flavour == Flavour::PlainText)
                .then(|| title_block_end(&layout.paragraphs, after_toc))
                .flatten()
        })
        .unwrap_or(after_toc);

    let title = match markdown_title {
        Some(t) => FoundTitle {
            text: Some(t),
            line_text: None,
        },
        None => find_title(&layout.paragraphs[..body_start]),
    };
    // Repeats of the title in the body are running headers.
    if let Some(line) = &title.line_text {
        for p in &mut layout.paragraphs[body_start..] {
            if p.standalone && p.as_str() == line {
                p.role = Role::PageFurniture;
            }
        }
    }
    cands.retain(|c| c.para >= body_start && layout.paragraphs[c.para].role != Role::PageFurniture);
    for c in &cands {
        if c.toc_caption {
            layout.paragraphs[c.para].role = Role::Caption;
        }
    }
    cands.retain(|c| !c.toc_caption);

    drop_inside_reference_lists(&mut cands);
    let adjacency = adjacent_pairs(&layout.paragraphs, &cands);
    if flavour == Flavour::Markdown {
        for c in &mut cands {
            c.level = c.markdown_level.unwrap_or(1);
        }
    } else if numbered {
        assign_numbered_levels(&mut cands, &adjacency);
    } else if toc_top_level {
        assign_toc_levels(&mut cands);
    } else {
        assign_unnumbered_levels(&mut cands, &adjacency);
    }

    build(layout, &cands, body_start, title.text)
}

/// Whether a candidate surely opens the body of the document.
fn starts_body(c: &Candidate, numbered: bool, toc_top_level: bool, flavour: Flavour) -> bool {
    if flavour == Flavour::Markdown {
        return true;
    }
    let lower = c.title.to_lowercase();
    if MAJOR_PART.is_match(&lower) || c.toc_confirmed && toc_top_level {
        return true;
    }
    if numbered {
        return c.number.len() == 1;
    }
    c.toc_confirmed
}

/// In a document without a contents list or numbering, the title block is the
/// run of short standalone lines at the top, before the first real paragraph.
fn title_block_end(paragraphs: &[Paragraph], from: usize) -> Option<usize> {
    let first_long = paragraphs[from..]
        .iter()
        .position(|p| p.role.is_content() && p.words_up_to(16) > 15)?;
    let end = from + first_long;
    // Only a block of short lines followed by body text counts; if the top is
    // already body text there is no front matter.
    let shorts = paragraphs[from..end]
        .iter()
        .filter(|p| p.role.is_content())
        .count();
    (shorts > 0 && shorts <= 8).then(|| {
        // Keep the last short line before the text: it is probably a heading.
        let last_short = (from..end).rev().find(|&i| paragraphs[i].role.is_content());
        match last_short {
            Some(i) if i > from && looks_like_heading(paragraphs[i].as_str()) => i,
            _ => end,
        }
    })
}

fn looks_like_heading(s: &str) -> bool {
    let lower = s.to_lowercase();
    MAJOR_PART.is_match(&lower)
}

// ---------------------------------------------------------------------------
// Candidates

static NUMBERED_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?i:section|part|chapter)\s+)?(\d{1,2}(?:\.\d{1,2}){0,3})(?:[.:)]|\s*[-–])?\s+(\S.*)$").unwrap()
});
static METADATA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:authors?|editors?|date|dated|published(?:\s+by)?|publication\s+date|tel|telephone|phone|email|e-mail|web|website|version|status|report\s+author|lead\s+reviewers?|independent\s+(?:author|reviewer)s?|chair|ref|no|contact\s+us|contact\s+details|copyright|registered\s+charity)\b")
        .unwrap()
});
static DATE_BAND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:age|aged)\s+\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4}\b|^\d{4}(?:\s*[-–/]\s*\d{2,4})?$")
        .unwrap()
});
static WEB_ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bwww\.|https?://|\w\.(?:com|org|net|gov|uk|ac|nhs|edu|info)\b").unwrap()
});
/// Parts every review has, whose headings are top-level whatever their style.
static MAJOR_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:introduction|background|executive\s+summary|summary\b|foreword|preface|conclusions?\b|concluding\b|recommendations?\b|(?:table|summary|list)\s+of\s+recommendations|references\b|bibliography|appendix|appendices|annex|glossary|acknowledge?ments?|analysis\b|findings\b|key\s+findings|lessons\s+learn)")
        .unwrap()
});
/// Back matter is top level even inside a numbered document.
static BACK_MATTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:references|bibliography|further\s+reading|appendix|appendices|annex(?:es)?|glossary(?:\s+of\s+terms)?|acknowledge?ments?|abbreviations|acronyms)\b")
        .unwrap()
});
/// Parts that are top level unless an enclosing part is open.
static SECONDARY_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:the\s+)?(?:review\s+)?methodology|(?:the\s+)?terms\s+of\s+reference|chronology|timeline|(?:the\s+)?review\s+process)\b")
        .unwrap()
});
/// `Example: Neglect and subsequent suicide`: a labelled sub-heading.
static LABEL_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:example|case\s+(?:study|example)|practice\s+example|box|note|theme|vignette)\s*\d*\s*:\s+\S").unwrap()
});

fn text_candidates(layout: &Layout) -> Vec<Candidate> {
    let toc: Vec<(String, bool)> = layout
        .toc
        .iter()
        .map(|e| (comparable(&e.title), e.italic))
        .collect();
    let paragraphs = &layout.paragraphs;
    let mut out = Vec::new();
    for (i, p) in paragraphs.iter().enumerate() {
        if let Some(c) = text_candidate(i, p, &toc) {
            out.push(c);
        }
    }
    out.retain(|c| !continues_numbered_list(paragraphs, c.para));
    drop_numbered_lists(&mut out, paragraphs);
    drop_legend_runs(&mut out, paragraphs);
    out
}

/// Longest line that can be a heading (numbered paragraphs are far longer).
const MAX_HEADING_CHARS: usize = 160;
/// A numbered list item that ends like a sentence, next to the item
/// numbered one less or one more, is an entry of that list however short
/// ("2. Schools should complete the training." after a long item 1), not a
/// heading. ("3. Conclusion" after a list of two is still a heading.)
fn continues_numbered_list(paragraphs: &[Paragraph], i: usize) -> bool {
    if !paragraphs[i].as_str().trim_end().ends_with(['.', '!', ';']) {
        return false;
    }
    let number = |p: &Paragraph| -> Option<u32> {
        let m = p.marker.as_ref()?;
        if p.role != Role::ListItem || m.bullet.is_some() || p.depth > 0 {
            return None;
        }
        m.number.as_deref()?.parse().ok()
    };
    let Some(n) = number(&paragraphs[i]) else {
        return false;
    };
    let aside = |p: &&Paragraph| {
        matches!(
            p.role,
            Role::Footnote | Role::PageFurniture | Role::Link | Role::Comment
        )
    };
    let before = paragraphs[..i].iter().rev().find(|p| !aside(p));
    let after = paragraphs[i + 1..].iter().find(|p| !aside(p));
    before.and_then(number) == n.checked_sub(1) && n > 1 || after.and_then(number) == Some(n + 1)
}

fn text_candidate(i: usize, p: &Paragraph, toc: &[(String, bool)]) -> Option<Candidate> {
    if !(p.standalone || p.leads_block) || p.first_line != p.last_line {
        return None;
    }
    let text = p.as_str().trim();
    if text.len() > MAX_HEADING_CHARS * 4 || text.chars().count() > MAX_HEADING_CHARS {
        return None;
    }
    let (number, number_text, title) = match p.role {
        Role::Prose => match NUMBERED_TITLE.captures(text) {
            Some(c) => {
                let n = c.get(1).map_or("", |m| m.as_str());
                (
                    parse_number(n),
                    Some(n.to_owned()),
                    c.get(2).map_or("", |m| m.as_str()),
                )
            }
            None => (Vec::new(), None, text),
        },
        Role::ListItem => {
            // `1. Background and Introduction`: a numbered list item on its own.
            let m = p.marker.as_ref()?;
            if m.bullet.is_some() || p.depth > 0 {
                return None;
            }
            let n = m.number.as_deref()?;
            if !n.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            (parse_number(n), Some(n.to_owned()), text)
        }
        Role::Caption => {
            // Only an italic contents entry can tell us a caption's second line.
            return None;
        }
        _ => return None,
    };
    let key = comparable(title);
    let whole = if number.is_empty() || toc.is_empty() {
        None
    } else {
        Some(comparable(text))
    };
    let toc_hit = toc
        .iter()
        .find(|(t, _)| *t == key || whole.as_ref() == Some(t));
    let toc_confirmed = toc_hit.is_some_and(|(_, italic)| !italic);
    let toc_caption = toc_hit.is_some_and(|(_, italic)| *italic);
    if !toc_confirmed && !toc_caption && !heading_shaped(title, &number) {
        return None;
    }
    Some(Candidate {
        para: i,
        title: title.trim_end_matches(['\t', ' ']).to_owned(),
        number,
        number_text,
        markdown_level: None,
        question: title.ends_with('?'),
        toc_confirmed,
        toc_caption,
        level: 0,
    })
}

fn markdown_candidates(paragraphs: &[Paragraph]) -> Vec<Candidate> {
    paragraphs
        .iter()
        .enumerate()
        .filter(|(_, p)| p.role == Role::Heading)
        .map(|(i, p)| {
            let level = p
                .marker
                .as_ref()
                .and_then(|m| m.number.as_deref())
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let text = p.as_str().trim().trim_end_matches('#').trim();
            let (number, number_text, title) = match NUMBERED_TITLE.captures(text) {
                Some(c) => {
                    let n = c.get(1).map_or("", |m| m.as_str());
                    (
                        parse_number(n),
                        Some(n.to_owned()),
                        c.get(2).map_or("", |m| m.as_str()),
                    )
                }
                None => (Vec::new(), None, text),
            };
            Candidate {
                para: i,
                title: title.to_owned(),
                number,
                number_text,
                markdown_level: Some(level),
                question: title.ends_with('?'),
                toc_confirmed: false,
                toc_caption: false,
                level,
            }
        })
        .collect()
}

fn parse_number(n: &str) -> Vec<u32> {
    n.split('.').filter_map(|c| c.parse().ok()).collect()
}

/// Lowercase, punctuation-free form of a title for comparing with the
/// contents list.
fn comparable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        let before_space = out.len();
        if !out.is_empty() {
            out.push(' ');
        }
        let word_start = out.len();
        if w.is_ascii() {
            out.extend(
                w.bytes()
                    .filter(|b| b.is_ascii_alphanumeric() || *b == b'&')
                    .map(|b| char::from(b.to_ascii_lowercase())),
            );
        } else {
            out.extend(
                w.chars()
                    .filter(|c| c.is_alphanumeric() || *c == '&')
                    .flat_map(char::to_lowercase),
            );
        }
        if out.len() == word_start {
            // Nothing of the word is kept: nor is the space before it.
            out.truncate(before_space);
        }
    }
    out
}

/// Whether a line reads like a title rather than a sentence, list entry or
/// label.
fn heading_shaped(title: &str, number: &[u32]) -> bool {
    let numbered = !number.is_empty();
    let title = title.trim();
    let Some(first) = title.chars().find(|c| c.is_alphanumeric()) else {
        return false;
    };
    if !(first.is_uppercase() || first.is_ascii_digit())
        || title.chars().count() > MAX_HEADING_CHARS
    {
        return false;
    }
    let words = title.split_whitespace().count();
    let last = title.chars().next_back().unwrap_or(' ');
    if matches!(last, ':' | ';' | ',' | '-' | '–') {
        return false; // a lead-in to a list, or a broken line
    }
    if METADATA.is_match(title) || DATE_BAND.is_match(title) || WEB_ADDRESS.is_match(title) {
        return false;
    }
    // Two sentences on one line are prose.
    let body = title.trim_end_matches(['.', '?', '!']);
    if body.contains(". ") || body.contains("? ") || body.contains("! ") {
        return false;
    }
    // Titles do not carry clauses or quoted speech.
    if title.contains(';') || title.contains('"') {
        return false;
    }
    if numbered {
        // `1 Understanding extra familial harm.` ends with a full stop; a
        // numbered paragraph (`2.1 Information was not shared.`) does too,
        // but is longer or deeper.
        return words <= 16 && (last != '.' || (words <= 8 && number.len() == 1));
    }
    if last == '.' || last == '!' {
        return false;
    }
    if words > 12 || (title.contains(", ") && words > 6 && last != '?') {
        return false;
    }
    // A title does not stop on an article or preposition.
    let last_word = title.rsplit(' ').next().unwrap_or("").to_lowercase();
    !matches!(
        last_word.as_str(),
        "a" | "an"
            | "the"
            | "of"
            | "to"
            | "and"
            | "or"
            | "with"
            | "for"
            | "in"
            | "on"
            | "by"
            | "that"
            | "was"
            | "is"
    )
}

/// Paragraph indices between two candidates hold no body text.
fn nothing_between(paragraphs: &[Paragraph], a: usize, b: usize) -> bool {
    paragraphs[a + 1..b].iter().all(|p| {
        !matches!(
            p.role,
            Role::Prose | Role::ListItem | Role::TableRow | Role::ItemLabel | Role::Contents
        )
    })
}

/// Consecutive numbered candidates of the same depth with nothing between
/// them are a list written with blank lines, not headings.
fn drop_numbered_lists(cands: &mut Vec<Candidate>, paragraphs: &[Paragraph]) {
    let mut drop = vec![false; cands.len()];
    for k in 1..cands.len() {
        let (a, b) = (&cands[k - 1], &cands[k]);
        let counts_up = !a.number.is_empty()
            && a.number.len() == b.number.len()
            && a.number[..a.number.len() - 1] == b.number[..b.number.len() - 1]
            && a.number.last().map(|n| n + 1) == b.number.last().copied();
        if counts_up && nothing_between(paragraphs, a.para, b.para) && !a.toc_confirmed {
            drop[k - 1] = true;
            drop[k] = true;
        }
    }
    let mut k = 0;
    cands.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
}

/// A run of three or more plain short lines with nothing between them is a
/// legend, a list or a cover, not a stack of headings: keep only the first.
fn drop_legend_runs(cands: &mut Vec<Candidate>, paragraphs: &[Paragraph]) {
    let weak = |c: &Candidate| {
        c.number.is_empty()
            && !c.question
            && !c.toc_confirmed
            && !MAJOR_PART.is_match(&c.title.to_lowercase())
    };
    let mut drop = vec![false; cands.len()];
    let mut run_start = 0;
    for k in 1..=cands.len() {
        let continues =
            k < cands.len() && nothing_between(paragraphs, cands[k - 1].para, cands[k].para);
        if !continues {
            let run = &cands[run_start..k];
            if run.iter().filter(|c| weak(c)).count() >= 3 {
                for (j, c) in run.iter().enumerate().skip(1) {
                    if weak(c) {
                        drop[run_start + j] = true;
                    }
                }
            }
            run_start = k;
        }
    }
    let mut k = 0;
    cands.retain(|_| {
        k += 1;
        !drop[k - 1]
    });
}

/// Entries of a reference list look like titles; inside References only
/// another part of the back matter (Appendix, Glossary…) opens a section.
fn drop_inside_reference_lists(cands: &mut Vec<Candidate>) {
    let mut in_references = false;
    cands.retain(|c| {
        let lower = c.title.to_lowercase();
        let part = BACK_MATTER.is_match(&lower) || MAJOR_PART.is_match(&lower) || c.toc_confirmed;
        if part || c.number.len() == 1 {
            in_references = kind_of_title(&c.title) == Some(SectionKind::References);
            return true;
        }
        !in_references
    });
}

/// A document is numbered when at least two top-level numbers head sections.
fn is_numbered(cands: &[Candidate]) -> bool {
    let mut tops: Vec<u32> = cands
        .iter()
        .filter(|c| c.number.len() == 1)
        .map(|c| c.number[0])
        .collect();
    tops.sort_unstable();
    tops.dedup();
    tops.len() >= 2
}

/// `adjacent[k]`: candidate k is followed at once (no body text between) by
/// candidate k + 1.
fn adjacent_pairs(paragraphs: &[Paragraph], cands: &[Candidate]) -> Vec<bool> {
    (0..cands.len())
        .map(|k| {
            k + 1 < cands.len() && nothing_between(paragraphs, cands[k].para, cands[k + 1].para)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Levels

fn assign_numbered_levels(cands: &mut [Candidate], adjacent: &[bool]) {
    let mut top: Option<u32> = None;
    let mut last_numbered_level = 1u8;
    // Level of the previous unnumbered heading, while it is the latest heading.
    let mut prev_unnumbered: Option<u8> = None;
    for k in 0..cands.len() {
        let lower = cands[k].title.to_lowercase();
        let container_parent = (k > 0 && adjacent[k - 1]).then(|| cands[k - 1].level);
        let level = if BACK_MATTER.is_match(&lower) && cands[k].number.is_empty() {
            prev_unnumbered = None;
            top = top.map(|t| t.max(u32::MAX / 2));
            1
        } else if cands[k].number.len() == 1 {
            let n = cands[k].number[0];
            prev_unnumbered = None;
            match top {
                // `1 Understanding…` after `4: Thematic analysis`: a sub-theme.
                Some(t) if n <= t => {
                    last_numbered_level = 2;
                    2
                }
                _ => {
                    top = Some(n);
                    last_numbered_level = 1;
                    1
                }
            }
        } else if !cands[k].number.is_empty() {
            prev_unnumbered = None;
            let l = cands[k].number.len().min(6) as u8;
            last_numbered_level = l;
            l
        } else if top.is_none() {
            // Before the numbered body: a preface such as an executive summary.
            1
        } else {
            let l = match (container_parent, prev_unnumbered) {
                (Some(parent), _) => parent + 1,
                (None, Some(sibling)) => sibling,
                (None, None) => last_numbered_level + 1,
            };
            prev_unnumbered = Some(l);
            l
        };
        cands[k].level = level.min(6);
    }
}

fn assign_toc_levels(cands: &mut [Candidate]) {
    let mut prev_plain = 1u8;
    for c in cands.iter_mut() {
        let lower = c.title.to_lowercase();
        c.level = if c.toc_confirmed || BACK_MATTER.is_match(&lower) {
            1
        } else if LABEL_HEADING.is_match(&c.title) {
            (prev_plain + 1).min(6)
        } else {
            2
        };
        if !LABEL_HEADING.is_match(&c.title) {
            prev_plain = c.level;
        }
    }
}

fn assign_unnumbered_levels(cands: &mut [Candidate], adjacent: &[bool]) {
    // Whether the current top-level part opened with a sub-heading at once:
    // then later "Methodology" or "Timeline" headings belong to it.
    let mut open_container = false;
    let mut prev_plain = 1u8;
    for k in 0..cands.len() {
        let lower = cands[k].title.to_lowercase();
        let container = adjacent[k];
        let first_child_of = (k > 0 && adjacent[k - 1]).then(|| cands[k - 1].level);
        let level = if BACK_MATTER.is_match(&lower) {
            1
        } else if let Some(parent) = first_child_of {
            parent + 1
        } else if MAJOR_PART.is_match(&lower)
            || container
            || (SECONDARY_PART.is_match(&lower) && !open_container)
        {
            1
        } else if LABEL_HEADING.is_match(&cands[k].title) {
            prev_plain + 1
        } else {
            2
        };
        if level == 1 {
            open_container = container;
        }
        if !LABEL_HEADING.is_match(&cands[k].title) {
            prev_plain = level;
        }
        cands[k].level = level.min(6);
    }
}

// ---------------------------------------------------------------------------
// Kinds

/// Title words that name a kind of section; `weak` ones give way to a strong
/// one anywhere in the same title ("Summary and Recommendations").
struct KindWord {
    pattern: Regex,
    kind: SectionKind,
    weak: bool,
}

static KIND_WORDS: LazyLock<Vec<KindWord>> = LazyLock::new(|| {
    let w = |p: &str, kind, weak| KindWord {
        pattern: Regex::new(p).unwrap(),
        kind,
        weak,
    };
    vec![
        w(
            r"\b(?:table\s+of\s+)?contents\b",
            SectionKind::Contents,
            false,
        ),
        w(
            r"\breferences\b|\bbibliography\b|\bfurther\s+reading\b|\bsources\b",
            SectionKind::References,
            false,
        ),
        w(
            r"\bappendi(?:x|ces)\b|\bannex\w*|\bglossary\b|\babbreviations\b|\bacronyms\b|\backnowledge?ments?\b",
            SectionKind::Appendix,
            false,
        ),
        w(r"\brecommendations?\b", SectionKind::Recommendations, false),
        w(
            r"\bgood\s+practice\b|\bstrengths\b|\bwhat\s+went\s+well\b|\bpositive\s+practice\b|\bnotable\s+practice\b",
            SectionKind::GoodPractice,
            false,
        ),
        w(
            r"\blearning\b|\blessons\b|\bkey\s+messages\b|\bmessages\s+for\b|\bwhat\s+needs\s+to\s+happen\b",
            SectionKind::Learning,
            false,
        ),
        w(
            r"\bconclu\w+|\bclosing\s+remarks\b|\bfinal\s+remarks\b",
            SectionKind::Conclusion,
            false,
        ),
        w(r"\bsummary\b", SectionKind::Conclusion, true),
        w(
            r"\bmethodolog\w*|\bmethods?\b|\bterms\s+of\s+reference\b|\breview\s+process\b|\bscope\b|\bpractitioner\s+(?:involvement|events?)\b|\bfamily\s+involvement\b|\binvolvement\s+of\b|\blines\s+of\s+enquiry\b|\bhow\s+the\s+review\b",
            SectionKind::Methodology,
            false,
        ),
        w(
            r"\bchronolog\w*|\btimeline\b|\bstory\s+of\b|\bkey\s+events\b|\bcase\s+history\b|\bwhat\s+was\s+known\b|\bwhat\s+happened\b",
            SectionKind::Chronology,
            false,
        ),
        w(
            r"\bintroduction\b|\bforeword\b|\bpreface\b|\bpurpose\b|\bwhy\s+was\s+this\s+review\b|\bwhat\s+is\s+this\s+review\b|\babout\s+this\s+(?:review|report|briefing)\b",
            SectionKind::Introduction,
            false,
        ),
        w(
            r"\bbackground\b|\bcontext\b|\bfamily\s+composition\b|\bprofile\b",
            SectionKind::Background,
            true,
        ),
        w(
            r"\banalysis\b|\bfindings?\b|\bthematic\b|\bthemes\b|\bdiscussion\b|\bpractice\s+episodes?\b|\bsignificant\s+issues\b",
            SectionKind::Analysis,
            false,
        ),
    ]
});

/// The literals every match of each of [`KIND_WORDS`] starts with (read
/// off the patterns), in one automaton: one pass over a title says which
/// kind words may be in it, and only those are searched for. Titles are
/// read this way by the thousand while sections are found, most naming no
/// kind, and searching each of the patterns in turn cost more than the rest
/// of reading a title.
struct KindWordStarts {
    literals: AhoCorasick,
    /// For each literal of `literals`, the kind word it starts.
    owner: Vec<usize>,
    /// Kind words with no such literal, searched in every title (one bit
    /// each, as in [`KindWordStarts::in_title`]).
    always: u64,
}

impl KindWordStarts {
    /// The starts of `patterns` (at most 64 of them).
    fn of<'a>(patterns: impl Iterator<Item = &'a str>) -> KindWordStarts {
        use regex_syntax::hir::literal::{ExtractKind, Extractor};
        let mut literals = Vec::new();
        let mut owner = Vec::new();
        let mut always = 0;
        for (i, pattern) in patterns.enumerate() {
            assert!(i < 64, "one bit per kind word");
            let starts = regex_syntax::parse(pattern).ok().and_then(|hir| {
                let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
                let starts = seq.literals()?.to_vec();
                starts
                    .iter()
                    .all(|l| !l.as_bytes().is_empty())
                    .then_some(starts)
            });
            match starts {
                Some(starts) if !starts.is_empty() => {
                    owner.extend(std::iter::repeat_n(i, starts.len()));
                    literals.extend(starts.into_iter().map(|l| l.as_bytes().to_vec()));
                }
                _ => always |= 1 << i,
            }
        }
        KindWordStarts {
            literals: AhoCorasick::new(&literals).unwrap(),
            owner,
            always,
        }
    }

    /// The kind words that may match in `title` (lower-cased), one bit each
    /// in the order of [`KIND_WORDS`].
    fn in_title(&self, title: &str) -> u64 {
        let mut present = self.always;
        for m in self.literals.find_overlapping_iter(title) {
            present |= 1 << self.owner[m.pattern().as_usize()];
        }
        present
    }
}

static KIND_WORD_STARTS: LazyLock<KindWordStarts> =
    LazyLock::new(|| KindWordStarts::of(KIND_WORDS.iter().map(|w| w.pattern.as_str())));

/// The kind a title names, if any.
pub fn kind_of_title(title: &str) -> Option<SectionKind> {
    let lower = title.to_lowercase();
    kind_among(&lower, KIND_WORD_STARTS.in_title(&lower))
}

/// The kind a lower-cased title names, searching it for the kind words
/// whose bits are set in `words` (in the order of [`KIND_WORDS`]).
fn kind_among(lower: &str, words: u64) -> Option<SectionKind> {
    let mut best: Option<(usize, bool, SectionKind)> = None;
    for (i, w) in KIND_WORDS.iter().enumerate() {
        if words & (1 << i) == 0 {
            continue;
        }
        if let Some(m) = w.pattern.find(lower) {
            let better = match best {
                None => true,
                Some((pos, weak, _)) => (weak && !w.weak) || (weak == w.weak && m.start() < pos),
            };
            if better {
                best = Some((m.start(), w.weak, w.kind));
            }
        }
    }
    best.map(|(_, _, k)| k)
}

// ---------------------------------------------------------------------------
// Title

struct FoundTitle {
    text: Option<String>,
    /// The exact line that carries the title, to recognise running headers.
    line_text: Option<String>,
}

static REVIEW_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:reviews?|lcspr|scr|serious\s+case|safeguarding\s+practice|briefing|triennial|analysis|report|audit|inquiry)\b").unwrap()
});
/// Cover lines about the report rather than naming it.
static NOT_A_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:author|reviewer|written\s+by|published\s+by|commissioned\s+by|on\s+behalf\s+of|copyright|endorsement)\b|^(?:this|the\s+report)\b").unwrap()
});
static CHILD_NAME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Child|Baby|Young\s+Person|Sibling\s+Group|Family|Children)\s+[A-Z][\w'’-]*(?:\s+(?:and|&)\s+[A-Z][\w'’-]*)?$").unwrap()
});

fn find_title(front: &[Paragraph]) -> FoundTitle {
    let mut best: Option<(usize, String, String)> = None;
    for (i, p) in front.iter().enumerate() {
        if !p.standalone || !p.role.is_content() {
            continue;
        }
        let s = p.as_str().trim();
        let words = s.split_whitespace().count();
        if words == 0
            || words > 16
            || !REVIEW_WORDS.is_match(s)
            || METADATA.is_match(s)
            || NOT_A_TITLE.is_match(s)
            || s.ends_with(['.', ':', ';', ','])
        {
            continue;
        }
        // "Multi-Agency Learning Review" / "Child Sam": the type and the name.
        let next = front[i + 1..].iter().find(|p| p.role.is_content());
        let text = match next {
            Some(n) if CHILD_NAME_LINE.is_match(n.as_str().trim()) => {
                format!("{s}: {}", n.as_str().trim())
            }
            _ => s.to_owned(),
        };
        let score = text.split_whitespace().count();
        if best.as_ref().is_none_or(|(b, _, _)| score > *b) {
            best = Some((score, text, s.to_owned()));
        }
    }
    match best {
        Some((_, text, line)) => FoundTitle {
            text: Some(text),
            line_text: Some(line),
        },
        None => FoundTitle {
            text: None,
            line_text: None,
        },
    }
}

// ---------------------------------------------------------------------------
// Building the tree

fn build(
    layout: &mut Layout,
    cands: &[Candidate],
    body_start: usize,
    title: Option<String>,
) -> Outline {
    let paragraphs = &mut layout.paragraphs;
    let n = paragraphs.len();
    let mut sections = Vec::with_capacity(cands.len() + 1);
    let has_headings = !cands.is_empty();
    let first_heading = cands.first().map_or(n, |c| c.para);
    sections.push(Section {
        title: String::new(),
        level: 1,
        kind: if has_headings && first_heading > 0 {
            SectionKind::FrontMatter
        } else {
            SectionKind::Other
        },
        line: paragraphs.first().map_or(1, |p| p.first_line),
        number: None,
        parent: None,
        start: 0,
        end: first_heading,
        implicit: true,
    });
    let _ = body_start;
    // Stack of (level, section index) for parents.
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut seen_body_part = false;
    let mut after_end_matter = false;
    for (k, c) in cands.iter().enumerate() {
        while stack.last().is_some_and(|&(l, _)| l >= c.level) {
            stack.pop();
        }
        // A sub-heading cannot be deeper than one below its parent.
        let level = match stack.last() {
            Some(&(l, _)) => c.level.min(l + 1),
            None => 1,
        };
        let parent = stack.last().map(|&(_, i)| i);
        let own = kind_of_title(&c.title);
        let kind = match (own, parent) {
            (Some(k), _) => k,
            (None, Some(p)) => sections[p].kind,
            (None, None) => {
                // A top-level part with no telling title is a chapter of the
                // findings, if it sits between the opening and closing parts.
                if seen_body_part && !after_end_matter {
                    SectionKind::Analysis
                } else {
                    SectionKind::Other
                }
            }
        };
        if level == 1 {
            match kind {
                SectionKind::Conclusion | SectionKind::References | SectionKind::Appendix => {
                    after_end_matter = true
                }
                SectionKind::FrontMatter | SectionKind::Contents => {}
                _ => seen_body_part = true,
            }
        }
        let end = cands.get(k + 1).map_or(n, |next| next.para);
        let index = sections.len();
        sections.push(Section {
            title: c.title.clone(),
            level,
            kind,
            line: paragraphs[c.para].first_line,
            number: c.number_text.clone(),
            parent,
            start: c.para,
            end,
            implicit: false,
        });
        paragraphs[c.para].role = Role::Heading;
        for p in &mut paragraphs[c.para..end] {
            p.section = index;
        }
        stack.push((level, index));
    }
    for p in &mut paragraphs[..first_heading.min(n)] {
        p.section = 0;
    }
    Outline { sections, title }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::layout;

    fn outline_of(text: &str) -> (Outline, Layout) {
        let mut l = layout(text, Flavour::PlainText);
        let o = outline(&mut l, Flavour::PlainText);
        (o, l)
    }

    fn tops(o: &Outline) -> Vec<(&str, u8)> {
        o.headings().map(|s| (s.title.as_str(), s.level)).collect()
    }

    #[test]
    fn numbered_document() {
        let t = "Child Q Local Child Safeguarding Practice Review\n\n1. Introduction\n\n1.1 Background\n\nThe review was commissioned in 2021 after a serious incident involving a child known to services.\n\n2. Findings\n\n2.1 This section explores how the partnership understood exploitation and what it did next.\n\nReferences\n\nSmith (2020).\n";
        let (o, _) = outline_of(t);
        assert_eq!(
            tops(&o),
            [
                ("Introduction", 1),
                ("Background", 2),
                ("Findings", 1),
                ("References", 1)
            ]
        );
        assert_eq!(
            o.title.as_deref(),
            Some("Child Q Local Child Safeguarding Practice Review")
        );
        let kinds: Vec<_> = o.headings().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [
                SectionKind::Introduction,
                SectionKind::Background,
                SectionKind::Analysis,
                SectionKind::References
            ]
        );
    }

    #[test]
    fn lead_ins_lists_and_captions_are_not_headings() {
        let t = "Introduction\n\nThe following themes have been identified:\n\n- Poor engagement\n\nFigure 1: Numbers of reviews\n\nAge 0-10\n\nWithin two months of this Strategy Meeting, the significant event occurred\n\nAuthor: A. Person\n\nConclusion\n\nThe review ends here with a long sentence that is clearly body text.\n";
        let (o, _) = outline_of(t);
        assert_eq!(tops(&o), [("Introduction", 1), ("Conclusion", 1)]);
    }

    #[test]
    fn short_entries_of_a_numbered_list_are_not_headings() {
        let t = "1. Introduction\n\nThe review was commissioned after a serious incident involving a child.\n\n2. Recommendations\n\n1. The partnership should publish its neglect strategy by the end of the year.\n\n2. Schools should complete the training.\n\n3. Conclusion\n\nThe review ends here with a long sentence that is clearly body text.\n";
        let (o, _) = outline_of(t);
        assert_eq!(
            tops(&o),
            [
                ("Introduction", 1),
                ("Recommendations", 1),
                ("Conclusion", 1)
            ]
        );
        assert_eq!(o.headings().count(), 3);
    }

    #[test]
    fn container_headings_nest_their_first_child() {
        let t = "Introduction\n\nWhat is this review about\n\nThis review concerns a young person known as Sam for the purposes of this report.\n\nMethodology\n\nThe review used a systems methodology adapted to the circumstances of the case.\n\nThe story of Sam\n\nIntroduction\n\nThis section sets out the facts of the case in the order they happened.\n\nConclusion\n\nThis review was commissioned after Sam was injured in a serious incident.\n";
        let (o, _) = outline_of(t);
        assert_eq!(
            tops(&o),
            [
                ("Introduction", 1),
                ("What is this review about", 2),
                ("Methodology", 2),
                ("The story of Sam", 1),
                ("Introduction", 2),
                ("Conclusion", 1)
            ]
        );
    }

    #[test]
    fn kinds_from_titles() {
        assert_eq!(
            kind_of_title("Summary and Recommendations"),
            Some(SectionKind::Recommendations)
        );
        assert_eq!(
            kind_of_title("Background and Introduction to the review"),
            Some(SectionKind::Introduction)
        );
        assert_eq!(
            kind_of_title("Thematic analysis and Key learning"),
            Some(SectionKind::Analysis)
        );
        assert_eq!(
            kind_of_title("Strengths in Practice"),
            Some(SectionKind::GoodPractice)
        );
        assert_eq!(
            kind_of_title("Table of Recommendations"),
            Some(SectionKind::Recommendations)
        );
        assert_eq!(kind_of_title("Education"), None);
    }

    #[test]
    fn kinds_read_off_only_the_words_a_title_holds_are_those_of_every_word() {
        // Each kind word searched in every title, as before the scan for
        // their first literals.
        let every_word = |title: &str| kind_among(&title.to_lowercase(), u64::MAX);
        let pieces = [
            " ",
            "and ",
            "Summary",
            "Recommendations",
            "Table of ",
            "Contents",
            "Conclusions",
            "Background",
            "Key Learning",
            "lessons",
            "Appendix",
            "Annexes",
            "2.",
            "Review ",
            "the ",
            "Strengths",
            "Methodology",
            "Chronology",
            "Introduction",
            "Analysis",
            "Findings",
            "Education",
            "Terms of  Reference",
            "What happened",
            "Zoë ",
            "CON",
            "clusion",
            "Timeline",
            "Scope",
            "Context",
        ];
        let mut named = 0;
        for title in crate::test_texts::texts(&pieces, 0x51_7cc1_b727_220a, 3000, 6) {
            let kind = kind_of_title(&title);
            named += usize::from(kind.is_some());
            assert_eq!(kind, every_word(&title), "{title:?}");
        }
        assert!(named > 800, "{named}");
        // A kind word with no literal to start with is searched in every
        // title.
        let starts = KindWordStarts::of([r"\bcontents\b", r"\w+ings\b"].into_iter());
        assert_eq!(starts.in_title("findings"), 0b10);
        assert_eq!(starts.in_title("table of contents"), 0b11);
    }

    #[test]
    fn no_headings_means_one_implicit_section() {
        let (o, l) = outline_of(
            "Just a note with no headings at all, written as a single paragraph of text.\n",
        );
        assert_eq!(o.headings().count(), 0);
        assert_eq!(o.sections.len(), 1);
        assert_eq!(o.sections[0].kind, SectionKind::Other);
        assert_eq!(l.paragraphs[0].section, 0);
    }

    #[test]
    fn markdown_headings() {
        let t = "# Child Q review\n\n## Introduction\n\nText here.\n\n### Scope\n\nMore.\n\n## Recommendations\n\n1. Do it.\n";
        let mut l = layout(t, Flavour::Markdown);
        let o = outline(&mut l, Flavour::Markdown);
        assert_eq!(
            tops(&o),
            [("Introduction", 1), ("Scope", 2), ("Recommendations", 1)]
        );
        assert_eq!(o.title.as_deref(), Some("Child Q review"));
    }
}
