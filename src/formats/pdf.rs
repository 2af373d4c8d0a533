//! PDF documents → text.
//!
//! Owns text extraction from PDF: `pdf-extract` (on `lopdf`) decodes the
//! fonts and reports every glyph with its position and size; this module
//! rebuilds reading order and paragraphs from that geometry. Per page:
//! glyphs are grouped into lines by baseline (small raised digits become
//! superscript footnote markers), lines into fragments at wide gaps (table
//! cells, columns), two-column regions are read column by column, running
//! headers and footers (lines near the top or bottom edge that repeat across
//! pages, and page numbers) are dropped, and footnotes (a run of
//! smaller lines at the foot of a page, led by a marker) are set aside. Then
//! lines are joined into paragraphs: a line break is a wrap, and the lines
//! are joined, when the next line's first word would not have fitted on the
//! line; hyphens at a wrap are kept or removed on the evidence of the
//! document's own vocabulary. A paragraph cut by a page or column break
//! continues across it. A PDF without a text layer is reported as needing
//! OCR, and an encrypted one that needs a password as such.

use std::collections::{HashMap, HashSet};

use lopdf::{Document as PdfDocument, Object};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::{ConvertError, Converted, TextBuilder, Unit, superscript};
use crate::layout::Flavour;

/// Converts a PDF file.
pub fn convert(bytes: &[u8]) -> Result<Converted, ConvertError> {
    let (pages, image_only, rotated) = super::guarded("PDF", || read_glyphs(bytes))?;
    let mut converted = rebuild(pages);
    if rotated > 0 {
        converted.warnings.push(format!(
            "has {rotated} characters of sideways or slanted text (labels, watermarks); they were left out"
        ));
    }
    if !image_only.is_empty() {
        let list: Vec<String> = image_only.iter().map(u32::to_string).collect();
        converted.warnings.push(format!(
            "has {} page{} with no text layer, only images (scanned?): page{} {}; run OCR on it to analyse {}",
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            if list.len() == 1 { "" } else { "s" },
            list.join(", "),
            if list.len() == 1 { "that page" } else { "those pages" },
        ));
    }
    Ok(converted)
}

// ---------------------------------------------------------------------------
// Glyphs from the PDF

#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    /// Baseline, measured down from the top of the page.
    y: f64,
    width: f64,
    size: f64,
    text: String,
    /// An explicit space glyph came just before it.
    space_before: bool,
}

#[derive(Debug, Default)]
struct Page {
    number: u32,
    width: f64,
    height: f64,
    glyphs: Vec<Glyph>,
}

/// Receives glyphs from `pdf-extract`.
#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
    media: Option<MediaBox>,
    pending_space: bool,
    rotated: usize,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.pages.push(Page {
            number: page_num,
            width: (media_box.urx - media_box.llx).abs(),
            height: (media_box.ury - media_box.lly).abs(),
            glyphs: Vec::new(),
        });
        self.media = Some(MediaBox {
            llx: media_box.llx,
            lly: media_box.lly,
            urx: media_box.urx,
            ury: media_box.ury,
        });
        self.pending_space = false;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let (Some(media), Some(page)) = (self.media.as_ref(), self.pages.last_mut()) else {
            return Ok(());
        };
        // Only horizontal text is read; sideways labels and watermarks would
        // cut across the lines of the page.
        if trm.m12.abs() > 0.01 * trm.m11.abs() || trm.m21.abs() > 0.01 * trm.m22.abs() {
            self.rotated += 1;
            return Ok(());
        }
        let scale_x = trm.m11.abs();
        let scale_y = trm.m22.abs();
        let size = font_size.abs() * scale_y;
        if !(size.is_finite() && size > 0.5) || text.is_empty() {
            return Ok(());
        }
        if text.chars().all(char::is_whitespace) {
            self.pending_space = true;
            return Ok(());
        }
        let text = tidy(text);
        if text.is_empty() {
            return Ok(());
        }
        page.glyphs.push(Glyph {
            x: trm.m31 - media.llx,
            y: media.ury - trm.m32,
            width: (width * font_size.abs() * scale_x).max(0.0),
            size,
            text,
            space_before: std::mem::take(&mut self.pending_space),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// The glyphs of every page, the pages that have images but no text, and
/// how many glyphs were not horizontal.
fn read_glyphs(bytes: &[u8]) -> Result<(Vec<Page>, Vec<u32>, usize), ConvertError> {
    let mut doc = PdfDocument::load_mem(bytes)
        .map_err(|e| ConvertError(format!("is a damaged PDF: it cannot be parsed ({e})")))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(ConvertError(
            "is an encrypted PDF that needs a password to open; save an unprotected copy and analyse that"
                .into(),
        ));
    }
    let mut collector = Collector::default();
    pdf_extract::output_doc(&doc, &mut collector)
        .map_err(|e| ConvertError(format!("is a PDF whose text cannot be read ({e})")))?;
    let glyphs: usize = collector.pages.iter().map(|p| p.glyphs.len()).sum();
    if glyphs == 0 {
        return Err(if collector.pages.is_empty() {
            ConvertError("is a PDF with no pages".into())
        } else if has_images(&doc) {
            ConvertError(
                "is a PDF with no text layer (the pages are images, as in a scan); run OCR on it first (for example with OCRmyPDF) and analyse the result"
                    .into(),
            )
        } else {
            ConvertError("is a PDF with no text in it".into())
        });
    }
    let textless: Vec<u32> = collector
        .pages
        .iter()
        .filter(|p| p.glyphs.is_empty())
        .map(|p| p.number)
        .collect();
    let image_only = if !textless.is_empty() && has_images(&doc) {
        textless
    } else {
        Vec::new()
    };
    Ok((collector.pages, image_only, collector.rotated))
}

/// Whether the document holds any image (a scanned page is one).
fn has_images(doc: &PdfDocument) -> bool {
    doc.objects.values().any(|o| match o {
        Object::Stream(s) => s
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|n| n == b"Image"),
        _ => false,
    })
}

// ---------------------------------------------------------------------------
// Lines and fragments

/// Text on one baseline, up to a wide gap.
#[derive(Debug, Clone)]
struct Fragment {
    x0: f64,
    x1: f64,
    /// Baseline of its first full-size glyph (the columns of a page need not
    /// share baselines, so a line's fragments may not either).
    y: f64,
    text: String,
    /// Width of the first word (for the "would it have fitted" test).
    first_word: f64,
}

#[derive(Debug, Clone)]
struct Line {
    page: u32,
    y: f64,
    size: f64,
    fragments: Vec<Fragment>,
    /// Left and right edges of the column the line is in.
    left: f64,
    right: f64,
    /// Which column of its page (0 for the full width or the left one).
    column: u8,
}

impl Line {
    fn x0(&self) -> f64 {
        self.fragments.first().map_or(0.0, |f| f.x0)
    }
    fn x1(&self) -> f64 {
        self.fragments.last().map_or(0.0, |f| f.x1)
    }
    fn text(&self) -> String {
        let mut out = String::new();
        for (i, f) in self.fragments.iter().enumerate() {
            if i > 0 {
                out.push(if self.is_table_row() { '\t' } else { ' ' });
            }
            out.push_str(&f.text);
        }
        out
    }
    /// Two or more fragments, other than a list marker and its text.
    fn is_table_row(&self) -> bool {
        self.fragments.len() >= 2
            && !(self.fragments.len() == 2 && is_list_marker(&self.fragments[0].text))
    }
}

/// Groups a page's glyphs into lines by baseline. Larger glyphs settle the
/// lines first, so that a raised, smaller footnote marker joins the line it
/// belongs to instead of starting one. A glyph joins a line only near the
/// text already on it, so that two columns whose baselines do not line up
/// make separate lines; lines on the same baseline are then put together
/// (a table row, or columns that do line up).
fn page_lines(page: &Page) -> Vec<Line> {
    struct Cluster {
        y: f64,
        size: f64,
        x0: f64,
        x1: f64,
        members: Vec<usize>,
    }
    let mut order: Vec<usize> = (0..page.glyphs.len()).collect();
    order.sort_by(|&a, &b| page.glyphs[b].size.total_cmp(&page.glyphs[a].size));
    let mut clusters: Vec<Cluster> = Vec::new();
    for i in order {
        let g = &page.glyphs[i];
        let found = clusters.iter_mut().rev().find(|c| {
            let reach = 1.5 * c.size;
            g.y >= c.y - 0.85 * c.size
                && g.y <= c.y + 0.3 * c.size
                && g.size <= c.size * 1.05
                && g.x >= c.x0 - reach
                && g.x <= c.x1 + reach
        });
        match found {
            Some(c) => {
                c.x0 = c.x0.min(g.x);
                c.x1 = c.x1.max(g.x + g.width);
                c.members.push(i);
            }
            None => clusters.push(Cluster {
                y: g.y,
                size: g.size,
                x0: g.x,
                x1: g.x + g.width,
                members: vec![i],
            }),
        }
    }
    clusters.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut merged: Vec<Cluster> = Vec::new();
    for c in clusters {
        match merged.last_mut() {
            Some(m) if (c.y - m.y).abs() < 0.25 * m.size.min(c.size) => {
                m.members.extend(c.members);
                m.size = m.size.max(c.size);
            }
            _ => merged.push(c),
        }
    }
    merged
        .into_iter()
        .map(|mut c| {
            c.members
                .sort_by(|&a, &b| page.glyphs[a].x.total_cmp(&page.glyphs[b].x));
            let glyphs: Vec<&Glyph> = c.members.iter().map(|&i| &page.glyphs[i]).collect();
            Line {
                page: page.number,
                y: c.y,
                size: dominant_size(&glyphs).unwrap_or(c.size),
                fragments: fragments(&glyphs, c.y, c.size),
                left: 0.0,
                right: page.width,
                column: 0,
            }
        })
        .filter(|l| !l.fragments.is_empty())
        .collect()
}

fn dominant_size(glyphs: &[&Glyph]) -> Option<f64> {
    let mut counts: HashMap<i64, (usize, f64)> = HashMap::new();
    for g in glyphs {
        let e = counts
            .entry((g.size * 4.0).round() as i64)
            .or_insert((0, g.size));
        e.0 += g.text.chars().count();
    }
    counts
        .into_values()
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(_, s)| s)
}

/// Splits a line's glyphs at wide gaps and spells out the words.
fn fragments(glyphs: &[&Glyph], baseline: f64, line_size: f64) -> Vec<Fragment> {
    let mut out: Vec<Fragment> = Vec::new();
    let mut prev_end: Option<f64> = None;
    let mut in_first_word = true;
    for g in glyphs {
        let superscript_digit = g.size < 0.8 * line_size
            && g.y < baseline - 0.15 * line_size
            && g.text.chars().all(|c| c.is_ascii_digit());
        let text = if superscript_digit {
            g.text
                .chars()
                .map(|c| superscript(c.to_digit(10).unwrap_or(0)))
                .collect()
        } else {
            g.text.clone()
        };
        let gap = prev_end.map(|e| g.x - e);
        let wide = gap.is_some_and(|gap| gap > 1.2 * line_size);
        match out.last_mut() {
            Some(f) if !wide => {
                let space = g.space_before || gap.is_some_and(|gap| gap > 0.18 * line_size);
                // A footnote marker sits against the word it follows.
                if space && !superscript_digit {
                    f.text.push(' ');
                    in_first_word = false;
                }
                f.text.push_str(&text);
                f.x1 = f.x1.max(g.x + g.width);
                if in_first_word {
                    f.first_word = f.x1 - f.x0;
                }
            }
            _ => {
                in_first_word = true;
                out.push(Fragment {
                    x0: g.x,
                    x1: g.x + g.width,
                    y: if superscript_digit { baseline } else { g.y },
                    text,
                    first_word: g.width,
                });
            }
        }
        prev_end = Some(prev_end.map_or(g.x + g.width, |e: f64| e.max(g.x + g.width)));
    }
    for f in &mut out {
        f.text = f.text.trim().to_owned();
    }
    out.retain(|f| !f.text.is_empty());
    out
}

fn is_list_marker(s: &str) -> bool {
    let s = s.trim();
    if s.chars().count() == 1 {
        return s
            .chars()
            .all(|c| "•·▪◦‣●○■□➢→–-*>\u{F0B7}\u{F0A7}\u{F0D8}\u{F076}".contains(c));
    }
    let core = s.trim_start_matches('(').trim_end_matches(['.', ')', ':']);
    s.len() <= 6
        && s.len() > core.len()
        && !core.is_empty()
        && ((core.len() <= 3 && core.chars().all(|c| c.is_ascii_digit()))
            || (core.len() == 1 && core.chars().all(|c| c.is_ascii_lowercase()))
            || core.chars().all(|c| "ivx".contains(c)))
}

// ---------------------------------------------------------------------------
// Columns

/// Reads two-column regions of a page column by column. A region is a run
/// of lines none of which crosses the gutter, with prose on both sides.
fn order_columns(lines: Vec<Line>, text_left: f64, text_right: f64) -> Vec<Line> {
    let Some(gutter) = find_gutter(&lines, text_left, text_right) else {
        return with_edges(lines, text_left, text_right, 0);
    };
    let crosses = |l: &Line| l.fragments.iter().any(|f| f.x0 < gutter && f.x1 > gutter);
    let mut out = Vec::with_capacity(lines.len());
    let mut region: Vec<Line> = Vec::new();
    let flush = |region: &mut Vec<Line>, out: &mut Vec<Line>| {
        if region.is_empty() {
            return;
        }
        let mut left = Vec::new();
        let mut right = Vec::new();
        for line in region.drain(..) {
            let (l, r): (Vec<Fragment>, Vec<Fragment>) =
                line.fragments.iter().cloned().partition(|f| f.x1 <= gutter);
            if !l.is_empty() {
                left.push(Line {
                    y: l[0].y,
                    fragments: l,
                    ..line.clone()
                });
            }
            if !r.is_empty() {
                right.push(Line {
                    y: r[0].y,
                    fragments: r,
                    ..line
                });
            }
        }
        left.sort_by(|a, b| a.y.total_cmp(&b.y));
        right.sort_by(|a, b| a.y.total_cmp(&b.y));
        let left_right = left.iter().map(Line::x1).fold(text_left, f64::max);
        out.extend(with_edges(left, text_left, left_right.min(gutter), 0));
        let right_left = right.iter().map(Line::x0).fold(text_right, f64::min);
        out.extend(with_edges(right, right_left.max(gutter), text_right, 1));
    };
    for line in lines {
        if crosses(&line) {
            flush(&mut region, &mut out);
            out.extend(with_edges(vec![line], text_left, text_right, 0));
        } else {
            region.push(line);
        }
    }
    flush(&mut region, &mut out);
    out
}

/// Sets the edges of a column on its lines. The left edge is the margin
/// most lines start at (headings may stand out to the left of it, first
/// lines and nested items are indented from it).
fn with_edges(mut lines: Vec<Line>, left: f64, right: f64, column: u8) -> Vec<Line> {
    let mut starts: HashMap<i64, usize> = HashMap::new();
    for l in &lines {
        *starts.entry(l.x0().round() as i64).or_default() += 1;
    }
    let margin = starts
        .into_iter()
        .max_by_key(|&(x, n)| (n, -x))
        .map_or(left, |(x, _)| x as f64);
    for l in &mut lines {
        l.left = margin.max(left);
        l.right = right;
        l.column = column;
    }
    lines
}

/// An x near the middle of the text that few fragments cross, with prose
/// (fragments over a good part of a column's width) on both sides of it,
/// side by side rather than one above the other. The two columns' baselines
/// need not line up.
fn find_gutter(lines: &[Line], text_left: f64, text_right: f64) -> Option<f64> {
    let width = text_right - text_left;
    if width <= 0.0 {
        return None;
    }
    let half = width / 2.0;
    // (score, first x, last x) of the best run of candidates: the gutter is
    // the middle of the run, clear of the ragged ends of the left column.
    let mut best: Option<(usize, f64, f64)> = None;
    let mut x = text_left + 0.4 * width;
    while x <= text_left + 0.6 * width {
        let mut crossing = 0;
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for l in lines {
            for f in &l.fragments {
                if f.x0 < x && f.x1 > x {
                    crossing += 1;
                } else if f.x1 - f.x0 > 0.6 * half {
                    if f.x1 <= x {
                        left.push(f.y);
                    } else {
                        right.push(f.y);
                    }
                }
            }
        }
        let span = |ys: &[f64]| {
            ys.iter()
                .copied()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| {
                    (lo.min(y), hi.max(y))
                })
        };
        let ((l0, l1), (r0, r1)) = (span(&left), span(&right));
        let overlap = l1.min(r1) - l0.max(r0);
        let side_by_side = overlap > 0.5 * (l1 - l0).min(r1 - r0);
        let score = left.len().min(right.len());
        if score >= 4 && side_by_side && crossing * 4 < score {
            match &mut best {
                Some((b, _, last)) if score == *b && x - *last < 1.5 => *last = x,
                Some((b, _, _)) if score <= *b => {}
                _ => best = Some((score, x, x)),
            }
        }
        x += 1.0;
    }
    best.map(|(_, first, last)| (first + last) / 2.0)
}

// ---------------------------------------------------------------------------
// Page furniture and footnotes

/// A line's text with digits blurred, to recognise running headers whose
/// page number changes.
fn furniture_key(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '#'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A number at the start or end of a line (`12 Title`, `Title 12`).
fn edge_number(text: &str) -> Option<i64> {
    let t = text.trim();
    let tail: String = t.chars().rev().take_while(char::is_ascii_digit).collect();
    let head: String = t.chars().take_while(char::is_ascii_digit).collect();
    let digits = if !tail.is_empty() {
        tail.chars().rev().collect()
    } else {
        head
    };
    (!digits.is_empty() && digits.len() <= 4)
        .then(|| digits.parse().ok())
        .flatten()
}

fn is_page_number(text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    let t = t.trim_start_matches("page").trim();
    let t = t.trim_matches(|c: char| matches!(c, '-' | '–' | '—' | '|' | ' '));
    let mut parts = t.split(" of ");
    let first = parts.next().unwrap_or("");
    let numeric = |s: &str| {
        !s.is_empty()
            && (s.chars().all(|c| c.is_ascii_digit())
                || (s.len() <= 6 && s.chars().all(|c| "ivxlc".contains(c))))
    };
    numeric(first.trim()) && parts.all(|p| numeric(p.trim()))
}

// ---------------------------------------------------------------------------
// Rebuilding the text

fn rebuild(pages: Vec<Page>) -> Converted {
    let page_count = pages.len();
    let mut per_page: Vec<(f64, Vec<Line>)> =
        pages.iter().map(|p| (p.height, page_lines(p))).collect();
    let body_size = body_size(&per_page);

    // Running headers and footers: near the top or bottom edge, no larger
    // than body text, and repeated on several pages (or a page number).
    let band = |height: f64, y: f64, size: f64| y < 0.1 * height || y - size > 0.9 * height;
    let mut seen: HashMap<String, HashSet<u32>> = HashMap::new();
    for (height, lines) in &per_page {
        for l in lines {
            if band(*height, l.y, l.size) {
                seen.entry(furniture_key(&l.text()))
                    .or_default()
                    .insert(l.page);
            }
        }
    }
    let repeats = |key: &str| {
        // On three pages, or on two of a short document.
        seen.get(key).is_some_and(|pages| {
            pages.len() >= 3 || (pages.len() == 2 && pages.len() * 10 >= page_count.max(1) * 3)
        })
    };
    // A header that carries the page number ("Chapter 2: Methods  14") is
    // recognised by its number running in step with the pages.
    let mut offsets: HashMap<i64, usize> = HashMap::new();
    for (height, lines) in &per_page {
        for l in lines.iter().filter(|l| band(*height, l.y, l.size)) {
            if let Some(n) = edge_number(&l.text()) {
                *offsets.entry(n - i64::from(l.page)).or_default() += 1;
            }
        }
    }
    let in_step = |l: &Line| {
        let text = l.text();
        text.split_whitespace().count() <= 12
            && edge_number(&text).is_some_and(|n| {
                offsets
                    .get(&(n - i64::from(l.page)))
                    .is_some_and(|&count| count >= 3 || count * 10 >= page_count * 3)
            })
    };
    for (height, lines) in &mut per_page {
        lines.retain(|l| {
            let text = l.text();
            !(band(*height, l.y, l.size)
                && (is_page_number(&text)
                    || (l.size <= body_size * 1.05
                        && (repeats(&furniture_key(&text)) || in_step(l)))))
        });
    }

    // Footnotes: the smaller lines below the last body-size line of a page,
    // starting with a marker.
    let mut notes: Vec<(u32, String)> = Vec::new();
    let mut last_note = 0;
    for (_, lines) in &mut per_page {
        let last_body = lines
            .iter()
            .rposition(|l| l.size >= 0.9 * body_size)
            .map_or(0, |i| i + 1);
        let tail = &lines[last_body..];
        let led_by_marker = tail.first().is_some_and(|l| starts_note_line(&l.text()));
        if !tail.is_empty() && led_by_marker && tail.iter().all(|l| l.size < 0.9 * body_size) {
            for l in lines.drain(last_body..) {
                let text = l.text();
                // A plain number opens a note only if it is the next one
                // (a wrapped line may well start with a year).
                let opens = starts_with_note_marker(&text)
                    || (starts_note_line(&text)
                        && note_number(&text).is_some_and(|n| n == last_note + 1));
                if opens || notes.is_empty() {
                    last_note = note_number(&text).unwrap_or(last_note);
                    notes.push((l.page, note_line(&text)));
                } else if let Some((_, last)) = notes.last_mut() {
                    join_words(last, &text);
                }
            }
        }
    }

    // Reading order: columns, within the text area of each page.
    let mut ordered: Vec<Line> = Vec::new();
    for ((_, lines), page) in per_page.into_iter().zip(&pages) {
        if lines.is_empty() {
            continue;
        }
        // The text area. Its right edge is where most full lines end: a long
        // link may run past it, even off the page.
        let left = lines
            .iter()
            .map(Line::x0)
            .fold(f64::INFINITY, f64::min)
            .max(0.0);
        let mut ends: Vec<f64> = lines
            .iter()
            .map(Line::x1)
            .filter(|&x| x <= page.width)
            .collect();
        ends.sort_by(f64::total_cmp);
        let right = ends
            .get(ends.len().saturating_sub(1) * 9 / 10)
            .copied()
            .unwrap_or(page.width)
            .max(left);
        ordered.extend(order_columns(lines, left, right));
    }
    // The left margin is the document's: a page of indented lines (a
    // timeline, a quotation) does not move it.
    let mut starts: HashMap<i64, usize> = HashMap::new();
    for l in ordered.iter().filter(|l| l.column == 0) {
        *starts.entry(l.x0().round() as i64).or_default() += 1;
    }
    if let Some((margin, _)) = starts.into_iter().max_by_key(|&(x, n)| (n, -x)) {
        let margin = margin as f64;
        let mut page_left: HashMap<u32, f64> = HashMap::new();
        for l in &ordered {
            let e = page_left.entry(l.page).or_insert(f64::INFINITY);
            *e = e.min(l.x0());
        }
        for l in ordered.iter_mut().filter(|l| l.column == 0) {
            if page_left
                .get(&l.page)
                .is_some_and(|&min| margin >= min - 1.0)
            {
                l.left = margin;
            }
        }
    }

    let vocabulary = Vocabulary::of(&ordered, &notes);
    let leading = leading_by_size(&ordered);
    let list_indents = list_indents(&ordered);
    let mut out = TextBuilder::default();
    let mut prev: Option<&Line> = None;
    let mut hyphens = HyphenVote::default();
    // A table row is held until its wrapped cells have been read.
    let mut row: Option<PendingRow> = None;
    for line in &ordered {
        let text = line.text();
        if let (Some(r), Some(p)) = (row.as_mut(), prev) {
            if r.continues(p, line, &leading) {
                r.add(line);
                prev = Some(line);
                continue;
            }
        }
        if let Some(r) = row.take() {
            out.piece(&r.text(), r.page);
        }
        let relation = prev.map_or(Relation::NewParagraph, |p| relation(p, line, &leading));
        match relation {
            Relation::Wrap => {
                let prev_text = prev.map(Line::text).unwrap_or_default();
                let (joined_hyphen, keep) =
                    hyphen_join(&prev_text, &text, &vocabulary, &mut hyphens);
                if joined_hyphen {
                    out.drop_last_char_if('-');
                    out.drop_last_char_if('\u{AD}');
                    if keep {
                        out.piece("-", line.page);
                    }
                } else {
                    out.piece(" ", line.page);
                }
                out.piece(&text, line.page);
            }
            Relation::NewLine | Relation::NewParagraph => {
                out.end_line();
                if matches!(relation, Relation::NewParagraph) {
                    out.blank();
                }
                if line.is_table_row() {
                    row = Some(PendingRow::start(line));
                } else {
                    out.piece(&indented(line, &text, &list_indents), line.page);
                }
            }
        }
        prev = Some(line);
    }
    if let Some(r) = row.take() {
        out.piece(&r.text(), r.page);
    }
    out.end_line();
    if !notes.is_empty() {
        out.blank();
        for (page, text) in &notes {
            out.line(text, *page);
        }
    }
    let (text, map) = out.finish(Unit::Page);
    Converted {
        text,
        flavour: Flavour::PlainText,
        map,
        warnings: Vec::new(),
    }
}

/// Private-use bullets from symbol fonts read as a plain bullet; control
/// characters from glyphs without a mapping are dropped.
fn tidy(text: &str) -> String {
    text.chars()
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .map(|c| match c {
            '\u{F0B7}' | '\u{F0A7}' | '\u{F0D8}' | '\u{F076}' | '\u{F0FC}' => '•',
            c => c,
        })
        .collect()
}

fn body_size(pages: &[(f64, Vec<Line>)]) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for (_, lines) in pages {
        for l in lines {
            let chars: usize = l.fragments.iter().map(|f| f.text.chars().count()).sum();
            *counts.entry((l.size * 2.0).round() as i64).or_default() += chars;
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(size, n)| (n, size))
        .map_or(10.0, |(s, _)| s as f64 / 2.0)
}

fn starts_with_note_marker(text: &str) -> bool {
    let first = text.chars().next().unwrap_or(' ');
    crate::text::is_superscript_digit(first) || first == '*' || first == '†'
}

/// A footnote line starts with a marker, raised or (when its marker was not
/// set smaller) a plain number.
fn starts_note_line(text: &str) -> bool {
    starts_with_note_marker(text) || text.starts_with(|c: char| c.is_ascii_digit())
}

/// A footnote line with its marker as a superscript number (`¹² text`).
fn note_line(text: &str) -> String {
    let is_marker = |c: &char| {
        crate::text::is_superscript_digit(*c) || c.is_ascii_digit() || *c == '*' || *c == '†'
    };
    let marker: String = text.chars().take_while(is_marker).collect();
    let rest = text[marker.len()..].trim_start();
    let marker: String = marker
        .chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => superscript(d).chars().next().unwrap_or(c),
            _ => c,
        })
        .collect();
    format!("{marker} {rest}")
}

/// The number a footnote line starts with, raised or not.
fn note_number(text: &str) -> Option<u32> {
    let digits: String = text
        .chars()
        .map_while(|c| {
            c.to_digit(10)
                .or_else(|| "⁰¹²³⁴⁵⁶⁷⁸⁹".chars().position(|s| s == c).map(|p| p as u32))
        })
        .map(|d| char::from(b'0' + d as u8))
        .collect();
    digits.parse().ok()
}

fn join_words(to: &mut String, more: &str) {
    if to.ends_with('-') && more.starts_with(|c: char| c.is_lowercase()) {
        to.pop();
    } else {
        to.push(' ');
    }
    to.push_str(more);
}

/// The usual distance between baselines for each text size.
fn leading_by_size(lines: &[Line]) -> HashMap<i64, f64> {
    let mut gaps: HashMap<i64, HashMap<i64, usize>> = HashMap::new();
    for w in lines.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.page == b.page && a.column == b.column && (a.size - b.size).abs() < 0.1 {
            // Line spacing is within 1.6 times the size; larger gaps are
            // between paragraphs (or headings) and say nothing about it.
            let gap = b.y - a.y;
            if gap > 0.0 && gap < 1.6 * a.size {
                *gaps
                    .entry(size_key(a.size))
                    .or_default()
                    .entry((gap * 2.0).round() as i64)
                    .or_default() += 1;
            }
        }
    }
    gaps.into_iter()
        .filter_map(|(size, counts)| {
            counts
                .into_iter()
                .max_by_key(|&(g, n)| (n, -g))
                .map(|(g, _)| (size, g as f64 / 2.0))
        })
        .collect()
}

fn size_key(size: f64) -> i64 {
    (size * 2.0).round() as i64
}

/// The x positions of list markers, deepest last: items at the first are at
/// the margin, the others nested.
fn list_indents(lines: &[Line]) -> Vec<f64> {
    let mut xs: Vec<f64> = lines
        .iter()
        .filter(|l| {
            l.fragments
                .first()
                .is_some_and(|f| starts_list_item(&f.text))
        })
        .map(|l| l.x0() - l.left)
        .collect();
    xs.sort_by(f64::total_cmp);
    let mut clusters: Vec<f64> = Vec::new();
    for x in xs {
        if clusters.last().is_none_or(|c| x - c > 4.0) {
            clusters.push(x);
        }
    }
    clusters
}

fn starts_list_item(text: &str) -> bool {
    let first_word = text.split_whitespace().next().unwrap_or("");
    is_list_marker(first_word)
}

/// The line as written, with a leading space when it is a nested list item
/// or an indented line (the layout reads those as paragraphs of their own).
fn indented(line: &Line, text: &str, list_indents: &[f64]) -> String {
    let x = line.x0() - line.left;
    let nested = if starts_list_item(text) {
        list_indents.first().is_some_and(|&first| x > first + 4.0)
    } else {
        x > 1.5 * line.size && !line.is_table_row()
    };
    let text = marker_spacing(line, text);
    if nested { format!(" {text}") } else { text }
}

/// `1.<TAB>Text` (a marker set apart by a tab stop) reads as `1. Text`.
fn marker_spacing(line: &Line, text: &str) -> String {
    if line.fragments.len() == 2 && is_list_marker(&line.fragments[0].text) {
        format!("{} {}", line.fragments[0].text, line.fragments[1].text)
    } else {
        text.to_owned()
    }
}

/// A table row whose cells may wrap onto the lines below it.
struct PendingRow {
    page: u32,
    /// Left edge and text of each cell.
    cells: Vec<(f64, String)>,
}

impl PendingRow {
    fn start(line: &Line) -> Self {
        PendingRow {
            page: line.page,
            cells: line
                .fragments
                .iter()
                .map(|f| (f.x0, f.text.clone()))
                .collect(),
        }
    }

    /// A line set at the usual spacing right under the row, whose pieces
    /// all start where cells of the row start, carries those cells on.
    fn continues(&self, prev: &Line, line: &Line, leading: &HashMap<i64, f64>) -> bool {
        let usual = leading
            .get(&size_key(prev.size))
            .copied()
            .unwrap_or(1.2 * prev.size);
        let gap = line.y - prev.y;
        line.page == prev.page
            && line.column == prev.column
            && gap > 0.0
            && gap <= usual * 1.15
            && line.fragments.iter().all(|f| {
                self.cells
                    .iter()
                    .skip(1)
                    .any(|(x, _)| (f.x0 - x).abs() <= 3.0)
            })
    }

    fn add(&mut self, line: &Line) {
        for f in &line.fragments {
            if let Some((_, text)) = self.cells.iter_mut().find(|(x, _)| (f.x0 - x).abs() <= 3.0) {
                join_words(text, &f.text);
            }
        }
    }

    fn text(&self) -> String {
        self.cells
            .iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\t")
    }
}

enum Relation {
    /// The line carries on the one before it (a wrap).
    Wrap,
    /// Same block, new line (a list item, a table row, a short line).
    NewLine,
    /// A new paragraph.
    NewParagraph,
}

fn relation(a: &Line, b: &Line, leading: &HashMap<i64, f64>) -> Relation {
    let b_text = b.text();
    let starts_item = starts_list_item(&b_text) || starts_with_note_marker(&b_text);
    let same_flow = a.page == b.page && a.column == b.column;
    let full = fits_no_more(a, b);
    if !same_flow {
        // A page or column break: a paragraph left full runs on, unless a
        // sentence ended there and the next line opens another (the space
        // between paragraphs is lost at the break, so this is the only sign).
        let a_text = a.text();
        let sentence_ended = a_text.trim_end().ends_with(['.', '?', '!', ':'])
            && b_text.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit());
        return if full
            && !sentence_ended
            && !starts_item
            && !b.is_table_row()
            && (a.size - b.size).abs() < 0.5
        {
            Relation::Wrap
        } else if starts_item && starts_list_item(&a_text) {
            // A list running on over the break.
            Relation::NewLine
        } else {
            Relation::NewParagraph
        };
    }
    // Headings are often only a point larger than the text around them.
    if (a.size - b.size).abs() > 0.05 * a.size.max(b.size) {
        return Relation::NewParagraph;
    }
    let usual = leading
        .get(&size_key(a.size))
        .copied()
        .unwrap_or(1.2 * a.size);
    let gap = b.y - a.y;
    if gap > usual * 1.3 + 0.5 {
        return Relation::NewParagraph;
    }
    if a.is_table_row() || b.is_table_row() {
        return Relation::NewLine;
    }
    if starts_item {
        return Relation::NewLine;
    }
    if full {
        Relation::Wrap
    } else {
        Relation::NewLine
    }
}

/// Whether `a` was broken because `b`'s first word did not fit after it.
fn fits_no_more(a: &Line, b: &Line) -> bool {
    let Some(first) = b.fragments.first() else {
        return false;
    };
    let space = 0.3 * a.size;
    a.x1() + space + first.first_word > a.right + 0.5
}

/// Lowercase words of the document, to judge hyphens at line ends.
struct Vocabulary {
    words: HashSet<String>,
}

impl Vocabulary {
    fn of(lines: &[Line], notes: &[(u32, String)]) -> Self {
        let mut words = HashSet::new();
        let mut add = |text: &str| {
            for w in text.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
                let w = w.trim_matches('-');
                if w.len() > 1 {
                    words.insert(w.to_lowercase());
                }
            }
        };
        for l in lines {
            for f in &l.fragments {
                // The last word of a line may be half a word: leave it out.
                let text = f.text.trim_end();
                let text = if text.ends_with('-') {
                    text.rsplit_once(' ').map_or("", |(head, _)| head)
                } else {
                    text
                };
                add(text);
            }
        }
        for (_, n) in notes {
            add(n);
        }
        Vocabulary { words }
    }
}

#[derive(Default)]
struct HyphenVote {
    kept: usize,
    removed: usize,
    undecided: usize,
}

/// For a wrap after `prev`: whether it ended in a hyphen joined to `next`,
/// and if so whether the hyphen stays (`multi-agency`) or goes
/// (`safe-guarding` → `safeguarding`). The document decides: a form used
/// elsewhere in it wins; without evidence, the way the evidence went so far
/// wins, and a hyphen stays when there is none (word processors break lines
/// at real hyphens but do not hyphenate words unless told to).
fn hyphen_join(
    prev: &str,
    next: &str,
    vocabulary: &Vocabulary,
    vote: &mut HyphenVote,
) -> (bool, bool) {
    let prev = prev.trim_end();
    if prev.ends_with('\u{AD}') {
        return (true, false);
    }
    if !prev.ends_with('-') {
        return (false, false);
    }
    let head: String = prev[..prev.len() - 1]
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if head.is_empty() || !head.chars().last().is_some_and(char::is_alphabetic) {
        return (false, false);
    }
    let tail: String = next
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect();
    if !tail.chars().next().is_some_and(char::is_lowercase) {
        // `pre-` + `2019`, `non-` + `UK`: a real hyphen.
        return (true, true);
    }
    let last_head = head.rsplit('-').next().unwrap_or(&head).to_lowercase();
    let first_tail = tail.split('-').next().unwrap_or(&tail).to_lowercase();
    let hyphenated = format!("{last_head}-{first_tail}");
    let solid = format!("{last_head}{first_tail}");
    let keep = match (
        vocabulary.words.contains(&hyphenated),
        vocabulary.words.contains(&solid),
    ) {
        (true, false) => {
            vote.kept += 1;
            true
        }
        (false, true) => {
            vote.removed += 1;
            false
        }
        _ => {
            vote.undecided += 1;
            vote.removed <= vote.kept
        }
    };
    (true, keep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_recognised() {
        for t in ["12", "Page 3", "3 of 12", "- 4 -", "Page 2 of 9", "iv"] {
            assert!(is_page_number(t), "{t}");
        }
        for t in ["12 children", "Page three", "2019 review"] {
            assert!(!is_page_number(t), "{t}");
        }
    }

    #[test]
    fn list_markers() {
        for m in ["1.", "12)", "(a)", "iv.", "•", "-"] {
            assert!(is_list_marker(m), "{m}");
        }
        for m in ["1", "2019.", "The", "a"] {
            assert!(!is_list_marker(m), "{m}");
        }
    }

    #[test]
    fn hyphens_follow_the_documents_own_spelling() {
        let vocabulary = Vocabulary {
            words: ["multi-agency", "safeguarding"]
                .into_iter()
                .map(String::from)
                .collect(),
        };
        let mut vote = HyphenVote::default();
        assert_eq!(
            hyphen_join("the multi-", "agency panel", &vocabulary, &mut vote),
            (true, true)
        );
        assert_eq!(
            hyphen_join("local safe-", "guarding partners", &vocabulary, &mut vote),
            (true, false)
        );
        assert_eq!(
            hyphen_join("aged 14 -", "he was", &vocabulary, &mut vote),
            (false, false)
        );
        assert_eq!(
            hyphen_join("the pre-", "2019 review", &vocabulary, &mut vote),
            (true, true)
        );
        // one kept, one removed so far: a tie keeps the hyphen
        assert_eq!(
            hyphen_join("a cross-", "border case", &vocabulary, &mut vote),
            (true, true)
        );
    }
}
