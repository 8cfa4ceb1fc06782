//! The books side of a run: records to shops as the engine assigns them, voucher generation,
//! the books checks of CHECKS.md against a journal, and the voucher files put into a sink.

use std::collections::BTreeSet;

use duizhang_books::checks::{Booked, flow_not_booked, refund_not_booked, source_booked_twice};
use duizhang_books::export::EXCEL_SOURCES_CSV;
use duizhang_books::{Books, Generated, RecordRef, Voucher};
use duizhang_core::{Dataset, Period};
use duizhang_engine::catalog::Data;
use duizhang_engine::shops::{self, ShopNames};
use duizhang_engine::{NotRun, Outcome, Settings};

use crate::error::{self, Error};
use crate::sink::{Sink, put_bytes};

/// Why the row-by-row books checks did not run against an imported journal.
pub const UNTRACEABLE_JOURNAL: &str = "导入的账簿既没有来源单据，摘要里也没有任何流水号、退款单号或订单号，无法逐条核对是否入账：请导出通用 Excel 凭证表（含来源单据），或在凭证规则的摘要中加入 {ref} 后再导出用友文本";

/// The books checks of CHECKS.md, in catalog order.
pub const CHECK_CODES: [&str; 3] = [
    "REFUND_NOT_BOOKED",
    "FLOW_NOT_BOOKED",
    "SOURCE_BOOKED_TWICE",
];

/// The period's vouchers, checked against every invariant an export enforces. Reads only
/// shared references, so it may run beside the engine's checks on another thread.
pub fn generate(
    books: &Books,
    data: &Dataset,
    period: Period,
    settings: &Settings,
    names: &ShopNames,
) -> Result<Generated, duizhang_books::BooksError> {
    let generated = duizhang_books::generate_named(
        books,
        data,
        period,
        &|r| shops::shop_of(settings, names, r),
        &|id| settings.shop(id).and_then(|s| s.name.clone()),
    );
    if !generated.vouchers.is_empty() {
        duizhang_books::validate_all(&generated.vouchers, &books.chart)?;
    }
    Ok(generated)
}

/// Runs the books checks against `journal` and adds their findings to the outcome, each with
/// the severity and switch the settings give its shop. The engine marked these checks "not
/// run" (it has no vouchers); that is replaced by what actually ran.
pub fn check_books(
    outcome: &mut Outcome,
    data: &Dataset,
    settings: &Settings,
    period: Period,
    journal: &[Voucher],
    names: &ShopNames,
) {
    let shop = |r: RecordRef<'_>| shops::shop_of(settings, names, r);
    let booked = Booked::of(journal, period);
    // A journal that names no source row cannot be checked row by row: every row would look
    // unbooked. The two checks are then "not run, and why" instead of a flood of false findings.
    let traceable = booked.is_empty() || booked.traces_any(data);
    let mut found = Vec::new();
    if traceable {
        found.extend(refund_not_booked(data, &booked, &shop));
        found.extend(flow_not_booked(data, &booked, &shop));
    }
    drop(booked);
    found.extend(source_booked_twice(data, journal, &shop));
    for mut f in found {
        // A record of no known shop is reported once as unassigned, never as a finding.
        if f.shop.is_empty() {
            continue;
        }
        match settings.check(&f.shop, &f.code) {
            Some(e) if !e.enabled => continue,
            Some(e) => {
                f.severity = e.severity;
                f.owner = e.owner;
            }
            None => {}
        }
        outcome.findings.push(f);
    }
    let switched_off = "已在设置中关闭";
    outcome.not_run.retain(|n| {
        !CHECK_CODES.contains(&n.code.as_str()) || n.reason == switched_off || n.shop.is_empty()
    });
    // Shops without the data a check reads: it ran, and could find nothing there. Looking
    // stops once every shop has both kinds.
    let mut has: BTreeSet<(String, Data)> = BTreeSet::new();
    let wanted = 2 * outcome.shops.len();
    let mut note = |s: Option<String>, need: Data| {
        if let Some(s) = s
            && outcome.shops.iter().any(|o| o.id == s)
        {
            has.insert((s, need));
        }
        has.len() < wanted
    };
    let more = data.after_sales.iter().all(|r| {
        note(
            shops::shop_of(settings, names, RecordRef::AfterSale(r)),
            Data::AfterSales,
        )
    }) && data.fund_flows.iter().all(|r| {
        note(
            shops::shop_of(settings, names, RecordRef::FundFlow(r)),
            Data::FundFlow,
        )
    });
    if more {
        for r in &data.payments {
            let s = shops::shop_of(settings, names, RecordRef::Payment(r));
            if !note(s, Data::FundFlow) {
                break;
            }
        }
    }
    for s in &outcome.shops {
        for (code, need) in [
            ("REFUND_NOT_BOOKED", Data::AfterSales),
            ("FLOW_NOT_BOOKED", Data::FundFlow),
        ] {
            let off = settings.check(&s.id, code).is_some_and(|e| !e.enabled);
            if !off && !traceable {
                outcome.not_run.push(NotRun {
                    shop: s.id.clone(),
                    code: code.into(),
                    reason: UNTRACEABLE_JOURNAL.into(),
                });
            } else if !off && !has.contains(&(s.id.clone(), need)) {
                outcome.not_run.push(NotRun {
                    shop: s.id.clone(),
                    code: code.into(),
                    reason: format!("缺少数据：{}", need.zh()),
                });
            }
        }
    }
    outcome
        .not_run
        .sort_by(|a, b| (&a.shop, &a.code).cmp(&(&b.shop, &b.code)));
}

/// Every record not booked, one per line, beside the vouchers.
pub const ISSUES_FILE: &str = "vouchers-issues.txt";

/// One record not booked, for people: file, line, kind and why.
pub fn issue_line(i: &duizhang_books::Issue, data: &Dataset) -> String {
    format!(
        "{} 第{}行 {}：{}",
        data.file_name(i.source.file),
        i.source.line,
        i.kind.zh(),
        i.message
    )
}

pub const VOUCHERS_XLSX: &str = "vouchers.xlsx";

/// The records not booked, one per line, as `ISSUES_FILE` holds them.
pub fn issues_text(generated: &Generated, data: &Dataset) -> String {
    let mut text = String::new();
    for i in &generated.issues {
        text.push_str(&issue_line(i, data));
        text.push('\n');
    }
    text
}

/// The generic Excel journal (`vouchers.xlsx`, with its links streamed into
/// `vouchers-sources.csv` when they exceed a worksheet) when there are vouchers, and the records
/// not booked when there are any, put into `sink`; their names in the order a person is told
/// of them.
pub fn write_vouchers(
    generated: &Generated,
    books: &Books,
    data: &Dataset,
    sink: &dyn Sink,
) -> Result<Vec<String>, Error> {
    let mut files = Vec::new();
    if !generated.vouchers.is_empty() {
        let started = std::time::Instant::now();
        let journal = duizhang_books::export::excel(&generated.vouchers, &books.chart)
            .map_err(|e| error::render(VOUCHERS_XLSX, e.message))?;
        put_bytes(sink, VOUCHERS_XLSX, &journal.workbook)
            .map_err(|e| error::write(VOUCHERS_XLSX, e))?;
        files.push(VOUCHERS_XLSX.to_string());
        if let Some(sources) = &journal.sources {
            sink.put(EXCEL_SOURCES_CSV, &mut |w| sources.write_to(w))
                .map_err(|e| error::write(EXCEL_SOURCES_CSV, e))?;
            files.push(EXCEL_SOURCES_CSV.to_string());
        }
        tracing::info!("{VOUCHERS_XLSX}: {:?}", started.elapsed());
    }
    if !generated.issues.is_empty() {
        put_bytes(sink, ISSUES_FILE, issues_text(generated, data).as_bytes())
            .map_err(|e| error::write(ISSUES_FILE, e))?;
        files.push(ISSUES_FILE.to_string());
    }
    Ok(files)
}
