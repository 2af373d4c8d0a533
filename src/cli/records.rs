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

use std::sync::Arc;

use super::{Cli, InputArgs, Messages, OutputArgs, analyse_paths, refuse_formats};
use crate::analyse::Settings;
use crate::model::DocumentReport;
use crate::report::records::{self, LearningScope};
use crate::report::{Format, Sink};
use crate::rules::RuleSet;

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

/// Documents analysed as `revlens analyse` would (same walk, limits,
/// messages and exit codes), sorted by path. Records need no themes, so no
/// rules run.
fn analysed(
    cli: &Cli,
    paths: &[PathBuf],
    input: &InputArgs,
    msg: &mut Messages,
) -> Result<(Vec<DocumentReport>, i32)> {
    let settings = Settings {
        jobs: cli.jobs,
        limits: input.limits(),
        rules: Arc::new(RuleSet::empty()),
        evidence_limit: Some(0),
        counts_only: false,
    };
    let (reports, _skipped, code) = analyse_paths(paths, &settings, msg)?;
    Ok((reports, code))
}

/// The formats the record commands offer.
const RECORD_FORMATS: &[Format] = &[Format::Table, Format::Json, Format::Csv, Format::Markdown];

pub(super) fn cmd_recommendations(
    cli: &Cli,
    a: &RecommendationsArgs,
    stdout: &mut dyn Write,
    msg: &mut Messages,
) -> Result<i32> {
    let mut sink = Sink::open(a.output.output.as_deref(), stdout)?;
    refuse_formats(a.output.format, RECORD_FORMATS, "recommendations")?;
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
    refuse_formats(a.output.format, RECORD_FORMATS, "learning")?;
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
