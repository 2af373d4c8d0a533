//! CSV output for spreadsheets and scripts.
//!
//! Owns the `csv` format, written with the `csv` crate (quoting, embedded
//! newlines and commas are its job). One header row; columns are documented
//! in the README.

use std::io::Write;

use anyhow::Result;

use crate::model::{Analysis, SectionReport};

/// One row per document.
pub fn write_analysis(w: &mut dyn Write, analysis: &Analysis) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "path",
        "title",
        "words",
        "lines",
        "sections",
        "themes",
        "recommendations",
        "learning_points",
        "errors",
    ])?;
    for d in &analysis.documents {
        out.write_record([
            d.path.clone(),
            d.title.clone().unwrap_or_default(),
            d.words.to_string(),
            d.lines.to_string(),
            d.sections.len().to_string(),
            d.themes.len().to_string(),
            d.recommendations.len().to_string(),
            d.learning_points.len().to_string(),
            d.errors.join("; "),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// One row per section.
pub fn write_outline(w: &mut dyn Write, path: &str, sections: &[SectionReport]) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "path",
        "line",
        "level",
        "number",
        "title",
        "kind",
        "page",
        "paragraph",
    ])?;
    let text = |n: Option<usize>| n.map_or(String::new(), |n| n.to_string());
    for s in sections {
        out.write_record([
            path,
            &s.line.to_string(),
            &s.level.to_string(),
            s.number.as_deref().unwrap_or(""),
            &s.title,
            s.kind.as_str(),
            &text(s.page),
            &text(s.paragraph),
        ])?;
    }
    out.flush()?;
    Ok(())
}
