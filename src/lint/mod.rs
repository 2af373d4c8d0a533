//! Checking a draft: `revlens lint`.
//!
//! Owns turning a parsed draft into [`Diagnostic`]s: every hit of a rule with
//! `lint = true` (victim-blaming wording in the author's own voice, for
//! instance), at the exact line and column of the flagged words, with the
//! rule's message and suggested wording. Severities can be changed and rules
//! switched off by the project's `revlens.toml` ([`config`]) or by comment
//! lines in the draft ([`directives`]).

pub mod checks;
pub mod config;
pub mod directives;

use std::collections::BTreeSet;

use crate::document::Parsed;
use crate::model::{Diagnostic, Excerpt};
use crate::rules::{RuleSet, Severity};
use crate::text::LineIndex;
use crate::themes;

pub use config::LintConfig;
pub use directives::Directives;

/// The diagnostics of one document, sorted by position.
pub fn lint(parsed: &Parsed, rules: &RuleSet, config: &LintConfig) -> Vec<Diagnostic> {
    let directives = Directives::read(&parsed.doc.text, parsed.doc.flavour);
    let extraction = crate::extract::extract(parsed);
    let kinds = crate::analyse::paragraph_kinds(parsed, &extraction.record_sections());
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut wide_units = BTreeSet::new();
    for hit in themes::hits(parsed, rules, &kinds) {
        let rule = &rules.rules[hit.rule];
        if !rule.lint
            || config
                .disable
                .iter()
                .any(|d| d == &rule.id || d == &rule.theme)
        {
            continue;
        }
        let p = &parsed.layout.paragraphs[hit.paragraph];
        let start = p.text.source_offset(hit.span.start);
        let last = p
            .text
            .source_offset(hit.span.end.saturating_sub(1).max(hit.span.start));
        let located = parsed.doc.locate(start);
        let from = parsed.doc.position(start);
        let to = parsed.doc.position(last);
        if directives.disables(&rule.id, from.line) || directives.disables(&rule.theme, from.line) {
            continue;
        }
        // Two patterns of one rule on the same words are one finding; a rule
        // about a whole section or document is one finding there, at its
        // first hit.
        if !seen.insert((rule.id.clone(), from)) {
            continue;
        }
        if matches!(
            rule.scope,
            crate::rules::Scope::Section | crate::rules::Scope::Document
        ) && !wide_units.insert((hit.rule, hit.unit))
        {
            continue;
        }
        let severity = config
            .severity
            .get(&rule.id)
            .or_else(|| config.severity.get(&rule.theme))
            .copied()
            .unwrap_or(rule.severity);
        out.push(Diagnostic {
            path: parsed.doc.path.clone(),
            line: from.line,
            column: from.column,
            end_line: to.line,
            end_column: to.column + 1,
            rule: rule.id.clone(),
            severity,
            message: rule.lint_message(),
            suggestion: rule.suggestion.clone(),
            page: located.page,
            paragraph: located.paragraph,
            excerpt: excerpt(&parsed.doc.text, &parsed.doc.lines, from.line, start),
        });
    }
    for mut d in checks::check(parsed, &extraction) {
        if config.disable.iter().any(|x| x == &d.rule) || directives.disables(&d.rule, d.line) {
            continue;
        }
        if let Some(sev) = config.severity.get(&d.rule) {
            d.severity = *sev;
        }
        out.push(d);
    }
    out.sort_by(|a, b| (a.line, a.column, &a.rule).cmp(&(b.line, b.column, &b.rule)));
    out
}

/// Whether any diagnostic is at or above `fail_on`.
pub fn fails(diagnostics: &[Diagnostic], fail_on: Severity) -> bool {
    diagnostics.iter().any(|d| d.severity >= fail_on)
}

/// Longest line shown whole under a diagnostic, in bytes.
const EXCERPT_MAX: usize = 300;

/// Line `line` of `text` for display under a diagnostic that starts at byte
/// `at`: the whole line when it is short; otherwise about [`EXCERPT_MAX`]
/// bytes from a little before `at`, with `…` where the line goes on (a
/// conversion can put a whole document on one line, and every finding on it
/// would print all of it).
pub(crate) fn excerpt(text: &str, lines: &LineIndex, line: usize, at: usize) -> Excerpt {
    let start = lines.line_start(line);
    let end = memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
    if end - start <= EXCERPT_MAX {
        return Excerpt {
            text: text[start..end].to_owned(),
            skipped: 0,
        };
    }
    let mut from = at
        .clamp(start, end)
        .saturating_sub(EXCERPT_MAX / 4)
        .max(start);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (from + EXCERPT_MAX).min(end);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let skipped = lines.position(text, from).column - 1;
    let mut shown = String::with_capacity(to - from + 6);
    if skipped > 0 {
        shown.push('…');
    }
    shown.push_str(&text[from..to]);
    if to < end {
        shown.push('…');
    }
    Excerpt {
        text: shown,
        skipped,
    }
}
