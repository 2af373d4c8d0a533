//! The HTML report of a whole run (`revlens analyse --format html`).
//!
//! Owns one self-contained page (inline CSS and SVG; no scripts, fonts or
//! anything fetched from a network) with: the documents, a heatmap of
//! documents × themes, a bar chart of theme prevalence, co-occurrence, where
//! themes are raised, themes by year, the recommendations with their
//! addressees, and the evidence behind every count (each heatmap cell and
//! table number links to its sentences, with file and line). The page is built
//! with maud, which escapes every value it is given: text from documents can
//! never become markup.

use std::io::Write;

use anyhow::Result;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::model::{Analysis, DocumentReport, Evidence};
use crate::tables::Tables;

const STYLE: &str = r#"
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1d2433; margin: 0; background: #fafbfc; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 26px; margin: 8px 0 4px; } h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 1px solid #d8dde6; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 0; display: inline; }
p.lede { color: #4a5568; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; background: #fff; }
th, td { border: 1px solid #e2e6ee; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f8; font-weight: 600; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.scroll { overflow-x: auto; background: #fff; border: 1px solid #e2e6ee; padding: 8px; }
svg text { font: 12px system-ui, Arial, sans-serif; fill: #1d2433; }
svg text.n { font-size: 10px; } svg text.n3 { font-size: 9px; } svg text.light { fill: #ffffff; }
svg a:hover rect, svg a:focus rect { stroke: #1d2433; stroke-width: 1.5; }
details { background: #fff; border: 1px solid #e2e6ee; margin: 6px 0; padding: 6px 10px; }
details > summary { cursor: pointer; }
details details { border-color: #eef1f6; }
.evidence li { margin: 4px 0; }
code { font-size: 12.5px; background: #f0f3f8; padding: 0 3px; border-radius: 3px; }
mark { background: #ffe58a; }
:target { outline: 2px solid #2f6fdb; }
.muted { color: #6b7488; } .error { color: #a4262c; }
"#;

/// Colour of a heatmap cell: white for none, then deeper blue with more hits
/// (log scale, so one outlier does not wash the rest out).
fn heat(hits: usize, max: usize) -> String {
    if hits == 0 {
        return "#f3f5f9".to_owned();
    }
    let t = ((hits as f64 + 1.0).ln() / (max as f64 + 1.0).ln()).clamp(0.0, 1.0);
    let (r, g, b) = (
        (222.0 - t * (222.0 - 31.0)) as u8,
        (235.0 - t * (235.0 - 78.0)) as u8,
        (247.0 - t * (247.0 - 163.0)) as u8,
    );
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Whether a cell is dark enough to need white numbers.
fn heat_is_dark(hits: usize, max: usize) -> bool {
    hits > 0 && (hits as f64 + 1.0).ln() / (max as f64 + 1.0).ln() > 0.4
}

fn evidence_id(doc: usize, theme: usize) -> String {
    format!("ev-d{doc}-t{theme}")
}

fn pct(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// Index of each document in `a.documents` (the D-numbers), by path.
fn doc_index(a: &Analysis, path: &str) -> usize {
    a.documents.iter().position(|d| d.path == path).unwrap_or(0)
}

pub fn write(w: &mut dyn Write, a: &Analysis) -> Result<()> {
    let page = render(a);
    w.write_all(page.into_string().as_bytes())?;
    Ok(())
}

pub fn render(a: &Analysis) -> Markup {
    let t = &a.tables;
    let failed = a.documents.iter().filter(|d| !d.errors.is_empty()).count();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(format!("revlens {}", a.revlens_version));
                title { "revlens report: " (t.documents) " case reviews" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    h1 { "Case review analysis" }
                    p.lede {
                        (t.documents) " documents analysed"
                        @if failed > 0 { ", " span.error { (failed) " could not be read" } }
                        ". Rule set: " (a.ruleset.rules) " rules, fingerprint "
                        code { (a.ruleset.fingerprint.get(..12).unwrap_or("")) }
                        ", revlens " (a.revlens_version) ". Hits count the sentences in which a theme's rules fired; every count links to those sentences."
                    }
                    (documents_table(a))
                    h2 #heatmap { "Documents × themes" }
                    p.muted { "Darker cells have more hits. Select a cell to read its evidence." }
                    (heatmap(a, t))
                    h2 #prevalence { "Theme prevalence" }
                    p.muted { "Share of documents raising each theme." }
                    (bar_chart(t))
                    (prevalence_table(t))
                    h2 #cooccurrence { "Themes found together" }
                    (cooccurrence_table(t))
                    h2 #sections { "Where themes are raised" }
                    (section_kind_table(t))
                    h2 #years { "Themes by year" }
                    (year_table(t))
                    h2 #recommendations { "Recommendations" }
                    (recommendations(a, t))
                    h2 #evidence { "Evidence" }
                    (evidence(a, t))
                }
            }
        }
    }
}

fn documents_table(a: &Analysis) -> Markup {
    html! {
        h2 #documents { "Documents" }
        table {
            thead { tr { th { "#" } th { "Document" } th { "Title" } th { "Type" } th { "Year" } th { "Child" }
                th { "Words" } th { "Themes" } th { "Recommendations" } th { "Learning points" } } }
            tbody {
                @for (i, d) in a.documents.iter().enumerate() {
                    tr {
                        td { "D" (i + 1) }
                        td { code { (d.path) } }
                        @if d.errors.is_empty() {
                            td { (d.title.as_deref().unwrap_or("")) }
                            td { (d.metadata.review_type.as_deref().unwrap_or("")) }
                            td {
                                @if let Some(y) = d.metadata.year { (y) }
                                @if d.metadata.year_source == Some(crate::metadata::YearSource::LatestMentioned) {
                                    span.muted title="not stated: the latest year the text mentions" { "?" }
                                }
                            }
                            td { (d.metadata.child.as_deref().unwrap_or("")) }
                            td.n { (d.words) } td.n { (d.themes.len()) }
                            td.n { (d.recommendations.len()) } td.n { (d.learning_points.len()) }
                        } @else {
                            td.error colspan="8" { "could not be read: " (d.errors.join("; ")) }
                        }
                    }
                }
            }
        }
    }
}

fn heatmap(a: &Analysis, t: &Tables) -> Markup {
    // Themes ordered by prevalence; only those found somewhere.
    let themes: Vec<(usize, &str)> = t
        .prevalence
        .iter()
        .filter(|p| p.documents > 0)
        .filter_map(|p| {
            t.matrix
                .themes
                .iter()
                .position(|x| *x == p.theme)
                .map(|j| (j, p.theme.as_str()))
        })
        .collect();
    if themes.is_empty() || t.matrix.rows.is_empty() {
        return html! { p.muted { "No themes found." } };
    }
    let (cell, label_w, head_h) = (24usize, 260usize, 56usize);
    let width = label_w + cell * t.matrix.rows.len() + 8;
    let height = head_h + cell * themes.len() + 8;
    let max = t
        .matrix
        .rows
        .iter()
        .flat_map(|r| r.hits.iter().copied())
        .max()
        .unwrap_or(1);
    html! {
        div.scroll {
            svg xmlns="http://www.w3.org/2000/svg" width=(width) height=(height) viewBox=(format!("0 0 {width} {height}")) role="img" aria-label="Heatmap of documents and themes" {
                @for (c, row) in t.matrix.rows.iter().enumerate() {
                    @let x = label_w + c * cell + cell / 2;
                    text x=(x) y=(head_h - 6) text-anchor="start" transform=(format!("rotate(-60 {x} {})", head_h - 6)) {
                        "D" (doc_index(a, &row.path) + 1)
                        title { (row.path) }
                    }
                }
                @for (r, (j, theme)) in themes.iter().enumerate() {
                    @let y = head_h + r * cell;
                    text x=(label_w - 6) y=(y + cell - 6) text-anchor="end" { (theme) }
                    @for (c, row) in t.matrix.rows.iter().enumerate() {
                        @let hits = row.hits[*j];
                        @let x = label_w + c * cell;
                        @if hits > 0 {
                            a href=(format!("#{}", evidence_id(doc_index(a, &row.path), *j))) {
                                rect x=(x + 1) y=(y + 1) width=(cell - 2) height=(cell - 2) fill=(heat(hits, max)) {
                                    title { (row.path) " — " (theme) ": " (super::count(hits, "hit")) }
                                }
                                @if hits < 1000 {
                                    text x=(x + cell / 2) y=(y + cell - 8) text-anchor="middle" pointer-events="none"
                                        class=(format!("{}{}", if hits < 100 { "n" } else { "n n3" }, if heat_is_dark(hits, max) { " light" } else { "" })) { (hits) }
                                }
                            }
                        } @else {
                            rect x=(x + 1) y=(y + 1) width=(cell - 2) height=(cell - 2) fill=(heat(0, max)) {
                                title { (row.path) " — " (theme) ": none" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn bar_chart(t: &Tables) -> Markup {
    let rows: Vec<_> = t.prevalence.iter().filter(|p| p.documents > 0).collect();
    if rows.is_empty() {
        return html! {};
    }
    let (label_w, bar_w, row_h) = (260usize, 520usize, 22usize);
    let width = label_w + bar_w + 120;
    let height = row_h * rows.len() + 8;
    html! {
        div.scroll {
            svg xmlns="http://www.w3.org/2000/svg" width=(width) height=(height) viewBox=(format!("0 0 {width} {height}")) role="img" aria-label="Bar chart of theme prevalence" {
                @for (i, p) in rows.iter().enumerate() {
                    @let y = i * row_h;
                    @let len = ((p.share * bar_w as f64).round() as usize).max(2);
                    text x=(label_w - 6) y=(y + row_h - 7) text-anchor="end" { (p.theme) }
                    a href=(format!("#ev-theme-{}", p.theme)) {
                        rect x=(label_w) y=(y + 3) width=(len) height=(row_h - 6) fill="#3f6fb5" {
                            title { (p.theme) ": " (p.documents) " of " (t.documents) " documents, " (p.hits) " hits" }
                        }
                    }
                    text x=(label_w + len + 6) y=(y + row_h - 7) { (p.documents) "/" (t.documents) " (" (pct(p.share)) ")" }
                }
            }
        }
    }
}

fn prevalence_table(t: &Tables) -> Markup {
    html! {
        table {
            thead { tr { th { "Theme" } th { "Category" } th { "Documents" } th { "Share" } th { "Hits" } } }
            tbody {
                @for p in &t.prevalence {
                    tr {
                        td { @if p.documents > 0 { a href=(format!("#ev-theme-{}", p.theme)) { (p.theme) } } @else { span.muted { (p.theme) } } }
                        td { (p.category.as_deref().unwrap_or("")) }
                        td.n { (p.documents) } td.n { (pct(p.share)) } td.n { (p.hits) }
                    }
                }
            }
        }
    }
}

fn cooccurrence_table(t: &Tables) -> Markup {
    html! {
        @if t.cooccurrence.is_empty() {
            p.muted { "No two themes share a document." }
        } @else {
            p.muted { "Pairs of themes raised in the same documents; overlap is documents with both over documents with either." }
            table {
                thead { tr { th { "Theme" } th { "Theme" } th { "Documents" } th { "Overlap" } } }
                tbody {
                    @for p in t.cooccurrence.iter().take(50) {
                        tr { td { (p.a) } td { (p.b) } td.n { (p.documents) } td.n { (pct(p.overlap)) } }
                    }
                }
            }
            @if t.cooccurrence.len() > 50 { p.muted { (t.cooccurrence.len() - 50) " more pairs in the JSON." } }
        }
    }
}

fn section_kind_table(t: &Tables) -> Markup {
    let mut kinds: Vec<crate::sections::SectionKind> = t
        .by_section_kind
        .iter()
        .flat_map(|r| r.kinds.iter().copied())
        .collect();
    kinds.sort();
    kinds.dedup();
    html! {
        p.muted { "Hits by the kind of section they appear in: a theme raised only in recommendations, or never in them, shows here." }
        table {
            thead { tr { th { "Theme" } @for k in &kinds { th { (k.as_str()) } } } }
            tbody {
                @for r in &t.by_section_kind {
                    tr { td { (r.theme) } @for k in &kinds { td.n { @if let Some(n) = r.hits.get(k) { (n) } @else { span.muted { "·" } } } } }
                }
            }
        }
    }
}

fn year_table(t: &Tables) -> Markup {
    html! {
        table {
            thead { tr { th { "Year" } th { "Documents" } th { "Most frequent themes (documents)" } } }
            tbody {
                @for y in &t.by_year {
                    tr {
                        td { @if let Some(v) = y.year { (v) } @else { span.muted { "unknown" } } }
                        td.n { (y.documents) }
                        td { @for (i, (id, n)) in y.top(6).into_iter().enumerate() { @if i > 0 { ", " } (id) " (" (n) ")" } }
                    }
                }
            }
        }
    }
}

fn recommendations(a: &Analysis, t: &Tables) -> Markup {
    let total: usize = t.addressees.iter().map(|r| r.recommendations).sum();
    html! {
        @if total == 0 {
            p.muted { "No recommendations found." }
        } @else {
            table {
                thead { tr { th { "Addressee" } th { "Recommendations" } th { "Documents" } } }
                tbody {
                    @for r in &t.addressees {
                        tr { td { (r.addressee.as_deref().unwrap_or("(none named)")) } td.n { (r.recommendations) } td.n { (r.documents) } }
                    }
                }
            }
            table {
                thead { tr { th { "Document" } th { "Id" } th { "Addressee" } th { "Recommendation" } th { "Line" } } }
                tbody {
                    @for (i, d) in a.documents.iter().enumerate() {
                        @for r in &d.recommendations {
                            tr { td { "D" (i + 1) } td { (r.id) } td { (r.addressee.as_deref().unwrap_or("")) } td { (r.text) } td.n { (r.line) } }
                        }
                    }
                }
            }
        }
    }
}

/// A sentence with its matched words marked.
fn sentence(e: &Evidence) -> Markup {
    match e.text.find(&e.matched) {
        Some(i) if !e.matched.is_empty() => {
            let (before, rest) = e.text.split_at(i);
            let (m, after) = rest.split_at(e.matched.len());
            html! { (before) mark { (m) } (after) }
        }
        _ => html! { (e.text) },
    }
}

fn evidence(a: &Analysis, t: &Tables) -> Markup {
    html! {
        @for p in t.prevalence.iter().filter(|p| p.documents > 0) {
            @let j = t.matrix.themes.iter().position(|x| *x == p.theme).unwrap_or(0);
            details id=(format!("ev-theme-{}", p.theme)) {
                summary { h3 { (p.theme) } " " span.muted { (super::count(p.documents, "document")) ", " (super::count(p.hits, "hit")) } }
                @for (i, d) in a.documents.iter().enumerate() {
                    @if let Some(theme) = d.themes.iter().find(|x| x.id == p.theme) {
                        (evidence_block(i, j, d, theme))
                    }
                }
            }
        }
    }
}

fn evidence_block(
    i: usize,
    j: usize,
    d: &DocumentReport,
    theme: &crate::model::ThemeReport,
) -> Markup {
    html! {
        details id=(evidence_id(i, j)) {
            summary { "D" (i + 1) " " code { (d.path) } " — " (super::count(theme.hits, "hit")) }
            ul.evidence {
                @for e in &theme.evidence {
                    li { code { (d.path) ":" (super::place(e.line, e.column, e.page, e.paragraph)) } " " span.muted { (e.section) } " — " (sentence(e)) }
                }
                @if theme.evidence.len() < theme.hits {
                    li.muted { (theme.hits - theme.evidence.len()) " more not listed (the run capped evidence with --max-evidence)" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_runs_from_pale_to_deep() {
        assert_eq!(heat(0, 10), "#f3f5f9");
        assert_eq!(heat(10, 10), "#1f4ea3");
        assert_ne!(heat(1, 10), heat(10, 10));
    }
}
