//! Cross-document tables: the backlog view.
//!
//! Owns tabulating document reports into the tables a board or researcher
//! reads across a corpus: theme prevalence (documents, share, hits), the
//! document × theme matrix, theme co-occurrence (documents having both),
//! themes by the kind of section they appear in, themes by year, and
//! recommendations by addressee. Pure: every number here is a count over
//! [`DocumentReport`]s, so each can be traced back to its evidence.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::DocumentReport;
use crate::sections::SectionKind;

/// All cross-document tables.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Tables {
    /// Documents the counts are over (those that could be read).
    pub documents: usize,
    pub prevalence: Vec<Prevalence>,
    pub matrix: Matrix,
    pub cooccurrence: Vec<Pair>,
    pub by_section_kind: Vec<ThemeBySectionKind>,
    pub by_year: Vec<YearRow>,
    pub addressees: Vec<AddresseeRow>,
}

/// How widespread a theme is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Prevalence {
    pub theme: String,
    pub category: Option<String>,
    /// Documents with at least one hit.
    pub documents: usize,
    /// `documents` over the documents read, 0 to 1.
    pub share: f64,
    pub hits: usize,
}

/// Hits of every theme (columns) in every document (rows).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Matrix {
    pub themes: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MatrixRow {
    pub path: String,
    pub hits: Vec<usize>,
}

/// Two themes found in the same documents.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Pair {
    pub a: String,
    pub b: String,
    /// Documents having both.
    pub documents: usize,
    /// Documents having both over documents having either (Jaccard), 0 to 1.
    pub overlap: f64,
}

/// Where in the reviews a theme is raised.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ThemeBySectionKind {
    pub theme: String,
    /// Hits per section kind.
    pub hits: BTreeMap<SectionKind, usize>,
    /// The theme is raised only in recommendations or learning, never in
    /// the analysis around them (or the reverse): kinds with hits.
    pub kinds: Vec<SectionKind>,
}

/// Themes in the documents of one year.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct YearRow {
    /// `None` for documents whose year could not be read.
    pub year: Option<u16>,
    pub documents: usize,
    /// Theme → documents of that year with the theme.
    pub themes: BTreeMap<String, usize>,
}

impl YearRow {
    /// The `n` themes raised by most documents of the year, most first.
    pub fn top(&self, n: usize) -> Vec<(&str, usize)> {
        let mut top: Vec<(&str, usize)> =
            self.themes.iter().map(|(t, d)| (t.as_str(), *d)).collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        top.truncate(n);
        top
    }
}

/// Recommendations addressed to one kind of agency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AddresseeRow {
    /// `None` for recommendations with no addressee.
    pub addressee: Option<String>,
    pub recommendations: usize,
    pub documents: usize,
}

/// Tabulates readable documents; `themes` lists the theme ids of the rule
/// set (so the matrix has a column for every theme), `category` names their
/// categories.
pub fn tabulate(
    docs: &[DocumentReport],
    themes: &[&str],
    category: impl Fn(&str) -> Option<String>,
) -> Tables {
    let readable: Vec<&DocumentReport> = docs.iter().filter(|d| d.errors.is_empty()).collect();
    let n = readable.len();
    let hits_of =
        |d: &DocumentReport, t: &str| d.themes.iter().find(|x| x.id == t).map_or(0, |x| x.hits);
    // Themes found but not in the list (rules removed since?) still count.
    let mut theme_ids: Vec<String> = themes.iter().map(|t| (*t).to_owned()).collect();
    for d in &readable {
        for t in &d.themes {
            if !theme_ids.contains(&t.id) {
                theme_ids.push(t.id.clone());
            }
        }
    }
    theme_ids.sort();

    let with_theme: BTreeMap<&str, BTreeSet<usize>> = theme_ids
        .iter()
        .map(|t| {
            (
                t.as_str(),
                (0..n).filter(|&i| hits_of(readable[i], t) > 0).collect(),
            )
        })
        .collect();

    let mut prevalence: Vec<Prevalence> = theme_ids
        .iter()
        .map(|t| {
            let documents = with_theme[t.as_str()].len();
            Prevalence {
                theme: t.clone(),
                category: category(t),
                documents,
                share: if n == 0 {
                    0.0
                } else {
                    documents as f64 / n as f64
                },
                hits: readable.iter().map(|d| hits_of(d, t)).sum(),
            }
        })
        .collect();
    prevalence.sort_by(|a, b| {
        b.documents
            .cmp(&a.documents)
            .then(b.hits.cmp(&a.hits))
            .then(a.theme.cmp(&b.theme))
    });

    let matrix = Matrix {
        themes: theme_ids.clone(),
        rows: readable
            .iter()
            .map(|d| MatrixRow {
                path: d.path.clone(),
                hits: theme_ids.iter().map(|t| hits_of(d, t)).collect(),
            })
            .collect(),
    };

    let mut cooccurrence = Vec::new();
    for (i, a) in theme_ids.iter().enumerate() {
        for b in &theme_ids[i + 1..] {
            let (sa, sb) = (&with_theme[a.as_str()], &with_theme[b.as_str()]);
            let both = sa.intersection(sb).count();
            if both > 0 {
                let either = sa.union(sb).count();
                cooccurrence.push(Pair {
                    a: a.clone(),
                    b: b.clone(),
                    documents: both,
                    overlap: both as f64 / either as f64,
                });
            }
        }
    }
    cooccurrence.sort_by(|x, y| {
        y.documents
            .cmp(&x.documents)
            .then(y.overlap.total_cmp(&x.overlap))
            .then((&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });

    let by_section_kind = theme_ids
        .iter()
        .filter_map(|t| {
            let mut hits: BTreeMap<SectionKind, usize> = BTreeMap::new();
            for d in &readable {
                if let Some(x) = d.themes.iter().find(|x| &x.id == t) {
                    for (k, v) in &x.by_section_kind {
                        *hits.entry(*k).or_default() += v;
                    }
                }
            }
            (!hits.is_empty()).then(|| ThemeBySectionKind {
                theme: t.clone(),
                kinds: hits.keys().copied().collect(),
                hits,
            })
        })
        .collect();

    let mut years: BTreeMap<Option<u16>, (usize, BTreeMap<String, usize>)> = BTreeMap::new();
    for d in &readable {
        let row = years.entry(d.metadata.year).or_default();
        row.0 += 1;
        for t in d.themes.iter().filter(|t| t.hits > 0) {
            *row.1.entry(t.id.clone()).or_default() += 1;
        }
    }
    let by_year = years
        .into_iter()
        .map(|(year, (documents, themes))| YearRow {
            year,
            documents,
            themes,
        })
        .collect();

    let mut addressed: BTreeMap<Option<String>, (usize, BTreeSet<usize>)> = BTreeMap::new();
    for (i, d) in readable.iter().enumerate() {
        for r in &d.recommendations {
            let e = addressed.entry(r.addressee.clone()).or_default();
            e.0 += 1;
            e.1.insert(i);
        }
    }
    let mut addressees: Vec<AddresseeRow> = addressed
        .into_iter()
        .map(|(addressee, (recommendations, docs))| AddresseeRow {
            addressee,
            recommendations,
            documents: docs.len(),
        })
        .collect();
    addressees.sort_by(|a, b| {
        b.recommendations
            .cmp(&a.recommendations)
            .then(a.addressee.cmp(&b.addressee))
    });

    Tables {
        documents: n,
        prevalence,
        matrix,
        cooccurrence,
        by_section_kind,
        by_year,
        addressees,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::Metadata;
    use crate::model::{RecommendationReport, ThemeReport};

    fn theme(id: &str, hits: usize, kinds: &[(SectionKind, usize)]) -> ThemeReport {
        ThemeReport {
            id: id.into(),
            hits,
            matches: hits,
            by_section_kind: kinds.iter().copied().collect(),
            evidence: vec![],
        }
    }

    fn doc(
        path: &str,
        year: Option<u16>,
        themes: Vec<ThemeReport>,
        addressees: &[Option<&str>],
    ) -> DocumentReport {
        DocumentReport {
            path: path.into(),
            metadata: Metadata {
                year,
                ..Metadata::default()
            },
            themes,
            recommendations: addressees
                .iter()
                .enumerate()
                .map(|(i, a)| RecommendationReport {
                    id: (i + 1).to_string(),
                    text: "x".into(),
                    addressee: a.map(str::to_owned),
                    section: "Recommendations".into(),
                    line: 1,
                    ..RecommendationReport::default()
                })
                .collect(),
            ..DocumentReport::default()
        }
    }

    #[test]
    fn every_table_counts_documents_and_hits() {
        use SectionKind::*;
        let docs = vec![
            doc(
                "a",
                Some(2020),
                vec![
                    theme("neglect", 3, &[(Analysis, 3)]),
                    theme("poverty", 1, &[(Analysis, 1)]),
                ],
                &[Some("police"), Some("partnership")],
            ),
            doc(
                "b",
                Some(2020),
                vec![theme("neglect", 1, &[(Recommendations, 1)])],
                &[Some("partnership")],
            ),
            doc(
                "c",
                None,
                vec![theme("poverty", 2, &[(Background, 2)])],
                &[None],
            ),
            DocumentReport {
                path: "d".into(),
                errors: vec!["unreadable".into()],
                ..DocumentReport::default()
            },
        ];
        let t = tabulate(&docs, &["neglect", "poverty", "covid-19-impact"], |id| {
            (id == "neglect").then(|| "family".to_owned())
        });
        assert_eq!(t.documents, 3);
        let prev: Vec<(&str, usize, usize)> = t
            .prevalence
            .iter()
            .map(|p| (p.theme.as_str(), p.documents, p.hits))
            .collect();
        assert_eq!(
            prev,
            [
                ("neglect", 2, 4),
                ("poverty", 2, 3),
                ("covid-19-impact", 0, 0)
            ]
        );
        assert!((t.prevalence[0].share - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(t.prevalence[0].category.as_deref(), Some("family"));
        assert_eq!(t.matrix.themes, ["covid-19-impact", "neglect", "poverty"]);
        assert_eq!(t.matrix.rows[0].hits, [0, 3, 1]);
        assert_eq!(t.matrix.rows.len(), 3, "unreadable documents are not rows");
        assert_eq!(t.cooccurrence.len(), 1);
        assert_eq!(
            (
                t.cooccurrence[0].a.as_str(),
                t.cooccurrence[0].b.as_str(),
                t.cooccurrence[0].documents
            ),
            ("neglect", "poverty", 1)
        );
        assert!((t.cooccurrence[0].overlap - 1.0 / 3.0).abs() < 1e-9);
        let neglect = t
            .by_section_kind
            .iter()
            .find(|r| r.theme == "neglect")
            .unwrap();
        assert_eq!(
            neglect.hits,
            BTreeMap::from([(Analysis, 3), (Recommendations, 1)])
        );
        let years: Vec<(Option<u16>, usize, Option<&usize>)> = t
            .by_year
            .iter()
            .map(|y| (y.year, y.documents, y.themes.get("neglect")))
            .collect();
        assert_eq!(years, [(None, 1, None), (Some(2020), 2, Some(&2))]);
        let addr: Vec<(Option<&str>, usize, usize)> = t
            .addressees
            .iter()
            .map(|a| (a.addressee.as_deref(), a.recommendations, a.documents))
            .collect();
        assert_eq!(
            addr,
            [
                (Some("partnership"), 2, 2),
                (None, 1, 1),
                (Some("police"), 1, 1)
            ]
        );
    }
}
