//! CSV output for spreadsheets and scripts.
//!
//! Owns the `csv` format, written with the `csv` crate (quoting, embedded
//! newlines and commas are its job). One header row; columns are documented
//! in the README.

use std::io::Write;

use anyhow::Result;

use crate::model::{DocumentReport, SectionReport};

/// One row per document, written as documents come.
pub struct AnalysisCsv<'w> {
    out: csv::Writer<&'w mut dyn Write>,
}

impl<'w> AnalysisCsv<'w> {
    pub fn begin(w: &'w mut dyn Write) -> Result<Self> {
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
        Ok(AnalysisCsv { out })
    }

    pub fn row(&mut self, d: &DocumentReport) -> Result<()> {
        self.out.write_record([
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
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
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
