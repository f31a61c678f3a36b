//! Fuzz target: arbitrary bytes through editio's inventory reader; it must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = editio::archive::ocfl::fuzz::fuzz_inventory(data);
});
