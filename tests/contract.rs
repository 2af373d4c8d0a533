//! The analysis JSON as the contract fixes it, written independently of the
//! library's own types: deserialising output into these structs checks that
//! every required key is there with the right type (extra keys are allowed).

#![allow(dead_code)] // the fields exist so that deserialising checks their types

use serde::Deserialize;

pub const SECTION_KINDS: &[&str] = &[
    "front-matter",
    "contents",
    "introduction",
    "background",
    "methodology",
    "chronology",
    "analysis",
    "learning",
    "good-practice",
    "recommendations",
    "conclusion",
    "references",
    "appendix",
    "other",
];

#[derive(Debug, Deserialize)]
pub struct Analysis {
    pub schema: String,
    pub revlens_version: String,
    pub ruleset: Ruleset,
    pub documents: Vec<Document>,
    pub summary: Summary,
}

#[derive(Debug, Deserialize)]
pub struct Ruleset {
    pub rules: u64,
    pub fingerprint: String,
}

#[derive(Debug, Deserialize)]
pub struct Document {
    pub path: String,
    pub title: Option<String>,
    pub words: u64,
    pub sections: Vec<Section>,
    pub themes: Vec<Theme>,
    pub recommendations: Vec<Recommendation>,
    pub learning_points: Vec<LearningPoint>,
    pub errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Section {
    pub title: String,
    pub level: u64,
    pub kind: String,
    pub line: u64,
}

#[derive(Debug, Deserialize)]
pub struct Theme {
    pub id: String,
    pub hits: u64,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Deserialize)]
pub struct Evidence {
    pub line: u64,
    pub column: u64,
    pub section: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
pub struct Recommendation {
    pub id: String,
    pub text: String,
    pub addressee: Option<String>,
    pub section: String,
    pub line: u64,
}

#[derive(Debug, Deserialize)]
pub struct LearningPoint {
    pub id: String,
    pub text: String,
    pub section: String,
    pub line: u64,
}

#[derive(Debug, Deserialize)]
pub struct Summary {
    pub documents: u64,
    pub themes: Vec<ThemeSummary>,
}

#[derive(Debug, Deserialize)]
pub struct ThemeSummary {
    pub id: String,
    pub documents: u64,
    pub hits: u64,
}

/// Parses `revlens analyse --format json` output and checks the invariants the
/// contract states beyond types.
pub fn parse_analysis(json: &str) -> Analysis {
    let a: Analysis = serde_json::from_str(json).expect("analysis JSON matches the contract");
    assert_eq!(a.schema, "revlens/analysis/v1");
    assert!(
        a.revlens_version.split('.').count() == 3,
        "semver: {}",
        a.revlens_version
    );
    let paths: Vec<_> = a.documents.iter().map(|d| d.path.clone()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "documents are sorted by path");
    assert_eq!(a.summary.documents as usize, a.documents.len());
    for d in &a.documents {
        for s in &d.sections {
            assert!(
                SECTION_KINDS.contains(&s.kind.as_str()),
                "kind {:?}",
                s.kind
            );
            assert!(s.level >= 1 && s.line >= 1, "{s:?}");
        }
        for t in &d.themes {
            assert!(t.hits >= 1, "themes lists only themes with hits");
            for e in &t.evidence {
                assert!(e.line >= 1 && e.column >= 1);
            }
        }
    }
    a
}
