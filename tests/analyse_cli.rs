//! `revlens analyse` and `revlens sections` run as a user runs them: on the
//! sample corpus and on small fixtures in every encoding revlens accepts,
//! with the JSON read back into the contract's typed structs.

use std::fs;
use std::path::Path;

use crate::contract::parse_analysis;
use crate::util::{assert_code, revlens, revlens_in, root, stderr, stdout};

#[test]
fn corpus_json_matches_the_contract() {
    let o = revlens(&["analyse", "corpus", "--format", "json"]);
    assert_code(&o, 0);
    let a = parse_analysis(&stdout(&o));
    assert_eq!(a.documents.len(), 4);
    for d in &a.documents {
        assert!(d.errors.is_empty(), "{}: {:?}", d.path, d.errors);
        assert!(d.words > 3000, "{} has {} words", d.path, d.words);
        assert!(d.title.is_some());
        assert!(d.path.starts_with("corpus/"), "{}", d.path);
    }
    let tops: Vec<usize> = a
        .documents
        .iter()
        .map(|d| d.sections.iter().filter(|s| s.level == 1).count())
        .collect();
    assert_eq!(tops, [6, 9, 6, 5]);
}

#[test]
fn output_does_not_depend_on_jobs() {
    let one = revlens(&["analyse", "corpus", "--format", "json", "--jobs", "1"]);
    let two = revlens(&["analyse", "corpus", "--format", "json", "--jobs", "2"]);
    assert_code(&one, 0);
    assert_code(&two, 0);
    assert_eq!(one.stdout, two.stdout, "--jobs 1 and --jobs 2 differ");
    let csv1 = revlens(&["analyse", "corpus", "--format", "csv", "-j", "1"]);
    let csv2 = revlens(&["analyse", "corpus", "--format", "csv", "-j", "2"]);
    assert_eq!(csv1.stdout, csv2.stdout);
}

/// The review template in every encoding revlens reads.
fn encoded_variants(dir: &Path) {
    let text = fs::read_to_string(root().join("tests/fixtures/review_template.txt")).unwrap();
    fs::write(dir.join("a_lf.txt"), &text).unwrap();
    fs::write(dir.join("b_crlf.txt"), text.replace('\n', "\r\n")).unwrap();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(text.as_bytes());
    fs::write(dir.join("c_bom.txt"), bom).unwrap();
    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    fs::write(dir.join("d_cp1252.txt"), &cp1252).unwrap();
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in text.replace('\n', "\r\n").encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    fs::write(dir.join("e_utf16le.txt"), le).unwrap();
    fs::write(dir.join("f_utf16be.txt"), be).unwrap();
}

#[test]
fn every_encoding_gives_the_same_outline() {
    let dir = tempfile::tempdir().unwrap();
    encoded_variants(dir.path());
    let o = revlens_in(dir.path(), &["analyse", ".", "--format", "json"]);
    assert_code(&o, 0);
    let a = parse_analysis(&stdout(&o));
    assert_eq!(a.documents.len(), 6);
    let first: Vec<(String, u64, u64)> = a.documents[0]
        .sections
        .iter()
        .map(|s| (s.title.clone(), s.level, s.line))
        .collect();
    assert_eq!(
        first,
        [
            ("Introduction".to_owned(), 1, 5),
            ("Findings".to_owned(), 1, 9),
            ("Recommendations".to_owned(), 1, 13)
        ]
    );
    for d in &a.documents {
        let outline: Vec<(String, u64, u64)> = d
            .sections
            .iter()
            .map(|s| (s.title.clone(), s.level, s.line))
            .collect();
        assert_eq!(outline, first, "{}", d.path);
        assert_eq!(
            d.title.as_deref(),
            Some("Child R: a review of multi-agency practice"),
            "{}",
            d.path
        );
        assert_eq!(d.words, a.documents[0].words, "{}", d.path);
    }
    // The fallback decoding is announced, naming the file.
    let err = stderr(&o);
    assert!(err.contains("d_cp1252.txt: is not valid UTF-8"), "{err}");
    assert!(!err.contains("a_lf.txt"), "{err}");
}

#[test]
fn empty_file_and_file_without_headings() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("empty.txt"), "").unwrap();
    fs::copy(
        root().join("tests/fixtures/no_headings.txt"),
        dir.path().join("plain.txt"),
    )
    .unwrap();
    let o = revlens_in(dir.path(), &["analyse", ".", "--format", "json"]);
    assert_code(&o, 0);
    let a = parse_analysis(&stdout(&o));
    let empty = &a.documents[0];
    assert_eq!(
        (empty.path.as_str(), empty.words, empty.sections.len()),
        ("./empty.txt", 0, 0)
    );
    let plain = &a.documents[1];
    assert_eq!(plain.sections.len(), 0);
    assert!(plain.words > 40);
    let o = revlens(&["sections", "tests/fixtures/no_headings.txt"]);
    assert_code(&o, 0);
    assert!(stdout(&o).contains("(no headings found)"));
}

#[test]
fn markdown_headings_give_the_outline() {
    let o = revlens(&["sections", "tests/fixtures/draft.md", "--format", "json"]);
    assert_code(&o, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["title"],
        "Child Q: Local Child Safeguarding Practice Review (draft)"
    );
    let sections: Vec<(String, u64, String, u64)> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["title"].as_str().unwrap().to_owned(),
                s["level"].as_u64().unwrap(),
                s["kind"].as_str().unwrap().to_owned(),
                s["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("Introduction", 1, "introduction", 5),
        ("Methodology", 1, "methodology", 9),
        ("Practitioner event", 2, "methodology", 13),
        ("Findings", 1, "analysis", 17),
        ("Recommendations", 1, "recommendations", 21),
    ];
    let expected: Vec<(String, u64, String, u64)> = expected
        .iter()
        .map(|(t, l, k, n)| (t.to_string(), *l, k.to_string(), *n))
        .collect();
    assert_eq!(sections, expected);
}

#[test]
fn sections_outline_shows_lines_and_kinds() {
    let o = revlens(&["sections", "corpus/004_e88311f8b7e3dce9.txt"]);
    assert_code(&o, 0);
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "corpus/004_e88311f8b7e3dce9.txt: Local Child Safeguarding Practice Review: Child Joe\n"
        ),
        "{out}"
    );
    let line = out
        .lines()
        .find(|l| l.contains("Thematic analysis"))
        .unwrap();
    assert!(
        line.trim_start()
            .starts_with("193  4 Thematic analysis and Key learning"),
        "{line}"
    );
    assert!(line.ends_with("analysis"), "{line}");
    let sub = out
        .lines()
        .find(|l| l.contains("Understanding extra familial harm"))
        .unwrap();
    assert!(
        sub.contains("    1 Understanding"),
        "indented one level: {sub}"
    );
}

#[test]
fn unreadable_document_is_reported_and_the_rest_analysed() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        root().join("tests/fixtures/no_headings.txt"),
        dir.path().join("good.txt"),
    )
    .unwrap();
    fs::write(dir.path().join("binary.txt"), b"\x00\x01\x02\x03binary\x00").unwrap();
    let o = revlens_in(dir.path(), &["analyse", ".", "--format", "json"]);
    assert_code(&o, 3);
    let a = parse_analysis(&stdout(&o));
    assert_eq!(a.documents.len(), 2);
    let bad = a
        .documents
        .iter()
        .find(|d| d.path.ends_with("binary.txt"))
        .unwrap();
    assert_eq!(bad.errors.len(), 1);
    assert!(bad.errors[0].contains("binary"), "{:?}", bad.errors);
    assert!(
        stderr(&o).contains("binary.txt: looks like a binary file"),
        "{}",
        stderr(&o)
    );
    let good = a
        .documents
        .iter()
        .find(|d| d.path.ends_with("good.txt"))
        .unwrap();
    assert!(good.errors.is_empty() && good.words > 40);
}

#[test]
fn exit_codes_for_usage_and_missing_input() {
    let o = revlens(&["analyse"]);
    assert_code(&o, 2);
    let o = revlens(&["analyse", "no/such/folder"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("no/such/folder: does not exist"),
        "{}",
        stderr(&o)
    );
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("scan.png"), b"\x89PNG\r\n").unwrap();
    let o = revlens_in(dir.path(), &["analyse", "."]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("skipped 1 file that is not .txt, .md, .pdf or .docx (png)"),
        "{}",
        stderr(&o)
    );
    // A missing path next to a real document: the document is analysed, exit 3.
    let o = revlens(&[
        "analyse",
        "tests/fixtures/no_headings.txt",
        "missing.txt",
        "--format",
        "json",
    ]);
    assert_code(&o, 3);
    let a = parse_analysis(&stdout(&o));
    assert_eq!(a.documents.len(), 2);
    let o = revlens(&["--version"]);
    assert_code(&o, 0);
    assert!(stdout(&o).starts_with("revlens "));
}

#[test]
fn output_file_is_written_whole_and_checked_first() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("analysis.json");
    let o = revlens(&[
        "analyse",
        "corpus",
        "--format",
        "json",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_code(&o, 0);
    assert!(o.stdout.is_empty());
    parse_analysis(&fs::read_to_string(&target).unwrap());
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
    let o = revlens(&[
        "analyse",
        "corpus",
        "--output",
        "/proc/no/such/dir/out.json",
    ]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("cannot write output to /proc/no/such/dir/out.json"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn streamed_json_is_exactly_the_whole_analysis() {
    use revlens::analyse::{self, Settings};
    use revlens::rules::{RuleSet, RuleSources};
    use std::sync::Arc;

    let o = revlens(&[
        "analyse",
        "corpus",
        "tests/fixtures/no_headings.txt",
        "missing.txt",
        "--format",
        "json",
    ]);
    assert_code(&o, 3);
    let rules = Arc::new(RuleSet::load(&RuleSources::default()).unwrap());
    let paths = [
        root().join("corpus"),
        root().join("tests/fixtures/no_headings.txt"),
        root().join("missing.txt"),
    ];
    let found = revlens::corpus::discover(&paths);
    let settings = Settings {
        rules: rules.clone(),
        ..Settings::default()
    };
    let mut reports = analyse::analyse_all(&found.inputs, &settings, &|| {});
    reports.extend(found.errors.iter().map(|e| revlens::model::DocumentReport {
        path: e.path.clone(),
        errors: vec![e.message.clone()],
        ..Default::default()
    }));
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    // Paths differ only by the root prefix the library was given.
    let prefix = format!("{}/", root().display());
    for r in &mut reports {
        r.path = r.path.trim_start_matches(&prefix).to_owned();
    }
    let whole = analyse::assemble(reports, &rules, found.skipped);
    let mut expected = serde_json::to_string_pretty(&whole).unwrap();
    expected.push('\n');
    // The matrix rows carry paths too.
    assert_eq!(stdout(&o), expected.replace(&prefix, ""));
}
