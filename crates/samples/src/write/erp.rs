//! The generic ERP format (PRODUCT.md 通用ERP格式) in the shapes sellers produce it: CSV in
//! UTF-8 or GBK, or an XLSX workbook with typed cells (amounts and quantities as numbers,
//! times as Excel date-times). One file per kind; columns in any order, extra columns allowed.

use duizhang_core::{
    AfterSale, BeijingTime, Complaint, ComplaintKind, ErpOrder, Fen, QualityResult, ReturnReceipt,
    Shipment,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::bytes::{Encoding, TextFile};

/// CSV in an encoding, or XLSX.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    Csv(Encoding),
    Xlsx,
}

#[derive(Clone, Debug)]
pub struct ErpOptions {
    pub container: Container,
    pub crlf: bool,
    /// Columns in reverse order (the format allows any order).
    pub reversed: bool,
    /// Columns the importer must ignore: (header, value on every row), inserted after the
    /// first column.
    pub extra: Vec<(String, String)>,
    /// Columns left out, by header name (optional columns a seller's ERP does not export).
    pub omit: Vec<String>,
    /// Required columns written with the `*` that marks them in PRODUCT.md (`店铺*`), as
    /// templates copied from the documentation have them.
    pub star_required: bool,
}

impl Default for ErpOptions {
    fn default() -> Self {
        ErpOptions {
            container: Container::Csv(Encoding::Utf8),
            crlf: true,
            reversed: false,
            extra: Vec::new(),
            omit: Vec::new(),
            star_required: false,
        }
    }
}

/// How a multi-line after-sale's amounts are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowAmounts {
    /// Each row carries its line's refund; 申请金额 is on the first row only.
    PerLine,
    /// Every row repeats the after-sale's totals (some ERPs' exports).
    RepeatedTotal,
}

/// A typed cell.
#[derive(Clone, Debug)]
enum Cell {
    Empty,
    Text(String),
    Money(Fen),
    Int(i64),
    Time(BeijingTime),
}

impl Cell {
    fn text(value: Option<&str>) -> Cell {
        value.map_or(Cell::Empty, |v| Cell::Text(v.to_string()))
    }

    fn csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Money(f) => f.to_string(),
            Cell::Int(n) => n.to_string(),
            Cell::Time(t) => t.to_string(),
        }
    }
}

fn money(f: Option<Fen>) -> Cell {
    f.map_or(Cell::Empty, Cell::Money)
}

fn time(t: Option<BeijingTime>) -> Cell {
    t.map_or(Cell::Empty, Cell::Time)
}

/// A column: header and whether PRODUCT.md marks it required.
type Col = (&'static str, bool);

fn render(columns: &[Col], rows: Vec<Vec<Cell>>, o: &ErpOptions) -> Result<Vec<u8>, XlsxError> {
    let mut header: Vec<String> = Vec::new();
    let mut picks: Vec<usize> = Vec::new();
    for (i, (name, required)) in columns.iter().enumerate() {
        if o.omit.iter().any(|n| n == name) {
            continue;
        }
        header.push(if *required && o.star_required {
            format!("{name}*")
        } else {
            (*name).to_string()
        });
        picks.push(i);
    }
    let mut table: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|row| {
            picks
                .iter()
                .map(|&i| row.get(i).cloned().unwrap_or(Cell::Empty))
                .collect()
        })
        .collect();
    for (k, (name, value)) in o.extra.iter().enumerate() {
        let at = (k + 1).min(header.len());
        header.insert(at, name.clone());
        for row in &mut table {
            row.insert(at, Cell::Text(value.clone()));
        }
    }
    if o.reversed {
        header.reverse();
        for row in &mut table {
            row.reverse();
        }
    }
    match o.container {
        Container::Csv(encoding) => {
            let mut f = TextFile::new(encoding, o.crlf);
            f.quoted_cells(&header);
            for row in &table {
                let cells: Vec<String> = row.iter().map(Cell::csv).collect();
                f.quoted_cells(&cells);
            }
            Ok(f.into_bytes())
        }
        Container::Xlsx => xlsx(&header, &table),
    }
}

fn xlsx(header: &[String], rows: &[Vec<Cell>]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Sheet1")?;
    let stamp = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (c, name) in (0u16..).zip(header) {
        sheet.write_string(0, c, name)?;
    }
    for (r, row) in (1u32..).zip(rows) {
        for (c, cell) in (0u16..).zip(row) {
            match cell {
                Cell::Empty => {}
                Cell::Text(s) => {
                    sheet.write_string(r, c, s)?;
                }
                // Spreadsheet numbers are binary floating point: the exact decimal text is
                // converted once, and the importer reads back its shortest exact form.
                Cell::Money(f) => {
                    sheet.write_number(r, c, parse_number(&f.to_string())?)?;
                }
                Cell::Int(n) => {
                    sheet.write_number(r, c, parse_number(&n.to_string())?)?;
                }
                Cell::Time(t) => {
                    let dt = ExcelDateTime::parse_from_str(&t.to_string())?;
                    sheet.write_datetime_with_format(r, c, &dt, &stamp)?;
                }
            }
        }
    }
    book.save_to_buffer()
}

fn parse_number(text: &str) -> Result<f64, XlsxError> {
    text.parse::<f64>()
        .map_err(|e| XlsxError::ParameterError(format!("{text}: {e}")))
}

const ORDER_COLUMNS: &[Col] = &[
    ("店铺", true),
    ("平台", true),
    ("订单号", true),
    ("ERP单号", false),
    ("订单状态", true),
    ("更新时间", true),
    ("付款时间", false),
    ("商品金额", false),
    ("运费", false),
    ("优惠金额", false),
    ("实付金额", false),
    ("支付方式", false),
    ("支付单号", false),
];

/// ERP 订单. The money columns (mini-program shops) are written only when some order has them.
pub fn erp_orders(rows: &[ErpOrder], o: &ErpOptions) -> Result<Vec<u8>, XlsxError> {
    let with_money = rows.iter().any(|r| {
        r.paid_at.is_some()
            || r.goods.is_some()
            || r.postage.is_some()
            || r.discount.is_some()
            || r.paid.is_some()
            || r.payment_method.is_some()
            || r.payment_no.is_some()
    });
    let columns = if with_money {
        ORDER_COLUMNS
    } else {
        ORDER_COLUMNS.get(..6).unwrap_or(ORDER_COLUMNS)
    };
    let cells = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.shop.to_string()),
                Cell::Text(r.platform.zh().into()),
                Cell::Text(r.order_no.to_string()),
                Cell::text(r.erp_no.as_deref()),
                Cell::Text(r.status.zh().into()),
                Cell::Time(r.updated_at),
                time(r.paid_at),
                money(r.goods),
                money(r.postage),
                money(r.discount),
                money(r.paid),
                Cell::text(r.payment_method.as_deref()),
                Cell::text(r.payment_no.as_deref()),
            ]
        })
        .collect();
    render(columns, cells, o)
}

const AFTER_SALE_COLUMNS: &[Col] = &[
    ("店铺", true),
    ("平台", true),
    ("订单号", true),
    ("售后单号", true),
    ("售后类型", true),
    ("状态", true),
    ("申请时间", true),
    ("完成时间", false),
    ("申请金额", false),
    ("退款金额", true),
    ("商家编码", false),
    ("数量", false),
    ("原因", false),
];

/// ERP 售后单: one row per goods line (one row when the after-sale has no lines), the
/// after-sale's fields repeated on each row and its amounts written as `amounts` says.
pub fn after_sales(
    rows: &[AfterSale],
    amounts: RowAmounts,
    o: &ErpOptions,
) -> Result<Vec<u8>, XlsxError> {
    let mut cells = Vec::new();
    for r in rows {
        let head = |requested: Option<Fen>, refunded: Fen| {
            vec![
                Cell::text(r.shop.as_deref()),
                Cell::Text(r.platform.zh().into()),
                Cell::Text(r.order_no.to_string()),
                Cell::Text(r.refund_no.to_string()),
                Cell::Text(r.kind.zh().into()),
                Cell::Text(r.status.zh().into()),
                time(r.applied_at),
                time(r.completed_at),
                money(requested),
                Cell::Money(refunded),
            ]
        };
        if r.lines.is_empty() {
            let mut row = head(r.requested, r.refunded);
            row.extend([Cell::Empty, Cell::Empty, Cell::text(r.reason.as_deref())]);
            cells.push(row);
            continue;
        }
        for (i, line) in r.lines.iter().enumerate() {
            let (requested, refunded) = match amounts {
                RowAmounts::PerLine => (
                    if i == 0 { r.requested } else { None },
                    line.refund.unwrap_or(r.refunded),
                ),
                RowAmounts::RepeatedTotal => (r.requested, r.refunded),
            };
            let mut row = head(requested, refunded);
            row.extend([
                Cell::text(line.sku.as_deref()),
                line.quantity.map_or(Cell::Empty, Cell::Int),
                Cell::text(r.reason.as_deref()),
            ]);
            cells.push(row);
        }
    }
    render(AFTER_SALE_COLUMNS, cells, o)
}

const SHIPMENT_COLUMNS: &[Col] = &[
    ("店铺", true),
    ("订单号", true),
    ("子订单号", false),
    ("商家编码", true),
    ("数量", true),
    ("发货时间", true),
    ("物流公司", false),
    ("运单号", false),
    ("发货类型", true),
    ("售后单号", false),
];

/// ERP 发货单: one row per shipped SKU line.
pub fn shipments(rows: &[Shipment], o: &ErpOptions) -> Result<Vec<u8>, XlsxError> {
    let cells = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.shop.to_string()),
                Cell::Text(r.order_no.to_string()),
                Cell::text(r.sub_order_no.as_deref()),
                Cell::Text(r.sku.to_string()),
                Cell::Int(r.quantity),
                Cell::Time(r.shipped_at),
                Cell::text(r.carrier.as_deref()),
                Cell::text(r.waybill.as_deref()),
                Cell::Text(r.kind.zh().into()),
                Cell::text(r.refund_no.as_deref()),
            ]
        })
        .collect();
    render(SHIPMENT_COLUMNS, cells, o)
}

const RECEIPT_COLUMNS: &[Col] = &[
    ("店铺", true),
    ("订单号", true),
    ("售后单号", true),
    ("商家编码", true),
    ("数量", true),
    ("入库时间", true),
    ("质检结果", false),
];

/// ERP 退货入库单: one row per received SKU line.
pub fn return_receipts(rows: &[ReturnReceipt], o: &ErpOptions) -> Result<Vec<u8>, XlsxError> {
    let cells = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.shop.to_string()),
                Cell::Text(r.order_no.to_string()),
                Cell::Text(r.refund_no.to_string()),
                Cell::Text(r.sku.to_string()),
                Cell::Int(r.quantity),
                Cell::Time(r.received_at),
                Cell::text(r.quality.map(|q| match q {
                    QualityResult::Good => "良品",
                    QualityResult::Defective => "次品",
                })),
            ]
        })
        .collect();
    render(RECEIPT_COLUMNS, cells, o)
}

const COMPLAINT_COLUMNS: &[Col] = &[
    ("店铺", true),
    ("订单号", false),
    ("工单号", true),
    ("类型", true),
    ("创建时间", true),
    ("原因", false),
];

/// 客服工单.
pub fn complaints(rows: &[Complaint], o: &ErpOptions) -> Result<Vec<u8>, XlsxError> {
    let cells = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.shop.to_string()),
                Cell::text(r.order_no.as_deref()),
                Cell::Text(r.ticket_no.to_string()),
                Cell::Text(
                    match r.kind {
                        ComplaintKind::Complaint => "投诉",
                        ComplaintKind::Inquiry => "咨询",
                        ComplaintKind::Other => "其他",
                    }
                    .into(),
                ),
                Cell::Time(r.created_at),
                Cell::text(r.reason.as_deref()),
            ]
        })
        .collect();
    render(COMPLAINT_COLUMNS, cells, o)
}
