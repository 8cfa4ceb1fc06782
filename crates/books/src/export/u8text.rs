//! 用友 U8/T3/T6 总账 "凭证引入" text (accounting.md §3.2): one line per entry, the 8 mandatory
//! fields `制单日期,凭证类别字,业务号,附单据数,摘要,科目编码,借方,贷方`, then the optional fields
//! the seller's 账套 lists under `[u8] fields`; lines of a voucher consecutive. Aux items go only
//! where that list puts them: without it, lines whose accounts need aux items are refused.

use crate::chart::{AuxDim, Chart};
use crate::error::BooksError;
use crate::voucher::Voucher;

/// U8 on Chinese Windows reads the system code page (GBK); newer tools accept UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Gbk,
    Utf8,
}

/// An optional field of a 凭证引入 line, after the 8 mandatory ones.
///
/// UNCONFIRMED: the order U8 expects these in is not known (accounting.md §3.2: the source page
/// is truncated and versions may differ), so it is never assumed here; the seller lists the
/// fields of their own U8 version's template in order (`[u8] fields`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum U8Field {
    Quantity,
    ForeignCurrency,
    SettlementMethod,
    BillNo,
    Department,
    Person,
    Customer,
    Supplier,
    Salesman,
    Project,
    Preparer,
}

/// The names of accounting.md §3.2, in the order that section lists them.
const NAMES: [(U8Field, &str); 11] = [
    (U8Field::Quantity, "数量"),
    (U8Field::ForeignCurrency, "外币"),
    (U8Field::SettlementMethod, "结算方式"),
    (U8Field::BillNo, "票号"),
    (U8Field::Department, "部门"),
    (U8Field::Person, "个人"),
    (U8Field::Customer, "客户"),
    (U8Field::Supplier, "供应商"),
    (U8Field::Salesman, "业务员"),
    (U8Field::Project, "项目"),
    (U8Field::Preparer, "制单人"),
];

impl U8Field {
    pub fn from_name(name: &str) -> Option<U8Field> {
        NAMES.iter().find(|(_, n)| *n == name).map(|(f, _)| *f)
    }

    pub fn zh(self) -> &'static str {
        NAMES
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("", |(_, n)| *n)
    }

    /// Every accepted name, `数量、外币、…`, for error messages.
    pub fn all_names() -> String {
        NAMES.map(|(_, n)| n).join("、")
    }

    /// Fields that may carry the 店铺 dimension, U8 having no 店铺 item: the aux items this
    /// export fills from nothing else.
    pub const SHOP_CAPABLE: [U8Field; 4] = [
        U8Field::Project,
        U8Field::Person,
        U8Field::Salesman,
        U8Field::Supplier,
    ];
}

/// The optional fields of the seller's U8 凭证引入 file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct U8Layout {
    /// In file order after the 8 mandatory fields; empty = the mandatory fields only.
    pub fields: Vec<U8Field>,
    /// The field that carries the 店铺 dimension, one of [`U8Field::SHOP_CAPABLE`].
    pub shop: Option<U8Field>,
}

/// What a field holds, for both export and import; other fields stay empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    Aux(AuxDim),
    Preparer,
}

impl U8Layout {
    pub(crate) fn slot(&self, field: U8Field) -> Option<Slot> {
        match field {
            U8Field::Department => Some(Slot::Aux(AuxDim::Department)),
            U8Field::Customer => Some(Slot::Aux(AuxDim::Platform)),
            U8Field::Preparer => Some(Slot::Preparer),
            f if self.shop == Some(f) => Some(Slot::Aux(AuxDim::Shop)),
            _ => None,
        }
    }

    fn carries(&self, dim: AuxDim) -> bool {
        self.fields
            .iter()
            .any(|f| self.slot(*f) == Some(Slot::Aux(dim)))
    }

    /// Why `account`'s `dim` cannot be written, saying which setting to add.
    fn missing(&self, account: &str, dim: AuxDim) -> BooksError {
        let shop_hint = "，并用 shop_field = \"项目\" 指定承载店铺的字段（用友没有店铺辅助核算项）";
        let message = if self.fields.is_empty() {
            let example = NAMES.map(|(_, n)| format!("\"{n}\"")).join(", ");
            format!(
                "科目“{account}”带辅助核算（{}），用友凭证引入文本可选字段的顺序未经证实、可能因版本而异，\
                 请在账套文件中按本单位 U8 凭证引入模板列出 8 个必有字段之后的字段，例如：\
                 [u8] fields = [{example}]{}",
                dim.zh(),
                if dim == AuxDim::Shop { shop_hint } else { "" }
            )
        } else if dim == AuxDim::Shop {
            format!(
                "科目“{account}”要求辅助核算“店铺”，请在账套 [u8] 中把承载店铺的字段列入 fields{shop_hint}"
            )
        } else {
            format!(
                "科目“{account}”要求辅助核算“{0}”，但账套 [u8] fields 没有列出“{0}”字段",
                dim.zh()
            )
        };
        BooksError::export(
            message,
            format!("aux {dim:?} of {account} has no U8 field; set [u8] fields"),
        )
    }
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
    layout: &U8Layout,
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
            let dims = chart.account(&l.account).map(|a| a.aux.as_slice());
            if let Some(dim) = dims
                .unwrap_or_default()
                .iter()
                .find(|d| !layout.carries(**d))
            {
                return Err(layout.missing(&l.account, *dim));
            }
            // A comma would split the field: the full-width comma reads the same to people.
            let summary = l.summary.replace(',', "，");
            let width: usize = summary
                .chars()
                .map(|c| if c.is_ascii() { 1 } else { 2 })
                .sum();
            if width > 60 {
                return Err(BooksError::export(
                    format!(
                        "凭证 {} 的摘要“{summary}”超过用友限长 60 字节：请在凭证规则（--rules）中把该业务的摘要改短，例如去掉 {{date}} 或 {{shop}}（店铺名称较长时）",
                        v.label()
                    ),
                    format!("voucher {} summary longer than 60 bytes", v.label()),
                ));
            }
            let mut fields = vec![
                v.date.to_string(),
                v.word.clone(),
                v.number.to_string(),
                v.attachments.to_string(),
                summary,
                l.account.clone(),
                amount(l.debit),
                amount(l.credit),
            ];
            for f in &layout.fields {
                let value = match layout.slot(*f) {
                    Some(Slot::Aux(dim)) => l.aux.get(dim).unwrap_or_default(),
                    Some(Slot::Preparer) => v.preparer.as_str(),
                    None => "",
                };
                // Aux values are codes of U8's 档案: changing a character would not match.
                if value.contains([',', '\r', '\n']) {
                    return Err(BooksError::export(
                        format!(
                            "凭证 {} 的{}“{value}”含逗号或换行，无法写入用友文本",
                            v.label(),
                            f.zh()
                        ),
                        format!("voucher {} {f:?} contains a separator", v.label()),
                    ));
                }
                fields.push(value.to_string());
            }
            // Trailing empty fields may be omitted (accounting.md §3.2).
            while fields.len() > 8 && fields.last().is_some_and(String::is_empty) {
                fields.pop();
            }
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
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
