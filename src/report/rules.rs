//! Printing the rule set: `revlens rules list` and `revlens rules test`.
//!
//! Owns the listing of loaded rules (table, CSV, JSON) and the report of
//! their examples, which names each failing example as Missing (should match,
//! did not) or Noisy (matched, should not), and each rule without examples.

use std::io::Write;

use anyhow::Result;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};
use serde::Serialize;

use crate::rules::RuleSet;
use crate::rules::check::{Outcome, RuleCheck};

#[derive(Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    theme: &'a str,
    category: Option<&'a str>,
    scope: &'a str,
    sections: Vec<&'a str>,
    lint: bool,
    severity: &'a str,
    examples: usize,
    file: &'a str,
    line: usize,
}

fn rows(set: &RuleSet) -> Vec<RuleRow<'_>> {
    set.rules
        .iter()
        .map(|r| RuleRow {
            id: &r.id,
            theme: &r.theme,
            category: r.category.as_deref(),
            scope: r.scope.as_str(),
            sections: r.sections.iter().map(|k| k.as_str()).collect(),
            lint: r.lint,
            severity: r.severity.as_str(),
            examples: r.examples.len(),
            file: &r.file,
            line: r.line,
        })
        .collect()
}

pub fn write_list_json(w: &mut dyn Write, set: &RuleSet) -> Result<()> {
    super::write_json(w, &rows(set))?;
    Ok(())
}

pub fn write_list_csv(w: &mut dyn Write, set: &RuleSet) -> Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "id", "theme", "category", "scope", "sections", "lint", "severity", "examples", "file",
        "line",
    ])?;
    for r in rows(set) {
        out.write_record([
            r.id,
            r.theme,
            r.category.unwrap_or(""),
            r.scope,
            &r.sections.join(" "),
            if r.lint { "true" } else { "false" },
            r.severity,
            &r.examples.to_string(),
            r.file,
            &r.line.to_string(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

pub fn write_list_table(w: &mut dyn Write, set: &RuleSet) -> Result<()> {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["Rule", "Theme", "Category", "Scope", "Lint", "Examples"]);
    for r in rows(set) {
        t.add_row(vec![
            Cell::new(r.id),
            Cell::new(r.theme),
            Cell::new(r.category.unwrap_or("")),
            Cell::new(if r.sections.is_empty() {
                r.scope.to_owned()
            } else {
                format!("{} in {}", r.scope, r.sections.join(", "))
            }),
            Cell::new(if r.lint { r.severity } else { "" }),
            Cell::new(r.examples).set_alignment(CellAlignment::Right),
        ]);
    }
    writeln!(w, "{t}")?;
    writeln!(
        w,
        "{} rules, {} themes, from {} files",
        set.rules.len(),
        set.themes().len(),
        set.files.len()
    )?;
    Ok(())
}

/// Writes the example report; returns whether every rule passed.
pub fn write_test(w: &mut dyn Write, checks: &[RuleCheck]) -> Result<bool> {
    let mut failed_rules = 0;
    let mut examples = 0;
    for c in checks {
        examples += c.results.len();
        if c.passed() {
            continue;
        }
        failed_rules += 1;
        if !c.has_examples() {
            writeln!(
                w,
                "{}:{}: rule `{}`: no examples; add `examples = [...]` with texts that must and must not match",
                c.file, c.line, c.rule
            )?;
            continue;
        }
        for (ex, outcome) in c.failures() {
            let text = shorten(&ex.text, 100);
            match outcome {
                Outcome::Missing => {
                    writeln!(
                        w,
                        "{}:{}: rule `{}`: Missing: should match but did not: {text:?}",
                        c.file, ex.line, c.rule
                    )?;
                }
                Outcome::Noisy(m) => writeln!(
                    w,
                    "{}:{}: rule `{}`: Noisy: matched {m:?} but should not: {text:?}",
                    c.file, ex.line, c.rule
                )?,
                Outcome::Ok => {}
            }
        }
    }
    let passed = checks.len() - failed_rules;
    writeln!(
        w,
        "{passed} of {} rules passed ({examples} examples){}",
        checks.len(),
        if failed_rules > 0 {
            format!("; {failed_rules} failed")
        } else {
            String::new()
        }
    )?;
    Ok(failed_rules == 0)
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        s.chars()
            .take(max - 1)
            .chain(std::iter::once('…'))
            .collect()
    }
}
