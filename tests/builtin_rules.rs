//! The built-in rule set tests itself: it loads, every rule has examples that
//! must and must not match, and every example behaves. A rule cannot land
//! with failing examples.

use revlens::rules::check::{Outcome, check};
use revlens::rules::{BUILTIN, RuleSet, RuleSources};

#[test]
fn builtin_rules_load_and_pass_their_examples() {
    let set = RuleSet::load(&RuleSources::default())
        .unwrap_or_else(|e| panic!("built-in rules do not load:\n{e}"));
    assert_eq!(set.files.len(), BUILTIN.len());
    let mut failures = Vec::new();
    for c in check(&set) {
        let positives = c.results.iter().filter(|(e, _)| e.should_match).count();
        let negatives = c.results.len() - positives;
        if positives < 2 || negatives < 2 {
            failures.push(format!(
                "{}:{}: rule `{}` has {positives} matching and {negatives} non-matching examples; it needs at least 2 of each",
                c.file, c.line, c.rule
            ));
        }
        for (ex, outcome) in c.failures() {
            let what = match outcome {
                Outcome::Missing => "Missing".to_owned(),
                Outcome::Noisy(m) => format!("Noisy ({m:?})"),
                Outcome::Ok => continue,
            };
            failures.push(format!(
                "{}:{}: rule `{}`: {what}: {:?}",
                c.file, ex.line, c.rule, ex.text
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
