//! Test-time generator of Word and PDF versions of a plain-text review.
//!
//! Owns turning a sample review (`corpus/*.txt`) into the `.docx` its author
//! might have drafted and the `.pdf` a partnership might have published, so
//! that the conversion tests compare like with like. The text is first read
//! the way revlens reads it (paragraphs, list items, table rows, footnotes,
//! headings with their levels); then:
//!
//! - the `.docx` (zip + XML written with the `zip` and `quick-xml` crates)
//!   uses Word's heading styles (and Title for the cover title), real
//!   numbered and bulleted lists (`numbering.xml`, numbers not typed in),
//!   tables for tab-separated rows and real footnotes;
//! - the `.pdf` (objects written with `lopdf`) is typeset on A4 pages with a
//!   running header (the title) and a page-number footer, bold larger
//!   headings, hanging list items, tables with wrapped cells, footnotes at the
//!   foot of the page behind raised markers, and page 2 set in two columns.
//!
//! Also makes the broken files the error tests need: a scanned (image-only)
//! PDF and encrypted PDFs.

use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::sync::LazyLock;

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document as Pdf, Object, Stream, StringFormat, dictionary};
use quick_xml::escape::escape;
use regex::Regex;
use revlens::document::Document;
use revlens::layout::{Flavour, Role};

// ---------------------------------------------------------------------------
// The review as a writer sees it

#[derive(Debug, Clone)]
pub enum Piece {
    Heading {
        level: u8,
        text: String,
    },
    Title(String),
    Para(String),
    /// A paragraph set in from the margin (its line starts with a space).
    Indented(String),
    Item {
        label: Label,
        depth: u8,
        text: String,
    },
    Row(Vec<String>),
    Note {
        marker: String,
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    Bullet,
    /// `3.` or `3)`: a Word list number.
    Number {
        value: u32,
        close: char,
    },
    /// Anything else (`1a.`, `(iv)`) is typed in.
    Typed(String),
}

#[derive(Debug, Clone)]
pub struct Block {
    pub piece: Piece,
    /// In the same block of lines as the piece before it (no blank line).
    pub joined: bool,
}

static LIST_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:([-•*·▪◦‣–●○■□➢→])\s+(?:>\s+)?|(\(?[0-9a-zA-Z]{1,4}[.)])\s+)").unwrap()
});
static NOTE_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([¹²³⁰⁴⁵⁶⁷⁸⁹]+|\^\{[^}]*\}|\d{1,3})\s*").unwrap());

/// Reads a plain-text review into the pieces a writer would type.
pub fn pieces(path: &str, text: &str) -> Vec<Block> {
    let doc = Document::from_bytes(path, text.as_bytes(), Flavour::PlainText).unwrap();
    let parsed = doc.parse();
    let lines: Vec<&str> = text.lines().collect();
    let paragraphs = &parsed.layout.paragraphs;
    // Each source line belongs to one paragraph; a paragraph re-joined across
    // a page break takes only the lines between its ends that no other
    // paragraph (a footnote) owns.
    let mut owner = vec![usize::MAX; lines.len() + 2];
    for (i, p) in paragraphs.iter().enumerate() {
        if !p.rejoined {
            owner[p.first_line..=p.last_line].fill(i);
        }
    }
    for (i, p) in paragraphs.iter().enumerate() {
        if p.rejoined {
            for o in &mut owner[p.first_line..=p.last_line] {
                if *o == usize::MAX {
                    *o = i;
                }
            }
        }
    }
    let levels: HashMap<usize, u8> = parsed
        .outline
        .headings()
        .map(|s| (s.start, s.level))
        .collect();
    let title = parsed.outline.title.clone();
    let mut out = Vec::new();
    let mut prev_last_line = 0;
    for (i, p) in paragraphs.iter().enumerate() {
        let own: Vec<&str> = (p.first_line..=p.last_line)
            .filter(|&l| owner[l] == i)
            .map(|l| lines[l - 1])
            .collect();
        let joined = prev_last_line > 0
            && (prev_last_line + 1..p.first_line).all(|l| !lines[l - 1].trim().is_empty());
        prev_last_line = p.last_line;
        let raw = own.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ");
        if raw.is_empty() {
            continue;
        }
        let piece = match p.role {
            Role::Heading => Piece::Heading {
                level: levels.get(&i).copied().unwrap_or(1),
                text: raw,
            },
            Role::TableRow | Role::Contents if own.len() == 1 && own[0].contains('\t') => {
                Piece::Row(
                    own[0]
                        .trim()
                        .split('\t')
                        .map(|c| c.trim().to_owned())
                        .collect(),
                )
            }
            Role::Footnote => match NOTE_MARKER.captures(&raw) {
                Some(c) => Piece::Note {
                    marker: c[1].to_owned(),
                    text: raw[c.get(0).unwrap().end()..].to_owned(),
                },
                None => Piece::Para(raw),
            },
            Role::ListItem => list_item(&raw, p.depth),
            _ if title.as_deref() == Some(raw.as_str()) => Piece::Title(raw),
            _ if own[0].starts_with([' ', '\t']) => Piece::Indented(raw),
            _ => Piece::Para(raw),
        };
        out.push(Block { piece, joined });
    }
    out
}

fn list_item(raw: &str, depth: u8) -> Piece {
    let Some(c) = LIST_LABEL.captures(raw) else {
        return Piece::Para(raw.to_owned());
    };
    let text = raw[c.get(0).unwrap().end()..].to_owned();
    let label = if c.get(1).is_some() {
        Label::Bullet
    } else {
        let l = &c[2];
        let digits = l.trim_end_matches(['.', ')']);
        match (digits.parse::<u32>(), l.chars().last()) {
            (Ok(value), Some(close)) if !l.starts_with('(') => Label::Number { value, close },
            _ => Label::Typed(l.to_owned()),
        }
    };
    Piece::Item { label, depth, text }
}

// ---------------------------------------------------------------------------
// Word

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A `.docx` of the review.
pub fn docx(path: &str, text: &str) -> Vec<u8> {
    let blocks = pieces(path, text);
    let mut body = String::new();
    let mut notes = String::new();
    let mut nums = String::new();
    let mut next_num = 10;
    // The note each marker refers to, and whether it was referenced yet.
    let note_ids: Vec<(String, usize)> = blocks
        .iter()
        .filter_map(|b| match &b.piece {
            Piece::Note { marker, .. } => Some(marker.clone()),
            _ => None,
        })
        .enumerate()
        .map(|(i, m)| (m, i + 1))
        .collect();
    let mut referenced = vec![false; note_ids.len() + 1];
    let mut list_run: Option<(u32, char, u8, u32)> = None; // (num id, close, depth, last value)
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut last_para_end: Option<usize> = None;
    let mut note_index = 0;
    for b in &blocks {
        if !matches!(b.piece, Piece::Row(_)) && !table.is_empty() {
            body.push_str(&word_table(&table));
            table.clear();
        }
        if !matches!(
            b.piece,
            Piece::Item {
                label: Label::Number { .. },
                ..
            }
        ) {
            list_run = None;
        }
        match &b.piece {
            Piece::Title(t) => body.push_str(&word_para(
                Some("Title"),
                None,
                &runs(t, &[], &mut referenced),
            )),
            Piece::Heading { level, text } => body.push_str(&word_para(
                Some(&format!("Heading{}", level.min(&6))),
                None,
                &runs(text, &[], &mut referenced),
            )),
            Piece::Para(t) | Piece::Indented(t) => {
                body.push_str(&word_para(None, None, &runs(t, &note_ids, &mut referenced)));
                last_para_end = Some(body.len() - "</w:p>".len());
            }
            Piece::Item { label, depth, text } => {
                let (num, shown) = match label {
                    Label::Bullet => (Some((1, *depth)), text.clone()),
                    Label::Number { value, close } => {
                        let continues = list_run.is_some_and(|(_, c, d, last)| {
                            c == *close && d == *depth && last + 1 == *value
                        });
                        if !continues {
                            let abstract_id = if *close == ')' { 3 } else { 2 };
                            nums.push_str(&format!(
                                r#"<w:num w:numId="{next_num}"><w:abstractNumId w:val="{abstract_id}"/><w:lvlOverride w:ilvl="{depth}"><w:startOverride w:val="{value}"/></w:lvlOverride></w:num>"#
                            ));
                            list_run = Some((next_num, *close, *depth, *value));
                            next_num += 1;
                        }
                        let (id, ..) = list_run.unwrap();
                        list_run = list_run.map(|(i, c, d, _)| (i, c, d, *value));
                        (Some((id, *depth)), text.clone())
                    }
                    Label::Typed(l) => (None, format!("{l} {text}")),
                };
                let style = num.map(|_| "ListParagraph");
                body.push_str(&word_para(
                    style,
                    num,
                    &runs(&shown, &note_ids, &mut referenced),
                ));
                last_para_end = Some(body.len() - "</w:p>".len());
            }
            Piece::Row(cells) => table.push(cells.clone()),
            Piece::Note { text, .. } => {
                note_index += 1;
                notes.push_str(&format!(
                    r#"<w:footnote w:id="{note_index}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {}</w:t></w:r></w:p></w:footnote>"#,
                    escape(text.as_str())
                ));
                // A note nobody points to is pointed to from the paragraph
                // before it, as Word would have it.
                if !referenced[note_index] {
                    referenced[note_index] = true;
                    if let Some(at) = last_para_end {
                        body.insert_str(at, &note_reference(note_index));
                    }
                }
            }
        }
    }
    if !table.is_empty() {
        body.push_str(&word_table(&table));
    }
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    );
    let footnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>{notes}</w:footnotes>"#
    );
    let numbering = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="{W}">{}{}{}<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>{nums}</w:numbering>"#,
        abstract_list(1, &["bullet"; 3], &["\u{F0B7}", "o", "\u{F0A7}"]),
        abstract_list(
            2,
            &["decimal", "lowerLetter", "lowerRoman"],
            &["%1.", "%2)", "%3."]
        ),
        abstract_list(
            3,
            &["decimal", "lowerLetter", "lowerRoman"],
            &["%1)", "%2)", "%3)"]
        ),
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in [
        ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
        ("_rels/.rels", PACKAGE_RELS.to_owned()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
        ("word/document.xml", document),
        ("word/styles.xml", styles()),
        ("word/numbering.xml", numbering),
        ("word/footnotes.xml", footnotes),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn note_reference(id: usize) -> String {
    format!(
        r#"<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="{id}"/></w:r>"#
    )
}

/// Runs of a paragraph: tabs as `<w:tab/>`, and superscript markers of the
/// review's footnotes as real footnote references.
fn runs(text: &str, notes: &[(String, usize)], referenced: &mut [bool]) -> String {
    let mut out = String::new();
    let mut plain = String::new();
    let flush = |plain: &mut String, out: &mut String| {
        for (i, part) in plain.split('\t').enumerate() {
            if i > 0 {
                out.push_str("<w:r><w:tab/></w:r>");
            }
            if !part.is_empty() {
                out.push_str(&format!(
                    r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
                    escape(part)
                ));
            }
        }
        plain.clear();
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if revlens::text::is_superscript_digit(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !revlens::text::is_superscript_digit(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let marker = &text[i..end];
            if let Some((_, id)) = notes.iter().find(|(m, id)| m == marker && !referenced[*id]) {
                referenced[*id] = true;
                flush(&mut plain, &mut out);
                out.push_str(&note_reference(*id));
                continue;
            }
            plain.push_str(marker);
            continue;
        }
        plain.push(c);
    }
    flush(&mut plain, &mut out);
    out
}

fn word_para(style: Option<&str>, num: Option<(u32, u8)>, runs: &str) -> String {
    let mut ppr = String::new();
    if let Some(s) = style {
        ppr.push_str(&format!(r#"<w:pStyle w:val="{s}"/>"#));
    }
    if let Some((id, level)) = num {
        ppr.push_str(&format!(
            r#"<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{id}"/></w:numPr>"#
        ));
    }
    format!("<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>")
}

fn word_table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(1);
    let mut out =
        String::from(r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/></w:tblPr><w:tblGrid>"#);
    for _ in 0..columns {
        out.push_str(r#"<w:gridCol w:w="2000"/>"#);
    }
    out.push_str("</w:tblGrid>");
    for row in rows {
        out.push_str("<w:tr>");
        for c in 0..columns {
            let text = row.get(c).map_or("", String::as_str);
            out.push_str(&format!(
                "<w:tc>{}</w:tc>",
                word_para(None, None, &runs(text, &[], &mut []))
            ));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

fn abstract_list(id: u32, formats: &[&str], texts: &[&str]) -> String {
    let mut out = format!(r#"<w:abstractNum w:abstractNumId="{id}">"#);
    for (level, (f, t)) in formats.iter().zip(texts).enumerate() {
        out.push_str(&format!(
            r#"<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{f}"/><w:lvlText w:val="{t}"/><w:pPr><w:ind w:left="{}" w:hanging="360"/></w:pPr></w:lvl>"#,
            720 * (level + 1)
        ));
    }
    out.push_str("</w:abstractNum>");
    out
}

fn styles() -> String {
    let mut s = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/><w:basedOn w:val="Normal"/></w:style><w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>"#
    );
    for n in 1..=6 {
        s.push_str(&format!(
            r#"<w:style w:type="paragraph" w:styleId="Heading{n}"><w:name w:val="heading {n}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="{}"/></w:pPr></w:style>"#,
            n - 1
        ));
    }
    s.push_str("</w:styles>");
    s
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>"#;
const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>"#;

// ---------------------------------------------------------------------------
// PDF

const PAGE_W: f64 = 595.0;
const PAGE_H: f64 = 842.0;
const MARGIN: f64 = 72.0;
const GUTTER: f64 = 18.0;
const BODY: f64 = 10.5;
const LEADING: f64 = 13.5;
const TABLE: f64 = 9.5;
const NOTE: f64 = 8.0;

/// Advance widths (1/1000 em) of the characters the fixtures use, close to
/// Helvetica's; the same table goes into the PDF's font dictionaries.
fn char_width(c: char) -> f64 {
    let w = match c {
        ' ' | 'f' | 't' | 'I' | '.' | ',' | ':' | ';' | '!' | '/' | '[' | ']' => 278,
        'i' | 'j' | 'l' | '\'' | '\u{2018}' | '\u{2019}' => 222,
        'm' | 'M' => 833,
        'w' => 722,
        'r' | '-' | '(' | ')' | '"' | '\u{201C}' | '\u{201D}' => 333,
        'c' | 'k' | 's' | 'v' | 'x' | 'y' | 'z' | 'J' => 500,
        'W' => 944,
        '%' => 889,
        '\u{2014}' => 1000,
        '\u{2022}' => 350,
        'C' | 'D' | 'H' | 'N' | 'R' | 'U' => 722,
        'G' | 'O' | 'Q' => 778,
        'A' | 'B' | 'E' | 'K' | 'P' | 'S' | 'V' | 'X' | 'Y' | '&' => 667,
        'F' | 'T' | 'Z' => 611,
        'L' => 556,
        _ => 556,
    };
    f64::from(w) / 1000.0
}

fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| char_width(c) * size).sum()
}

/// WinAnsi bytes of a string; characters without a code are left out.
fn win_ansi(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut buf = [0u8; 4];
    for c in s.chars() {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
        if !unmappable {
            out.extend_from_slice(&bytes);
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Font {
    Regular,
    Bold,
}

struct Typesetter {
    pages: Vec<Vec<Operation>>,
    ops: Vec<Operation>,
    notes: Vec<(String, String)>,
    /// Notes that no longer fitted on the page of their reference.
    carried: Vec<(String, String)>,
    y: f64,
    /// The lowest baseline used on the page, in any column.
    lowest: f64,
    /// Index of the column being filled (0 or 1) and how many there are.
    column: usize,
    columns: usize,
    title: String,
    /// Hyphenate long words at line ends, as a typesetter does.
    hyphenate: bool,
    /// How many words were hyphenated.
    hyphenated: usize,
}

impl Typesetter {
    fn new(title: &str) -> Self {
        let mut t = Typesetter {
            pages: Vec::new(),
            ops: Vec::new(),
            notes: Vec::new(),
            carried: Vec::new(),
            y: MARGIN,
            lowest: MARGIN,
            column: 0,
            columns: 1,
            title: title.to_owned(),
            hyphenate: false,
            hyphenated: 0,
        };
        t.start_page();
        t
    }

    fn page_number(&self) -> usize {
        self.pages.len() + 1
    }

    fn start_page(&mut self) {
        self.notes = std::mem::take(&mut self.carried);
        self.y = MARGIN;
        self.lowest = MARGIN;
        self.column = 0;
        // The second page is set in two columns.
        self.columns = if self.page_number() == 2 { 2 } else { 1 };
        if self.page_number() > 1 {
            let title = self.title.clone();
            self.show(&title, MARGIN, 40.0, 8.0, Font::Regular);
        }
    }

    fn finish_page(&mut self) {
        // Footnotes at the foot, smallest text, each behind a raised marker.
        let notes = std::mem::take(&mut self.notes);
        let mut y = self.note_top(&notes);
        for (marker, text) in &notes {
            let lines = wrap(text, PAGE_W - 2.0 * MARGIN - 10.0, NOTE);
            self.show(marker, MARGIN, y - 3.0, NOTE * 0.7, Font::Regular);
            let after_marker = (text_width(marker, NOTE * 0.7) + 2.0).max(8.0);
            for l in lines {
                self.show(&l, MARGIN + after_marker, y, NOTE, Font::Regular);
                y += NOTE * 1.25;
            }
        }
        let footer = format!("Page {}", self.page_number());
        self.show(
            &footer,
            PAGE_W / 2.0 - 15.0,
            PAGE_H - 36.0,
            8.0,
            Font::Regular,
        );
        self.pages.push(std::mem::take(&mut self.ops));
    }

    fn note_height(notes: &[(String, String)]) -> f64 {
        notes
            .iter()
            .map(|(_, t)| wrap(t, PAGE_W - 2.0 * MARGIN - 10.0, NOTE).len() as f64 * NOTE * 1.25)
            .sum::<f64>()
    }

    fn note_top(&self, notes: &[(String, String)]) -> f64 {
        PAGE_H - MARGIN - Self::note_height(notes) + NOTE
    }

    /// Sets a footnote at the foot of this page if the text already there
    /// leaves room for it, else of the next.
    fn note(&mut self, marker: String, text: String) {
        self.notes.push((marker, text));
        if self.lowest > self.bottom() || !self.carried.is_empty() {
            let note = self.notes.pop().unwrap();
            self.carried.push(note);
        }
    }

    /// The lowest baseline body text may use on this page.
    fn bottom(&self) -> f64 {
        let notes = Self::note_height(&self.notes);
        PAGE_H - MARGIN - if notes > 0.0 { notes + 12.0 } else { 0.0 }
    }

    fn column_box(&self) -> (f64, f64) {
        let width = PAGE_W - 2.0 * MARGIN;
        if self.columns == 1 {
            (MARGIN, width)
        } else {
            let w = (width - GUTTER) / 2.0;
            (MARGIN + self.column as f64 * (w + GUTTER), w)
        }
    }

    /// Moves down by `dy` for a line of `size`, breaking the column or page
    /// when it would not fit.
    fn advance(&mut self, dy: f64) {
        if self.y + dy > self.bottom() {
            if self.column + 1 < self.columns {
                self.column += 1;
                self.y = MARGIN;
            } else {
                self.finish_page();
                self.start_page();
            }
        }
        self.y += dy;
        self.lowest = self.lowest.max(self.y);
    }

    fn show(&mut self, text: &str, x: f64, y: f64, size: f64, font: Font) {
        let name = if font == Font::Bold { "F2" } else { "F1" };
        // Superscript digits are set as raised smaller digits, as a word
        // processor prints a footnote marker.
        let mut x = x;
        let mut run = String::new();
        let mut pieces: Vec<(String, bool)> = Vec::new();
        for c in text.chars() {
            let sup = revlens::text::is_superscript_digit(c);
            let plain = if sup { superscript_value(c) } else { c };
            if pieces.last().is_some_and(|(_, s)| *s == sup) {
                pieces.last_mut().unwrap().0.push(plain);
            } else {
                pieces.push((plain.to_string(), sup));
            }
        }
        run.clear();
        for (piece, sup) in pieces {
            let (s, dy) = if sup {
                (size * 0.62, size * 0.35)
            } else {
                (size, 0.0)
            };
            self.ops.push(Operation::new("BT", vec![]));
            self.ops
                .push(Operation::new("Tf", vec![name.into(), s.into()]));
            self.ops.push(Operation::new(
                "Td",
                vec![x.into(), (PAGE_H - y + dy).into()],
            ));
            self.ops.push(Operation::new(
                "Tj",
                vec![Object::String(win_ansi(&piece), StringFormat::Literal)],
            ));
            self.ops.push(Operation::new("ET", vec![]));
            x += text_width(&piece, s);
        }
    }

    fn space(&mut self, dy: f64) {
        if self.y > MARGIN + 1.0 {
            self.y += dy;
        }
    }

    fn paragraph(&mut self, text: &str, indent: f64, hang: Option<&str>, size: f64, font: Font) {
        // Line by line: a paragraph that runs into a column of another width
        // is wrapped to that width from there on.
        let mut rest = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut first = true;
        while !rest.trim().is_empty() {
            self.advance(size * LEADING / BODY);
            let (x, width) = self.column_box();
            let mut line = wrap(&rest, width - indent, size)
                .into_iter()
                .next()
                .unwrap_or_default();
            let mut taken = line.len();
            if self.hyphenate {
                if let Some((head, used)) =
                    hyphenate_next(&rest[taken..], &line, width - indent, size)
                {
                    line = format!("{line} {head}-");
                    taken += used;
                    self.hyphenated += 1;
                }
            }
            if first {
                if let Some(marker) = hang {
                    self.show(marker, x + indent - 16.0, self.y, size, font);
                }
                first = false;
            }
            self.show(&line, x + indent, self.y, size, font);
            rest = rest.trim_start()[taken..].to_owned();
        }
    }

    fn table(&mut self, rows: &[Vec<String>]) {
        let columns = rows.iter().map(Vec::len).max().unwrap_or(1);
        let (x0, width) = self.column_box();
        // Columns as wide as their longest cell needs, within the text width.
        let mut want: Vec<f64> = (0..columns)
            .map(|c| {
                rows.iter()
                    .filter_map(|r| r.get(c))
                    .map(|t| text_width(t, TABLE) + 12.0)
                    .fold(30.0, f64::max)
            })
            .collect();
        let total: f64 = want.iter().sum();
        if total > width {
            let fixed: f64 = want.iter().filter(|w| **w < width / columns as f64).sum();
            let flexible: f64 = total - fixed;
            for w in &mut want {
                if *w >= width / columns as f64 {
                    *w *= (width - fixed) / flexible;
                }
            }
        }
        for row in rows {
            let cells: Vec<Vec<String>> = (0..columns)
                .map(|c| wrap(row.get(c).map_or("", String::as_str), want[c] - 12.0, TABLE))
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            self.advance(4.0);
            for line in 0..height {
                self.advance(TABLE * 1.3);
                let (x0, _) = self.column_box();
                let mut x = x0;
                for (c, cell) in cells.iter().enumerate() {
                    if let Some(t) = cell.get(line) {
                        self.show(t, x, self.y, TABLE, Font::Regular);
                    }
                    x += want[c];
                }
            }
        }
        let _ = x0;
    }
}

fn superscript_value(c: char) -> char {
    match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        _ => '9',
    }
}

/// Greedy line breaking at spaces, as a word processor does (a word that
/// does not fit goes to the next line; a hyphenated compound may break after
/// its hyphen).
/// (The fixtures' fonts share one width table, so the font does not matter.)
fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    words.reverse();
    while let Some(word) = words.pop() {
        let candidate = if line.is_empty() {
            word.clone()
        } else {
            format!("{line} {word}")
        };
        if text_width(&candidate, size) <= width || line.is_empty() && !word.contains('-') {
            line = candidate;
            continue;
        }
        // Break a compound after one of its hyphens if its head fits.
        if let Some(cut) = word
            .char_indices()
            .filter(|&(i, c)| c == '-' && i > 1 && i + 2 < word.len())
            .map(|(i, _)| i + 1)
            .rfind(|&i| {
                let head = &word[..i];
                let with = if line.is_empty() {
                    head.to_owned()
                } else {
                    format!("{line} {head}")
                };
                text_width(&with, size) <= width
            })
        {
            let head = &word[..cut];
            line = if line.is_empty() {
                head.to_owned()
            } else {
                format!("{line} {head}")
            };
            words.push(word[cut..].to_owned());
        } else if line.is_empty() {
            line = word;
            continue;
        } else {
            words.push(word);
        }
        lines.push(std::mem::take(&mut line));
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Splits the next word of `rest` so that its head and a hyphen still fit
/// after `line`: a long plain word, at least four letters on the line and
/// three on the next. Returns the head and the bytes of `rest` it used.
fn hyphenate_next(rest: &str, line: &str, width: f64, size: f64) -> Option<(String, usize)> {
    let lead = rest.len() - rest.trim_start().len();
    let word = rest.trim_start().split(' ').next()?;
    if word.chars().count() < 8 || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    (4..=word.len() - 3).rev().find_map(|cut| {
        let head = &word[..cut];
        (text_width(&format!("{line} {head}-"), size) <= width)
            .then(|| (head.to_owned(), lead + cut))
    })
}

/// A PDF of the review.
pub fn pdf(path: &str, text: &str) -> Vec<u8> {
    pdf_typeset(path, text, false).0
}

/// A PDF of the review typeset with hyphenation, and how many words were
/// hyphenated at line ends.
pub fn pdf_hyphenated(path: &str, text: &str) -> (Vec<u8>, usize) {
    pdf_typeset(path, text, true)
}

fn pdf_typeset(path: &str, text: &str, hyphenate: bool) -> (Vec<u8>, usize) {
    let blocks = pieces(path, text);
    let title = revlens::document::Document::from_bytes(path, text.as_bytes(), Flavour::PlainText)
        .unwrap()
        .parse()
        .outline
        .title
        .unwrap_or_default();
    let mut t = Typesetter::new(&title);
    t.hyphenate = hyphenate;
    let mut table: Vec<Vec<String>> = Vec::new();
    for b in &blocks {
        if !matches!(b.piece, Piece::Row(_)) && !table.is_empty() {
            t.table(&table);
            table.clear();
            t.space(6.0);
        }
        if !b.joined && !matches!(b.piece, Piece::Note { .. }) {
            t.space(7.0);
        }
        match &b.piece {
            Piece::Title(s) => t.paragraph(s, 0.0, None, 18.0, Font::Bold),
            Piece::Heading { level, text } => {
                t.space(6.0);
                let size = if *level == 1 { 13.5 } else { 11.5 };
                t.paragraph(text, 0.0, None, size, Font::Bold);
                t.space(3.0);
            }
            Piece::Para(s) => t.paragraph(s, 0.0, None, BODY, Font::Regular),
            Piece::Indented(s) => t.paragraph(s, 18.0, None, BODY, Font::Regular),
            Piece::Item { label, depth, text } => {
                let indent = 18.0 + 18.0 * f64::from(*depth);
                let marker = match label {
                    Label::Bullet => "\u{2022}".to_owned(),
                    Label::Number { value, close } => format!("{value}{close}"),
                    Label::Typed(l) => l.clone(),
                };
                t.paragraph(text, indent, Some(&marker), BODY, Font::Regular);
            }
            Piece::Row(cells) => table.push(cells.clone()),
            Piece::Note { marker, text } => {
                let marker = if marker.chars().all(|c| c.is_ascii_digit()) {
                    marker.chars().map(to_superscript).collect()
                } else {
                    marker.clone()
                };
                t.note(marker, text.clone());
            }
        }
    }
    if !table.is_empty() {
        t.table(&table);
    }
    t.finish_page();
    if !t.carried.is_empty() {
        t.start_page();
        t.finish_page();
    }
    (write_pdf(&t.pages, None), t.hyphenated)
}

fn to_superscript(c: char) -> char {
    match c {
        '0' => '⁰',
        '1' => '¹',
        '2' => '²',
        '3' => '³',
        '4' => '⁴',
        '5' => '⁵',
        '6' => '⁶',
        '7' => '⁷',
        '8' => '⁸',
        _ => '⁹',
    }
}

fn font(doc: &mut Pdf, base: &str) -> lopdf::ObjectId {
    let widths: Vec<Object> = (32u8..=255)
        .map(|b| {
            let c = encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(&[b])
                .0
                .chars()
                .next()
                .unwrap_or(' ');
            Object::Integer((char_width(c) * 1000.0).round() as i64)
        })
        .collect();
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => base,
        "Encoding" => "WinAnsiEncoding",
        "FirstChar" => 32,
        "LastChar" => 255,
        "Widths" => widths,
    })
}

/// Writes pages of content operations as a PDF (optionally with an image
/// on each page and no text, as a scanner makes).
pub fn write_pdf(pages: &[Vec<Operation>], image: Option<&[u8]>) -> Vec<u8> {
    let mut doc = Pdf::with_version("1.7");
    let pages_id = doc.new_object_id();
    let f1 = font(&mut doc, "Helvetica");
    let f2 = font(&mut doc, "Helvetica-Bold");
    let mut xobjects = Dictionary::new();
    if let Some(pixels) = image {
        let side = (pixels.len() as f64).sqrt() as i64;
        let img = Stream::new(
            dictionary! {
                "Type" => "XObject",
                "Subtype" => "Image",
                "Width" => side,
                "Height" => side,
                "ColorSpace" => "DeviceGray",
                "BitsPerComponent" => 8,
            },
            pixels.to_vec(),
        );
        xobjects.set("Im1", doc.add_object(img));
    }
    let resources = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => f1, "F2" => f2 },
        "XObject" => xobjects,
    });
    let mut kids = Vec::new();
    for ops in pages {
        let content = Content {
            operations: ops.clone(),
        };
        let stream = doc.add_object(Stream::new(Dictionary::new(), content.encode().unwrap()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => stream,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_W.into(), PAGE_H.into()],
        });
        kids.push(Object::from(page));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A page of `text` followed by a page that is only an image.
pub fn partly_scanned_pdf(text: &str) -> Vec<u8> {
    let pixels: Vec<u8> = (0..64 * 64).map(|i| (i % 251) as u8).collect();
    let mut t = Typesetter::new("Partly scanned");
    t.paragraph(text, 0.0, None, BODY, Font::Regular);
    t.finish_page();
    let mut pages = t.pages;
    pages.push(image_page());
    write_pdf(&pages, Some(&pixels))
}

fn image_page() -> Vec<Operation> {
    vec![
        Operation::new("q", vec![]),
        Operation::new(
            "cm",
            vec![
                500.into(),
                0.into(),
                0.into(),
                700.into(),
                40.into(),
                60.into(),
            ],
        ),
        Operation::new("Do", vec!["Im1".into()]),
        Operation::new("Q", vec![]),
    ]
}

/// A one-page "scan": a grey image and no text.
pub fn scanned_pdf() -> Vec<u8> {
    let pixels: Vec<u8> = (0..64 * 64).map(|i| (i % 251) as u8).collect();
    let ops = vec![
        Operation::new("q", vec![]),
        Operation::new(
            "cm",
            vec![
                500.into(),
                0.into(),
                0.into(),
                700.into(),
                40.into(),
                60.into(),
            ],
        ),
        Operation::new("Do", vec!["Im1".into()]),
        Operation::new("Q", vec![]),
    ];
    write_pdf(&[ops], Some(&pixels))
}

/// A small PDF of `text`, encrypted with RC4 (128-bit) so that opening it
/// needs `user_password` (none when it is empty).
pub fn encrypted_pdf(text: &str, user_password: &str) -> Vec<u8> {
    let mut t = Typesetter::new("Encrypted");
    t.paragraph(text, 0.0, None, BODY, Font::Regular);
    t.finish_page();
    let plain = write_pdf(&t.pages, None);
    let mut doc = Pdf::load_mem(&plain).unwrap();
    doc.decompress();
    if doc.trailer.get(b"ID").is_err() {
        let id = Object::String(b"revlens-fixture-1".to_vec(), StringFormat::Literal);
        doc.trailer.set("ID", vec![id.clone(), id]);
    }
    let version = lopdf::encryption::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password,
        key_length: 128,
        permissions: lopdf::encryption::Permissions::all(),
    };
    let state = lopdf::encryption::EncryptionState::try_from(version).unwrap();
    doc.encrypt(&state).unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A PDF whose font names an encoding that does not exist: the PDF reader
/// stops on it with a panic, which revlens must turn into an error.
pub fn pdf_with_unknown_encoding() -> Vec<u8> {
    let mut t = Typesetter::new("Odd font");
    t.paragraph(
        "The review was commissioned in 2021.",
        0.0,
        None,
        BODY,
        Font::Regular,
    );
    t.finish_page();
    let mut doc = Pdf::load_mem(&write_pdf(&t.pages, None)).unwrap();
    for object in doc.objects.values_mut() {
        if let Object::Dictionary(d) = object {
            if d.get(b"Type")
                .and_then(Object::as_name)
                .is_ok_and(|n| n == b"Font")
            {
                d.set("Encoding", Object::Name(b"NoSuchEncoding".to_vec()));
            }
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}
