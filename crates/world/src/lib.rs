//! A second, independent test world (tests only): order lifecycles written from the
//! platforms' rules (`../shared/reference/formats.md`, CHECKS.md "Money timing"), not from the
//! engine's code; rendered by the samples' file writers into the files a seller downloads and
//! run through the real import and engine. See README.md.

pub mod erp;
pub mod erp_files;
pub mod gaps;
pub mod month;
pub mod months;
pub mod plant;
pub mod platform;
pub mod rng;
pub mod story;
pub mod verdict;
pub mod world;
