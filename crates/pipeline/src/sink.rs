//! Where a run's outputs go as they are rendered. A caller that wants bytes in memory (the
//! workspace, tests) collects them; the command line streams them into its staging folder, so
//! the large ones (metrics.json, vouchers-sources.csv: hundreds of MB at a big seller's month)
//! never sit whole in memory beside the records.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;

use crate::run::Outputs;

/// Receives each output once, by name, as a stream of bytes. Outputs are rendered from two
/// threads at once, so a sink is shared between them.
pub trait Sink: Sync {
    /// Creates the output `name` and lets `body` write its bytes into it; the output is whole
    /// when this returns `Ok`.
    fn put(
        &self,
        name: &str,
        body: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()>;
}

/// Keeps every output in memory, as [`crate::run()`] returns them.
#[derive(Default)]
pub struct Collect(Mutex<BTreeMap<String, Vec<u8>>>);

impl Collect {
    pub fn into_outputs(self) -> Outputs {
        // A writer that panicked took the run down already: what it left is still bytes.
        let files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.into_iter().collect()
    }
}

impl Sink for Collect {
    fn put(
        &self,
        name: &str,
        body: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        body(&mut bytes)?;
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_string(), bytes);
        Ok(())
    }
}

/// Puts bytes already rendered.
pub(crate) fn put_bytes(sink: &dyn Sink, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    sink.put(name, &mut |w| w.write_all(bytes))
}
