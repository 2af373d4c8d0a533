//! What a document says about itself.
//!
//! Owns reading document metadata from the text: the kind of review (from the
//! title and cover), the year (a stated date on the cover or a copyright line,
//! else the latest year the body mentions, flagged as such), and the child's
//! name or letter as the review writes it ("Child Sam", "Baby T", "Adam Local
//! Child Safeguarding Practice Review"). Nothing is guessed beyond what the
//! text states; a value that cannot be read is left empty.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::document::Parsed;
use crate::layout::Role;
use crate::sections::SectionKind;

/// Where a year came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum YearSource {
    /// A date on the cover, a "Date:"/"Published" line or a copyright line.
    Stated,
    /// No stated date: the latest year the text mentions (the review cannot
    /// be older than the events it describes).
    LatestMentioned,
}

/// Metadata read from a document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Metadata {
    /// `LCSPR`, `SCR`, `learning review`, `thematic review`, `briefing`, …
    pub review_type: Option<String>,
    pub year: Option<u16>,
    pub year_source: Option<YearSource>,
    /// The child's name or letter as written.
    pub child: Option<String>,
}

static REVIEW_TYPES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (
            r"(?i)\blocal\s+child\s+safeguarding\s+practice\s+review\b|\bLCSPR\b",
            "LCSPR",
        ),
        (
            r"(?i)\bnational\s+(?:child\s+safeguarding\s+practice\s+)?review\b",
            "national review",
        ),
        (r"(?i)\bserious\s+case\s+review\b|\bSCR\b", "SCR"),
        (
            r"(?i)\bthematic\s+(?:learning\s+)?review\b",
            "thematic review",
        ),
        (r"(?i)\brapid\s+review\b", "rapid review"),
        (
            r"(?i)\b(?:multi[- ]agency\s+)?(?:learning|practice)\s+review\b|\bSILP\b",
            "learning review",
        ),
        (
            r"(?i)\bdomestic\s+homicide\s+review\b",
            "domestic homicide review",
        ),
        (
            r"(?i)\bsafeguarding\s+adults?\s+review\b",
            "safeguarding adults review",
        ),
        (
            r"(?i)\bbriefing\b|\btriennial\s+analysis\b|\bresearch\s+(?:summary|report)\b",
            "briefing",
        ),
    ]
    .into_iter()
    .map(|(p, name)| (Regex::new(p).unwrap(), name))
    .collect()
});

static CHILD_NAMED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:Child|Baby|Infant|Young\s+Person|Sibling\s+Group|Children)\s+([A-Z][A-Za-z'’-]*|[A-Z]\d*)\b").unwrap()
});
/// `Adam Local Child Safeguarding Practice Review`: a name before the review type.
static NAME_BEFORE_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Z][a-z'’-]+|[A-Z])\s*[:,-]?\s+(?:Local\s+Child|Serious\s+Case|Multi|Learning|Practice|Safeguarding|Thematic|Rapid)").unwrap()
});
static STATED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:date(?:d)?|published|publication(?:\s+date)?|final\s+(?:report|version)|report\s+date|version)\b[^0-9]{0,30}?((?:19|20)\d{2})\b|©[^0-9]{0,60}?((?:19|20)\d{2})\b|^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+((?:19|20)\d{2})$").unwrap()
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b((?:19|20)\d{2})\b").unwrap());

/// Reads the metadata of a parsed document.
pub fn read(parsed: &Parsed) -> Metadata {
    let title = parsed.outline.title.as_deref().unwrap_or("");
    let front_end = parsed
        .outline
        .sections
        .first()
        .filter(|s| s.implicit)
        .map_or(0, |s| s.end);
    let front: Vec<&str> = parsed.layout.paragraphs[..front_end]
        .iter()
        .map(|p| p.as_str())
        .collect();

    let review_type =
        review_type_of(title).or_else(|| front.iter().find_map(|l| review_type_of(l)));
    let child = child_of(title).or_else(|| {
        front
            .iter()
            .filter(|l| l.split_whitespace().count() <= 6)
            .find_map(|l| child_of(l))
    });
    let (year, year_source) = match stated_year(parsed) {
        Some(y) => (Some(y), Some(YearSource::Stated)),
        None => match latest_year(parsed) {
            Some(y) => (Some(y), Some(YearSource::LatestMentioned)),
            None => (None, None),
        },
    };
    Metadata {
        review_type,
        year,
        year_source,
        child,
    }
}

fn review_type_of(s: &str) -> Option<String> {
    REVIEW_TYPES
        .iter()
        .find(|(re, _)| re.is_match(s))
        .map(|(_, name)| (*name).to_owned())
}

fn child_of(s: &str) -> Option<String> {
    // "Child Safeguarding Practice Review" names no child.
    const NOT_NAMES: &[&str] = &[
        "Safeguarding",
        "Protection",
        "Practice",
        "Criminal",
        "Sexual",
        "Exploitation",
        "Death",
        "Deaths",
        "Review",
        "Reviews",
        "Care",
        "Services",
        "Social",
        "Health",
        "Mental",
        "Abuse",
        "Development",
        "Poverty",
        "Welfare",
        "In",
        "And",
        "Of",
        "The",
    ];
    let named = CHILD_NAMED
        .captures_iter(s)
        .map(|c| c[1].to_owned())
        .find(|n| !NOT_NAMES.contains(&n.as_str()));
    named.or_else(|| NAME_BEFORE_TYPE.captures(s.trim()).map(|c| c[1].to_owned()))
}

/// A year printed as the report's date: on the cover, on a date or
/// publication line, or in a copyright line anywhere.
fn stated_year(parsed: &Parsed) -> Option<u16> {
    let front_end = parsed
        .outline
        .sections
        .first()
        .filter(|s| s.implicit)
        .map_or(0, |s| s.end);
    let year_in = |s: &str| {
        STATED_DATE.captures(s.trim()).and_then(|c| {
            c.iter()
                .skip(1)
                .flatten()
                .next()
                .and_then(|m| m.as_str().parse().ok())
        })
    };
    let front = parsed.layout.paragraphs[..front_end]
        .iter()
        .filter(|p| p.words_up_to(13) <= 12)
        .find_map(|p| year_in(p.as_str()));
    front.or_else(|| {
        parsed
            .layout
            .paragraphs
            .iter()
            .filter(|p| p.as_str().contains('©'))
            .find_map(|p| year_in(p.as_str()))
    })
}

/// The latest year mentioned in the body (not in references or footnotes),
/// ignoring years after the present.
fn latest_year(parsed: &Parsed) -> Option<u16> {
    let this_year = current_year();
    parsed
        .layout
        .paragraphs
        .iter()
        .filter(|p| {
            matches!(
                p.role,
                Role::Prose | Role::ListItem | Role::TableRow | Role::Heading
            )
        })
        .filter(|p| {
            let kind = parsed.outline.sections.get(p.section).map(|s| s.kind);
            kind != Some(SectionKind::References)
        })
        .flat_map(|p| {
            YEAR.captures_iter(p.as_str())
                .filter_map(|c| c[1].parse::<u16>().ok())
                .collect::<Vec<_>>()
        })
        .filter(|&y| y <= this_year)
        .max()
}

fn current_year() -> u16 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Good to a day, which is all a year needs.
    (1970 + secs / 31_556_952) as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::layout::Flavour;

    fn meta(text: &str) -> Metadata {
        let doc = Document::from_bytes("t.txt", text.as_bytes(), Flavour::PlainText).unwrap();
        read(&doc.parse())
    }

    #[test]
    fn cover_with_child_type_and_date() {
        let m = meta(
            "Local Child Safeguarding Practice Review\n\nChild T\n\nDate October 2023\n\n1. Introduction\n\n1.1 The review began in 2022 after events in 2021.\n\n2. Findings\n\nText follows here for a while.\n",
        );
        assert_eq!(m.review_type.as_deref(), Some("LCSPR"));
        assert_eq!(m.child.as_deref(), Some("T"));
        assert_eq!(
            (m.year, m.year_source),
            (Some(2023), Some(YearSource::Stated))
        );
    }

    #[test]
    fn name_before_type_and_latest_year() {
        let m = meta(
            "Serious Case Review\n\nBen Local Child Safeguarding Practice Review\n\n1. Introduction\n\nBen was seen in 2019 and again in March 2021.\n\n2. Findings\n\nIn 2099 nothing.\n",
        );
        assert_eq!(m.review_type.as_deref(), Some("LCSPR"));
        assert_eq!(m.child.as_deref(), Some("Ben"));
        assert_eq!(
            (m.year, m.year_source),
            (Some(2021), Some(YearSource::LatestMentioned))
        );
    }

    #[test]
    fn review_type_words_are_not_a_name() {
        let m = meta(
            "Local Child Safeguarding Practice Review\n\nChild Joe\n\n1. Introduction\n\nText of the review goes on here.\n\n2. Findings\n\nMore text.\n",
        );
        assert_eq!(m.child.as_deref(), Some("Joe"));
    }

    #[test]
    fn copyright_line_and_briefing() {
        let m = meta(
            "Practice briefing: neglect\n\nContents\n\nIntroduction\t2\nFindings\t3\nReferences\t9\n\nIntroduction\n\nA paragraph about 2015 to 2018 data.\n\n© Research Centre May 2020\n",
        );
        assert_eq!(m.review_type.as_deref(), Some("briefing"));
        assert_eq!(m.child, None);
        assert_eq!(
            (m.year, m.year_source),
            (Some(2020), Some(YearSource::Stated))
        );
    }
}
