//! The results revlens reports, as scripts see them.
//!
//! Owns the serialisable types behind `revlens analyse --format json` and the
//! other machine formats: the keys and types fixed by the contract plus the
//! documented additions. Printers only format these values; nothing here
//! decides what a document contains.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::metadata::Metadata;
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
    /// Cross-document tables (prevalence, matrix, co-occurrence, …).
    pub tables: crate::tables::Tables,
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
    /// Review type, year and child's name as the document states them.
    pub metadata: Metadata,
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
    /// Learning previewed in a summary and set out again later (kind `summary`).
    pub summary_learning: Vec<LearningPointReport>,
    /// Good practice and strengths the review lists.
    pub good_practice: Vec<GoodPracticeReport>,
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
    /// Hits by the kind of section they are in.
    pub by_section_kind: BTreeMap<SectionKind, usize>,
    pub evidence: Vec<Evidence>,
}

/// A passage that made a theme count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Evidence {
    pub line: usize,
    pub column: usize,
    /// PDF only: the page (1 = the first page of the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// Word only: the paragraph (counting non-empty paragraphs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
    pub section: String,
    /// The kind of that section.
    pub section_kind: SectionKind,
    /// The sentence (normalised: plain quotes, no Markdown).
    pub text: String,
    /// The rule that fired.
    pub rule: String,
    /// The matched words.
    #[serde(rename = "match")]
    pub matched: String,
}

/// A recommendation as numbered in the document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct RecommendationReport {
    pub id: String,
    pub text: String,
    /// Normalised addressee (`partnership`, `police`, …; see the README).
    pub addressee: Option<String>,
    pub section: String,
    pub line: usize,
    /// The addressee as written ("The local safeguarding children partnership").
    pub addressee_phrase: Option<String>,
    /// Where the addressee was read: `text`, `lead-in`, `heading`, `sub-item`, `table`.
    pub addressee_source: Option<String>,
    /// Other agencies named as sources of assurance, partners or routes.
    pub partners: Vec<PartnerReport>,
    /// Asks for assurance rather than action.
    pub assurance: bool,
    /// The sub-heading it sits under ("Practice"), if any.
    pub group: Option<String>,
    /// A caption printed with its label, if any.
    pub title: Option<String>,
    /// How it is written: `label`, `inline-label`, `list-item`, `table-row`,
    /// `numbered-paragraph`, `paragraph`.
    pub form: String,
    pub end_line: usize,
    /// Its separate statements, when the item is a label with sub-items.
    pub leaves: Vec<LeafReport>,
    /// Lines where it is printed again (a repeated table of recommendations).
    pub repeated_at: Vec<usize>,
    /// PDF only: the page (1 = the first page of the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// Word only: the paragraph (counting non-empty paragraphs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
}

/// A secondary agency of a recommendation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PartnerReport {
    pub agency: Option<String>,
    pub phrase: String,
    /// `assurance-from`, `working-with`, `liaise-with`, `via`, `member`.
    pub relation: String,
}

/// One statement of a recommendation made of sub-items.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LeafReport {
    pub id: String,
    pub text: String,
    pub addressee: Option<String>,
    pub addressee_phrase: Option<String>,
    pub line: usize,
}

/// A learning point as numbered in the document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LearningPointReport {
    pub id: String,
    pub text: String,
    pub section: String,
    pub line: usize,
    /// `learning-point`, `key-message`, or `summary` (a preview).
    pub kind: String,
    /// Id of the recommendation it restates, if it does.
    pub restates: Option<String>,
    pub group: Option<String>,
    pub title: Option<String>,
    pub form: String,
    pub end_line: usize,
    pub repeated_at: Vec<usize>,
    /// PDF only: the page (1 = the first page of the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// Word only: the paragraph (counting non-empty paragraphs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
}

/// A good-practice item or paragraph.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GoodPracticeReport {
    pub id: String,
    pub text: String,
    pub section: String,
    pub line: usize,
    pub group: Option<String>,
    pub form: String,
    pub end_line: usize,
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

/// `schema` of the lint JSON.
pub const LINT_SCHEMA: &str = "revlens/lint/v1";

/// The result of `revlens lint --format json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LintReport {
    pub schema: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// One finding in a draft.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// Where the flagged words end (exclusive column).
    pub end_line: usize,
    pub end_column: usize,
    pub rule: String,
    pub severity: crate::rules::Severity,
    pub message: String,
    pub suggestion: Option<String>,
    /// PDF only: the page (1 = the first page of the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<usize>,
    /// Word only: the paragraph (counting non-empty paragraphs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
    /// The line of the file the finding starts on, for display.
    #[serde(skip)]
    pub excerpt: Excerpt,
}

/// A line of a file as shown under a diagnostic: whole, or for a long line
/// a window of it with `…` marking what was left out on either side.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    /// Characters of the line left out before the window (0: none, and no
    /// leading `…`).
    pub skipped: usize,
}
