//! 用友 U8/T3/T6 总账 "凭证引入" text (accounting.md §3.2): one line per entry, fields
//! `制单日期,凭证类别字,业务号,附单据数,摘要,科目编码,借方,贷方`, lines of a voucher consecutive.
//! The optional fields after these (department, customer …) have no confirmed order, so lines
//! whose accounts need aux items are refused here instead of being guessed.

use crate::chart::Chart;
use crate::error::BooksError;
use crate::voucher::Voucher;

/// U8 on Chinese Windows reads the system code page (GBK); newer tools accept UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Gbk,
    Utf8,
}

/// `59.00` for amounts, `0` for the empty side, as the import template shows.
fn amount(f: duizhang_core::Fen) -> String {
    if f.is_zero() {
        "0".into()
    } else {
        f.to_yuan_string()
    }
}

pub fn u8_text(
    vouchers: &[Voucher],
    chart: &Chart,
    encoding: TextEncoding,
) -> Result<Vec<u8>, BooksError> {
    super::validated(vouchers, chart)?;
    let mut out = String::new();
    for v in vouchers {
        if v.attachments > 999 {
            return Err(BooksError::export(
                format!(
                    "凭证 {} 附单据数 {} 超过用友上限 999，请按文件计数（attachments = \"files\"）",
                    v.label(),
                    v.attachments
                ),
                format!("voucher {} attachments above 999", v.label()),
            ));
        }
        for l in &v.lines {
            if chart.account(&l.account).is_some_and(|a| !a.aux.is_empty()) {
                return Err(BooksError::export(
                    format!(
                        "科目“{}”带辅助核算，用友文本格式的辅助核算字段顺序未确认，请使用 Excel 模板导出",
                        l.account
                    ),
                    format!("aux items on {} cannot be written to U8 text", l.account),
                ));
            }
            // A comma would split the field: the full-width comma reads the same to people.
            let summary = l.summary.replace(',', "，");
            let width: usize = summary
                .chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum();
            if width > 60 {
                return Err(BooksError::export(
                    format!("凭证 {} 的摘要“{summary}”超过用友限长 60 字节", v.label()),
                    format!("voucher {} summary longer than 60 bytes", v.label()),
                ));
            }
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{}\r\n",
                v.date,
                v.word,
                v.number,
                v.attachments,
                summary,
                l.account,
                amount(l.debit),
                amount(l.credit)
            ));
        }
    }
    Ok(match encoding {
        TextEncoding::Utf8 => out.into_bytes(),
        TextEncoding::Gbk => {
            let (bytes, _, unmappable) = encoding_rs::GBK.encode(&out);
            if unmappable {
                return Err(BooksError::export(
                    "凭证含 GBK 无法表示的字符，请改用 UTF-8 导出",
                    "text not representable in GBK",
                ));
            }
            bytes.into_owned()
        }
    })
}
