//! The Markdown report of a whole run (`revlens analyse --format markdown`).
//!
//! Owns a report a board can paste into its papers: the documents, theme
//! prevalence, the document × theme matrix, co-occurrence, where themes are
//! raised, themes by year, recommendations by addressee and the evidence
//! behind the counts. Text from documents is escaped so that neither Markdown
//! nor HTML in a review can change the report.

use std::io::Write;

use anyhow::Result;

use crate::model::Analysis;

/// Evidence sentences shown per theme and document (the JSON has them all).
const EVIDENCE_PER_CELL: usize = 5;
/// Documents beyond which the matrix is left to the HTML report and CSV.
const MATRIX_MAX_DOCUMENTS: usize = 30;
/// Co-occurring pairs listed.
const PAIRS_SHOWN: usize = 20;

/// Escapes text for a Markdown table cell or paragraph: Markdown syntax is
/// backslash-escaped, `<`, `>` and `&` become entities (Markdown renderers
/// pass raw HTML through), and line breaks become spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn pct(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

pub fn write(w: &mut dyn Write, a: &Analysis) -> Result<()> {
    let t = &a.tables;
    let failed: Vec<_> = a
        .documents
        .iter()
        .filter(|d| !d.errors.is_empty())
        .collect();
    writeln!(w, "# revlens report\n")?;
    writeln!(
        w,
        "{} documents analysed{}. Rule set: {} rules (fingerprint `{}`), revlens {}.\n",
        t.documents,
        if failed.is_empty() {
            String::new()
        } else {
            format!(", {} could not be read", failed.len())
        },
        a.ruleset.rules,
        a.ruleset.fingerprint.get(..12).unwrap_or(""),
        a.revlens_version
    )?;
    writeln!(
        w,
        "Hits count sentences in which a theme's rules fired; the evidence section lists them with file and line.\n"
    )?;

    writeln!(w, "## Documents\n")?;
    writeln!(
        w,
        "| # | Document | Title | Type | Year | Child | Words | Themes | Recommendations | Learning points |"
    )?;
    writeln!(w, "|---|---|---|---|---|---|---:|---:|---:|---:|")?;
    for (i, d) in a.documents.iter().enumerate() {
        if !d.errors.is_empty() {
            writeln!(
                w,
                "| D{} | {} | could not be read: {} | | | | | | | |",
                i + 1,
                escape(&d.path),
                escape(&d.errors.join("; "))
            )?;
            continue;
        }
        let year = match (d.metadata.year, d.metadata.year_source) {
            (Some(y), Some(crate::metadata::YearSource::LatestMentioned)) => format!("{y}?"),
            (Some(y), _) => y.to_string(),
            _ => String::new(),
        };
        writeln!(
            w,
            "| D{} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            escape(&d.path),
            escape(d.title.as_deref().unwrap_or("")),
            escape(d.metadata.review_type.as_deref().unwrap_or("")),
            year,
            escape(d.metadata.child.as_deref().unwrap_or("")),
            d.words,
            d.themes.len(),
            d.recommendations.len(),
            d.learning_points.len()
        )?;
    }
    writeln!(
        w,
        "\nA year followed by `?` is not stated in the document: it is the latest year the text mentions.\n"
    )?;

    writeln!(w, "## Theme prevalence\n")?;
    writeln!(
        w,
        "How many documents raise each theme, out of {}.\n",
        t.documents
    )?;
    writeln!(w, "| Theme | Category | Documents | Share | Hits |")?;
    writeln!(w, "|---|---|---:|---:|---:|")?;
    for p in t.prevalence.iter().filter(|p| p.documents > 0) {
        writeln!(
            w,
            "| {} | {} | {} | {} | {} |",
            escape(&p.theme),
            escape(p.category.as_deref().unwrap_or("")),
            p.documents,
            pct(p.share),
            p.hits
        )?;
    }
    let absent: Vec<String> = t
        .prevalence
        .iter()
        .filter(|p| p.documents == 0)
        .map(|p| escape(&p.theme))
        .collect();
    if !absent.is_empty() {
        writeln!(w, "\nNot found in any document: {}.", absent.join(", "))?;
    }

    let readable: Vec<&crate::model::DocumentReport> =
        a.documents.iter().filter(|d| d.errors.is_empty()).collect();
    if readable.len() <= MATRIX_MAX_DOCUMENTS && !t.matrix.rows.is_empty() {
        writeln!(w, "\n## Documents × themes\n")?;
        writeln!(
            w,
            "Hits per theme (rows) and document (columns, numbered as above).\n"
        )?;
        let doc_number = |path: &str| {
            a.documents
                .iter()
                .position(|d| d.path == path)
                .map_or(0, |i| i + 1)
        };
        let cols: Vec<String> = t
            .matrix
            .rows
            .iter()
            .map(|r| format!("D{}", doc_number(&r.path)))
            .collect();
        writeln!(w, "| Theme | {} |", cols.join(" | "))?;
        writeln!(w, "|---|{}", "---:|".repeat(cols.len()))?;
        for (j, theme) in t.matrix.themes.iter().enumerate() {
            if t.matrix.rows.iter().all(|r| r.hits[j] == 0) {
                continue;
            }
            let cells: Vec<String> = t
                .matrix
                .rows
                .iter()
                .map(|r| {
                    if r.hits[j] == 0 {
                        "·".to_owned()
                    } else {
                        r.hits[j].to_string()
                    }
                })
                .collect();
            writeln!(w, "| {} | {} |", escape(theme), cells.join(" | "))?;
        }
    } else if !t.matrix.rows.is_empty() {
        writeln!(
            w,
            "\nThe document × theme matrix of {} documents is in the HTML report and in `revlens themes --format csv`.",
            readable.len()
        )?;
    }

    writeln!(w, "\n## Themes found together\n")?;
    if t.cooccurrence.is_empty() {
        writeln!(w, "No two themes share a document.")?;
    } else {
        writeln!(
            w,
            "Pairs of themes raised in the same documents (overlap: documents with both over documents with either).\n"
        )?;
        writeln!(w, "| Theme | Theme | Documents | Overlap |")?;
        writeln!(w, "|---|---|---:|---:|")?;
        for p in t.cooccurrence.iter().take(PAIRS_SHOWN) {
            writeln!(
                w,
                "| {} | {} | {} | {} |",
                escape(&p.a),
                escape(&p.b),
                p.documents,
                pct(p.overlap)
            )?;
        }
        if t.cooccurrence.len() > PAIRS_SHOWN {
            writeln!(
                w,
                "\n{} more pairs in the JSON (`tables.cooccurrence`).",
                t.cooccurrence.len() - PAIRS_SHOWN
            )?;
        }
    }

    writeln!(w, "\n## Where themes are raised\n")?;
    writeln!(w, "Hits by the kind of section they appear in.\n")?;
    let mut kinds: Vec<crate::sections::SectionKind> = t
        .by_section_kind
        .iter()
        .flat_map(|r| r.kinds.iter().copied())
        .collect();
    kinds.sort();
    kinds.dedup();
    writeln!(
        w,
        "| Theme | {} |",
        kinds
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(" | ")
    )?;
    writeln!(w, "|---|{}", "---:|".repeat(kinds.len()))?;
    for r in &t.by_section_kind {
        let cells: Vec<String> = kinds
            .iter()
            .map(|k| r.hits.get(k).map_or("·".to_owned(), |n| n.to_string()))
            .collect();
        writeln!(w, "| {} | {} |", escape(&r.theme), cells.join(" | "))?;
    }

    writeln!(w, "\n## Themes by year\n")?;
    writeln!(w, "| Year | Documents | Most frequent themes (documents) |")?;
    writeln!(w, "|---|---:|---|")?;
    for y in &t.by_year {
        let top: Vec<String> = y
            .top(5)
            .into_iter()
            .map(|(id, n)| format!("{} ({n})", escape(id)))
            .collect();
        writeln!(
            w,
            "| {} | {} | {} |",
            y.year.map_or("unknown".to_owned(), |y| y.to_string()),
            y.documents,
            top.join(", ")
        )?;
    }

    writeln!(w, "\n## Recommendations\n")?;
    let total: usize = t.addressees.iter().map(|r| r.recommendations).sum();
    if total == 0 {
        writeln!(w, "No recommendations found.")?;
    } else {
        writeln!(w, "| Addressee | Recommendations | Documents |")?;
        writeln!(w, "|---|---:|---:|")?;
        for r in &t.addressees {
            writeln!(
                w,
                "| {} | {} | {} |",
                escape(r.addressee.as_deref().unwrap_or("(none named)")),
                r.recommendations,
                r.documents
            )?;
        }
        writeln!(w)?;
        writeln!(w, "| Document | Id | Addressee | Recommendation | Line |")?;
        writeln!(w, "|---|---|---|---|---:|")?;
        for (i, d) in a.documents.iter().enumerate() {
            for r in &d.recommendations {
                writeln!(
                    w,
                    "| D{} | {} | {} | {} | {} |",
                    i + 1,
                    escape(&r.id),
                    escape(r.addressee.as_deref().unwrap_or("")),
                    escape(&r.text),
                    r.line
                )?;
            }
        }
    }

    writeln!(w, "\n## Evidence\n")?;
    writeln!(
        w,
        "Up to {EVIDENCE_PER_CELL} sentences per theme and document; `revlens analyse --format json` lists them all."
    )?;
    for p in t.prevalence.iter().filter(|p| p.documents > 0) {
        writeln!(w, "\n### {}\n", escape(&p.theme))?;
        for (i, d) in a.documents.iter().enumerate() {
            let Some(theme) = d.themes.iter().find(|x| x.id == p.theme) else {
                continue;
            };
            writeln!(
                w,
                "- **D{}** {} ({})",
                i + 1,
                escape(&d.path),
                super::count(theme.hits, "hit")
            )?;
            for e in theme.evidence.iter().take(EVIDENCE_PER_CELL) {
                writeln!(
                    w,
                    "  - {}, {}: {}",
                    match (e.page, e.paragraph) {
                        (None, None) => format!("line {}", e.line),
                        (p, n) => super::place(e.line, e.column, p, n),
                    },
                    escape(&e.section),
                    escape(&e.text)
                )?;
            }
            let shown = theme.evidence.len().min(EVIDENCE_PER_CELL);
            if theme.hits > shown {
                writeln!(w, "  - … {} more", theme.hits - shown)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markdown_and_html() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(escape("a | b *c* [x](y)"), "a \\| b \\*c\\* \\[x\\](y)");
        assert_eq!(escape("line\nbreak"), "line break");
    }
}
