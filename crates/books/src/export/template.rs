//! Template-driven Excel exports: 畅捷通 T+/好会计 and 金蝶 KIS (one header row of Chinese
//! labels) and 金蝶云星空 GL_VOUCHER (a row of field keys and a row of labels, header fields on
//! the first entry of each voucher only). Column layouts of T+/好会计 and KIS are not confirmed
//! (accounting.md §3.3, §3.4), so the seller's own header row drives the columns; the defaults
//! are the documented field lists.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use duizhang_core::Fen;

use super::sheet::{Cell, Grid, render};
use crate::chart::{AuxDim, Chart};
use crate::error::BooksError;
use crate::voucher::{Voucher, VoucherLine};

/// What goes into a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The voucher's position in the file (云星空 单据头(序号)).
    VoucherSeq,
    Date,
    BusinessDate,
    Year,
    /// Month number of the period.
    PeriodNo,
    Word,
    /// 凭证字 code (云星空 PRE001 …) from the settings.
    WordCode,
    Number,
    Attachments,
    /// Entry number from 1.
    Seq,
    Summary,
    AccountCode,
    /// `其他货币资金—支付宝`.
    AccountName,
    Debit,
    Credit,
    /// 原币金额: the amount on whichever side.
    AmountFor,
    Shop,
    Customer,
    Department,
    Preparer,
    Reviewer,
    Currency,
    CurrencyCode,
    RateTypeCode,
    RateTypeName,
    Rate,
    BookCode,
    BookName,
    OrgCode,
    OrgName,
    AdjustFlag,
    /// A known column this export leaves empty (审核人, 数量 …) or an unknown one.
    Blank,
}

impl Field {
    /// Filled only on a voucher's first entry when the template says so (云星空).
    fn is_header(self) -> bool {
        matches!(
            self,
            Field::VoucherSeq
                | Field::Date
                | Field::BusinessDate
                | Field::Year
                | Field::PeriodNo
                | Field::Word
                | Field::WordCode
                | Field::Number
                | Field::Attachments
                | Field::BookCode
                | Field::BookName
                | Field::OrgCode
                | Field::OrgName
                | Field::AdjustFlag
        )
    }

    fn aux(self) -> Option<AuxDim> {
        match self {
            Field::Shop => Some(AuxDim::Shop),
            Field::Customer => Some(AuxDim::Platform),
            Field::Department => Some(AuxDim::Department),
            _ => None,
        }
    }
}

/// A Chinese column label as the 用友/畅捷通/金蝶 templates write it → field.
fn label_field(label: &str) -> Option<Field> {
    let l = label.trim().trim_start_matches('*').trim();
    Some(match l {
        "日期" | "制单日期" | "凭证日期" => Field::Date,
        "业务日期" => Field::BusinessDate,
        "会计年度" | "年度" => Field::Year,
        "会计期间" | "期间" => Field::PeriodNo,
        "凭证字" | "凭证类别" | "凭证类别字" | "凭证类型" => Field::Word,
        "凭证号" | "凭证编号" => Field::Number,
        "附单据数" | "附件数" | "单据数" | "附单据张数" => Field::Attachments,
        "分录号" | "分录序号" | "行号" => Field::Seq,
        "摘要" => Field::Summary,
        "科目编码" | "科目代码" | "会计科目编码" => Field::AccountCode,
        "科目名称" | "会计科目" | "科目全名" => Field::AccountName,
        "借方金额" | "借方" | "借方本币" | "借方金额(本币)" => Field::Debit,
        "贷方金额" | "贷方" | "贷方本币" | "贷方金额(本币)" => Field::Credit,
        "原币金额" => Field::AmountFor,
        "店铺" => Field::Shop,
        "客户" | "往来单位" | "客户编码" => Field::Customer,
        "部门" | "部门编码" => Field::Department,
        "制单人" => Field::Preparer,
        "审核人" => Field::Reviewer,
        "币别" | "币种" => Field::Currency,
        "汇率" => Field::Rate,
        "过账人" | "记账人" | "出纳" | "数量" | "单价" | "结算方式" | "结算号" | "票号" => {
            Field::Blank
        }
        _ => return None,
    })
}

/// A 云星空 field key (row 1 of the template) → field; 核算维度 columns by their label.
fn cloud_field(key: &str, label: &str) -> Option<Field> {
    let k = key.trim();
    if k.starts_with("*Split*") {
        return Some(Field::Blank);
    }
    if k.starts_with("FDetailID#") {
        if k.ends_with("#Name") {
            return Some(Field::Blank);
        }
        return Some(if label.contains("客户") {
            Field::Customer
        } else if label.contains("部门") {
            Field::Department
        } else if label.contains("店铺") {
            Field::Shop
        } else {
            Field::Blank
        });
    }
    Some(match k {
        "FBillHead(GL_VOUCHER)" => Field::VoucherSeq,
        "FAccountBookID" => Field::BookCode,
        "FAccountBookID#Name" => Field::BookName,
        "FDate" => Field::Date,
        "FBUSDATE" => Field::BusinessDate,
        "FYEAR" => Field::Year,
        "FPERIOD" => Field::PeriodNo,
        "FVOUCHERGROUPID" => Field::WordCode,
        "FVOUCHERGROUPID#Name" => Field::Word,
        "FVOUCHERGROUPNO" => Field::Number,
        "FATTACHMENTS" => Field::Attachments,
        "FISADJUSTVOUCHER" => Field::AdjustFlag,
        "FACCBOOKORGID" => Field::OrgCode,
        "FACCBOOKORGID#Name" => Field::OrgName,
        "FEntity" => Field::Seq,
        "FEXPLANATION" => Field::Summary,
        "FACCOUNTID" => Field::AccountCode,
        "FACCOUNTID#Name" => Field::AccountName,
        "FCURRENCYID" => Field::CurrencyCode,
        "FCURRENCYID#Name" => Field::Currency,
        "FEXCHANGERATETYPE" => Field::RateTypeCode,
        "FEXCHANGERATETYPE#Name" => Field::RateTypeName,
        "FEXCHANGERATE" => Field::Rate,
        "FAMOUNTFOR" => Field::AmountFor,
        "FDEBIT" => Field::Debit,
        "FCREDIT" => Field::Credit,
        "FSourceBillKey"
        | "FSourceBillKey#Name"
        | "FIMPORTVERSION"
        | "FUnitId"
        | "FUnitId#Name"
        | "FPrice"
        | "FQty"
        | "FSettleTypeID"
        | "FSettleTypeID#Name"
        | "FSETTLENO"
        | "FBUSNO"
        | "FEXPORTENTRYID" => Field::Blank,
        _ => return None,
    })
}

/// The columns of a tabular export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnTemplate {
    pub sheet: String,
    pub header_rows: Vec<Vec<String>>,
    pub columns: Vec<Field>,
    /// Whether voucher-level fields are written on the first entry only.
    pub header_once: bool,
    /// Columns of the template this export does not know (left empty).
    pub unmapped: Vec<String>,
    /// Columns marked required (`*`) in the template's labels.
    required: Vec<bool>,
}

const CHANJET_DEFAULT: [&str; 12] = [
    "日期",
    "凭证字",
    "凭证号",
    "附单据数",
    "摘要",
    "科目编码",
    "科目名称",
    "借方金额",
    "贷方金额",
    "客户",
    "部门",
    "制单人",
];
const KIS_DEFAULT: [&str; 16] = [
    "日期",
    "凭证字",
    "凭证号",
    "附单据数",
    "摘要",
    "科目代码",
    "科目名称",
    "借方金额",
    "贷方金额",
    "币别",
    "汇率",
    "数量",
    "单价",
    "制单人",
    "审核人",
    "过账人",
];

impl ColumnTemplate {
    /// From the seller's header row (the "下载模板" file's first row).
    pub fn from_labels(sheet: &str, labels: &[&str]) -> ColumnTemplate {
        let mut unmapped = Vec::new();
        let columns = labels
            .iter()
            .map(|l| {
                label_field(l).unwrap_or_else(|| {
                    unmapped.push(l.to_string());
                    Field::Blank
                })
            })
            .collect();
        ColumnTemplate {
            sheet: sheet.to_string(),
            header_rows: vec![labels.iter().map(|s| s.to_string()).collect()],
            columns,
            header_once: false,
            unmapped,
            required: labels.iter().map(|l| l.trim().starts_with('*')).collect(),
        }
    }

    /// 畅捷通 T+/好会计 columns of the 用友-family template [S28] plus aux items ❓.
    pub fn chanjet_default() -> ColumnTemplate {
        ColumnTemplate::from_labels("凭证", &CHANJET_DEFAULT)
    }

    /// 金蝶 KIS 标准版 Excel import columns [S37] ❓ (debit and credit in their own columns, so
    /// the unconfirmed FDC direction code is never needed).
    pub fn kis_default() -> ColumnTemplate {
        ColumnTemplate::from_labels("凭证", &KIS_DEFAULT)
    }
}

/// 云星空 template: keys row and labels row of sheet `凭证#单据头(FBillHead)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudTemplate(pub ColumnTemplate);

pub const CLOUD_SHEET: &str = "凭证#单据头(FBillHead)";

const CLOUD_DEFAULT: [(&str, &str); 28] = [
    ("FBillHead(GL_VOUCHER)", "*单据头(序号)"),
    ("FAccountBookID", "*(单据头)账簿"),
    ("FAccountBookID#Name", "(单据头)账簿#名称"),
    ("FDate", "*日期"),
    ("FBUSDATE", "业务日期"),
    ("FYEAR", "会计年度"),
    ("FPERIOD", "期间"),
    ("FVOUCHERGROUPID", "*凭证字"),
    ("FVOUCHERGROUPID#Name", "凭证字#名称"),
    ("FVOUCHERGROUPNO", "*凭证号"),
    ("FATTACHMENTS", "附件数"),
    ("FISADJUSTVOUCHER", "是否调整期凭证"),
    ("FACCBOOKORGID", "*核算组织"),
    ("FACCBOOKORGID#Name", "核算组织#名称"),
    ("*Split*1", "间隔列"),
    ("FEntity", "*分录(序号)"),
    ("FEXPLANATION", "摘要"),
    ("FACCOUNTID", "*科目编码"),
    ("FACCOUNTID#Name", "科目编码#名称"),
    ("FDetailID#FFLEX6", "(核算维度)客户"),
    ("FCURRENCYID", "*币别"),
    ("FCURRENCYID#Name", "币别#名称"),
    ("FEXCHANGERATETYPE", "*汇率类型"),
    ("FEXCHANGERATETYPE#Name", "汇率类型#名称"),
    ("FEXCHANGERATE", "汇率"),
    ("FAMOUNTFOR", "原币金额"),
    ("FDEBIT", "借方金额"),
    ("FCREDIT", "贷方金额"),
];

impl CloudTemplate {
    pub fn from_rows(keys: &[&str], labels: &[&str]) -> CloudTemplate {
        let mut unmapped = Vec::new();
        let columns = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let label = labels.get(i).copied().unwrap_or_default();
                cloud_field(k, label).unwrap_or_else(|| {
                    unmapped.push(k.to_string());
                    Field::Blank
                })
            })
            .collect();
        CloudTemplate(ColumnTemplate {
            sheet: CLOUD_SHEET.to_string(),
            header_rows: vec![
                keys.iter().map(|s| s.to_string()).collect(),
                labels.iter().map(|s| s.to_string()).collect(),
            ],
            columns,
            header_once: true,
            unmapped,
            required: keys
                .iter()
                .enumerate()
                .map(|(i, _)| labels.get(i).is_some_and(|l| l.trim().starts_with('*')))
                .collect(),
        })
    }

    /// The documented columns [S35] with a 客户 核算维度; tenants differ, so prefer
    /// [`CloudTemplate::from_xlsx`] on the seller's own template.
    pub fn default_columns() -> CloudTemplate {
        let keys: Vec<&str> = CLOUD_DEFAULT.iter().map(|(k, _)| *k).collect();
        let labels: Vec<&str> = CLOUD_DEFAULT.iter().map(|(_, l)| *l).collect();
        CloudTemplate::from_rows(&keys, &labels)
    }

    /// Reads rows 1–2 of the seller's template workbook (bytes of the .xlsx).
    pub fn from_xlsx(bytes: &[u8]) -> Result<CloudTemplate, BooksError> {
        let bad = |detail: String| {
            BooksError::export(
                format!("无法读取金蝶云星空凭证模板：{detail}"),
                format!("cloud template: {detail}"),
            )
        };
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
        let range = book
            .worksheet_range(CLOUD_SHEET)
            .map_err(|_| bad(format!("缺少工作表“{CLOUD_SHEET}”")))?;
        let mut rows = range.rows();
        let cell = |d: &Data| d.to_string();
        let keys: Vec<String> = rows
            .next()
            .map(|r| r.iter().map(cell).collect())
            .unwrap_or_default();
        let labels: Vec<String> = rows
            .next()
            .map(|r| r.iter().map(cell).collect())
            .unwrap_or_default();
        if !keys.iter().any(|k| k == "FBillHead(GL_VOUCHER)") {
            return Err(bad("第1行没有 FBillHead(GL_VOUCHER) 字段".into()));
        }
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        Ok(CloudTemplate::from_rows(&keys, &labels))
    }
}

/// Codes the 云星空 账套 needs that the books do not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudSettings {
    pub account_book: (String, String),
    pub org: (String, String),
    /// 凭证字 → 凭证字 code (记 → PRE001).
    pub word_codes: BTreeMap<String, String>,
    pub currency: (String, String),
    pub rate_type: (String, String),
}

impl Default for CloudSettings {
    fn default() -> Self {
        CloudSettings {
            account_book: (String::new(), String::new()),
            org: (String::new(), String::new()),
            word_codes: BTreeMap::from([("记".to_string(), "PRE001".to_string())]),
            currency: ("PRE001".into(), "人民币".into()),
            rate_type: ("HLTX01_SYS".into(), "固定汇率".into()),
        }
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt(s: Option<&str>) -> Cell {
    s.map_or(Cell::Empty, text)
}

fn render_template(
    vouchers: &[Voucher],
    chart: &Chart,
    template: &ColumnTemplate,
    cloud: Option<&CloudSettings>,
) -> Result<Vec<u8>, BooksError> {
    super::validated(vouchers, chart)?;
    // Aux items the accounts require must have a column, or the import would drop them.
    for v in vouchers {
        for l in &v.lines {
            for dim in chart
                .account(&l.account)
                .map(|a| a.aux.clone())
                .unwrap_or_default()
            {
                if !template.columns.iter().any(|f| f.aux() == Some(dim)) {
                    return Err(BooksError::export(
                        format!(
                            "模板没有“{}”列，科目“{}”的辅助核算无法导出",
                            dim.zh(),
                            l.account
                        ),
                        format!("template lacks a column for aux {dim:?}"),
                    ));
                }
            }
        }
    }
    let mut rows = Vec::new();
    for (seq, v) in (1i64..).zip(vouchers) {
        for (i, l) in (1i64..).zip(&v.lines) {
            let mut row = Vec::with_capacity(template.columns.len());
            for (c, field) in template.columns.iter().enumerate() {
                let cell = if template.header_once && i > 1 && field.is_header() {
                    Cell::Empty
                } else {
                    value(*field, seq, v, i, l, chart, cloud)
                };
                if cell == Cell::Empty
                    && template.required.get(c).copied().unwrap_or(false)
                    && !(template.header_once && i > 1 && field.is_header())
                {
                    let label = template
                        .header_rows
                        .last()
                        .and_then(|r| r.get(c))
                        .cloned()
                        .unwrap_or_default();
                    return Err(BooksError::export(
                        format!(
                            "模板必填列“{label}”没有可填写的值（凭证 {}），请补充导出设置",
                            v.label()
                        ),
                        format!("required column {label} empty"),
                    ));
                }
                row.push(cell);
            }
            rows.push(row);
        }
    }
    let created = vouchers.iter().map(|v| v.date).max().unwrap_or_default();
    render(
        &[Grid {
            name: template.sheet.clone(),
            headers: template.header_rows.clone(),
            rows,
        }],
        created,
    )
}

fn value(
    field: Field,
    seq: i64,
    v: &Voucher,
    i: i64,
    l: &VoucherLine,
    chart: &Chart,
    cloud: Option<&CloudSettings>,
) -> Cell {
    let non_empty = |s: &str| if s.is_empty() { Cell::Empty } else { text(s) };
    match field {
        Field::VoucherSeq => Cell::Int(seq),
        Field::Date | Field::BusinessDate => text(v.date.to_string()),
        Field::Year => Cell::Int(i64::from(v.period.year())),
        Field::PeriodNo => Cell::Int(i64::from(v.period.month())),
        Field::Word => text(v.word.clone()),
        Field::WordCode => opt(cloud
            .and_then(|c| c.word_codes.get(&v.word))
            .map(String::as_str)),
        Field::Number => Cell::Int(i64::from(v.number)),
        Field::Attachments => Cell::Int(i64::from(v.attachments)),
        Field::Seq => Cell::Int(i),
        Field::Summary => text(l.summary.clone()),
        Field::AccountCode => text(l.account.clone()),
        Field::AccountName => text(chart.full_name(&l.account)),
        Field::Debit => Cell::Money(l.debit),
        Field::Credit => Cell::Money(l.credit),
        Field::AmountFor => Cell::Money(if l.debit == Fen::ZERO {
            l.credit
        } else {
            l.debit
        }),
        Field::Shop => opt(l.aux.shop.as_deref()),
        Field::Customer => opt(l.aux.customer.as_deref()),
        Field::Department => opt(l.aux.department.as_deref()),
        Field::Preparer => text(v.preparer.clone()),
        Field::Reviewer => opt(v.reviewer.as_deref()),
        Field::Currency => cloud.map_or_else(|| text("人民币"), |c| non_empty(&c.currency.1)),
        Field::CurrencyCode => cloud.map_or(Cell::Empty, |c| non_empty(&c.currency.0)),
        Field::RateTypeCode => cloud.map_or(Cell::Empty, |c| non_empty(&c.rate_type.0)),
        Field::RateTypeName => cloud.map_or(Cell::Empty, |c| non_empty(&c.rate_type.1)),
        Field::Rate => Cell::Int(1),
        Field::BookCode => cloud.map_or(Cell::Empty, |c| non_empty(&c.account_book.0)),
        Field::BookName => cloud.map_or(Cell::Empty, |c| non_empty(&c.account_book.1)),
        Field::OrgCode => cloud.map_or(Cell::Empty, |c| non_empty(&c.org.0)),
        Field::OrgName => cloud.map_or(Cell::Empty, |c| non_empty(&c.org.1)),
        Field::AdjustFlag => text("false"),
        Field::Blank => Cell::Empty,
    }
}

/// 畅捷通 T+ / 好会计 Excel, by the seller's template (default [`ColumnTemplate::chanjet_default`]).
pub fn chanjet(
    vouchers: &[Voucher],
    chart: &Chart,
    template: &ColumnTemplate,
) -> Result<Vec<u8>, BooksError> {
    render_template(vouchers, chart, template, None)
}

/// 金蝶 KIS 标准版 Excel ([`ColumnTemplate::kis_default`] or the seller's header row).
pub fn kis(
    vouchers: &[Voucher],
    chart: &Chart,
    template: &ColumnTemplate,
) -> Result<Vec<u8>, BooksError> {
    render_template(vouchers, chart, template, None)
}

/// 金蝶云星空 GL_VOUCHER Excel, driven by the seller's template header rows.
pub fn kingdee_cloud(
    vouchers: &[Voucher],
    chart: &Chart,
    template: &CloudTemplate,
    settings: &CloudSettings,
) -> Result<Vec<u8>, BooksError> {
    render_template(vouchers, chart, &template.0, Some(settings))
}
