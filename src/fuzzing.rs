//! Fuzz targets: every stage that reads untrusted input, with its invariants.
//!
//! Owns the functions the libFuzzer targets in `fuzz/` call (and that
//! `cargo test` replays on saved crash inputs): the decoder, the layout and
//! section splitter, the sentence splitter, the record extractor, the rule
//! loader, the matcher (against its exact reference) and the whole
//! pipeline. Each must never panic, and each checks what later stages rely
//! on: positions inside the text, sentences in order on
//! character boundaries, sections and records pointing at real paragraphs and
//! lines. A broken invariant panics, which the fuzzer reports as a crash.

use std::sync::{Arc, LazyLock};

use crate::analyse::{self, Settings};
use crate::decode::decode;
use crate::document::{Document, Parsed};
use crate::layout::Flavour;
use crate::rules::{RuleSet, RuleSources};

/// Text from fuzz bytes (lossy), and a flavour chosen by the first byte so
/// both the plain-text and the Markdown paths are explored.
fn text_and_flavour(data: &[u8]) -> (String, Flavour) {
    let flavour = if data.first().is_some_and(|b| b & 1 == 1) {
        Flavour::Markdown
    } else {
        Flavour::PlainText
    };
    (String::from_utf8_lossy(data).into_owned(), flavour)
}

fn parsed(data: &[u8]) -> Parsed {
    let (text, flavour) = text_and_flavour(data);
    Document::from_text(
        "fuzz",
        text,
        flavour,
        crate::decode::Encoding::Utf8,
        Vec::new(),
    )
    .parse()
}

/// Decoding never panics; decoded text has no CR and every offset has a
/// position on a line that exists.
pub fn decoder(data: &[u8]) {
    let Ok(d) = decode(data) else { return };
    assert!(!d.text.contains('\r'), "CR left in decoded text");
    let doc = Document::from_text("fuzz", d.text, Flavour::PlainText, d.encoding, d.warnings);
    let lines = doc.lines.line_count(&doc.text).max(1);
    for offset in [0, doc.text.len() / 2, doc.text.len()] {
        let p = doc.position(offset);
        assert!(
            p.line >= 1 && p.line <= lines + 1 && p.column >= 1,
            "position {p:?} of {offset}"
        );
    }
}

/// Layout and sections never panic, and point at real paragraphs, lines and
/// offsets.
pub fn sections(data: &[u8]) {
    let p = parsed(data);
    check_parsed(&p);
}

fn check_parsed(p: &Parsed) {
    let text_len = p.doc.text.len();
    let lines = p.doc.lines.line_count(&p.doc.text).max(1);
    let n = p.layout.paragraphs.len();
    for para in &p.layout.paragraphs {
        assert!(
            para.first_line >= 1 && para.first_line <= para.last_line && para.last_line <= lines,
            "lines of {para:?}"
        );
        assert!(
            para.section < p.outline.sections.len().max(1),
            "section of {para:?}"
        );
        if !para.text.is_empty() {
            let last = para.text.len() - 1;
            assert!(
                para.text.source_offset(0) <= text_len && para.text.source_offset(last) <= text_len
            );
        }
    }
    for s in &p.outline.sections {
        assert!((1..=6).contains(&s.level), "level {}", s.level);
        assert!(
            s.start <= s.end && s.end <= n,
            "range {}..{} of {n}",
            s.start,
            s.end
        );
        assert!(
            s.line >= 1 && s.line <= lines.max(1),
            "line {} of {lines}",
            s.line
        );
    }
}

/// Sentences are non-empty, in order, disjoint and on character boundaries,
/// and on ASCII text the fast path finds the breaks unicode-segmentation does.
pub fn sentences(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if text.is_ascii() {
        assert_eq!(
            crate::sentences::ascii_breaks(text.as_bytes()),
            crate::sentences::unicode_breaks(&text),
            "ASCII sentence breaks differ"
        );
    }
    let mut last_end = 0;
    for r in crate::sentences::split(&text) {
        assert!(r.start < r.end, "empty sentence {r:?}");
        assert!(r.start >= last_end, "overlap at {r:?}");
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "not on a boundary: {r:?}"
        );
        last_end = r.end;
    }
    assert!(last_end <= text.len());
}

/// Extraction never panics and its records point at real lines and paragraphs.
pub fn extractor(data: &[u8]) {
    let p = parsed(data);
    let lines = p.doc.lines.line_count(&p.doc.text).max(1);
    let x = crate::extract::extract(&p);
    let n = p.layout.paragraphs.len();
    let items = x
        .recommendations
        .iter()
        .map(|r| &r.item)
        .chain(x.learning_points.iter().map(|l| &l.item))
        .chain(x.summary_learning.iter().map(|l| &l.item))
        .chain(&x.good_practice);
    for item in items {
        assert!(
            item.line >= 1 && item.line <= item.end_line && item.end_line <= lines,
            "lines of item {}",
            item.id
        );
        assert!(
            item.paragraphs.iter().all(|&i| i < n),
            "paragraphs of item {}",
            item.id
        );
    }
    let _ = crate::extract::report::records(&x, &p.outline);
    assert_eq!(
        crate::extract::record_sections(&p),
        x.record_sections(),
        "record paragraphs differ from full extraction"
    );
}

/// Loading a rule file never panics; problems name a line of the file.
pub fn rule_loader(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let lines = text.lines().count().max(1);
    match RuleSet::from_sources(&[("fuzz.toml".to_owned(), text)]) {
        Ok(set) => {
            let _ = crate::rules::check::check(&set);
        }
        Err(e) => {
            for p in &e.problems {
                assert!(
                    p.line >= 1 && p.line <= lines + 1,
                    "problem line {} of {lines}: {p}",
                    p.line
                );
            }
        }
    }
}

static BUILTIN: LazyLock<Arc<RuleSet>> = LazyLock::new(|| {
    Arc::new(RuleSet::load(&RuleSources::default()).unwrap_or_else(|_| RuleSet::empty()))
});

/// The whole pipeline with the built-in rules: evidence lies inside the text.
pub fn pipeline(data: &[u8]) {
    let (text, flavour) = text_and_flavour(data);
    let doc = Document::from_text(
        "fuzz",
        text,
        flavour,
        crate::decode::Encoding::Utf8,
        Vec::new(),
    );
    let lines = doc.lines.line_count(&doc.text).max(1);
    let settings = Settings {
        rules: BUILTIN.clone(),
        ..Settings::default()
    };
    let report = analyse::analyse_document(doc, &settings);
    for t in &report.themes {
        assert!(
            t.hits >= 1 && t.matches >= 1,
            "theme {} listed without hits",
            t.id
        );
        for e in &t.evidence {
            assert!(
                e.line >= 1 && e.line <= lines && e.column >= 1,
                "evidence at {}:{}",
                e.line,
                e.column
            );
        }
    }
}

/// The matcher's short cuts (the literal scan, anchored searches, the fast
/// form of each pattern deciding where no non-ASCII word character touches
/// its match) against every built-in pattern searched whole, as written:
/// each line of the input is a paragraph, in sections of a few lines at two
/// levels, some of them recommendations (which some rules leave out). The
/// hits must be the same.
pub fn matcher(data: &[u8]) {
    use crate::matcher::{Para, find_hits, find_hits_exact, section_spans};
    use crate::sections::SectionKind;
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.lines().collect();
    let sections: Vec<(u8, usize)> = (0..lines.len())
        .step_by(3)
        .map(|start| (if start % 2 == 0 { 1 } else { 2 }, start))
        .collect();
    let paras: Vec<Para> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| Para {
            text: line,
            kind: if i % 4 == 3 {
                SectionKind::Recommendations
            } else {
                SectionKind::Analysis
            },
            section: i / 3,
            eligible: true,
        })
        .collect();
    let spans = section_spans(&sections, paras.len());
    let rules = &BUILTIN;
    assert_eq!(
        find_hits(rules, &paras, &spans),
        find_hits_exact(rules, &paras, &spans),
        "the short cuts changed the hits"
    );
}

/// A fuzz target: takes any bytes, panics only when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target, by name (for replaying saved inputs).
pub const TARGETS: &[(&str, Target)] = &[
    ("decoder", decoder),
    ("sections", sections),
    ("sentences", sentences),
    ("extractor", extractor),
    ("rule_loader", rule_loader),
    ("pipeline", pipeline),
    ("matcher", matcher),
];
