//! Development probe: prints a clean month's findings (ignored by default).

use duizhang_core::{Period, Platform};
use duizhang_world::{month, platform, verdict};

#[test]
#[ignore]
fn probe_tmall() {
    let period = Period::parse("2026-10").expect("period");
    let t = std::time::Instant::now();
    let m = platform::tmall::month(1, period, 5000);
    println!("story {:?}", t.elapsed());
    let files = platform::tmall::files(&m);
    println!("files {:?}", t.elapsed());
    let ran = month::run(&m, &files);
    println!("run {:?}", t.elapsed());
    let v = verdict::clean(&m, &ran, Platform::Tmall);
    println!("{}", v.summary());
    println!("pending {}", ran.outcome.pending.len());
    for n in &ran.outcome.not_run {
        println!("not run {} {}", n.code, n.reason);
    }
}

#[test]
#[ignore]
fn probe_deal() {
    let period = Period::parse("2026-10").expect("period");
    let m = platform::tmall::month(1, period, 2000);
    let no = std::env::var("DEAL").unwrap_or_default();
    for d in m.deals.iter().filter(|d| d.order_no == no) {
        println!("{d:#?}");
        for f in m
            .flows
            .iter()
            .filter(|f| f.order_no.as_deref() == Some(no.as_str()))
        {
            println!(
                "{} {} {} {}",
                f.txn_no, f.occurred_at, f.kind_text, f.amount
            );
        }
        for a in m.after_sales.iter().filter(|a| a.order_no == no.as_str()) {
            println!("{a:?}");
        }
    }
}
