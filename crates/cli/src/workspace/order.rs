//! `duizhang order ORDER_NO`: every record of one order in every file the company imported,
//! across periods — file, line, kind and the line as the file has it. The index is written at
//! import (`refs_of`) with each line's text, so the lookup reads only the index rows; a row
//! written before the text was kept has its line read back from the kept file.

use std::process::ExitCode;

use duizhang_core::{Record, RecordKind, normalize_order_no};
use duizhang_store::{OrderHit, OrderRef};

use super::{Who, print_json, refused, signed_in};

/// The order a record belongs to, as the platforms write it (the Alipay `T200P` wrapper
/// removed); `None` for a record that names no order.
pub fn order_of(record: &Record) -> Option<&str> {
    let text = match record {
        Record::Order(r) => Some(r.order_no.as_str()),
        Record::AfterSale(r) => Some(r.order_no.as_str()),
        Record::FundFlow(r) => r.order_no.as_deref(),
        Record::Payment(r) => r.out_trade_no.as_deref(),
        Record::Settlement(r) => Some(r.order_no.as_str()),
        Record::ErpOrder(r) => Some(r.order_no.as_str()),
        Record::Shipment(r) => Some(r.order_no.as_str()),
        Record::ReturnReceipt(r) => Some(r.order_no.as_str()),
        Record::Complaint(r) => r.order_no.as_deref(),
    }?;
    Some(normalize_order_no(text)).filter(|no| !no.is_empty())
}

/// The index entries of one imported file `name` with `bytes`: each record that names an
/// order, where it is and its line's text. `part_of` names the evidence file of a record's file
/// id (`file`, `file!member`, `file#sheet`).
pub fn refs_of(
    name: &str,
    bytes: &[u8],
    records: &[Record],
    part_of: &dyn Fn(&Record) -> Option<String>,
) -> Vec<OrderRef> {
    let mut refs: Vec<OrderRef> = records
        .iter()
        .filter_map(|record| {
            Some(OrderRef {
                order_no: order_of(record)?.to_string(),
                part: part_of(record)?,
                line: i64::from(record.source().line),
                kind: record.kind().code().to_string(),
                text: None,
            })
        })
        .collect();
    // Each part is opened and decoded once for all its lines.
    let mut parts: Vec<String> = refs.iter().map(|r| r.part.clone()).collect();
    parts.sort();
    parts.dedup();
    for part in parts {
        let at: Vec<usize> = (0..refs.len()).filter(|&i| refs[i].part == part).collect();
        let lines: Vec<u32> = at
            .iter()
            .map(|&i| u32::try_from(refs[i].line).unwrap_or(0))
            .collect();
        let texts = duizhang_import::source_line::source_lines(name, bytes, &part, &lines);
        for (i, text) in at.into_iter().zip(texts) {
            refs[i].text = text;
        }
    }
    refs
}

pub fn order(company: &str, order_no: &str, who: &Who) -> anyhow::Result<ExitCode> {
    let (mut ws, by) = signed_in(who)?;
    let wanted = normalize_order_no(order_no);
    let hits = ws.order(company, wanted, &by).map_err(refused)?;
    let mut kept: Vec<(String, Vec<u8>)> = Vec::new();
    let mut texts = Vec::new();
    for hit in &hits {
        if hit.text.is_some() {
            texts.push(hit.text.clone());
            continue;
        }
        if !kept.iter().any(|(sha, _)| *sha == hit.sha256) {
            let bytes = ws.file_bytes(company, &hit.sha256).map_err(refused)?;
            kept.push((hit.sha256.clone(), bytes));
        }
        let bytes = kept
            .iter()
            .find(|(sha, _)| *sha == hit.sha256)
            .map(|(_, b)| b.as_slice())
            .unwrap_or_default();
        let line = u32::try_from(hit.line).unwrap_or(0);
        texts.push(duizhang_import::source_line::source_line(
            &hit.file, bytes, &hit.part, line,
        ));
    }
    if who.json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .zip(&texts)
            .map(|(h, t)| serde_json::json!({"record": h, "text": t}))
            .collect();
        print_json(&rows)?;
    } else if hits.is_empty() {
        println!("账套“{company}”导入的文件中没有订单 {wanted} 的记录");
    } else {
        print_hits(wanted, &hits, &texts);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_hits(order_no: &str, hits: &[OrderHit], texts: &[Option<String>]) {
    println!("订单 {order_no}：{} 条记录", hits.len());
    for (hit, text) in hits.iter().zip(texts) {
        let kind = RecordKind::ALL
            .iter()
            .find(|k| k.code() == hit.kind)
            .map_or(hit.kind.as_str(), |k| k.zh());
        println!(
            "  {} 第 {} 行（{kind}；{} 期间导入）",
            hit.part,
            hit.line,
            hit.periods.join("、")
        );
        if let Some(text) = text {
            let shown: String = text.chars().take(300).collect();
            println!("    原文：{shown}");
        }
    }
}
