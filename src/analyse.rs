//! Running the analysis over a corpus.
//!
//! Owns the per-document pipeline (read → decode → lay out → sections →
//! themes → [`DocumentReport`]) and running it over many documents in parallel
//! with rayon. Results come back in input order, so output is the same
//! whatever the number of threads. A document that cannot be read becomes a
//! report with `errors` filled in; it never stops the run.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::corpus::Input;
use crate::document::{Document, Limits, Parsed};
use crate::extract;
use crate::formats::Format;
use crate::model::{ANALYSIS_SCHEMA, Analysis, DocumentReport, RulesetInfo};
use crate::rules::RuleSet;
use crate::{metadata, tables, themes};

/// How to analyse.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Worker threads; `None` lets rayon choose (one per core).
    pub jobs: Option<usize>,
    pub limits: Limits,
    pub rules: Arc<RuleSet>,
    /// Most evidence items listed per theme and document (`None`: all).
    pub evidence_limit: Option<usize>,
    /// Only theme counts are wanted: records, metadata, the word count and
    /// the list of sections are left out (the paragraphs records stand in
    /// are still found, for rule scoping).
    pub counts_only: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            jobs: None,
            limits: Limits::default(),
            rules: Arc::new(RuleSet::empty()),
            evidence_limit: None,
            counts_only: false,
        }
    }
}

/// Documents analysed together, per worker thread, before their reports
/// are handed on: enough to keep every core busy past a slow document, few
/// enough that the reports held (this chunk and the one being written) stay
/// small, however large the corpus.
const CHUNK_PER_THREAD: usize = 16;

/// Worker threads for a run: rayon's global pool, or one of `jobs` threads.
pub struct Workers(Option<rayon::ThreadPool>);

impl Workers {
    pub fn new(jobs: Option<usize>) -> Workers {
        Workers(jobs.and_then(|n| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n.max(1))
                .build()
                .ok()
        }))
    }

    /// How many threads these workers have.
    pub fn threads(&self) -> usize {
        match &self.0 {
            Some(pool) => pool.current_num_threads(),
            None => rayon::current_num_threads(),
        }
    }

    /// Runs `f` on these workers.
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.0 {
            Some(pool) => pool.install(f),
            None => f(),
        }
    }
}

/// Analyses `inputs` in parallel and hands each report to `consume` in input
/// order (inputs come sorted by path), a chunk at a time: only a few chunks
/// of reports are held at once, however large the corpus. `consume` runs on
/// the calling thread while the workers go on with the next chunk, so
/// writing output overlaps with analysis. Paths that could not be walked are
/// handed on as reports with errors, in their place by path.
pub fn stream(
    inputs: &[Input],
    unwalkable: &[crate::corpus::WalkError],
    settings: &Settings,
    on_done: &(dyn Fn() + Sync),
    mut consume: impl FnMut(DocumentReport) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    enum Work<'a> {
        Read(&'a Input),
        Unwalkable(&'a crate::corpus::WalkError),
    }
    let mut work: Vec<(&str, Work)> = inputs
        .iter()
        .map(|i| (i.display.as_str(), Work::Read(i)))
        .collect();
    work.extend(
        unwalkable
            .iter()
            .map(|e| (e.path.as_str(), Work::Unwalkable(e))),
    );
    work.sort_by(|a, b| a.0.cmp(b.0));
    let workers = Workers::new(settings.jobs);
    let chunk_size = CHUNK_PER_THREAD * workers.threads().max(1);
    std::thread::scope(|scope| {
        // One finished chunk waits while the next is analysed.
        let (finished, chunks) = std::sync::mpsc::sync_channel::<Vec<DocumentReport>>(1);
        let work = &work;
        scope.spawn(move || {
            for chunk in work.chunks(chunk_size) {
                let reports: Vec<DocumentReport> = workers.run(|| {
                    chunk
                        .par_iter()
                        .map(|(_, w)| match w {
                            Work::Read(input) => {
                                let r = analyse_input(input, settings);
                                on_done();
                                r
                            }
                            Work::Unwalkable(e) => DocumentReport {
                                path: e.path.clone(),
                                errors: vec![e.message.clone()],
                                ..DocumentReport::default()
                            },
                        })
                        .collect()
                });
                if finished.send(reports).is_err() {
                    // The consumer stopped on an error: no one wants more.
                    break;
                }
            }
        });
        for reports in chunks {
            for r in reports {
                consume(r)?;
            }
        }
        Ok(())
    })
}

/// Analyses every input, in parallel, returning reports in input order.
/// `on_done` is called after each document (for a progress bar).
pub fn analyse_all(
    inputs: &[Input],
    settings: &Settings,
    on_done: &(dyn Fn() + Sync),
) -> Vec<DocumentReport> {
    map_inputs(
        inputs,
        settings.jobs,
        |input| analyse_input(input, settings),
        on_done,
    )
}

/// Applies `f` to every input in parallel, returning results in input order.
pub fn map_inputs<T: Send>(
    inputs: &[Input],
    jobs: Option<usize>,
    f: impl Fn(&Input) -> T + Sync,
    on_done: &(dyn Fn() + Sync),
) -> Vec<T> {
    run_in_pool(jobs, || {
        inputs
            .par_iter()
            .map(|input| {
                let result = f(input);
                on_done();
                result
            })
            .collect()
    })
}

/// Runs `f` on a pool of `jobs` threads (the global pool when `None`).
pub fn run_in_pool<T: Send>(jobs: Option<usize>, f: impl FnOnce() -> T + Send) -> T {
    Workers::new(jobs).run(f)
}

/// Analyses one input; read errors end up in the report.
pub fn analyse_input(input: &Input, settings: &Settings) -> DocumentReport {
    match Document::read(input, settings.limits) {
        Ok(doc) => analyse_document(doc, settings),
        Err(e) => DocumentReport {
            path: input.display.clone(),
            errors: vec![e.to_string()],
            ..DocumentReport::default()
        },
    }
}

/// Analyses a decoded document.
pub fn analyse_document(doc: Document, settings: &Settings) -> DocumentReport {
    // Counts of themes need no word count (a pass over every byte).
    let words = if settings.counts_only {
        0
    } else {
        doc.word_count()
    };
    let lines = doc.lines.line_count(&doc.text);
    let parsed = doc.parse();
    report(&parsed, words, lines, settings)
}

fn report(parsed: &Parsed, words: usize, lines: usize, settings: &Settings) -> DocumentReport {
    let (extraction, record_sections) = if settings.counts_only {
        (None, extract::record_sections(parsed))
    } else {
        let x = extract::extract(parsed);
        let sections = x.record_sections();
        (Some(x), sections)
    };
    let kinds = paragraph_kinds(parsed, &record_sections);
    let hits = themes::hits(parsed, &settings.rules, &kinds);
    let mut records = extraction
        .map(|x| extract::report::records(&x, &parsed.outline))
        .unwrap_or_default();
    if parsed.doc.source_map.is_some() {
        // A PDF or Word file: say on which page or in which paragraph.
        for r in &mut records.recommendations {
            let at = parsed.doc.locate_line(r.line);
            (r.page, r.paragraph) = (at.page, at.paragraph);
        }
        for l in records
            .learning_points
            .iter_mut()
            .chain(&mut records.summary_learning)
        {
            let at = parsed.doc.locate_line(l.line);
            (l.page, l.paragraph) = (at.page, at.paragraph);
        }
    }
    DocumentReport {
        path: parsed.doc.path.clone(),
        title: parsed.outline.title.clone(),
        metadata: if settings.counts_only {
            Default::default()
        } else {
            metadata::read(parsed)
        },
        words,
        lines,
        encoding: (parsed.doc.format == Format::Text)
            .then(|| parsed.doc.encoding.name().to_owned()),
        format: Some(parsed.doc.format.name().to_owned()),
        sections: if settings.counts_only {
            Vec::new()
        } else {
            parsed.section_reports()
        },
        themes: themes::reports(
            parsed,
            &settings.rules,
            &kinds,
            &hits,
            settings.evidence_limit,
        ),
        recommendations: records.recommendations,
        learning_points: records.learning_points,
        summary_learning: records.summary_learning,
        good_practice: records.good_practice,
        errors: Vec::new(),
        warnings: parsed.doc.warnings.clone(),
    }
}

/// The kind of text each paragraph is, for rules limited to some kinds: its
/// section's kind, except that a recommendation, learning point or
/// good-practice item counts as such wherever it stands (Adam's
/// recommendations sit inside its analysis section).
pub fn paragraph_kinds(
    parsed: &Parsed,
    record_sections: &BTreeMap<usize, crate::sections::SectionKind>,
) -> Vec<crate::sections::SectionKind> {
    let mut kinds = themes::section_kinds(parsed);
    for (&p, &kind) in record_sections {
        if let Some(k) = kinds.get_mut(p) {
            *k = kind;
        }
    }
    kinds
}

/// Wraps document reports into the analysis the JSON contract describes.
pub fn assemble(documents: Vec<DocumentReport>, rules: &RuleSet, skipped_files: usize) -> Analysis {
    let mut acc = tables::Accumulator::new(&rules.themes());
    for d in &documents {
        acc.add(d);
    }
    let (summary, tables) = acc.finish(|t| rules.category(t).map(str::to_owned));
    Analysis {
        schema: ANALYSIS_SCHEMA.to_owned(),
        revlens_version: env!("CARGO_PKG_VERSION").to_owned(),
        ruleset: ruleset_info(rules),
        documents,
        summary,
        tables,
        skipped_files,
    }
}

/// What the output says about the rules that produced it.
pub fn ruleset_info(rules: &RuleSet) -> RulesetInfo {
    RulesetInfo {
        rules: rules.rules.len(),
        fingerprint: rules.fingerprint.clone(),
    }
}
