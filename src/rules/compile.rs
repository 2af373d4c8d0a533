//! Compiling rules for fast matching.
//!
//! Owns turning [`RawRule`]s into [`Rule`]s: every pattern is compiled with
//! `\b` rewritten to the ASCII boundary `(?-u:\b)`, and, only when a
//! paragraph needs it, as written (Unicode word boundaries). The regex
//! crate's fast DFA engines give up on Unicode word boundaries over
//! non-ASCII text (these documents are full of it), but on text with no
//! non-ASCII *word* character both boundaries are the same, so the fast form
//! is exact there. The [`Prefilter`] reads literals off every `any` pattern
//! so that one pass over a paragraph says which patterns can match in it.
//! Compilation problems (a bad regex, one too big, one that matches the empty
//! string) are reported with file, rule and line.

use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};
use regex_automata::meta;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind};

use super::file::{Example, RawPattern, RawRule, RuleError, Scope, Severity};
use super::literals::LiteralScanner;
use crate::sections::SectionKind;

/// Size limit for one compiled pattern (the regex crate's default is 10 MiB;
/// a pattern beyond it is almost always a mistake such as `\w{1000}`).
const PATTERN_SIZE_LIMIT: usize = 10 * (1 << 20);

/// A compiled pattern.
///
/// It is compiled once, with `\b` as the ASCII word boundary (the form the
/// regex crate's fast engines keep to, and exact on text whose letters and
/// digits are all ASCII); the form as written, with Unicode boundaries, is
/// compiled only if a paragraph with other letters needs it.
#[derive(Debug)]
pub struct Pattern {
    pub source: String,
    pub line: usize,
    case_sensitive: bool,
    fast: meta::Regex,
    exact: OnceLock<meta::Regex>,
    /// Whether every match of the form as written is a match of the fast
    /// form too (see [`Pattern::fast_form_covers`]).
    covered: OnceLock<bool>,
}

impl Clone for Pattern {
    fn clone(&self) -> Self {
        Pattern {
            source: self.source.clone(),
            line: self.line,
            case_sensitive: self.case_sensitive,
            fast: self.fast.clone(),
            exact: self.exact.clone(),
            covered: self.covered.clone(),
        }
    }
}

impl Pattern {
    /// The form to search `text` with: `ascii_words` says the text has no
    /// non-ASCII letter or digit, nor any other character the fast form
    /// leaves out (see `fast_form_of`).
    pub fn regex(&self, ascii_words: bool) -> &meta::Regex {
        if ascii_words {
            return &self.fast;
        }
        self.exact.get_or_init(|| {
            // It compiled in its fast form at load time, and `\b` adds no size;
            // should it still fail, the fast form is the closest there is.
            build_meta(&self.source, self.case_sensitive).unwrap_or_else(|_| self.fast.clone())
        })
    }
}

impl Pattern {
    /// The fast form, on text of any kind: where [`Pattern::fast_form_covers`]
    /// holds, it finds where matches can start, and its match is the answer
    /// wherever no non-ASCII word character touches it.
    pub fn fast(&self) -> &meta::Regex {
        &self.fast
    }

    /// Whether every match of the pattern as written (Unicode `\b`) is a
    /// match of the fast form (ASCII `\b`), so that where the fast form
    /// finds nothing the slower search cannot find anything either. It holds
    /// when each `\b` has, on one side, a character of the match that is an
    /// ASCII letter, digit or `_` (as in `\bneglect(ed|ful)?\b`): a Unicode
    /// boundary there means the other side is no letter of any script, so
    /// no ASCII one either. `\B` turns it round, so a pattern with one is
    /// not covered. Case is read as written, so this holds only on text
    /// without a letter that case-folds to an ASCII one (the Kelvin sign,
    /// the long s), which the scan leaves unfiltered: see
    /// [`Scanned::filtered`].
    pub fn fast_form_covers(&self) -> bool {
        *self.covered.get_or_init(|| {
            // Read as written, case and all: `\bschool` has an ASCII `s`
            // after its boundary, though `(?i)s` also matches the long s
            // (text with such a letter is never searched this way).
            regex_syntax::parse(&self.source).is_ok_and(|hir| boundaries_touch_ascii_words(&hir))
        })
    }
}

/// Whether every `\b` in `hir` stands next to a part of the match that
/// starts (after it) or ends (before it) with an ASCII word character, and
/// there is no `\B`; read conservatively (a boundary anywhere else, such as
/// next to an optional part, says no).
fn boundaries_touch_ascii_words(hir: &Hir) -> bool {
    use regex_syntax::hir::Look;
    match hir.kind() {
        HirKind::Look(Look::WordUnicode | Look::WordUnicodeNegate) => false,
        HirKind::Concat(parts) => parts.iter().enumerate().all(|(i, part)| match part.kind() {
            // What follows the boundary in the sequence, or what precedes it.
            HirKind::Look(Look::WordUnicode) => {
                touches_ascii_word(&parts[i + 1..], Edge::Start)
                    || touches_ascii_word(&parts[..i], Edge::End)
            }
            _ => boundaries_touch_ascii_words(part),
        }),
        HirKind::Alternation(branches) => branches.iter().all(boundaries_touch_ascii_words),
        HirKind::Capture(c) => boundaries_touch_ascii_words(&c.sub),
        HirKind::Repetition(r) => boundaries_touch_ascii_words(&r.sub),
        _ => true,
    }
}

/// Which end of a match [`edge_is_ascii_word`] looks at.
#[derive(Clone, Copy)]
enum Edge {
    Start,
    End,
}

/// Whether a `\b` next to the sequence `parts` (before it for
/// [`Edge::Start`], after it for [`Edge::End`]) always touches an ASCII word
/// character of the match: the sequence never matches empty, and every
/// match has such a character at that edge.
fn touches_ascii_word(parts: &[Hir], edge: Edge) -> bool {
    let (word, never_empty) = sequence_edge(parts, edge);
    word && never_empty
}

/// Reading `parts` from `edge` inwards: whether every non-empty match of
/// the sequence has an ASCII word character at that edge, and whether the
/// sequence always matches something. Parts up to the first that always
/// matches something may each hold the edge character.
fn sequence_edge(parts: &[Hir], edge: Edge) -> (bool, bool) {
    let never_empty = |p: &Hir| p.properties().minimum_len().is_some_and(|n| n > 0);
    for i in 0..parts.len() {
        let part = match edge {
            Edge::Start => &parts[i],
            Edge::End => &parts[parts.len() - 1 - i],
        };
        if !edge_is_ascii_word(part, edge) {
            return (false, false);
        }
        if never_empty(part) {
            return (true, true);
        }
    }
    (true, false)
}

/// Whether every non-empty match of `hir` has an ASCII letter, digit or
/// `_` at `edge` (vacuously for parts that only match empty, such as
/// look-arounds).
fn edge_is_ascii_word(hir: &Hir, edge: Edge) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(l) => match edge {
            Edge::Start => l.0.first().is_some_and(|&b| word(b)),
            Edge::End => l.0.last().is_some_and(|&b| word(b)),
        },
        HirKind::Class(Class::Unicode(c)) => c
            .iter()
            .all(|r| r.end().is_ascii() && (r.start() as u8..=r.end() as u8).all(word)),
        HirKind::Class(Class::Bytes(c)) => c.iter().all(|r| (r.start()..=r.end()).all(word)),
        HirKind::Repetition(r) => edge_is_ascii_word(&r.sub, edge),
        HirKind::Capture(c) => edge_is_ascii_word(&c.sub, edge),
        HirKind::Alternation(branches) => branches.iter().all(|b| edge_is_ascii_word(b, edge)),
        HirKind::Concat(parts) => sequence_edge(parts, edge).0,
    }
}

/// Whether every non-empty match of `hir` starts with an ASCII letter,
/// digit or `_`.
#[cfg(test)]
pub(crate) fn starts_with_ascii_word(hir: &Hir) -> bool {
    edge_is_ascii_word(hir, Edge::Start)
}

fn build_meta(
    source: &str,
    case_sensitive: bool,
) -> Result<meta::Regex, Box<regex_automata::meta::BuildError>> {
    meta::Regex::builder()
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(!case_sensitive))
        .configure(meta_config())
        .build(source)
        .map_err(Box::new)
}

fn meta_config() -> meta::Config {
    // No literal prefilter of its own: the rule set's [`Prefilter`] has
    // already looked for the literals, the haystacks are single paragraphs
    // or sentences (where starting a vector search costs about as much as
    // the lazy DFA's pass), and building one for each of hundreds of
    // patterns made loading the rules a third slower.
    meta::Regex::config()
        .nfa_size_limit(Some(PATTERN_SIZE_LIMIT))
        .auto_prefilter(false)
        // Nor a fully built DFA for the smaller patterns: building them was
        // a tenth of the work of loading the rules, and the lazy DFA
        // searches these short haystacks in as few instructions
        // (cachegrind, 10 MB: 4% fewer in all).
        .dfa(false)
}

/// [`build_meta`]'s regex, from a pattern already parsed (with the case
/// folding it was parsed with): loading the rules parses each pattern once
/// rather than once more for its fast form.
fn build_meta_from(hir: &Hir) -> Result<meta::Regex, Box<regex_automata::meta::BuildError>> {
    meta::Regex::builder()
        .configure(meta_config())
        .build_from_hir(hir)
        .map_err(Box::new)
}

/// The fast form of `hir`, the parse of some `source`: each `\b` and `\B`
/// read as the ASCII boundary, giving the same tree as the parse of
/// [`ascii_boundaries`]`(source)` (a test holds every built-in pattern to
/// that; boundaries already ASCII, and `\b{start}` and its kin, stay as they
/// are, as the rewrite leaves them), and every class without the characters
/// [`is_left_out_of_fast_form`]: normalised text has none, and without them
/// `\s` and the case-folded letters are ASCII, which halves the size of
/// each state of a pattern's automaton (see [`fast_form_may_miss`] for text
/// that has them).
fn fast_form_of(hir: &Hir) -> Hir {
    use regex_syntax::hir::{Capture, Look, Repetition};
    match hir.kind() {
        HirKind::Look(Look::WordUnicode) => Hir::look(Look::WordAscii),
        HirKind::Look(Look::WordUnicodeNegate) => Hir::look(Look::WordAsciiNegate),
        HirKind::Class(Class::Unicode(class)) => {
            let mut narrowed = class.clone();
            narrowed.difference(&LEFT_OUT_OF_FAST_FORM);
            Hir::class(Class::Unicode(narrowed))
        }
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => hir.clone(),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max,
            greedy: r.greedy,
            sub: Box::new(fast_form_of(&r.sub)),
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            index: c.index,
            name: c.name.clone(),
            sub: Box::new(fast_form_of(&c.sub)),
        }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(fast_form_of).collect()),
        HirKind::Alternation(branches) => {
            Hir::alternation(branches.iter().map(fast_form_of).collect())
        }
    }
}

/// Literals read off a pattern: what the prefilter may look for to decide
/// whether and where the pattern can match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Literals {
    /// Every match starts with one of these.
    pub starts: Option<Vec<Vec<u8>>>,
    /// Every match contains a literal of each of these sets:
    /// `\bno\s+record\s+of\b` needs `no`, `record` and `of`; a pattern about
    /// NRM referrals not made needs one of `made`/`considered` and `NRM`.
    pub required: Vec<Vec<Vec<u8>>>,
    /// No match holds a full stop (`.`): every match lies between two
    /// full stops, or the text's ends (see [`Search::Within`]).
    pub full_stop_free: bool,
}

/// The most literal sets a pattern is filtered on (one bit each).
const MAX_FACTORS: usize = 16;

/// Sample review text, embedded at build time, in which the prefilter
/// measures how common each literal is.
static REFERENCE_TEXT: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/reference_text.rs"));

/// A set of literals found more often than once in this many bytes of
/// review prose is in most paragraphs (`the`, `child`, `ation`): looking
/// for it costs time and rules out little.
const COMMON_EVERY: f64 = 2000.0;
/// Anchored searches cost one regex search per place: worth it for
/// prefixes rarer than once in this many bytes (paragraphs run to a few
/// hundred); commoner ones are looked for as required literals and the
/// pattern searched whole. Both figures were set by measuring the matcher's
/// instructions on a generated corpus.
const ANCHOR_EVERY: f64 = 300.0;

/// Bytes taken from the middle of each sample review (body prose, not cover
/// or contents): enough to tell a literal found once in a few hundred
/// bytes from one found once in thousands, and quick to scan each time a
/// rule set is loaded.
const REFERENCE_SAMPLE: usize = 16 * 1024;

/// About `len` bytes from the middle of `text`, on character boundaries.
fn middle(text: &str, len: usize) -> &str {
    let mut start = text.len().saturating_sub(len) / 2;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let mut end = (start + len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[start..end.max(start)]
}

/// How often literals occur in the reference text (per byte, ASCII case
/// folded, overlaps counted).
struct Commonness {
    per_byte: std::collections::HashMap<Vec<u8>, f64>,
}

impl Commonness {
    fn measure<'a>(literals: impl Iterator<Item = &'a [u8]>, reference: &[&str]) -> Commonness {
        let mut unique: Vec<Vec<u8>> = literals.map(<[u8]>::to_ascii_lowercase).collect();
        unique.sort();
        unique.dedup();
        let mut counts = vec![0usize; unique.len()];
        let total: usize = reference.iter().map(|t| t.len()).sum();
        if let Ok(ac) = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&unique)
        {
            for text in reference {
                for m in ac.find_overlapping_iter(*text) {
                    counts[m.pattern().as_usize()] += 1;
                }
            }
        }
        let per_byte = unique
            .into_iter()
            .zip(counts)
            .map(|(l, c)| (l, c as f64 / total.max(1) as f64))
            .collect();
        Commonness { per_byte }
    }

    /// Occurrences per byte of any literal of the set.
    fn of(&self, set: &[Vec<u8>]) -> f64 {
        set.iter()
            .map(|l| {
                self.per_byte
                    .get(&l.to_ascii_lowercase())
                    .copied()
                    .unwrap_or(0.0)
            })
            .sum()
    }

    /// What to look for of a pattern's literals: the prefixes, if rare
    /// enough to anchor on; every required set that is not common; and, if
    /// that leaves nothing, the rarest set there is (it still rules out some
    /// paragraphs).
    fn plan(&self, literals: &Literals) -> Literals {
        let starts = literals
            .starts
            .clone()
            .filter(|s| self.of(s) * ANCHOR_EVERY <= 1.0);
        let mut sets: Vec<(f64, &Vec<Vec<u8>>)> = literals
            .required
            .iter()
            .chain(literals.starts.iter().filter(|_| starts.is_none()))
            .filter(|set| Some(*set) != starts.as_ref())
            .map(|set| (self.of(set), set))
            .collect();
        sets.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        sets.dedup_by(|a, b| a.1 == b.1);
        let rarest = sets.first().map(|(_, set)| (*set).clone());
        let mut required: Vec<Vec<Vec<u8>>> = sets
            .into_iter()
            .filter(|(rate, _)| rate * COMMON_EVERY <= 1.0)
            .map(|(_, set)| set.clone())
            .collect();
        if required.is_empty() && starts.is_none() {
            required.extend(rarest);
        }
        required.truncate(MAX_FACTORS - 1);
        Literals {
            starts,
            required,
            full_stop_free: literals.full_stop_free,
        }
    }
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub theme: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub any: Vec<Pattern>,
    pub all: Vec<Pattern>,
    pub none: Vec<Pattern>,
    pub scope: Scope,
    /// Section kinds the rule may fire in; empty means all.
    pub sections: Vec<SectionKind>,
    pub case_sensitive: bool,
    pub lint: bool,
    pub severity: Severity,
    pub message: Option<String>,
    pub suggestion: Option<String>,
    pub examples: Vec<Example>,
    /// Rules of one group are mutually exclusive in a sentence; the highest
    /// priority wins.
    pub group: Option<String>,
    pub priority: i64,
    /// Fewest `any` matches in a scope unit for the rule to fire there.
    pub min_matches: usize,
    pub file: String,
    pub line: usize,
}

impl Rule {
    /// Whether the rule may fire in a section of this kind.
    pub fn allows(&self, kind: SectionKind) -> bool {
        self.sections.is_empty() || self.sections.contains(&kind)
    }

    /// What `lint` says about a hit.
    pub fn lint_message(&self) -> String {
        self.message
            .clone()
            .or_else(|| self.name.clone())
            .or_else(|| self.description.clone())
            .unwrap_or_else(|| format!("matches rule {}", self.id))
    }
}

/// One scan of a paragraph for every rule's `any` patterns.
///
/// Every match of a pattern contains a literal of each of a few sets that
/// regex-syntax can read off the pattern (`neglect` for
/// `\bneglect(ed|ful)?\b`; `made` or `considered`, and `NRM`, for a pattern
/// about NRM referrals not made), and may start with one of another set. One
/// Aho-Corasick automaton over all those literals (ASCII case-insensitive)
/// tells in one pass which patterns can match in a paragraph (those with a
/// literal of every set present) and, for those whose matches start with
/// their literals, where. Only those patterns run, and the latter only as
/// anchored searches at those places. Literals are what every match
/// contains whatever the kind of word boundary, so this holds for text with
/// other letters too (searched with the patterns as written), with two
/// exceptions Unicode case folding makes: a literal with a non-ASCII letter
/// (`é` would miss `É`) is taken as present in such text, and text with a
/// character that folds to an ASCII letter (the Kelvin sign `K` to `k`, the
/// long `ſ` to `s`) runs every pattern, as does text with white space other
/// than ASCII, which the patterns' fast forms leave out (text reaches the
/// matcher normalised, without it).
#[derive(Debug, Clone)]
pub struct Prefilter {
    literals: Option<LiteralScanner>,
    /// For each group of literals the scanner reports (see
    /// [`LiteralScanner::each_end`]), the range of `targets` it stands for:
    /// those of every literal of the group.
    group_targets: Vec<Range<usize>>,
    /// The first of each group's `targets`: those that place (see
    /// [`GroupTarget::places`]).
    group_places: Vec<Range<usize>>,
    targets: Vec<GroupTarget>,
    /// For each pattern: the bits of all its literal sets.
    need: Vec<u32>,
    /// For each pattern: where its literals say to search it.
    placing: Vec<Placing>,
    /// `any` patterns with no literal to look for.
    always: Vec<usize>,
    /// Patterns (`any` and conditions) with a literal that has a non-ASCII
    /// byte: ASCII case folding may miss it in text with non-ASCII letters.
    unicode_literals: Vec<usize>,
    /// For each pattern: whether it is in `unicode_literals`.
    has_unicode_literal: Vec<bool>,
    /// For pattern index `i`: (rule index, index into that rule's `any`).
    pub owners: Vec<(usize, usize)>,
    /// Per rule: the pattern index of its first `all` pattern; its `all`
    /// patterns and then its `none` patterns follow. These are looked for
    /// too (never anchored, never searched by the scan), so that a
    /// paragraph without their literals needs no search for them.
    condition_base: Vec<usize>,
}

/// The patterns of one rule as written, which is all the [`Prefilter`]
/// reads: its `any` patterns, then its `all` and its `none` patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternSources {
    pub any: Vec<String>,
    pub conditions: Vec<String>,
}

impl PatternSources {
    pub fn of(rule: &Rule) -> PatternSources {
        let sources = |patterns: &[Pattern]| patterns.iter().map(|p| p.source.clone()).collect();
        PatternSources {
            any: sources(&rule.any),
            conditions: [sources(&rule.all), sources(&rule.none)].concat(),
        }
    }

    pub fn of_raw(rule: &RawRule) -> PatternSources {
        let sources = |patterns: &[RawPattern]| patterns.iter().map(|p| p.text.clone()).collect();
        PatternSources {
            any: sources(&rule.any),
            conditions: [sources(&rule.all), sources(&rule.none)].concat(),
        }
    }
}

/// What finding one literal says: pattern `pattern` has literal set `bit`
/// present, and (if `start`) may match from here.
#[derive(Debug, Clone, Copy)]
struct Target {
    pattern: usize,
    bit: u32,
    start: bool,
}

/// What finding a group of literals ending somewhere says: one [`Target`]
/// of one of its literals, which starts `len` bytes before.
#[derive(Debug, Clone, Copy)]
struct GroupTarget {
    pattern: u32,
    bit: u32,
    len: u32,
    /// Whether it tells where the pattern is searched, once all its sets
    /// are found: a start to anchor on, or a literal of a pattern searched
    /// between full stops (in text with only ASCII letters).
    places: bool,
}

/// How a candidate's literals, once found, say where to search it (in text
/// with only ASCII letters: see [`Prefilter::add_candidates`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placing {
    /// Its matches start with its literals: anchored there.
    Anchored,
    /// No match holds a full stop: between those around its literals.
    Bounded,
    /// The whole paragraph.
    Whole,
}

/// Files the literals of `pattern`'s sets under each literal (ASCII
/// lowercased, as the automaton compares), one bit per set (`true`: a set of
/// prefixes to anchor on); returns the bits of all its sets.
fn add_targets<'a>(
    by_literal: &mut std::collections::BTreeMap<Vec<u8>, Vec<Target>>,
    pattern: usize,
    sets: impl Iterator<Item = (&'a Vec<Vec<u8>>, bool)>,
) -> u32 {
    let mut bits = 0u32;
    for (k, (set, start)) in sets.enumerate() {
        let bit = 1u32 << k;
        bits |= bit;
        for lit in set {
            by_literal
                .entry(lit.to_ascii_lowercase())
                .or_default()
                .push(Target {
                    pattern,
                    bit,
                    start,
                });
        }
    }
    bits
}

/// Where a pattern must be searched in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// The whole paragraph.
    Whole,
    /// Only these bytes of it, where every match must lie: the pattern
    /// cannot match a full stop, and every match holds one of the literals
    /// found, so it lies between the full stops (or the paragraph's ends)
    /// around the literals found. Look-arounds still see the bytes outside.
    Within(Range<usize>),
    /// Anchored at these byte offsets (ascending, distinct).
    At(Vec<usize>),
}

/// [`Search`] as a [`Scan`] hands it out, borrowing its offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place<'a> {
    Whole,
    Within(Range<usize>),
    At(&'a [usize]),
}

/// [`Place`] as a [`Scan`] keeps it: anchored places are a range of its
/// offsets.
#[derive(Debug, Clone)]
enum Kept {
    Whole,
    Within(Range<usize>),
    At(Range<usize>),
}

/// Working memory for [`Prefilter::scan_into`] and [`Prefilter::scan_more`],
/// and their answers: one paragraph's, or those of several scanned one
/// after another (each described by its [`Scanned`]).
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Per pattern: the bits of the literal sets found so far (all zero
    /// between scans).
    found: Vec<u32>,
    /// Patterns with a bit set.
    touched: Vec<usize>,
    /// Room for `touched` to be written in without a branch (see
    /// [`Prefilter::add_candidates`]).
    first_touched: Vec<usize>,
    /// Every place literals were found: (group, end), in no particular
    /// order (see [`LiteralScanner::each_end`]).
    literal_hits: Vec<(usize, usize)>,
    /// (pattern, start) for the anchored candidates.
    starts: Vec<(usize, usize)>,
    /// Per pattern: the first start and the last end of its literals found,
    /// for candidates searched within full stops (`(usize::MAX, 0)`
    /// between scans).
    spans: Vec<(usize, usize)>,
    /// The candidates, ascending within a paragraph: pattern, and where to
    /// search it.
    candidates: Vec<(usize, Kept)>,
    offsets: Vec<usize>,
    /// `all` and `none` patterns with literals to look for whose literals
    /// are all present (ascending within a paragraph), unless the
    /// paragraph's `every_condition`.
    conditions: Vec<usize>,
    /// What the last paragraph scanned added.
    last: Scanned,
}

/// One paragraph's part of a [`Scan`].
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    candidates: Range<usize>,
    conditions: Range<usize>,
    every_condition: bool,
}

impl Scanned {
    /// The positions of the paragraph's candidates among all those of its
    /// [`Scan`] (see [`Scan::candidate_count`]), in the order
    /// [`Scan::candidates_in`] gives them.
    pub fn candidate_ids(&self) -> Range<usize> {
        self.candidates.clone()
    }

    /// Whether any pattern may match in the paragraph.
    pub fn has_candidates(&self) -> bool {
        !self.candidates.is_empty()
    }

    /// Whether the literals ruled patterns out in the paragraph (false
    /// where a character the fast forms leave out, a letter that case-folds
    /// to an ASCII one or white space other than ASCII, made every pattern a
    /// candidate, to be searched in its form as written).
    pub fn filtered(&self) -> bool {
        !self.every_condition
    }
}

impl Scan {
    /// Forgets every paragraph scanned (keeping the memory).
    pub fn clear(&mut self) {
        self.candidates.clear();
        self.offsets.clear();
        self.conditions.clear();
        self.last = Scanned::default();
    }

    /// Frees the working memory of the scans, keeping their answers (for
    /// a scan that is kept while others are made).
    pub fn release_working_memory(&mut self) {
        self.found = Vec::new();
        self.touched = Vec::new();
        self.first_touched = Vec::new();
        self.literal_hits = Vec::new();
        self.starts = Vec::new();
        self.spans = Vec::new();
    }

    /// The patterns that may match in the paragraph last scanned (ascending
    /// index into [`Prefilter::owners`]), each with where to search it (see
    /// [`Search`]).
    pub fn candidates(&self) -> impl Iterator<Item = (usize, Place<'_>)> + '_ {
        self.candidates_in(&self.last)
    }

    /// How many candidates the paragraphs scanned into this scan have in
    /// all: each has a position below this (see [`Scanned::candidate_ids`]).
    pub fn candidate_count(&self) -> usize {
        self.candidates.len()
    }

    /// [`Scan::candidates`] of the paragraph `scanned` describes.
    pub fn candidates_in<'a>(
        &'a self,
        scanned: &Scanned,
    ) -> impl Iterator<Item = (usize, Place<'a>)> + 'a {
        self.candidates[scanned.candidates.clone()]
            .iter()
            .map(|(i, kept)| {
                let place = match kept {
                    Kept::Whole => Place::Whole,
                    Kept::Within(bytes) => Place::Within(bytes.clone()),
                    Kept::At(r) => Place::At(&self.offsets[r.clone()]),
                };
                (*i, place)
            })
    }

    /// Whether the literals of the `all` or `none` pattern numbered
    /// `condition` were all found in the paragraph `scanned` describes (a
    /// condition with no literal to look for is never listed: see
    /// [`Prefilter::may_match_in`]).
    fn literals_found(&self, scanned: &Scanned, condition: usize) -> bool {
        scanned.every_condition
            || self.conditions[scanned.conditions.clone()]
                .binary_search(&condition)
                .is_ok()
    }
}

impl Prefilter {
    pub fn empty() -> Prefilter {
        Prefilter {
            literals: None,
            group_targets: Vec::new(),
            group_places: Vec::new(),
            targets: Vec::new(),
            need: Vec::new(),
            placing: Vec::new(),
            always: Vec::new(),
            unicode_literals: Vec::new(),
            has_unicode_literal: Vec::new(),
            owners: Vec::new(),
            condition_base: Vec::new(),
        }
    }

    /// [`Prefilter::build_from`] the patterns of compiled rules (tests
    /// build it from rule sets of their own).
    #[cfg(test)]
    fn build(rules: &[Rule]) -> Result<Prefilter, String> {
        Prefilter::build_from(&rules.iter().map(PatternSources::of).collect::<Vec<_>>())
    }

    /// The prefilter of a rule set, from its rules' patterns as written, one
    /// entry per rule: it needs no compiled pattern, so it can be built
    /// while the patterns compile.
    pub fn build_from(rules: &[PatternSources]) -> Result<Prefilter, String> {
        let reference: Vec<&str> = REFERENCE_TEXT
            .iter()
            .map(|(_, text)| middle(text, REFERENCE_SAMPLE))
            .collect();
        Prefilter::build_with_reference(rules, &reference)
    }

    /// [`Prefilter::build_from`], measuring how common literals are in
    /// `reference`.
    pub fn build_with_reference(
        rules: &[PatternSources],
        reference: &[&str],
    ) -> Result<Prefilter, String> {
        use rayon::prelude::*;
        // Reading literals off hundreds of patterns is most of the build:
        // spread over the cores, as compiling them is.
        let read: Vec<Vec<Literals>> = rules
            .par_iter()
            .map(|r| r.any.iter().map(|p| literals_of(p)).collect())
            .collect();
        let read_conditions: Vec<Vec<Literals>> = rules
            .par_iter()
            .map(|r| r.conditions.iter().map(|p| literals_of(p)).collect())
            .collect();
        let commonness = Commonness::measure(
            read.iter()
                .chain(&read_conditions)
                .flatten()
                .flat_map(|l| l.starts.iter().chain(&l.required))
                .flatten()
                .map(Vec::as_slice),
            reference,
        );
        let mut owners = Vec::new();
        let mut need = Vec::new();
        let mut placing = Vec::new();
        let mut always = Vec::new();
        let mut has_unicode_literal = Vec::new();
        // Literal (ASCII-lowercased, as the automaton compares) → targets.
        let mut by_literal: std::collections::BTreeMap<Vec<u8>, Vec<Target>> =
            std::collections::BTreeMap::new();
        for (r, rule_literals) in read.iter().enumerate() {
            for (a, literals) in rule_literals.iter().enumerate() {
                let pattern = owners.len();
                owners.push((r, a));
                let plan = commonness.plan(literals);
                let sets = plan
                    .starts
                    .iter()
                    .map(|set| (set, true))
                    .chain(plan.required.iter().map(|set| (set, false)));
                has_unicode_literal.push(
                    plan.starts
                        .iter()
                        .chain(&plan.required)
                        .any(|set| !all_ascii(set)),
                );
                let bits = add_targets(&mut by_literal, pattern, sets);
                if bits == 0 {
                    always.push(pattern);
                }
                need.push(bits);
                placing.push(if plan.starts.is_some() {
                    Placing::Anchored
                } else if plan.full_stop_free {
                    Placing::Bounded
                } else {
                    Placing::Whole
                });
            }
        }
        // `all` and `none` patterns: every literal set is required, prefixes
        // included, and none is anchored on.
        let mut condition_base = Vec::with_capacity(rules.len());
        for rule_literals in &read_conditions {
            condition_base.push(need.len());
            for literals in rule_literals {
                let pattern = need.len();
                // Only rare sets: a condition with nothing rare to look for
                // is searched as before, rather than making the scan report
                // every `should` or `not`.
                let mut required: Vec<&Vec<Vec<u8>>> = literals
                    .required
                    .iter()
                    .chain(&literals.starts)
                    .filter(|set| commonness.of(set) * COMMON_EVERY <= 1.0)
                    .collect();
                required.sort();
                required.dedup();
                required.truncate(MAX_FACTORS - 1);
                has_unicode_literal.push(required.iter().any(|set| !all_ascii(set)));
                let bits = add_targets(
                    &mut by_literal,
                    pattern,
                    required.into_iter().map(|set| (set, false)),
                );
                // A condition with nothing to look for is not listed in
                // each paragraph's answer: `may_match_in` knows it may match.
                need.push(bits);
                placing.push(Placing::Whole);
            }
        }
        let (literals, literal_targets): (Vec<Vec<u8>>, Vec<Vec<Target>>) =
            by_literal.into_iter().unzip();
        let mut group_targets = Vec::new();
        let mut group_places = Vec::new();
        let mut targets = Vec::new();
        let literals = if literals.is_empty() {
            None
        } else {
            let scanner = LiteralScanner::build(&literals).map_err(|e| e.to_string())?;
            let too_many = |_| "too many literals in the rules' patterns".to_string();
            for group in 0..scanner.groups() {
                let first = targets.len();
                for &literal in scanner.literals_of(group) {
                    let len = u32::try_from(literals[literal].len()).map_err(too_many)?;
                    for t in &literal_targets[literal] {
                        let places = match placing[t.pattern] {
                            Placing::Anchored => t.start,
                            Placing::Bounded => true,
                            Placing::Whole => false,
                        };
                        targets.push(GroupTarget {
                            pattern: u32::try_from(t.pattern).map_err(too_many)?,
                            bit: t.bit,
                            len,
                            places,
                        });
                    }
                }
                // Those that place first: collecting places reads only them.
                targets[first..].sort_by_key(|t| !t.places);
                let placing_end = first + targets[first..].iter().filter(|t| t.places).count();
                group_targets.push(first..targets.len());
                group_places.push(first..placing_end);
            }
            Some(scanner)
        };
        let unicode_literals = (0..has_unicode_literal.len())
            .filter(|&i| has_unicode_literal[i])
            .collect();
        Ok(Prefilter {
            literals,
            group_targets,
            group_places,
            targets,
            need,
            placing,
            always,
            unicode_literals,
            has_unicode_literal,
            owners,
            condition_base,
        })
    }

    /// Whether the `all` or `none` pattern numbered `condition` (see
    /// [`Prefilter::condition`]) may match in the paragraph `scanned`
    /// describes: if not, it cannot match in any part of it either.
    pub fn may_match_in(&self, scan: &Scan, scanned: &Scanned, condition: usize) -> bool {
        self.need.get(condition) == Some(&0) || scan.literals_found(scanned, condition)
    }

    /// [`Prefilter::may_match_in`] the paragraph last scanned into `scan`.
    #[cfg(test)]
    fn may_match(&self, scan: &Scan, condition: usize) -> bool {
        self.may_match_in(scan, &scan.last, condition)
    }

    /// The pattern index of condition `k` of rule `rule`: its `all`
    /// patterns are numbered first, then its `none` patterns.
    pub fn condition(&self, rule: usize, k: usize) -> usize {
        self.condition_base.get(rule).map_or(usize::MAX, |b| b + k)
    }

    /// The patterns that may match in `text` (ascending index into
    /// `owners`) and where to search each. `ascii_words` says the text has
    /// no non-ASCII word character (false is always safe).
    pub fn scan(&self, text: &str, ascii_words: bool) -> Vec<(usize, Search)> {
        let mut scan = Scan::default();
        self.scan_into(text, ascii_words, &mut scan);
        scan.candidates()
            .map(|(i, place)| {
                let search = match place {
                    Place::Whole => Search::Whole,
                    Place::Within(bytes) => Search::Within(bytes),
                    Place::At(at) => Search::At(at.to_vec()),
                };
                (i, search)
            })
            .collect()
    }

    /// [`Prefilter::scan`] into reusable working memory: nothing is
    /// allocated once the buffers have grown to a paragraph's needs.
    pub fn scan_into(&self, text: &str, ascii_words: bool, scan: &mut Scan) {
        scan.clear();
        self.scan_more(text, ascii_words, scan);
    }

    /// Scans one more paragraph into `scan`, keeping what earlier ones
    /// found, and says where its answer is. Matching scans all the
    /// paragraphs of a document before searching any of them: the
    /// literal automaton and the patterns' own automata then do not evict
    /// each other from the processor's caches paragraph by paragraph.
    pub fn scan_more(&self, text: &str, ascii_words: bool, scan: &mut Scan) -> Scanned {
        // A character that case-folds to an ASCII letter defeats the
        // literals, and the fast forms leave it out, as they leave out white
        // space other than ASCII (both rare enough, and the latter absent
        // from normalised text, to search every pattern as written where
        // they appear).
        if !ascii_words && fast_form_may_miss(text) {
            return self.scan_nothing_filtered(scan);
        }
        let first_candidate = scan.candidates.len();
        let first_condition = scan.conditions.len();
        self.add_candidates(text, ascii_words, scan);
        scan.last = Scanned {
            candidates: first_candidate..scan.candidates.len(),
            conditions: first_condition..scan.conditions.len(),
            every_condition: false,
        };
        scan.last.clone()
    }

    /// Adds a paragraph to `scan` as if no literal had been looked for:
    /// every pattern searched whole, every condition tested (what the scan
    /// must agree with wherever it filters).
    pub(crate) fn scan_nothing_filtered(&self, scan: &mut Scan) -> Scanned {
        let first_candidate = scan.candidates.len();
        scan.candidates
            .extend((0..self.owners.len()).map(|i| (i, Kept::Whole)));
        scan.last = Scanned {
            candidates: first_candidate..scan.candidates.len(),
            conditions: scan.conditions.len()..scan.conditions.len(),
            every_condition: true,
        };
        scan.last.clone()
    }

    /// The literal scan of a paragraph; `ascii_words` says it has no
    /// non-ASCII word character (false is always safe).
    fn add_candidates(&self, text: &str, ascii_words: bool, scan: &mut Scan) {
        scan.found.resize(self.need.len(), 0);
        scan.touched.clear();
        scan.literal_hits.clear();
        if let Some(scanner) = &self.literals {
            // Found first, then filed: the walk's loop stays small.
            scanner.each_end(text.as_bytes(), |group, end| {
                scan.literal_hits.push((group, end));
            });
            // Without branches: whether a pattern is touched for the first
            // time is a coin toss the processor cannot predict. Each is
            // written at the end of those so far, which moves past it only
            // the first time (room for one past every pattern).
            let first_touched = &mut scan.first_touched;
            first_touched.resize(first_touched.len().max(self.need.len() + 1), 0);
            let mut touched = 0;
            for &(group, _) in &scan.literal_hits {
                for t in &self.targets[self.group_targets[group].clone()] {
                    let pattern = t.pattern as usize;
                    let f = scan.found[pattern];
                    first_touched[touched] = pattern;
                    touched += usize::from(f == 0);
                    scan.found[pattern] = f | t.bit;
                }
            }
            scan.touched.extend_from_slice(&first_touched[..touched]);
        }
        // Among other letters, a literal with a non-ASCII letter may be
        // there in another case: taken as present, and not anchored on.
        let unicode_words = !ascii_words;
        if unicode_words {
            for &i in &self.unicode_literals {
                if scan.found[i] == 0 {
                    scan.touched.push(i);
                }
                scan.found[i] = self.need[i];
            }
        }
        // Where a literal of a pattern may be present without having been
        // found, its literals say nothing of where it matches.
        let placing = |i: usize| {
            if unicode_words && self.has_unicode_literal[i] {
                Placing::Whole
            } else {
                self.placing[i]
            }
        };
        // Which patterns have every literal set present (their bits stay
        // set until the end, for the places below); the others' bits are
        // cleared. Without branches too: each is written over the last one
        // not kept.
        let mut placed_candidates = false;
        let mut kept = 0;
        for k in 0..scan.touched.len() {
            let i = scan.touched[k];
            let complete = scan.found[i] == self.need[i];
            scan.found[i] &= if complete { u32::MAX } else { 0 };
            scan.touched[kept] = i;
            kept += usize::from(complete);
            placed_candidates |= complete && placing(i) != Placing::Whole;
        }
        scan.touched.truncate(kept);
        // Places where an anchored candidate's literal starts, and the span
        // of the literals of a bounded one (see `Search::Within`).
        scan.starts.clear();
        scan.spans.resize(self.need.len(), NO_SPAN);
        if placed_candidates {
            for &(group, end) in &scan.literal_hits {
                for t in &self.targets[self.group_places[group].clone()] {
                    let pattern = t.pattern as usize;
                    if scan.found[pattern] == 0 {
                        continue;
                    }
                    let offset = end - t.len as usize;
                    match placing(pattern) {
                        Placing::Anchored => scan.starts.push((pattern, offset)),
                        Placing::Bounded => {
                            let span = &mut scan.spans[pattern];
                            span.0 = span.0.min(offset);
                            span.1 = span.1.max(end);
                        }
                        Placing::Whole => {}
                    }
                }
            }
            scan.starts.sort_unstable();
            scan.starts.dedup();
        }
        for &i in &scan.touched {
            scan.found[i] = 0;
        }
        scan.touched.extend_from_slice(&self.always);
        scan.touched.sort_unstable();
        scan.touched.dedup();
        let mut next_start = 0;
        for &i in &scan.touched {
            if i >= self.owners.len() {
                scan.conditions.push(i);
                continue;
            }
            if placing(i) != Placing::Anchored {
                let span = std::mem::replace(&mut scan.spans[i], NO_SPAN);
                let place = if span == NO_SPAN {
                    Kept::Whole
                } else {
                    Kept::Within(between_full_stops(text, span))
                };
                scan.candidates.push((i, place));
                continue;
            }
            // `starts` is sorted by pattern: skip to this one's.
            while scan.starts.get(next_start).is_some_and(|&(p, _)| p < i) {
                next_start += 1;
            }
            let first = scan.offsets.len();
            while let Some(&(p, offset)) = scan.starts.get(next_start) {
                if p != i {
                    break;
                }
                scan.offsets.push(offset);
                next_start += 1;
            }
            scan.candidates
                .push((i, Kept::At(first..scan.offsets.len())));
        }
    }

    /// Indices of the patterns that may match in `text`.
    pub fn candidates(&self, text: &str, ascii_words: bool) -> Vec<usize> {
        self.scan(text, ascii_words)
            .into_iter()
            .map(|(i, _)| i)
            .collect()
    }

    /// `any` patterns that always run (no literal to look for).
    pub fn unfiltered(&self) -> usize {
        self.always
            .iter()
            .filter(|&&i| i < self.owners.len())
            .count()
    }
}

/// An empty span of literals found (see [`Scan::spans`]).
const NO_SPAN: (usize, usize) = (usize::MAX, 0);

/// The bytes of `text` from just after the last full stop before `span`
/// to the first one after it (or the text's ends): where a match that
/// holds no full stop, and holds a literal in `span`, must lie.
fn between_full_stops(text: &str, (start, end): (usize, usize)) -> Range<usize> {
    let bytes = text.as_bytes();
    let from = memchr::memrchr(b'.', &bytes[..start]).map_or(0, |i| i + 1);
    let to = memchr::memchr(b'.', &bytes[end..]).map_or(bytes.len(), |i| end + i);
    from..to
}

/// Whether every literal of a set is ASCII (ASCII case folding then finds
/// it whatever its case).
fn all_ascii(set: &[Vec<u8>]) -> bool {
    set.iter().all(|l| l.is_ascii())
}

/// Whether `text` has a character the fast form of a pattern leaves out of
/// its classes (see [`is_left_out_of_fast_form`]), where it can miss what
/// the form as written finds: such text is searched in the form as written
/// only, every pattern a candidate.
pub(crate) fn fast_form_may_miss(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(is_left_out_of_fast_form)
}

/// A character the fast form of a pattern leaves out of its classes: white
/// space other than ASCII (which normalising makes a space) and a letter
/// that is not ASCII but matches an ASCII one when case is ignored (the
/// Kelvin sign and the long s, which never reach the fast form: see
/// [`Scanned::filtered`]). Without them `\s` and `(?i)k` are ASCII classes.
pub(crate) fn is_left_out_of_fast_form(c: char) -> bool {
    !c.is_ascii() && (c.is_whitespace() || folds_to_ascii_letter(c))
}

/// [`is_left_out_of_fast_form`] as a class, read off the regex parser's own
/// `\s` and case folding.
static LEFT_OUT_OF_FAST_FORM: LazyLock<ClassUnicode> = LazyLock::new(|| {
    let mut left_out = ClassUnicode::empty();
    for class in [r"\s", "(?i)[a-zA-Z]"] {
        if let Ok(hir) = regex_syntax::parse(class) {
            if let HirKind::Class(Class::Unicode(c)) = hir.kind() {
                left_out.union(c);
            }
        }
    }
    left_out.difference(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7f')]));
    left_out
});

/// Whether `c` is not ASCII but matches an ASCII letter when case is
/// ignored (the Kelvin sign and the long s): the letters Unicode case
/// folding joins to ASCII ones, read off the regex parser's own folding.
fn folds_to_ascii_letter(c: char) -> bool {
    static FOLDED: LazyLock<Vec<char>> = LazyLock::new(|| {
        let Ok(hir) = regex_syntax::parse("(?i)[a-zA-Z]") else {
            return Vec::new();
        };
        match hir.kind() {
            HirKind::Class(Class::Unicode(letters)) => letters
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .filter(|c| !c.is_ascii())
                .collect(),
            _ => Vec::new(),
        }
    });
    !c.is_ascii() && FOLDED.contains(&c)
}

/// Literals one of which every match of `source` contains, as written (case
/// is folded when searching); `None` when there is no finite set of
/// non-empty literals. Of all such sets (the match's prefixes or suffixes, or
/// those of any part the pattern requires, such as `record` in
/// `\bno\s+record\s+of\b`), the one whose shortest literal is longest wins:
/// `no` or `of` would be found in every paragraph.
#[cfg(test)]
fn necessary_literals(source: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(source)
        .ok()?;
    necessary(&hir).map(|lits| lits.into_iter().collect())
}

/// How useful a literal set is as a filter: longer shortest literal first,
/// then fewer literals.
fn usefulness(lits: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = lits.iter().map(Vec::len).min().unwrap_or(0);
    (shortest.min(8), std::cmp::Reverse(lits.len()))
}

fn better(a: Option<Vec<Vec<u8>>>, b: Option<Vec<Vec<u8>>>) -> Option<Vec<Vec<u8>>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if usefulness(&b) > usefulness(&a) {
            b
        } else {
            a
        }),
        (a, b) => a.or(b),
    }
}

/// Prefix or suffix literals of a whole sub-pattern.
fn extracted(hir: &Hir, kind: ExtractKind) -> Option<Vec<Vec<u8>>> {
    let mut extractor = Extractor::new();
    extractor.kind(kind);
    let seq = extractor.extract(hir);
    let lits = seq.literals()?;
    (!lits.is_empty() && lits.iter().all(|l| !l.as_bytes().is_empty()))
        .then(|| lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// The most useful set of literals every match of `hir` contains.
fn necessary(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    let whole = better(
        extracted(hir, ExtractKind::Prefix),
        extracted(hir, ExtractKind::Suffix),
    );
    match hir.kind() {
        HirKind::Capture(c) => better(whole, necessary(&c.sub)),
        HirKind::Repetition(r) if r.min >= 1 => better(whole, necessary(&r.sub)),
        // Every part of a sequence is required: any part's literals will do.
        HirKind::Concat(parts) => parts.iter().map(necessary).fold(whole, better),
        // Some branch matches: the union of what each branch requires.
        HirKind::Alternation(branches) => {
            let mut union = Vec::new();
            for b in branches {
                union.extend(necessary(b)?);
            }
            better(whole, Some(union))
        }
        _ => whole,
    }
}

/// Compiles raw rules; problems go to `errors`, and rules with problems are
/// left out. Rules compile in parallel (building hundreds of regexes is most
/// of the time a run takes to start); rules and problems keep their order.
pub fn compile(raw: Vec<RawRule>, errors: &mut Vec<RuleError>) -> Vec<Rule> {
    use rayon::prelude::*;
    let compiled: Vec<Result<Rule, Vec<RuleError>>> =
        raw.into_par_iter().map(compile_rule).collect();
    let mut out = Vec::with_capacity(compiled.len());
    for c in compiled {
        match c {
            Ok(rule) => out.push(rule),
            Err(mut problems) => errors.append(&mut problems),
        }
    }
    out
}

/// Compiles one rule, or says everything wrong with its patterns.
fn compile_rule(r: RawRule) -> Result<Rule, Vec<RuleError>> {
    let mut errors = Vec::new();
    let mut patterns = |list: &[RawPattern], key: &str| -> Vec<Pattern> {
        list.iter()
            .filter_map(
                |p| match compile_pattern(p, r.case_sensitive, key == "any") {
                    Ok(c) => Some(c),
                    Err(message) => {
                        errors.push(RuleError {
                            file: r.file.clone(),
                            rule: Some(r.id.clone()),
                            line: p.line,
                            message: format!("bad regex in `{key}`: {message}"),
                        });
                        None
                    }
                },
            )
            .collect()
    };
    let any = patterns(&r.any, "any");
    let all = patterns(&r.all, "all");
    let none = patterns(&r.none, "none");
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Rule {
        theme: r.theme.clone().unwrap_or_else(|| r.id.clone()),
        id: r.id,
        name: r.name,
        description: r.description,
        category: r.category,
        any,
        all,
        none,
        scope: r.scope,
        sections: r.sections,
        case_sensitive: r.case_sensitive,
        lint: r.lint,
        severity: r.severity,
        message: r.message,
        suggestion: r.suggestion,
        examples: r.examples,
        group: r.group,
        priority: r.priority,
        min_matches: r.min_matches,
        file: r.file,
        line: r.line,
    })
}

fn compile_pattern(p: &RawPattern, case_sensitive: bool, is_any: bool) -> Result<Pattern, String> {
    // Parse first: syntax errors read best from the parser.
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(!case_sensitive)
        .build()
        .parse(&p.text)
        .map_err(|e| one_line(&e.to_string()))?;
    if is_any && hir.properties().minimum_len() == Some(0) {
        // A pattern that can match nothing would fire in every sentence.
        return Err("it can match the empty string, so it would fire everywhere; require at least one character".to_owned());
    }
    let fast = build_meta_from(&fast_form_of(&hir)).map_err(|e| {
        if e.size_limit().is_some() {
            format!(
                "the compiled pattern is larger than {} MiB; simplify it (bounded repeats such as {{1000}} multiply its size)",
                PATTERN_SIZE_LIMIT >> 20
            )
        } else {
            one_line(&e.to_string())
        }
    })?;
    Ok(Pattern {
        source: p.text.clone(),
        line: p.line,
        case_sensitive,
        fast,
        exact: OnceLock::new(),
        covered: OnceLock::new(),
    })
}

/// The literals of a pattern as written: the prefixes of every match, and
/// the sets of literals a match must contain (one for each of a sequence's
/// required parts, and the most useful set of the whole).
pub fn literals_of(source: &str) -> Literals {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(source) else {
        return Literals::default();
    };
    let starts = extracted(&hir, ExtractKind::Prefix);
    let mut required = required_parts(&hir);
    required.extend(necessary(&hir));
    for set in &mut required {
        set.sort();
        set.dedup();
    }
    required.sort();
    required.dedup();
    Literals {
        starts,
        required,
        full_stop_free: !can_match_full_stop(&hir),
    }
}

/// Whether any match of `hir` can hold a full stop: a literal or class
/// anywhere in it has one.
fn can_match_full_stop(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(literal) => literal.0.contains(&b'.'),
        HirKind::Class(Class::Unicode(class)) => {
            class.iter().any(|r| r.start() <= '.' && '.' <= r.end())
        }
        HirKind::Class(Class::Bytes(class)) => {
            class.iter().any(|r| r.start() <= b'.' && b'.' <= r.end())
        }
        HirKind::Repetition(r) => r.max != Some(0) && can_match_full_stop(&r.sub),
        HirKind::Capture(c) => can_match_full_stop(&c.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => {
            parts.iter().any(can_match_full_stop)
        }
    }
}

/// A literal set for each part every match needs: the parts of a sequence
/// (looking inside groups and repeats that must occur), or the whole.
fn required_parts(hir: &Hir) -> Vec<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Capture(c) => required_parts(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required_parts(&r.sub),
        HirKind::Concat(parts) => parts.iter().flat_map(required_parts).collect(),
        _ => necessary(hir).into_iter().collect(),
    }
}

pub fn one_line(s: &str) -> String {
    // The regex crate's errors draw a caret diagram over several lines; keep
    // the last line, which says what is wrong.
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    match lines.as_slice() {
        [] => s.to_owned(),
        [only] => (*only).to_owned(),
        many => format!(
            "{} (in `{}`)",
            many[many.len() - 1].trim_start_matches("error: "),
            many[1]
        ),
    }
}

/// Rewrites `\b` and `\B` outside character classes to their ASCII forms.
pub fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(b @ ('b' | 'B')) if class_depth == 0 && chars.peek() != Some(&'{') => {
                    out.push_str("(?-u:\\");
                    out.push(b);
                    out.push(')');
                }
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' => {
                class_depth += 1;
                out.push(c);
                // `[]…]` and `[^]…]`: a leading `]` is a literal.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().unwrap_or(']'));
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(any: &[&str]) -> RawRule {
        RawRule {
            file: "t.toml".into(),
            line: 1,
            id: "t".into(),
            theme: None,
            name: None,
            description: None,
            category: None,
            any: any
                .iter()
                .map(|s| RawPattern {
                    text: s.to_string(),
                    line: 3,
                })
                .collect(),
            all: Vec::new(),
            none: Vec::new(),
            scope: Scope::Sentence,
            sections: Vec::new(),
            case_sensitive: false,
            lint: false,
            severity: Severity::Warning,
            message: None,
            suggestion: None,
            examples: Vec::new(),
            group: None,
            priority: 0,
            min_matches: 1,
        }
    }

    #[test]
    fn boundary_rewrite_leaves_classes_and_escapes_alone() {
        assert_eq!(ascii_boundaries(r"\bNRM\b"), r"(?-u:\b)NRM(?-u:\b)");
        assert_eq!(ascii_boundaries(r"a\\b[\b]c\Bd"), r"a\\b[\b]c(?-u:\B)d");
        assert_eq!(ascii_boundaries(r"[]\b]\b"), r"[]\b](?-u:\b)");
        assert_eq!(ascii_boundaries(r"\b{start}x"), r"\b{start}x");
    }

    #[test]
    fn the_fast_form_is_the_parse_of_the_rewritten_pattern() {
        let parse = |source: &str, case_sensitive: bool| {
            regex_syntax::ParserBuilder::new()
                .case_insensitive(!case_sensitive)
                .build()
                .parse(source)
                .unwrap_or_else(|e| panic!("{source}: {e}"))
        };
        let mut sources: Vec<(String, bool)> = [
            r"\bNRM\b",
            r"a\\b[b\]]c\Bd",
            r"[]b]\b[^]\\]\b",
            r"\b{start}x\b{end}",
            r"\<x\>",
            r"(?-u:\b)x(?-u:\B)",
            r"(?i)\bk\b",
            r"(?-i:\bCSE\b)|(?P<what>\bcse)s?\b",
            r"(\bwent\b|\bgone\b)\s+missing",
            r"(?:\bno\s+)+record\b",
            r"\bschool\b[^.;]{0,40}\bexcluded\b",
            r"(?u:\b)é\b",
        ]
        .into_iter()
        .map(|s| (s.to_owned(), false))
        .collect();
        sources.extend(builtin_sources());
        let mut differ = 0;
        for (source, case_sensitive) in &sources {
            // Both have their classes narrowed alike: what differs is where
            // the boundaries were rewritten, in the tree or in the text.
            let rewritten = fast_form_of(&parse(source, *case_sensitive));
            assert_eq!(
                rewritten,
                fast_form_of(&parse(&ascii_boundaries(source), *case_sensitive)),
                "{source}"
            );
            differ += usize::from(rewritten != parse(source, *case_sensitive));
        }
        // Most patterns have a `\b` to rewrite.
        assert!(differ > sources.len() / 2, "{differ} of {}", sources.len());
    }

    /// Every built-in pattern, as written, with its case setting.
    fn builtin_sources() -> Vec<(String, bool)> {
        let mut errors = Vec::new();
        let mut sources = Vec::new();
        for (name, text) in crate::rules::BUILTIN {
            for rule in crate::rules::file::parse(name, text, &mut errors) {
                for p in rule.any.iter().chain(&rule.all).chain(&rule.none) {
                    sources.push((p.text.clone(), rule.case_sensitive));
                }
            }
        }
        assert!(errors.is_empty(), "{errors:?}");
        assert!(sources.len() > 300, "the built-in patterns were not read");
        sources
    }

    #[test]
    fn the_characters_left_out_of_the_fast_form_are_white_space_and_folded_letters() {
        let left_out: Vec<char> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|&c| is_left_out_of_fast_form(c))
            .collect();
        let class: Vec<char> = LEFT_OUT_OF_FAST_FORM
            .iter()
            .flat_map(|r| r.start()..=r.end())
            .collect();
        assert_eq!(class, left_out);
        for c in [
            '\u{a0}', '\u{2028}', '\u{3000}', '\u{85}', '\u{212a}', '\u{17f}',
        ] {
            assert!(left_out.contains(&c), "U+{:04X}", u32::from(c));
        }
        assert!(!left_out.iter().any(|c| c.is_ascii() || *c == '\u{e9}'));
    }

    /// Whether a class anywhere in `hir` holds a character the fast form
    /// leaves out.
    fn holds_left_out(hir: &Hir) -> bool {
        match hir.kind() {
            HirKind::Class(Class::Unicode(c)) => c
                .iter()
                .any(|r| (r.start()..=r.end()).any(is_left_out_of_fast_form)),
            HirKind::Repetition(r) => holds_left_out(&r.sub),
            HirKind::Capture(c) => holds_left_out(&c.sub),
            HirKind::Concat(parts) | HirKind::Alternation(parts) => {
                parts.iter().any(holds_left_out)
            }
            _ => false,
        }
    }

    /// The fast form leaves out white space other than ASCII (so `\s` is an
    /// ASCII class, and each state of its automaton half the size) and
    /// finds in normalised text just what the pattern with only its
    /// boundaries made ASCII finds: text with other letters, quotes and
    /// dashes, every kind of white space normalised away.
    #[test]
    fn the_fast_form_finds_in_normalised_text_what_ascii_boundaries_find() {
        let mut raw: String = REFERENCE_TEXT
            .iter()
            .map(|(_, t)| middle(t, 20_000))
            .collect();
        for c in (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
        {
            raw = raw.replacen(" the ", &format!(" the{c}"), 2);
        }
        raw = raw
            .replace(" was ", " was\u{a0}Zo\u{eb} ")
            .replace("child", "chi\u{2011}ld");
        let mut normalised = crate::text::MappedText::new();
        crate::text::normalise_into(&mut normalised, &raw, 0..raw.len());
        let text = normalised.as_str();
        assert!(!fast_form_may_miss(text));
        let mut found = 0;
        for (source, case_sensitive) in builtin_sources() {
            let hir = regex_syntax::ParserBuilder::new()
                .case_insensitive(!case_sensitive)
                .build()
                .parse(&source)
                .unwrap();
            let fast_form = fast_form_of(&hir);
            assert!(
                holds_left_out(&hir) || !source.contains("\\s") || case_sensitive,
                "{source}"
            );
            assert!(!holds_left_out(&fast_form), "{source}");
            let fast = build_meta_from(&fast_form).unwrap();
            let reference = build_meta(&ascii_boundaries(&source), case_sensitive).unwrap();
            let ranges =
                |re: &meta::Regex| re.find_iter(text).map(|m| m.range()).collect::<Vec<_>>();
            let expected = ranges(&reference);
            assert_eq!(ranges(&fast), expected, "{source}");
            found += expected.len();
        }
        assert!(found > 500, "{found}");
    }

    #[test]
    fn fast_and_exact_agree_on_ascii_words() {
        let mut errors = Vec::new();
        let rules = compile(vec![raw(&[r"\bhard\s+to\s+engage\b"])], &mut errors);
        let p = &rules[0].any[0];
        for text in ["‘hard to engage’", "Hard to engage.", "hard to engagement"] {
            assert_eq!(
                p.regex(false).is_match(text),
                p.regex(true).is_match(text),
                "{text}"
            );
        }
        // On non-ASCII word characters only the exact form is right.
        assert!(!p.regex(false).is_match("hard to engageé"));
    }

    #[test]
    fn problems_are_located() {
        let mut errors = Vec::new();
        let rules = compile(
            vec![raw(&["(unclosed", "a*", r"\w{1000}\w{1000}\w{1000}"])],
            &mut errors,
        );
        assert!(rules.is_empty());
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors
                .iter()
                .all(|e| e.line == 3 && e.rule.as_deref() == Some("t"))
        );
        assert!(
            errors[0].message.contains("unclosed"),
            "{}",
            errors[0].message
        );
        assert!(
            errors[1].message.contains("empty string"),
            "{}",
            errors[1].message
        );
        assert!(
            errors[2].message.contains("larger than"),
            "{}",
            errors[2].message
        );
    }

    #[test]
    fn prefilter_finds_the_candidate_patterns() {
        let mut errors = Vec::new();
        let mut a = raw(&[r"\bneglect(?:ed|ful)?\b"]);
        a.id = "a".into();
        let mut b = raw(&[r"\bCSE\b", r"sexual(?:ly)?\s+exploit\w*"]);
        b.id = "b".into();
        b.case_sensitive = true;
        let mut c = raw(&[r"\w+\s+\d+"]);
        c.id = "c".into();
        let rules = compile(vec![a, b, c], &mut errors);
        let pf = Prefilter::build(&rules).unwrap();
        assert_eq!(pf.unfiltered(), 1, "a pattern with no literal always runs");
        let owners = |text: &str| -> Vec<(usize, usize)> {
            pf.candidates(text, true)
                .into_iter()
                .map(|i| pf.owners[i])
                .collect()
        };
        assert_eq!(owners("Neglect and CSE"), [(0, 0), (1, 0), (2, 0)]);
        assert_eq!(owners("sexually exploited"), [(1, 1), (2, 0)]);
        assert_eq!(owners("nothing here"), [(2, 0)]);
        // Among non-ASCII letters the literals still rule patterns out ...
        assert_eq!(
            pf.candidates("Zoë: neglect", false),
            pf.candidates("neglect", true)
        );
        // ... except beside a letter that case-folds to an ASCII one
        // (`\u{212A}` is the Kelvin sign, which `(?i)k` matches).
        assert_eq!(pf.candidates("café \u{212A}", false).len(), 4);
    }

    #[test]
    fn the_fast_form_covers_patterns_whose_boundaries_touch_ascii_letters() {
        let covers = |source: &str| {
            let mut errors = Vec::new();
            let rules = compile(vec![raw(&[source])], &mut errors);
            assert!(errors.is_empty(), "{errors:?}");
            rules[0].any[0].fast_form_covers()
        };
        assert!(covers(r"\bneglect(?:ed|ful)?\b"));
        assert!(covers(r"(?-i:\bF?CAMHS\b)"));
        assert!(covers(r"\b(?:his|her)\s+(?:own\s+)?mental\s+health\b"));
        assert!(covers(r"\bparents?\b[^.]{0,40}\bnot\b"));
        // ASCII word classes, optional parts and repeats that may match
        // nothing, read through to the letter that is always there.
        assert!(covers(r"\brecommend(?-u:\w)*\b"));
        assert!(covers(r"\blearning\s+(?:difficult(?-u:\w)+|needs?)\b"));
        assert!(covers(r"\b(?-u:\w)+(?:ing)?\s"));
        assert!(covers(r"(?-i:\b[A-Z][a-z]+)'s\b"));
        // A boundary beside a digit class of every script, beside a letter
        // that is not ASCII, or beside nothing the pattern fixes: not covered.
        assert!(!covers(r"\b\d+\s+reviews"));
        assert!(!covers(r"\b(?:é|e)cole"));
        assert!(!covers(r"[^.]+\b"));
        assert!(!covers(r"\bneglect\w*\b"));
        assert!(!covers(r"(?:\bneglect)?\b\s"));
        assert!(!covers(r"\b(?-u:\w)*\s"));
        assert!(!covers(r"\b(?:x|é)\s"));
        assert!(!covers(r"\b[-.]x"));
        // `\B` turns the implication round.
        assert!(!covers(r"\bover\B"));
    }

    #[test]
    fn literals_with_other_letters_count_as_present_beside_other_letters() {
        let mut errors = Vec::new();
        let rules = compile(vec![raw(&[r"\bcafé\b", r"\bparent\b"])], &mut errors);
        let pf = Prefilter::build(&rules).unwrap();
        let cafe = pf.owners.iter().position(|&o| o == (0, 0)).unwrap();
        // `CAFÉ` is not `café` to ASCII case folding: the pattern must run.
        assert!(pf.candidates("AU CAFÉ", false).contains(&cafe));
        assert_eq!(pf.scan("AU CAFÉ", false), [(cafe, Search::Whole)]);
        // Where every letter is ASCII, it cannot match and does not run.
        assert!(pf.candidates("AU CAFE", true).is_empty());
        assert!(folds_to_ascii_letter('\u{17F}') && folds_to_ascii_letter('\u{212A}'));
        assert!(!folds_to_ascii_letter('é') && !folds_to_ascii_letter('k'));
    }

    #[test]
    fn prefilter_says_which_conditions_can_match() {
        let mut errors = Vec::new();
        let pattern = |text: &str| RawPattern {
            text: text.to_owned(),
            line: 4,
        };
        let mut a = raw(&[r"\bNRM\b"]);
        a.all = vec![pattern(r"\bnot\s+referred\b")];
        a.none = vec![
            pattern(r"\bforensic\b"),
            pattern(r"\bshould\b"),
            pattern(r"\w+"),
        ];
        let rules = compile(vec![a], &mut errors);
        assert!(errors.is_empty());
        // `should` and `not` are everywhere in this prose; `referred` and
        // `forensic` are not.
        let prose = "The child should not see the worker. ".repeat(100);
        let pf = Prefilter::build_with_reference(
            &rules.iter().map(PatternSources::of).collect::<Vec<_>>(),
            &[prose.as_str()],
        )
        .unwrap();
        let [all, forensic, should, anything] = [0, 1, 2, 3].map(|k| pf.condition(0, k));
        let mut scan = Scan::default();
        pf.scan_into("An NRM referral was not referred on.", true, &mut scan);
        assert!(pf.may_match(&scan, all) && !pf.may_match(&scan, forensic));
        // Nothing rare to look for, or no literal at all: always searched.
        assert!(pf.may_match(&scan, should) && pf.may_match(&scan, anything));
        pf.scan_into("The NRM forensic report.", true, &mut scan);
        assert!(!pf.may_match(&scan, all) && pf.may_match(&scan, forensic));
        // Text with other letters is filtered the same way ...
        pf.scan_into("Naïve NRM forensic report", false, &mut scan);
        assert!(!pf.may_match(&scan, all) && pf.may_match(&scan, forensic));
        // ... unless a letter in it case-folds to an ASCII one: everything
        // may match then.
        pf.scan_into("Naïve NRM \u{17F}", false, &mut scan);
        assert!(pf.may_match(&scan, all) && pf.may_match(&scan, forensic));

        // Paragraphs scanned one after another each keep their own answer,
        // the same as when scanned alone.
        let paragraphs = [
            ("An NRM referral was not referred on. Not the NRM.", true),
            ("Nothing to see.", true),
            ("Naïve NRM", false),
            ("The NRM forensic report.", true),
        ];
        let conditions = [all, forensic, should, anything];
        let mut together = Scan::default();
        let parts: Vec<Scanned> = paragraphs
            .iter()
            .map(|&(text, ascii)| pf.scan_more(text, ascii, &mut together))
            .collect();
        for (&(text, ascii), part) in paragraphs.iter().zip(&parts) {
            pf.scan_into(text, ascii, &mut scan);
            let alone: Vec<(usize, Place)> = scan.candidates().collect();
            let kept: Vec<(usize, Place)> = together.candidates_in(part).collect();
            assert_eq!(alone, kept, "{text}");
            assert_eq!(part.has_candidates(), !alone.is_empty(), "{text}");
            for c in conditions {
                assert_eq!(
                    pf.may_match(&scan, c),
                    pf.may_match_in(&together, part, c),
                    "{text}"
                );
            }
        }
        assert!(parts[0].has_candidates() && !parts[1].has_candidates());
        // Anchored places are offsets in their own paragraph.
        let places = |part: &Scanned| -> Vec<usize> {
            together
                .candidates_in(part)
                .filter_map(|(_, place)| match place {
                    Place::At(at) => Some(at.to_vec()),
                    _ => None,
                })
                .flatten()
                .collect()
        };
        assert_eq!(places(&parts[0]), [3, 45]);
        assert_eq!(places(&parts[3]), [4]);
    }

    #[test]
    fn prefilter_looks_only_for_literals_rare_in_review_prose() {
        let mut errors = Vec::new();
        let rules = compile(
            vec![
                raw(&[r"\bthe\s+NRM\b"]),
                raw(&[r"\bthe\s+family\b"]),
                raw(&[r"\bmodern\s+slavery\b"]),
            ],
            &mut errors,
        );
        assert!(errors.is_empty());
        // `the` is everywhere in this prose, `family` common, `NRM` and
        // `modern` absent.
        let prose = "The child and the family met the worker. ".repeat(100);
        let pf = Prefilter::build_with_reference(
            &rules.iter().map(PatternSources::of).collect::<Vec<_>>(),
            &[prose.as_str()],
        )
        .unwrap();
        let scan = |text: &str| pf.scan(text, true);
        // Only `NRM` is looked for: `the` would rule nothing out. With no
        // full stop, the pattern is searched in the whole paragraph.
        assert_eq!(scan("An NRM was made"), [(0, Search::Within(0..15))]);
        // With every set common, the rarest still filters.
        assert_eq!(scan("The end."), []);
        assert_eq!(scan("A family"), [(1, Search::Within(0..8))]);
        // A rare prefix is searched for anchored, where it occurs.
        assert_eq!(scan("On modern slavery"), [(2, Search::At(vec![3]))]);
    }

    #[test]
    fn patterns_without_a_full_stop_are_searched_between_those_around_their_literals() {
        let mut errors = Vec::new();
        let rules = compile(
            vec![
                // No literal to anchor on; `neglected` is required.
                raw(&[r"(?:\w+\s+)?neglected\b"]),
                // The same, but a match may run over a full stop.
                raw(&[r"(?:\w+\s+)?neglected[^;]*"]),
            ],
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let pf = Prefilter::build(&rules).unwrap();
        let text = "One. It was neglected here. Three. He neglected it. Five.";
        // From just after the full stop before the first `neglected` to the
        // one after the last.
        let (first, last) = (text.find(" It").unwrap(), text.find(". Five").unwrap());
        assert_eq!(
            pf.scan(text, true),
            [(0, Search::Within(first..last)), (1, Search::Whole)]
        );
        // One literal found: its own sentence, full stops excluded.
        let text = "It was neglected. Then";
        assert_eq!(pf.scan(text, true)[0], (0, Search::Within(0..16)));
        let text = "Before. neglected";
        assert_eq!(pf.scan(text, true)[0], (0, Search::Within(7..17)));
        // A literal with other letters, which may be there in another case
        // without being found (the first one here), says nothing of where
        // the pattern matches.
        let rules = compile(vec![raw(&[r"(?:\w+\s+)?négligé\b"])], &mut errors);
        let pf = Prefilter::build(&rules).unwrap();
        assert_eq!(
            pf.scan("Un NÉGLIGÉ. Zoë. Un négligé.", false),
            [(0, Search::Whole)]
        );
    }

    #[test]
    fn full_stops_are_read_off_every_literal_and_class() {
        for (pattern, free) in [
            (r"\bneglect(?:ed|ful)?\b", true),
            (r"\bno\s+(?-u:\w)+\s+of\b", true),
            (r"\bNRM\b[^.;]{0,60}\bnot\b", true),
            (r"\bvs\.", false),
            (r"\bNRM\b.{0,60}\bnot\b", false),
            (r"\bNRM\b[^;]{0,60}", false),
            (r"\bNRM\W+not\b", false),
            (r"[,.]\s*however", false),
            (r"(?-u:[\x20-\x7e])+NRM", false),
            (r"NRM(?:\.){0}", true),
        ] {
            assert_eq!(literals_of(pattern).full_stop_free, free, "{pattern}");
        }
    }

    #[test]
    fn necessary_literals_prefer_long_required_parts() {
        assert_eq!(
            necessary_literals(r"\bno\s+record\s+of\b"),
            Some(vec![b"record".to_vec()])
        );
        assert_eq!(
            necessary_literals(r"\b(?:went|go|was|be)\s+missing\b"),
            Some(vec![b"missing".to_vec()])
        );
        // Each branch contributes what it requires.
        assert_eq!(
            necessary_literals(r"\bno\s+NRM\b|\bnever\s+referred\b"),
            Some(vec![b"NRM".to_vec(), b"referred".to_vec()])
        );
    }

    #[test]
    fn necessary_literals_from_prefixes_or_suffixes() {
        assert_eq!(
            necessary_literals(r"\b(?:placing|putting)\s+\w+"),
            Some(vec![b"placing".to_vec(), b"putting".to_vec()])
        );
        assert_eq!(
            necessary_literals(r"\w+\s+(?:CCE|CSE)\b"),
            Some(vec![b"CCE".to_vec(), b"CSE".to_vec()])
        );
        assert_eq!(necessary_literals(r"\w+\s+\w+"), None);
    }
}
