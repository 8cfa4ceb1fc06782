//! Reading a run's inputs: files and folders into one `Dataset` (shared with the benchmark
//! tools, so it lives in the import crate).

pub use duizhang_import::inputs::{expand_inputs, load};
