//! Generates the demo at a given size, reconciles it and compares the findings with the
//! planted problems: `cargo run --release -p duizhang-samples --example demo_scale -- 2000000 1`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let orders: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let t = Instant::now();
    let s = duizhang_samples::demo::generate(orders, seed);
    println!(
        "generate {orders} orders: {:.1?}, {} records, {} planted",
        t.elapsed(),
        s.record_count(),
        s.planted.len()
    );
    let planted: BTreeSet<_> = s.planted.iter().map(|p| p.identity()).collect();
    let (settings, period) = (s.settings.clone(), s.period);
    let data = s.into_dataset();
    let t = Instant::now();
    let outcome = duizhang_engine::reconcile(&data, &settings, period);
    println!(
        "reconcile: {:.1?}, {} findings, {} pending",
        t.elapsed(),
        outcome.findings.len(),
        outcome.pending.len()
    );
    let found: BTreeSet<_> = outcome.findings.iter().map(|f| f.identity()).collect();
    let mut differences = BTreeMap::<String, usize>::new();
    for id in found.difference(&planted) {
        *differences
            .entry(format!("unexpected {} {}", id.0, id.1))
            .or_default() += 1;
    }
    for id in planted.difference(&found) {
        *differences
            .entry(format!("missed {} {}", id.0, id.1))
            .or_default() += 1;
    }
    println!("differences: {differences:?}");
}
