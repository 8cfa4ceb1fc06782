//! What the pipeline's test files share: the demo month written into a folder, a month's run
//! with the small-enterprise books, and the comparison of two runs' outputs.

use std::path::{Path, PathBuf};

use duizhang_books::{Books, BooksConfig, Rules, Standard};
use duizhang_engine::CarryIn;
use duizhang_import::Importer;
use duizhang_pipeline::{Error, Options, Run, RunResult, Silent, Source};
use duizhang_samples::demo::{Scenario, generate, write_scenario};

/// The demo month of `orders` orders (six shops, their payment bills, ERP records, planted
/// problems) written in the platforms' file formats into a fresh folder named after `name`.
pub fn month(name: &str, orders: usize, seed: u64) -> (Scenario, PathBuf) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pipeline_{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    let scenario = generate(orders, seed);
    let files = write_scenario(&scenario, &dir).unwrap();
    (scenario, files)
}

/// The month's run of `sources` with the scenario's settings and the small-enterprise books.
pub fn run_month(
    scenario: &Scenario,
    sources: Vec<Source>,
    importers: &[Box<dyn Importer>],
    options: Options,
) -> Result<RunResult, Error> {
    let books = Books::new(
        BooksConfig::preset(Standard::Small),
        Rules::defaults().unwrap(),
    )
    .unwrap();
    duizhang_pipeline::run(
        Run {
            sources,
            exclude: Vec::new(),
            importers,
            settings: &scenario.settings,
            period: scenario.period,
            carry: &CarryIn::none(),
            books: Some(&books),
            journal: None,
            history: &[],
            options,
        },
        &Silent,
    )
}

/// Two runs gave the same findings, pending items and the outputs a user reads, byte for byte.
pub fn assert_same_outputs(a: &RunResult, b: &RunResult) {
    assert!(!a.outcome.findings.is_empty());
    assert_eq!(a.outcome.findings, b.outcome.findings);
    assert_eq!(a.outcome.pending, b.outcome.pending);
    let names: Vec<&str> = a.outputs.iter().map(|(n, _)| n).collect();
    for name in [
        "carry.json",
        "findings.jsonl",
        "findings.xlsx",
        "metrics.json",
        "summary.json",
        "vouchers.xlsx",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
        assert_eq!(a.outputs.get(name), b.outputs.get(name), "{name} differs");
    }
}
