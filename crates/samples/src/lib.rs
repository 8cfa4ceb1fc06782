//! Fixture writer: renders normalised records as the bytes a seller downloads, in each
//! format's real shape (encoding, BOM, preamble, guards on cells, footers with control totals).
//!
//! Convention: `write::<family>::<format>(rows, &options) -> Vec<u8>`. The options choose the
//! variant (layout, encoding, line ending); the defaults are the most common real shape.

pub mod build;
pub mod bytes;
pub mod demo;
pub mod write;
