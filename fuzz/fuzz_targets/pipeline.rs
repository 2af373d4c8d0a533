//! Fuzz target: `revlens::fuzzing::pipeline` (see src/fuzzing.rs for what it checks).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| revlens::fuzzing::pipeline(data));
