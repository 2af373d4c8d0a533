//! Compiling rules for fast matching.
//!
//! Owns turning [`RawRule`]s into [`Rule`]s: every pattern is compiled twice,
//! once exactly as written (Unicode word boundaries) and once with `\b`
//! rewritten to the ASCII boundary `(?-u:\b)`. The regex crate's fast DFA
//! engines give up on Unicode word boundaries over non-ASCII text (these
//! documents are full of it), but on text with no non-ASCII *word* character
//! both boundaries are the same, so the fast form is exact there. The
//! [`Prefilter`] is one `RegexSet` over every rule's `any` patterns (in both
//! forms), so a paragraph is scanned once for the whole rule set.
//! Compilation problems (a bad regex, one too big, one that matches the empty
//! string) are reported with file, rule and line.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex_automata::meta;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};

use super::file::{Example, RawPattern, RawRule, RuleError, Scope, Severity};
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
    /// Literals every match contains (for `any` patterns).
    pub literals: Literals,
}

impl Clone for Pattern {
    fn clone(&self) -> Self {
        Pattern {
            source: self.source.clone(),
            line: self.line,
            case_sensitive: self.case_sensitive,
            fast: self.fast.clone(),
            exact: self.exact.clone(),
            literals: self.literals.clone(),
        }
    }
}

impl Pattern {
    /// The form to search `text` with: `ascii_words` says the text has no
    /// non-ASCII letter or digit.
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

    /// Whether every match starts with one of the pattern's literals, so it
    /// can be searched anchored at them.
    pub fn starts_with_literals(&self) -> bool {
        matches!(self.literals, Literals::Starts(_))
    }
}

fn build_meta(
    source: &str,
    case_sensitive: bool,
) -> Result<meta::Regex, Box<regex_automata::meta::BuildError>> {
    meta::Regex::builder()
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(!case_sensitive))
        .configure(meta::Regex::config().nfa_size_limit(Some(PATTERN_SIZE_LIMIT)))
        .build(source)
        .map_err(Box::new)
}

/// What the prefilter looks for to decide whether a pattern can match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literals {
    /// Every match starts with one of these.
    Starts(Vec<Vec<u8>>),
    /// Every match contains one of these.
    Contains(Vec<Vec<u8>>),
    /// Nothing to look for: the pattern always runs.
    None,
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
/// Every match of a pattern starts with, or contains, one of a few literals
/// that regex-syntax can read off the pattern (`neglect` for
/// `\bneglect(ed|ful)?\b`, `record` for `\bno\s+record\s+of\b`). One
/// Aho-Corasick automaton over all of them (ASCII case-insensitive) tells in
/// one pass which patterns can match in a paragraph and, for those whose
/// matches start with their literals, where. Only those patterns run, and
/// the latter only as anchored searches at those places. This is exact on
/// text whose letters and digits are all ASCII, which is almost all
/// normalised text; a paragraph with other letters (where Unicode case
/// folding could match what ASCII folding misses) runs every pattern.
#[derive(Debug, Clone)]
pub struct Prefilter {
    literals: Option<AhoCorasick>,
    /// For each literal: the index (into `owners`) of its pattern, and
    /// whether matches of that pattern start with it.
    literal_pattern: Vec<(usize, bool)>,
    /// Patterns with no literal to look for.
    always: Vec<usize>,
    /// For pattern index `i`: (rule index, index into that rule's `any`).
    pub owners: Vec<(usize, usize)>,
}

/// Where a pattern must be searched in a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Search {
    /// The whole paragraph.
    Whole,
    /// Anchored at these byte offsets (ascending, distinct).
    At(Vec<usize>),
}

impl Prefilter {
    pub fn empty() -> Prefilter {
        Prefilter {
            literals: None,
            literal_pattern: Vec::new(),
            always: Vec::new(),
            owners: Vec::new(),
        }
    }

    pub fn build(rules: &[Rule]) -> Result<Prefilter, String> {
        let mut owners = Vec::new();
        let mut literals: Vec<&[u8]> = Vec::new();
        let mut literal_pattern = Vec::new();
        let mut always = Vec::new();
        for (r, rule) in rules.iter().enumerate() {
            for (a, p) in rule.any.iter().enumerate() {
                let index = owners.len();
                owners.push((r, a));
                let (lits, starts) = match &p.literals {
                    Literals::Starts(l) => (l, true),
                    Literals::Contains(l) => (l, false),
                    Literals::None => {
                        always.push(index);
                        continue;
                    }
                };
                for lit in lits {
                    literals.push(lit);
                    literal_pattern.push((index, starts));
                }
            }
        }
        let literals = if literals.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    // A DFA: bigger, but the fastest to search with.
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&literals)
                    .map_err(|e| e.to_string())?,
            )
        };
        Ok(Prefilter {
            literals,
            literal_pattern,
            always,
            owners,
        })
    }

    /// The patterns that may match in `text` (ascending index into
    /// `owners`) and where to search each. `ascii_words` says the text has
    /// no non-ASCII letter or digit; otherwise every pattern runs whole.
    pub fn scan(&self, text: &str, ascii_words: bool) -> Vec<(usize, Search)> {
        if !ascii_words {
            return (0..self.owners.len()).map(|i| (i, Search::Whole)).collect();
        }
        // None: not a candidate; Some(None): search whole; Some(Some(v)): at v.
        let mut plan: Vec<Option<Option<Vec<usize>>>> = vec![None; self.owners.len()];
        for &i in &self.always {
            plan[i] = Some(None);
        }
        if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(text) {
                let (i, starts) = self.literal_pattern[m.pattern().as_usize()];
                match &mut plan[i] {
                    Some(None) => {}
                    Some(Some(at)) => at.push(m.start()),
                    slot @ None => *slot = Some(starts.then(|| vec![m.start()])),
                }
            }
        }
        plan.into_iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.map(|at| match at {
                    None => (i, Search::Whole),
                    Some(mut at) => {
                        at.sort_unstable();
                        at.dedup();
                        (i, Search::At(at))
                    }
                })
            })
            .collect()
    }

    /// Indices of the patterns that may match in `text`.
    pub fn candidates(&self, text: &str, ascii_words: bool) -> Vec<usize> {
        self.scan(text, ascii_words)
            .into_iter()
            .map(|(i, _)| i)
            .collect()
    }

    /// Patterns that always run (no literal to look for).
    pub fn unfiltered(&self) -> usize {
        self.always.len()
    }
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
/// left out.
pub fn compile(raw: Vec<RawRule>, errors: &mut Vec<RuleError>) -> Vec<Rule> {
    let mut out = Vec::with_capacity(raw.len());
    for r in raw {
        let before = errors.len();
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
        if errors.len() > before {
            continue;
        }
        out.push(Rule {
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
        });
    }
    out
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
    let fast = build_meta(&ascii_boundaries(&p.text), case_sensitive).map_err(|e| {
        if e.size_limit().is_some() {
            format!(
                "the compiled pattern is larger than {} MiB; simplify it (bounded repeats such as {{1000}} multiply its size)",
                PATTERN_SIZE_LIMIT >> 20
            )
        } else {
            one_line(&e.to_string())
        }
    })?;
    let literals = if is_any {
        literal_plan(&p.text)
    } else {
        Literals::None
    };
    Ok(Pattern {
        source: p.text.clone(),
        line: p.line,
        case_sensitive,
        fast,
        exact: OnceLock::new(),
        literals,
    })
}

/// Literals to look for: the prefixes of every match when they are long
/// enough to be selective, else the most selective set every match contains.
fn literal_plan(source: &str) -> Literals {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(source) else {
        return Literals::None;
    };
    if let Some(prefixes) = extracted(&hir, ExtractKind::Prefix) {
        if usefulness(&prefixes).0 >= 4 {
            return Literals::Starts(prefixes);
        }
    }
    match necessary(&hir) {
        Some(lits) => Literals::Contains(lits),
        None => Literals::None,
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
        // Text with non-ASCII letters runs every pattern.
        assert_eq!(pf.candidates("café", false).len(), 4);
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
