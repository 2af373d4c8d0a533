//! Records as the JSON contract prints them.
//!
//! Owns turning an [`Extraction`] into the serialisable report types of
//! [`crate::model`]: agencies and forms become their documented strings,
//! section indices become section titles, repeats become their lines.

use crate::model::{
    GoodPracticeReport, LeafReport, LearningPointReport, PartnerReport, RecommendationReport,
};
use crate::sections::Outline;

use super::{Extraction, Item, LearningPoint, Recommendation};

/// The records of one document, ready for a [`crate::model::DocumentReport`].
#[derive(Debug, Clone, Default)]
pub struct Records {
    pub recommendations: Vec<RecommendationReport>,
    pub learning_points: Vec<LearningPointReport>,
    pub summary_learning: Vec<LearningPointReport>,
    pub good_practice: Vec<GoodPracticeReport>,
}

/// Converts an extraction; `outline` names the sections.
pub fn records(x: &Extraction, outline: &Outline) -> Records {
    Records {
        recommendations: x
            .recommendations
            .iter()
            .map(|r| recommendation(r, outline))
            .collect(),
        learning_points: x
            .learning_points
            .iter()
            .map(|l| learning(l, l.kind.as_str(), outline))
            .collect(),
        summary_learning: x
            .summary_learning
            .iter()
            .map(|l| learning(l, "summary", outline))
            .collect(),
        good_practice: x
            .good_practice
            .iter()
            .map(|g| GoodPracticeReport {
                id: g.id.clone(),
                text: g.text.clone(),
                section: outline.section_title(g.section).to_owned(),
                line: g.line,
                group: group(g, outline),
                form: g.form.as_str().to_owned(),
                end_line: g.end_line,
            })
            .collect(),
    }
}

fn group(item: &Item, outline: &Outline) -> Option<String> {
    item.group.map(|g| outline.section_title(g).to_owned())
}

fn repeated_at(item: &Item) -> Vec<usize> {
    item.repeats.iter().map(|r| r.line).collect()
}

fn recommendation(r: &Recommendation, outline: &Outline) -> RecommendationReport {
    let item = &r.item;
    RecommendationReport {
        id: item.id.clone(),
        text: item.text.clone(),
        addressee: r.addressee.as_ref().map(|a| a.agency.as_str().to_owned()),
        section: outline.section_title(item.section).to_owned(),
        line: item.line,
        addressee_phrase: r.addressee.as_ref().map(|a| a.phrase.clone()),
        addressee_source: r.addressee.as_ref().map(|a| a.source.as_str().to_owned()),
        partners: r
            .partners
            .iter()
            .map(|p| PartnerReport {
                agency: p.agency.map(|a| a.as_str().to_owned()),
                phrase: p.phrase.clone(),
                relation: p.relation.as_str().to_owned(),
            })
            .collect(),
        assurance: r.assurance,
        group: group(item, outline),
        title: item.title.clone(),
        form: item.form.as_str().to_owned(),
        end_line: item.end_line,
        leaves: item
            .leaves
            .iter()
            .map(|l| LeafReport {
                id: l.id.clone(),
                text: l.text.clone(),
                addressee: l.addressee.as_ref().map(|a| a.agency.as_str().to_owned()),
                addressee_phrase: l.addressee.as_ref().map(|a| a.phrase.clone()),
                line: l.line,
            })
            .collect(),
        repeated_at: repeated_at(item),
        // Pages and paragraphs come from the document (see analyse).
        page: None,
        paragraph: None,
    }
}

fn learning(l: &LearningPoint, kind: &str, outline: &Outline) -> LearningPointReport {
    let item = &l.item;
    LearningPointReport {
        id: item.id.clone(),
        text: item.text.clone(),
        section: outline.section_title(item.section).to_owned(),
        line: item.line,
        kind: kind.to_owned(),
        restates: l.restates.clone(),
        group: group(item, outline),
        title: item.title.clone(),
        form: item.form.as_str().to_owned(),
        end_line: item.end_line,
        repeated_at: repeated_at(item),
        // Pages and paragraphs come from the document (see analyse).
        page: None,
        paragraph: None,
    }
}
