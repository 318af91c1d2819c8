//! Helpers shared by the fuzz targets in `fuzz_targets/` (each target is its own binary).

pub mod chunking;
