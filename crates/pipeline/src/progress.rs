//! What a run tells its caller while it works (a progress bar, a job's status). Every method
//! has a default that does nothing.

pub use duizhang_import::inputs::FileStep;

/// Told of a run's steps, from the threads that take them (so it is `Sync`).
pub trait Progress: Sync {
    /// The files about to be read: their names (as their records will name them) and sizes.
    fn reading(&self, _files: &[(String, u64)]) {}
    /// File `index` of those in [`Progress::reading`] started or finished.
    fn file(&self, _index: usize, _step: FileStep) {}
    /// Every file is read.
    fn read(&self) {}
    /// The import is trustworthy; what a person should still know of it.
    fn imported(&self, _notes: &crate::ImportNotes) {}
    /// Matching and checking starts.
    fn checking(&self) {}
}

/// Progress nobody watches.
pub struct Silent;

impl Progress for Silent {}
