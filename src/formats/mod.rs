//! Documents as they are published and drafted: PDF and Word `.docx`.
//!
//! Owns recognising these formats (by their first bytes, then by extension)
//! and turning them into text in the shape the rest of revlens reads best:
//! one paragraph per line, blank lines between paragraphs, list items as
//! `1. ` / `- ` lines with their numbers, tables as tab-separated rows and
//! footnotes set aside at the end behind superscript numbers. Word heading
//! styles become Markdown `#` headings. Each line of the text remembers the
//! page (PDF) or paragraph (Word) it came from in a [`SourceMap`], so that
//! positions can be reported in terms a reader of the original can find.
//! The third-party parsers run under [`guarded`], so a document that makes
//! one of them panic is reported as unreadable instead of ending the run.

pub mod docx;
pub mod pdf;

use std::cell::Cell;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use crate::layout::Flavour;

/// What kind of file a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text or Markdown, decoded by [`crate::decode`].
    Text,
    Pdf,
    Docx,
}

impl Format {
    /// The name used in reports (`format` key) and messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
        }
    }

    /// Decides the format from the first bytes, falling back on the
    /// extension of `path`. A file whose extension promises PDF or Word but
    /// whose bytes do not is an error with a message that says why.
    pub fn detect(path: &str, bytes: &[u8]) -> Result<Format, ConvertError> {
        if is_pdf(bytes) {
            return Ok(Format::Pdf);
        }
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
            return Ok(Format::Docx);
        }
        let lower = path.to_ascii_lowercase();
        let claimed = if lower.ends_with(".pdf") {
            Some(Format::Pdf)
        } else if [".docx", ".docm", ".dotx", ".dotm"]
            .iter()
            .any(|e| lower.ends_with(e))
        {
            Some(Format::Docx)
        } else {
            None
        };
        match claimed {
            None => Ok(Format::Text),
            Some(format) if bytes.is_empty() => Err(ConvertError(format!(
                "is empty (0 bytes), not a {}; it may not have finished downloading or saving",
                format.long_name()
            ))),
            Some(Format::Docx) if bytes.starts_with(b"\xD0\xCF\x11\xE0") => Err(ConvertError(
                "is an old-style Word .doc file with a .docx name; open it in Word and save it as .docx or PDF"
                    .into(),
            )),
            Some(format) => Err(ConvertError(format!(
                "is not a {} (its first bytes are not those of one); it may be damaged, or be another kind of file renamed",
                format.long_name()
            ))),
        }
    }

    fn long_name(self) -> &'static str {
        match self {
            Format::Text => "text file",
            Format::Pdf => "PDF document",
            Format::Docx => "Word .docx document",
        }
    }
}

/// The PDF header may follow a little junk (viewers accept up to 1 KiB).
fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    memchr::memmem::find(head, b"%PDF-").is_some()
}

/// Why a PDF or Word document could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError(pub String);

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConvertError {}

/// A PDF or Word document turned into text.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The text revlens analyses (what `revlens extract` prints).
    pub text: String,
    /// How the text marks its headings.
    pub flavour: Flavour,
    pub map: SourceMap,
    /// Things the user should know about the conversion.
    pub warnings: Vec<String>,
}

/// Converts the bytes of a PDF or Word document.
pub fn convert(format: Format, bytes: &[u8]) -> Result<Converted, ConvertError> {
    match format {
        Format::Pdf => pdf::convert(bytes),
        Format::Docx => docx::convert(bytes),
        Format::Text => Err(ConvertError("is plain text, not a converted format".into())),
    }
}

/// What the numbers of a [`SourceMap`] count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Pages of a PDF, 1 = the first page as a viewer counts them (not the
    /// number printed on the page).
    Page,
    /// Non-empty paragraphs of a Word document in reading order, counted as
    /// Word's own statistics count them (headings, list items and table
    /// cells each count; empty paragraphs do not).
    Paragraph,
}

/// For each stretch of converted text, the page or paragraph it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMap {
    pub unit: Unit,
    /// `(byte offset in the text, unit number)` where each stretch starts,
    /// in increasing order of offset.
    starts: Vec<(usize, u32)>,
}

impl SourceMap {
    /// The page or paragraph of the text at byte `offset`.
    pub fn at_offset(&self, offset: usize) -> Option<usize> {
        let i = self.starts.partition_point(|&(start, _)| start <= offset);
        let (_, unit) = self.starts.get(i.checked_sub(1)?)?;
        Some(*unit as usize)
    }
}

/// Builds converted text line by line, keeping where each piece came from.
#[derive(Debug, Default)]
pub(crate) struct TextBuilder {
    text: String,
    starts: Vec<(usize, u32)>,
    /// The current line has text not yet ended by a newline.
    open: bool,
}

impl TextBuilder {
    /// Appends to the current line (newlines inside become spaces: a line
    /// is one paragraph, list item or table row).
    pub fn piece(&mut self, piece: &str, origin: u32) {
        if piece.is_empty() {
            return;
        }
        if self.starts.last().is_none_or(|&(_, o)| o != origin) {
            self.starts.push((self.text.len(), origin));
        }
        if piece.contains('\n') {
            self.text.push_str(&piece.replace('\n', " "));
        } else {
            self.text.push_str(piece);
        }
        self.open = true;
    }

    /// Ends the current line, if it has anything on it.
    pub fn end_line(&mut self) {
        if self.open {
            let trimmed = self.text.trim_end_matches([' ', '\t']).len();
            self.text.truncate(trimmed);
            self.text.push('\n');
            self.open = false;
        }
    }

    /// Appends one whole line.
    pub fn line(&mut self, line: &str, origin: u32) {
        self.end_line();
        let line = line.trim_end();
        if !line.trim().is_empty() {
            self.piece(line, origin);
            self.end_line();
        }
    }

    /// Removes the last character of the current line if it is `c`.
    pub fn drop_last_char_if(&mut self, c: char) {
        if self.open && self.text.ends_with(c) {
            self.text.pop();
        }
    }

    /// Ends a block with one blank line (never two, never at the start).
    pub fn blank(&mut self) {
        self.end_line();
        if !self.text.is_empty() && !self.text.ends_with("\n\n") {
            self.text.push('\n');
        }
    }

    pub fn finish(mut self, unit: Unit) -> (String, SourceMap) {
        self.end_line();
        // A trailing blank line adds nothing.
        if self.text.ends_with("\n\n") {
            self.text.pop();
        }
        (
            self.text,
            SourceMap {
                unit,
                starts: self.starts,
            },
        )
    }
}

/// Superscript form of a footnote number (`12` → `¹²`), the marker the
/// layout recognises as a footnote.
pub(crate) fn superscript(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|d| match d {
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect()
}

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Runs a third-party parser, turning a panic inside it into an error.
///
/// The PDF reader in particular stops with a panic on many malformed files.
/// The panic message is kept out of standard error (it would read as a crash
/// of revlens): a process-wide hook, installed once, stays silent for panics
/// raised inside `guarded` and hands every other panic to the previous hook.
pub(crate) fn guarded<T>(
    what: &str,
    f: impl FnOnce() -> Result<T, ConvertError>,
) -> Result<T, ConvertError> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    match result {
        Ok(r) => r,
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no reason given".to_owned());
            Err(ConvertError(format!(
                "could not be read: the {what} reader gave up on it ({}); it may be damaged or use a feature revlens cannot read",
                why.lines().next().unwrap_or("").trim()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_bytes_then_extension() {
        assert_eq!(Format::detect("a.txt", b"%PDF-1.7\n"), Ok(Format::Pdf));
        assert_eq!(Format::detect("-", b"PK\x03\x04rest"), Ok(Format::Docx));
        assert_eq!(Format::detect("a.txt", b"Introduction\n"), Ok(Format::Text));
        let empty = Format::detect("r.PDF", b"").unwrap_err();
        assert!(empty.0.contains("empty (0 bytes)"), "{empty}");
        let renamed = Format::detect("r.docx", b"not a zip at all").unwrap_err();
        assert!(renamed.0.contains("not a Word .docx"), "{renamed}");
        let old = Format::detect("r.docx", b"\xD0\xCF\x11\xE0....").unwrap_err();
        assert!(old.0.contains(".doc file"), "{old}");
    }

    #[test]
    fn source_map_follows_pieces_across_pages() {
        let mut b = TextBuilder::default();
        b.line("Heading", 1);
        b.blank();
        b.blank();
        b.piece("A paragraph that runs", 1);
        b.piece(" onto the next page.", 2);
        b.blank();
        let (text, map) = b.finish(Unit::Page);
        assert_eq!(
            text,
            "Heading\n\nA paragraph that runs onto the next page.\n"
        );
        let on = |needle: &str| map.at_offset(text.find(needle).unwrap());
        assert_eq!(
            (on("Heading"), on("runs"), on("onto")),
            (Some(1), Some(1), Some(2))
        );
    }

    #[test]
    fn a_panic_becomes_an_error() {
        let r: Result<(), _> = guarded("test", || panic!("unexpected entry"));
        let e = r.unwrap_err();
        assert!(e.0.contains("unexpected entry"), "{e}");
        assert_eq!(superscript(120), "¹²⁰");
    }
}
