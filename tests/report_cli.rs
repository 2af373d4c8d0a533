//! The backlog view from the outside: cross-document tables in the JSON with
//! known counts, the Markdown and HTML reports (hostile markup escaped), the
//! concordance, and a quiet standard error when it is not a terminal.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{assert_code, revlens_in, root, stderr, stdout};

/// Three small reviews with known themes, sections and years, analysed with
/// the test rules (nrm-missed, victim-blaming-usage).
fn fixture_corpus(dir: &Path) {
    fs::write(
        dir.join("a.txt"),
        "Child A: a learning review\n\nDate: March 2021\n\nFindings\n\nA referral to the NRM was not considered. She was hard to engage.\n\nConclusion\n\nThe review ends here.\n",
    )
    .unwrap();
    fs::write(
        dir.join("b.txt"),
        "Child B: a learning review\n\nDate: June 2021\n\nFindings\n\nThe NRM was never discussed.\n\nConclusion\n\nThe NRM was not used for him. The partnership should ensure the NRM is not overlooked.\n",
    )
    .unwrap();
    fs::write(
        dir.join("c.txt"),
        "Child C: a learning review\n\nDate: 2019\n\nFindings\n\nHe was hard to engage and missed appointments.\n",
    )
    .unwrap();
}

fn analyse(dir: &Path, format: &str) -> std::process::Output {
    let rules = root().join("tests/fixtures/rules");
    revlens_in(
        dir,
        &[
            "analyse",
            ".",
            "--no-default-rules",
            "--rules",
            rules.to_str().unwrap(),
            "--format",
            format,
        ],
    )
}

#[test]
fn tables_count_prevalence_cooccurrence_sections_and_years() {
    let dir = tempfile::tempdir().unwrap();
    fixture_corpus(dir.path());
    let o = analyse(dir.path(), "json");
    assert_code(&o, 0);
    let a: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let t = &a["tables"];
    assert_eq!(t["documents"], 3);

    let prevalence: Vec<(String, u64, u64)> = t["prevalence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["theme"].as_str().unwrap().into(),
                p["documents"].as_u64().unwrap(),
                p["hits"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        prevalence,
        [
            ("nrm-missed".into(), 2, 3),
            ("victim-blaming-usage".into(), 2, 2)
        ]
    );
    assert!((t["prevalence"][0]["share"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);

    assert_eq!(
        t["matrix"]["themes"],
        serde_json::json!(["nrm-missed", "victim-blaming-usage"])
    );
    let rows: Vec<(String, Value)> = t["matrix"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["path"].as_str().unwrap().into(), r["hits"].clone()))
        .collect();
    assert_eq!(
        rows,
        [
            ("./a.txt".into(), serde_json::json!([1, 1])),
            ("./b.txt".into(), serde_json::json!([2, 0])),
            ("./c.txt".into(), serde_json::json!([0, 1]))
        ]
    );

    let pairs = t["cooccurrence"].as_array().unwrap();
    assert_eq!(pairs.len(), 1);
    assert_eq!(
        (
            pairs[0]["a"].as_str(),
            pairs[0]["b"].as_str(),
            pairs[0]["documents"].as_u64()
        ),
        (Some("nrm-missed"), Some("victim-blaming-usage"), Some(1))
    );
    assert!((pairs[0]["overlap"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);

    let kinds = t["by_section_kind"].as_array().unwrap();
    assert_eq!(kinds[0]["theme"], "nrm-missed");
    assert_eq!(
        kinds[0]["hits"],
        serde_json::json!({ "analysis": 2, "conclusion": 1 })
    );
    assert_eq!(kinds[1]["hits"], serde_json::json!({ "analysis": 2 }));

    let years: Vec<(Value, u64, Value)> = t["by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| {
            (
                y["year"].clone(),
                y["documents"].as_u64().unwrap(),
                y["themes"].clone(),
            )
        })
        .collect();
    assert_eq!(
        years,
        [
            (
                serde_json::json!(2019),
                1,
                serde_json::json!({ "victim-blaming-usage": 1 })
            ),
            (
                serde_json::json!(2021),
                2,
                serde_json::json!({ "nrm-missed": 2, "victim-blaming-usage": 1 })
            )
        ]
    );
    let meta = &a["documents"][1]["metadata"];
    assert_eq!(
        (
            meta["year"].as_u64(),
            meta["year_source"].as_str(),
            meta["child"].as_str()
        ),
        (Some(2021), Some("stated"), Some("B"))
    );
}

#[test]
fn markdown_report_has_every_table_and_escapes_text() {
    let dir = tempfile::tempdir().unwrap();
    fixture_corpus(dir.path());
    fs::copy(
        root().join("tests/fixtures/hostile/review.txt"),
        dir.path().join("d.txt"),
    )
    .unwrap();
    let o = analyse(dir.path(), "markdown");
    assert_code(&o, 0);
    let md = stdout(&o);
    for heading in [
        "# revlens report",
        "## Documents",
        "## Theme prevalence",
        "## Documents × themes",
        "## Themes found together",
        "## Where themes are raised",
        "## Themes by year",
        "## Recommendations",
        "## Evidence",
    ] {
        assert!(md.contains(heading), "missing {heading}");
    }
    assert!(
        md.contains("| nrm-missed | practice | 3 | 75% | 4 |"),
        "{md}"
    );
    assert!(
        !md.contains("<script") && !md.contains("<img"),
        "raw markup leaked:\n{md}"
    );
    assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;"), "{md}");
}

#[test]
fn html_report_is_self_contained_and_escapes_hostile_markup() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("tests/fixtures/hostile/review.txt"),
        dir.path().join("review<b>.txt"),
    )
    .unwrap();
    fixture_corpus(dir.path());
    let o = analyse(dir.path(), "html");
    assert_code(&o, 0);
    let html = stdout(&o);
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing from the documents became markup: no script, image or
    // injected element or attribute anywhere in the page.
    for raw in ["<script", "<img", "<b onmouseover", "<b>"] {
        assert!(!html.contains(raw), "{raw} leaked into the report");
    }
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("&lt;script&gt;alert(document.cookie)&lt;/script&gt;"));
    assert!(
        html.contains("review&lt;b&gt;.txt"),
        "file names are escaped too"
    );
    // Self-contained: nothing is fetched.
    for external in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
        assert!(!html.contains(external), "{external} in the report");
    }
    // Charts and linked evidence are there.
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(
        html.contains("href=\"#ev-d1-t0\""),
        "heatmap cells link to evidence"
    );
    assert!(html.contains("id=\"ev-d1-t0\""));
}

#[test]
fn kwic_lists_matches_with_context() {
    let dir = tempfile::tempdir().unwrap();
    fixture_corpus(dir.path());
    let o = revlens_in(
        dir.path(),
        &["kwic", r"\bNRM\b", ".", "--format", "csv", "-C", "20"],
    );
    assert_code(&o, 0);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "path,line,column,section,left,match,right");
    assert_eq!(lines.len(), 5, "{out}");
    assert_eq!(
        lines[1],
        "./a.txt,7,19,Findings,A referral to the,NRM,was not considered."
    );
    let o = revlens_in(
        dir.path(),
        &["kwic", "hard to engage", ".", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["schema"], "revlens/kwic/v1");
    assert_eq!(v["matches"].as_array().unwrap().len(), 2);
    assert_eq!(v["matches"][1]["path"], "./c.txt");
    let o = revlens_in(dir.path(), &["kwic", "(", "."]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("is not a valid regex"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn no_progress_bar_or_noise_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..30 {
        fs::write(
            dir.path().join(format!("r{i:02}.txt")),
            "Findings\n\nA referral to the NRM was not considered.\n",
        )
        .unwrap();
    }
    let o = analyse(dir.path(), "csv");
    assert_code(&o, 0);
    assert_eq!(stderr(&o), "", "stderr is silent for a clean run");
    // Warnings are silenced by --quiet, errors are not.
    fs::write(dir.path().join("z.txt"), b"caf\xe9 was visited\n").unwrap();
    let rules = root().join("tests/fixtures/rules");
    let args = [
        "analyse",
        ".",
        "--no-default-rules",
        "--rules",
        rules.to_str().unwrap(),
        "--format",
        "csv",
    ];
    let loud = revlens_in(dir.path(), &args);
    assert!(
        stderr(&loud).contains("warning: ./z.txt"),
        "{}",
        stderr(&loud)
    );
    let mut quiet_args = args.to_vec();
    quiet_args.push("--quiet");
    let quiet = revlens_in(dir.path(), &quiet_args);
    assert_eq!(stderr(&quiet), "");
}
