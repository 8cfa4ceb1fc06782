//! `duizhang-bench`: generates large bills in their real shape and measures import throughput.
//!
//! ```text
//! duizhang-bench gen alipay-fund FILE SIZE_MB   # GBK 账务明细 with preamble and footer
//! duizhang-bench gen wechat-trade FILE SIZE_MB  # UTF-8 BOM 交易账单 (ALL) with summary
//! duizhang-bench import FILE [RUNS]             # median wall time and MB/s of the import
//! duizhang-bench load FILES_OR_DIRS...          # a period's load: time, heap, records per kind
//! duizhang-bench export-clean OUT_DIR [--settings FILE] FILES_OR_DIRS...
//!                                               # clean UTF-8 CSV per record kind (bench/duckdb)
//! ```
//! Peak memory is measured from outside (`/usr/bin/time -v duizhang inspect FILE`), see
//! docs/benchmarks.md.

mod export;
mod load;

#[global_allocator]
static ALLOC: load::Counting = load::Counting;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

use anyhow::{Context, bail};
use duizhang_core::Fen;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen", "alipay-fund", path, mb] => gen_alipay(path, mb.parse().context("SIZE_MB")?),
        ["gen", "wechat-trade", path, mb] => gen_wechat(path, mb.parse().context("SIZE_MB")?),
        ["import", path] => measure(path, 5),
        ["import", path, runs] => measure(path, runs.parse().context("RUNS")?),
        ["export-clean", ..] => export::run(&args[1..]),
        ["load", ..] => load::run(&args[1..]),
        _ => bail!(
            "usage: duizhang-bench gen (alipay-fund|wechat-trade) FILE SIZE_MB | import FILE [RUNS] | load FILES_OR_DIRS... | export-clean OUT_DIR [--settings FILE] FILES_OR_DIRS..."
        ),
    }
}

/// A tiny deterministic generator (xorshift): benchmark data must be the same on every run.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const TITLES: &[&str] = &[
    "纯棉T恤 白色 L",
    "保温杯 500ml",
    "儿童羽绒服 粉色 120",
    "无线蓝牙耳机 降噪版",
    "有机绿茶 250g 礼盒装",
    "不锈钢炒锅 32cm",
];

fn time_text(second_of_month: u64) -> String {
    let day = 1 + second_of_month / 86_400 % 31;
    let s = second_of_month % 86_400;
    format!(
        "2026-10-{day:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

fn gen_alipay(path: &str, size_mb: u64) -> anyhow::Result<()> {
    let target = size_mb * 1_000_000;
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut written = 0u64;
    let write = |out: &mut BufWriter<File>, text: &str| -> anyhow::Result<u64> {
        let bytes = encoding_rs::GBK.encode(text).0;
        out.write_all(&bytes)?;
        Ok(u64::try_from(bytes.len()).unwrap_or(0))
    };
    let head = "#支付宝账务明细查询\r\n#账号：[20880000000000000156]\r\n#起始日期：[2026年10月01日 00:00:00]   终止日期：[2026年11月01日 00:00:00]\r\n#-----------------------------------------账务明细列表----------------------------------------\r\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\r\n";
    written += write(&mut out, head)?;
    let mut rng = Xorshift(0x9E37_79B9_7F4A_7C15);
    let mut balance = Fen::new(100_000_000);
    let (mut income_n, mut income_sum, mut expense_n, mut expense_sum) =
        (0u64, Fen::ZERO, 0u64, Fen::ZERO);
    let mut i = 0u64;
    let mut chunk = String::with_capacity(1 << 20);
    while written < target {
        chunk.clear();
        for _ in 0..2000 {
            i += 1;
            let tid = 4_012_345_678_901_234_567u64 + rng.below(1_000_000_000);
            let title = TITLES[usize::try_from(rng.below(6)).unwrap_or(0)];
            let (income, expense, kind, memo) = match rng.below(10) {
                0 => (
                    Fen::ZERO,
                    Fen::new(-i64::try_from(rng.below(20_000)).unwrap_or(0) - 1),
                    "交易退款",
                    format!("售后退款-{tid}"),
                ),
                1 => (
                    Fen::ZERO,
                    Fen::new(-i64::try_from(rng.below(500)).unwrap_or(0) - 1),
                    "交易分账",
                    format!("天猫佣金（类目：女装）{{{tid}}}扣款"),
                ),
                _ => (
                    Fen::new(i64::try_from(rng.below(50_000)).unwrap_or(0) + 100),
                    Fen::ZERO,
                    "交易付款",
                    String::new(),
                ),
            };
            if expense.is_zero() {
                income_n += 1;
                income_sum += income;
                balance += income;
            } else {
                expense_n += 1;
                expense_sum += expense;
                balance += expense;
            }
            let when = time_text(i * 2_678_400 / (target / 200).max(1));
            chunk.push_str(&format!(
                "2026100{i:013}\t,20261001200040011100{i:012}\t,T200P{tid}\t,{title}\t,{when},*明(138****0000)\t,{income},{expense},{balance},淘宝,{kind},{memo}\r\n"
            ));
        }
        written += write(&mut out, &chunk)?;
    }
    let foot = format!(
        "#----------------------------------------账务明细列表结束-------------------------------------\r\n#支出合计：{expense_n}笔，共{expense_sum}元\r\n#收入合计：{income_n}笔，共{income_sum}元\r\n#导出时间：[2026年11月02日 06:12:40]\r\n"
    );
    write(&mut out, &foot)?;
    out.flush()?;
    println!("wrote {path}: {i} rows, {:.1} MB", mb(written));
    Ok(())
}

fn gen_wechat(path: &str, size_mb: u64) -> anyhow::Result<()> {
    let target = size_mb * 1_000_000;
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    out.write_all(b"\xEF\xBB\xBF")?;
    let header = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n";
    out.write_all(header.as_bytes())?;
    let mut written = u64::try_from(header.len()).unwrap_or(0);
    let mut rng = Xorshift(0x2545_F491_4F6C_DD1D);
    let (mut count, mut settled_sum, mut refund_sum, mut fee_sum, mut order_sum, mut apply_sum) =
        (0u64, Fen::ZERO, Fen::ZERO, Fen::ZERO, Fen::ZERO, Fen::ZERO);
    let mut chunk = String::with_capacity(1 << 20);
    while written < target {
        chunk.clear();
        for _ in 0..2000 {
            count += 1;
            let amount = Fen::new(i64::try_from(rng.below(50_000)).unwrap_or(0) + 100);
            let fee = duizhang_core::RatePpm(6000).apply(amount);
            let when = time_text(count * 2_678_400 / (target / 300).max(1));
            let title = TITLES[usize::try_from(rng.below(6)).unwrap_or(0)];
            if rng.below(10) == 0 {
                refund_sum += amount;
                fee_sum -= fee;
                apply_sum += amount;
                chunk.push_str(&format!("`{when},`wx1234567890abcdef,`1900000109,`0,`,`4200002026{count:018},`ORD{count:012},`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`5030000{count:021},`RF{count:012},`{amount},`0.00,`ORIGINAL,`SUCCESS,`{title},`,`-{fee}000,`0.60%,`0.00,`{amount},`\r\n"));
            } else {
                settled_sum += amount;
                fee_sum += fee;
                order_sum += amount;
                chunk.push_str(&format!("`{when},`wx1234567890abcdef,`1900000109,`0,`,`4200002026{count:018},`ORD{count:012},`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`SUCCESS,`OTHERS,`CNY,`{amount},`0.00,`0,`0,`0.00,`0.00,`,`,`{title},`,`{fee}000,`0.60%,`{amount},`0.00,`\r\n"));
            }
        }
        out.write_all(chunk.as_bytes())?;
        written += u64::try_from(chunk.len()).unwrap_or(0);
    }
    write!(
        out,
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n`{count},`{settled_sum},`{refund_sum},`0.00,`{fee_sum}000,`{order_sum},`{apply_sum}\r\n"
    )?;
    out.flush()?;
    println!("wrote {path}: {count} rows, {:.1} MB", mb(written));
    Ok(())
}

/// User + system CPU time of this process, from /proc (Linux): the per-core cost of a run,
/// which stays meaningful on a busy shared machine where wall time does not.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11..13).map_or(0.0, |f| {
        f.iter().filter_map(|t| t.parse::<f64>().ok()).sum()
    });
    ticks / 100.0
}

fn mb(bytes: u64) -> f64 {
    // Display only: throughput figures are reported, never computed with money.
    bytes.to_string().parse::<f64>().unwrap_or(0.0) / 1e6
}

/// Imports a file `runs` times in this process (records counted, not kept) and prints each
/// run's time and the median throughput.
fn measure(path: &str, runs: usize) -> anyhow::Result<()> {
    let size = std::fs::metadata(path)?.len();
    let importers = duizhang_import::builtin_importers();
    let mut times = Vec::new();
    for run in 0..runs {
        let mut files = Vec::new();
        let mut count = 0u64;
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        duizhang_import::import_path(
            std::path::Path::new(path),
            &importers,
            &mut files,
            &mut |_| count += 1,
        );
        let secs = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_start;
        let errors: u64 = files.iter().map(|f| f.error_count()).sum();
        let format = files
            .first()
            .and_then(|f| f.format.clone())
            .unwrap_or_default();
        println!(
            "run {}: wall {secs:.3} s ({:.1} MB/s), cpu {cpu:.3} s ({:.1} MB/s per core), {count} records, {errors} errors, format {format}",
            run + 1,
            mb(size) / secs,
            mb(size) / cpu
        );
        times.push((secs, cpu));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let wall = median(times.iter().map(|t| t.0).collect());
    let cpu = median(times.iter().map(|t| t.1).collect());
    println!(
        "median of {runs} runs: wall {wall:.3} s = {:.1} MB/s; cpu {cpu:.3} s = {:.1} MB/s per core ({:.1} MB)",
        mb(size) / wall,
        mb(size) / cpu,
        mb(size)
    );
    Ok(())
}
