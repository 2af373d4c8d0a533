//! The `recommendations` and `learning` commands.
//!
//! Owns their arguments and running them: the documents are found and
//! analysed exactly as `revlens analyse` does (same walk, limits, messages
//! and exit codes), then the records are printed by
//! [`crate::report::records`].

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use super::{Cli, InputArgs, Messages, OutputArgs, discover, report_problems};
use crate::analyse::{self, Settings};
use crate::model::DocumentReport;
use crate::report::records::{self, LearningScope};
use crate::report::{Format, Sink};

#[derive(Debug, Args)]
pub(super) struct RecommendationsArgs {
    /// Files and folders to read (folders are walked; `-` reads standard input)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// One row per statement: sub-items of a recommendation get rows of their own
    #[arg(long)]
    leaves: bool,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    input: InputArgs,
}

#[derive(Debug, Args)]
pub(super) struct LearningArgs {
    /// Files and folders to read (folders are walked; `-` reads standard input)
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Also list summary previews of the learning and good practice
    #[arg(long)]
    all: bool,
    #[command(flatten)]
    output: OutputArgs,
    #[command(flatten)]
    input: InputArgs,
}

/// Documents analysed as `revlens analyse` would, sorted by path, with the
/// exit code their problems imply.
fn analysed(
    cli: &Cli,
    paths: &[PathBuf],
    input: &InputArgs,
    msg: &mut Messages,
) -> Result<(Vec<DocumentReport>, i32)> {
    let found = discover(paths, msg);
    if found.inputs.is_empty() {
        for e in &found.errors {
            msg.error(format!("{}: {}", e.path, e.message));
        }
        anyhow::bail!(
            "no documents to read in {}; revlens reads .txt and .md files",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let settings = Settings {
        jobs: cli.jobs,
        limits: input.limits(),
    };
    let mut reports = analyse::analyse_all(&found.inputs, &settings);
    reports.extend(found.errors.iter().map(|e| DocumentReport {
        path: e.path.clone(),
        errors: vec![e.message.clone()],
        ..DocumentReport::default()
    }));
    reports.sort_by(|x, y| x.path.cmp(&y.path));
    let code = report_problems(&reports, msg);
    Ok((reports, code))
}

fn refuse_html(command: &str, format: Format) -> Result<()> {
    if format == Format::Html {
        anyhow::bail!(
            "--format html is not available for {command}; use table, json, csv or markdown"
        );
    }
    Ok(())
}

pub(super) fn cmd_recommendations(
    cli: &Cli,
    a: &RecommendationsArgs,
    stdout: &mut dyn Write,
    msg: &mut Messages,
) -> Result<i32> {
    let mut sink = Sink::open(a.output.output.as_deref(), stdout)?;
    refuse_html("recommendations", a.output.format)?;
    let (docs, code) = analysed(cli, &a.paths, &a.input, msg)?;
    let w = sink.writer();
    match a.output.format {
        Format::Json => records::write_recommendations_json(w, &docs)?,
        Format::Csv => records::write_recommendations_csv(w, &docs, a.leaves)?,
        Format::Markdown => records::write_recommendations_markdown(w, &docs, a.leaves)?,
        _ => records::write_recommendations_table(w, &docs, a.leaves)?,
    }
    sink.finish()?;
    Ok(code)
}

pub(super) fn cmd_learning(
    cli: &Cli,
    a: &LearningArgs,
    stdout: &mut dyn Write,
    msg: &mut Messages,
) -> Result<i32> {
    let mut sink = Sink::open(a.output.output.as_deref(), stdout)?;
    refuse_html("learning", a.output.format)?;
    let (docs, code) = analysed(cli, &a.paths, &a.input, msg)?;
    let scope = if a.all {
        LearningScope::All
    } else {
        LearningScope::Points
    };
    let w = sink.writer();
    match a.output.format {
        Format::Json => records::write_learning_json(w, &docs)?,
        Format::Csv => records::write_learning_csv(w, &docs, scope)?,
        Format::Markdown => records::write_learning_markdown(w, &docs, scope)?,
        _ => records::write_learning_table(w, &docs, scope)?,
    }
    sink.finish()?;
    Ok(code)
}
