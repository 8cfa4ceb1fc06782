//! Prints a clean month's findings (known gaps set aside) and each check's tallies:
//! `cargo run -p duizhang-world --example probe -- tmall 2026-10 2000 1`
//! (platform: tmall, taobao, pdd, wechat, jd, douyin; period; orders; seed).

use duizhang_core::{Period, Platform};
use duizhang_world::{month, platform, verdict};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize, default: &str| args.get(i).cloned().unwrap_or_else(|| default.into());
    let platform = match arg(0, "tmall").as_str() {
        "taobao" => Platform::Taobao,
        "pdd" => Platform::Pdd,
        "wechat" => Platform::Wechat,
        "jd" => Platform::Jd,
        "douyin" => Platform::Douyin,
        _ => Platform::Tmall,
    };
    let Some(world) = platform::world(platform) else {
        eprintln!("no world for {platform:?}");
        std::process::exit(2);
    };
    let Some(period) = Period::parse(&arg(1, "2026-10")) else {
        eprintln!("period: YYYY-MM");
        std::process::exit(2);
    };
    let orders: usize = arg(2, "2000").parse().unwrap_or(2000);
    let seed: u64 = arg(3, "1").parse().unwrap_or(1);
    let m = (world.month)(seed, duizhang_world::story::Clock::new(period), orders);
    let ran = month::run(&m, &(world.files)(&m));
    let v = verdict::clean(&m, &ran, platform);
    print!("{}", v.summary());
    for (code, n) in &v.gaps {
        println!("known gap {code}: {n}");
    }
    for n in &ran.outcome.not_run {
        println!("not run {} {}", n.code, n.reason);
    }
    for ((_, code), t) in &ran.outcome.tallies {
        println!(
            "{code}: matched {} pending {} found {}",
            t.matched, t.pending, t.found
        );
    }
}
