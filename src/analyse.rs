//! Running the analysis over a corpus.
//!
//! Owns the per-document pipeline (read → decode → lay out → sections →
//! records → themes → [`DocumentReport`]), taken by each worker a stage at a
//! time over a batch of documents, and running it over many documents in
//! parallel with rayon. Results come back in input order, so output is the same
//! whatever the number of threads. A document that cannot be read becomes a
//! report with `errors` filled in; it never stops the run.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::corpus::Input;
use crate::document::{Document, Limits, Parsed};
use crate::extract;
use crate::formats::Format;
use crate::matcher::{self, Candidates, Hit, Para};
use crate::model::{ANALYSIS_SCHEMA, Analysis, DocumentReport, RulesetInfo};
use crate::rules::RuleSet;
use crate::sections::SectionKind;
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

/// Groups (of [`GROUP`] documents) a worker may analyse ahead of the
/// oldest group whose reports have not been handed on: enough that a slow
/// document holds no other worker up, few enough that the reports held stay
/// small, however large the corpus.
const AHEAD_PER_THREAD: usize = 4;

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

    /// Runs `f` on these workers, never on the calling thread: rayon runs
    /// work it does not split (a last chunk of one group) on the thread that
    /// asked for it, and each thread that searches builds its own copy of
    /// every pattern's automaton cache (about 10 MB for the built-in rules).
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match &self.0 {
            Some(pool) => pool.install(f),
            // `scope` runs its body on a thread of the global pool.
            None => rayon::scope(|_| f()),
        }
    }
}

/// Analyses `inputs` in parallel and hands each report to `consume` in input
/// order (inputs come sorted by path), as soon as it and every report
/// before it are ready. `consume` runs on the calling thread while the
/// workers go on, so writing output overlaps with analysis. Each worker
/// takes the next group of documents as soon as it has finished one, with no
/// wait for the others' groups to finish: only the next group in order may
/// hold the workers back, and only once they are [`AHEAD_PER_THREAD`] groups
/// each ahead of it, which keeps the reports held few. Paths that could not
/// be walked are handed on as reports with errors, in their place by path.
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
    fn input<'a>((_, w): &(&str, Work<'a>)) -> Result<&'a Input, Box<DocumentReport>> {
        match w {
            Work::Read(input) => Ok(input),
            Work::Unwalkable(e) => Err(Box::new(DocumentReport {
                path: e.path.clone(),
                errors: vec![e.message.clone()],
                ..DocumentReport::default()
            })),
        }
    }
    let groups: Vec<&[(&str, Work)]> = work.chunks(GROUP).collect();
    let workers = Workers::new(settings.jobs);
    let threads = workers.threads().max(1);
    let window = Window::new(groups.len(), AHEAD_PER_THREAD * threads);
    std::thread::scope(|scope| {
        let (finished, arrivals) = std::sync::mpsc::channel::<(usize, Vec<DocumentReport>)>();
        let (groups, window) = (&groups, &window);
        scope.spawn(move || {
            workers.run(|| {
                rayon::scope(|tasks| {
                    for _ in 0..threads {
                        let finished = finished.clone();
                        tasks.spawn(move |_| {
                            // A worker ends once every group is taken
                            // (closing then changes nothing), once the
                            // output is gone, or in a panic that takes its
                            // group's reports with it: in the last two the
                            // others must not wait for the window to move.
                            let _close = CloseOnDrop(window);
                            while let Some(i) = window.take() {
                                let reports = analyse_group(
                                    BATCH_BYTES,
                                    groups[i].iter().map(input),
                                    settings,
                                    on_done,
                                );
                                if finished.send((i, reports)).is_err() {
                                    break;
                                }
                            }
                        });
                    }
                })
            })
        });
        // However the loop below ends (an error from `consume` included),
        // the workers take no more groups.
        let _close = CloseOnDrop(window);
        let mut arrived: BTreeMap<usize, Vec<DocumentReport>> = BTreeMap::new();
        let mut next = 0;
        for (i, reports) in arrivals {
            arrived.insert(i, reports);
            while let Some(reports) = arrived.remove(&next) {
                next += 1;
                window.handed_on(next);
                for r in reports {
                    consume(r)?;
                }
            }
        }
        Ok(())
    })
}

/// Which group of documents a worker takes next, and how far ahead of the
/// reports handed on the workers may go.
struct Window {
    state: std::sync::Mutex<WindowState>,
    moved: std::sync::Condvar,
    groups: usize,
    ahead: usize,
}

struct WindowState {
    /// The next group not yet taken by a worker.
    next: usize,
    /// Groups whose reports have been handed on (all those before this).
    handed_on: usize,
    /// No more groups are wanted.
    closed: bool,
}

impl Window {
    fn new(groups: usize, ahead: usize) -> Window {
        Window {
            state: std::sync::Mutex::new(WindowState {
                next: 0,
                handed_on: 0,
                closed: false,
            }),
            moved: std::sync::Condvar::new(),
            groups,
            ahead: ahead.max(1),
        }
    }

    /// The next group to analyse, waiting while the workers are `ahead`
    /// groups past the reports handed on; `None` once every group is taken
    /// or none is wanted.
    fn take(&self) -> Option<usize> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if state.closed || state.next >= self.groups {
                return None;
            }
            if state.next < state.handed_on + self.ahead {
                state.next += 1;
                return Some(state.next - 1);
            }
            state = self.moved.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Every group before `groups` has been handed on.
    fn handed_on(&self, groups: usize) {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .handed_on = groups;
        self.moved.notify_all();
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        self.moved.notify_all();
    }
}

struct CloseOnDrop<'a>(&'a Window);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Analyses every input, in parallel, returning reports in input order.
/// `on_done` is called after each document (for a progress bar).
pub fn analyse_all(
    inputs: &[Input],
    settings: &Settings,
    on_done: &(dyn Fn() + Sync),
) -> Vec<DocumentReport> {
    run_in_pool(settings.jobs, || {
        analyse_groups(inputs, Ok, settings, on_done)
    })
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
    analyse_group(BATCH_BYTES, std::iter::once(Ok(input)), settings, &|| {})
        .pop()
        .unwrap_or_default()
}

/// Analyses a decoded document.
pub fn analyse_document(doc: Document, settings: &Settings) -> DocumentReport {
    analyse_batch(vec![Ok(Started::new(doc, settings))], settings, &|| {})
        .pop()
        .unwrap_or_default()
}

/// Consecutive documents one worker takes at a time: few enough that a
/// slow document does not leave the other workers short of work for long.
const GROUP: usize = 8;

/// How much text (in bytes) a worker takes through the pipeline at once:
/// a group of typical reviews (60 to 200 KB of text each) fits, while a
/// group of very long documents is split, so that the documents held stay
/// a few megabytes per worker whatever they are like.
const BATCH_BYTES: usize = 1 << 20;

/// Analyses `items` in parallel, a group of [`GROUP`] to a task, returning
/// their reports in order; `input` says what to analyse for each item (or
/// gives the report already made for it).
fn analyse_groups<'a, T: Sync>(
    items: &'a [T],
    input: impl Fn(&'a T) -> Result<&'a Input, Box<DocumentReport>> + Sync,
    settings: &Settings,
    on_done: &(dyn Fn() + Sync),
) -> Vec<DocumentReport> {
    items
        .par_chunks(GROUP)
        .map(|group| analyse_group(BATCH_BYTES, group.iter().map(&input), settings, on_done))
        .flatten_iter()
        .collect()
}

/// Analyses a group of inputs (or reports already made for them) on one
/// worker, in batches of about `batch_bytes` of text, each taken through
/// the pipeline a stage at a time: every document of the batch is read and
/// laid out, then has its records found, then is scanned for literals, then
/// has its candidate patterns searched, then is reported. The automata and
/// tables of each stage then stay in the processor's caches from one
/// document to the next, instead of every stage evicting the others' each
/// document: in paired runs this took 16% off the time of `themes` and 23%
/// off `analyse`. Reports come back in the order of the inputs.
fn analyse_group<'a>(
    batch_bytes: usize,
    inputs: impl Iterator<Item = Result<&'a Input, Box<DocumentReport>>>,
    settings: &Settings,
    on_done: &(dyn Fn() + Sync),
) -> Vec<DocumentReport> {
    let mut reports = Vec::new();
    let mut batch: Vec<Result<Started, Box<DocumentReport>>> = Vec::new();
    let mut held = 0;
    for input in inputs {
        let started = input.and_then(|input| {
            Document::read(input, settings.limits)
                .map(|doc| Started::new(doc, settings))
                .map_err(|e| {
                    Box::new(DocumentReport {
                        path: input.display.clone(),
                        errors: vec![e.to_string()],
                        ..DocumentReport::default()
                    })
                })
        });
        held += started.as_ref().map_or(0, |s| s.parsed.doc.text.len());
        batch.push(started);
        if held >= batch_bytes {
            reports.extend(analyse_batch(std::mem::take(&mut batch), settings, on_done));
            held = 0;
        }
    }
    reports.extend(analyse_batch(batch, settings, on_done));
    reports
}

/// A document read and laid out, on its way through the pipeline.
struct Started {
    parsed: Parsed,
    words: usize,
    lines: usize,
}

impl Started {
    fn new(doc: Document, settings: &Settings) -> Started {
        // Counts of themes need no word count (a pass over every byte).
        let words = if settings.counts_only {
            0
        } else {
            doc.word_count()
        };
        let lines = doc.lines.line_count(&doc.text);
        Started {
            parsed: doc.parse(),
            words,
            lines,
        }
    }
}

/// A document whose records are found: it can be matched.
struct Located {
    started: Started,
    extraction: Option<extract::Extraction>,
    /// The kind of text each paragraph is.
    kinds: Vec<SectionKind>,
}

/// Takes a batch of documents through the rest of the pipeline, a stage
/// at a time (see [`analyse_group`]); entries that are already reports
/// keep their place.
fn analyse_batch(
    batch: Vec<Result<Started, Box<DocumentReport>>>,
    settings: &Settings,
    on_done: &(dyn Fn() + Sync),
) -> Vec<DocumentReport> {
    let rules = &settings.rules;
    let located: Vec<Result<Located, Box<DocumentReport>>> = batch
        .into_iter()
        .map(|s| s.map(|started| locate(started, settings)))
        .collect();
    // The matcher's view of each document, made once for both stages.
    let views: Vec<Option<Vec<Para>>> = located
        .iter()
        .map(|l| {
            l.as_ref()
                .ok()
                .map(|l| themes::paragraph_views(&l.started.parsed, &l.kinds))
        })
        .collect();
    let candidates: Vec<Option<Candidates>> = views
        .iter()
        .map(|paras| {
            paras
                .as_ref()
                .map(|paras| matcher::find_candidates(rules, paras))
        })
        .collect();
    // The whole batch's searches at once, a pattern at a time (see
    // `matcher::find_matches`).
    let scanned: Vec<(&[Para], &Candidates)> = views
        .iter()
        .zip(&candidates)
        .filter_map(|(paras, c)| Some((paras.as_deref()?, c.as_ref()?)))
        .collect();
    let mut matches = matcher::find_matches(rules, &scanned).into_iter();
    let hits: Vec<Vec<Hit>> = located
        .iter()
        .zip(views.iter().zip(&candidates))
        .map(|(l, found)| match found {
            (Some(paras), Some(c)) => {
                // Taken in the order `scanned` holds them, for every
                // document it holds.
                let matches = matches.next().unwrap_or_default();
                match l {
                    Ok(l) => {
                        let spans = themes::section_spans(&l.started.parsed);
                        matcher::hits_from_matches(rules, paras, &spans, c, &matches)
                    }
                    Err(_) => Vec::new(),
                }
            }
            _ => Vec::new(),
        })
        .collect();
    drop(matches);
    drop(scanned);
    drop(candidates);
    drop(views);
    located
        .into_iter()
        .zip(hits)
        .map(|(l, hits)| {
            let report = l.map_or_else(|made| *made, |l| report(l, &hits, settings));
            on_done();
            report
        })
        .collect()
}

/// Finds a document's records (or, for counts only, just the paragraphs
/// they stand in) and so the kind of text each paragraph is.
fn locate(started: Started, settings: &Settings) -> Located {
    let parsed = &started.parsed;
    let (extraction, record_sections) = if settings.counts_only {
        (None, extract::record_sections(parsed))
    } else {
        let x = extract::extract(parsed);
        let sections = x.record_sections();
        (Some(x), sections)
    };
    let kinds = paragraph_kinds(parsed, &record_sections);
    Located {
        started,
        extraction,
        kinds,
    }
}

fn report(located: Located, hits: &[Hit], settings: &Settings) -> DocumentReport {
    let Located {
        started: Started {
            parsed,
            words,
            lines,
        },
        extraction,
        kinds,
    } = located;
    let parsed = &parsed;
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
            hits,
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
    record_sections: &BTreeMap<usize, SectionKind>,
) -> Vec<SectionKind> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Source;
    use crate::rules::RuleSources;

    /// The sample reviews with an unreadable file among them.
    fn inputs(dir: &std::path::Path) -> Vec<Input> {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(corpus)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        paths.sort();
        let binary = dir.join("binary.txt");
        std::fs::write(&binary, b"\x00\x01binary\x00").unwrap();
        paths.insert(2, binary);
        paths
            .into_iter()
            .map(|p| Input {
                display: p.display().to_string(),
                source: Source::File(p),
            })
            .collect()
    }

    fn json(reports: &[DocumentReport]) -> Vec<String> {
        reports
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect()
    }

    #[test]
    fn batches_give_the_reports_of_documents_analysed_alone() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = inputs(dir.path());
        let settings = Settings {
            rules: Arc::new(RuleSet::load(&RuleSources::default()).unwrap()),
            ..Settings::default()
        };
        let alone: Vec<DocumentReport> =
            inputs.iter().map(|i| analyse_input(i, &settings)).collect();
        assert_eq!(alone.len(), 5);
        assert!(
            alone[2].errors[0].contains("binary"),
            "{:?}",
            alone[2].errors
        );
        assert!(
            alone
                .iter()
                .filter(|r| r.errors.is_empty())
                .all(|r| !r.themes.is_empty())
        );
        // Every document its own batch, one batch for all, and batches
        // ended part-way (the sample reviews hold 25 to 80 KB of text).
        for batch_bytes in [1, usize::MAX, 100_000] {
            let batched = analyse_group(batch_bytes, inputs.iter().map(Ok), &settings, &|| {});
            assert_eq!(
                json(&batched),
                json(&alone),
                "batches of {batch_bytes} bytes"
            );
        }
        // Reports already made keep their place.
        let made = DocumentReport {
            path: "made".to_owned(),
            ..DocumentReport::default()
        };
        let mixed = analyse_group(
            usize::MAX,
            [Ok(&inputs[0]), Err(Box::new(made.clone())), Ok(&inputs[1])].into_iter(),
            &settings,
            &|| {},
        );
        assert_eq!(
            json(&mixed),
            json(&[alone[0].clone(), made, alone[1].clone()])
        );
    }

    /// `count` short documents, each naming its own number, and one path
    /// that could not be walked, in a folder of their own.
    fn numbered_inputs(
        dir: &std::path::Path,
        count: usize,
    ) -> (Vec<Input>, Vec<crate::corpus::WalkError>) {
        let inputs = (0..count)
            .map(|n| {
                let path = dir.join(format!("review_{n:03}.txt"));
                std::fs::write(
                    &path,
                    format!("Review {n}\n\nThe child was neglected in review {n}.\n"),
                )
                .unwrap();
                Input {
                    display: path.display().to_string(),
                    source: Source::File(path),
                }
            })
            .collect();
        let unwalkable = vec![crate::corpus::WalkError {
            path: dir.join("review_010x").display().to_string(),
            message: "permission denied".to_owned(),
        }];
        (inputs, unwalkable)
    }

    fn with_built_in_rules(jobs: Option<usize>) -> Settings {
        Settings {
            jobs,
            rules: Arc::new(RuleSet::load(&RuleSources::default()).unwrap()),
            ..Settings::default()
        }
    }

    #[test]
    fn streamed_reports_come_in_path_order_whatever_the_workers() {
        let dir = tempfile::tempdir().unwrap();
        // Many more groups than the workers may take ahead of the reports
        // handed on, so that the window moves.
        let (inputs, unwalkable) = numbered_inputs(dir.path(), 150);
        let alone: Vec<DocumentReport> = {
            let settings = with_built_in_rules(None);
            inputs.iter().map(|i| analyse_input(i, &settings)).collect()
        };
        for jobs in [1, 2, 5] {
            let settings = with_built_in_rules(Some(jobs));
            let mut streamed = Vec::new();
            stream(&inputs, &unwalkable, &settings, &|| {}, |r| {
                streamed.push(r);
                Ok(())
            })
            .unwrap();
            assert_eq!(streamed.len(), 151, "{jobs} workers");
            // The path that could not be walked sorts between 010 and 011.
            let walk_error = streamed.remove(11);
            assert_eq!(walk_error.path, unwalkable[0].path);
            assert_eq!(walk_error.errors, ["permission denied"]);
            assert_eq!(json(&streamed), json(&alone), "{jobs} workers");
        }
    }

    #[test]
    fn workers_go_a_window_ahead_of_a_slow_output_and_stop_on_its_error() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::time::{Duration, Instant};
        let dir = tempfile::tempdir().unwrap();
        let (inputs, _) = numbered_inputs(dir.path(), 400);
        let settings = with_built_in_rules(Some(2));
        // The first group is handed on; the workers may take the groups
        // after it up to their window, and no more.
        let window = (1 + AHEAD_PER_THREAD * 2) * GROUP;
        let analysed = AtomicUsize::new(0);
        let mut analysed_when_it_failed = 0;
        let result = stream(
            &inputs,
            &[],
            &settings,
            &|| {
                analysed.fetch_add(1, Ordering::SeqCst);
            },
            |_| {
                // The output stalls on the first report: the workers fill
                // their window meanwhile, then wait.
                let started = Instant::now();
                while analysed.load(Ordering::SeqCst) < window
                    && started.elapsed() < Duration::from_secs(20)
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                std::thread::sleep(Duration::from_millis(100));
                analysed_when_it_failed = analysed.load(Ordering::SeqCst);
                anyhow::bail!("the output went away")
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "the output went away");
        assert_eq!(analysed_when_it_failed, window);
        // Closed on the error: no worker took another group.
        assert_eq!(analysed.into_inner(), window);
    }

    #[test]
    fn a_worker_that_panics_ends_the_run_with_its_panic() {
        let dir = tempfile::tempdir().unwrap();
        let (inputs, _) = numbered_inputs(dir.path(), 200);
        let settings = with_built_in_rules(Some(2));
        let analysed = std::sync::atomic::AtomicUsize::new(0);
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            stream(
                &inputs,
                &[],
                &settings,
                &|| {
                    if analysed.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 20 {
                        panic!("a bug in the analysis");
                    }
                },
                |_| Ok(()),
            )
        }));
        // Not a hang with the other worker waiting for the lost group.
        assert!(run.is_err());
    }
}
