//! `revlens lint` as an author or a CI job runs it: exit codes and
//! `--fail-on`, the lint JSON read back into typed structs, inline switches,
//! `revlens.toml`, standard input and `--print-config`. These use the test
//! rules in tests/fixtures/rules, so they do not move with the built-in set.

use std::fs;
use std::io::Write;
use std::process::{Command, Stdio};

use serde::Deserialize;

use crate::util::{assert_code, revlens_in, root, stderr, stdout, write_rule_file};

#[derive(Debug, Deserialize)]
struct LintJson {
    schema: String,
    diagnostics: Vec<DiagnosticJson>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
struct DiagnosticJson {
    path: String,
    line: u64,
    column: u64,
    end_line: u64,
    end_column: u64,
    rule: String,
    severity: String,
    message: String,
    suggestion: Option<String>,
}

fn rules_dir() -> String {
    root().join("tests/fixtures/rules").display().to_string()
}

const DRAFT: &str = "Draft review\n\nFindings\n\nShe was 'hard to engage' and missed school.\n\nThey were labelled 'hard to engage', which blamed her.\n\nA referral to the NRM was not considered.\n";

fn lint(dir: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let rules = rules_dir();
    let mut args = vec!["lint", "draft.txt", "--no-default-rules", "--rules", &rules];
    args.extend_from_slice(extra);
    revlens_in(dir, &args)
}

#[test]
fn json_has_exact_positions_and_quoted_criticism_is_not_flagged() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("draft.txt"), DRAFT).unwrap();
    let o = lint(dir.path(), &["--format", "json"]);
    assert_code(&o, 1);
    let report: LintJson = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report.schema, "revlens/lint/v1");
    assert_eq!(
        report.diagnostics,
        [DiagnosticJson {
            path: "draft.txt".into(),
            line: 5,
            column: 10,
            end_line: 5,
            end_column: 24,
            rule: "hard-to-engage".into(),
            severity: "warning".into(),
            message: "describes the child as 'hard to engage'".into(),
            suggestion: Some("say what services did to engage the child".into()),
        }],
        "only the author's own use is flagged; the labelled (criticised) use on line 7 and the non-lint NRM rule are not"
    );
}

#[test]
fn text_shows_the_line_a_caret_and_the_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("draft.txt"), DRAFT).unwrap();
    let o = lint(dir.path(), &[]);
    assert_eq!(
        stdout(&o),
        "draft.txt:5:10: warning: hard-to-engage: describes the child as 'hard to engage'\n  |\n5 | She was 'hard to engage' and missed school.\n  |          ^^^^^^^^^^^^^^\n  = suggestion: say what services did to engage the child\n"
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("draft.txt"), DRAFT).unwrap();
    assert_code(&lint(dir.path(), &["--fail-on", "warning"]), 1);
    assert_code(&lint(dir.path(), &["--fail-on", "info"]), 1);
    assert_code(&lint(dir.path(), &["--fail-on", "error"]), 0);
    assert_code(&lint(dir.path(), &["--fail-on", "fatal"]), 2);
    fs::write(
        dir.path().join("draft.txt"),
        "Findings\n\nNothing to see.\n",
    )
    .unwrap();
    assert_code(&lint(dir.path(), &[]), 0);
    // An unreadable draft next to a clean one: exit 3, the other is linted.
    let rules = rules_dir();
    let o = revlens_in(
        dir.path(),
        &[
            "lint",
            "draft.txt",
            "missing.txt",
            "--no-default-rules",
            "--rules",
            &rules,
        ],
    );
    assert_code(&o, 3);
    assert!(stderr(&o).contains("missing.txt: does not exist"));
}

#[test]
fn inline_switches_and_revlens_toml() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{DRAFT}\n# revlens-disable hard-to-engage\n\nHe was hard to engage.\n\n# revlens-enable hard-to-engage\n\nJoe was hard to engage.\n"
    );
    fs::write(dir.path().join("draft.txt"), &text).unwrap();
    let o = lint(dir.path(), &["--format", "json"]);
    let report: LintJson = serde_json::from_str(&stdout(&o)).unwrap();
    let lines: Vec<u64> = report.diagnostics.iter().map(|d| d.line).collect();
    assert_eq!(lines, [5, 17], "line 13 is inside the disabled region");

    // Markdown uses HTML comments.
    fs::write(dir.path().join("draft.md"), "# Draft\n\n<!-- revlens-disable-next-line hard-to-engage -->\nShe was hard to engage.\n\nHe was hard to engage.\n").unwrap();
    let rules = rules_dir();
    let o = revlens_in(
        dir.path(),
        &[
            "lint",
            "draft.md",
            "--no-default-rules",
            "--rules",
            &rules,
            "--format",
            "json",
        ],
    );
    let report: LintJson = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        report
            .diagnostics
            .iter()
            .map(|d| d.line)
            .collect::<Vec<_>>(),
        [6]
    );

    // revlens.toml above the draft raises the severity, then switches the rule off.
    let sub = dir.path().join("drafts/child-q");
    fs::create_dir_all(&sub).unwrap();
    fs::write(sub.join("draft.txt"), DRAFT).unwrap();
    fs::write(
        dir.path().join("drafts/revlens.toml"),
        "[severity]\nhard-to-engage = \"error\"\n",
    )
    .unwrap();
    let o = revlens_in(
        &sub,
        &[
            "lint",
            "draft.txt",
            "--no-default-rules",
            "--rules",
            &rules,
            "--fail-on",
            "error",
        ],
    );
    assert_code(&o, 1);
    assert!(
        stdout(&o).starts_with("draft.txt:5:10: error: hard-to-engage"),
        "{}",
        stdout(&o)
    );
    fs::write(
        dir.path().join("drafts/revlens.toml"),
        "disable = [\"hard-to-engage\"]\n",
    )
    .unwrap();
    let o = revlens_in(
        &sub,
        &["lint", "draft.txt", "--no-default-rules", "--rules", &rules],
    );
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "");
    let o = revlens_in(
        &sub,
        &[
            "lint",
            "--print-config",
            "--no-default-rules",
            "--rules",
            &rules,
        ],
    );
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.contains("drafts/revlens.toml") && out.contains("disable = [\"hard-to-engage\"]"),
        "{out}"
    );
    assert!(
        out.contains("hard-to-engage") && out.trim_end().ends_with("off"),
        "{out}"
    );
    // A bad config is located.
    fs::write(
        dir.path().join("drafts/revlens.toml"),
        "disable = [\"x\"]\nfail_on = \"error\"\n",
    )
    .unwrap();
    let o = revlens_in(
        &sub,
        &["lint", "draft.txt", "--no-default-rules", "--rules", &rules],
    );
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("revlens.toml:2: unknown key `fail_on`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn rule_folders_named_in_revlens_toml_are_loaded() {
    // `rules = [...]` in revlens.toml adds folders of rules, relative to the
    // file, to those of the command line.
    let dir = tempfile::tempdir().unwrap();
    write_rule_file(
        dir.path(),
        "house-rules",
        "house.toml",
        r#"[[rule]]
id = "house-jargon"
theme = "house-style"
lint = true
message = "write 'strategy meeting' in full"
any = ['\bSM\b']
examples = [{ text = "the SM was held", match = true }, { text = "a small meeting", match = false }]
"#,
    );
    fs::write(
        dir.path().join("revlens.toml"),
        "rules = [\"house-rules\"]\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("draft.txt"),
        "Findings\n\nAn SM was held in March.\n",
    )
    .unwrap();
    let rules = rules_dir();
    let o = revlens_in(
        dir.path(),
        &["lint", "draft.txt", "--no-default-rules", "--rules", &rules],
    );
    assert_code(&o, 1);
    assert!(
        stdout(&o)
            .starts_with("draft.txt:3:4: warning: house-jargon: write 'strategy meeting' in full"),
        "{}",
        stdout(&o)
    );
    // The folder alone is enough rules for --no-default-rules.
    let o = revlens_in(dir.path(), &["lint", "draft.txt", "--no-default-rules"]);
    assert_code(&o, 1);
    assert!(stdout(&o).contains("house-jargon"), "{}", stdout(&o));
    let o = revlens_in(
        dir.path(),
        &["lint", "--print-config", "--no-default-rules"],
    );
    assert_code(&o, 0);
    assert!(stdout(&o).contains("house-jargon"), "{}", stdout(&o));
}

#[test]
fn standard_input_is_linted() {
    let rules = rules_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_revlens"))
        .args(["lint", "-", "--no-default-rules", "--rules", &rules])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(DRAFT.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_code(&o, 1);
    assert!(
        stdout(&o).starts_with("-:5:10: warning: hard-to-engage"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn record_checks_flag_addressee_vagueness_duplicates_and_unanswered_learning() {
    let dir = tempfile::tempdir().unwrap();
    let draft = "\
Child Z: a learning review

Learning points

- Schools did not share attendance concerns with children's social care when the child stopped attending.
- Housing officers were not aware of the risks to tenants from county lines networks and cuckooing.

Recommendations

Recommendation 1

The partnership should seek assurance that schools share attendance concerns with children's social care.

Recommendation 2

Strategy meetings to be held within five working days of a referral.

Recommendation 3

The partnership should seek assurance that schools share attendance concerns with children's social care promptly.

Recommendation 4

The partnership should audit how schools share attendance concerns with children's social care and report to the board by March 2026.
";
    fs::write(dir.path().join("draft.txt"), draft).unwrap();
    let o = lint(dir.path(), &["--format", "json", "--fail-on", "error"]);
    assert_code(&o, 0);
    let report: LintJson = serde_json::from_str(&stdout(&o)).unwrap();
    let got: Vec<(&str, u64, u64, &str)> = report
        .diagnostics
        .iter()
        .map(|d| (d.rule.as_str(), d.line, d.column, d.severity.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("learning-without-recommendation", 6, 1, "info"),
            ("recommendation-vague", 10, 1, "info"),
            ("recommendation-no-addressee", 14, 1, "warning"),
            ("recommendation-duplicate", 18, 1, "warning"),
            ("recommendation-vague", 18, 1, "info"),
        ],
        "{:#?}",
        report.diagnostics
    );
    let dup = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "recommendation-duplicate")
        .unwrap();
    assert_eq!(
        dup.message,
        "recommendation 3 says the same as recommendation 1 (line 10)"
    );
    // Each check is switched off by name like any rule.
    fs::write(
        dir.path().join("revlens.toml"),
        "disable = [\"recommendation-vague\", \"learning-without-recommendation\"]\n",
    )
    .unwrap();
    let o = lint(dir.path(), &["--format", "json"]);
    let report: LintJson = serde_json::from_str(&stdout(&o)).unwrap();
    let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    assert_eq!(
        rules,
        ["recommendation-no-addressee", "recommendation-duplicate"]
    );
    assert_code(&o, 1);
}

/// Each draft in tests/fixtures/lint has its expected findings (line,
/// column, rule, severity) listed beside it in a `.expected` file; the
/// built-in rules and checks must give exactly those.
#[test]
fn drafts_give_exactly_their_expected_findings() {
    let dir = root().join("tests/fixtures/lint");
    let mut drafts: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    drafts.sort();
    assert!(drafts.len() >= 2);
    for draft in drafts {
        let expected: Vec<String> = fs::read_to_string(draft.with_extension("expected"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(str::to_owned)
            .collect();
        let o = revlens_in(
            &dir,
            &[
                "lint",
                draft.file_name().unwrap().to_str().unwrap(),
                "--format",
                "json",
            ],
        );
        let report: LintJson = serde_json::from_str(&stdout(&o)).unwrap();
        let got: Vec<String> = report
            .diagnostics
            .iter()
            .map(|d| format!("{}:{} {} {}", d.line, d.column, d.rule, d.severity))
            .collect();
        assert_eq!(got, expected, "{}", draft.display());
        let fails = expected
            .iter()
            .any(|l| l.ends_with("warning") || l.ends_with("error"));
        assert_code(&o, if fails { 1 } else { 0 });
    }
}
