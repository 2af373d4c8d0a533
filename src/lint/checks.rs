//! Lint checks on a draft's recommendations and learning, beyond theme rules.
//!
//! Owns the named checks an author gets from the extracted records: a
//! recommendation (or one of its statements) that names no one to act; one
//! that only asks to "consider" something or to "seek assurance", with no
//! action or outcome anyone could check later; two recommendations that say
//! the same thing; and, where a document has both, a learning point that no
//! recommendation follows from. Each check has an id that `revlens.toml` and
//! inline switches can turn off or re-grade, like any rule.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::document::Parsed;
use crate::extract::{self, Extraction, LearningKind, similarity};
use crate::model::Diagnostic;
use crate::rules::Severity;

/// A named check: id, default severity, what it looks for.
pub struct Check {
    pub id: &'static str,
    pub severity: Severity,
    pub description: &'static str,
}

pub const NO_ADDRESSEE: &str = "recommendation-no-addressee";
pub const VAGUE: &str = "recommendation-vague";
pub const DUPLICATE: &str = "recommendation-duplicate";
pub const LEARNING_UNANSWERED: &str = "learning-without-recommendation";

/// Every record check.
pub const CHECKS: &[Check] = &[
    Check {
        id: NO_ADDRESSEE,
        severity: Severity::Warning,
        description: "a recommendation names no agency or person to act",
    },
    Check {
        id: VAGUE,
        severity: Severity::Info,
        description: "a recommendation only asks to consider or seek assurance, with no action or checkable outcome",
    },
    Check {
        id: DUPLICATE,
        severity: Severity::Warning,
        description: "two recommendations say the same thing",
    },
    Check {
        id: LEARNING_UNANSWERED,
        severity: Severity::Info,
        description: "a learning point has no recommendation that follows from it",
    },
];

/// Two recommendations at least this alike say the same thing.
const DUPLICATE_THRESHOLD: f64 = 0.8;
/// A recommendation answers a learning point when it shares this many of the
/// point's content words, or at least two making this share of them.
const ANSWER_WORDS: usize = 3;
const ANSWER_SHARE: f64 = 0.2;

/// Verbs that ask for thought or reassurance rather than action.
static ASKS_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:consider(?:s|ing)?|(?:seek|seeks|gain|obtain)\s+(?:re)?assurances?|(?:be|is|are)\s+(?:re)?assured|reflect(?:s|ing)?\s+on|explore|note|be\s+mindful|be\s+aware|bear\s+in\s+mind|think\s+about)\b").unwrap()
});
/// Something that could be checked later: a deadline, a report, a measure,
/// a purpose, or an action asked for as a verb ("should audit", "to
/// publish"; "consider the development of" asks for no action).
static CHECKABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bby\s+(?:the\s+end\s+of\s+)?(?:january|february|march|april|may|june|july|august|september|october|november|december|\d{4}|spring|summer|autumn|winter)\b|\bwithin\s+(?:\d+|one|two|three|four|six|twelve)\s+(?:days?|weeks?|months?|years?)\b|\breport(?:s|ing)?\s+(?:back|to|on)\b|\btimescales?\b|\btargets?\b|\bper\s*cent\b|%|\bso\s+that\b|\bin\s+order\s+to\b|\b(?:to|should|must|will|shall|and)\s+(?:audit|monitor|measure|evaluate|publish|implement|introduce|establish|develop|deliver|provide|train|update|revise|produce|create|complete|commission|set\s+up|review|issue|agree)\b").unwrap()
});

/// Words too common to say what a passage is about.
const STOP: &[&str] = &[
    "the",
    "a",
    "an",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "by",
    "at",
    "as",
    "is",
    "are",
    "be",
    "been",
    "was",
    "were",
    "that",
    "this",
    "these",
    "those",
    "it",
    "its",
    "their",
    "they",
    "them",
    "there",
    "which",
    "who",
    "should",
    "must",
    "need",
    "needs",
    "will",
    "would",
    "can",
    "could",
    "may",
    "have",
    "has",
    "had",
    "from",
    "into",
    "all",
    "any",
    "more",
    "other",
    "such",
    "when",
    "where",
    "how",
    "what",
    "not",
    "no",
    "so",
    "than",
    "also",
    "about",
    "ensure",
    "including",
    "within",
    "between",
    "across",
    "young",
    "people",
    "children",
    "child",
    "professionals",
    "practitioners",
    "agencies",
    "partners",
    "partnership",
    "safeguarding",
    "local",
    "review",
];

/// Words that say what a passage is about, plurals folded ("appointments"
/// and "appointment" are one word).
fn content_words(text: &str) -> HashSet<String> {
    similarity::words(text)
        .into_iter()
        .filter(|w| w.len() > 2 && !STOP.contains(&w.as_str()))
        .map(|w| {
            if let Some(stem) = w.strip_suffix("ies").filter(|s| s.len() > 2) {
                format!("{stem}y")
            } else if let Some(stem) = w
                .strip_suffix('s')
                .filter(|s| s.len() > 3 && !s.ends_with(['s', 'u', 'i']))
            {
                stem.to_owned()
            } else {
                w
            }
        })
        .collect()
}

/// Diagnostics from the records of one document (before configuration and
/// inline switches are applied).
pub fn check(parsed: &Parsed, records: &Extraction) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let recs = &records.recommendations;
    for r in recs {
        let label = format!("recommendation {}", r.item.id);
        if r.addressee.is_none() && r.item.leaves.iter().all(|l| l.addressee.is_none()) {
            out.push(at(parsed, r.item.line, NO_ADDRESSEE, format!("{label} names no one to act; start it with the agency or role responsible (\"The partnership should …\")"), Some("name who is to act, e.g. \"The local safeguarding children partnership should …\"")));
        } else if r.addressee.is_none() {
            for l in r.item.leaves.iter().filter(|l| l.addressee.is_none()) {
                out.push(at(
                    parsed,
                    l.line,
                    NO_ADDRESSEE,
                    format!("statement {} of {label} names no one to act", l.id),
                    Some("name who is to act on this statement"),
                ));
            }
        }
        if is_vague(&r.item.text) {
            out.push(at(parsed, r.item.line, VAGUE, format!("{label} only asks to consider or to seek assurance, with no action or outcome that could be checked"), Some("say what should change, by whom and by when, and how the board will know (a report, an audit, a measure)")));
        }
    }
    for (j, later) in recs.iter().enumerate() {
        if let Some(earlier) = recs[..j]
            .iter()
            .find(|e| similarity::at_least(&e.item.text, &later.item.text, DUPLICATE_THRESHOLD))
        {
            out.push(at(
                parsed,
                later.item.line,
                DUPLICATE,
                format!(
                    "recommendation {} says the same as recommendation {} (line {})",
                    later.item.id, earlier.item.id, earlier.item.line
                ),
                Some("merge the two, or say how they differ"),
            ));
        }
    }
    let points: Vec<&extract::LearningPoint> = records
        .learning_points
        .iter()
        .filter(|l| l.kind == LearningKind::LearningPoint && l.restates.is_none())
        .collect();
    if !recs.is_empty() && !points.is_empty() {
        let rec_words: Vec<HashSet<String>> = recs
            .iter()
            .map(|r| {
                let mut w = content_words(&r.item.text);
                for l in &r.item.leaves {
                    w.extend(content_words(&l.text));
                }
                w
            })
            .collect();
        for lp in points {
            let words = content_words(&lp.item.text);
            if words.len() < 3 {
                continue;
            }
            let answered = rec_words.iter().any(|rw| {
                let shared = words.intersection(rw).count();
                shared >= ANSWER_WORDS
                    || (shared >= 2 && shared as f64 >= ANSWER_SHARE * words.len() as f64)
            });
            if !answered {
                out.push(at(
                    parsed,
                    lp.item.line,
                    LEARNING_UNANSWERED,
                    format!("learning point {} has no recommendation that follows from it", lp.item.id),
                    Some("add a recommendation that acts on this learning, or say why none is needed"),
                ));
            }
        }
    }
    out
}

/// Only "consider"/"seek assurance" with nothing checkable.
pub fn is_vague(text: &str) -> bool {
    ASKS_ONLY.is_match(text) && !CHECKABLE.is_match(text)
}

/// A diagnostic covering the text of a line (from its first non-space
/// character to its end).
fn at(
    parsed: &Parsed,
    line: usize,
    rule: &str,
    message: String,
    suggestion: Option<&str>,
) -> Diagnostic {
    let text = &parsed.doc.text;
    let start = parsed.doc.lines.line_start(line.max(1));
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_text = &text[start..end];
    let indent = line_text.chars().take_while(|c| c.is_whitespace()).count();
    let width = line_text.trim_end().chars().count();
    let located = parsed.doc.locate_line(line);
    let severity = CHECKS
        .iter()
        .find(|c| c.id == rule)
        .map_or(Severity::Warning, |c| c.severity);
    Diagnostic {
        path: parsed.doc.path.clone(),
        line,
        column: indent + 1,
        end_line: line,
        end_column: width.max(indent) + 1,
        rule: rule.to_owned(),
        severity,
        message,
        suggestion: suggestion.map(str::to_owned),
        page: located.page,
        paragraph: located.paragraph,
        excerpt: super::excerpt(text, &parsed.doc.lines, line.max(1), start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_fold() {
        let w =
            content_words("Appointments, responsibilities and processes; a status and analysis");
        for word in [
            "appointment",
            "responsibility",
            "processe",
            "status",
            "analysis",
        ] {
            assert!(w.contains(word), "{word} in {w:?}");
        }
    }

    #[test]
    fn vague_means_consider_or_assure_with_nothing_checkable() {
        assert!(is_vague(
            "The partnership should consider the development of reflective practice forums."
        ));
        assert!(is_vague(
            "LSCP to seek assurance that the training course covers exploitation."
        ));
        assert!(!is_vague(
            "The partnership should consider the forums and report to the board by March 2025."
        ));
        assert!(!is_vague(
            "Police should review the framework and audit compliance within six months."
        ));
        assert!(
            !is_vague("Schools should invite the police to strategy meetings."),
            "a plain action is not vague"
        );
    }
}
