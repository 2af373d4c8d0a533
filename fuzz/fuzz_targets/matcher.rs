//! Fuzz target: `revlens::fuzzing::matcher` (see src/fuzzing.rs for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| revlens::fuzzing::matcher(data));
