//! revlens: an analyser for published child safeguarding case reviews.
//!
//! The modules follow the data: [`corpus`] finds the files, [`document`]
//! reads and decodes them ([`decode`]), [`layout`] rebuilds their paragraphs
//! over normalised, position-mapped [`text`], [`sections`] finds the outline,
//! [`extract`] finds recommendations, learning points and good practice,
//! [`analyse`] runs the pipeline over a corpus in parallel, [`model`] holds
//! the results and [`report`] prints them. [`cli`] is the command line.

pub mod analyse;
pub mod cli;
pub mod corpus;
pub mod decode;
pub mod document;
pub mod extract;
pub mod formats;
#[doc(hidden)]
pub mod fuzzing;
pub mod kwic;
pub mod layout;
pub mod lint;
pub mod matcher;
pub mod metadata;
pub mod model;
pub mod report;
pub mod rules;
pub mod sections;
pub mod sentences;
pub mod tables;
#[cfg(test)]
mod test_texts;
pub mod text;
pub mod themes;
