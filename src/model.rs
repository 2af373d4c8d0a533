//! The results revlens reports, as scripts see them.
//!
//! Owns the serialisable types behind `revlens analyse --format json` and the
//! other machine formats: the keys and types fixed by the contract plus the
//! documented additions. Printers only format these values; nothing here
//! decides what a document contains.

use serde::{Deserialize, Serialize};

use crate::sections::SectionKind;

/// `schema` of the analysis JSON.
pub const ANALYSIS_SCHEMA: &str = "revlens/analysis/v1";

/// The whole result of `revlens analyse`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Analysis {
    pub schema: String,
    pub revlens_version: String,
    pub ruleset: RulesetInfo,
    /// Sorted by path.
    pub documents: Vec<DocumentReport>,
    pub summary: Summary,
    /// Files found in folders but not read because of their kind.
    pub skipped_files: usize,
}

/// Which rules produced the themes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct RulesetInfo {
    pub rules: usize,
    /// Hex digest of the loaded rule files (names and contents).
    pub fingerprint: String,
}

/// Everything found in one document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct DocumentReport {
    pub path: String,
    pub title: Option<String>,
    pub words: usize,
    pub lines: usize,
    /// Encoding the file was decoded from (null when it could not be read,
    /// and for PDF and Word documents).
    pub encoding: Option<String>,
    /// `text`, `pdf` or `docx` (null when the file could not be read).
    #[serde(default)]
    pub format: Option<String>,
    pub sections: Vec<SectionReport>,
    pub themes: Vec<ThemeReport>,
    pub recommendations: Vec<RecommendationReport>,
    pub learning_points: Vec<LearningPointReport>,
    /// Why the document could not be analysed; empty when it was.
    pub errors: Vec<String>,
    /// Things the user should know (an encoding guessed, a limit applied).
    pub warnings: Vec<String>,
}

/// One heading of the document's outline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SectionReport {
    pub title: String,
    /// 1 = top level.
    pub level: u8,
    pub kind: SectionKind,
    /// 1-based line of the heading in the file.
    pub line: usize,
    /// The number printed before the title (`4`, `2.1`), if any.
    pub number: Option<String>,
    /// PDF only: the page of the heading (1 = the first page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// Word only: the heading's paragraph (counting non-empty paragraphs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
}

/// One theme found in a document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ThemeReport {
    pub id: String,
    /// Number of scope units (for sentence rules: sentences) where it fired.
    pub hits: usize,
    /// Number of matching passages, counting repeats inside one sentence.
    pub matches: usize,
    pub evidence: Vec<Evidence>,
}

/// A passage that made a theme count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Evidence {
    pub line: usize,
    pub column: usize,
    pub section: String,
    /// The sentence (normalised: plain quotes, no Markdown).
    pub text: String,
    /// The rule that fired.
    pub rule: String,
    /// The matched words.
    #[serde(rename = "match")]
    pub matched: String,
}

/// A recommendation as numbered in the document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecommendationReport {
    pub id: String,
    pub text: String,
    pub addressee: Option<String>,
    pub section: String,
    pub line: usize,
}

/// A learning point as numbered in the document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LearningPointReport {
    pub id: String,
    pub text: String,
    pub section: String,
    pub line: usize,
}

/// Totals over all documents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Summary {
    pub documents: usize,
    pub themes: Vec<ThemeSummary>,
}

/// One theme across the corpus.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ThemeSummary {
    pub id: String,
    /// Documents with at least one hit.
    pub documents: usize,
    pub hits: usize,
}

impl SectionReport {
    pub fn from_section(s: &crate::sections::Section) -> Self {
        SectionReport {
            title: s.title.clone(),
            level: s.level,
            kind: s.kind,
            line: s.line,
            number: s.number.clone(),
            page: None,
            paragraph: None,
        }
    }
}
