//! Printing a concordance (`revlens kwic`).
//!
//! Owns the three views of keyword-in-context lines: aligned text for a
//! terminal (the matches line up in one column), CSV and JSON.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::kwic::Line;

/// Schema of `revlens kwic --format json`.
pub const KWIC_SCHEMA: &str = "revlens/kwic/v1";

#[derive(Serialize)]
struct KwicJson<'a> {
    schema: &'static str,
    pattern: &'a str,
    matches: &'a [Line],
}

pub fn write_json(w: &mut dyn Write, pattern: &str, lines: &[Line]) -> Result<()> {
    super::write_json(
        w,
        &KwicJson {
            schema: KWIC_SCHEMA,
            pattern,
            matches: lines,
        },
    )?;
    Ok(())
}

pub fn write_csv(w: &mut dyn Write, lines: &[Line]) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "path", "line", "column", "section", "left", "match", "right",
    ])?;
    for l in lines {
        out.write_record([
            &l.path,
            &l.line.to_string(),
            &l.column.to_string(),
            &l.section,
            &l.left,
            &l.matched,
            &l.right,
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// `left context  MATCH  right context   path:line (section)`, with the left
/// context right-aligned so that matches form a column.
pub fn write_text(w: &mut dyn Write, lines: &[Line], context: usize) -> Result<()> {
    for l in lines {
        let left_width = l.left.chars().count();
        let pad = " ".repeat(context.saturating_sub(left_width));
        let right_pad = " ".repeat(context.saturating_sub(l.right.chars().count()));
        writeln!(
            w,
            "{pad}{} {} {}{right_pad}  {}:{}:{} ({})",
            l.left, l.matched, l.right, l.path, l.line, l.column, l.section
        )?;
    }
    let docs = {
        let mut paths: Vec<&str> = lines.iter().map(|l| l.path.as_str()).collect();
        paths.dedup();
        paths.len()
    };
    writeln!(w, "{} matches in {docs} documents", lines.len())?;
    Ok(())
}
