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
    let mut heads = Vec::new();
    let mut whole = Vec::new();
    let mut texts = Vec::with_capacity(hits.len());
    for hit in hits {
        if let Some(text) = &hit.text {
            texts.push(Some(text.clone()));
        } else if let Some(span) = hit.span {
            let raw = ws
                .file_range(company, &hit.sha256, span.at, span.len)
                .map_err(refused)?;
            let head = fetched_once(&mut heads, &hit.sha256, || {
                let len = i64::try_from(HEAD_LEN).unwrap_or(i64::MAX);
                ws.file_range(company, &hit.sha256, 0, len).map_err(refused)
            })?;
            texts.push(Some(decode_line(&raw, head)));
        } else {
            let bytes = fetched_once(&mut whole, &hit.sha256, || {
                ws.file_bytes(company, &hit.sha256).map_err(refused)
            })?;
            let line = u32::try_from(hit.line).unwrap_or(0);
            texts.push(source_line(&hit.file, bytes, &hit.part, line));
        }
    }
    Ok(texts)
}

/// The bytes kept in `fetched` for the file `sha256`, fetched by `fetch` the first time a file
/// is asked for (a case or an order names a few files, each often many times).
pub fn fetched_once<'f>(
    fetched: &'f mut Vec<(String, Vec<u8>)>,
    sha256: &str,
    fetch: impl FnOnce() -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<&'f [u8]> {
    let at = match fetched.iter().position(|(sha, _)| sha == sha256) {
        Some(at) => at,
        None => {
            fetched.push((sha256.to_string(), fetch()?));
            fetched.len() - 1
        }
    };
    Ok(fetched[at].1.as_slice())
}
