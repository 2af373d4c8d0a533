//! Cross-document tables: the backlog view.
//!
//! Owns tabulating document reports into the tables a board or researcher
//! reads across a corpus: theme prevalence (documents, share, hits), the
//! document × theme matrix, theme co-occurrence (documents having both),
//! themes by the kind of section they appear in, themes by year, and
//! recommendations by addressee. Pure: every number here is a count over
//! [`DocumentReport`]s, so each can be traced back to its evidence.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::extract::similarity;
use crate::model::{DocumentReport, Summary, ThemeSummary};
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

/// Collects what the tables need from each document, one document at a
/// time, so a corpus of any size is tabulated without holding its documents:
/// per document only its path and theme counts are kept (the matrix and
/// co-occurrence need them); totals by section kind, year and addressee are
/// added up as documents arrive.
#[derive(Debug, Default)]
pub struct Accumulator {
    themes: Vec<String>,
    index: HashMap<String, usize>,
    rows: Vec<Row>,
    unreadable: usize,
    /// Hits per (theme index, section kind).
    kind_totals: BTreeMap<(usize, SectionKind), usize>,
    /// Per stated year (or none): documents, and documents per theme index.
    years: BTreeMap<Option<u16>, (usize, BTreeMap<usize, usize>)>,
    /// Per addressee (or none): recommendations, documents.
    addressed: BTreeMap<Option<String>, (usize, usize)>,
}

#[derive(Debug)]
struct Row {
    path: Box<str>,
    /// (theme index, hits), themes with hits only; 32 bits each, as one
    /// row is held for every document of the run (a document would need
    /// gigabytes of text to reach 2³² hits).
    hits: Vec<(u32, u32)>,
}

/// A count or index as the 32 bits a [`Row`] keeps (saturating, though no
/// document comes near).
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Accumulator {
    /// `themes` lists the theme ids of the rule set, so the matrix has a
    /// column for every theme even where no document has it.
    pub fn new(themes: &[&str]) -> Accumulator {
        let mut acc = Accumulator::default();
        for t in themes {
            acc.theme_index(t);
        }
        acc
    }

    fn theme_index(&mut self, id: &str) -> usize {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        self.themes.push(id.to_owned());
        self.index.insert(id.to_owned(), self.themes.len() - 1);
        self.themes.len() - 1
    }

    /// Takes in one document's report.
    pub fn add(&mut self, d: &DocumentReport) {
        if !d.errors.is_empty() {
            self.unreadable += 1;
            return;
        }
        let mut hits = Vec::with_capacity(d.themes.len());
        for t in d.themes.iter().filter(|t| t.hits > 0) {
            let i = self.theme_index(&t.id);
            hits.push((narrow(i), narrow(t.hits)));
            for (k, n) in &t.by_section_kind {
                *self.kind_totals.entry((i, *k)).or_default() += n;
            }
        }
        let year = self.years.entry(d.metadata.year).or_default();
        year.0 += 1;
        for &(i, _) in &hits {
            *year.1.entry(i as usize).or_default() += 1;
        }
        let mut seen_here: Vec<&Option<String>> = Vec::new();
        for r in &d.recommendations {
            let e = self.addressed.entry(r.addressee.clone()).or_default();
            e.0 += 1;
            if !seen_here.contains(&&r.addressee) {
                seen_here.push(&r.addressee);
                e.1 += 1;
            }
        }
        hits.shrink_to_fit();
        self.rows.push(Row {
            path: d.path.as_str().into(),
            hits,
        });
    }

    /// The summary and tables of everything added; `category` names the
    /// category of a theme.
    pub fn finish(self, category: impl Fn(&str) -> Option<String>) -> (Summary, Tables) {
        let n = self.rows.len();
        // Columns in theme-id order.
        let mut order: Vec<usize> = (0..self.themes.len()).collect();
        order.sort_by(|&a, &b| self.themes[a].cmp(&self.themes[b]));
        let mut column = vec![0; self.themes.len()];
        for (c, &t) in order.iter().enumerate() {
            column[t] = c;
        }
        let theme_ids: Vec<String> = order.iter().map(|&t| self.themes[t].clone()).collect();
        let mut docs_with: Vec<Vec<usize>> = vec![Vec::new(); theme_ids.len()];
        let mut hit_totals = vec![0usize; theme_ids.len()];
        let mut kind_totals: Vec<BTreeMap<SectionKind, usize>> =
            vec![BTreeMap::new(); theme_ids.len()];
        for (&(t, k), &h) in &self.kind_totals {
            kind_totals[column[t]].insert(k, h);
        }
        let mut matrix_rows = Vec::with_capacity(n);
        for (r, row) in self.rows.into_iter().enumerate() {
            let mut cells = vec![0; theme_ids.len()];
            for &(t, h) in &row.hits {
                let (t, h) = (t as usize, h as usize);
                let c = column[t];
                cells[c] = h;
                docs_with[c].push(r);
                hit_totals[c] += h;
            }
            matrix_rows.push(MatrixRow {
                path: row.path.into(),
                hits: cells,
            });
        }

        let mut prevalence: Vec<Prevalence> = theme_ids
            .iter()
            .enumerate()
            .map(|(c, t)| Prevalence {
                theme: t.clone(),
                category: category(t),
                documents: docs_with[c].len(),
                share: if n == 0 {
                    0.0
                } else {
                    docs_with[c].len() as f64 / n as f64
                },
                hits: hit_totals[c],
            })
            .collect();
        prevalence.sort_by(|a, b| {
            b.documents
                .cmp(&a.documents)
                .then(b.hits.cmp(&a.hits))
                .then(a.theme.cmp(&b.theme))
        });

        let mut cooccurrence = Vec::new();
        for a in 0..theme_ids.len() {
            for b in a + 1..theme_ids.len() {
                let both = similarity::sorted_intersection(&docs_with[a], &docs_with[b]);
                if both > 0 {
                    let either = docs_with[a].len() + docs_with[b].len() - both;
                    cooccurrence.push(Pair {
                        a: theme_ids[a].clone(),
                        b: theme_ids[b].clone(),
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
            .zip(kind_totals)
            .filter(|(_, hits)| !hits.is_empty())
            .map(|(t, hits)| ThemeBySectionKind {
                theme: t.clone(),
                kinds: hits.keys().copied().collect(),
                hits,
            })
            .collect();

        let themes = &self.themes;
        let by_year = self
            .years
            .into_iter()
            .map(|(year, (documents, per_theme))| YearRow {
                year,
                documents,
                themes: per_theme
                    .into_iter()
                    .map(|(t, n)| (themes[t].clone(), n))
                    .collect(),
            })
            .collect();

        let mut addressees: Vec<AddresseeRow> = self
            .addressed
            .into_iter()
            .map(|(addressee, (recommendations, documents))| AddresseeRow {
                addressee,
                recommendations,
                documents,
            })
            .collect();
        addressees.sort_by(|a, b| {
            b.recommendations
                .cmp(&a.recommendations)
                .then(a.addressee.cmp(&b.addressee))
        });

        let mut summary_themes: Vec<ThemeSummary> = prevalence
            .iter()
            .filter(|p| p.documents > 0)
            .map(|p| ThemeSummary {
                id: p.theme.clone(),
                documents: p.documents,
                hits: p.hits,
            })
            .collect();
        summary_themes.sort_by(|a, b| a.id.cmp(&b.id));
        let summary = Summary {
            documents: n + self.unreadable,
            themes: summary_themes,
        };
        let tables = Tables {
            documents: n,
            prevalence,
            matrix: Matrix {
                themes: theme_ids,
                rows: matrix_rows,
            },
            cooccurrence,
            by_section_kind,
            by_year,
            addressees,
        };
        (summary, tables)
    }
}

/// Tabulates documents held in memory (see [`Accumulator`] for a stream).
pub fn tabulate(
    docs: &[DocumentReport],
    themes: &[&str],
    category: impl Fn(&str) -> Option<String>,
) -> Tables {
    let mut acc = Accumulator::new(themes);
    for d in docs {
        acc.add(d);
    }
    acc.finish(category).1
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
