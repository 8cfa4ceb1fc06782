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

#[test]
#[ignore]
fn probe_world() {
    let name = std::env::var("WORLD").unwrap_or_default();
    let w = match name.as_str() {
        "pdd" => platform::pdd::WORLD,
        "wechat" => platform::wechat::WORLD,
        "jd" => platform::jd::WORLD,
        "douyin" => platform::douyin::WORLD,
        "taobao" => platform::tmall::TAOBAO_WORLD,
        _ => platform::tmall::WORLD,
    };
    let period = Period::parse("2026-10").expect("period");
    let m = (w.month)(1, period, 2000);
    let files = (w.files)(&m);
    let ran = month::run(&m, &files);
    let v = verdict::clean(&m, &ran, w.platform);
    println!("{}", v.summary());
    for n in &ran.outcome.not_run {
        println!("not run {} {}", n.code, n.reason);
    }
    for ((_, c), t) in &ran.outcome.tallies {
        println!(
            "{c}: matched {} pending {} found {}",
            t.matched, t.pending, t.found
        );
    }
    let _ = Platform::Tmall;
}

#[test]
#[ignore]
fn probe_plant() {
    let code = std::env::var("CODE").unwrap_or_default();
    let w = platform::wechat::WORLD;
    let period = Period::parse("2026-10").expect("period");
    let mut m = (w.month)(7, period, 800);
    let p = duizhang_world::plant::plant(&code).expect("plant");
    let order = (p.apply)(&mut m);
    println!("{order:?}");
    for (name, bytes) in (w.files)(&m) {
        std::fs::write(format!("/tmp/world-{name}"), bytes).expect("write");
    }
}
