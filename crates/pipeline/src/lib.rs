//! One reconciliation run as a library, for the command line, a worker and the web alike:
//! inputs (paths, or uploads as name and bytes) → import and triage → the engine's checks, the
//! vouchers and the books checks → metrics → every output rendered to bytes ([`RunResult`]),
//! or streamed into the caller's [`Sink`] ([`run_into`]).
//!
//! Nothing here prints, exits or writes a file: the caller publishes the outputs (the command
//! line into `--out`, the workspace into its store) and shows progress through [`Progress`].

pub mod books;
pub mod carry;
mod error;
pub mod exports;
mod load;
pub mod metrics;
mod progress;
pub mod render;
mod run;
pub mod sink;
mod span;
mod summary;

pub use duizhang_import::inputs::Source;
pub use error::{Blocked, Blocking, Error};
pub use load::{ImportNotes, Loaded, PeriodMiss, load};
pub use progress::{FileStep, Progress, Silent};
pub use run::{Options, Outputs, Run, RunResult, run, run_into};
pub use sink::{Collect, Sink};
pub use summary::{InputSummary, RunSummary};

/// The threads a run uses when its caller does not choose: two (the design point), or one on
/// a machine of one core.
pub fn default_threads() -> usize {
    duizhang_import::inputs::default_workers()
}
