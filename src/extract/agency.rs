//! Who a recommendation asks to act.
//!
//! Owns the addressee vocabulary (a small, documented set of [`Agency`]
//! codes), finding the grammatical subject at the start of a recommendation
//! ("LSCP", "The local safeguarding children partnership", "Local NHS
//! Foundation Trust", "Strategic partners (LSCP and …)"), the addressee a
//! lead-in or a heading gives ("The Board should be assured that:",
//! "Recommendations for the partnership"), the secondary agencies a
//! recommendation names ("seek assurance from X", "working with X", "liaise
//! with X", "via X") and whether it is assurance-style.
//!
//! The subject is only taken from the start of the text: an agency named
//! later ("… should involve the MACE team") is what the recommendation is
//! about, not who must act.

use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use regex_automata::{Anchored, Input, meta};

use crate::matcher::has_non_ascii_word_char;
use crate::rules::compile::ascii_boundaries;

/// The normalised addressees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Agency {
    /// The local safeguarding children partnership or board (LSCP, LSCB,
    /// a named partnership such as HSSCP, its sub-groups).
    Partnership,
    /// The statutory, safeguarding or strategic partners acting together.
    StatutoryPartners,
    Police,
    /// NHS trusts, ICBs/CCGs, GPs, CAMHS, hospitals, health services.
    Health,
    /// The local authority and its children's social care or services.
    LocalAuthority,
    /// Schools, academies, PRUs, colleges, education services.
    Education,
    YouthJustice,
    Probation,
    CommunitySafety,
    Courts,
    VoluntarySector,
    /// Government departments and national bodies (DfE, Home Office, the
    /// national review panel, Ofsted).
    National,
    Practitioners,
    Managers,
    /// All agencies, partner agencies, every organisation.
    AllAgencies,
}

impl Agency {
    pub const ALL: [Agency; 15] = [
        Agency::Partnership,
        Agency::StatutoryPartners,
        Agency::Police,
        Agency::Health,
        Agency::LocalAuthority,
        Agency::Education,
        Agency::YouthJustice,
        Agency::Probation,
        Agency::CommunitySafety,
        Agency::Courts,
        Agency::VoluntarySector,
        Agency::National,
        Agency::Practitioners,
        Agency::Managers,
        Agency::AllAgencies,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Agency::Partnership => "partnership",
            Agency::StatutoryPartners => "statutory-partners",
            Agency::Police => "police",
            Agency::Health => "health",
            Agency::LocalAuthority => "local-authority",
            Agency::Education => "education",
            Agency::YouthJustice => "youth-justice",
            Agency::Probation => "probation",
            Agency::CommunitySafety => "community-safety",
            Agency::Courts => "courts",
            Agency::VoluntarySector => "voluntary-sector",
            Agency::National => "national",
            Agency::Practitioners => "practitioners",
            Agency::Managers => "managers",
            Agency::AllAgencies => "all-agencies",
        }
    }
}

/// Where an addressee was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddresseeSource {
    /// The subject of the recommendation's own text.
    Text,
    /// A lead-in ending in a colon that introduces a list of items.
    LeadIn,
    /// The heading the item sits under ("Recommendations for the police"),
    /// for items written as bare instructions.
    Heading,
    /// The first of the item's sub-items that names one (an item whose own
    /// text is only a label).
    SubItem,
    /// A "lead agency" column of a recommendations table.
    Table,
}

impl AddresseeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AddresseeSource::Text => "text",
            AddresseeSource::LeadIn => "lead-in",
            AddresseeSource::Heading => "heading",
            AddresseeSource::SubItem => "sub-item",
            AddresseeSource::Table => "table",
        }
    }
}

/// The agency asked to act, with the words the document uses for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    pub agency: Agency,
    /// The phrase as written ("The local safeguarding children partnership").
    pub phrase: String,
    pub source: AddresseeSource,
}

/// How a secondary agency is involved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// "seek (re)assurance from X".
    AssuranceFrom,
    /// "working with X", "in partnership with X".
    WorkingWith,
    /// "liaise with X".
    LiaiseWith,
    /// "via X".
    Via,
    /// Named in brackets after the addressee: "Strategic partners (LSCP and
    /// Community Safety Partnership)".
    Member,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::AssuranceFrom => "assurance-from",
            Relation::WorkingWith => "working-with",
            Relation::LiaiseWith => "liaise-with",
            Relation::Via => "via",
            Relation::Member => "member",
        }
    }
}

/// A secondary agency named by a recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    /// `None` when the phrase names no agency of the vocabulary.
    pub agency: Option<Agency>,
    pub phrase: String,
    pub relation: Relation,
}

struct Term {
    /// The pattern as written (`(?i)` added).
    source: String,
    /// Compiled as written, the first time text with a non-ASCII letter or
    /// digit needs it: almost no text does, and compiling every term twice
    /// was a tenth of the time a run takes to start.
    pattern: OnceLock<meta::Regex>,
    /// The same with ASCII word boundaries: exact on text whose letters and
    /// digits are all ASCII, and it keeps the regex crate's fast engines
    /// (Unicode boundaries stop them at the first curly quote).
    fast: meta::Regex,
    agency: Agency,
}

impl Term {
    fn regex(&self, ascii_words: bool) -> &meta::Regex {
        if ascii_words {
            return &self.fast;
        }
        self.pattern.get_or_init(|| {
            meta::Regex::new(&self.source).expect("the built-in agency terms compile")
        })
    }
}

/// The vocabulary. Each pattern is matched case-insensitively unless it is
/// written with `(?-i)` (acronyms that are also ordinary words).
static TERMS: LazyLock<Vec<Term>> = LazyLock::new(|| {
    let t = |p: &str, agency| {
        let source = format!("(?i){p}");
        Term {
            fast: meta::Regex::new(&ascii_boundaries(&source)).unwrap(),
            pattern: OnceLock::new(),
            source,
            agency,
        }
    };
    vec![
        t(
            r"\b(?:local\s+)?safeguarding\s+(?:children(?:'s)?\s+)?(?:partnerships?|boards?)\b",
            Agency::Partnership,
        ),
        // LSCP, LSCB, SCP, and named partnerships such as HSSCP or BSCB.
        t(
            r"(?-i:\b[A-Z]{0,5}SC[PB]s?\b|\bLCSPs?\b)",
            Agency::Partnership,
        ),
        t(
            r"\b(?:learning\s+(?:and|&)\s+improvement|sub-?)\s*(?:sub-?)?groups?\b|\bsub-?groups?\b|\bsub-?committees?\b",
            Agency::Partnership,
        ),
        t(
            r"\b(?:(?:the|three|local|statutory|safeguarding|strategic)\s+)*(?:statutory|safeguarding|strategic)\s+partners\b|\bstatutory\s+(?:agencies|organisations)\b",
            Agency::StatutoryPartners,
        ),
        t(
            r"\bcommunity\s+safety(?:\s+partnerships?)?\b|(?-i:\bCSPs?\b)",
            Agency::CommunitySafety,
        ),
        t(
            r"\b(?:strategic\s+|local\s+|multi-agency\s+)?partnerships?\b|\b(?:the\s+)?board\b",
            Agency::Partnership,
        ),
        t(r"\bpolice\b|\bconstabulary\b|(?-i:\bBTP\b)", Agency::Police),
        t(
            r"\bNHS\b|\bhealth\b|(?-i:\bICBs?\b|\bCCGs?\b|\bGPs?\b|\bCAMHS\b)|\bintegrated\s+care(?:\s+(?:boards?|systems?|partnerships?))?\b|\bhealth\s+and\s+well-?being\s+boards?\b|\bclinical\s+commissioning\b|\bgeneral\s+practi\w*|\bhospitals?\b|\bmidwi\w+|\bfoundation\s+trusts?\b|\bdesignated\s+(?:nurse|doctor|professional)s?\b",
            Agency::Health,
        ),
        t(
            r"\blocal\s+authorit(?:y|ies)\b|\bchildren'?s\s+(?:social\s+care|services|social\s+work)\b|\b(?:adult\s+)?social\s+care\b|(?-i:\bCSC\b|\bDCS\b)|\bcouncils?\b|\bdirectors?\s+of\s+children'?s\s+services\b|\bearly\s+help(?:\s+services?)?\b",
            Agency::LocalAuthority,
        ),
        t(
            r"\beducation\b|\bschools?\b|\bacadem(?:y|ies)\b|(?-i:\bPRU(?:'?s)?\b)|\bpupil\s+referral\s+units?\b|\bcolleges?\b|\balternative\s+provision\b|\bnurser(?:y|ies)\b|\bearly\s+years\b|\bhead\s?teachers?\b|\bdesignated\s+safeguarding\s+leads?\b",
            Agency::Education,
        ),
        t(
            r"\byouth\s+(?:justice|offending)\b|(?-i:\bYOS\b|\bYOT\b|\bYJS\b)",
            Agency::YouthJustice,
        ),
        t(r"\bprobation\b", Agency::Probation),
        t(
            r"\bcourts?\b|\bjudiciary\b|\bmagistrates?\b|\bcafcass\b|\bcrown\s+prosecution\b|(?-i:\bCPS\b)",
            Agency::Courts,
        ),
        t(
            r"\bvoluntary\b|\bthird\s+sector\b|\bcharit(?:y|ies)\b|(?-i:\bVCSE?\b)",
            Agency::VoluntarySector,
        ),
        t(
            r"\bdepartment\s+(?:for|of)\s+\w+|(?-i:\bDfE\b|\bDHSC\b|\bCSPRP\b)|\bhome\s+office\b|\b(?:central\s+)?government\b|\bministry\s+of\s+\w+|\b(?:national|child\s+safeguarding\s+practice)\s+(?:review\s+)?panel\b|\bofsted\b|\bsecretary\s+of\s+state\b",
            Agency::National,
        ),
        t(
            r"\bpractitioners?\b|\bprofessionals?\b|\bfront-?line\s+(?:staff|workers|practitioners)\b|\bstaff\b|\bsocial\s+workers?\b|\bworkers\b",
            Agency::Practitioners,
        ),
        t(
            r"\bmanagers?\b|\bsupervisors?\b|\b(?:senior\s+)?leaders(?:hip)?\b|\bheads?\s+of\s+service\b",
            Agency::Managers,
        ),
        t(
            r"\b(?:all\s+|relevant\s+|partner\s+|each\s+|every\s+)+(?:agenc(?:y|ies)|organisations?|organizations?|partners|services)\b|\bagencies\b|\bmulti-?agency\s+partners\b|\bpartners\b",
            Agency::AllAgencies,
        ),
    ]
});

/// An agency named in `text`: where, and which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mention {
    start: usize,
    end: usize,
    agency: Agency,
}

impl Mention {
    /// Mentions come leftmost first, the longest first at a tie, and the
    /// earlier term first between equals (a stable order).
    fn order(&self) -> (usize, std::cmp::Reverse<usize>) {
        (self.start, std::cmp::Reverse(self.end))
    }
}

/// Every agency mention in `text`, leftmost first (longest at a tie).
fn mentions(text: &str) -> Vec<Mention> {
    let mut found: Vec<Mention> = Vec::new();
    let ascii_words = !has_non_ascii_word_char(text);
    for term in TERMS.iter() {
        for m in term.regex(ascii_words).find_iter(text) {
            found.push(Mention {
                start: m.start(),
                end: m.end(),
                agency: term.agency,
            });
        }
    }
    found.sort_by_key(Mention::order);
    // Drop mentions inside an earlier, longer one ("community safety
    // partnership" is not also a "partnership").
    let mut out: Vec<Mention> = Vec::new();
    for m in found {
        if out.last().is_none_or(|last| m.start >= last.end) {
            out.push(m);
        }
    }
    out
}

/// The first agency mention in `text` (as [`mentions`] gives it) if only
/// words that may stand before an agency's name come before it (see
/// [`only_modifiers`]). Every term starts at the start of a word, so each is
/// tried anchored at the word starts in turn, up to the first whole word
/// that could not stand before a name: the first mention, or the sign that
/// it comes too late, is found without searching the rest of the text for
/// every term (that search was most of the time spent finding addressees).
fn opening_mention(text: &str) -> Option<Mention> {
    let ascii_words = !has_non_ascii_word_char(text);
    let mut words_before = 0;
    let mut previous_is_word = false;
    for (at, c) in text.char_indices() {
        let is_word = regex_syntax::is_word_character(c);
        let starts_word = is_word && !previous_is_word;
        previous_is_word = is_word;
        if !starts_word {
            continue;
        }
        // The whole words before this one's must each stand before a name,
        // or neither a mention here nor any later one opens the text.
        let whole_words_end = text[..at]
            .trim_end_matches(|c: char| !c.is_whitespace())
            .len();
        let whole_words = text[..whole_words_end].split_whitespace().count();
        if whole_words > words_before {
            if !only_modifiers(&text[..whole_words_end]) {
                return None;
            }
            words_before = whole_words;
        }
        let input = Input::new(text).range(at..).anchored(Anchored::Yes);
        let found = TERMS
            .iter()
            .filter_map(|term| {
                let m = term.regex(ascii_words).search(&input)?;
                Some(Mention {
                    start: m.start(),
                    end: m.end(),
                    agency: term.agency,
                })
            })
            // The first of the least, as the stable sort in `mentions`.
            .min_by_key(Mention::order);
        if let Some(m) = found {
            return only_modifiers(&text[..m.start]).then_some(m);
        }
    }
    None
}

/// The first agency named anywhere in a short phrase.
pub fn agency_in(phrase: &str) -> Option<Agency> {
    mentions(phrase).first().map(|m| m.agency)
}

/// Words that may stand before the agency in a subject ("The", "All",
/// "Local", "the three").
const SUBJECT_MODIFIERS: &[&str] = &[
    "the",
    "a",
    "an",
    "all",
    "each",
    "every",
    "both",
    "any",
    "local",
    "relevant",
    "respective",
    "individual",
    "partner",
    "three",
    "key",
    "named",
    "lead",
    "senior",
    "strategic",
    "statutory",
    "area",
    "district",
    "county",
    "regional",
    "wider",
    "our",
    "its",
    "and",
    "&",
    "of",
    "on",
    "upon",
    "-",
];

/// Verbs that open an instruction written without a subject ("Review the
/// procedure…", "Ensure that…"): such items take the addressee of their
/// heading.
const DIRECTIVE_VERBS: &[&str] = &[
    "adopt",
    "agree",
    "always",
    "apply",
    "ask",
    "assure",
    "audit",
    "be",
    "build",
    "challenge",
    "check",
    "clarify",
    "collate",
    "commission",
    "communicate",
    "conduct",
    "confirm",
    "consider",
    "continue",
    "coordinate",
    "co-ordinate",
    "create",
    "define",
    "deliver",
    "design",
    "develop",
    "disseminate",
    "embed",
    "encourage",
    "engage",
    "ensure",
    "escalate",
    "establish",
    "evaluate",
    "examine",
    "explore",
    "extend",
    "facilitate",
    "give",
    "hold",
    "host",
    "identify",
    "implement",
    "improve",
    "include",
    "increase",
    "inform",
    "introduce",
    "invest",
    "issue",
    "keep",
    "lead",
    "maintain",
    "make",
    "map",
    "monitor",
    "offer",
    "prioritise",
    "prioritize",
    "produce",
    "promote",
    "provide",
    "publish",
    "raise",
    "recognise",
    "recognize",
    "record",
    "refer",
    "reflect",
    "refresh",
    "reinforce",
    "remember",
    "remind",
    "request",
    "require",
    "review",
    "revise",
    "scope",
    "secure",
    "seek",
    "set",
    "share",
    "strengthen",
    "support",
    "take",
    "test",
    "train",
    "undertake",
    "update",
    "use",
    "utilise",
    "utilize",
    "work",
];

/// `It is recommended that …`, `The review recommends that …`: the
/// addressee follows.
static RECOMMEND_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:it\s+is\s+(?:therefore\s+)?recommended\s+that|(?:the|this)\s+(?:review|panel|reviewer|author|lead\s+reviewer|report)s?\s+(?:therefore\s+)?recommends?\s+that|we\s+recommend\s+that|recommend(?:ed|s)?\s+that)\s+").unwrap()
});
/// An opening adverbial clause before the subject: "In order to …, the LSCP
/// should …".
static OPENING_CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:in|following|when|where|to|as|by|given|with|through|within|building|once|after|before|since|for|from|at|on)\b[^,;:]{0,160},\s+").unwrap()
});
static LEADING_THAT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:that|for)\s+").unwrap());

/// Whether an item is an instruction without a subject of its own.
pub fn is_instruction(text: &str) -> bool {
    let first = text
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
        .to_lowercase();
    first == "to" || DIRECTIVE_VERBS.contains(&first.as_str())
}

/// The agency that is the grammatical subject at the start of `text`, if
/// the subject is one.
pub fn subject(text: &str) -> Option<(Agency, String)> {
    let mut rest = text.trim_start();
    if let Some(m) = RECOMMEND_PREFIX.find(rest) {
        rest = &rest[m.end()..];
    } else if let Some(m) = OPENING_CLAUSE.find(rest) {
        rest = &rest[m.end()..];
    }
    if let Some(m) = LEADING_THAT.find(rest) {
        rest = &rest[m.end()..];
    }
    if is_instruction(rest) {
        return None;
    }
    // Only the first clause can hold the subject.
    let window_end = rest
        .char_indices()
        .take(200)
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let window = &rest[..window_end];
    // The first agency named must open the sentence, after only the words
    // of its own noun phrase.
    let m = opening_mention(window)?;
    let mut end = m.end + capitalised_run(&window[m.end..]);
    // A bracket right after the agency belongs to the phrase:
    // "Strategic partners (LSCP and Community Safety Partnership)".
    let after = &window[end..];
    if after.trim_start().starts_with('(') {
        if let Some(close) = after.find(')') {
            end += close + 1;
        }
    }
    let phrase = window[..end]
        .trim()
        .trim_end_matches([',', ';', ':'])
        .to_owned();
    Some((m.agency, phrase))
}

/// The length of the capitalised words that go on naming the agency after
/// a mention ("NHS" + " Foundation Trust", "Youth Justice" + " Service").
fn capitalised_run(after: &str) -> usize {
    let mut len = 0;
    let mut rest = after;
    loop {
        let trimmed = rest.trim_start_matches(' ');
        let spaces = rest.len() - trimmed.len();
        let word_len = trimmed
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '.'))
            .unwrap_or(trimmed.len());
        let word = &trimmed[..word_len];
        let is_name = spaces == 1
            && word.chars().next().is_some_and(char::is_uppercase)
            && !matches!(
                word.to_lowercase().as_str(),
                "should" | "to" | "must" | "will" | "needs" | "need" | "is" | "are" | "and"
            );
        if !is_name {
            return len;
        }
        len += spaces + word_len;
        rest = &trimmed[word_len..];
    }
}

/// Whether the words before a mention may all belong to its noun phrase:
/// articles, the usual modifiers, and capitalised names ("Hartlepool and
/// Stockton-on-Tees Safeguarding Children Partnership").
fn only_modifiers(before: &str) -> bool {
    let words: Vec<&str> = before.split_whitespace().collect();
    words.iter().enumerate().all(|(k, w)| {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&' && c != '-');
        let lower = bare.to_lowercase();
        if SUBJECT_MODIFIERS.contains(&lower.as_str()) {
            return true;
        }
        // A capitalised word is a name, unless it is a sentence's first
        // word that opens an instruction.
        let capitalised = bare.chars().next().is_some_and(char::is_uppercase);
        capitalised && !(k == 0 && DIRECTIVE_VERBS.contains(&lower.as_str())) && !w.ends_with(',')
    })
}

/// The addressee given by a lead-in ("The Board should be assured that:",
/// "The review recommends that the partnership:", "The following
/// recommendations are made to the police:").
pub fn lead_in_addressee(text: &str) -> Option<(Agency, String)> {
    // "The review makes four recommendations. The Board should be assured
    // that:": the sentence that runs into the list.
    let text = text
        .rmatch_indices(['.', '?', '!'])
        .find(|&(i, _)| text[i + 1..].starts_with(' '))
        .map_or(text, |(i, _)| text[i + 1..].trim_start());
    if let Some(found) = subject(text) {
        return Some(found);
    }
    static MADE_TO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\brecommendations?\b[^:;]*?\b(?:for|to)\s+(.+)$").unwrap()
    });
    let caps = MADE_TO.captures(text)?;
    subject(caps.get(1)?.as_str())
}

/// The addressee a heading names: "Recommendations for the partnership",
/// "Police", "Recommendations to health services".
pub fn heading_addressee(title: &str) -> Option<(Agency, String)> {
    static FOR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:\d[\d.]*\s+)?(?:(?:key|our|the|single|multi)[\s-]+(?:agency\s+)?)?recommendations?\s+(?:for|to)\s+(.+)$").unwrap()
    });
    static AGENCY_TITLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:\d[\d.]*\s+)?(.+?)(?:\s*[-–:]\s*|\s+)?(?:recommendations?)?$").unwrap()
    });
    if let Some(caps) = FOR.captures(title.trim()) {
        return subject(caps.get(1)?.as_str());
    }
    // A sub-heading that is only an agency's name.
    let caps = AGENCY_TITLE.captures(title.trim())?;
    let name = caps.get(1)?.as_str();
    let (agency, phrase) = subject(name)?;
    // The whole title must be the name, not a topic that mentions one.
    (phrase.len() + 2 >= name.trim_end_matches(['.', ':']).len()).then_some((agency, phrase))
}

/// Where a secondary agency phrase ends.
static PHRASE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[,;:.(]|\s(?:to|that|of|should|must|in|on|about|for|regarding|so|which|who|when|where|as|is|are|was|were|will|has|have)\s").unwrap()
});

static RELATIONS: LazyLock<Vec<(Regex, Relation)>> = LazyLock::new(|| {
    vec![
        (
            Regex::new(r"(?i)\b(?:re)?assurances?\s+from\s+").unwrap(),
            Relation::AssuranceFrom,
        ),
        (
            Regex::new(r"(?i)\b(?:work(?:s|ing)?\s+(?:together\s+|jointly\s+|closely\s+)?with|in\s+(?:partnership|conjunction|collaboration)\s+with|jointly\s+with)\s+").unwrap(),
            Relation::WorkingWith,
        ),
        (
            Regex::new(r"(?i)\bliais(?:e|es|ing)\s+with\s+").unwrap(),
            Relation::LiaiseWith,
        ),
        (Regex::new(r"(?i)\bvia\s+").unwrap(), Relation::Via),
    ]
});

/// The secondary agencies a recommendation names, in reading order: the
/// members bracketed after its addressee, then those it seeks assurance
/// from, works or liaises with, or acts via.
pub fn partners(text: &str, addressee_phrase: Option<&str>) -> Vec<Partner> {
    let mut out: Vec<(usize, Partner)> = Vec::new();
    if let Some(phrase) = addressee_phrase {
        // The bracket after the addressee; a `)` before the first `(` closes
        // nothing.
        let bracket = phrase.find('(').and_then(|open| {
            let close = phrase[open + 1..].rfind(')')?;
            Some((open, &phrase[open + 1..open + 1 + close]))
        });
        if let Some((open, inside)) = bracket {
            for part in inside.split([',', '&']).flat_map(|p| p.split(" and ")) {
                let part = part.trim();
                if let Some(agency) = agency_in(part) {
                    out.push((
                        open,
                        Partner {
                            agency: Some(agency),
                            phrase: part.to_owned(),
                            relation: Relation::Member,
                        },
                    ));
                }
            }
        }
    }
    for (pattern, relation) in RELATIONS.iter() {
        for m in pattern.find_iter(text) {
            let rest = &text[m.end()..];
            let end = PHRASE_END.find(rest).map_or(rest.len(), |e| e.start());
            let phrase = rest[..end].trim();
            if phrase.is_empty() || phrase.split_whitespace().count() > 12 {
                continue;
            }
            let mut found = mentions(phrase);
            // "staff within PRU's": the people belong to the organisation.
            if found
                .iter()
                .any(|f| !matches!(f.agency, Agency::Practitioners | Agency::Managers))
            {
                found.retain(|f| !matches!(f.agency, Agency::Practitioners | Agency::Managers));
            }
            // "working with the family" is how, not with whom: an unknown
            // phrase is kept only where it must name a body (assurance
            // from, liaison with, via).
            if found.is_empty() && *relation != Relation::WorkingWith {
                out.push((
                    m.start(),
                    Partner {
                        agency: None,
                        phrase: phrase.to_owned(),
                        relation: *relation,
                    },
                ));
            }
            // "safeguarding partners and staff within PRU's": each agency.
            for f in found {
                out.push((
                    m.start() + f.start,
                    Partner {
                        agency: Some(f.agency),
                        phrase: phrase.to_owned(),
                        relation: *relation,
                    },
                ));
            }
        }
    }
    out.sort_by_key(|(at, _)| *at);
    let mut seen = Vec::new();
    out.into_iter()
        .map(|(_, p)| p)
        .filter(|p| {
            let key = (p.agency, p.relation, p.phrase.clone());
            let new = !seen.contains(&key);
            seen.push(key);
            new
        })
        .collect()
}

/// Assurance-style recommendations ask the partnership to be assured rather
/// than to act (the pattern domain.md §6 notes dominates many reviews).
pub fn is_assurance(text: &str) -> bool {
    static ASSURANCE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:be|is|are|being)\s+(?:re)?assured\b|\bseek(?:s|ing)?\s+(?:re)?assurances?\b|\b(?:re)?assurances?\s+(?:from|that)\b|\bsatisf(?:y|ies)\s+(?:itself|themselves)\b")
            .unwrap()
    });
    ASSURANCE.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_compiles_in_both_forms() {
        // The exact forms are compiled only when text needs them: a term
        // that did not compile would otherwise fail on the first such text.
        // On text whose letters are all ASCII the two forms agree.
        let text = "The Local Safeguarding Children Partnership, the police and \
                    Children's Social Care should ask all agencies and the ICB.";
        for term in TERMS.iter() {
            let exact: Vec<_> = term
                .regex(false)
                .find_iter(text)
                .map(|m| m.range())
                .collect();
            let fast: Vec<_> = term
                .regex(true)
                .find_iter(text)
                .map(|m| m.range())
                .collect();
            assert_eq!(exact, fast, "{}", term.source);
            assert!(
                !term.regex(false).is_match(""),
                "{} matches nothing",
                term.source
            );
        }
    }

    /// Whether every match of `hir` begins with a word boundary.
    fn opens_with_boundary(hir: &regex_syntax::hir::Hir) -> bool {
        use regex_syntax::hir::{HirKind, Look};
        match hir.kind() {
            HirKind::Look(look) => matches!(look, Look::WordUnicode | Look::WordAscii),
            HirKind::Capture(c) => opens_with_boundary(&c.sub),
            HirKind::Alternation(branches) => branches.iter().all(opens_with_boundary),
            HirKind::Concat(parts) => parts.first().is_some_and(opens_with_boundary),
            _ => false,
        }
    }

    #[test]
    fn every_term_starts_at_the_start_of_a_word() {
        // `opening_mention` tries the terms only where a word starts: each
        // must open with `\b` and a letter or digit. (Read as cased: case
        // does not move where a match starts, and `(?i)` would add letters
        // such as the Kelvin sign that the check does not count as ASCII.)
        for term in TERMS.iter() {
            let cased = term.source.trim_start_matches("(?i)");
            let hir = regex_syntax::parse(cased).unwrap();
            assert!(opens_with_boundary(&hir), "{}", term.source);
            assert!(
                crate::rules::compile::starts_with_ascii_word(&hir),
                "{}",
                term.source
            );
        }
        // The check itself tells the kinds apart.
        for (pattern, opens) in [
            (r"\bpolice\b|\bconstabulary\b", true),
            (r"(?-i:\bCSPs?\b)|\bboard\b", true),
            (r"\bpolice|constabulary", false),
            (r"(?:the\s+)?\bboard\b", false),
        ] {
            let hir = regex_syntax::parse(pattern).unwrap();
            assert_eq!(opens_with_boundary(&hir), opens, "{pattern}");
        }
        let starts_with_word = |p: &str| {
            crate::rules::compile::starts_with_ascii_word(&regex_syntax::parse(p).unwrap())
        };
        assert!(starts_with_word(r"\b(?:local\s+)?safeguarding"));
        assert!(!starts_with_word(r"\b\(?police"));
    }

    /// What [`opening_mention`] must give: the first of every mention, if
    /// only words that may stand before a name come before it.
    fn opening_mention_by_search(text: &str) -> Option<Mention> {
        mentions(text)
            .into_iter()
            .next()
            .filter(|m| only_modifiers(&text[..m.start]))
    }

    /// The opening 200 characters of `text` from each place after a space,
    /// bracket, slash or quotation mark, as `subject` would look at them
    /// had the text started there.
    fn windows(text: &str) -> Vec<&str> {
        let mut starts = vec![0];
        starts.extend(
            text.match_indices([' ', '(', '/', '"', '\u{201c}'])
                .map(|(i, s)| i + s.len()),
        );
        starts
            .into_iter()
            .filter(|&i| text.is_char_boundary(i))
            .map(|i| {
                let rest = &text[i..];
                let end = rest.char_indices().nth(200).map_or(rest.len(), |(e, _)| e);
                &rest[..end]
            })
            .collect()
    }

    #[test]
    fn the_opening_mention_is_the_first_mention_when_it_opens_the_text() {
        // Phrases built to sit on each edge: names after modifiers and
        // capitalised words, after a bracket or slash inside a word, after
        // a word that rules them out, acronyms, other letters, and none at
        // all.
        let phrases = [
            "The police should review their policy.",
            "All relevant agencies should ensure that staff are trained.",
            "Children's Social Care and the police should agree a protocol.",
            "(the LSCP) should seek assurance from partners.",
            "Health/Children's Services should share records.",
            "Ensure that the police share information.",
            "Following the review, the ICB should commission training.",
            "Local NHS Foundation Trust should audit referrals.",
            "The Local Safeguarding Children Partnership should report.",
            "Strategic partners (LSCP and Community Safety Partnership) should act.",
            "Practitioners, managers and the police should meet.",
            "Zoë's school and the police should talk.",
            "José, the social worker, should visit.",
            "There is no agency named here at all.",
            "",
            "   ",
            "The the the the the the police",
            "Every partner agency should respond.",
        ];
        let mut texts: Vec<String> = phrases.iter().map(|p| (*p).to_owned()).collect();
        // And every clause of the sample reviews.
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
        let mut files: Vec<_> = std::fs::read_dir(corpus)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(f).unwrap();
            for paragraph in text.split("\n\n") {
                let paragraph = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
                texts.extend(windows(&paragraph).into_iter().map(str::to_owned));
            }
        }
        let mut opened = 0;
        for text in &texts {
            let expected = opening_mention_by_search(text);
            opened += usize::from(expected.is_some());
            assert_eq!(opening_mention(text), expected, "{text:?}");
        }
        // The comparison covers many texts that open with an agency.
        assert!(opened > 500, "only {opened} texts open with an agency");
    }

    #[test]
    fn word_boundaries_follow_the_letters_of_the_text() {
        // ASCII text: the fast form.
        assert_eq!(agency_in("the police and others"), Some(Agency::Police));
        // A non-ASCII letter glued to the word: no boundary there, as the
        // exact (Unicode) form says; the ASCII form alone would find one.
        assert_eq!(agency_in("the policeé"), None);
        assert_eq!(agency_in("the caf\u{e9} police"), Some(Agency::Police));
    }

    fn code(text: &str) -> Option<&'static str> {
        subject(text).map(|(a, _)| a.as_str())
    }

    #[test]
    fn subjects_at_the_start() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            (
                "LSCP should be assured that partners act.",
                Some("partnership"),
                "LSCP",
            ),
            (
                "The local safeguarding children partnership should seek reassurance from the local Police.",
                Some("partnership"),
                "The local safeguarding children partnership",
            ),
            (
                "HSSCP to evaluate the training.",
                Some("partnership"),
                "HSSCP",
            ),
            (
                "Local NHS Foundation Trust to undertake a review.",
                Some("health"),
                "Local NHS Foundation Trust",
            ),
            (
                "The statutory partners to provide clear leadership.",
                Some("statutory-partners"),
                "The statutory partners",
            ),
            (
                "Strategic partners (LSCP and Community Safety Partnership) to agree a response.",
                Some("statutory-partners"),
                "Strategic partners (LSCP and Community Safety Partnership)",
            ),
            (
                "Safeguarding partners should ensure that information is shared.",
                Some("statutory-partners"),
                "Safeguarding partners",
            ),
            (
                "Local police should review its framework.",
                Some("police"),
                "Local police",
            ),
            (
                "Practitioners needs to be able to distinguish fact from hearsay.",
                Some("practitioners"),
                "Practitioners",
            ),
            (
                "LSCP, via the Learning and Improvement Group, should raise awareness.",
                Some("partnership"),
                "LSCP",
            ),
            (
                "Northshire and Eastvale Safeguarding Children Partnership should publish a strategy.",
                Some("partnership"),
                "Northshire and Eastvale Safeguarding Children Partnership",
            ),
            (
                "Children's Social Care must record every referral.",
                Some("local-authority"),
                "Children's Social Care",
            ),
            (
                "All agencies should audit their supervision.",
                Some("all-agencies"),
                "All agencies",
            ),
            (
                "The Department for Education should revise the guidance.",
                Some("national"),
                "The Department for Education",
            ),
            (
                "It is recommended that the Youth Justice Service reviews its screening.",
                Some("youth-justice"),
                "the Youth Justice Service",
            ),
            (
                "In light of these findings, schools should update their policies.",
                Some("education"),
                "schools",
            ),
            (
                "The local community safety partnership to fund outreach.",
                Some("community-safety"),
                "The local community safety partnership",
            ),
            // Not subjects: the agency comes after the verb, or the first
            // words are a topic.
            (
                "Strategy Meetings that highlight the risks should involve the MACE team.",
                None,
                "",
            ),
            ("Children Cared for by the local authority-", None, ""),
            ("Multi-Agency Criminal Exploitation Team (MACE)", None, ""),
            ("Ensure the police share intelligence.", None, ""),
            ("There are potential implications for children.", None, ""),
        ];
        for (text, want, phrase) in cases {
            assert_eq!(code(text), *want, "{text}");
            if want.is_some() {
                assert_eq!(subject(text).unwrap().1, *phrase, "{text}");
            }
        }
    }

    #[test]
    fn lead_ins_and_headings() {
        let lead = |t: &str| lead_in_addressee(t).map(|(a, _)| a.as_str());
        assert_eq!(
            lead("The Board should be assured that:"),
            Some("partnership")
        );
        assert_eq!(
            lead("The review makes the following recommendations to the police:"),
            Some("police")
        );
        assert_eq!(lead("The review recommends that:"), None);
        assert_eq!(
            lead("The review makes four recommendations. The Board should be assured that:"),
            Some("partnership")
        );
        let head = |t: &str| heading_addressee(t).map(|(a, _)| a.as_str());
        assert_eq!(
            head("Recommendations for the partnership"),
            Some("partnership")
        );
        assert_eq!(head("Police"), Some("police"));
        assert_eq!(head("Health recommendations"), Some("health"));
        assert_eq!(head("Practice"), None);
        assert_eq!(head("Summary and Recommendations"), None);
        assert_eq!(head("Working with schools"), None);
    }

    #[test]
    fn stray_close_bracket_before_the_open_one() {
        // Found by fuzzing: a `)` before the first `(` panicked on slicing.
        let text = "Strategic) partners (LSCP and Police) should act.";
        let p = partners(text, Some("Strategic) partners (LSCP and Police)"));
        assert_eq!(p.len(), 2);
        assert!(p.iter().all(|p| p.relation == Relation::Member));
        let p = partners(text, Some("Strategic) partners ("));
        assert!(p.is_empty());
    }

    #[test]
    fn secondary_agencies() {
        let p = partners(
            "The local safeguarding children partnership, working with the local Police should develop a plan.",
            Some("The local safeguarding children partnership"),
        );
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].agency, Some(Agency::Police));
        assert_eq!(p[0].relation, Relation::WorkingWith);
        assert_eq!(p[0].phrase, "the local Police");

        let p = partners(
            "HSSCP to seek assurance from the Police (as the lead partner) that there is a framework.",
            Some("HSSCP"),
        );
        assert_eq!(
            (p[0].agency, p[0].relation),
            (Some(Agency::Police), Relation::AssuranceFrom)
        );

        let p = partners(
            "Strategic partners (LSCP and Community Safety Partnership) to agree a response.",
            Some("Strategic partners (LSCP and Community Safety Partnership)"),
        );
        let got: Vec<_> = p.iter().map(|p| (p.agency, p.relation)).collect();
        assert_eq!(
            got,
            [
                (Some(Agency::Partnership), Relation::Member),
                (Some(Agency::CommunitySafety), Relation::Member)
            ]
        );

        let p = partners(
            "LSCP, via the Learning and Improvement Group, should raise awareness.",
            Some("LSCP"),
        );
        assert_eq!(
            (p[0].agency, p[0].relation),
            (Some(Agency::Partnership), Relation::Via)
        );

        let p = partners(
            "The partnership to work with safeguarding partners and staff within PRU's to establish the extent.",
            Some("The partnership"),
        );
        let got: Vec<_> = p.iter().map(|p| p.agency).collect();
        assert_eq!(
            got,
            [Some(Agency::StatutoryPartners), Some(Agency::Education)]
        );
    }

    #[test]
    fn assurance_style() {
        assert!(is_assurance("LSCP should be assured that agencies act."));
        assert!(is_assurance(
            "HSSCP to seek assurance that MACE decisions are sound."
        ));
        assert!(is_assurance(
            "The partnership should seek reassurance from the police."
        ));
        assert!(!is_assurance("HSSCP to evaluate the training."));
    }
}
