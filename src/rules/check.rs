//! Rules that test themselves.
//!
//! Owns running every rule's `examples` (for `revlens rules test` and for
//! `cargo test` on the built-in rules). An example is matched as a paragraph
//! of its own, in a section of the kind it names (or the first kind the rule
//! is limited to), against the whole rule set, so rule groups apply exactly as
//! they do in a document. Results follow ast-grep's vocabulary: an example
//! that should match and did not is *Missing*; one that should not and did is
//! *Noisy*.

use super::{Example, RuleSet};
use crate::matcher::{self, Para};
use crate::sections::SectionKind;

/// What happened to one example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Behaved as it says.
    Ok,
    /// Should match, did not.
    Missing,
    /// Should not match, did (with the matched text).
    Noisy(String),
}

/// The examples of one rule.
#[derive(Debug, Clone)]
pub struct RuleCheck {
    pub rule: String,
    pub file: String,
    pub line: usize,
    pub results: Vec<(Example, Outcome)>,
}

impl RuleCheck {
    pub fn has_examples(&self) -> bool {
        !self.results.is_empty()
    }

    pub fn failures(&self) -> impl Iterator<Item = &(Example, Outcome)> {
        self.results.iter().filter(|(_, o)| *o != Outcome::Ok)
    }

    /// Passed: has examples and every one behaved.
    pub fn passed(&self) -> bool {
        self.has_examples() && self.failures().next().is_none()
    }
}

/// Runs the examples of every rule in the set.
pub fn check(set: &RuleSet) -> Vec<RuleCheck> {
    set.rules
        .iter()
        .enumerate()
        .map(|(ri, rule)| RuleCheck {
            rule: rule.id.clone(),
            file: rule.file.clone(),
            line: rule.line,
            results: rule
                .examples
                .iter()
                .map(|ex| {
                    let outcome = match (ex.should_match, matched_text(set, ri, ex)) {
                        (true, Some(_)) | (false, None) => Outcome::Ok,
                        (true, None) => Outcome::Missing,
                        (false, Some(m)) => Outcome::Noisy(m),
                    };
                    (ex.clone(), outcome)
                })
                .collect(),
        })
        .collect()
}

/// The text rule `ri` matches in an example, if it fires there.
pub fn matched_text(set: &RuleSet, ri: usize, ex: &Example) -> Option<String> {
    let rule = &set.rules[ri];
    let kind = ex
        .section
        .or_else(|| rule.sections.first().copied())
        .unwrap_or(SectionKind::Analysis);
    let text = normalised(&ex.text);
    let paras = [Para {
        text: &text,
        kind,
        section: 0,
        eligible: true,
    }];
    let spans = matcher::section_spans(&[(1, 0)], 1);
    matcher::find_hits(set, &paras, &spans)
        .into_iter()
        .find(|h| h.rule == ri)
        .map(|h| text[h.span].to_owned())
}

/// Examples go through the same normalisation as document text (curly quotes,
/// Markdown), so they can be pasted from a review as printed.
fn normalised(s: &str) -> String {
    let mut m = crate::text::MappedText::new();
    crate::text::normalise_into(&mut m, s, 0..s.len());
    m.trim_end();
    m.text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_noisy_and_ok() {
        let src = r#"
[[rule]]
id = "neglect"
any = ['\bneglect(ed|ful)?\b']
none = ['\bneglected\s+to\b']
examples = [
  { text = "There were signs of neglect.", match = true },
  { text = "Staff neglected to record it.", match = false },
  { text = "He was malnourished.", match = true },
  { text = "A neglectful home.", match = false },
]

[[rule]]
id = "untested"
any = ['x']
"#;
        let set = RuleSet::from_sources(&[("t.toml".into(), src.into())]).unwrap();
        let checks = check(&set);
        let outcomes: Vec<&Outcome> = checks[0].results.iter().map(|(_, o)| o).collect();
        assert_eq!(
            outcomes,
            [
                &Outcome::Ok,
                &Outcome::Ok,
                &Outcome::Missing,
                &Outcome::Noisy("neglectful".into())
            ]
        );
        assert!(!checks[0].passed());
        assert!(!checks[1].has_examples() && !checks[1].passed());
    }

    #[test]
    fn examples_are_normalised_like_documents() {
        let src = "[[rule]]\nid = \"q\"\nany = [\"'hard to engage'\"]\nexamples = [{ text = \"described as ‘hard to engage’\", match = true }]\n";
        let set = RuleSet::from_sources(&[("t.toml".into(), src.into())]).unwrap();
        assert!(check(&set)[0].passed());
    }
}
