//! Recommendations, learning points and good practice as records.
//!
//! Owns turning a [`Parsed`] document into an [`Extraction`]: every
//! recommendation, learning point, summary-learning preview and good-practice
//! item, each with its id as numbered in the document, its full text, its
//! section, its lines and the paragraphs it came from. It is pure: the same
//! document always gives the same records, and nothing is printed.
//!
//! The work is split in two. [`collect`] walks the paragraphs and gathers
//! drafts in every format the reviews use (labels such as `Recommendation 1a`
//! followed by their text, `Recommendation 3: text` on one line, numbered or
//! bulleted lists and numbered table rows under a Recommendations, Learning or
//! Good practice heading, lists introduced by a lead-in, prose items under a
//! recommendations heading). This module then finishes them: splits off the
//! summary previews, drops repeats (a "Table of Recommendations" that lists
//! them all again), gives ids (group-qualified when numbering restarts under
//! sub-headings), reads addressees and flags learning points that restate a
//! recommendation.
//!
//! The heading decides the category: "should" sentences in narrative, quoted
//! national recommendations and guidance are never recommendations, and
//! instructions under a learning heading are learning points.

pub mod agency;
mod collect;
pub mod report;
pub mod similarity;

use std::collections::{BTreeMap, HashSet};

use crate::document::Parsed;
use crate::layout::Paragraph;
use crate::sections::{Section, SectionKind};

pub use agency::{Addressee, AddresseeSource, Agency, Partner, Relation};

use collect::{Category, Draft};

/// A learning point that repeats a recommendation at least this closely
/// (and names the same addressee) restates it.
pub const RESTATEMENT_THRESHOLD: f64 = 0.7;

/// Everything extracted from one document.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    pub recommendations: Vec<Recommendation>,
    /// Learning points and key messages.
    pub learning_points: Vec<LearningPoint>,
    /// Learning listed in a summary near the start ("Summary learning") and
    /// set out again later in the document: previews, not extra points.
    pub summary_learning: Vec<LearningPoint>,
    pub good_practice: Vec<Item>,
}

/// The kind of record a paragraph belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Recommendation,
    LearningPoint,
    KeyMessage,
    SummaryLearning,
    GoodPractice,
}

impl RecordKind {
    /// The kind of text it is, for rules limited to some kinds of section.
    pub fn section_kind(self) -> SectionKind {
        match self {
            RecordKind::Recommendation => SectionKind::Recommendations,
            RecordKind::GoodPractice => SectionKind::GoodPractice,
            RecordKind::LearningPoint | RecordKind::KeyMessage | RecordKind::SummaryLearning => {
                SectionKind::Learning
            }
        }
    }
}

/// How an item is written in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A `Recommendation 1a` / `Learning point 3` line (or heading) with the
    /// text in the paragraph(s) after it.
    Label,
    /// `Recommendation 3: text` in one paragraph.
    InlineLabel,
    /// A numbered or bulleted list item.
    ListItem,
    /// A row of a tab-separated table (`7<TAB>text`).
    TableRow,
    /// A numbered paragraph (`7.2 The partnership should …`) under a
    /// recommendations heading.
    NumberedParagraph,
    /// A plain paragraph: a recommendation written as prose under a
    /// recommendations heading, or a paragraph of a good-practice section
    /// that has no list.
    Paragraph,
}

impl Form {
    pub fn as_str(self) -> &'static str {
        match self {
            Form::Label => "label",
            Form::InlineLabel => "inline-label",
            Form::ListItem => "list-item",
            Form::TableRow => "table-row",
            Form::NumberedParagraph => "numbered-paragraph",
            Form::Paragraph => "paragraph",
        }
    }
}

/// What every record has.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// As numbered in the document (`1`, `1a`, `7.2`), qualified by group
    /// when numbering restarts under sub-headings (`P2`, `S3`); unnumbered
    /// items are numbered on from the last number of their list.
    pub id: String,
    /// Full text: page-break splits re-joined, footnote markers removed,
    /// whitespace folded; sub-items follow the item's own words.
    pub text: String,
    /// A short caption printed with the label ("Recommendation 2:
    /// Information sharing" → "Information sharing").
    pub title: Option<String>,
    /// Index into the outline's sections.
    pub section: usize,
    /// The sub-heading the item sits under inside its part
    /// ("Practice" under "Recommendations"), if any.
    pub group: Option<usize>,
    /// 1-based lines of the first and last source lines.
    pub line: usize,
    pub end_line: usize,
    /// Indices of the paragraphs it came from, label and lead-in included.
    pub paragraphs: Vec<usize>,
    pub form: Form,
    /// Sub-items ("S3a", "S3b"); empty when the item is itself one statement.
    pub leaves: Vec<Leaf>,
    /// Later places where the same item is printed again.
    pub repeats: Vec<Repeat>,
}

/// A sub-item of a record: one statement of a recommendation whose own
/// text is only a label.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    pub id: String,
    pub text: String,
    pub line: usize,
    pub paragraphs: Vec<usize>,
    /// Recommendations only.
    pub addressee: Option<Addressee>,
}

/// A repeat of an item (same id and text, or same text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    pub line: usize,
    pub paragraphs: Vec<usize>,
}

/// A recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    pub item: Item,
    /// The agency asked to act, if the text, its lead-in or its heading
    /// names one.
    pub addressee: Option<Addressee>,
    /// Other agencies it names as sources of assurance, partners or routes.
    pub partners: Vec<Partner>,
    /// It asks for assurance rather than action.
    pub assurance: bool,
}

/// Whether a learning record is a point for practice or a system-level key
/// message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearningKind {
    LearningPoint,
    KeyMessage,
}

impl LearningKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LearningKind::LearningPoint => "learning-point",
            LearningKind::KeyMessage => "key-message",
        }
    }
}

/// A learning point or key message.
#[derive(Debug, Clone, PartialEq)]
pub struct LearningPoint {
    pub item: Item,
    pub kind: LearningKind,
    /// The id of the recommendation (or sub-item) it restates, if any.
    pub restates: Option<String>,
}

impl Extraction {
    /// Statements of recommendations: sub-items count one each, items
    /// without sub-items count one.
    pub fn recommendation_leaf_count(&self) -> usize {
        self.recommendations
            .iter()
            .map(|r| r.item.leaves.len().max(1))
            .sum()
    }

    /// Learning points that do not restate a recommendation.
    pub fn distinct_learning_count(&self) -> usize {
        self.learning_points
            .iter()
            .filter(|l| l.restates.is_none())
            .count()
    }

    /// [`Self::paragraph_kinds`] as kinds of text.
    pub fn record_sections(&self) -> BTreeMap<usize, SectionKind> {
        self.paragraph_kinds()
            .into_iter()
            .map(|(p, k)| (p, k.section_kind()))
            .collect()
    }

    /// Every paragraph that belongs to a record (repeats, labels and
    /// lead-ins included) with the kind of that record, for rules that treat
    /// recommendation or learning text differently from narrative.
    pub fn paragraph_kinds(&self) -> BTreeMap<usize, RecordKind> {
        let mut out = BTreeMap::new();
        let mut add = |item: &Item, kind: RecordKind| {
            let leaves = item.leaves.iter().flat_map(|l| &l.paragraphs);
            let repeats = item.repeats.iter().flat_map(|r| &r.paragraphs);
            for &p in item.paragraphs.iter().chain(leaves).chain(repeats) {
                out.entry(p).or_insert(kind);
            }
        };
        for r in &self.recommendations {
            add(&r.item, RecordKind::Recommendation);
        }
        for l in &self.learning_points {
            let kind = match l.kind {
                LearningKind::LearningPoint => RecordKind::LearningPoint,
                LearningKind::KeyMessage => RecordKind::KeyMessage,
            };
            add(&l.item, kind);
        }
        for l in &self.summary_learning {
            add(&l.item, RecordKind::SummaryLearning);
        }
        for g in &self.good_practice {
            add(g, RecordKind::GoodPractice);
        }
        out
    }
}

/// The paragraphs that belong to a record, with the kind of text the record
/// is: what [`Extraction::paragraph_kinds`] gives at the level rules are
/// scoped by, found without settling ids, repeats and addressees (most of
/// the cost of extraction), for runs that only count themes.
pub fn record_sections(parsed: &Parsed) -> BTreeMap<usize, SectionKind> {
    let drafts = collect::collect(parsed);
    let mut out = BTreeMap::new();
    // The same precedence as `paragraph_kinds`: a paragraph in two records
    // counts as a recommendation first, then as learning.
    for (category, kind) in [
        (Category::Recommendation, SectionKind::Recommendations),
        (Category::Learning, SectionKind::Learning),
        (Category::GoodPractice, SectionKind::GoodPractice),
    ] {
        for d in drafts.iter().filter(|d| d.category == category) {
            for p in d.all_paragraphs() {
                out.entry(p).or_insert(kind);
            }
        }
    }
    out
}

/// Extracts the records of a parsed document.
pub fn extract(parsed: &Parsed) -> Extraction {
    let drafts = collect::collect(parsed);
    let paragraphs = &parsed.layout.paragraphs;
    let sections = &parsed.outline.sections;

    let mut recs = Vec::new();
    let mut learning = Vec::new();
    let mut good = Vec::new();
    for d in drafts {
        match d.category {
            Category::Recommendation => recs.push(d),
            Category::Learning => learning.push(d),
            Category::GoodPractice => good.push(d),
        }
    }
    // A summary near the start previews learning set out later.
    let last_full_learning = learning.iter().filter(|d| !d.summary).map(|d| d.line).max();
    let (previews, learning): (Vec<Draft>, Vec<Draft>) = learning
        .into_iter()
        .partition(|d| d.summary && last_full_learning.is_some_and(|last| last > d.line));

    // Every text compared is numbered with the same words.
    let mut vocabulary = similarity::Vocabulary::default();
    let recs = finish(recs, paragraphs, sections, &mut vocabulary);
    let learning = finish(learning, paragraphs, sections, &mut vocabulary);
    let previews = finish(previews, paragraphs, sections, &mut vocabulary);
    let good = finish(good, paragraphs, sections, &mut vocabulary);

    let recommendations: Vec<Recommendation> = recs
        .into_iter()
        .map(|f| recommendation(f, paragraphs, sections))
        .collect();
    let mut compared = if learning.is_empty() {
        Vec::new()
    } else {
        restatement_candidates(&recommendations)
    };
    let learning_points = learning
        .into_iter()
        .map(|f| {
            let restates = restated(&f.item, &mut compared, &mut vocabulary);
            LearningPoint {
                kind: kind_of(&f),
                item: f.item,
                restates,
            }
        })
        .collect();
    let summary_learning = previews
        .into_iter()
        .map(|f| LearningPoint {
            kind: kind_of(&f),
            item: f.item,
            restates: None,
        })
        .collect();
    Extraction {
        recommendations,
        learning_points,
        summary_learning,
        good_practice: good.into_iter().map(|f| f.item).collect(),
    }
}

fn kind_of(f: &Finished) -> LearningKind {
    if f.draft.key_message {
        LearningKind::KeyMessage
    } else {
        LearningKind::LearningPoint
    }
}

/// A draft with its final id and text.
struct Finished {
    draft: Draft,
    item: Item,
}

/// Drops repeats, numbers, qualifies and builds the items of one list.
fn finish(
    drafts: Vec<Draft>,
    paragraphs: &[Paragraph],
    sections: &[Section],
    vocabulary: &mut similarity::Vocabulary,
) -> Vec<Finished> {
    // Repeats: the same id with (nearly) the same text, or an unnumbered
    // item with the same text as one already seen. A summary's shortened copy
    // of a numbered item is a repeat of it too, whatever its wording.
    let mut kept: Vec<(Draft, String, Vec<Repeat>)> = Vec::new();
    // The words of each kept text, numbered the first time it is compared
    // word by word: most items carry a number of their own, and two items
    // with different numbers are never compared.
    let mut kept_words: Vec<Option<similarity::Passage>> = Vec::new();
    for d in drafts {
        let text = d.text(paragraphs);
        let mut words: Option<similarity::Passage> = None;
        let mut duplicate = None;
        for (k, ((kd, kept_text, _), kw)) in kept.iter().zip(&mut kept_words).enumerate() {
            let same_id = d.written_id.is_some() && d.written_id == kd.written_id;
            let unnumbered = d.written_id.is_none() || kd.written_id.is_none();
            if same_id && kd.summary != d.summary {
                duplicate = Some(k);
                break;
            }
            if !(same_id || unnumbered) {
                continue;
            }
            let words = words.get_or_insert_with(|| vocabulary.passage(&text));
            let kw = kw.get_or_insert_with(|| vocabulary.passage(kept_text));
            if similarity::passages_at_least(words, kw, if same_id { 0.8 } else { 0.9 }) {
                duplicate = Some(k);
                break;
            }
        }
        let Some(k) = duplicate else {
            kept.push((d, text, Vec::new()));
            kept_words.push(words);
            continue;
        };
        let repeat = |d: &Draft| Repeat {
            line: d.line,
            paragraphs: d.all_paragraphs(),
        };
        if kept[k].0.summary && !d.summary {
            // The full text set out in the body is the record; the summary
            // copy before it is the repeat.
            let (old, _, mut repeats) = std::mem::replace(&mut kept[k], (d, text, Vec::new()));
            kept_words[k] = words;
            repeats.insert(0, repeat(&old));
            kept[k].2 = repeats;
        } else {
            let r = repeat(&d);
            kept[k].2.push(r);
        }
    }
    kept.sort_by_key(|(d, _, _)| d.line);

    let mut ids = number(&kept.iter().map(|(d, _, _)| d).collect::<Vec<_>>());
    qualify_restarts(
        &kept.iter().map(|(d, _, _)| d).collect::<Vec<_>>(),
        &mut ids,
        sections,
    );
    make_unique(&mut ids);

    kept.into_iter()
        .zip(ids)
        .map(|((draft, text, repeats), id)| {
            let leaves = draft
                .leaves
                .iter()
                .enumerate()
                .map(|(k, leaf)| Leaf {
                    id: leaf_id(&id, leaf.marker.as_deref(), k),
                    text: fold(&paragraphs[leaf.para].text.as_str()[leaf.skip..]),
                    line: paragraphs[leaf.para].first_line,
                    paragraphs: vec![leaf.para],
                    addressee: None,
                })
                .collect();
            let item = Item {
                id,
                text,
                title: draft.title.clone(),
                section: draft.section,
                group: draft.group,
                line: draft.line,
                end_line: draft.end_line(paragraphs),
                paragraphs: draft.own_paragraphs(),
                form: draft.form,
                leaves,
                repeats,
            };
            Finished { draft, item }
        })
        .collect()
}

/// Ids as written; unnumbered items go on from the last number before them.
fn number(drafts: &[&Draft]) -> Vec<String> {
    let mut last = 0u32;
    drafts
        .iter()
        .map(|d| match &d.written_id {
            Some(id) => {
                if let Some(n) = leading_number(id) {
                    last = last.max(n);
                }
                id.clone()
            }
            None => {
                last += 1;
                last.to_string()
            }
        })
        .collect()
}

fn leading_number(id: &str) -> Option<u32> {
    let digits: String = id.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// When numbering starts again under a new sub-heading (Practice 1–4, then
/// Systems 1–5), every id of the list is qualified by its group: the
/// heading's number when every group has one (`4.1.1`), else a letter from
/// the heading (`P1`, `S1`), else the group's position (`2-1`).
fn qualify_restarts(drafts: &[&Draft], ids: &mut [String], sections: &[Section]) {
    // Segments: runs of items between restarts.
    let mut segments: Vec<Vec<usize>> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (k, d) in drafts.iter().enumerate() {
        let restarts = k > 0
            && d.written_id.is_some()
            && seen.contains(ids[k].as_str())
            && drafts[k - 1].section != d.section;
        if k == 0 || restarts {
            segments.push(Vec::new());
            seen.clear();
        }
        seen.insert(ids[k].as_str());
        if let Some(seg) = segments.last_mut() {
            seg.push(k);
        }
    }
    if segments.len() < 2 {
        return;
    }
    let groups: Vec<usize> = segments
        .iter()
        .map(|seg| common_section(seg.iter().map(|&k| drafts[k].section), sections))
        .collect();
    let letters: Vec<Option<String>> = groups
        .iter()
        .map(|&g| group_letter(&sections[g].title))
        .collect();
    let numbers: Vec<Option<String>> = groups
        .iter()
        .map(|&g| sections[g].number.as_ref().map(|n| format!("{n}.")))
        .collect();
    let distinct = |p: &[Option<String>]| {
        p.iter().all(Option::is_some) && p.iter().collect::<HashSet<_>>().len() == p.len()
    };
    let prefixes: Vec<String> = if distinct(&numbers) {
        numbers.into_iter().flatten().collect()
    } else if distinct(&letters) {
        letters.into_iter().flatten().collect()
    } else {
        (1..=segments.len()).map(|n| format!("{n}-")).collect()
    };
    for (seg, prefix) in segments.iter().zip(prefixes) {
        for &k in seg {
            ids[k] = format!("{prefix}{}", ids[k]);
        }
    }
}

/// The innermost section holding all of `indices`.
fn common_section(mut indices: impl Iterator<Item = usize>, sections: &[Section]) -> usize {
    let Some(first) = indices.next() else {
        return 0;
    };
    let chain = |mut s: usize| {
        let mut out = vec![s];
        while let Some(p) = sections[s].parent {
            out.push(p);
            s = p;
        }
        out
    };
    let mut common = chain(first);
    for s in indices {
        let other = chain(s);
        common.retain(|c| other.contains(c));
    }
    common.first().copied().unwrap_or(0)
}

/// The capital of the first telling word of a group heading ("Practice" →
/// `P`, "Recommendations for Systems" → `S`).
fn group_letter(title: &str) -> Option<String> {
    const FILLER: &[&str] = &[
        "recommendation",
        "recommendations",
        "learning",
        "point",
        "points",
        "key",
        "for",
        "the",
        "a",
        "an",
        "and",
        "of",
        "to",
        "in",
        "on",
        "from",
    ];
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .find(|w| !FILLER.contains(&w.to_lowercase().as_str()))
        .and_then(|w| w.chars().next())
        .map(|c| c.to_uppercase().collect())
}

/// Ids still shared after qualification (numbering errors in the document)
/// get `-2`, `-3`… on their later uses.
fn make_unique(ids: &mut [String]) {
    let mut used: HashSet<String> = HashSet::new();
    for id in ids.iter_mut() {
        if used.contains(id.as_str()) {
            let mut n = 2;
            while used.contains(&format!("{id}-{n}")) {
                n += 1;
            }
            *id = format!("{id}-{n}");
        }
        used.insert(id.clone());
    }
}

/// `S3` + its first sub-item → `S3a`; a written marker is kept (`S3b`,
/// `2iv`); numbered sub-items become `2.1`.
fn leaf_id(parent: &str, marker: Option<&str>, position: usize) -> String {
    match marker {
        Some(m) if m.chars().all(|c| c.is_ascii_alphabetic()) => format!("{parent}{m}"),
        Some(m) => format!("{parent}.{m}"),
        None => {
            let letter = (b'a' + (position % 26) as u8) as char;
            format!("{parent}{letter}")
        }
    }
}

/// Whitespace folded to single spaces.
pub(crate) fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads the addressee, partners and assurance of a finished draft.
fn recommendation(f: Finished, paragraphs: &[Paragraph], sections: &[Section]) -> Recommendation {
    let Finished { draft, mut item } = f;
    let own = draft.own_text(paragraphs);
    let lead_in = draft.lead_in.map(|p| fold(paragraphs[p].as_str()));

    let found = |found: Option<(Agency, String)>, source| {
        found.map(|(agency, phrase)| Addressee {
            agency,
            phrase,
            source,
        })
    };
    let from_table = draft.table_addressee.as_deref().and_then(|cell| {
        agency::agency_in(cell).map(|agency| Addressee {
            agency,
            phrase: cell.to_owned(),
            source: AddresseeSource::Table,
        })
    });
    let from_heading = || {
        let mut s = Some(draft.section);
        while let Some(i) = s {
            if let Some(a) = agency::heading_addressee(&sections[i].title) {
                return Some(a);
            }
            if i == draft.area_root {
                break;
            }
            s = sections[i].parent;
        }
        None
    };
    let base = from_table
        .or_else(|| {
            found(
                lead_in.as_deref().and_then(agency::lead_in_addressee),
                AddresseeSource::LeadIn,
            )
        })
        .or_else(|| found(agency::subject(&own), AddresseeSource::Text))
        .or_else(|| {
            agency::is_instruction(&own)
                .then(from_heading)
                .flatten()
                .map(|(agency, phrase)| Addressee {
                    agency,
                    phrase,
                    source: AddresseeSource::Heading,
                })
        });
    // Sub-items after "The LSCP should:" are finished by the item's own
    // words; sub-items written as bare instructions take its addressee too.
    let introduces = own.trim_end().ends_with(':');
    for leaf in &mut item.leaves {
        leaf.addressee = found(agency::subject(&leaf.text), AddresseeSource::Text).or_else(|| {
            (introduces || agency::is_instruction(&leaf.text))
                .then(|| base.clone())
                .flatten()
        });
    }
    let addressee = base.or_else(|| {
        item.leaves
            .iter()
            .find_map(|l| l.addressee.clone())
            .map(|a| Addressee {
                source: AddresseeSource::SubItem,
                ..a
            })
    });
    let whole = match &lead_in {
        Some(l) => format!("{l} {}", item.text),
        None => item.text.clone(),
    };
    let partners = agency::partners(&item.text, addressee.as_ref().map(|a| a.phrase.as_str()));
    Recommendation {
        assurance: agency::is_assurance(&whole),
        addressee,
        partners,
        item,
    }
}

/// The recommendation a learning point restates: one naming the same
/// addressee whose text (or one of its paragraphs or sub-items) the point
/// repeats closely. A point addressed to someone else ("Utilise the Early
/// Help Assessment…" for practitioners) is learning drawn from the same
/// finding, not a repeat.
fn restated(
    point: &Item,
    candidates: &mut [RestatementCandidate],
    vocabulary: &mut similarity::Vocabulary,
) -> Option<String> {
    let (agency, _) = agency::subject(&point.text)?;
    let mut words = None;
    let mut best: Option<(f64, &str)> = None;
    for c in candidates.iter_mut().filter(|c| c.agency == agency) {
        let words = words.get_or_insert_with(|| vocabulary.passage(&point.text));
        let c_words = c.words.get_or_insert_with(|| vocabulary.passage(c.text));
        // A candidate with too few words in common to reach the threshold,
        // or the best so far, cannot be chosen: not compared run by run.
        let most = similarity::bound(words, c_words);
        if most < RESTATEMENT_THRESHOLD || best.is_some_and(|(b, _)| most <= b) {
            continue;
        }
        let s = similarity::passage_ratio(words, c_words);
        if s >= RESTATEMENT_THRESHOLD && best.is_none_or(|(b, _)| s > b) {
            best = Some((s, c.id));
        }
    }
    best.map(|(_, id)| id.to_owned())
}

/// A recommendation text a learning point may restate: the whole text of
/// each recommendation, each of its parts and each of its lettered leaves,
/// in that order. Its words are numbered the first time a point naming the
/// same addressee is compared with it, once for all the points.
struct RestatementCandidate<'a> {
    text: &'a str,
    words: Option<similarity::Passage>,
    agency: agency::Agency,
    id: &'a str,
}

fn restatement_candidates(recs: &[Recommendation]) -> Vec<RestatementCandidate<'_>> {
    let mut out = Vec::new();
    // Only texts with an addressee can be restated (the point must name
    // the same agency).
    let mut add = |text, addressee: Option<&Addressee>, id| {
        if let Some(a) = addressee {
            out.push(RestatementCandidate {
                text,
                words: None,
                agency: a.agency,
                id,
            });
        }
    };
    for r in recs {
        add(&r.item.text, r.addressee.as_ref(), &r.item.id);
        for part in r.item.text_parts() {
            add(part, r.addressee.as_ref(), &r.item.id);
        }
        for leaf in &r.item.leaves {
            add(&leaf.text, leaf.addressee.as_ref(), &leaf.id);
        }
    }
    out
}

impl Item {
    /// The sentences-or-paragraphs of the text, for comparing a point with
    /// one part of a longer recommendation (a lead-in plus an adopted
    /// national recommendation).
    fn text_parts(&self) -> impl Iterator<Item = &str> {
        self.text
            .split_inclusive(['.', ';', ':'])
            .map(str::trim)
            .filter(|s| s.split_whitespace().count() >= 5)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::layout::Flavour;

    fn recommendation_drafts(parsed: &Parsed) -> Vec<Draft> {
        collect::collect(parsed)
            .into_iter()
            .filter(|d| d.category == Category::Recommendation)
            .collect()
    }

    /// Items are split into words only where they may repeat each other:
    /// items with numbers of their own are compared word by word only with
    /// items of the same number or with none.
    #[test]
    fn only_items_that_may_repeat_each_other_are_split_into_words() {
        let text = "Recommendations\n\n\
            Recommendation 1: The partnership should review its escalation policy.\n\n\
            Recommendation 2: Police should record every missing episode.\n\n\
            Recommendation 3: Schools should share attendance concerns.\n";
        let parsed = Document::from_bytes("r.txt", text.as_bytes(), Flavour::PlainText)
            .unwrap()
            .parse();
        let drafts = recommendation_drafts(&parsed);
        assert_eq!(drafts.len(), 3);
        let mut vocabulary = similarity::Vocabulary::default();
        let finished = finish(
            drafts,
            &parsed.layout.paragraphs,
            &parsed.outline.sections,
            &mut vocabulary,
        );
        assert_eq!(finished.len(), 3);
        assert_eq!(vocabulary.numbered(), 0);

        // The same number twice: the two texts are compared.
        let repeated = text.replace("Recommendation 3", "Recommendation 1");
        let parsed = Document::from_bytes("r.txt", repeated.as_bytes(), Flavour::PlainText)
            .unwrap()
            .parse();
        let mut vocabulary = similarity::Vocabulary::default();
        let finished = finish(
            recommendation_drafts(&parsed),
            &parsed.layout.paragraphs,
            &parsed.outline.sections,
            &mut vocabulary,
        );
        assert_eq!(finished.len(), 3);
        assert!(vocabulary.numbered() > 0);
    }
}
