//! Printing recommendations and learning points, one row each.
//!
//! Owns the output of `revlens recommendations` and `revlens learning` in
//! every format they offer: a table per document for people, CSV (one row per
//! record, or per statement with `--leaves`), JSON (the same record objects
//! as `revlens analyse`, grouped by document) and Markdown. The records come
//! from [`crate::model`]; nothing here decides what a record is.

use std::io::{self, Write};

use anyhow::Result;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;

use crate::model::{DocumentReport, GoodPracticeReport, LearningPointReport, RecommendationReport};

/// `schema` of `revlens recommendations --format json`.
pub const RECOMMENDATIONS_SCHEMA: &str = "revlens/recommendations/v1";
/// `schema` of `revlens learning --format json`.
pub const LEARNING_SCHEMA: &str = "revlens/learning/v1";

/// What `revlens learning` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearningScope {
    /// Learning points and key messages.
    Points,
    /// Also summary previews and good practice.
    All,
}

/// Text in a table cell is cut here; the other formats print it whole.
const TABLE_TEXT_CHARS: usize = 160;

fn shorten(text: &str) -> String {
    if text.chars().count() <= TABLE_TEXT_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(TABLE_TEXT_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

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

fn heading(d: &DocumentReport) -> String {
    match &d.title {
        Some(t) => format!("{}: {t}", d.path),
        None => d.path.clone(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

// ---------------------------------------------------------------------------
// Recommendations

#[derive(Serialize)]
struct RecommendationsJson<'a> {
    schema: &'static str,
    revlens_version: &'static str,
    documents: Vec<RecommendationsDocument<'a>>,
}

#[derive(Serialize)]
struct RecommendationsDocument<'a> {
    path: &'a str,
    title: Option<&'a str>,
    recommendations: &'a [RecommendationReport],
    errors: &'a [String],
}

/// One statement: a recommendation without sub-items, or one sub-item.
struct Statement<'a> {
    id: &'a str,
    parent: Option<&'a str>,
    line: usize,
    addressee: Option<&'a str>,
    addressee_phrase: Option<&'a str>,
    text: &'a str,
    rec: &'a RecommendationReport,
}

fn statements(r: &RecommendationReport) -> Vec<Statement<'_>> {
    if r.leaves.is_empty() {
        return vec![Statement {
            id: &r.id,
            parent: None,
            line: r.line,
            addressee: r.addressee.as_deref(),
            addressee_phrase: r.addressee_phrase.as_deref(),
            text: &r.text,
            rec: r,
        }];
    }
    r.leaves
        .iter()
        .map(|l| Statement {
            id: &l.id,
            parent: Some(&r.id),
            line: l.line,
            addressee: l.addressee.as_deref(),
            addressee_phrase: l.addressee_phrase.as_deref(),
            text: &l.text,
            rec: r,
        })
        .collect()
}

/// `revlens recommendations --format json`.
pub fn write_recommendations_json(w: &mut dyn Write, docs: &[DocumentReport]) -> io::Result<()> {
    super::write_json(
        w,
        &RecommendationsJson {
            schema: RECOMMENDATIONS_SCHEMA,
            revlens_version: env!("CARGO_PKG_VERSION"),
            documents: docs
                .iter()
                .map(|d| RecommendationsDocument {
                    path: &d.path,
                    title: d.title.as_deref(),
                    recommendations: &d.recommendations,
                    errors: &d.errors,
                })
                .collect(),
        },
    )
}

/// One table per document; with `leaves`, one row per statement.
pub fn write_recommendations_table(
    w: &mut dyn Write,
    docs: &[DocumentReport],
    leaves: bool,
) -> io::Result<()> {
    let mut total = 0;
    let mut statements_total = 0;
    for d in docs {
        if !d.errors.is_empty() {
            writeln!(w, "{}: error: {}\n", d.path, d.errors.join("; "))?;
            continue;
        }
        let count: usize = d.recommendations.len();
        let leaf_count: usize = d
            .recommendations
            .iter()
            .map(|r| r.leaves.len().max(1))
            .sum();
        total += count;
        statements_total += leaf_count;
        writeln!(
            w,
            "{} — {}",
            heading(d),
            plural(count, "recommendation", "recommendations")
        )?;
        if count == 0 {
            writeln!(w)?;
            continue;
        }
        let mut t = new_table(&["Id", "Line", "Addressee", "Section", "Recommendation"]);
        for r in &d.recommendations {
            let rows: Vec<Statement> = if leaves {
                statements(r)
            } else {
                vec![Statement {
                    id: &r.id,
                    parent: None,
                    line: r.line,
                    addressee: r.addressee.as_deref(),
                    addressee_phrase: None,
                    text: &r.text,
                    rec: r,
                }]
            };
            for s in rows {
                t.add_row(vec![
                    Cell::new(s.id),
                    right(s.line),
                    Cell::new(s.addressee.unwrap_or("")),
                    Cell::new(&s.rec.section),
                    Cell::new(shorten(s.text)),
                ]);
            }
        }
        writeln!(w, "{t}\n")?;
    }
    writeln!(
        w,
        "{} ({}) in {}",
        plural(total, "recommendation", "recommendations"),
        plural(statements_total, "statement", "statements"),
        plural(docs.len(), "document", "documents")
    )
}

/// One row per recommendation, or per statement with `leaves`.
pub fn write_recommendations_csv(
    w: &mut dyn Write,
    docs: &[DocumentReport],
    leaves: bool,
) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    if leaves {
        out.write_record([
            "path",
            "id",
            "recommendation",
            "line",
            "addressee",
            "addressee_phrase",
            "section",
            "group",
            "text",
        ])?;
        for d in docs {
            for r in &d.recommendations {
                for s in statements(r) {
                    out.write_record([
                        d.path.as_str(),
                        s.id,
                        s.parent.unwrap_or(s.id),
                        &s.line.to_string(),
                        s.addressee.unwrap_or(""),
                        s.addressee_phrase.unwrap_or(""),
                        &r.section,
                        opt(&r.group),
                        s.text,
                    ])?;
                }
            }
        }
    } else {
        out.write_record([
            "path",
            "id",
            "line",
            "end_line",
            "section",
            "group",
            "addressee",
            "addressee_phrase",
            "addressee_source",
            "partners",
            "assurance",
            "leaves",
            "repeated_at",
            "form",
            "text",
        ])?;
        for d in docs {
            for r in &d.recommendations {
                let partners: Vec<String> = r
                    .partners
                    .iter()
                    .map(|p| {
                        format!(
                            "{}:{}",
                            p.agency.as_deref().unwrap_or(&p.phrase),
                            p.relation
                        )
                    })
                    .collect();
                let repeated: Vec<String> = r.repeated_at.iter().map(usize::to_string).collect();
                out.write_record([
                    d.path.as_str(),
                    &r.id,
                    &r.line.to_string(),
                    &r.end_line.to_string(),
                    &r.section,
                    opt(&r.group),
                    opt(&r.addressee),
                    opt(&r.addressee_phrase),
                    opt(&r.addressee_source),
                    &partners.join("; "),
                    if r.assurance { "true" } else { "false" },
                    &r.leaves.len().to_string(),
                    &repeated.join(" "),
                    &r.form,
                    &r.text,
                ])?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// A Markdown report: a section and a table per document.
pub fn write_recommendations_markdown(
    w: &mut dyn Write,
    docs: &[DocumentReport],
    leaves: bool,
) -> io::Result<()> {
    writeln!(w, "# Recommendations")?;
    for d in docs {
        writeln!(w, "\n## {}\n", md(&heading(d)))?;
        if !d.errors.is_empty() {
            writeln!(w, "Could not be read: {}", md(&d.errors.join("; ")))?;
            continue;
        }
        if d.recommendations.is_empty() {
            writeln!(w, "No recommendations found.")?;
            continue;
        }
        writeln!(w, "| Id | Line | Addressee | Recommendation |")?;
        writeln!(w, "| --- | ---: | --- | --- |")?;
        for r in &d.recommendations {
            writeln!(
                w,
                "| {} | {} | {} | {} |",
                md(&r.id),
                r.line,
                md(opt(&r.addressee)),
                md(&r.text)
            )?;
            if leaves {
                for l in &r.leaves {
                    writeln!(
                        w,
                        "| {} | {} | {} | {} |",
                        md(&l.id),
                        l.line,
                        md(opt(&l.addressee)),
                        md(&l.text)
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Text safe inside a Markdown table cell or heading.
fn md(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

// ---------------------------------------------------------------------------
// Learning

#[derive(Serialize)]
struct LearningJson<'a> {
    schema: &'static str,
    revlens_version: &'static str,
    documents: Vec<LearningDocument<'a>>,
}

#[derive(Serialize)]
struct LearningDocument<'a> {
    path: &'a str,
    title: Option<&'a str>,
    learning_points: &'a [LearningPointReport],
    summary_learning: &'a [LearningPointReport],
    good_practice: &'a [GoodPracticeReport],
    errors: &'a [String],
}

/// One learning row of any kind.
struct LearningRow<'a> {
    id: &'a str,
    line: usize,
    end_line: usize,
    kind: &'a str,
    restates: Option<&'a str>,
    section: &'a str,
    group: Option<&'a str>,
    text: &'a str,
}

fn learning_rows(d: &DocumentReport, scope: LearningScope) -> Vec<LearningRow<'_>> {
    fn point(l: &LearningPointReport) -> LearningRow<'_> {
        LearningRow {
            id: &l.id,
            line: l.line,
            end_line: l.end_line,
            kind: &l.kind,
            restates: l.restates.as_deref(),
            section: &l.section,
            group: l.group.as_deref(),
            text: &l.text,
        }
    }
    let mut rows: Vec<LearningRow> = d.learning_points.iter().map(point).collect();
    if scope == LearningScope::All {
        rows.extend(d.summary_learning.iter().map(point));
        rows.extend(d.good_practice.iter().map(|g| LearningRow {
            id: &g.id,
            line: g.line,
            end_line: g.end_line,
            kind: "good-practice",
            restates: None,
            section: &g.section,
            group: g.group.as_deref(),
            text: &g.text,
        }));
        rows.sort_by_key(|r| r.line);
    }
    rows
}

/// `revlens learning --format json`: every kind, whatever the scope.
pub fn write_learning_json(w: &mut dyn Write, docs: &[DocumentReport]) -> io::Result<()> {
    super::write_json(
        w,
        &LearningJson {
            schema: LEARNING_SCHEMA,
            revlens_version: env!("CARGO_PKG_VERSION"),
            documents: docs
                .iter()
                .map(|d| LearningDocument {
                    path: &d.path,
                    title: d.title.as_deref(),
                    learning_points: &d.learning_points,
                    summary_learning: &d.summary_learning,
                    good_practice: &d.good_practice,
                    errors: &d.errors,
                })
                .collect(),
        },
    )
}

/// One table per document.
pub fn write_learning_table(
    w: &mut dyn Write,
    docs: &[DocumentReport],
    scope: LearningScope,
) -> io::Result<()> {
    let mut total = 0;
    let mut restating = 0;
    for d in docs {
        if !d.errors.is_empty() {
            writeln!(w, "{}: error: {}\n", d.path, d.errors.join("; "))?;
            continue;
        }
        let rows = learning_rows(d, scope);
        let points = d.learning_points.len();
        let restate = d
            .learning_points
            .iter()
            .filter(|l| l.restates.is_some())
            .count();
        total += points;
        restating += restate;
        let mut summary = plural(points, "learning point", "learning points");
        if restate > 0 {
            summary.push_str(&format!(" ({restate} restating a recommendation)"));
        }
        writeln!(w, "{} — {summary}", heading(d))?;
        if rows.is_empty() {
            writeln!(w)?;
            continue;
        }
        let mut t = new_table(&["Id", "Line", "Kind", "Restates", "Section", "Text"]);
        for r in rows {
            t.add_row(vec![
                Cell::new(r.id),
                right(r.line),
                Cell::new(r.kind),
                Cell::new(r.restates.unwrap_or("")),
                Cell::new(r.section),
                Cell::new(shorten(r.text)),
            ]);
        }
        writeln!(w, "{t}\n")?;
    }
    writeln!(
        w,
        "{} in {}, {} restating a recommendation",
        plural(total, "learning point", "learning points"),
        plural(docs.len(), "document", "documents"),
        restating
    )
}

/// One row per learning point (and, with `--all`, per preview and
/// good-practice item).
pub fn write_learning_csv(
    w: &mut dyn Write,
    docs: &[DocumentReport],
    scope: LearningScope,
) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "path", "id", "line", "end_line", "kind", "restates", "section", "group", "text",
    ])?;
    for d in docs {
        for r in learning_rows(d, scope) {
            out.write_record([
                d.path.as_str(),
                r.id,
                &r.line.to_string(),
                &r.end_line.to_string(),
                r.kind,
                r.restates.unwrap_or(""),
                r.section,
                r.group.unwrap_or(""),
                r.text,
            ])?;
        }
    }
    out.flush()?;
    Ok(())
}

/// A Markdown report: a section and a table per document.
pub fn write_learning_markdown(
    w: &mut dyn Write,
    docs: &[DocumentReport],
    scope: LearningScope,
) -> io::Result<()> {
    writeln!(w, "# Learning points")?;
    for d in docs {
        writeln!(w, "\n## {}\n", md(&heading(d)))?;
        if !d.errors.is_empty() {
            writeln!(w, "Could not be read: {}", md(&d.errors.join("; ")))?;
            continue;
        }
        let rows = learning_rows(d, scope);
        if rows.is_empty() {
            writeln!(w, "No learning points found.")?;
            continue;
        }
        writeln!(w, "| Id | Line | Kind | Restates | Text |")?;
        writeln!(w, "| --- | ---: | --- | --- | --- |")?;
        for r in rows {
            writeln!(
                w,
                "| {} | {} | {} | {} | {} |",
                md(r.id),
                r.line,
                r.kind,
                md(r.restates.unwrap_or("")),
                md(r.text)
            )?;
        }
    }
    Ok(())
}
