//! Themes of one document, with the evidence behind each count.
//!
//! Owns turning a parsed document and a rule set into [`ThemeReport`]s: which
//! paragraphs rules may look at (body text, not contents lists, reference
//! lists, footnotes or running headers), the hits, and the tally per theme:
//! `hits` counts scope units (sentences, for sentence rules), `matches` counts
//! matched passages (overlaps merged), and each unit gives one piece of
//! evidence located at the matched words in the file on disk.

use std::collections::BTreeMap;

use rustc_hash::FxHashSet;

use crate::document::Parsed;
use crate::matcher::{self, Hit, Para, UnitId};
use crate::model::{Evidence, ThemeReport};
use crate::rules::RuleSet;
use crate::sections::SectionKind;

/// The matcher's view of a document's paragraphs.
pub fn paragraph_views<'a>(parsed: &'a Parsed, kinds: &[SectionKind]) -> Vec<Para<'a>> {
    parsed
        .layout
        .paragraphs
        .iter()
        .zip(kinds)
        .map(|(p, &kind)| Para {
            text: p.as_str(),
            kind,
            section: p.section,
            eligible: p.role.is_content()
                && !matches!(kind, SectionKind::References | SectionKind::Contents),
        })
        .collect()
}

/// The section kind each paragraph is in.
pub fn section_kinds(parsed: &Parsed) -> Vec<SectionKind> {
    parsed
        .layout
        .paragraphs
        .iter()
        .map(|p| {
            parsed
                .outline
                .sections
                .get(p.section)
                .map_or(SectionKind::Other, |s| s.kind)
        })
        .collect()
}

/// Paragraph spans of every section with its sub-sections.
pub fn section_spans(parsed: &Parsed) -> matcher::SectionSpans {
    let starts: Vec<(u8, usize)> = parsed
        .outline
        .sections
        .iter()
        .map(|s| (if s.implicit { 1 } else { s.level }, s.start))
        .collect();
    matcher::section_spans(&starts, parsed.layout.paragraphs.len())
}

/// All hits of the rule set in a document.
pub fn hits(parsed: &Parsed, rules: &RuleSet, kinds: &[SectionKind]) -> Vec<Hit> {
    let paras = paragraph_views(parsed, kinds);
    matcher::find_hits(rules, &paras, &section_spans(parsed))
}

/// Tallies hits per theme, sorted by theme id; `evidence_limit` caps the
/// evidence listed per theme (counts are never capped).
pub fn reports(
    parsed: &Parsed,
    rules: &RuleSet,
    kinds: &[SectionKind],
    hits: &[Hit],
    evidence_limit: Option<usize>,
) -> Vec<ThemeReport> {
    // The hits in theme order (the stable sort keeps each theme's in the
    // order found), each theme's a run of its own.
    let mut in_order: Vec<&Hit> = hits.iter().collect();
    in_order.sort_by_key(|h| rules.theme_rank(h.rule));
    let mut units: FxHashSet<UnitId> = FxHashSet::default();
    in_order
        .chunk_by(|a, b| rules.theme_rank(a.rule) == rules.theme_rank(b.rule))
        .map(|hits| {
            units.clear();
            let mut by_section_kind: BTreeMap<SectionKind, usize> = BTreeMap::new();
            let mut evidence = Vec::new();
            for h in hits {
                if units.insert(h.unit) {
                    *by_section_kind.entry(kinds[h.paragraph]).or_default() += 1;
                    if evidence_limit.is_none_or(|n| evidence.len() < n) {
                        evidence.push(evidence_of(parsed, rules, kinds, h));
                    }
                }
            }
            ThemeReport {
                id: rules.rules[hits[0].rule].theme.clone(),
                hits: units.len(),
                matches: merged_matches(hits),
                by_section_kind,
                evidence,
            }
        })
        .collect()
}

/// Matched passages, counting overlapping matches once.
fn merged_matches(hits: &[&Hit]) -> usize {
    let mut spans: Vec<(usize, usize, usize)> = hits
        .iter()
        .map(|h| (h.paragraph, h.span.start, h.span.end))
        .collect();
    spans.sort_unstable();
    let mut count = 0;
    let mut last: Option<(usize, usize)> = None;
    for (p, s, e) in spans {
        match last {
            Some((lp, le)) if lp == p && s < le => last = Some((lp, le.max(e))),
            _ => {
                count += 1;
                last = Some((p, e));
            }
        }
    }
    count
}

/// The evidence for one hit: where the matched words are in the file.
pub fn evidence_of(parsed: &Parsed, rules: &RuleSet, kinds: &[SectionKind], h: &Hit) -> Evidence {
    let p = &parsed.layout.paragraphs[h.paragraph];
    let pos = parsed.doc.locate(p.text.source_offset(h.span.start));
    Evidence {
        line: pos.line,
        column: pos.column,
        page: pos.page,
        paragraph: pos.paragraph,
        section: parsed.outline.section_title(p.section).to_owned(),
        section_kind: kinds[h.paragraph],
        text: excerpt(p.as_str(), &h.sentence, &h.span),
        rule: rules.rules[h.rule].id.clone(),
        matched: p.as_str()[h.span.clone()].to_owned(),
    }
}

/// Longest evidence sentence given whole, in bytes. Text without sentence
/// punctuation (a table run together, a bad conversion) can make one
/// "sentence" of megabytes; its evidence is the match with this much context.
pub const EVIDENCE_MAX: usize = 1000;

/// The sentence holding `span`, or, when it is longer than [`EVIDENCE_MAX`],
/// the match with up to half that much context on each side, cut at spaces
/// and marked with `…` where text was left out.
pub fn excerpt(
    text: &str,
    sentence: &std::ops::Range<usize>,
    span: &std::ops::Range<usize>,
) -> String {
    let whole = text[sentence.clone()].trim();
    if whole.len() <= EVIDENCE_MAX {
        return whole.to_owned();
    }
    let context = EVIDENCE_MAX / 2;
    let mut start = span.start.saturating_sub(context).max(sentence.start);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    if start > sentence.start {
        // Begin at a word, unless the window holds no space at all.
        if let Some(space) = text[start..span.start].find(' ') {
            start += space + 1;
        }
    }
    let mut end = (span.end + context).min(sentence.end).max(span.end);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    if end < sentence.end {
        if let Some(space) = text[span.end..end].rfind(' ') {
            end = span.end + space;
        }
    }
    let mut out = String::with_capacity(end - start + 8);
    if start > sentence.start {
        out.push('…');
    }
    out.push_str(text[start..end].trim());
    if end < sentence.end {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_sentences_are_given_whole() {
        let text = "  The child was neglected.  ";
        let m = text.find("neglected").unwrap();
        assert_eq!(
            excerpt(text, &(0..text.len()), &(m..m + 9)),
            "The child was neglected."
        );
    }

    #[test]
    fn long_sentences_are_cut_around_the_match_at_spaces() {
        let words = "wörds and more wörds ".repeat(200);
        let text = format!("{words}the child was neglected {words}");
        let m = text.find("neglected").unwrap();
        let e = excerpt(&text, &(0..text.len()), &(m..m + 9));
        // Half the limit of context each side of the match, and two `…`.
        assert!(e.len() <= EVIDENCE_MAX + 9 + 6, "{} bytes", e.len());
        assert!(e.contains("the child was neglected"), "{e}");
        assert!(e.starts_with('…') && e.ends_with('…'), "{e}");
        let inner = e.trim_matches('…');
        assert!(
            inner.starts_with("wörds") || inner.starts_with("and") || inner.starts_with("more"),
            "{e}"
        );
        // A match at the very start keeps the sentence's own beginning.
        let e = excerpt(&text, &(0..text.len()), &(0..5));
        assert!(e.starts_with("wörds") && e.ends_with('…'), "{e}");
    }
}
