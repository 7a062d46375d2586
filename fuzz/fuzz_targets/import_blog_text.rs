//! `kbql import page.txt`: arbitrary bytes as the plain-text dump of a blog
//! listing page.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "import_common.rs"]
mod import_common;

fuzz_target!(|data: &[u8]| {
    import_common::check(kbql::import::Format::BlogText, data);
});
