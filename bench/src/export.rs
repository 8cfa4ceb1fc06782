//! `export-clean`: the inputs of a run as clean UTF-8 CSV, one file per record kind, for
//! comparing the engine with the same checks written as SQL (bench/duckdb).
//!
//! The files are what an analyst would get after cleaning the downloads by hand: plain
//! headers, amounts in integer 分, times as `YYYY-MM-DD HH:MM:SS` (Beijing), order numbers
//! without Excel guards or `T200P` prefixes, statuses as the engine's normalised codes, the
//! shop each record belongs to (resolved exactly as `duizhang reconcile` does, orders merged
//! across files), and `file`/`line` of the source row for evidence.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::Context;
use duizhang_core::*;
use duizhang_engine::Settings;
use duizhang_engine::shops::partition;
use serde::Serialize;

/// `export-clean OUT_DIR [--settings FILE] FILES_OR_DIRS...`
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let Some((out_dir, rest)) = args.split_first() else {
        anyhow::bail!(
            "usage: duizhang-bench export-clean OUT_DIR [--settings FILE] FILES_OR_DIRS..."
        );
    };
    let mut settings = Settings::default();
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        if a == "--settings" {
            let path = it.next().context("--settings needs a file")?;
            let text = std::fs::read_to_string(path).with_context(|| path.clone())?;
            settings = Settings::from_toml(&text)?;
        } else {
            inputs.push(PathBuf::from(a));
        }
    }
    if inputs.is_empty() {
        anyhow::bail!("export-clean: no input files or folders");
    }
    let paths = duizhang_import::inputs::expand_inputs(&inputs)?;
    let importers = duizhang_import::builtin_importers();
    let (data, files) = duizhang_import::inputs::load(&paths, &importers, |_, _| {});
    let errors: u64 = files.iter().map(|f| f.error_count()).sum();
    let unrecognised = files.iter().filter(|f| f.format.is_none()).count();
    // Same rule as `duizhang reconcile`: a comparison on half-imported data means nothing.
    if errors > 0 {
        anyhow::bail!("{errors} import errors; see `duizhang inspect` for the files and lines");
    }
    std::fs::create_dir_all(out_dir)?;
    let counts = write_all(Path::new(out_dir), &data, &settings)?;
    println!(
        "imported {} files ({errors} problems, {unrecognised} unrecognised); wrote {out_dir}:",
        files.len()
    );
    for (name, n) in counts {
        println!("  {name}: {n} rows");
    }
    Ok(())
}

/// One output CSV.
struct Sheet {
    name: &'static str,
    w: csv::Writer<BufWriter<File>>,
    rows: u64,
}

impl Sheet {
    fn create(dir: &Path, name: &'static str, header: &[&str]) -> anyhow::Result<Sheet> {
        let file = File::create(dir.join(name)).with_context(|| name.to_string())?;
        let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 20, file));
        w.write_record(header)?;
        Ok(Sheet { name, w, rows: 0 })
    }

    fn row(&mut self, fields: &[String]) -> anyhow::Result<()> {
        self.w.write_record(fields)?;
        self.rows += 1;
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<(&'static str, u64)> {
        self.w.flush()?;
        Ok((self.name, self.rows))
    }
}

fn fen(v: Option<Fen>) -> String {
    v.map(|f| f.get().to_string()).unwrap_or_default()
}

fn time(v: Option<BeijingTime>) -> String {
    v.map(|t| t.to_string()).unwrap_or_default()
}

fn text(v: Option<&str>) -> String {
    v.map(str::trim).unwrap_or_default().to_string()
}

/// Order references as the engine compares them: no `T200P…` wrapper, trimmed.
fn order_no(v: Option<&str>) -> String {
    v.map(normalize_order_no).unwrap_or_default().to_string()
}

/// The normalised code of a status or kind (`finished`, `return_and_refund`, `income` …).
fn code<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// `file` and `line` of a record.
fn at(data: &Dataset, source: SourceRef) -> [String; 2] {
    [
        data.file_name(source.file).to_string(),
        source.line.to_string(),
    ]
}

fn with_source(mut fields: Vec<String>, data: &Dataset, source: SourceRef) -> Vec<String> {
    fields.extend(at(data, source));
    fields
}

fn write_all(
    dir: &Path,
    data: &Dataset,
    settings: &Settings,
) -> anyhow::Result<Vec<(&'static str, u64)>> {
    let merged = data.merged_orders();
    let (shops, unassigned) = partition(data, &merged, settings);
    if unassigned.count > 0 {
        eprintln!(
            "{} records belong to no shop (as in `duizhang reconcile`, they are left out)",
            unassigned.count
        );
    }
    let mut orders = Sheet::create(
        dir,
        "orders.csv",
        &[
            "shop",
            "platform",
            "order_no",
            "status",
            "status_text",
            "created_at",
            "paid_at",
            "shipped_at",
            "finished_at",
            "goods_fen",
            "postage_fen",
            "seller_discount_fen",
            "platform_discount_fen",
            "other_discount_fen",
            "paid_fen",
            "seller_receivable_fen",
            "refunded_fen",
            "payment_no",
            "file",
            "line",
        ],
    )?;
    let mut order_lines = Sheet::create(
        dir,
        "order_lines.csv",
        &[
            "shop",
            "order_no",
            "sub_order_no",
            "sku",
            "quantity",
            "unit_price_fen",
            "goods_fen",
            "discount_fen",
            "paid_fen",
            "file",
            "line",
        ],
    )?;
    let mut after_sales = Sheet::create(
        dir,
        "after_sales.csv",
        &[
            "shop",
            "platform",
            "order_no",
            "refund_no",
            "kind",
            "phase",
            "status",
            "status_text",
            "paid_fen",
            "requested_fen",
            "refunded_fen",
            "applied_at",
            "completed_at",
            "payment_no",
            "file",
            "line",
        ],
    )?;
    let mut after_sale_lines = Sheet::create(
        dir,
        "after_sale_lines.csv",
        &[
            "shop",
            "order_no",
            "refund_no",
            "sku",
            "sub_order_no",
            "quantity",
            "refund_fen",
            "file",
            "line",
        ],
    )?;
    let mut fund_flows = Sheet::create(
        dir,
        "fund_flows.csv",
        &[
            "shop",
            "provider",
            "account",
            "txn_no",
            "business_no",
            "order_no",
            "merchant_ref",
            "refund_no",
            "kind",
            "kind_text",
            "amount_fen",
            "balance_fen",
            "occurred_at",
            "file",
            "line",
        ],
    )?;
    let mut payments = Sheet::create(
        dir,
        "payments.csv",
        &[
            "shop",
            "provider",
            "account",
            "kind",
            "txn_no",
            "out_trade_no",
            "refund_id",
            "out_refund_no",
            "order_amount_fen",
            "settled_fen",
            "refund_fen",
            "fee_fen",
            "occurred_at",
            "refund_succeeded_at",
            "file",
            "line",
        ],
    )?;
    let mut settlements = Sheet::create(
        dir,
        "settlements.csv",
        &[
            "shop",
            "platform",
            "order_no",
            "sub_order_no",
            "item",
            "kind",
            "amount_fen",
            "settled_at",
            "account",
            "refund_no",
            "payment_ref",
            "file",
            "line",
        ],
    )?;
    let mut erp_orders = Sheet::create(
        dir,
        "erp_orders.csv",
        &[
            "shop",
            "platform",
            "order_no",
            "erp_no",
            "status",
            "updated_at",
            "paid_at",
            "goods_fen",
            "postage_fen",
            "discount_fen",
            "paid_fen",
            "payment_no",
            "file",
            "line",
        ],
    )?;
    let mut shipments = Sheet::create(
        dir,
        "shipments.csv",
        &[
            "shop",
            "order_no",
            "sub_order_no",
            "sku",
            "quantity",
            "shipped_at",
            "kind",
            "refund_no",
            "file",
            "line",
        ],
    )?;
    let mut receipts = Sheet::create(
        dir,
        "return_receipts.csv",
        &[
            "shop",
            "order_no",
            "refund_no",
            "sku",
            "quantity",
            "received_at",
            "quality",
            "file",
            "line",
        ],
    )?;

    for s in &shops {
        let shop = s.id.clone();
        for o in &s.orders {
            let no = order_no(Some(&o.order_no));
            orders.row(&with_source(
                vec![
                    shop.clone(),
                    code(&o.platform),
                    no.clone(),
                    code(&o.status),
                    o.status_text.to_string(),
                    time(o.created_at),
                    time(o.paid_at),
                    time(o.shipped_at),
                    time(o.finished_at),
                    fen(o.goods),
                    fen(o.postage),
                    fen(o.seller_discount),
                    fen(o.platform_discount),
                    fen(o.other_discount),
                    fen(o.paid),
                    fen(o.seller_receivable),
                    fen(o.refunded),
                    order_no(o.payment_no.as_deref()),
                ],
                data,
                o.source,
            ))?;
            for l in &o.lines {
                order_lines.row(&with_source(
                    vec![
                        shop.clone(),
                        no.clone(),
                        text(l.sub_order_no.as_deref()),
                        text(l.sku.as_deref()),
                        l.quantity.to_string(),
                        fen(l.unit_price),
                        fen(l.goods),
                        fen(l.discount),
                        fen(l.paid),
                    ],
                    data,
                    l.source,
                ))?;
            }
        }
        for a in &s.after_sales {
            let no = order_no(Some(&a.order_no));
            let refund_no = a.refund_no.trim().to_string();
            after_sales.row(&with_source(
                vec![
                    shop.clone(),
                    code(&a.platform),
                    no.clone(),
                    refund_no.clone(),
                    code(&a.kind),
                    a.phase.as_ref().map(code).unwrap_or_default(),
                    code(&a.status),
                    a.status_text.to_string(),
                    fen(a.paid),
                    fen(a.requested),
                    a.refunded.get().to_string(),
                    time(a.applied_at),
                    time(a.completed_at),
                    order_no(a.payment_no.as_deref()),
                ],
                data,
                a.source,
            ))?;
            for l in &a.lines {
                after_sale_lines.row(&with_source(
                    vec![
                        shop.clone(),
                        no.clone(),
                        refund_no.clone(),
                        text(l.sku.as_deref()),
                        text(l.sub_order_no.as_deref()),
                        l.quantity.map(|q| q.to_string()).unwrap_or_default(),
                        fen(l.refund),
                    ],
                    data,
                    l.source,
                ))?;
            }
        }
        for r in &s.fund_flows {
            fund_flows.row(&with_source(
                vec![
                    shop.clone(),
                    code(&r.provider),
                    text(r.account.as_deref()),
                    r.txn_no.trim().to_string(),
                    text(r.business_no.as_deref()),
                    order_no(r.order_no.as_deref()),
                    order_no(r.merchant_ref.as_deref()),
                    text(r.refund_no.as_deref()),
                    code(&r.kind),
                    r.kind_text.to_string(),
                    r.amount.get().to_string(),
                    fen(r.balance),
                    r.occurred_at.to_string(),
                ],
                data,
                r.source,
            ))?;
        }
        for r in &s.payments {
            payments.row(&with_source(
                vec![
                    shop.clone(),
                    code(&r.provider),
                    text(r.account.as_deref()),
                    code(&r.kind),
                    r.txn_no.trim().to_string(),
                    order_no(r.out_trade_no.as_deref()),
                    text(r.refund_id.as_deref()),
                    text(r.out_refund_no.as_deref()),
                    fen(r.order_amount),
                    r.settled.get().to_string(),
                    r.refund.get().to_string(),
                    r.fee.get().to_string(),
                    r.occurred_at.to_string(),
                    time(r.refund_succeeded_at),
                ],
                data,
                r.source,
            ))?;
        }
        for r in &s.settlements {
            settlements.row(&with_source(
                vec![
                    shop.clone(),
                    code(&r.platform),
                    order_no(Some(&r.order_no)),
                    text(r.sub_order_no.as_deref()),
                    r.item.to_string(),
                    code(&r.kind),
                    r.amount.get().to_string(),
                    time(r.settled_at),
                    text(r.account.as_deref()),
                    text(r.refund_no.as_deref()),
                    order_no(r.payment_ref.as_deref()),
                ],
                data,
                r.source,
            ))?;
        }
        for r in &s.erp_orders {
            erp_orders.row(&with_source(
                vec![
                    shop.clone(),
                    code(&r.platform),
                    order_no(Some(&r.order_no)),
                    text(r.erp_no.as_deref()),
                    code(&r.status),
                    r.updated_at.to_string(),
                    time(r.paid_at),
                    fen(r.goods),
                    fen(r.postage),
                    fen(r.discount),
                    fen(r.paid),
                    order_no(r.payment_no.as_deref()),
                ],
                data,
                r.source,
            ))?;
        }
        for r in &s.shipments {
            shipments.row(&with_source(
                vec![
                    shop.clone(),
                    order_no(Some(&r.order_no)),
                    text(r.sub_order_no.as_deref()),
                    r.sku.trim().to_string(),
                    r.quantity.to_string(),
                    r.shipped_at.to_string(),
                    code(&r.kind),
                    text(r.refund_no.as_deref()),
                ],
                data,
                r.source,
            ))?;
        }
        for r in &s.return_receipts {
            receipts.row(&with_source(
                vec![
                    shop.clone(),
                    order_no(Some(&r.order_no)),
                    r.refund_no.trim().to_string(),
                    r.sku.trim().to_string(),
                    r.quantity.to_string(),
                    r.received_at.to_string(),
                    r.quality.as_ref().map(code).unwrap_or_default(),
                ],
                data,
                r.source,
            ))?;
        }
    }
    [
        orders,
        order_lines,
        after_sales,
        after_sale_lines,
        fund_flows,
        payments,
        settlements,
        erp_orders,
        shipments,
        receipts,
    ]
    .into_iter()
    .map(Sheet::finish)
    .collect()
}
