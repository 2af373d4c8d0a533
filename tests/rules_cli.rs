//! The rule engine from the outside: loading and validating rule folders,
//! `rules list` / `rules test`, sentence-scoped `all`/`none`, evidence
//! located in the file on disk, and the `themes` table.

use std::fs;

use crate::contract::parse_analysis;
use crate::util::{assert_code, revlens, revlens_in, root, stderr, stdout};

const GOOD: &str = "tests/fixtures/rules";
const BAD: &str = "tests/fixtures/rules-bad";

#[test]
fn every_validation_error_names_file_rule_and_line() {
    let o = revlens(&["rules", "list", "--no-default-rules", "--rules", BAD]);
    assert_code(&o, 2);
    let err = stderr(&o);
    let expect = [
        "tests/fixtures/rules-bad/a_unknown_and_empty.toml:3: rule `typo-key`: unknown key `anyy` (did you mean `any`?)",
        "tests/fixtures/rules-bad/a_unknown_and_empty.toml:2: rule `typo-key`: rule has no `any` patterns",
        "tests/fixtures/rules-bad/a_unknown_and_empty.toml:7: rule `empty-any`: `any` is empty",
        "tests/fixtures/rules-bad/b_regex_and_kind.toml:5: rule `bad-regex`: bad regex in `any`:",
        "tests/fixtures/rules-bad/b_regex_and_kind.toml:11: rule `bad-kind`: unknown section kind `recommendation`",
        "tests/fixtures/rules-bad/c_duplicate.toml:2: rule `typo-key`: duplicate id; it is already defined at tests/fixtures/rules-bad/a_unknown_and_empty.toml:2",
    ];
    for e in expect {
        assert!(err.contains(e), "missing {e:?} in:\n{err}");
    }
    // All problems at once, then a summary.
    assert!(err.contains("6 problems in the rule files"), "{err}");
}

#[test]
fn toml_syntax_errors_are_located() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("broken.toml"),
        "[[rule]]\nid = \"x\"\nany = ['a'\n",
    )
    .unwrap();
    let o = revlens(&[
        "rules",
        "test",
        "--no-default-rules",
        "--rules",
        dir.path().to_str().unwrap(),
    ]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("broken.toml:3: not valid TOML"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn no_default_rules_needs_a_folder() {
    let o = revlens(&["rules", "list", "--no-default-rules"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("add at least one --rules DIR"));
}

#[test]
fn rules_list_shows_rules_and_examples() {
    let o = revlens(&[
        "rules",
        "list",
        "--no-default-rules",
        "--rules",
        GOOD,
        "--format",
        "json",
    ]);
    assert_code(&o, 0);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let got: Vec<(String, String, bool, u64)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().into(),
                r["theme"].as_str().unwrap().into(),
                r["lint"].as_bool().unwrap(),
                r["examples"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("nrm-not-considered".into(), "nrm-missed".into(), false, 3),
            (
                "hard-to-engage".into(),
                "victim-blaming-usage".into(),
                true,
                2
            )
        ]
    );
    let o = revlens(&["rules", "list", "--no-default-rules", "--rules", GOOD]);
    assert!(
        stdout(&o).contains("2 rules, 2 themes, from 1 files"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn rules_test_reports_missing_noisy_and_untested() {
    let o = revlens(&["rules", "test", "--no-default-rules", "--rules", GOOD]);
    assert_code(&o, 0);
    assert!(
        stdout(&o).contains("2 of 2 rules passed (5 examples)"),
        "{}",
        stdout(&o)
    );

    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("r.toml"),
        r#"[[rule]]
id = "neglect"
any = ['\bneglect\w*']
examples = [
  { text = "Staff neglected to record it.", match = false },
  { text = "He was malnourished.", match = true },
]

[[rule]]
id = "untested"
any = ['x']
"#,
    )
    .unwrap();
    let o = revlens(&[
        "rules",
        "test",
        "--no-default-rules",
        "--rules",
        dir.path().to_str().unwrap(),
    ]);
    assert_code(&o, 1);
    let out = stdout(&o);
    assert!(
        out.contains("r.toml:5: rule `neglect`: Noisy: matched \"neglected\""),
        "{out}"
    );
    assert!(
        out.contains("r.toml:6: rule `neglect`: Missing: should match but did not"),
        "{out}"
    );
    assert!(
        out.contains("r.toml:10: rule `untested`: no examples"),
        "{out}"
    );
    assert!(
        out.contains("0 of 2 rules passed (2 examples); 2 failed"),
        "{out}"
    );
}

fn analyse_json(dir: &std::path::Path, file: &str) -> crate::contract::Analysis {
    let rules = root().join(GOOD);
    let o = revlens_in(
        dir,
        &[
            "analyse",
            file,
            "--no-default-rules",
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_code(&o, 0);
    parse_analysis(&stdout(&o))
}

#[test]
fn all_and_none_are_tested_in_the_sentence_of_the_hit() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("r.txt"),
        "Findings\n\nAn NRM referral was made. It was not reviewed.\n\nA referral to the NRM was not considered.\n",
    )
    .unwrap();
    let a = analyse_json(dir.path(), "r.txt");
    let t = &a.documents[0].themes;
    assert_eq!(t.len(), 1, "{t:?}");
    assert_eq!((t[0].id.as_str(), t[0].hits), ("nrm-missed", 1));
    assert_eq!(
        t[0].evidence[0].text,
        "A referral to the NRM was not considered."
    );
    let col = "A referral to the ".chars().count() as u64 + 1;
    assert_eq!((t[0].evidence[0].line, t[0].evidence[0].column), (5, col));
}

#[test]
fn evidence_points_into_the_file_with_crlf_and_curly_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Introduction\r\n\r\n“Quoted” words come first – then Joe’s worker said he was ‘hard to engage’ and left.\r\n\r\nA second line mentions the NRM¹ which was not considered.\r\n";
    fs::write(dir.path().join("crlf.txt"), text).unwrap();
    let a = analyse_json(dir.path(), "crlf.txt");
    let doc = &a.documents[0];
    let vb = doc
        .themes
        .iter()
        .find(|t| t.id == "victim-blaming-usage")
        .expect("hit");
    let e = &vb.evidence[0];
    // Line 3, and the column counts characters as an editor shows them.
    let line3 = text.split("\r\n").nth(2).unwrap();
    let expected_column = line3[..line3.find("hard").unwrap()].chars().count() + 1;
    assert_eq!((e.line, e.column), (3, expected_column as u64));
    assert_eq!(e.section, "Introduction");
    assert!(
        e.text.contains("'hard to engage'"),
        "normalised quotes: {}",
        e.text
    );
    let nrm = doc
        .themes
        .iter()
        .find(|t| t.id == "nrm-missed")
        .expect("hit");
    let line5 = text.split("\r\n").nth(4).unwrap();
    assert_eq!(
        (nrm.evidence[0].line, nrm.evidence[0].column),
        (
            5,
            line5[..line5.find("NRM").unwrap()].chars().count() as u64 + 1
        )
    );
}

#[test]
fn themes_table_counts_per_document() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.txt"),
        "The NRM was not considered. The NRM was never discussed.\n",
    )
    .unwrap();
    fs::write(dir.path().join("b.txt"), "Joe was hard to engage.\n").unwrap();
    fs::write(dir.path().join("c.txt"), "Nothing relevant here.\n").unwrap();
    let rules = root().join(GOOD);
    let rules = rules.to_str().unwrap();
    let o = revlens_in(
        dir.path(),
        &[
            "themes",
            ".",
            "--no-default-rules",
            "--rules",
            rules,
            "--format",
            "csv",
        ],
    );
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        "path,nrm-missed,victim-blaming-usage\n./a.txt,2,0\n./b.txt,0,1\n./c.txt,0,0\n"
    );
    let o = revlens_in(
        dir.path(),
        &[
            "themes",
            ".",
            "--no-default-rules",
            "--rules",
            rules,
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["schema"], "revlens/themes/v1");
    assert_eq!(v["themes"][0]["id"], "nrm-missed");
    assert_eq!(v["themes"][0]["documents"], 1);
    assert_eq!(v["themes"][0]["hits"], 2);
    assert_eq!(v["documents"][1]["hits"]["victim-blaming-usage"], 1);
    let o = revlens_in(
        dir.path(),
        &["themes", ".", "--no-default-rules", "--rules", rules],
    );
    let table = stdout(&o);
    assert!(
        table.contains("nrm-missed") && table.contains("2 themes found in 3 documents"),
        "{table}"
    );
}

#[test]
fn analyse_reports_the_ruleset() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "The NRM was not considered.\n").unwrap();
    let a = analyse_json(dir.path(), "a.txt");
    assert_eq!(a.ruleset.rules, 2);
    assert_eq!(a.ruleset.fingerprint.len(), 64);
    assert_eq!(a.summary.themes.len(), 1);
}
