//! The document × theme table of `revlens themes`.
//!
//! Owns the three views of theme counts: a wide CSV matrix with one row per
//! document and one column per theme of the rule set (stable columns for
//! scripts) and JSON, both written a document at a time; and a terminal
//! table (themes down the side; one column per document when there are few,
//! prevalence otherwise) drawn from the corpus tables.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;

use crate::model::{DocumentReport, RulesetInfo};
use crate::tables::Tables;

/// Documents beyond which the table shows prevalence instead of one column each.
const MAX_DOCUMENT_COLUMNS: usize = 6;

/// Schema of `revlens themes --format json`.
pub const THEMES_SCHEMA: &str = "revlens/themes/v1";

/// Theme id → hits in one document, for every theme of the rule set.
fn counts<'a>(doc: &'a DocumentReport, themes: &'a [String]) -> BTreeMap<&'a str, usize> {
    let mut m: BTreeMap<&str, usize> = themes.iter().map(|t| (t.as_str(), 0)).collect();
    for t in &doc.themes {
        m.insert(t.id.as_str(), t.hits);
    }
    m
}

/// The CSV matrix, written a row at a time.
pub struct ThemesCsv<'w> {
    out: csv::Writer<&'w mut dyn Write>,
    themes: Vec<String>,
}

impl<'w> ThemesCsv<'w> {
    pub fn begin(w: &'w mut dyn Write, themes: &[&str]) -> Result<Self> {
        let mut out = csv::Writer::from_writer(w);
        let mut header = vec!["path"];
        header.extend(themes.iter().copied());
        out.write_record(&header)?;
        Ok(ThemesCsv {
            out,
            themes: themes.iter().map(|t| (*t).to_owned()).collect(),
        })
    }

    pub fn row(&mut self, d: &DocumentReport) -> Result<()> {
        let c = counts(d, &self.themes);
        let mut row = vec![d.path.clone()];
        row.extend(self.themes.iter().map(|t| c[t.as_str()].to_string()));
        self.out.write_record(&row)?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

#[derive(Serialize)]
struct DocumentThemes<'a> {
    path: &'a str,
    title: Option<&'a str>,
    hits: BTreeMap<&'a str, usize>,
    errors: &'a [String],
}

#[derive(Serialize)]
struct ThemeTotal<'a> {
    id: &'a str,
    category: Option<&'a str>,
    documents: usize,
    hits: usize,
}

/// The JSON of `revlens themes`, written a document at a time:
/// `{ "schema", "ruleset", "documents": [...], "themes": [...] }`.
pub struct ThemesJson<'w> {
    w: &'w mut dyn Write,
    themes: Vec<String>,
    documents: usize,
}

impl<'w> ThemesJson<'w> {
    pub fn begin(w: &'w mut dyn Write, ruleset: &RulesetInfo, themes: &[&str]) -> Result<Self> {
        write!(
            w,
            "{{\n  \"schema\": {},\n  \"ruleset\": ",
            serde_json::to_string(THEMES_SCHEMA)?
        )?;
        super::write_nested_json(w, ruleset, 2)?;
        w.write_all(b",\n  \"documents\": [")?;
        Ok(ThemesJson {
            w,
            themes: themes.iter().map(|t| (*t).to_owned()).collect(),
            documents: 0,
        })
    }

    pub fn document(&mut self, d: &DocumentReport) -> Result<()> {
        self.w.write_all(if self.documents == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        let row = DocumentThemes {
            path: &d.path,
            title: d.title.as_deref(),
            hits: counts(d, &self.themes),
            errors: &d.errors,
        };
        super::write_nested_json(self.w, &row, 4)?;
        self.documents += 1;
        Ok(())
    }

    /// Closes the documents and writes the totals per theme (sorted by id).
    pub fn finish(self, tables: &Tables) -> Result<()> {
        let w = self.w;
        w.write_all(if self.documents == 0 { b"]" } else { b"\n  ]" })?;
        let mut totals: Vec<ThemeTotal> = tables
            .prevalence
            .iter()
            .map(|p| ThemeTotal {
                id: &p.theme,
                category: p.category.as_deref(),
                documents: p.documents,
                hits: p.hits,
            })
            .collect();
        totals.sort_by(|a, b| a.id.cmp(b.id));
        w.write_all(b",\n  \"themes\": ")?;
        super::write_nested_json(w, &totals, 2)?;
        w.write_all(b"\n}\n")?;
        Ok(())
    }
}

/// The terminal table, from the corpus tables.
pub fn write_table(w: &mut dyn Write, tables: &Tables) -> Result<()> {
    let present: Vec<_> = tables
        .prevalence
        .iter()
        .filter(|p| p.documents > 0)
        .collect();
    let rows = &tables.matrix.rows;
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    let per_document = rows.len() <= MAX_DOCUMENT_COLUMNS;
    let mut header = vec![
        Cell::new("Theme"),
        Cell::new("Category"),
        Cell::new("Docs"),
        Cell::new("Hits"),
    ];
    if per_document {
        header.extend(rows.iter().map(|r| Cell::new(short_name(&r.path))));
    } else {
        header.insert(3, Cell::new("Share"));
    }
    t.set_header(header);
    let num = |n: usize| Cell::new(n).set_alignment(CellAlignment::Right);
    for p in &present {
        let mut row = vec![
            Cell::new(&p.theme),
            Cell::new(p.category.as_deref().unwrap_or("")),
            num(p.documents),
        ];
        if per_document {
            row.push(num(p.hits));
            let column = tables
                .matrix
                .themes
                .iter()
                .position(|x| *x == p.theme)
                .unwrap_or(0);
            for r in rows {
                let h = r.hits[column];
                row.push(if h == 0 {
                    Cell::new("·").set_alignment(CellAlignment::Right)
                } else {
                    num(h)
                });
            }
        } else {
            row.push(
                Cell::new(format!("{:.0}%", p.share * 100.0)).set_alignment(CellAlignment::Right),
            );
            row.push(num(p.hits));
        }
        t.add_row(row);
    }
    writeln!(w, "{t}")?;
    let absent = tables.prevalence.len() - present.len();
    writeln!(
        w,
        "{} themes found in {} documents{}; hits count sentences (scope units)",
        present.len(),
        tables.documents,
        if absent > 0 {
            format!(" ({absent} themes of the rule set not found)")
        } else {
            String::new()
        }
    )?;
    Ok(())
}

/// A document's file name without folders and extension, for column headers.
fn short_name(path: &str) -> String {
    let name = std::path::Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(path);
    if name.chars().count() > 16 {
        name.chars().take(15).chain(std::iter::once('…')).collect()
    } else {
        name.to_owned()
    }
}
