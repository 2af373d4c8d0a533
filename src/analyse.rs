//! Running the analysis over a corpus.
//!
//! Owns the per-document pipeline (read → decode → lay out → sections → …
//! → [`DocumentReport`]) and running it over many documents in parallel with
//! rayon. Results come back in input order, so output is the same whatever
//! the number of threads. A document that cannot be read becomes a report
//! with `errors` filled in; it never stops the run.

use rayon::prelude::*;

use crate::corpus::Input;
use crate::document::{Document, Limits, Parsed};
use crate::formats::Format;
use crate::model::{ANALYSIS_SCHEMA, Analysis, DocumentReport, RulesetInfo, Summary};

/// How to analyse.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Worker threads; `None` lets rayon choose (one per core).
    pub jobs: Option<usize>,
    pub limits: Limits,
}

/// Analyses every input, in parallel, returning reports in input order.
pub fn analyse_all(inputs: &[Input], settings: &Settings) -> Vec<DocumentReport> {
    run_in_pool(settings.jobs, || {
        inputs
            .par_iter()
            .map(|input| analyse_input(input, settings))
            .collect()
    })
}

/// Runs `f` on a pool of `jobs` threads (the global pool when `None`).
pub fn run_in_pool<T: Send>(jobs: Option<usize>, f: impl FnOnce() -> T + Send) -> T {
    match jobs {
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
        {
            Ok(pool) => pool.install(f),
            Err(_) => f(),
        },
        None => f(),
    }
}

/// Analyses one input; read errors end up in the report.
pub fn analyse_input(input: &Input, settings: &Settings) -> DocumentReport {
    match Document::read(input, settings.limits) {
        Ok(doc) => analyse_document(doc),
        Err(e) => DocumentReport {
            path: input.display.clone(),
            errors: vec![e.to_string()],
            ..DocumentReport::default()
        },
    }
}

/// Analyses a decoded document.
pub fn analyse_document(doc: Document) -> DocumentReport {
    let words = doc.word_count();
    let lines = doc.lines.line_count(&doc.text);
    let parsed = doc.parse();
    report(&parsed, words, lines)
}

fn report(parsed: &Parsed, words: usize, lines: usize) -> DocumentReport {
    DocumentReport {
        path: parsed.doc.path.clone(),
        title: parsed.outline.title.clone(),
        words,
        lines,
        encoding: (parsed.doc.format == Format::Text)
            .then(|| parsed.doc.encoding.name().to_owned()),
        format: Some(parsed.doc.format.name().to_owned()),
        sections: parsed.section_reports(),
        themes: Vec::new(),
        recommendations: Vec::new(),
        learning_points: Vec::new(),
        errors: Vec::new(),
        warnings: parsed.doc.warnings.clone(),
    }
}

/// Wraps document reports into the analysis the JSON contract describes.
pub fn assemble(
    documents: Vec<DocumentReport>,
    ruleset: RulesetInfo,
    skipped_files: usize,
) -> Analysis {
    let summary = Summary {
        documents: documents.len(),
        themes: Vec::new(),
    };
    Analysis {
        schema: ANALYSIS_SCHEMA.to_owned(),
        revlens_version: env!("CARGO_PKG_VERSION").to_owned(),
        ruleset,
        documents,
        summary,
        skipped_files,
    }
}
