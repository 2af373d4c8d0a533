//! Finding the items in the paragraphs.
//!
//! Owns the walk over a document's paragraphs that gathers [`Draft`]s of
//! recommendations, learning points and good practice, in every format the
//! reviews use:
//!
//! - a label line (`Recommendation 1a`, `Learning point 3`, `Lesson 2`), or a
//!   heading that is one, followed by its text: the next paragraph, and the
//!   ones after while a paragraph ends in `:` or `;` (a list after such a
//!   lead-in is taken whole);
//! - `Recommendation 3: text` in one paragraph;
//! - inside a part whose heading makes it a recommendations, learning or good
//!   practice part (or after a short title line such as "Child X: Learning
//!   Points."): numbered or bulleted list items, numbered table rows and
//!   tables with a number column; sub-bullets, indented items and lettered
//!   items attach to the item before them; a lead-in ending in `:` introduces
//!   a list and may name its addressee; the list ends at the next paragraph
//!   of prose;
//! - under a recommendations heading that has no list: numbered paragraphs
//!   and paragraphs whose subject is an agency followed by an instruction;
//!   under a good-practice heading that has no list: its paragraphs.
//!
//! Labels count wherever they are, except in parts about other reviews'
//! recommendations or learning (national, previous) and in references.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::document::Parsed;
use crate::layout::{Paragraph, Role};
use crate::sections::{Section, SectionKind};
use crate::text::{LineIndex, MappedText};

use super::Form;
use super::agency;
use super::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Category {
    Recommendation,
    Learning,
    GoodPractice,
}

/// An item found, before ids, repeats and addressees are settled.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub category: Category,
    /// The number printed with it, if any.
    pub written_id: Option<String>,
    pub title: Option<String>,
    /// The paragraphs of its text, each with the bytes to skip at its start
    /// (a label or number written before the text).
    pub pieces: Vec<(usize, usize)>,
    /// Text read from a table cell instead of whole paragraphs.
    pub cell_text: Option<String>,
    /// The label line before the text, if any.
    pub label: Option<usize>,
    pub lead_in: Option<usize>,
    pub section: usize,
    /// The outermost section of the same kind around it.
    pub area_root: usize,
    /// The sub-heading inside that part, if the item is under one.
    pub group: Option<usize>,
    pub line: usize,
    pub form: Form,
    pub leaves: Vec<LeafDraft>,
    /// Under a summary heading: a preview if the learning is set out later.
    pub summary: bool,
    pub key_message: bool,
    /// The "lead agency" cell of a recommendations table.
    pub table_addressee: Option<String>,
}

#[derive(Debug, Clone)]
pub(super) struct LeafDraft {
    pub para: usize,
    pub skip: usize,
    pub marker: Option<String>,
}

impl Draft {
    /// The item's own words (without sub-items).
    pub fn own_text(&self, paragraphs: &[Paragraph]) -> String {
        if let Some(cell) = &self.cell_text {
            return cell.clone();
        }
        let parts: Vec<&str> = self
            .pieces
            .iter()
            .map(|&(p, skip)| &paragraphs[p].as_str()[skip..])
            .collect();
        fold(&parts.join(" "))
    }

    /// The full text: own words, then the sub-items.
    pub fn text(&self, paragraphs: &[Paragraph]) -> String {
        let own = self.own_text(paragraphs);
        if self.leaves.is_empty() {
            return own;
        }
        // "Children cared for by the local authority-" + sub-items reads as
        // "…authority: first; second".
        let head = own.trim_end_matches([':', '-', '–', ' ']);
        let mut out = if head.is_empty() {
            String::new()
        } else {
            format!("{head}: ")
        };
        for (k, leaf) in self.leaves.iter().enumerate() {
            let text = fold(&paragraphs[leaf.para].as_str()[leaf.skip..]);
            if k > 0 {
                out.push_str(if out.ends_with(['.', ';']) { " " } else { "; " });
            }
            out.push_str(&text);
        }
        out
    }

    /// Label, lead-in and text paragraphs (not sub-items).
    pub fn own_paragraphs(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .label
            .into_iter()
            .chain(self.lead_in)
            .chain(self.pieces.iter().map(|&(p, _)| p))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every paragraph, sub-items included.
    pub fn all_paragraphs(&self) -> Vec<usize> {
        let mut out = self.own_paragraphs();
        out.extend(self.leaves.iter().map(|l| l.para));
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn end_line(&self, paragraphs: &[Paragraph]) -> usize {
        self.all_paragraphs()
            .iter()
            .map(|&p| paragraphs[p].last_line)
            .max()
            .unwrap_or(self.line)
    }
}

/// What a section's heading makes of the lists in it.
#[derive(Debug, Clone, Copy)]
struct Area {
    category: Category,
    /// The titles name both recommendations and learning: a list's lead-in
    /// decides.
    mixed: bool,
    key_messages: bool,
    summary: bool,
    root: usize,
}

/// Parts about someone else's recommendations or learning.
static OTHERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\d[\d.:]*\s+)?(?:national|previous|earlier|prior|past)\b|\b(?:from|of|in|by)\s+(?:the\s+)?(?:national|previous|earlier|prior|past|other)\b|\b(?:previous|earlier|prior)\s+(?:reviews?|recommendations?|scrs?)\b|\bprogress\b|\bresearch\b|\bliterature\b|\bother\s+(?:reviews?|areas?)\b").unwrap()
});
static KEY_MESSAGES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bkey\s+messages?\b|\bmessages\s+for\b").unwrap());
static SUMMARY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bsummary\b|\boverview\b|\bat\s+a\s+glance\b|\bexecutive\b").unwrap()
});
static RECOMMEND_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\brecommend").unwrap());
static LEARNING_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\blearning\b|\blessons?\b|\bkey\s+messages?\b").unwrap());

/// A short line of prose that titles the list after it: "Child X: Learning
/// Points.", "Recommendations:", "Areas of good practice".
static TITLE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:[^:.]{1,40}:\s*)?(?:key\s+|main\s+|areas?\s+of\s+|examples?\s+of\s+)?(learning\s+points?|lessons(?:\s+learn[et]d?)?|key\s+learning|recommendations?|good\s+practice|notable\s+practice|strengths?|key\s+messages?)(?:\s+(?:for|from|to|arising|identified)\b[^.:]{0,60})?\s*[.:]?$").unwrap()
});

/// `Recommendation 1a`, `Learning point 3: text`, `Lesson Two – text`,
/// `8.1 Recommendation 3: text`, `R4: text`, `Rec 2 - text`.
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+)?(?:(?P<word>recommendation|rec\.?|learning\s+point|lessons?(?:\s+learn[et]d?)?|key\s+learning(?:\s+point)?|good\s+practice(?:\s+example)?|area\s+of\s+good\s+practice|strength)\s*(?:no\.?\s*|number\s+)?(?P<id>\d{1,3}[a-z]?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)|(?-i:(?P<short>R|LP))(?P<short_id>\d{1,3}[a-z]?))\b\s*(?:(?:[:.)]|\s[-–—])\s*(?P<rest>.*))?$").unwrap()
});

/// `7.2 The partnership should …`.
static PARAGRAPH_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+").unwrap());

/// Words that follow an addressee when a paragraph is an instruction to it.
static DIRECTIVE_AFTER_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s,]*(?:should|must|to|needs?\s+to|(?:is|are)\s+(?:asked|requested|recommended|invited|expected)\s+to|consider|seeks?|ensures?|reviews?|adopts?|commissions?|develops?|undertakes?|provides?|establish(?:es)?|evaluates?|agrees?)\b").unwrap()
});

/// A label found in a paragraph.
struct Label {
    category: Category,
    id: String,
    /// Words after the number, if any.
    rest: Option<String>,
    /// Byte offset of those words in the paragraph text.
    rest_at: usize,
}

fn parse_label(text: &str) -> Option<Label> {
    let text = text.trim_end();
    // Most paragraphs are no label: the lazy DFA says so in a few bytes,
    // where finding capture groups would start a slower engine.
    if !LABEL.is_match(text) {
        return None;
    }
    let caps = LABEL.captures(text)?;
    let word = caps
        .name("word")
        .or(caps.name("short"))?
        .as_str()
        .to_lowercase();
    let category = if word.starts_with("rec") || word == "r" {
        Category::Recommendation
    } else if word.contains("practice") || word.starts_with("strength") {
        Category::GoodPractice
    } else {
        Category::Learning
    };
    let id = number_word(
        &caps
            .name("id")
            .or(caps.name("short_id"))?
            .as_str()
            .to_lowercase(),
    );
    let rest = caps.name("rest").filter(|m| !m.as_str().trim().is_empty());
    Some(Label {
        category,
        id,
        rest: rest.map(|m| m.as_str().trim().to_owned()),
        rest_at: rest.map_or(0, |m| m.start()),
    })
}

fn number_word(id: &str) -> String {
    const WORDS: [&str; 20] = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    match WORDS.iter().position(|w| *w == id) {
        Some(n) => (n + 1).to_string(),
        None => id.to_owned(),
    }
}

/// Paragraphs that do not interrupt a list or a label's text: footnotes,
/// page furniture, link lines, comments, captions.
fn is_aside(p: &Paragraph) -> bool {
    matches!(
        p.role,
        Role::Footnote | Role::PageFurniture | Role::Link | Role::Comment | Role::Caption
    )
}

fn is_text(p: &Paragraph) -> bool {
    matches!(p.role, Role::Prose | Role::ListItem | Role::TableRow)
}

/// The list state of the walk.
#[derive(Default)]
struct ListState {
    lead_in: Option<usize>,
    /// Draft of the last item, for attaching sub-items.
    last_item: Option<usize>,
    last_depth: u8,
    /// Unnumbered bullets after a numbered item ending in `:` are its
    /// sub-items.
    leaf_mode: bool,
    /// A title line opened a list outside a part of its kind.
    title_line: Option<TitleLine>,
    /// Columns of the last table header row.
    table_header: Option<Vec<String>>,
    /// The list is someone else's, announced by a lead-in quoting them.
    quoted_list: bool,
}

#[derive(Clone, Copy)]
struct TitleLine {
    area: Area,
    items: usize,
}

struct Walk<'a> {
    paragraphs: &'a [Paragraph],
    sections: &'a [Section],
    text: &'a str,
    lines: &'a LineIndex,
    areas: Vec<Option<Area>>,
    /// Sections whose own paragraphs hold a list or a label.
    structured: Vec<bool>,
    /// Per paragraph: whether it holds a label (see [`Walk::label_at`]).
    labelled: Vec<bool>,
    consumed: Vec<bool>,
    drafts: Vec<Draft>,
    state: ListState,
}

/// Gathers the drafts of a document, in reading order.
pub(super) fn collect(parsed: &Parsed) -> Vec<Draft> {
    let paragraphs = &parsed.layout.paragraphs;
    let sections = &parsed.outline.sections;
    let areas = (0..sections.len()).map(|s| area_of(sections, s)).collect();
    // Which paragraphs hold a label, asked once each: the walk asks of the
    // same paragraph again as it looks ahead for a label's text.
    let labelled: Vec<bool> = paragraphs
        .iter()
        .map(|p| {
            (is_text(p) || matches!(p.role, Role::Heading | Role::ItemLabel))
                && LABEL.is_match(p.as_str().trim_end())
        })
        .collect();
    let mut structured = vec![false; sections.len()];
    for (p, &labelled) in paragraphs.iter().zip(&labelled) {
        let listed = matches!(p.role, Role::ListItem | Role::ItemLabel)
            || (p.role == Role::TableRow && p.marker.is_some())
            || (is_text(p) && labelled);
        if listed && p.section < structured.len() {
            structured[p.section] = true;
        }
    }
    let mut walk = Walk {
        paragraphs,
        sections,
        text: &parsed.doc.text,
        lines: &parsed.doc.lines,
        areas,
        structured,
        labelled,
        consumed: vec![false; paragraphs.len()],
        drafts: Vec::new(),
        state: ListState::default(),
    };
    walk.run();
    walk.drafts
}

/// The area a section's heading (and those around it) makes.
fn area_of(sections: &[Section], s: usize) -> Option<Area> {
    let section = &sections[s];
    let category = match section.kind {
        SectionKind::Recommendations => Category::Recommendation,
        SectionKind::Learning => Category::Learning,
        SectionKind::GoodPractice => Category::GoodPractice,
        _ => return None,
    };
    if section.implicit {
        return None;
    }
    let mut chain = vec![s];
    let mut cur = s;
    while let Some(p) = sections[cur].parent {
        chain.push(p);
        cur = p;
    }
    // The part: this section and the ancestors of the same kind.
    let root = chain
        .iter()
        .copied()
        .take_while(|&c| sections[c].kind == section.kind)
        .last()
        .unwrap_or(s);
    let in_part: Vec<&str> = chain
        .iter()
        .take_while(|&&c| sections[c].kind == section.kind)
        .map(|&c| sections[c].title.as_str())
        .collect();
    if in_part.iter().any(|t| OTHERS.is_match(t)) {
        return None;
    }
    let mixed = in_part.iter().any(|t| RECOMMEND_WORD.is_match(t))
        && in_part.iter().any(|t| LEARNING_WORD.is_match(t));
    Some(Area {
        category,
        mixed,
        key_messages: in_part.iter().any(|t| KEY_MESSAGES.is_match(t)),
        // A learning list is a preview when its own heading says summary, or
        // when it sits in a summary of another kind (an executive summary);
        // sections that merely follow a "Summary learning" heading are not.
        summary: SUMMARY.is_match(&section.title)
            || chain
                .iter()
                .any(|&c| sections[c].kind != section.kind && SUMMARY.is_match(&sections[c].title)),
        root,
    })
}

impl Walk<'_> {
    fn run(&mut self) {
        let mut section = usize::MAX;
        for i in 0..self.paragraphs.len() {
            if self.consumed[i] {
                continue;
            }
            let p = &self.paragraphs[i];
            if p.section != section {
                section = p.section;
                self.state = ListState::default();
            }
            if self.in_others_part(p.section) {
                continue;
            }
            match p.role {
                Role::Heading => {
                    if let Some(label) = self.label_at(i) {
                        self.label(i, label);
                    }
                    self.state = ListState::default();
                    continue;
                }
                Role::ItemLabel => {
                    if let Some(label) = self.label_at(i) {
                        self.label(i, label);
                    }
                    self.end_list();
                    continue;
                }
                _ if !is_text(p) => continue,
                _ => {}
            }
            if let Some(label) = self.label_at(i) {
                self.label(i, label);
                self.end_list();
                continue;
            }
            match p.role {
                Role::Prose => self.prose(i),
                Role::ListItem => self.list_item(i, Form::ListItem),
                _ => self.row(i),
            }
        }
    }

    /// The label paragraph `i` holds, if any.
    fn label_at(&self, i: usize) -> Option<Label> {
        if !self.labelled[i] {
            return None;
        }
        parse_label(self.paragraphs[i].as_str())
    }

    /// Sections about other reviews' findings, and references.
    fn in_others_part(&self, s: usize) -> bool {
        let mut cur = Some(s);
        while let Some(c) = cur {
            let sec = &self.sections[c];
            if !sec.implicit
                && (sec.kind == SectionKind::References
                    || (matches!(
                        sec.kind,
                        SectionKind::Recommendations | SectionKind::Learning
                    ) && OTHERS.is_match(&sec.title)))
            {
                return true;
            }
            cur = sec.parent;
        }
        false
    }

    fn end_list(&mut self) {
        self.state.lead_in = None;
        self.state.last_item = None;
        self.state.leaf_mode = false;
        self.state.quoted_list = false;
    }

    /// The area in force: a title line's, else the section's.
    fn area(&self, section: usize) -> Option<Area> {
        self.state
            .title_line
            .map(|t| t.area)
            .or_else(|| self.areas.get(section).copied().flatten())
    }

    /// The next paragraph from `from` that is not an aside.
    fn next_text(&self, from: usize) -> Option<usize> {
        (from..self.paragraphs.len()).find(|&j| !is_aside(&self.paragraphs[j]))
    }

    /// A label and the text it introduces.
    fn label(&mut self, i: usize, label: Label) {
        let p = &self.paragraphs[i];
        let is_heading = p.role == Role::Heading;
        let section = if is_heading {
            self.sections[p.section].parent.unwrap_or(p.section)
        } else {
            p.section
        };
        let (pieces, label_para, title, form) = match (&label.rest, is_heading) {
            // `Recommendation 3: text` in running text.
            (Some(_), false) => {
                let mut pieces = vec![(i, label.rest_at)];
                pieces.extend(self.continuation(i).into_iter().map(|j| (j, 0)));
                (pieces, None, None, Form::InlineLabel)
            }
            // A label line or heading, possibly with a caption.
            (rest, _) => {
                let body = self.body(i + 1);
                if body.is_empty() && rest.is_none() {
                    return;
                }
                let pieces = body.into_iter().map(|j| (j, 0)).collect();
                (pieces, Some(i), rest.clone(), Form::Label)
            }
        };
        for &(j, _) in &pieces {
            self.consumed[j] = true;
        }
        let area = self.areas.get(section).copied().flatten();
        let cell_text = pieces.is_empty().then(|| title.clone()).flatten();
        self.drafts.push(Draft {
            category: label.category,
            written_id: Some(label.id),
            title,
            pieces,
            cell_text,
            label: label_para,
            lead_in: None,
            section,
            area_root: area.map_or(section, |a| a.root),
            group: None,
            line: p.first_line,
            form,
            leaves: Vec::new(),
            summary: area.is_some_and(|a| a.summary),
            key_message: area.is_some_and(|a| a.key_messages),
            table_addressee: None,
        });
    }

    /// The text after a label line: the next paragraph, and more while a
    /// paragraph ends in `:` or `;`; a list is taken whole.
    fn body(&self, from: usize) -> Vec<usize> {
        let Some(first) = self.next_text(from) else {
            return Vec::new();
        };
        let p = &self.paragraphs[first];
        if !is_text(p) || self.labelled[first] {
            return Vec::new();
        }
        if p.role == Role::ListItem {
            return self.list_run(first);
        }
        let mut out = vec![first];
        out.extend(self.continuation(first));
        out
    }

    /// Paragraphs that carry on a text ending in `:` or `;`.
    fn continuation(&self, from: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut last = from;
        while self.paragraphs[last]
            .as_str()
            .trim_end()
            .ends_with([':', ';'])
        {
            let Some(next) = self.next_text(last + 1) else {
                break;
            };
            let p = &self.paragraphs[next];
            if !is_text(p) || self.labelled[next] {
                break;
            }
            if p.role == Role::ListItem {
                out.extend(self.list_run(next));
                break;
            }
            out.push(next);
            last = next;
        }
        out
    }

    /// The list items from `from` on, across asides.
    fn list_run(&self, from: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut j = from;
        while j < self.paragraphs.len() {
            let p = &self.paragraphs[j];
            if p.role == Role::ListItem && !self.labelled[j] {
                out.push(j);
            } else if !is_aside(p) {
                break;
            }
            j += 1;
        }
        out
    }

    fn prose(&mut self, i: usize) {
        let p = &self.paragraphs[i];
        let text = p.as_str().trim();
        // Compared with 12 and 40 only.
        let words = p.words_up_to(41);
        if words <= 12 {
            if let Some(area) = self.title_line_area(text, p.section) {
                self.end_list();
                self.state.title_line = Some(TitleLine { area, items: 0 });
                return;
            }
        }
        if text.ends_with(':') {
            self.end_list();
            self.state.lead_in = Some(i);
            if self.state.title_line.is_some_and(|t| t.items > 0) {
                self.state.title_line = None;
            }
            // "The review makes the following recommendations:" opens a
            // list of this review's recommendations wherever it stands;
            // "The national panel made the following recommendations:" one
            // that is not harvested, even under a recommendations heading.
            let announced = list_announced(text);
            self.state.quoted_list = announced == Some(Announced::Theirs);
            if let Some(Announced::Ours(category)) = announced {
                self.state.title_line = Some(TitleLine {
                    area: Area {
                        category,
                        mixed: false,
                        key_messages: false,
                        summary: self.areas[p.section].is_some_and(|a| a.summary),
                        root: p.section,
                    },
                    items: 0,
                });
            }
            return;
        }
        // Prose that is not a lead-in ends a list, and a title line's list.
        if let Some(t) = self.state.title_line {
            if t.items > 0 || words > 40 {
                self.state.title_line = None;
            }
        }
        self.end_list();
        if self.state.title_line.is_some() || self.structured[p.section] {
            return;
        }
        let Some(area) = self.area(p.section) else {
            return;
        };
        match area.category {
            Category::Recommendation if is_instruction_paragraph(text) => {
                // `7.2 The partnership should …`: the number is the id.
                let draft = match PARAGRAPH_NUMBER.captures(p.as_str()) {
                    Some(c) => {
                        let mut d = self.new_draft(
                            i,
                            area,
                            area.category,
                            Some(c[1].to_owned()),
                            Form::NumberedParagraph,
                        );
                        d.pieces = vec![(i, c.get(0).map_or(0, |m| m.end()))];
                        d
                    }
                    None => self.new_draft(i, area, area.category, None, Form::Paragraph),
                };
                self.drafts.push(draft);
            }
            Category::GoodPractice => {
                let draft = self.new_draft(i, area, area.category, None, Form::Paragraph);
                self.drafts.push(draft);
            }
            _ => {}
        }
    }

    /// The area a short title line opens, if it is one.
    fn title_line_area(&self, text: &str, section: usize) -> Option<Area> {
        let caps = TITLE_LINE.captures(text)?;
        let word = caps.get(1)?.as_str().to_lowercase();
        let category = if word.starts_with("recommendation") {
            Category::Recommendation
        } else if word.contains("practice") || word.starts_with("strength") {
            Category::GoodPractice
        } else {
            Category::Learning
        };
        let around = self.areas.get(section).copied().flatten();
        Some(Area {
            category,
            mixed: false,
            key_messages: word.contains("message"),
            summary: around.is_some_and(|a| a.summary),
            root: section,
        })
    }

    fn new_draft(
        &self,
        i: usize,
        area: Area,
        category: Category,
        id: Option<String>,
        form: Form,
    ) -> Draft {
        let p = &self.paragraphs[i];
        Draft {
            category,
            written_id: id,
            title: None,
            pieces: vec![(i, 0)],
            cell_text: None,
            label: None,
            lead_in: self.state.lead_in,
            section: p.section,
            area_root: area.root,
            group: (area.root != p.section).then_some(p.section),
            line: p.first_line,
            form,
            leaves: Vec::new(),
            summary: area.summary,
            key_message: area.key_messages,
            table_addressee: None,
        }
    }

    /// The category of a list in `area`: a mixed part's list is decided by
    /// its lead-in.
    fn list_category(&self, area: Area) -> Category {
        if !area.mixed {
            return area.category;
        }
        match self.state.lead_in.map(|l| self.paragraphs[l].as_str()) {
            Some(l) if RECOMMEND_WORD.is_match(l) => Category::Recommendation,
            Some(l) if LEARNING_WORD.is_match(l) => Category::Learning,
            _ => area.category,
        }
    }

    fn list_item(&mut self, i: usize, form: Form) {
        let p = &self.paragraphs[i];
        if self.state.quoted_list {
            return;
        }
        let Some(area) = self.area(p.section) else {
            self.end_list();
            return;
        };
        let number = p.marker.as_ref().and_then(|m| m.number.clone());
        if let Some(parent) = self.state.last_item {
            let parent_numeric = self.drafts[parent]
                .written_id
                .as_deref()
                .is_some_and(|id| id.starts_with(|c: char| c.is_ascii_digit()));
            let lettered = number
                .as_deref()
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_alphabetic()));
            let sub_item = p.depth > self.state.last_depth
                || (lettered && parent_numeric)
                || (number.is_none() && self.state.leaf_mode);
            if sub_item {
                self.drafts[parent].leaves.push(LeafDraft {
                    para: i,
                    skip: 0,
                    marker: number,
                });
                return;
            }
        }
        let category = self.list_category(area);
        let mut draft = self.new_draft(i, area, category, number.clone(), form);
        if category != area.category {
            draft.key_message = false;
        }
        self.state.leaf_mode = number.is_some() && p.as_str().trim_end().ends_with([':', '-', '–']);
        self.state.last_depth = p.depth;
        self.state.last_item = Some(self.drafts.len());
        self.drafts.push(draft);
        if let Some(t) = &mut self.state.title_line {
            t.items += 1;
        }
    }

    /// A table row: a numbered row is an item; a row with a number column
    /// is an item whose text is its first long cell; a header row names the
    /// columns.
    fn row(&mut self, i: usize) {
        let p = &self.paragraphs[i];
        if p.marker.as_ref().is_some_and(|m| m.number.is_some()) {
            self.list_item(i, Form::TableRow);
            return;
        }
        let Some(area) = self.area(p.section) else {
            return;
        };
        let cells = self.cells(i);
        let id = cells
            .first()
            .and_then(|c| row_number(c))
            .filter(|_| cells.len() >= 2);
        let long = cells
            .iter()
            .skip(1)
            .position(|c| c.split_whitespace().count() >= 5);
        let (Some(id), Some(k)) = (id, long) else {
            // Not an item: remember it as the header if it names columns.
            if cells.iter().any(|c| COLUMN_NAME.is_match(c)) {
                self.state.table_header = Some(cells);
            }
            return;
        };
        let text_at = k + 1;
        let category = self.list_category(area);
        let mut draft = self.new_draft(i, area, category, Some(id), Form::TableRow);
        draft.cell_text = Some(cells[text_at].clone());
        draft.table_addressee = self.state.table_header.as_ref().and_then(|header| {
            let col = header.iter().position(|h| LEAD_COLUMN.is_match(h))?;
            cells.get(col).filter(|c| !c.is_empty()).cloned()
        });
        self.state.last_item = None;
        self.drafts.push(draft);
    }

    /// The normalised cells of a table row's source line.
    fn cells(&self, i: usize) -> Vec<String> {
        let line = self.paragraphs[i].first_line;
        let Range { start, end } = self.lines.line_span(self.text, line);
        let mut out = Vec::new();
        let mut at = start;
        for raw in self.text[start..end].split('\t') {
            let mut cell = MappedText::new();
            crate::text::normalise_into(&mut cell, self.text, at..at + raw.len());
            out.push(fold(cell.as_str()));
            at += raw.len() + 1;
        }
        out.retain(|c| !c.is_empty());
        out
    }
}

static COLUMN_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:no\.?|number|#|ref(?:erence)?|recommendations?|learning(?:\s+points?)?|actions?|lead(?:\s+agency)?|agency|owner|responsib\w*|by\s+whom|who|timescales?|deadline|target\s+date)$").unwrap()
});
static LEAD_COLUMN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:lead(?:\s+agency)?|agency|owner|responsib\w*|by\s+whom|who)$").unwrap()
});

/// The category of the list a lead-in announces: "The review makes the
/// following recommendations:", "These are the key learning points:". Lead-ins
/// quoting national bodies, earlier reviews or research announce someone
/// else's list.
fn list_announced(lead_in: &str) -> Option<Announced> {
    static ANNOUNCES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:following|these|this|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(?:key\s+|main\s+|further\s+)?(recommendations?|learning\s+points?|lessons(?:\s+learn[et]d?)?|points\s+of\s+learning)\b[^.]*:$").unwrap()
    });
    static SOMEONE_ELSE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:national|previous|earlier|prior|other\s+(?:reviews?|areas?|partnerships?)|ofsted|inspect\w*|government|department|research|triennial|studies|study)\b").unwrap()
    });
    let caps = ANNOUNCES.captures(lead_in)?;
    if SOMEONE_ELSE.is_match(lead_in) {
        return Some(Announced::Theirs);
    }
    Some(Announced::Ours(
        if caps[1].to_lowercase().starts_with("recommendation") {
            Category::Recommendation
        } else {
            Category::Learning
        },
    ))
}

/// Whose list a lead-in announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Announced {
    Ours(Category),
    Theirs,
}

/// The item number of a table's first cell: `3`, `3.`, `1a`, `R3`,
/// `Recommendation 3`.
fn row_number(cell: &str) -> Option<String> {
    static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:recommendation\s+|learning\s+point\s+|r|lp)?(\d{1,3}[a-z]?)\.?$")
            .unwrap()
    });
    NUMBER.captures(cell.trim()).map(|c| c[1].to_owned())
}

/// A paragraph under a recommendations heading that instructs an agency:
/// its subject is one and a directive follows ("The partnership should…",
/// "Police to review…"), or it opens with "It is recommended that…".
fn is_instruction_paragraph(text: &str) -> bool {
    let body = match PARAGRAPH_NUMBER.find(text) {
        Some(m) => &text[m.end()..],
        None => text,
    };
    static RECOMMENDED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:it\s+is\s+(?:therefore\s+)?recommended\s+that|(?:the|this)\s+(?:review|panel|reviewer|author)s?\s+(?:therefore\s+)?recommends?\s+that|we\s+recommend)\b").unwrap()
    });
    if RECOMMENDED.is_match(body) {
        return true;
    }
    let Some((_, phrase)) = agency::subject(body) else {
        return false;
    };
    body.find(&phrase)
        .is_some_and(|at| DIRECTIVE_AFTER_SUBJECT.is_match(&body[at + phrase.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        let l = parse_label("Recommendation 1a").unwrap();
        assert_eq!(
            (l.category, l.id.as_str(), l.rest),
            (Category::Recommendation, "1a", None)
        );
        let l = parse_label("Learning point 3: Professionals need to share.").unwrap();
        assert_eq!(l.category, Category::Learning);
        assert_eq!(l.rest.as_deref(), Some("Professionals need to share."));
        let l = parse_label("Recommendation Two – The police should review.").unwrap();
        assert_eq!(l.id, "2");
        assert_eq!(l.rest.as_deref(), Some("The police should review."));
        assert!(parse_label("Recommendation 3 was accepted by the board.").is_none());
        let l = parse_label("8.1 Recommendation 3: The local authority should act.").unwrap();
        assert_eq!(
            (l.id.as_str(), l.rest.as_deref()),
            ("3", Some("The local authority should act."))
        );
        let l = parse_label("R4: Police to review the form.").unwrap();
        assert_eq!((l.category, l.id.as_str()), (Category::Recommendation, "4"));
        let l = parse_label("LP2 - Professionals need to ask.").unwrap();
        assert_eq!((l.category, l.id.as_str()), (Category::Learning, "2"));
        assert!(parse_label("R4 was agreed.").is_none());
        assert!(parse_label("r4: lower case is not a label").is_none());
        assert!(parse_label("Recommendations").is_none());
    }

    #[test]
    fn instruction_paragraphs() {
        assert!(is_instruction_paragraph(
            "7.2 The partnership should audit supervision."
        ));
        assert!(is_instruction_paragraph(
            "Police to review the use of bail."
        ));
        assert!(is_instruction_paragraph(
            "It is recommended that schools record exclusions."
        ));
        assert!(!is_instruction_paragraph(
            "6.1 This practice review has identified themes for the partnership to consider."
        ));
        assert!(!is_instruction_paragraph(
            "The partnership has accepted these recommendations."
        ));
    }

    #[test]
    fn title_lines() {
        for t in [
            "Child X: Learning Points.",
            "Recommendations:",
            "Areas of good practice",
            "Key messages for the partnership",
        ] {
            assert!(TITLE_LINE.is_match(t), "{t}");
        }
        for t in [
            "The review makes the following recommendations:",
            "Learning is detailed throughout the report",
        ] {
            assert!(!TITLE_LINE.is_match(t), "{t}");
        }
    }

    #[test]
    fn announced_lists() {
        assert_eq!(
            list_announced("2.2 The review makes the following recommendations:"),
            Some(Announced::Ours(Category::Recommendation))
        );
        assert_eq!(
            list_announced("The panel identified three key learning points:"),
            Some(Announced::Ours(Category::Learning))
        );
        assert_eq!(
            list_announced("The national panel made the following recommendations:"),
            Some(Announced::Theirs)
        );
        assert_eq!(list_announced("The following agencies took part:"), None);
    }

    #[test]
    fn row_numbers() {
        assert_eq!(row_number("3").as_deref(), Some("3"));
        assert_eq!(row_number("R12").as_deref(), Some("12"));
        assert_eq!(row_number("Recommendation 1a").as_deref(), Some("1a"));
        assert_eq!(row_number("Lead agency"), None);
    }
}
