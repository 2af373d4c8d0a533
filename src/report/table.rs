//! Tables and outlines for people reading a terminal.
//!
//! Owns the `table` format: comfy-table grids for corpus results and the
//! indented outline of `revlens sections`.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

use crate::model::{DocumentReport, SectionReport};

fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().map(Cell::new));
    t
}

fn right(n: usize) -> Cell {
    Cell::new(n).set_alignment(CellAlignment::Right)
}

/// What the terminal table shows of one document (kept instead of the
/// whole report, so a long run holds only these lines).
#[derive(Debug, Clone)]
pub struct DocumentLine {
    path: String,
    title: String,
    words: usize,
    sections: usize,
    themes: usize,
    recommendations: usize,
    learning_points: usize,
    errors: Vec<String>,
}

impl DocumentLine {
    pub fn of(d: &DocumentReport) -> DocumentLine {
        DocumentLine {
            path: d.path.clone(),
            title: d.title.clone().unwrap_or_default(),
            words: d.words,
            sections: d.sections.len(),
            themes: d.themes.len(),
            recommendations: d.recommendations.len(),
            learning_points: d.learning_points.len(),
            errors: d.errors.clone(),
        }
    }
}

/// One row per document.
pub fn write_analysis(w: &mut dyn Write, documents: &[DocumentLine]) -> io::Result<()> {
    let mut t = new_table(&[
        "Document", "Title", "Words", "Sections", "Themes", "Recs", "Learning", "Status",
    ]);
    for d in documents {
        let status = if d.errors.is_empty() {
            "ok".to_owned()
        } else {
            format!("error: {}", d.errors.join("; "))
        };
        t.add_row(vec![
            Cell::new(&d.path),
            Cell::new(&d.title),
            right(d.words),
            right(d.sections),
            right(d.themes),
            right(d.recommendations),
            right(d.learning_points),
            Cell::new(status),
        ]);
    }
    writeln!(w, "{t}")?;
    let failed = documents.iter().filter(|d| !d.errors.is_empty()).count();
    writeln!(
        w,
        "{} documents analysed{}",
        documents.len() - failed,
        if failed > 0 {
            format!(", {failed} could not be read")
        } else {
            String::new()
        }
    )
}

/// The indented outline of one document.
pub fn write_outline(
    w: &mut dyn Write,
    path: &str,
    title: Option<&str>,
    sections: &[SectionReport],
) -> io::Result<()> {
    match title {
        Some(t) => writeln!(w, "{path}: {t}")?,
        None => writeln!(w, "{path}")?,
    }
    if sections.is_empty() {
        return writeln!(w, "  (no headings found)");
    }
    let width = sections
        .iter()
        .map(|s| s.title.chars().count() + 2 * (s.level as usize - 1))
        .max()
        .unwrap_or(0);
    for s in sections {
        let indent = "  ".repeat(s.level as usize - 1);
        let label = match &s.number {
            Some(n) => format!("{indent}{n} {}", s.title),
            None => format!("{indent}{}", s.title),
        };
        let pad = (width + 6).saturating_sub(label.chars().count());
        // A PDF's page or a Word document's paragraph is what its reader can
        // find; the line of the converted text is not.
        let at = match (s.page, s.paragraph) {
            (Some(p), _) => format!("p.{p}"),
            (_, Some(p)) => format!("¶{p}"),
            _ => s.line.to_string(),
        };
        writeln!(w, "{at:>6}  {label}{}{}", " ".repeat(pad), s.kind)?;
    }
    Ok(())
}
