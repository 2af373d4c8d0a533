//! The command line.
//!
//! Owns the arguments (clap derive), turning them into settings, running the
//! command, the messages on standard error and the exit code. It is a library
//! function, [`run`], so tests can call it in-process; `main.rs` only passes it
//! the real arguments and streams.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::analyse::{self, Settings};
use crate::corpus::{self, Discovery, Input};
use crate::document::{Document, Limits};
use crate::model::{DocumentReport, RulesetInfo, SectionReport};
use crate::report::{self, Format, Sink};

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
    /// Print the text revlens analyses for a document (to check the conversion of a PDF or Word file)
    Extract(ExtractArgs),
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
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let rendered = e.render().to_string();
            let _ = if e.use_stderr() {
                stderr.write_all(rendered.as_bytes())
            } else {
                stdout.write_all(rendered.as_bytes())
            };
            return code;
        }
    };
    let mut msg = Messages {
        err: stderr,
        quiet: cli.quiet,
    };
    let result = match &cli.command {
        Command::Analyse(a) => cmd_analyse(&cli, a, stdout, &mut msg),
        Command::Sections(a) => cmd_sections(&cli, a, stdout, &mut msg),
        Command::Extract(a) => cmd_extract(a, stdout, &mut msg),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => exit::OK,
        Err(e) => {
            msg.error(format!("{e:#}"));
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

fn cmd_analyse(
    cli: &Cli,
    a: &AnalyseArgs,
    stdout: &mut dyn Write,
    msg: &mut Messages,
) -> Result<i32> {
    let mut sink = Sink::open(a.output.output.as_deref(), stdout)?;
    if matches!(a.output.format, Format::Markdown | Format::Html) {
        anyhow::bail!(
            "--format {} is not available for analyse yet; use table, json or csv",
            a.output.format.name()
        );
    }
    let found = discover(&a.paths, msg);
    if found.inputs.is_empty() {
        for e in &found.errors {
            msg.error(format!("{}: {}", e.path, e.message));
        }
        anyhow::bail!(
            "no documents to analyse in {}; revlens reads .txt, .md, .pdf and .docx files",
            a.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let settings = Settings {
        jobs: cli.jobs,
        limits: a.input.limits(),
    };
    let mut reports = analyse::analyse_all(&found.inputs, &settings);
    // Paths that could not be walked are reported like unreadable documents.
    reports.extend(found.errors.iter().map(|e| DocumentReport {
        path: e.path.clone(),
        errors: vec![e.message.clone()],
        ..DocumentReport::default()
    }));
    reports.sort_by(|x, y| x.path.cmp(&y.path));
    let code = report_problems(&reports, msg);
    let analysis = analyse::assemble(reports, RulesetInfo::default(), found.skipped);
    let w = sink.writer();
    match a.output.format {
        Format::Json => report::write_json(w, &analysis)?,
        Format::Csv => report::csv::write_analysis(w, &analysis)?,
        _ => report::table::write_analysis(w, &analysis)?,
    }
    sink.finish()?;
    Ok(code)
}

/// The outline of one document as JSON.
#[derive(serde::Serialize)]
struct OutlineJson<'a> {
    path: &'a str,
    title: Option<&'a str>,
    sections: &'a [SectionReport],
}

fn cmd_sections(
    _cli: &Cli,
    a: &SectionsArgs,
    stdout: &mut dyn Write,
    msg: &mut Messages,
) -> Result<i32> {
    let mut sink = Sink::open(a.output.output.as_deref(), stdout)?;
    if matches!(a.output.format, Format::Markdown | Format::Html) {
        anyhow::bail!(
            "--format {} is not available for sections; use table, json or csv",
            a.output.format.name()
        );
    }
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

/// Inputs, for tests and other front ends.
pub fn inputs_of(paths: &[PathBuf]) -> Vec<Input> {
    corpus::discover(paths).inputs
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
