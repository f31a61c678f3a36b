//! Entry point for the `inventory` fuzz target in `fuzz/`: untrusted bytes through the JSON
//! reader and the inventory checks of the OCFL validator. Not part of the stable API.

use super::inventory::{self, Context, SpecVersion};
use std::path::Path;

/// Parses `bytes` as `inventory.json` and checks its structure; returns the findings' count.
pub fn fuzz_inventory(bytes: &[u8]) -> usize {
    let Ok(json) = super::json::parse(bytes) else {
        return 0;
    };
    let ctx = Context {
        path: Path::new("inventory.json"),
        declared: Some(SpecVersion::V1_1),
        warnings: true,
    };
    let mut out = Vec::new();
    let inv = inventory::check(&json, &ctx, &mut out);
    let _ = (
        inv.head_version(),
        inv.content_map().len(),
        inv.digest_map().len(),
    );
    out.len()
}
