//! The integration test suite: one binary, one module per area (as ripgrep
//! does), sharing helpers in `util`, the contract's typed view in
//! `contract` and the PDF and Word fixture generator in `make_fixtures`.

mod contract;
mod make_fixtures;
mod util;

mod analyse_cli;
mod bad_input;
mod builtin_rules;
mod corpus_sections;
mod corpus_themes;
mod extract_corpus;
mod extract_formats;
mod formats_cli;
mod fuzz_inputs;
mod lint_cli;
mod records_cli;
mod report_cli;
mod rules_cli;
