//! `duizhang order ORDER_NO`: every record of one order in every file the company imported,
//! across periods — file, line, kind and the line as the file has it. The index is written at
//! import (`order_index.rs`) with each line's place in the kept file or its text, so the lookup
//! reads the index rows and a few bytes; a row written before either was kept has its line read
//! back from the whole kept file.

use std::process::ExitCode;

use duizhang_core::{RecordKind, normalize_order_no};
use duizhang_import::source_line::{HEAD_LEN, decode_line, source_line};
use duizhang_store::OrderHit;
use duizhang_store::backend::Backend;

use super::{Who, print_json, refused, signed_in};

pub fn order(company: &str, order_no: &str, who: &Who) -> anyhow::Result<ExitCode> {
    let (mut ws, by) = signed_in(who)?;
    let wanted = normalize_order_no(order_no);
    let hits = ws.order(company, wanted, &by).map_err(refused)?;
    let texts = hit_texts(&mut ws, company, &hits)?;
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

/// Each hit's line as the kept file has it: its text from the index, or its bytes read from
/// the kept file by the span the index gives (with the file's first bytes, which tell its
/// encoding), or for an index row that has neither, the line found in the whole kept file.
pub fn hit_texts<B: Backend>(
    ws: &mut duizhang_store::Workspace<B>,
    company: &str,
    hits: &[OrderHit],
) -> anyhow::Result<Vec<Option<String>>> {
    let mut heads: Vec<(String, Vec<u8>)> = Vec::new();
    let mut whole: Vec<(String, Vec<u8>)> = Vec::new();
    let mut texts = Vec::with_capacity(hits.len());
    for hit in hits {
        if let Some(text) = &hit.text {
            texts.push(Some(text.clone()));
        } else if let Some(span) = hit.span {
            if !heads.iter().any(|(sha, _)| *sha == hit.sha256) {
                let head = ws
                    .file_range(
                        company,
                        &hit.sha256,
                        0,
                        i64::try_from(HEAD_LEN).unwrap_or(i64::MAX),
                    )
                    .map_err(refused)?;
                heads.push((hit.sha256.clone(), head));
            }
            let head = heads
                .iter()
                .find(|(sha, _)| *sha == hit.sha256)
                .map(|(_, b)| b.as_slice())
                .unwrap_or_default();
            let raw = ws
                .file_range(company, &hit.sha256, span.at, span.len)
                .map_err(refused)?;
            texts.push(Some(decode_line(&raw, head)));
        } else {
            if !whole.iter().any(|(sha, _)| *sha == hit.sha256) {
                let bytes = ws.file_bytes(company, &hit.sha256).map_err(refused)?;
                whole.push((hit.sha256.clone(), bytes));
            }
            let bytes = whole
                .iter()
                .find(|(sha, _)| *sha == hit.sha256)
                .map(|(_, b)| b.as_slice())
                .unwrap_or_default();
            let line = u32::try_from(hit.line).unwrap_or(0);
            texts.push(source_line(&hit.file, bytes, &hit.part, line));
        }
    }
    Ok(texts)
}
