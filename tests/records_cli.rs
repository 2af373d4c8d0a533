//! `revlens recommendations` and `revlens learning` run as a user runs them,
//! and the `recommendations`, `learning_points`, `summary_learning` and
//! `good_practice` arrays of `revlens analyse`: every format, the counts of
//! the sample corpus, `--leaves` / `--all`, `--output`, `--jobs`, and the exit
//! codes shared with `analyse`.

use std::fs;

use serde::Deserialize;

use crate::contract::{self, parse_analysis};
use crate::util::{assert_code, revlens, revlens_in, stderr, stdout};

#[derive(Debug, Deserialize)]
struct RecommendationsOutput {
    schema: String,
    documents: Vec<RecommendationsDocument>,
}

#[derive(Debug, Deserialize)]
struct RecommendationsDocument {
    path: String,
    /// The contract's recommendation object (extra keys allowed).
    recommendations: Vec<contract::Recommendation>,
    errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct LearningOutput {
    schema: String,
    documents: Vec<LearningDocument>,
}

#[derive(Debug, Deserialize)]
struct LearningDocument {
    learning_points: Vec<contract::LearningPoint>,
    summary_learning: Vec<contract::LearningPoint>,
    good_practice: Vec<serde_json::Value>,
}

/// Data rows of CSV output (the header is checked by the reader).
fn csv_rows(out: &str) -> Vec<Vec<String>> {
    csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn recommendations_json_on_the_corpus() {
    let o = revlens(&["recommendations", "corpus", "--format", "json"]);
    assert_code(&o, 0);
    let out: RecommendationsOutput = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(out.schema, "revlens/recommendations/v1");
    let counts: Vec<usize> = out
        .documents
        .iter()
        .map(|d| d.recommendations.len())
        .collect();
    assert_eq!(counts, [11, 0, 11, 9]);
    let joe: Vec<&str> = out.documents[3]
        .recommendations
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(joe, ["P1", "P2", "P3", "P4", "S1", "S2", "S3", "S4", "S5"]);
    assert!(out.documents.iter().all(|d| d.errors.is_empty()));
    assert!(out.documents[0].path.starts_with("corpus/"));
    // Documented additions.
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let s3 = &v["documents"][3]["recommendations"][6];
    assert_eq!(s3["leaves"][1]["id"], "S3b");
    assert_eq!(s3["leaves"][1]["addressee"], serde_json::Value::Null);
    assert_eq!(s3["addressee_source"], "sub-item");
    assert_eq!(s3["group"], "Systems");
    let sam1 = &v["documents"][2]["recommendations"][0];
    assert_eq!(sam1["repeated_at"], serde_json::json!([621]));
    assert_eq!(sam1["partners"][0]["agency"], "police");
    assert_eq!(sam1["partners"][0]["relation"], "assurance-from");
    assert_eq!(sam1["assurance"], true);
}

#[test]
fn recommendations_csv_one_row_per_item_or_statement() {
    let o = revlens(&["recommendations", "corpus", "--format", "csv"]);
    assert_code(&o, 0);
    let text = stdout(&o);
    assert!(text.starts_with("path,id,line,end_line,section,group,addressee,"));
    let rows = csv_rows(&text);
    assert_eq!(rows.len(), 31);
    assert_eq!(rows[0][1], "1");
    assert_eq!(rows[0][6], "partnership");

    let o = revlens(&["recommendations", "corpus", "--format", "csv", "--leaves"]);
    assert_code(&o, 0);
    let rows = csv_rows(&stdout(&o));
    assert_eq!(rows.len(), 33);
    let s3b = rows.iter().find(|r| r[1] == "S3b").unwrap();
    assert_eq!(
        (s3b[2].as_str(), s3b[3].as_str(), s3b[4].as_str()),
        ("S3", "462", "")
    );
}

#[test]
fn recommendations_table_and_markdown() {
    let o = revlens(&["recommendations", "corpus"]);
    assert_code(&o, 0);
    let text = stdout(&o);
    assert!(
        text.contains("31 recommendations (33 statements) in 4 documents"),
        "{text}"
    );
    assert!(text.contains("Child Joe — 9 recommendations"), "{text}");
    let o = revlens(&[
        "recommendations",
        "corpus/004_e88311f8b7e3dce9.txt",
        "--format",
        "markdown",
        "--leaves",
    ]);
    assert_code(&o, 0);
    let md = stdout(&o);
    assert!(md.starts_with("# Recommendations\n"));
    assert!(md.contains("| Id | Line | Addressee | Recommendation |"));
    assert!(md.contains("| S3b | 462 |  | Strategy Meetings"), "{md}");
}

#[test]
fn learning_in_every_format() {
    let o = revlens(&["learning", "corpus", "--format", "csv"]);
    assert_code(&o, 0);
    let rows = csv_rows(&stdout(&o));
    assert_eq!(rows.len(), 43);
    let restating: Vec<&str> = rows
        .iter()
        .filter(|r| !r[5].is_empty())
        .map(|r| r[5].as_str())
        .collect();
    assert_eq!(restating, ["4", "6", "7", "10", "11"]);

    let o = revlens(&["learning", "corpus", "--format", "csv", "--all"]);
    let rows = csv_rows(&stdout(&o));
    // + 9 summary previews (Joe) + 3 good-practice paragraphs (Adam).
    assert_eq!(rows.len(), 43 + 9 + 3);
    assert_eq!(rows.iter().filter(|r| r[4] == "summary").count(), 9);
    assert_eq!(rows.iter().filter(|r| r[4] == "good-practice").count(), 3);

    let o = revlens(&["learning", "corpus", "--format", "json"]);
    assert_code(&o, 0);
    let out: LearningOutput = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(out.schema, "revlens/learning/v1");
    let counts: Vec<(usize, usize, usize)> = out
        .documents
        .iter()
        .map(|d| {
            (
                d.learning_points.len(),
                d.summary_learning.len(),
                d.good_practice.len(),
            )
        })
        .collect();
    assert_eq!(counts, [(12, 0, 3), (8, 0, 0), (8, 0, 0), (15, 9, 0)]);

    let o = revlens(&["learning", "corpus"]);
    let text = stdout(&o);
    assert!(
        text.contains("43 learning points in 4 documents, 5 restating a recommendation"),
        "{text}"
    );
    let o = revlens(&["learning", "corpus", "-f", "markdown"]);
    assert!(stdout(&o).contains("| 8 | 102 | key-message | 4 |"));
}

#[test]
fn analyse_fills_the_contract_arrays() {
    let o = revlens(&["analyse", "corpus", "--format", "json"]);
    assert_code(&o, 0);
    let a = parse_analysis(&stdout(&o));
    let counts: Vec<(usize, usize)> = a
        .documents
        .iter()
        .map(|d| (d.recommendations.len(), d.learning_points.len()))
        .collect();
    assert_eq!(counts, [(11, 12), (0, 8), (11, 8), (9, 15)]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["documents"][3]["summary_learning"]
            .as_array()
            .unwrap()
            .len(),
        9
    );
    assert_eq!(
        v["documents"][0]["good_practice"].as_array().unwrap().len(),
        3
    );
    assert_eq!(
        v["documents"][0]["learning_points"][7]["kind"],
        "key-message"
    );
    assert_eq!(v["documents"][0]["learning_points"][7]["restates"], "4");
    let csv = revlens(&["analyse", "corpus", "--format", "csv"]);
    let rows = csv_rows(&stdout(&csv));
    let recs: Vec<&str> = rows.iter().map(|r| r[6].as_str()).collect();
    assert_eq!(recs, ["11", "0", "11", "9"]);
}

#[test]
fn output_file_jobs_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("recs.json");
    let o = revlens(&[
        "recommendations",
        "corpus",
        "-f",
        "json",
        "-o",
        target.to_str().unwrap(),
    ]);
    assert_code(&o, 0);
    assert!(stdout(&o).is_empty());
    let written = fs::read_to_string(&target).unwrap();
    assert!(written.contains("\"schema\": \"revlens/recommendations/v1\""));

    let one = revlens(&["learning", "corpus", "-f", "json", "-j", "1"]);
    let two = revlens(&["learning", "corpus", "-f", "json", "-j", "2"]);
    assert_eq!(one.stdout, two.stdout);

    let o = revlens(&["recommendations", "corpus", "--format", "html"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("not available for recommendations"));
    let o = revlens(&["learning", "no/such/folder"]);
    assert_code(&o, 2);

    // An unreadable document is reported; the others are still listed.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.txt"), "Recommendations\n\n1. The partnership should publish a neglect strategy within six months.\n").unwrap();
    fs::write(dir.path().join("b.txt"), b"%PDF-1.7\0\0binary").unwrap();
    let o = revlens_in(dir.path(), &["recommendations", ".", "-f", "csv"]);
    assert_code(&o, 3);
    let rows = csv_rows(&stdout(&o));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][6], "partnership");
    assert!(stderr(&o).contains("b.txt"));
}
