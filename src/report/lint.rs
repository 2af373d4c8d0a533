//! Printing lint findings.
//!
//! Owns the two views of `revlens lint`: compiler-style text
//! (`path:line:column: severity: rule: message`, the offending line with a
//! caret under the flagged words, and the suggested wording), and the lint
//! JSON of the contract.

use std::io::Write;

use anyhow::Result;

use crate::lint::LintConfig;
use crate::model::{Diagnostic, LINT_SCHEMA, LintReport};
use crate::rules::RuleSet;

pub fn write_json(w: &mut dyn Write, diagnostics: &[Diagnostic]) -> Result<()> {
    let report = LintReport {
        schema: LINT_SCHEMA.to_owned(),
        diagnostics: diagnostics.to_vec(),
    };
    super::write_json(w, &report)?;
    Ok(())
}

pub fn write_text(w: &mut dyn Write, diagnostics: &[Diagnostic]) -> Result<()> {
    for d in diagnostics {
        let at = super::place(d.line, d.column, d.page, d.paragraph);
        writeln!(
            w,
            "{}:{at}: {}: {}: {}",
            d.path,
            d.severity.as_str(),
            d.rule,
            d.message
        )?;
        if !d.excerpt.text.is_empty() {
            // The gutter names the line, or the page or paragraph of a PDF
            // or Word file.
            let label = match (d.page, d.paragraph) {
                (Some(p), _) => format!("p.{p}"),
                (None, Some(n)) => format!("¶{n}"),
                (None, None) => d.line.to_string(),
            };
            let gutter = label.chars().count();
            writeln!(w, "{:gutter$} |", "")?;
            writeln!(w, "{label} | {}", d.excerpt.text)?;
            writeln!(w, "{:gutter$} | {}", "", caret(d))?;
        }
        if let Some(s) = &d.suggestion {
            writeln!(w, "  = suggestion: {s}")?;
        }
    }
    Ok(())
}

/// Spaces (tabs kept, so they align) up to the start column, then `^` under
/// the flagged characters (to the end of the excerpt if the finding goes on).
fn caret(d: &Diagnostic) -> String {
    let chars: Vec<char> = d.excerpt.text.chars().collect();
    // Columns of the file, as character indexes of the excerpt (which may
    // leave out the start of the line and show `…` in its place).
    let shift = |column: usize| {
        let index = column.saturating_sub(1).saturating_sub(d.excerpt.skipped);
        (index + usize::from(d.excerpt.skipped > 0)).min(chars.len())
    };
    let start = shift(d.column);
    let end = if d.end_line > d.line {
        chars.len()
    } else {
        shift(d.end_column)
    };
    let mut out: String = chars[..start]
        .iter()
        .map(|&c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    out.push_str(&"^".repeat(end.saturating_sub(start).max(1)));
    out
}

/// `revlens lint --print-config`: the configuration and lint rules in force.
pub fn write_config(w: &mut dyn Write, config: &LintConfig, rules: &RuleSet) -> Result<()> {
    match &config.file {
        Some(f) => writeln!(w, "# configuration: {}", f.display())?,
        None => writeln!(
            w,
            "# configuration: none found (revlens.toml in this folder or above)"
        )?,
    }
    writeln!(w, "disable = {:?}", config.disable)?;
    let folders: Vec<String> = config
        .rules
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    writeln!(w, "rules = {folders:?}")?;
    writeln!(w, "[severity]")?;
    for (rule, sev) in &config.severity {
        writeln!(w, "{rule} = {:?}", sev.as_str())?;
    }
    writeln!(
        w,
        "\n# lint rules in force ({} rule files, fingerprint {})",
        rules.files.len(),
        rules.fingerprint.get(..12).unwrap_or("")
    )?;
    writeln!(w, "\n# checks of recommendations and learning")?;
    for c in crate::lint::checks::CHECKS {
        let off = config.disable.iter().any(|d| d == c.id);
        let sev = config.severity.get(c.id).copied().unwrap_or(c.severity);
        writeln!(
            w,
            "# {:<48} {:<8} {}",
            c.id,
            sev.as_str(),
            if off { "off" } else { "on" }
        )?;
    }
    writeln!(w, "\n# lint rules")?;
    for r in rules.rules.iter().filter(|r| r.lint) {
        let off = config.disable.iter().any(|d| d == &r.id || d == &r.theme);
        let sev = config
            .severity
            .get(&r.id)
            .or_else(|| config.severity.get(&r.theme))
            .copied()
            .unwrap_or(r.severity);
        writeln!(
            w,
            "# {:<48} {:<8} {}",
            r.id,
            sev.as_str(),
            if off { "off" } else { "on" }
        )?;
    }
    Ok(())
}
