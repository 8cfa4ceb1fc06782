//! The import's write path at the size of a big month: files of ~170 MB with ~1.1 M order-index
//! rows (one per record that names an order: ~150-byte lines, 20-digit order numbers in no
//! particular order), imported twice (two months) through [`Workspace::import`]. Run by the
//! `#[ignore]`d `two_months_of_a_million_index_rows_…` tests of each backend, in release:
//!
//! ```sh
//! cargo test --release -p duizhang-store-tests --test sqlite -- --ignored --nocapture million_index_rows
//! ```
//!
//! Prints the time of each import and of one order lookup afterwards, and checks that the index
//! holds what was imported (so a faster write path cannot win by writing less).

use std::time::Instant;

use duizhang_store::{Backend, NewFile, OrderRef, Workspace};

use crate::test_clock;

const CO: &str = "禾木家居";

/// The record kinds of a month's downloads and how many index rows each file holds per order
/// (in tenths): orders, after-sales, fund flow, settlement and the ERP's orders.
const FILES: &[(&str, &str, u32)] = &[
    ("天猫订单_{m}.csv", "order", 10),
    ("天猫售后_{m}.csv", "after_sale", 5),
    (
        "支付宝账务明细_{m}.zip!20880012345_账务明细.csv",
        "fund_flow",
        20,
    ),
    ("天猫结算_{m}.xlsx#结算明细", "settlement", 10),
    ("旺店通订单_{m}.csv", "erp_order", 10),
];

/// A small deterministic generator (xorshift64*): the same month on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One month's files for `orders` orders: each file lists its records in the order the platform
/// wrote them (shuffled against the order numbers).
pub fn month(month: &str, orders: u64, seed: u64) -> Vec<NewFile> {
    let mut rng = Rng(seed | 1);
    let order_nos: Vec<String> = (0..orders)
        .map(|_| {
            format!(
                "{:020}",
                10_000_000_000_000_000_000u128 + u128::from(rng.next())
            )
        })
        .collect();
    FILES
        .iter()
        .map(|(name, kind, tenths)| {
            let name = name.replace("{m}", month);
            let part = name.clone();
            let rows = orders * u64::from(*tenths) / 10;
            let mut bytes = Vec::with_capacity(usize::try_from(rows * 160).unwrap_or(0));
            bytes.extend_from_slice("订单号,时间,状态,金额,商品,备注\n".as_bytes());
            let mut refs = Vec::with_capacity(usize::try_from(rows).unwrap_or(0));
            for i in 0..rows {
                let order_no = &order_nos[usize::try_from(rng.below(orders)).unwrap_or_default()];
                let fen = rng.below(100_000);
                let text = format!(
                    "{order_no},{month}-{:02} {:02}:{:02}:{:02},交易成功,{}.{:02},\
                     北欧实木餐椅 胡桃色 两把装 SKU-{:06},买家留言：请尽快发货谢谢 批次{i:07}",
                    1 + rng.below(28),
                    rng.below(24),
                    rng.below(60),
                    rng.below(60),
                    fen / 100,
                    fen % 100,
                    rng.below(1_000_000),
                );
                let at = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
                bytes.extend_from_slice(text.as_bytes());
                bytes.push(b'\n');
                // A plain text file's line is indexed by its place in the file, as the import does.
                refs.push(OrderRef {
                    order_no: order_no.clone(),
                    part: part.clone(),
                    line: i64::try_from(i + 2).unwrap_or(i64::MAX),
                    kind: (*kind).to_string(),
                    text: None,
                    span: Some(duizhang_store::ByteSpan {
                        at,
                        len: i64::try_from(text.len()).unwrap_or(i64::MAX),
                    }),
                });
            }
            NewFile {
                name,
                bytes,
                inspect: "{}".into(),
                orders: refs,
                parsed: None,
            }
        })
        .collect()
}

/// Imports two months of `orders` orders each and looks one order up; prints the times.
pub fn import_speed<B: Backend>(backend: B, label: &str, orders: u64) {
    let mut ws = Workspace::new(backend, test_clock());
    ws.add_first_user("admin", "管理员", "s3cret-admin")
        .unwrap();
    ws.create_company(CO, "admin").unwrap();
    let mut probe = None;
    for (period, seed) in [("2026-10", 7), ("2026-11", 8)] {
        let files = month(period, orders, seed);
        let rows: usize = files.iter().map(|f| f.orders.len()).sum();
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        probe.get_or_insert_with(|| files[0].orders[0].order_no.clone());
        let started = Instant::now();
        let outcome = ws.import(CO, period, &files, "admin").unwrap();
        let took = started.elapsed();
        assert_eq!(outcome.added.len(), files.len());
        eprintln!(
            "{label}: import {period}: {} files, {} MB, {rows} index rows: {:.2} s",
            files.len(),
            bytes / 1_000_000,
            took.as_secs_f64()
        );
    }
    let probe = probe.unwrap();
    let started = Instant::now();
    let hits = ws.order(CO, &probe, "admin").unwrap();
    // Each record's line is read from the kept file by its span, as `duizhang order` does.
    let lines: Vec<Vec<u8>> = hits
        .iter()
        .map(|h| {
            let span = h.span.unwrap();
            ws.file_range(CO, &h.sha256, span.at, span.len).unwrap()
        })
        .collect();
    eprintln!(
        "{label}: order {probe}: {} records in {:.1} ms",
        hits.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    // The first month's orders file lists the probe on its line 2.
    assert!(
        hits.iter()
            .zip(&lines)
            .any(|(h, l)| h.line == 2 && h.kind == "order" && l.starts_with(probe.as_bytes()))
    );
}
