//! Outputs streamed into the caller's sink as the command line writes them into its folder:
//! every file once, the same bytes as the in-memory result, and a write that fails stops the
//! run naming the file.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use duizhang_books::{Books, BooksConfig, Rules, Standard};
use duizhang_engine::CarryIn;
use duizhang_pipeline::{Error, Options, Run, RunResult, Silent, Sink, Source};
use duizhang_samples::demo::{Scenario, generate, write_scenario};

/// Records what a folder would receive, and how many times each name was created.
#[derive(Default)]
struct Recorder {
    files: Mutex<BTreeMap<String, (usize, Vec<u8>)>>,
    /// Fails this output as a full disk does, after part of it was written.
    full_at: Option<&'static str>,
}

impl Sink for Recorder {
    fn put(
        &self,
        name: &str,
        body: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        if self.full_at == Some(name) {
            let mut disk = FullAfter(&mut bytes, 4096);
            body(&mut disk)?;
        } else {
            body(&mut bytes)?;
        }
        let mut files = self.files.lock().unwrap();
        let entry = files.entry(name.to_string()).or_default();
        entry.0 += 1;
        entry.1 = bytes;
        Ok(())
    }
}

/// A disk that fills up after `1` bytes.
struct FullAfter<'a>(&'a mut Vec<u8>, usize);

impl Write for FullAfter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > self.1 {
            return Err(std::io::ErrorKind::StorageFull.into());
        }
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn month(name: &str) -> (Scenario, std::path::PathBuf) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sink_{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    let scenario = generate(300, 5);
    let files = write_scenario(&scenario, &dir).unwrap();
    (scenario, files)
}

fn run_month(scenario: &Scenario, dir: &Path, sink: Option<&dyn Sink>) -> Result<RunResult, Error> {
    let books = Books::new(
        BooksConfig::preset(Standard::Small),
        Rules::defaults().unwrap(),
    )
    .unwrap();
    let importers = duizhang_import::builtin_importers();
    let input = Run {
        sources: vec![Source::Path(dir.to_path_buf())],
        exclude: Vec::new(),
        importers: &importers,
        settings: &scenario.settings,
        period: scenario.period,
        carry: &CarryIn::none(),
        books: Some(&books),
        journal: None,
        history: &[],
        options: Options {
            report: true,
            ..Options::default()
        },
    };
    match sink {
        Some(sink) => duizhang_pipeline::run_into(input, &Silent, sink),
        None => duizhang_pipeline::run(input, &Silent),
    }
}

#[test]
fn a_month_streamed_into_a_folder_gets_each_file_once_with_the_bytes_held_in_memory() {
    let (scenario, dir) = month("same_bytes");
    let recorder = Recorder::default();
    let streamed = run_month(&scenario, &dir, Some(&recorder)).unwrap();
    let in_memory = run_month(&scenario, &dir, None).unwrap();
    assert!(
        streamed.outputs.iter().next().is_none(),
        "streamed outputs are not kept twice"
    );
    let files = recorder.files.into_inner().unwrap();
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    let in_memory_names: Vec<&str> = in_memory.outputs.iter().map(|(n, _)| n).collect();
    assert_eq!(names, in_memory_names);
    for name in [
        "metrics.json",
        "findings.jsonl",
        "report.html",
        "vouchers.xlsx",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    for (name, (times, bytes)) in &files {
        assert_eq!(*times, 1, "{name} created {times} times");
        assert_eq!(
            Some(bytes.as_slice()),
            in_memory.outputs.get(name),
            "{name}"
        );
    }
    for name in &streamed.voucher_files {
        assert!(files.contains_key(name), "{name} told but not written");
    }
}

#[test]
fn a_disk_full_while_writing_metrics_json_stops_the_run_naming_the_file() {
    let (scenario, dir) = month("disk_full");
    let recorder = Recorder {
        full_at: Some("metrics.json"),
        ..Recorder::default()
    };
    let Err(e) = run_month(&scenario, &dir, Some(&recorder)) else {
        panic!("a metrics.json cut short must not give a result");
    };
    assert!(
        matches!(&e, Error::Write { file, .. } if file == "metrics.json"),
        "{e:?}"
    );
    assert!(e.to_string().starts_with("无法写入 metrics.json："), "{e}");
}
