//! revlens: an analyser for published child safeguarding case reviews.
//!
//! The modules follow the data: [`corpus`] finds the files, [`document`]
//! reads and decodes them ([`decode`]), [`layout`] rebuilds their paragraphs
//! over normalised, position-mapped [`text`], [`sections`] finds the outline,
//! [`analyse`] runs the pipeline over a corpus in parallel, [`model`] holds
//! the results and [`report`] prints them. [`cli`] is the command line.

pub mod analyse;
pub mod cli;
pub mod corpus;
pub mod decode;
pub mod document;
pub mod formats;
pub mod layout;
pub mod model;
pub mod report;
pub mod sections;
pub mod text;
