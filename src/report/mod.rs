//! Printing results.
//!
//! Owns the output formats and where output goes. Printers take the values of
//! [`crate::model`] and format them; they decide nothing about the documents.
//! [`Sink`] writes to standard output, or to `--output FILE` through a
//! temporary file beside it that is renamed into place only when everything
//! was written, so a failed or interrupted run never leaves half a file (on
//! Ctrl-C or SIGTERM the temporary file is removed too).

pub mod csv;
pub mod html;
pub mod json;
pub mod kwic;
pub mod lint;
pub mod markdown;
pub mod records;
pub mod rules;
pub mod table;
pub mod themes;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

use anyhow::{Context, Result};
use serde::Serialize;

/// Output formats (not every command offers every one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable table
    Table,
    /// JSON, stable keys (see the README's contract section)
    Json,
    /// CSV with a header row
    Csv,
    /// Markdown report
    Markdown,
    /// Self-contained HTML report
    Html,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Html => "html",
        }
    }
}

/// Where a command's output goes. Writes are buffered: a report is written
/// a line at a time, and standard output alone would flush every line.
pub enum Sink<'a> {
    Stdout(io::BufWriter<&'a mut dyn Write>),
    File {
        tmp: io::BufWriter<tempfile::NamedTempFile>,
        target: PathBuf,
    },
}

/// Output buffer size: large writes, few system calls.
const SINK_BUFFER: usize = 1 << 16;

impl<'a> Sink<'a> {
    /// Opens the destination before any work is done, so an unwritable
    /// `--output` fails at once.
    pub fn open(output: Option<&Path>, stdout: &'a mut dyn Write) -> Result<Sink<'a>> {
        let Some(target) = output else {
            return Ok(Sink::Stdout(io::BufWriter::with_capacity(
                SINK_BUFFER,
                stdout,
            )));
        };
        if target.is_dir() {
            anyhow::bail!(
                "cannot write output to {}: it is a folder; name a file",
                target.display()
            );
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("output");
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".revlens-partial");
        // A report is shared like any file the user writes (tempfile's
        // default is readable by the owner alone); the umask still applies.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let tmp = create_partial(&builder, &dir)
            .with_context(|| format!("cannot write output to {}", target.display()))?;
        Ok(Sink::File {
            tmp: io::BufWriter::with_capacity(SINK_BUFFER, tmp),
            target: target.to_path_buf(),
        })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Sink::Stdout(w) => w,
            Sink::File { tmp, .. } => tmp,
        }
    }

    /// Flushes and, for a file, moves it into place.
    pub fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut w) => {
                w.flush()?;
                Ok(())
            }
            Sink::File { tmp, target } => {
                let tmp = tmp.into_inner().map_err(|e| e.into_error())?;
                tmp.as_file().sync_all().ok();
                let partial = tmp.path().to_path_buf();
                let persisted = tmp
                    .persist(&target)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot write output to {}", target.display()));
                forget_partial(&partial);
                persisted?;
                Ok(())
            }
        }
    }
}

/// Temporary output files being written: an interrupted run removes them.
static PARTIAL_OUTPUTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells
/// report it).
pub const INTERRUPTED: i32 = 130;

/// Creates a temporary output file in `dir`, registered for removal if the
/// run is interrupted. The signal handler is installed first, and the file is
/// created and registered under the lock the handler takes, so an interrupt
/// at any moment either finds no file or removes it.
fn create_partial(builder: &tempfile::Builder, dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    install_interrupt_handler();
    let mut files = PARTIAL_OUTPUTS.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = builder.tempfile_in(dir)?;
    files.push(tmp.path().to_path_buf());
    Ok(tmp)
}

/// Installs, once, the handler that removes the registered temporary files
/// and exits with [`INTERRUPTED`].
fn install_interrupt_handler() {
    static HANDLER: Once = Once::new();
    HANDLER.call_once(|| {
        // If a handler cannot be installed the run still works; only an
        // interrupted run leaves its hidden `.revlens-partial` file behind.
        let _ = ctrlc::set_handler(|| {
            if let Ok(files) = PARTIAL_OUTPUTS.lock() {
                for f in files.iter() {
                    let _ = std::fs::remove_file(f);
                }
            }
            // The main thread holds the lock on standard error for the whole
            // run, so say it through a fresh handle (appending, so a log file
            // that stderr goes to is not overwritten).
            if let Ok(mut err) = std::fs::OpenOptions::new().append(true).open("/dev/stderr") {
                let _ = writeln!(err, "revlens: interrupted; no output file written");
            }
            std::process::exit(INTERRUPTED);
        });
    });
}

fn forget_partial(partial: &Path) {
    if let Ok(mut files) = PARTIAL_OUTPUTS.lock() {
        files.retain(|f| f != partial);
    }
}

/// Where something is, as a reader of the original file finds it: `12:5`
/// (line and column) in a text file, `page 3` in a PDF, `paragraph 12` in a
/// Word file (where lines of converted text mean nothing to a reader).
pub fn place(line: usize, column: usize, page: Option<usize>, paragraph: Option<usize>) -> String {
    match (page, paragraph) {
        (Some(p), _) => format!("page {p}"),
        (None, Some(n)) => format!("paragraph {n}"),
        (None, None) => format!("{line}:{column}"),
    }
}

/// `1 hit`, `2 hits`.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Writes `value` pretty-printed with every line after the first indented by
/// `indent` spaces, so it nests inside an object being written piece by
/// piece (the result is what serde_json would print for the whole).
pub fn write_nested_json<T: Serialize>(
    w: &mut dyn Write,
    value: &T,
    indent: usize,
) -> io::Result<()> {
    // Streamed rather than printed to a string first: the tables of a large
    // corpus run to megabytes, and would be held twice. serde_json writes
    // token by token; a buffer in front of the output hands it whole runs
    // of lines instead (a bounded 64 KiB).
    let mut out = io::BufWriter::with_capacity(64 * 1024, w);
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut out, NestedPretty::new(indent));
    value.serialize(&mut serializer)?;
    out.flush()
}

/// serde_json's pretty layout (each level two spaces further in), with
/// every line after the first `pad` spaces further in still. The layout is
/// made here, where each new line is written, rather than by a writer
/// that looks for the new lines in what serde_json wrote: a tenth of the
/// time `analyse` took to write its JSON went on that search.
struct NestedPretty {
    depth: usize,
    has_value: bool,
    pad: usize,
    /// A new line then spaces, as many as the deepest line so far needs.
    new_line: Vec<u8>,
}

impl NestedPretty {
    fn new(pad: usize) -> NestedPretty {
        NestedPretty {
            depth: 0,
            has_value: false,
            pad,
            new_line: b"\n".to_vec(),
        }
    }

    fn write_new_line<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        let len = 1 + self.pad + 2 * self.depth;
        if self.new_line.len() < len {
            self.new_line.resize(len, b' ');
        }
        w.write_all(&self.new_line[..len])
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.write_new_line(w)?;
        }
        w.write_all(bracket)
    }

    fn next_item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.write_new_line(w)
    }
}

impl serde_json::ser::Formatter for NestedPretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next_item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next_item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes a value as pretty JSON followed by a newline.
pub fn write_json<T: Serialize>(w: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    w.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_json_is_what_serde_prints_inside_the_whole() {
        let inner = serde_json::json!({
            "text": "two\nlines and a \\n",
            "list": [1, {"deep": ["x", "y"]}, [], {}, [[{"a": {}}]]],
            "empty": [],
            "none": {},
            "number": 1.5,
            "null": null
        });
        let mut nested = b"{\n  \"key\": ".to_vec();
        write_nested_json(&mut nested, &inner, 2).unwrap();
        nested.extend_from_slice(b"\n}");
        let whole = serde_json::to_string_pretty(&serde_json::json!({ "key": inner })).unwrap();
        assert_eq!(String::from_utf8(nested).unwrap(), whole);
    }
}
