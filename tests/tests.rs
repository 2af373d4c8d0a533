//! The integration test suite: one binary, one module per area (as ripgrep
//! does), sharing helpers in `util` and the contract's typed view in
//! `contract`.

mod contract;
mod util;

mod analyse_cli;
mod builtin_rules;
mod corpus_sections;
mod corpus_themes;
mod rules_cli;
