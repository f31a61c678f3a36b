//! Fuzz target: arbitrary bytes through editio's manifest reader; it must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = editio::archive::bagit::fuzz::fuzz_manifest(data);
});
