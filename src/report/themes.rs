//! The document × theme table of `revlens themes`.
//!
//! Owns the three views of theme counts: a terminal table (themes down the
//! side; one column per document when there are few, prevalence otherwise),
//! a wide CSV matrix with one row per document and one column per theme of
//! the rule set (stable columns for scripts), and JSON.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;

use crate::model::{DocumentReport, RulesetInfo};
use crate::rules::RuleSet;

/// Documents beyond which the table shows prevalence instead of one column each.
const MAX_DOCUMENT_COLUMNS: usize = 6;

/// Schema of `revlens themes --format json`.
pub const THEMES_SCHEMA: &str = "revlens/themes/v1";

#[derive(Serialize)]
struct ThemesJson<'a> {
    schema: &'static str,
    ruleset: RulesetInfo,
    themes: Vec<ThemeTotal<'a>>,
    documents: Vec<DocumentThemes<'a>>,
}

#[derive(Serialize)]
struct ThemeTotal<'a> {
    id: &'a str,
    category: Option<&'a str>,
    documents: usize,
    hits: usize,
}

#[derive(Serialize)]
struct DocumentThemes<'a> {
    path: &'a str,
    title: Option<&'a str>,
    /// Theme id → hits, for every theme of the rule set.
    hits: BTreeMap<&'a str, usize>,
    errors: &'a [String],
}

fn counts<'a>(doc: &'a DocumentReport, themes: &[&'a str]) -> BTreeMap<&'a str, usize> {
    let mut m: BTreeMap<&str, usize> = themes.iter().map(|t| (*t, 0)).collect();
    for t in &doc.themes {
        m.insert(t.id.as_str(), t.hits);
    }
    m
}

fn totals<'a>(docs: &[DocumentReport], rules: &'a RuleSet) -> Vec<ThemeTotal<'a>> {
    rules
        .themes()
        .into_iter()
        .map(|id| {
            let with: Vec<usize> = docs
                .iter()
                .filter_map(|d| d.themes.iter().find(|t| t.id == id))
                .map(|t| t.hits)
                .collect();
            ThemeTotal {
                id,
                category: rules.category(id),
                documents: with.len(),
                hits: with.iter().sum(),
            }
        })
        .collect()
}

pub fn write_json(w: &mut dyn Write, docs: &[DocumentReport], rules: &RuleSet) -> Result<()> {
    let themes = rules.themes();
    let value = ThemesJson {
        schema: THEMES_SCHEMA,
        ruleset: RulesetInfo {
            rules: rules.rules.len(),
            fingerprint: rules.fingerprint.clone(),
        },
        themes: totals(docs, rules),
        documents: docs
            .iter()
            .map(|d| DocumentThemes {
                path: &d.path,
                title: d.title.as_deref(),
                hits: counts(d, &themes),
                errors: &d.errors,
            })
            .collect(),
    };
    super::write_json(w, &value)?;
    Ok(())
}

pub fn write_csv(w: &mut dyn Write, docs: &[DocumentReport], rules: &RuleSet) -> Result<()> {
    let themes = rules.themes();
    let mut out = csv::Writer::from_writer(w);
    let mut header = vec!["path"];
    header.extend(themes.iter().copied());
    out.write_record(&header)?;
    for d in docs {
        let c = counts(d, &themes);
        let mut row = vec![d.path.clone()];
        row.extend(themes.iter().map(|t| c[t].to_string()));
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(())
}

pub fn write_table(w: &mut dyn Write, docs: &[DocumentReport], rules: &RuleSet) -> Result<()> {
    let all = totals(docs, rules);
    let present: Vec<&ThemeTotal> = all.iter().filter(|t| t.documents > 0).collect();
    let readable = docs.iter().filter(|d| d.errors.is_empty()).count();
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    let per_document = docs.len() <= MAX_DOCUMENT_COLUMNS;
    let mut header = vec![
        Cell::new("Theme"),
        Cell::new("Category"),
        Cell::new("Docs"),
        Cell::new("Hits"),
    ];
    if per_document {
        header.extend(docs.iter().map(|d| Cell::new(short_name(&d.path))));
    } else {
        header.insert(3, Cell::new("Share"));
    }
    t.set_header(header);
    let num = |n: usize| Cell::new(n).set_alignment(CellAlignment::Right);
    for theme in &present {
        let mut row = vec![
            Cell::new(theme.id),
            Cell::new(theme.category.unwrap_or("")),
            num(theme.documents),
        ];
        if per_document {
            row.push(num(theme.hits));
            for d in docs {
                let h = d
                    .themes
                    .iter()
                    .find(|x| x.id == theme.id)
                    .map_or(0, |x| x.hits);
                row.push(if h == 0 {
                    Cell::new("·").set_alignment(CellAlignment::Right)
                } else {
                    num(h)
                });
            }
        } else {
            let share = if readable == 0 {
                0.0
            } else {
                100.0 * theme.documents as f64 / readable as f64
            };
            row.push(Cell::new(format!("{share:.0}%")).set_alignment(CellAlignment::Right));
            row.push(num(theme.hits));
        }
        t.add_row(row);
    }
    writeln!(w, "{t}")?;
    let absent = all.len() - present.len();
    writeln!(
        w,
        "{} themes found in {readable} documents{}; hits count sentences (scope units)",
        present.len(),
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
