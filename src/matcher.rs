//! Applying a rule set to the paragraphs of a document.
//!
//! Owns finding [`Hit`]s: each paragraph is scanned once by the prefilter for
//! the literals of every rule's `any` patterns; only the patterns it names
//! run, to find positions, a pattern at a time across a batch of documents;
//! sentences are split only in paragraphs with a hit; `all`
//! and `none` are tested inside the same scope unit as the `any` match
//! (sentence, paragraph, section with its sub-sections, or document); a rule
//! with `min_matches` fires in a unit only if it matched there that often; and in
//! rule groups (such as the NRM family) only the highest-priority rule keeps
//! a sentence. Pure: no files, no output.

use std::collections::BTreeMap;
use std::ops::Range;

use regex_automata::{Anchored, Input};

use crate::rules::compile::{self, Place, Scan};
use crate::rules::{Pattern, Rule, RuleSet, Scope};
use crate::sections::SectionKind;
use crate::sentences;

/// What the matcher needs to know about one paragraph.
#[derive(Debug, Clone, Copy)]
pub struct Para<'a> {
    /// Normalised text; empty for paragraphs rules never look at.
    pub text: &'a str,
    pub kind: SectionKind,
    /// Index of its section (for section scope).
    pub section: usize,
    /// Rules may look at it (not a footnote, contents line, reference, …).
    pub eligible: bool,
}

/// The scope unit a hit counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnitId {
    Sentence { paragraph: usize, start: usize },
    Paragraph(usize),
    Section(usize),
    Document,
}

/// One firing of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into `RuleSet::rules`.
    pub rule: usize,
    pub paragraph: usize,
    /// The `any` match, in the paragraph's text.
    pub span: Range<usize>,
    /// The sentence holding the match, in the paragraph's text.
    pub sentence: Range<usize>,
    pub unit: UnitId,
}

/// The paragraphs each section covers, sub-sections included.
pub type SectionSpans = Vec<Range<usize>>;

/// Whether text has a non-ASCII word character (see
/// [`is_non_ascii_word_char`]), where the fast (ASCII boundary) patterns
/// could disagree with the exact ones.
pub(crate) fn has_non_ascii_word_char(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(is_non_ascii_word_char)
}

/// Whether the fast form of every pattern finds just what the form as
/// written finds in `text`: it has no non-ASCII word character (where the
/// two read `\b` differently) and none of the characters the fast forms
/// leave out of their classes (white space other than ASCII, which
/// normalised text never has; see [`compile::is_left_out_of_fast_form`]).
/// The matcher calls such text `ascii_words`.
pub(crate) fn fast_form_is_exact(text: &str) -> bool {
    text.is_ascii()
        || !text
            .chars()
            .any(|c| is_non_ascii_word_char(c) || compile::is_left_out_of_fast_form(c))
}

/// A character Unicode `\w` matches and ASCII `\w` does not: a letter or
/// digit of another script, or a combining mark (PDF text often spells `é`
/// as `e` and a combining accent, and `\b` does not fall between them).
fn is_non_ascii_word_char(c: char) -> bool {
    !c.is_ascii() && regex_syntax::is_word_character(c)
}

/// Finds every hit of `rules` in `paras`.
pub fn find_hits(rules: &RuleSet, paras: &[Para], sections: &SectionSpans) -> Vec<Hit> {
    let candidates = find_candidates(rules, paras);
    hits_of_document(rules, paras, sections, &candidates)
}

/// [`find_matches`] for one document, then [`hits_from_matches`].
fn hits_of_document(
    rules: &RuleSet,
    paras: &[Para],
    sections: &SectionSpans,
    candidates: &Candidates,
) -> Vec<Hit> {
    let matches = find_matches(rules, &[(paras, candidates)])
        .pop()
        .unwrap_or_default();
    hits_from_matches(rules, paras, sections, candidates, &matches)
}

/// [`find_hits`] with no short cut: every pattern searched whole in every
/// paragraph, in its form as written wherever the paragraph has non-ASCII
/// word characters. The reference that tests and the `matcher` fuzz target
/// hold the literal scan and the fast form to.
pub(crate) fn find_hits_exact(
    rules: &RuleSet,
    paras: &[Para],
    sections: &SectionSpans,
) -> Vec<Hit> {
    let mut scan = compile::Scan::default();
    let paragraphs = paras
        .iter()
        .enumerate()
        .filter(|(_, para)| para.eligible && !para.text.is_empty())
        .map(|(pi, para)| {
            let scanned = rules.prefilter.scan_nothing_filtered(&mut scan);
            (pi, fast_form_is_exact(para.text), scanned)
        })
        .collect();
    let candidates = Candidates {
        scan,
        paragraphs,
        exact_everywhere: true,
    };
    hits_of_document(rules, paras, sections, &candidates)
}

/// The patterns that may match in each paragraph of a document, and where:
/// what the literal scan found, the first step of [`find_hits`]. Every
/// paragraph is scanned before any pattern is searched (and the analysis
/// scans a batch of documents before searching any of them): alternating
/// the literal automaton with the patterns' automata made each evict the
/// other from the processor's caches.
#[derive(Debug, Default)]
pub struct Candidates {
    scan: Scan,
    /// Paragraphs scanned, in order: index, whether the fast forms are
    /// exact on it (see [`fast_form_is_exact`]), and its part of `scan`
    /// (which says whether any pattern may match there, and which
    /// conditions may, for the section- and document-scope conditions).
    paragraphs: Vec<(usize, bool, compile::Scanned)>,
    /// Search every pattern in its form as written wherever a paragraph has
    /// other letters, the fast form never deciding: what tests hold the
    /// matcher's short cuts to.
    exact_everywhere: bool,
}

/// Scans every eligible paragraph for the literals of `rules`.
pub fn find_candidates(rules: &RuleSet, paras: &[Para]) -> Candidates {
    let mut scan = Scan::default();
    if rules.rules.is_empty() {
        return Candidates::default();
    }
    let paragraphs = paras
        .iter()
        .enumerate()
        .filter(|(_, para)| para.eligible && !para.text.is_empty())
        .map(|(pi, para)| {
            let ascii_words = fast_form_is_exact(para.text);
            let found = rules.prefilter.scan_more(para.text, ascii_words, &mut scan);
            (pi, ascii_words, found)
        })
        .collect();
    // Only the answers are kept while the rest of the batch is scanned.
    scan.release_working_memory();
    Candidates {
        scan,
        paragraphs,
        exact_everywhere: false,
    }
}

/// The matches of the candidate patterns of one document, found by
/// [`find_matches`].
#[derive(Debug, Default)]
pub struct Matches {
    /// Per candidate of the document's scan (see
    /// [`compile::Scanned::candidate_ids`]): its matches, a range of
    /// `found`.
    of_candidate: Vec<Range<usize>>,
    /// Every match, in text order within each candidate.
    found: Vec<Range<usize>>,
}

impl Matches {
    /// The matches of the candidate at `id` (none if it was not searched).
    fn of(&self, id: usize) -> &[Range<usize>] {
        self.of_candidate
            .get(id)
            .map_or(&[], |range| &self.found[range.clone()])
    }
}

/// Searches the candidate patterns of a group of documents (their
/// paragraphs and what the literal scan found in each), a pattern at a
/// time across them all: each pattern's searches in every paragraph of
/// every document, then the next pattern's. Gives each document's matches.
///
/// Why that order: the searches run hundreds of small automata, each of
/// which has left the processor's caches by the time its pattern comes up
/// again paragraph by paragraph; their cost is mostly in fetching them, not
/// in the bytes they read. Taken a pattern at a time over the batch of
/// documents a worker holds (up to eight documents and a megabyte of text),
/// a pattern's automaton is fetched once for dozens of searches. That made
/// `themes` 0.93–0.95× and `analyse` 0.96× the CPU time (in pairs) against
/// the same searches made paragraph by paragraph. A document at a time (a
/// few searches of a pattern in a row) it had been slower (1.04×).
pub fn find_matches(rules: &RuleSet, docs: &[(&[Para], &Candidates)]) -> Vec<Matches> {
    /// One search to make: in paragraph `para` of document `doc`, for the
    /// candidate at `id` of that document's scan.
    struct Search<'a> {
        pattern: usize,
        doc: usize,
        para: usize,
        paragraph: (bool, bool),
        id: usize,
        place: Place<'a>,
    }
    let mut searches = Vec::new();
    for (doc, (paras, candidates)) in docs.iter().enumerate() {
        for &(para, ascii_words, ref in_para) in &candidates.paragraphs {
            let kind = paras[para].kind;
            let paragraph = (ascii_words, in_para.filtered());
            let scanned = candidates.scan.candidates_in(in_para);
            for ((pattern, place), id) in scanned.zip(in_para.candidate_ids()) {
                let (ri, _) = rules.prefilter.owners[pattern];
                if rules.rules[ri].allows(kind) {
                    searches.push(Search {
                        pattern,
                        doc,
                        para,
                        paragraph,
                        id,
                        place,
                    });
                }
            }
        }
    }
    // Grouped by pattern, each group in text order (a counting sort: there
    // are a few hundred patterns and tens of thousands of searches).
    let mut starts = vec![0usize; rules.prefilter.owners.len() + 1];
    for search in &searches {
        starts[search.pattern + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut order = vec![0usize; searches.len()];
    for (i, search) in searches.iter().enumerate() {
        order[starts[search.pattern]] = i;
        starts[search.pattern] += 1;
    }
    let mut all: Vec<Matches> = docs
        .iter()
        .map(|(_, candidates)| Matches {
            of_candidate: vec![0..0; candidates.scan.candidate_count()],
            found: Vec::new(),
        })
        .collect();
    let mut found = Vec::new();
    for i in order {
        let search = &searches[i];
        let (ri, ai) = rules.prefilter.owners[search.pattern];
        let text = docs[search.doc].0[search.para].text;
        let place = search.place.clone();
        matches(
            &rules.rules[ri].any[ai],
            text,
            search.paragraph,
            place,
            &mut found,
        );
        let into = &mut all[search.doc];
        let first = into.found.len();
        into.found.append(&mut found);
        into.of_candidate[search.id] = first..into.found.len();
    }
    all
}

/// The hits the `matches` of one document's candidate patterns make (see
/// [`find_matches`]): each match placed in its sentence and scope unit,
/// where its rule's `all` and `none` patterns are decided: the last part
/// of [`find_hits`].
pub fn hits_from_matches(
    rules: &RuleSet,
    paras: &[Para],
    sections: &SectionSpans,
    candidates: &Candidates,
    matches: &Matches,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    if rules.rules.is_empty() {
        return hits;
    }
    // all/none verdicts of section and document units, per rule and unit;
    // those of sentences and paragraphs are kept only while in the
    // paragraph (so the map stays small; a one-line document with
    // thousands of sentences still finds each verdict in log time).
    let mut wide_verdicts: BTreeMap<(usize, UnitId), bool> = BTreeMap::new();
    let mut local_verdicts: BTreeMap<(usize, UnitId), bool> = BTreeMap::new();
    let scan = &candidates.scan;
    let mut sentence_bounds: Vec<Range<usize>> = Vec::new();
    for &(pi, ascii_words, ref in_para) in &candidates.paragraphs {
        if !in_para.has_candidates() {
            continue;
        }
        let para = &paras[pi];
        let text = para.text;
        let paragraph = (ascii_words, in_para.filtered());
        let mut split = false;
        local_verdicts.clear();
        let ids = in_para.candidate_ids();
        for ((set_index, _), id) in scan.candidates_in(in_para).zip(ids) {
            let (ri, _) = rules.prefilter.owners[set_index];
            let rule = &rules.rules[ri];
            // A candidate whose rule may not fire in this kind of section
            // was not searched (see `find_matches`): it has no match.
            for m in matches.of(id) {
                if !split {
                    sentences::split_into(text, &mut sentence_bounds);
                    split = true;
                }
                let bounds = &sentence_bounds;
                let si = sentences::containing(bounds, m.start)
                    .unwrap_or(bounds.len().saturating_sub(1));
                let sentence = bounds.get(si).cloned().unwrap_or(0..text.len());
                let unit = match rule.scope {
                    Scope::Sentence => UnitId::Sentence {
                        paragraph: pi,
                        start: sentence.start,
                    },
                    Scope::Paragraph => UnitId::Paragraph(pi),
                    Scope::Section => UnitId::Section(para.section),
                    Scope::Document => UnitId::Document,
                };
                // A rule's verdict is the same for every match in one unit:
                // computed once, so a huge sentence with thousands of matches
                // is not searched again for each of them.
                let passes = rule.all.is_empty() && rule.none.is_empty()
                    || match unit {
                        UnitId::Sentence { .. } | UnitId::Paragraph(_) => {
                            *local_verdicts.entry((ri, unit)).or_insert_with(|| {
                                let scope_text = match unit {
                                    UnitId::Sentence { .. } => &text[sentence.clone()],
                                    _ => text,
                                };
                                passes(rule, |k, pattern| {
                                    rules.prefilter.may_match_in(
                                        scan,
                                        in_para,
                                        rules.prefilter.condition(ri, k),
                                    ) && is_match(pattern, scope_text, paragraph)
                                })
                            })
                        }
                        UnitId::Section(_) | UnitId::Document => {
                            *wide_verdicts.entry((ri, unit)).or_insert_with(|| {
                                let range = match unit {
                                    UnitId::Section(s) => {
                                        sections.get(s).cloned().unwrap_or(pi..pi + 1)
                                    }
                                    _ => 0..paras.len(),
                                };
                                let fast_first = !candidates.exact_everywhere;
                                passes_across(rules, ri, paras, range, candidates, fast_first)
                            })
                        }
                    };
                if passes {
                    hits.push(Hit {
                        rule: ri,
                        paragraph: pi,
                        span: m.clone(),
                        sentence,
                        unit,
                    });
                }
            }
        }
    }
    hits.sort_by(|a, b| {
        (a.paragraph, a.span.start, a.rule).cmp(&(b.paragraph, b.span.start, b.rule))
    });
    hits.dedup_by(|a, b| a.rule == b.rule && a.paragraph == b.paragraph && a.span == b.span);
    apply_min_matches(rules, &mut hits);
    apply_groups(rules, &mut hits);
    hits
}

/// Drops the hits of a rule in every scope unit where its `any` patterns
/// matched fewer than its `min_matches` times (so a document-scope rule can
/// ask for a theme to be discussed, not merely named once).
fn apply_min_matches(rules: &RuleSet, hits: &mut Vec<Hit>) {
    if rules.rules.iter().all(|r| r.min_matches <= 1) {
        return;
    }
    let counted = |h: &Hit| rules.rules[h.rule].min_matches > 1;
    let mut counts: BTreeMap<(usize, UnitId), usize> = BTreeMap::new();
    for h in hits.iter().filter(|h| counted(h)) {
        *counts.entry((h.rule, h.unit)).or_default() += 1;
    }
    hits.retain(|h| !counted(h) || counts[&(h.rule, h.unit)] >= rules.rules[h.rule].min_matches);
}

/// Non-overlapping matches of an `any` pattern into `out`, leftmost first,
/// as `find_iter` gives them; anchored at the prefilter's places `at` when
/// every match starts there (a search then costs the length of the match).
/// `filtered` says the scan filtered the paragraph (see
/// [`compile::Scanned::filtered`]).
fn matches(
    pattern: &Pattern,
    text: &str,
    (ascii_words, filtered): (bool, bool),
    place: Place,
    out: &mut Vec<Range<usize>>,
) {
    out.clear();
    // On other text the form as written leaves the fast engines at the
    // first non-ASCII letter: the fast form finds the places to try it, and
    // decides alone where no such letter touches its match.
    let fast_first = !ascii_words && filtered && pattern.fast_form_covers();
    let within = match place {
        Place::Whole => 0..text.len(),
        Place::Within(bytes) => bytes,
        // Every match starts at one of these (the fast form on text with
        // ASCII letters and digits, the form as written on other text).
        Place::At(starts) => {
            for &start in starts {
                if out.last().is_some_and(|m| start < m.end) {
                    continue;
                }
                let input = Input::new(text).range(start..).anchored(Anchored::Yes);
                let found = if fast_first {
                    let fast = pattern.fast().search(&input);
                    fast.and_then(|f| covered_match_at(pattern, text, f))
                } else {
                    pattern.regex(ascii_words).search(&input)
                };
                if let Some(m) = found.filter(|m| !m.is_empty()) {
                    out.push(m.range());
                }
            }
            return;
        }
    };
    // Searched from the start of `within` to its end, as if from the start
    // of the text: no match begins before it.
    if fast_first {
        let mut from = within.start;
        while let Some(m) = next_covered_match(pattern, text, from..within.end) {
            if m.is_empty() {
                // As `find_iter` goes on past an empty match.
                from = m.start() + char_len_at(text, m.start());
            } else {
                out.push(m.range());
                from = m.end();
            }
        }
    } else {
        out.extend(
            pattern
                .regex(ascii_words)
                .find_iter(Input::new(text).range(within))
                .filter(|m| !m.is_empty())
                .map(|m| m.range()),
        );
    }
}

/// Whether `pattern` matches in `text`, part of a paragraph the fast form
/// is exact on (`ascii_words`: see [`fast_form_is_exact`]) or that the scan
/// `filtered` (see [`matches`] for the fast form first; text of wider
/// scopes is passed as filtered, and checked here for the characters that
/// stop it).
fn is_match(pattern: &Pattern, text: &str, (ascii_words, filtered): (bool, bool)) -> bool {
    if ascii_words || fast_form_is_exact(text) {
        return pattern.regex(true).is_match(text);
    }
    if filtered && pattern.fast_form_covers() && !compile::fast_form_may_miss(text) {
        return next_covered_match(pattern, text, 0..text.len()).is_some();
    }
    pattern.regex(false).is_match(text)
}

/// The leftmost-first match, from `from` on, of a pattern the fast form
/// covers (see [`Pattern::fast_form_covers`]), in a paragraph the scan
/// filtered. Every match of the form as written is one of the fast form,
/// so none starts before the fast form's leftmost start: the form as
/// written is tried, anchored, at each place the fast form finds a match
/// to start, in order. Searching the whole paragraph in the form as
/// written would leave the regex crate's fast engines at its first
/// non-ASCII letter, so that a long paragraph with one accented name was
/// searched by the slowest engine end to end, once per candidate pattern.
fn next_covered_match(
    pattern: &Pattern,
    text: &str,
    Range {
        start: mut from,
        end,
    }: Range<usize>,
) -> Option<regex_automata::Match> {
    while from <= end {
        let found = pattern.fast().search(&Input::new(text).range(from..end))?;
        if let Some(m) = covered_match_at(pattern, text, found) {
            return Some(m);
        }
        from = found.start() + char_len_at(text, found.start());
    }
    None
}

/// The match, starting where `found` starts, of a pattern the fast form
/// covers, given `found`, the fast form's (leftmost-first) match there. The
/// two forms differ only in `\b`, which they read differently only beside
/// a non-ASCII word character. Where none touches `found`, every boundary
/// on its way reads the same in both, so it is a match of the form as
/// written too; and no match of the form as written that the fast form
/// would have preferred can exist, since each is a match of the fast form:
/// `found` is the answer, with no second search. Elsewhere the form as
/// written is searched, anchored there.
fn covered_match_at(
    pattern: &Pattern,
    text: &str,
    found: regex_automata::Match,
) -> Option<regex_automata::Match> {
    if !touches_non_ascii_word_char(text, found.range()) {
        return Some(found);
    }
    let anchored = Input::new(text)
        .range(found.start()..)
        .anchored(Anchored::Yes);
    pattern.regex(false).search(&anchored)
}

/// Whether the text of `span`, or the character on either side of it, has
/// a non-ASCII word character (the characters a `\b` there looks at).
fn touches_non_ascii_word_char(text: &str, span: Range<usize>) -> bool {
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    let inside = &text[span];
    (!inside.is_ascii() && inside.chars().any(is_non_ascii_word_char))
        || before.into_iter().chain(after).any(is_non_ascii_word_char)
}

/// The length of the character at byte `at` (1 at the end of the text, to
/// step past it).
fn char_len_at(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

/// [`passes`] over the eligible paragraphs `range` of a section or
/// document: a condition is searched for only in the paragraphs where the
/// scan found its literals (or that it did not scan).
fn passes_across(
    rules: &RuleSet,
    ri: usize,
    paras: &[Para],
    range: Range<usize>,
    candidates: &Candidates,
    fast_first: bool,
) -> bool {
    let scanned = &candidates.paragraphs;
    let from = scanned.partition_point(|&(pi, _, _)| pi < range.start);
    passes(&rules.rules[ri], |k, pattern| {
        let condition = rules.prefilter.condition(ri, k);
        let mut next = from;
        range.clone().any(|pi| {
            let para = &paras[pi];
            if !para.eligible {
                return false;
            }
            while scanned.get(next).is_some_and(|&(p, _, _)| p < pi) {
                next += 1;
            }
            let may_match = match scanned.get(next) {
                Some((p, _, in_para)) if *p == pi => {
                    rules
                        .prefilter
                        .may_match_in(&candidates.scan, in_para, condition)
                }
                _ => true,
            };
            may_match && is_match(pattern, para.text, (false, fast_first))
        })
    })
}

/// `all` patterns each match somewhere in the scope and no `none` pattern does.
/// `found(k, pattern)` says whether condition `k` (the `all` patterns, then
/// the `none` ones) matches in the scope.
fn passes(rule: &Rule, found: impl Fn(usize, &Pattern) -> bool) -> bool {
    let all = rule.all.len();
    rule.all.iter().enumerate().all(|(k, p)| found(k, p))
        && !rule.none.iter().enumerate().any(|(k, p)| found(all + k, p))
}

/// In each rule group, a sentence goes to the highest-priority rule that hit it.
fn apply_groups(rules: &RuleSet, hits: &mut Vec<Hit>) {
    let mut best: BTreeMap<(&str, usize, usize), i64> = BTreeMap::new();
    for h in hits.iter() {
        if let Some(g) = rules.rules[h.rule].group.as_deref() {
            let key = (g, h.paragraph, h.sentence.start);
            let p = rules.rules[h.rule].priority;
            best.entry(key)
                .and_modify(|b| *b = (*b).max(p))
                .or_insert(p);
        }
    }
    if best.is_empty() {
        return;
    }
    hits.retain(|h| {
        let rule = &rules.rules[h.rule];
        match rule.group.as_deref() {
            Some(g) => best
                .get(&(g, h.paragraph, h.sentence.start))
                .is_none_or(|&b| rule.priority >= b),
            None => true,
        }
    });
}

/// Paragraph ranges of each section with its sub-sections, from the flat
/// outline (a section runs until the next one at its level or above).
pub fn section_spans(levels_and_starts: &[(u8, usize)], paragraphs: usize) -> SectionSpans {
    let n = levels_and_starts.len();
    (0..n)
        .map(|i| {
            let (level, start) = levels_and_starts[i];
            let end = levels_and_starts[i + 1..]
                .iter()
                .find(|(l, _)| *l <= level)
                .map_or(paragraphs, |&(_, s)| s);
            start..end.max(start)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(src: &str) -> RuleSet {
        RuleSet::from_sources(&[("t.toml".to_owned(), src.to_owned())])
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn para(text: &str) -> Para<'_> {
        Para {
            text,
            kind: SectionKind::Analysis,
            section: 0,
            eligible: true,
        }
    }

    fn hits_in(set: &RuleSet, texts: &[&str]) -> Vec<(String, String)> {
        let paras: Vec<Para> = texts.iter().map(|t| para(t)).collect();
        let spans = section_spans(&[(1, 0)], paras.len());
        find_hits(set, &paras, &spans)
            .into_iter()
            .map(|h| {
                (
                    set.rules[h.rule].id.clone(),
                    texts[h.paragraph][h.span].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn all_and_none_stay_inside_the_sentence() {
        let set = rules(
            "[[rule]]\nid = \"missed\"\nany = ['\\bNRM\\b']\nall = ['\\bnot\\b']\nnone = ['\\bshould\\b']\n",
        );
        // `not` in the next sentence of the same paragraph does not count.
        assert!(hits_in(&set, &["An NRM referral was made. It was not reviewed."]).is_empty());
        assert_eq!(hits_in(&set, &["An NRM referral was not made."]).len(), 1);
        assert!(hits_in(&set, &["An NRM referral should not be delayed."]).is_empty());
    }

    #[test]
    fn paragraph_and_section_scope() {
        let set = rules(
            "[[rule]]\nid = \"p\"\nscope = \"paragraph\"\nany = ['\\bNRM\\b']\nall = ['\\bnot\\b']\n\n[[rule]]\nid = \"s\"\nscope = \"section\"\nany = ['\\bCCE\\b']\nnone = ['\\bNRM\\b']\n",
        );
        assert_eq!(
            hits_in(&set, &["An NRM referral was made. It was not reviewed."]),
            [("p".into(), "NRM".into())]
        );
        // CCE with the NRM elsewhere in the same section: no hit.
        assert!(
            hits_in(&set, &["Risk of CCE.", "No NRM referral."])
                .iter()
                .all(|(id, _)| id != "s")
        );
        assert_eq!(
            hits_in(&set, &["Risk of CCE.", "Nothing else."]),
            [("s".into(), "CCE".into())]
        );
    }

    #[test]
    fn wide_conditions_are_found_where_no_pattern_may_match() {
        // Section and document conditions are looked for only where the
        // scan found their literals, including paragraphs where no `any`
        // pattern may match (here every paragraph but the first).
        let set = rules(
            "[[rule]]\nid = \"s\"\nscope = \"section\"\nany = ['\\bCCE\\b']\nnone = ['\\bNRM\\b']\n\n[[rule]]\nid = \"d\"\nscope = \"document\"\nany = ['\\bCCE\\b']\nall = ['\\bcounty\\s+lines\\b']\n",
        );
        let ids = |texts: &[&str]| -> Vec<String> {
            hits_in(&set, texts).into_iter().map(|(id, _)| id).collect()
        };
        assert_eq!(ids(&["Risk of CCE.", "Nothing else."]), ["s"]);
        assert_eq!(
            ids(&["Risk of CCE.", "No NRM was made."]),
            Vec::<String>::new()
        );
        assert_eq!(ids(&["Risk of CCE.", "It was county lines."]), ["s", "d"]);
        // The literal without the pattern around it: `NRMs` is no `\bNRM\b`.
        assert_eq!(ids(&["Risk of CCE.", "NRMs; county  lines."]), ["s", "d"]);
        // Each against every pattern searched whole.
        for texts in [
            &["Risk of CCE.", "No NRM was made.", "County lines."][..],
            &["County lines.", "CCE", "", "nrm"][..],
        ] {
            let paras: Vec<Para> = texts.iter().map(|t| para(t)).collect();
            let spans = section_spans(&[(1, 0)], paras.len());
            assert_eq!(
                find_hits(&set, &paras, &spans),
                find_hits_exact(&set, &paras, &spans),
                "{texts:?}"
            );
        }
    }

    #[test]
    fn sections_filter_and_case() {
        let set = rules(
            "[[rule]]\nid = \"rec\"\nsections = [\"recommendations\"]\nany = ['should']\n\n[[rule]]\nid = \"cse\"\ncase_sensitive = true\nany = ['\\bCSE\\b']\n",
        );
        let paras = [
            Para {
                text: "Agencies should act.",
                kind: SectionKind::Analysis,
                section: 0,
                eligible: true,
            },
            Para {
                text: "The board should act.",
                kind: SectionKind::Recommendations,
                section: 0,
                eligible: true,
            },
            Para {
                text: "cse and CSE",
                kind: SectionKind::Analysis,
                section: 0,
                eligible: true,
            },
            Para {
                text: "CSE in a footnote",
                kind: SectionKind::Analysis,
                section: 0,
                eligible: false,
            },
        ];
        let found = find_hits(&set, &paras, &section_spans(&[(1, 0)], 4));
        let got: Vec<(usize, &str)> = found
            .iter()
            .map(|h| (h.paragraph, &paras[h.paragraph].text[h.span.clone()]))
            .collect();
        assert_eq!(got, [(1, "should"), (2, "CSE")]);
    }

    #[test]
    fn groups_keep_the_highest_priority() {
        let set = rules(
            "[[rule]]\nid = \"mention\"\ngroup = \"nrm\"\npriority = 1\nany = ['\\bNRM\\b']\n\n[[rule]]\nid = \"missed\"\ngroup = \"nrm\"\npriority = 4\nany = ['\\bNRM\\b[^.]*\\bnot\\s+considered']\n",
        );
        let got = hits_in(
            &set,
            &["The NRM was not considered. The NRM is a framework."],
        );
        assert_eq!(
            got,
            [
                ("missed".into(), "NRM was not considered".into()),
                ("mention".into(), "NRM".into())
            ]
        );
    }

    #[test]
    fn min_matches_counts_matches_in_the_unit() {
        let set = rules(
            "[[rule]]\nid = \"substantive\"\nscope = \"document\"\nmin_matches = 3\nany = ['\\bCCE\\b']\n",
        );
        // Two mentions across the document: not enough.
        assert!(hits_in(&set, &["Risk of CCE.", "CCE again.", "Nothing."]).is_empty());
        // Three (two in one sentence count twice): the rule fires, one unit.
        let got = hits_in(&set, &["Risk of CCE and CCE.", "CCE again."]);
        assert_eq!(got.len(), 3);
        let set = rules("[[rule]]\nid = \"twice\"\nmin_matches = 2\nany = ['\\bmissing\\b']\n");
        // Sentence scope: counted per sentence.
        assert!(hits_in(&set, &["He went missing. He was missing again."]).is_empty());
        assert_eq!(hits_in(&set, &["Missing, then missing again."]).len(), 2);
    }

    #[test]
    fn non_ascii_words_use_the_exact_patterns() {
        let set = rules("[[rule]]\nid = \"w\"\nany = ['\\bengage\\b']\n");
        assert!(hits_in(&set, &["Naïve attempts to engageé failed."]).is_empty());
        assert_eq!(
            hits_in(&set, &["Naïve attempts to engage failed."]).len(),
            1
        );
    }

    #[test]
    fn other_white_space_uses_the_exact_patterns() {
        // Normalised text has only ASCII spaces, and the fast forms read
        // `\s` as ASCII; text that reaches the matcher otherwise (here a
        // no-break space and a line separator) is searched as written.
        let set = rules("[[rule]]\nid = \"w\"\nany = ['\\bno\\s+record\\s+of\\b']\n");
        for text in [
            "There was no\u{a0}record of it.",
            "There was no record\u{2028}of it.",
            "There was no\u{3000}record of it, Zo\u{eb}.",
        ] {
            assert!(!fast_form_is_exact(text), "{text:?}");
            assert_eq!(hits_in(&set, &[text]).len(), 1, "{text:?}");
        }
        assert!(fast_form_is_exact(
            "There was no record of it \u{2013} \u{201c}none\u{201d}."
        ));
    }

    /// The text of one of the sample reviews.
    fn sample_review() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/corpus/000_9a06eec279647b8d.txt"
        );
        std::fs::read_to_string(path).unwrap()
    }

    #[test]
    fn text_with_other_letters_is_filtered_and_loses_no_hit() {
        // A sample review with a name spelt with a diaeresis in every
        // paragraph and other accented words here and there: the built-in
        // rules find what they find when nothing is filtered.
        let set = RuleSet::load(&Default::default()).unwrap();
        let text = sample_review();
        let accented = text
            .replace(". ", ". Zoë's ")
            .replace("neglect", "négléct")
            .replace("child ", "child naïve ")
            .replace("exploitation", "EXPLOITATION Ünd");
        let doc = crate::document::Document::from_text(
            "t",
            accented,
            crate::layout::Flavour::PlainText,
            crate::decode::Encoding::Utf8,
            Vec::new(),
        )
        .parse();
        let paras: Vec<Para> = doc
            .layout
            .paragraphs
            .iter()
            .map(|p| Para {
                text: &p.text.text,
                kind: SectionKind::Analysis,
                section: 0,
                eligible: true,
            })
            .collect();
        assert!(
            paras
                .iter()
                .filter(|p| has_non_ascii_word_char(p.text))
                .count()
                > 20
        );
        let spans = section_spans(&[(1, 0)], paras.len());
        let filtered = find_hits(&set, &paras, &spans);
        assert!(filtered.len() > 20, "{} hits", filtered.len());
        assert_eq!(filtered, find_hits_exact(&set, &paras, &spans));
    }

    #[test]
    fn runs_of_review_text_glued_to_other_letters_lose_and_gain_no_hit() {
        // Runs of a sample review's words, with letters of other scripts,
        // combining accents and letters that fold to ASCII glued to words
        // or standing alone, at places drawn by a fixed generator: the
        // built-in rules find what they find with every pattern searched as
        // written.
        let set = RuleSet::load(&Default::default()).unwrap();
        let review = sample_review();
        let words: Vec<&str> = review.split_whitespace().collect();
        let others = ["Zoë", "é", "\u{301}", "ß", "naïve", "Ünd", "١٢", "É"];
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut draw = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut texts = Vec::new();
        for _ in 0..150 {
            let start = draw(words.len() - 60);
            // One paragraph in five spells some `k` and `s` with the Kelvin
            // sign and the long s, which `(?i)k` and `(?i)s` match.
            let folding = draw(5) == 0;
            let mut text = String::new();
            for word in &words[start..start + 60] {
                let other = others[draw(others.len())];
                match draw(8) {
                    0 => text.push_str(&format!("{other}{word} ")),
                    1 => text.push_str(&format!("{word}{other} ")),
                    2 => text.push_str(&format!("{word} {other} ")),
                    3 if folding => {
                        let word = word.replacen('k', "\u{212A}", 1).replacen('s', "ſ", 1);
                        text.push_str(&format!("{word} "));
                    }
                    _ => text.push_str(&format!("{word} ")),
                }
            }
            texts.push(text);
        }
        let paras: Vec<Para> = texts.iter().map(|t| para(t)).collect();
        let spans = section_spans(&[(1, 0), (1, 50), (2, 80)], paras.len());
        let filtered = find_hits(&set, &paras, &spans);
        assert!(filtered.len() > 100, "{} hits", filtered.len());
        assert_eq!(filtered, find_hits_exact(&set, &paras, &spans));
    }

    #[test]
    fn searches_between_full_stops_find_what_the_whole_text_gives() {
        // Patterns with nothing to anchor on, whose matches start before
        // their literals and may run up to a full stop, in sentences cut
        // at random: the matches are those of a search of every pattern in
        // the whole paragraph.
        let set = rules(concat!(
            "[[rule]]\nid = \"n\"\nany = ['(?:\\w+\\s+){0,2}neglected\\b']\n\n",
            "[[rule]]\nid = \"s\"\nany = ['\\b(?:was|were)\\s+(?:\\w+\\s+)?not\\s+shared(?:\\s+\\w+)*']\n\n",
            "[[rule]]\nid = \"f\"\nany = ['[^;]{0,12}shared']\n",
        ));
        let pieces = [
            "It ",
            "was ",
            "were ",
            "not ",
            "shared ",
            "neglected ",
            "neglected",
            ". ",
            ".",
            "the ",
            "family ",
            "Zoë ",
            "e.g. ",
            "; ",
            "shared.",
            "was not shared ",
            "were then not ",
        ];
        let texts: Vec<String> =
            crate::test_texts::texts(&pieces, 0x9e37_79b9_7f4a_7c15, 600, 30).collect();
        let paras: Vec<Para> = texts.iter().map(|t| para(t)).collect();
        let spans = section_spans(&[(1, 0)], paras.len());
        let found = find_hits(&set, &paras, &spans);
        let rules_hit = |id: &str| found.iter().filter(|h| set.rules[h.rule].id == id).count();
        let counts = ["n", "s", "f"].map(rules_hit);
        assert!(counts.iter().all(|&c| c > 20), "{counts:?}");
        assert_eq!(found, find_hits_exact(&set, &paras, &spans));
    }

    #[test]
    fn documents_matched_together_get_the_hits_they_get_alone() {
        // A sample review's paragraphs cut into three documents, their
        // candidates searched a pattern at a time across all three.
        let set = RuleSet::load(&Default::default()).unwrap();
        let review = sample_review();
        let texts: Vec<&str> = review
            .split("\n\n")
            .filter(|t| !t.trim().is_empty())
            .collect();
        let docs: Vec<Vec<Para>> = texts
            .chunks(texts.len() / 3 + 1)
            .map(|part| part.iter().map(|t| para(t)).collect())
            .collect();
        assert_eq!(docs.len(), 3);
        let candidates: Vec<Candidates> = docs.iter().map(|d| find_candidates(&set, d)).collect();
        let together: Vec<(&[Para], &Candidates)> = docs
            .iter()
            .zip(&candidates)
            .map(|(d, c)| (d.as_slice(), c))
            .collect();
        let matches = find_matches(&set, &together);
        assert_eq!(matches.len(), 3);
        for ((paras, c), m) in together.iter().zip(&matches) {
            let spans = section_spans(&[(1, 0)], paras.len());
            let hits = hits_from_matches(&set, paras, &spans, c, m);
            assert!(hits.len() > 10, "{} hits", hits.len());
            assert_eq!(hits, find_hits(&set, paras, &spans));
        }
    }

    #[test]
    fn the_fast_form_first_never_changes_a_match() {
        // Boundaries beside letters of other scripts, where the ASCII and the
        // Unicode `\b` disagree: every match is the one the pattern as written
        // gives.
        let long = "The engaging worker tried to engage Zoë; engageé. ".repeat(60);
        let texts = [
            "Naïve attempts to engageé failed; engage, éengage and engage é.",
            "Zoë's mother engaged. ZOË ENGAGE. engageß engage, un éclair",
            // `e` and a combining accent: no boundary between them.
            "Attempts to engage\u{301} her, then to engage him, were noted.",
            long.as_str(),
        ];
        let sources = [
            r"\bengage\b",
            r"\bengage",
            r"engage\b",
            r"\b(?:zo|engage)\w*",
            r"\bé\w*",
            // No literal to start at: searched over the whole paragraph.
            r"(?-u:\w)+age\b",
            r"\bthe\s+(?-u:\w)+",
            r"\b(?-u:\w)*ngag(?-u:\w)*\b",
        ];
        for source in sources {
            let set = rules(&format!("[[rule]]\nid = \"e\"\nany = ['{source}']\n"));
            let exact = regex::RegexBuilder::new(source)
                .case_insensitive(true)
                .build()
                .unwrap();
            for text in texts {
                let want: Vec<String> = exact
                    .find_iter(text)
                    .map(|m| m.as_str().to_owned())
                    .collect();
                let got: Vec<String> = hits_in(&set, &[text]).into_iter().map(|(_, m)| m).collect();
                assert_eq!(got, want, "{source} in {text}");
            }
        }
    }

    #[test]
    fn conditions_over_a_section_read_boundaries_beside_other_letters_exactly() {
        // `engageé` holds no word `engage` (é is a letter), so nothing in the
        // section rules the hit out; `engage é` does.
        let set = rules(
            "[[rule]]\nid = \"s\"\nscope = \"section\"\nany = ['\\bneglect\\b']\nnone = ['\\bengage\\b']\n",
        );
        let ruled_out = |other: &str| hits_in(&set, &["Zoë's neglect was seen.", other]).is_empty();
        assert!(!ruled_out("Zoë would not engageé."));
        assert!(!ruled_out("Zoë would not engage\u{301}."));
        assert!(ruled_out("Zoë would not engage é."));
        assert!(ruled_out("Nobody would engage."));
    }

    #[test]
    fn shortcuts_beside_other_letters_agree_with_the_exact_search() {
        // Rules of every scope with conditions, over paragraphs where the
        // two readings of `\b` disagree: the hits are those of every pattern
        // searched in its form as written.
        let set = rules(concat!(
            "[[rule]]\nid = \"a\"\nany = ['(?-u:\\w)+age(?:d|s)?\\b']\nnone = ['\\bnot\\b']\n",
            "[[rule]]\nid = \"b\"\nscope = \"paragraph\"\nany = ['\\bthe\\s+worker']\nall = ['\\bengag(?-u:\\w)*\\b']\n",
            "[[rule]]\nid = \"c\"\nscope = \"document\"\nany = ['\\bneglect']\nall = ['\\bcafe\\b']\n",
        ));
        let texts = [
            "The worker tried to engage Zoë. She was not engaged.",
            "The worker engageé; the worker engagé; the worker engage\u{301}.",
            "Neglect of Zoë; neglectful; a café, a cafe\u{301}, a cafeé.",
            "Zoë managed; Zoë did not manage; ZOË ENGAGES. Ñeglect.",
            "At the cafe the worker saw neglect.",
        ];
        let paras: Vec<Para> = texts.iter().map(|t| para(t)).collect();
        for n in 1..=paras.len() {
            let (paras, spans) = (&paras[..n], section_spans(&[(1, 0)], n));
            let found = find_hits(&set, paras, &spans);
            assert_eq!(
                found,
                find_hits_exact(&set, paras, &spans),
                "first {n} paragraphs"
            );
        }
        // Read by hand: `engageé`, `engagé` and `engage` with a combining
        // accent hold no word `engag…`, and no `cafe` stands alone before
        // the last paragraph.
        let found: Vec<(String, String)> = hits_in(&set, &texts)
            .into_iter()
            .map(|(rule, text)| (rule, text.to_lowercase()))
            .collect();
        let want = [
            ("b", "the worker"),
            ("a", "engage"),
            ("c", "neglect"),
            ("c", "neglect"),
            ("c", "neglect"),
        ];
        assert_eq!(found, want.map(|(r, t)| (r.to_owned(), t.to_owned())));
    }

    #[test]
    fn a_letter_that_folds_to_ascii_is_not_missed() {
        // `(?i)k` matches the Kelvin sign, which the literal scan cannot see.
        let set = rules("[[rule]]\nid = \"k\"\nany = ['\\bkin\\b']\n");
        assert_eq!(hits_in(&set, &["Her \u{212A}IN were told."]).len(), 1);
        let set = rules("[[rule]]\nid = \"c\"\nany = ['\\bcafé\\b']\n");
        assert_eq!(hits_in(&set, &["Seen at the CAFÉ."]).len(), 1);
        // Nor in a condition over a section.
        let set = rules(
            "[[rule]]\nid = \"s\"\nscope = \"section\"\nany = ['\\bZoë\\b']\nall = ['\\bkin\\b']\n",
        );
        assert_eq!(
            hits_in(&set, &["Zoë was seen.", "Her \u{212A}IN were told."]).len(),
            1
        );
    }

    #[test]
    fn section_spans_include_children() {
        // sections: 0 front (level 1, para 0), 1 Intro (1, p2), 2 Scope (2, p4), 3 Findings (1, p6)
        let spans = section_spans(&[(1, 0), (1, 2), (2, 4), (1, 6)], 9);
        assert_eq!(spans, [0..2, 2..6, 4..6, 6..9]);
    }
}
