//! `kbql import posts.jsonl`: arbitrary bytes as a JSON Lines file.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "import_common.rs"]
mod import_common;

fuzz_target!(|data: &[u8]| {
    import_common::check(kbql::import::Format::JsonLines, data);
});
