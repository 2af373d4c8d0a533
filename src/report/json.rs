//! JSON written a document at a time.
//!
//! Owns writing the analysis JSON while documents are still being analysed:
//! the opening keys, then each document as it comes, then the summary and
//! tables, so a run over a corpus of any size holds only the few documents'
//! reports not yet written. The bytes are exactly those serde_json's pretty
//! printer gives for the whole [`Analysis`] (a test checks it).
//!
//! [`Analysis`]: crate::model::Analysis

use std::io::{self, Write};

use crate::model::{ANALYSIS_SCHEMA, DocumentReport, RulesetInfo, Summary};
use crate::tables::Tables;

/// An analysis JSON being written.
pub struct AnalysisWriter<'w> {
    w: &'w mut dyn Write,
    documents: usize,
}

impl<'w> AnalysisWriter<'w> {
    /// Writes the keys that come before the documents.
    pub fn begin(w: &'w mut dyn Write, ruleset: &RulesetInfo) -> io::Result<Self> {
        write!(
            w,
            "{{\n  \"schema\": {},\n  \"revlens_version\": {},\n  \"ruleset\": ",
            serde_json::to_string(ANALYSIS_SCHEMA)?,
            serde_json::to_string(env!("CARGO_PKG_VERSION"))?
        )?;
        super::write_nested_json(w, ruleset, 2)?;
        w.write_all(b",\n  \"documents\": [")?;
        Ok(AnalysisWriter { w, documents: 0 })
    }

    pub fn document(&mut self, d: &DocumentReport) -> io::Result<()> {
        self.w.write_all(if self.documents == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        super::write_nested_json(self.w, d, 4)?;
        self.documents += 1;
        Ok(())
    }

    /// Writes the keys after the documents and closes the object.
    pub fn finish(
        self,
        summary: &Summary,
        tables: &Tables,
        skipped_files: usize,
    ) -> io::Result<()> {
        let w = self.w;
        w.write_all(if self.documents == 0 { b"]" } else { b"\n  ]" })?;
        w.write_all(b",\n  \"summary\": ")?;
        super::write_nested_json(w, summary, 2)?;
        w.write_all(b",\n  \"tables\": ")?;
        super::write_nested_json(w, tables, 2)?;
        write!(w, ",\n  \"skipped_files\": {skipped_files}\n}}\n")?;
        Ok(())
    }
}
