//! The command line.
//!
//! Owns the arguments (clap derive), turning them into settings (a loaded
//! rule set, limits, thread count), running the command, the messages on
//! standard error and the exit code. It is a library function, [`run`], so
//! tests can call it in-process; `main.rs` only passes it the real arguments
//! and streams.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::analyse::{self, Settings};
use crate::corpus::{self, Discovery};
use crate::document::{Document, Limits};
use crate::model::{DocumentReport, SectionReport};
use crate::report::{self, Format, Sink};
use crate::rules::{LoadError, RuleSet, RuleSources};

mod records;

/// Exit codes of the contract.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FINDINGS: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const UNREADABLE: i32 = 3;
}

#[derive(Debug, Parser)]
#[command(
    name = "revlens",
    version,
    about = "Analyse published child safeguarding case reviews: sections, themes, recommendations and learning points",
    long_about = None,
    after_help = "Exit codes: 0 success, 1 findings (lint) or failing rule examples, 2 usage or rule-file error or no input, 3 some documents could not be read."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Number of documents analysed at once (default: one per CPU core)
    #[arg(long, short = 'j', global = true, value_name = "N")]
    jobs: Option<usize>,
    /// Do not print warnings and notes on standard error
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Full analysis of every document: sections, themes, recommendations, learning points
    #[command(visible_alias = "analyze")]
    Analyse(AnalyseArgs),
    /// The section outline of one document
    Sections(SectionsArgs),
    /// The document × theme table: how often each theme occurs in each document
    Themes(ThemesArgs),
    /// Keyword in context: every match of a pattern with the words around it
    Kwic(KwicArgs),
    /// Check drafts: `path:line:column: severity: rule: message` for every finding
    Lint(LintArgs),
    /// Print the text revlens analyses for a document (to check the conversion of a PDF or Word file)
    Extract(ExtractArgs),
    /// Every recommendation found, one row each, with its addressee
    Recommendations(records::RecommendationsArgs),
    /// Every learning point found, one row each (--all adds previews and good practice)
    Learning(records::LearningArgs),
    /// List the loaded rules, or run every rule's examples
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// List the loaded rules (id, theme, category, scope, lint, examples)
    List {
        #[command(flatten)]
        rules: RuleArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// Print every rule's `any` patterns instead, one per line, with the
        /// rule's case flag (a patterns file for `rg -f` or `grep -E -f`)
        #[arg(long)]
        patterns: bool,
    },
    /// Run every rule's examples; exit 1 if one misbehaves or a rule has none
    Test {
        #[command(flatten)]
        rules: RuleArgs,
    },
}

#[derive(Debug, Args)]
struct AnalyseArgs {
    /// Files and folders to analyse (folders are walked; `-` reads standard input)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    rules: RuleArgs,
    /// List at most N pieces of evidence per theme and document (counts are never capped)
    #[arg(long, value_name = "N")]
    max_evidence: Option<usize>,
}

#[derive(Debug, Args)]
struct ThemesArgs {
    /// Files and folders to analyse (folders are walked; `-` reads standard input)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Debug, Args)]
struct KwicArgs {
    /// A regex (Rust syntax), case-insensitive unless --case-sensitive
    #[arg(value_name = "PATTERN")]
    pattern: String,
    /// Files and folders to search (folders are walked; `-` reads standard input)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Characters of context on each side of a match
    #[arg(long, short = 'C', value_name = "N", default_value_t = 40)]
    context: usize,
    /// Match case exactly
    #[arg(long, short = 's')]
    case_sensitive: bool,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(Debug, Args)]
struct LintArgs {
    /// Drafts to check (files or folders; `-` reads standard input)
    #[arg(value_name = "FILE", required_unless_present = "print_config")]
    paths: Vec<PathBuf>,
    /// Exit with 1 if a finding is at or above this severity
    #[arg(long, value_name = "SEVERITY", default_value = "warning", value_parser = ["info", "warning", "error"])]
    fail_on: String,
    /// Show the configuration (revlens.toml) and lint rules in force, then exit
    #[arg(long)]
    print_config: bool,
    /// Output format: `table` (text, the default) or `json`
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    format: Format,
    /// Write the output to FILE (whole, or not at all) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    rules: RuleArgs,
}

#[derive(Debug, Args)]
struct SectionsArgs {
    /// The document (`-` reads standard input)
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(Debug, Args)]
struct ExtractArgs {
    /// The document (`-` reads standard input)
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Write the text to FILE (whole, or not at all) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(Debug, Args)]
struct OutputArgs {
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "table")]
    format: Format,
    /// Write the output to FILE (whole, or not at all) instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct InputArgs {
    /// Skip files larger than this many MiB (with a message)
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    max_file_size: u64,
}

impl InputArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_bytes: self.max_file_size.saturating_mul(1024 * 1024),
        }
    }
}

#[derive(Debug, Args)]
struct RuleArgs {
    /// Add the rule files (*.toml) in DIR to the rule set (repeatable)
    #[arg(long = "rules", value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Leave out the built-in rules (use only the --rules folders)
    #[arg(long)]
    no_default_rules: bool,
}

/// Messages for the user on standard error.
struct Messages<'a> {
    err: &'a mut dyn Write,
    quiet: bool,
}

impl Messages<'_> {
    fn error(&mut self, what: impl std::fmt::Display) {
        let _ = writeln!(self.err, "revlens: error: {what}");
    }
    fn warning(&mut self, what: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(self.err, "revlens: warning: {what}");
        }
    }
    fn note(&mut self, what: impl std::fmt::Display) {
        if !self.quiet {
            let _ = writeln!(self.err, "revlens: note: {what}");
        }
    }
}

/// Runs revlens with `args` (program name first) and returns the exit code.
pub fn run<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let rendered = e.render().to_string();
            return if e.use_stderr() {
                let _ = stderr.write_all(rendered.as_bytes());
                exit::USAGE
            } else {
                let _ = stdout.write_all(rendered.as_bytes());
                exit::OK
            };
        }
    };
    let mut msg = Messages {
        err: stderr,
        quiet: cli.quiet,
    };
    let result = match &cli.command {
        Command::Analyse(a) => cmd_analyse(&cli, a, stdout, &mut msg),
        Command::Sections(a) => cmd_sections(a, stdout, &mut msg),
        Command::Themes(a) => cmd_themes(&cli, a, stdout, &mut msg),
        Command::Kwic(a) => cmd_kwic(&cli, a, stdout, &mut msg),
        Command::Lint(a) => cmd_lint(&cli, a, stdout, &mut msg),
        Command::Rules {
            command:
                RulesCommand::List {
                    rules,
                    output,
                    patterns,
                },
        } => cmd_rules_list(rules, output, *patterns, stdout),
        Command::Rules {
            command: RulesCommand::Test { rules },
        } => cmd_rules_test(rules, stdout),
        Command::Recommendations(a) => records::cmd_recommendations(&cli, a, stdout, &mut msg),
        Command::Learning(a) => records::cmd_learning(&cli, a, stdout, &mut msg),
        Command::Extract(a) => cmd_extract(a, stdout, &mut msg),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => exit::OK,
        Err(e) => {
            if let Some(load) = e.downcast_ref::<LoadError>() {
                for p in &load.problems {
                    msg.error(p);
                }
                let n = load.problems.len();
                msg.error(format!(
                    "{n} problem{} in the rule files; fix {} and run again",
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "it" } else { "them" }
                ));
            } else {
                msg.error(format!("{e:#}"));
            }
            exit::USAGE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn refuse_formats(format: Format, allowed: &[Format], command: &str) -> Result<()> {
    if allowed.contains(&format) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
    anyhow::bail!(
        "--format {} is not available for {command}; use {}",
        format.name(),
        names.join(", ")
    )
}

/// Loads the rule set the arguments ask for.
fn load_rules(args: &RuleArgs) -> Result<Arc<RuleSet>> {
    load_rules_with(args, &[])
}

/// Loads the rule set of the arguments plus extra folders (from a config).
fn load_rules_with(args: &RuleArgs, extra: &[PathBuf]) -> Result<Arc<RuleSet>> {
    let mut dirs = args.dirs.clone();
    dirs.extend(extra.iter().cloned());
    if args.no_default_rules && dirs.is_empty() {
        anyhow::bail!("--no-default-rules leaves no rules; add at least one --rules DIR");
    }
    let set = Arc::new(RuleSet::load(&RuleSources {
        no_default_rules: args.no_default_rules,
        dirs,
    })?);
    // Kept to the end of the process, whose memory the system takes back
    // at once: freeing the compiled rules block by block took about a
    // twentieth of the instructions of linting one draft.
    static KEPT: std::sync::OnceLock<Arc<RuleSet>> = std::sync::OnceLock::new();
    let _ = KEPT.set(set.clone());
    Ok(set)
}

/// Walks the paths, reporting what was skipped or could not be walked.
fn discover(paths: &[PathBuf], msg: &mut Messages) -> Discovery {
    let found = corpus::discover(paths);
    for w in &found.warnings {
        msg.warning(format!("{}: {}", w.path, w.message));
    }
    if found.skipped > 0 {
        let kinds: Vec<_> = found.skipped_kinds.iter().map(String::as_str).collect();
        msg.note(format!(
            "skipped {} file{} that {} not .txt, .md, .pdf or .docx ({})",
            found.skipped,
            if found.skipped == 1 { "" } else { "s" },
            if found.skipped == 1 { "is" } else { "are" },
            kinds.join(", ")
        ));
    }
    found
}

/// Reports per-document problems and returns the exit code they imply.
fn report_problems(reports: &[DocumentReport], msg: &mut Messages) -> i32 {
    let mut code = exit::OK;
    for r in reports {
        for e in &r.errors {
            msg.error(format!("{}: {e}", r.path));
            code = exit::UNREADABLE;
        }
        for w in &r.warnings {
            msg.warning(format!("{}: {w}", r.path));
        }
    }
    code
}

/// Walks `paths` and insists on finding at least one document.
fn discover_inputs(paths: &[PathBuf], msg: &mut Messages) -> Result<Discovery> {
    let found = discover(paths, msg);
    if found.inputs.is_empty() {
        for e in &found.errors {
            msg.error(format!("{}: {}", e.path, e.message));
        }
        let named: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        anyhow::bail!(
            "no documents to analyse in {}; revlens reads .txt, .md, .pdf and .docx files",
            named.join(", ")
        );
    }
    Ok(found)
}

/// Documents beyond which a run shows a progress bar (on a terminal).
const PROGRESS_THRESHOLD: usize = 20;

/// A progress bar on standard error, only when it is a terminal, the run is
/// long enough to need one and the user did not ask for quiet. Plain (no
/// colour) when NO_COLOR is set.
fn progress_bar(documents: usize, quiet: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if quiet || documents <= PROGRESS_THRESHOLD || !io::stderr().is_terminal() {
        return None;
    }
    let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let template = if colour {
        "{bar:40.cyan/blue} {pos}/{len} documents  {elapsed_precise} (eta {eta})"
    } else {
        "{bar:40} {pos}/{len} documents  {elapsed_precise} (eta {eta})"
    };
    let bar = indicatif::ProgressBar::new(documents as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// Walks and analyses `paths`; paths that could not be walked become reports
/// with errors. Returns the reports sorted by path, the number of skipped
/// files and the exit code.
fn analyse_paths(
    paths: &[PathBuf],
    settings: &Settings,
    msg: &mut Messages,
) -> Result<(Vec<DocumentReport>, usize, i32)> {
    let found = discover_inputs(paths, msg)?;
    let bar = progress_bar(found.inputs.len(), msg.quiet);
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let mut reports = analyse::analyse_all(&found.inputs, settings, &tick);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    reports.extend(found.errors.iter().map(|e| DocumentReport {
        path: e.path.clone(),
        errors: vec![e.message.clone()],
        ..DocumentReport::default()
    }));
    reports.sort_by(|x, y| x.path.cmp(&y.path));
    let code = report_problems(&reports, msg);
    Ok((reports, found.skipped, code))
}

fn cmd_lint(cli: &Cli, a: &LintArgs, stdout: &mut dyn Write, msg: &mut Messages) -> Result<i32> {
    use std::collections::BTreeMap;

    use crate::lint::{self, LintConfig};
    use crate::rules::{LoadError, Severity};

    refuse_formats(a.format, &[Format::Table, Format::Json], "lint")?;
    let config_for = |path: &std::path::Path| -> Result<LintConfig> {
        lint::config::find(path).map_err(|e| anyhow::Error::new(LoadError { problems: vec![e] }))
    };
    if a.print_config {
        let start = a
            .paths
            .first()
            .filter(|p| p.as_os_str() != "-")
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let config = config_for(&start)?;
        let rules = load_rules_with(&a.rules, &config.rules)?;
        let mut sink = Sink::open(a.output.as_deref(), stdout)?;
        report::lint::write_config(sink.writer(), &config, &rules)?;
        sink.finish()?;
        return Ok(exit::OK);
    }
    let mut sink = Sink::open(a.output.as_deref(), stdout)?;
    let found = discover_inputs(&a.paths, msg)?;
    // Each draft takes the revlens.toml above it; load each rule set once.
    let mut configs = Vec::with_capacity(found.inputs.len());
    let mut rule_sets: BTreeMap<Option<PathBuf>, Arc<RuleSet>> = BTreeMap::new();
    for input in &found.inputs {
        let path = match &input.source {
            crate::corpus::Source::File(p) => p.clone(),
            crate::corpus::Source::Stdin => PathBuf::from("."),
        };
        let config = config_for(&path)?;
        if !rule_sets.contains_key(&config.file) {
            rule_sets.insert(
                config.file.clone(),
                load_rules_with(&a.rules, &config.rules)?,
            );
        }
        configs.push(config);
    }
    let limits = a.input.limits();
    let indexed: Vec<(usize, &crate::corpus::Input)> = found.inputs.iter().enumerate().collect();
    let results = analyse::run_in_pool(cli.jobs, || {
        use rayon::prelude::*;
        indexed
            .par_iter()
            .map(|&(i, input)| {
                let config = &configs[i];
                let rules = &rule_sets[&config.file];
                Document::read(input, limits).map(|doc| {
                    let warnings = doc.warnings.clone();
                    (warnings, lint::lint(&doc.parse(), rules, config))
                })
            })
            .collect::<Vec<_>>()
    });
    let mut code = exit::OK;
    let mut diagnostics = Vec::new();
    for (input, result) in found.inputs.iter().zip(results) {
        match result {
            Ok((warnings, found_diagnostics)) => {
                for w in warnings {
                    msg.warning(format!("{}: {w}", input.display));
                }
                diagnostics.extend(found_diagnostics);
            }
            Err(e) => {
                msg.error(format!("{}: {e}", input.display));
                code = exit::UNREADABLE;
            }
        }
    }
    for e in &found.errors {
        msg.error(format!("{}: {}", e.path, e.message));
        code = exit::UNREADABLE;
    }
    let w = sink.writer();
    match a.format {
        Format::Json => report::lint::write_json(w, &diagnostics)?,
        _ => report::lint::write_text(w, &diagnostics)?,
    }
    sink.finish()?;
    let fail_on = Severity::parse(&a.fail_on).unwrap_or(Severity::Warning);
    if code == exit::OK && lint::fails(&diagnostics, fail_on) {
        code = exit::FINDINGS;
    }
    Ok(code)
}

fn cmd_kwic(cli: &Cli, a: &KwicArgs, stdout: &mut dyn Write, msg: &mut Messages) -> Result<i32> {
    refuse_formats(
        a.output.format,
        &[Format::Table, Format::Json, Format::Csv],
        "kwic",
    )?;
    let pattern = regex::RegexBuilder::new(&a.pattern)
        .case_insensitive(!a.case_sensitive)
        .build()
        .map_err(|e| {
            anyhow::anyhow!(
                "the pattern {:?} is not a valid regex: {}",
                a.pattern,
                crate::rules::compile::one_line(&e.to_string())
            )
        })?;
    let mut sink = Sink::open(a.output.output.as_deref(), stdout)?;
    let found = discover_inputs(&a.paths, msg)?;
    let limits = a.input.limits();
    let bar = progress_bar(found.inputs.len(), msg.quiet);
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let results = analyse::map_inputs(
        &found.inputs,
        cli.jobs,
        |input| {
            Document::read(input, limits).map(|doc| {
                (
                    doc.warnings.clone(),
                    crate::kwic::concordance(&doc.parse(), &pattern, a.context),
                )
            })
        },
        &tick,
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let mut code = exit::OK;
    let mut lines = Vec::new();
    for (input, result) in found.inputs.iter().zip(results) {
        match result {
            Ok((warnings, found_lines)) => {
                for w in warnings {
                    msg.warning(format!("{}: {w}", input.display));
                }
                lines.extend(found_lines);
            }
            Err(e) => {
                msg.error(format!("{}: {e}", input.display));
                code = exit::UNREADABLE;
            }
        }
    }
    for e in &found.errors {
        msg.error(format!("{}: {}", e.path, e.message));
        code = exit::UNREADABLE;
    }
    let w = sink.writer();
    match a.output.format {
        Format::Json => report::kwic::write_json(w, &a.pattern, &lines)?,
        Format::Csv => report::kwic::write_csv(w, &lines)?,
        _ => report::kwic::write_text(w, &lines, a.context)?,
    }
    sink.finish()?;
    Ok(code)
}

/// Walks `paths` and streams every document's report, in path order, to
/// `consume` (paths that could not be walked come as reports with errors).
/// Problems are told on standard error as they come. Returns the number of
/// skipped files and the exit code.
fn stream_paths(
    paths: &[PathBuf],
    settings: &Settings,
    msg: &mut Messages,
    mut consume: impl FnMut(DocumentReport) -> Result<()>,
) -> Result<(usize, i32)> {
    let found = discover_inputs(paths, msg)?;
    let bar = progress_bar(found.inputs.len(), msg.quiet);
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let mut code = exit::OK;
    analyse::stream(&found.inputs, &found.errors, settings, &tick, |report| {
        if report_problems(std::slice::from_ref(&report), msg) != exit::OK {
            code = exit::UNREADABLE;
        }
        consume(report)
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    Ok((found.skipped, code))
}

fn cmd_analyse(
    cli: &Cli,
    a: &AnalyseArgs,
    stdout: &mut dyn Write,
    msg: &mut Messages,
) -> Result<i32> {
    refuse_formats(
        a.output.format,
        &[
            Format::Table,
            Format::Json,
            Format::Csv,
            Format::Markdown,
            Format::Html,
        ],
        "analyse",
    )?;
    let mut sink = Sink::open(a.output.output.as_deref(), stdout)?;
    let rules = load_rules(&a.rules)?;
    let settings = Settings {
        jobs: cli.jobs,
        limits: a.input.limits(),
        rules: rules.clone(),
        evidence_limit: a.max_evidence,
        counts_only: false,
    };
    let mut acc = crate::tables::Accumulator::new(&rules.themes());
    let category = |t: &str| rules.category(t).map(str::to_owned);
    let code = match a.output.format {
        // The machine formats are written a document at a time: memory stays
        // flat however large the corpus.
        Format::Json => {
            let mut out =
                report::json::AnalysisWriter::begin(sink.writer(), &analyse::ruleset_info(&rules))?;
            let (skipped, code) = stream_paths(&a.paths, &settings, msg, |d| {
                acc.add(&d);
                Ok(out.document(&d)?)
            })?;
            let (summary, tables) = acc.finish(category);
            out.finish(&summary, &tables, skipped)?;
            code
        }
        Format::Csv => {
            let mut out = report::csv::AnalysisCsv::begin(sink.writer())?;
            let (_, code) = stream_paths(&a.paths, &settings, msg, |d| out.row(&d))?;
            out.finish()?;
            code
        }
        Format::Table => {
            let mut lines = Vec::new();
            let (_, code) = stream_paths(&a.paths, &settings, msg, |d| {
                lines.push(report::table::DocumentLine::of(&d));
                Ok(())
            })?;
            report::table::write_analysis(sink.writer(), &lines)?;
            code
        }
        // The reports show every document's evidence, so they hold them all.
        Format::Markdown | Format::Html => {
            let (reports, skipped, code) = analyse_paths(&a.paths, &settings, msg)?;
            let analysis = analyse::assemble(reports, &rules, skipped);
            match a.output.format {
                Format::Markdown => report::markdown::write(sink.writer(), &analysis)?,
                _ => report::html::write(sink.writer(), &analysis)?,
            }
            code
        }
    };
    sink.finish()?;
    Ok(code)
}

fn cmd_themes(
    cli: &Cli,
    a: &ThemesArgs,
    stdout: &mut dyn Write,
    msg: &mut Messages,
) -> Result<i32> {
    refuse_formats(
        a.output.format,
        &[Format::Table, Format::Json, Format::Csv],
        "themes",
    )?;
    let mut sink = Sink::open(a.output.output.as_deref(), stdout)?;
    let rules = load_rules(&a.rules)?;
    // Counts only: no evidence, records or metadata are collected.
    let settings = Settings {
        jobs: cli.jobs,
        limits: a.input.limits(),
        rules: rules.clone(),
        evidence_limit: Some(0),
        counts_only: true,
    };
    let themes = rules.themes();
    let mut acc = crate::tables::Accumulator::new(&themes);
    let category = |t: &str| rules.category(t).map(str::to_owned);
    let code = match a.output.format {
        Format::Csv => {
            let mut out = report::themes::ThemesCsv::begin(sink.writer(), &themes)?;
            let (_, code) = stream_paths(&a.paths, &settings, msg, |d| out.row(&d))?;
            out.finish()?;
            code
        }
        Format::Json => {
            let mut out = report::themes::ThemesJson::begin(
                sink.writer(),
                &analyse::ruleset_info(&rules),
                &themes,
            )?;
            let (_, code) = stream_paths(&a.paths, &settings, msg, |d| {
                acc.add(&d);
                out.document(&d)
            })?;
            out.finish(&acc.finish(category).1)?;
            code
        }
        _ => {
            let (_, code) = stream_paths(&a.paths, &settings, msg, |d| {
                acc.add(&d);
                Ok(())
            })?;
            report::themes::write_table(sink.writer(), &acc.finish(category).1)?;
            code
        }
    };
    sink.finish()?;
    Ok(code)
}

fn cmd_rules_list(
    args: &RuleArgs,
    output: &OutputArgs,
    patterns: bool,
    stdout: &mut dyn Write,
) -> Result<i32> {
    refuse_formats(
        output.format,
        &[Format::Table, Format::Json, Format::Csv],
        "rules list",
    )?;
    let mut sink = Sink::open(output.output.as_deref(), stdout)?;
    let rules = load_rules(args)?;
    let w = sink.writer();
    if patterns {
        for r in &rules.rules {
            for p in &r.any {
                writeln!(
                    w,
                    "{}{}",
                    if r.case_sensitive { "" } else { "(?i)" },
                    p.source
                )?;
            }
        }
        sink.finish()?;
        return Ok(exit::OK);
    }
    match output.format {
        Format::Json => report::rules::write_list_json(w, &rules)?,
        Format::Csv => report::rules::write_list_csv(w, &rules)?,
        _ => report::rules::write_list_table(w, &rules)?,
    }
    sink.finish()?;
    Ok(exit::OK)
}

fn cmd_rules_test(args: &RuleArgs, stdout: &mut dyn Write) -> Result<i32> {
    let rules = load_rules(args)?;
    let checks = crate::rules::check::check(&rules);
    let passed = report::rules::write_test(stdout, &checks)?;
    stdout.flush()?;
    Ok(if passed { exit::OK } else { exit::FINDINGS })
}

/// The outline of one document as JSON.
#[derive(serde::Serialize)]
struct OutlineJson<'a> {
    path: &'a str,
    title: Option<&'a str>,
    sections: &'a [SectionReport],
}

fn cmd_sections(a: &SectionsArgs, stdout: &mut dyn Write, msg: &mut Messages) -> Result<i32> {
    refuse_formats(
        a.output.format,
        &[Format::Table, Format::Json, Format::Csv],
        "sections",
    )?;
    let mut sink = Sink::open(a.output.output.as_deref(), stdout)?;
    let found = discover(std::slice::from_ref(&a.file), msg);
    let Some(input) = found.inputs.first() else {
        let why = found
            .errors
            .first()
            .map_or("no document found".to_owned(), |e| {
                format!("{}: {}", e.path, e.message)
            });
        anyhow::bail!("{why}");
    };
    if found.inputs.len() > 1 {
        anyhow::bail!(
            "sections takes one document; {} is a folder of {}",
            a.file.display(),
            found.inputs.len()
        );
    }
    let doc = match Document::read(input, a.input.limits()) {
        Ok(d) => d,
        Err(e) => {
            msg.error(format!("{}: {e}", input.display));
            return Ok(exit::UNREADABLE);
        }
    };
    for w in &doc.warnings {
        msg.warning(format!("{}: {w}", doc.path));
    }
    let parsed = doc.parse();
    let sections = parsed.section_reports();
    let w = sink.writer();
    match a.output.format {
        Format::Json => report::write_json(
            w,
            &OutlineJson {
                path: &parsed.doc.path,
                title: parsed.outline.title.as_deref(),
                sections: &sections,
            },
        )?,
        Format::Csv => report::csv::write_outline(w, &parsed.doc.path, &sections)?,
        _ => report::table::write_outline(
            w,
            &parsed.doc.path,
            parsed.outline.title.as_deref(),
            &sections,
        )
        .context("writing the outline")?,
    }
    sink.finish()?;
    Ok(exit::OK)
}

/// Reads the one document a command works on: `Ok(Err(code))` when it
/// cannot be read (the error is reported), `Err` for a usage problem.
fn read_one(
    file: &std::path::Path,
    command: &str,
    limits: Limits,
    msg: &mut Messages,
) -> Result<Result<Document, i32>> {
    let found = discover(std::slice::from_ref(&file.to_path_buf()), msg);
    let Some(input) = found.inputs.first() else {
        let why = found
            .errors
            .first()
            .map_or("no document found".to_owned(), |e| {
                format!("{}: {}", e.path, e.message)
            });
        anyhow::bail!("{why}");
    };
    if found.inputs.len() > 1 {
        anyhow::bail!(
            "{command} takes one document; {} is a folder of {}",
            file.display(),
            found.inputs.len()
        );
    }
    let doc = match Document::read(input, limits) {
        Ok(d) => d,
        Err(e) => {
            msg.error(format!("{}: {e}", input.display));
            return Ok(Err(exit::UNREADABLE));
        }
    };
    for w in &doc.warnings {
        msg.warning(format!("{}: {w}", doc.path));
    }
    Ok(Ok(doc))
}

fn cmd_extract(a: &ExtractArgs, stdout: &mut dyn Write, msg: &mut Messages) -> Result<i32> {
    let mut sink = Sink::open(a.output.as_deref(), stdout)?;
    let doc = match read_one(&a.file, "extract", a.input.limits(), msg)? {
        Ok(doc) => doc,
        Err(code) => return Ok(code),
    };
    let w = sink.writer();
    w.write_all(doc.text.as_bytes())?;
    if !doc.text.is_empty() && !doc.text.ends_with('\n') {
        w.write_all(b"\n")?;
    }
    sink.finish()?;
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_valid() {
        Cli::command().debug_assert();
    }
}
