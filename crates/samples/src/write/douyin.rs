//! Douyin shop (抖店) exports in their real shape (formats.md §6).

use duizhang_core::{BeijingTime, Fen, FlowKind, FundFlowRow, Order, OrderStatus, SettlementRow};

use crate::bytes::{Encoding, TextFile};

/// A text cell of the order export: quoted, with a TAB inside the quotes (`"\t6917…"`).
fn tab_quoted(s: &str) -> String {
    format!("\"\t{}\"", s.replace('"', "\"\""))
}

fn or_dash(t: Option<String>) -> String {
    t.unwrap_or_else(|| "-".into())
}

fn time(t: Option<BeijingTime>) -> String {
    or_dash(t.map(|t| t.to_string()))
}

/// Renders the order export: UTF-8 with BOM, one row per 子订单, text cells quoted with a
/// leading TAB, numbers bare, `-` for empty, receiver fields as ciphertext markers. The
/// order's postage and discounts are written on its first row, 0.00 on the others; that
/// row's 订单应付金额 includes the postage.
pub fn orders(orders: &[Order], crlf: bool) -> Vec<u8> {
    let mut f = TextFile::new(Encoding::Utf8Bom, crlf);
    f.line("主订单编号,子订单编号,选购商品,商品规格,商品数量,商家编码,订单应付金额,运费,收件人,收件人手机号,详细地址,订单提交时间,商家备注,订单完成时间,订单状态,售后状态,取消原因,发货时间,平台实际承担优惠金额,商家实际承担优惠金额,达人实际承担优惠金额");
    for o in orders {
        let after_sale = if o.status == OrderStatus::Refunded {
            "退款成功"
        } else {
            "-"
        };
        for (i, line) in o.lines.iter().enumerate() {
            let part = |m: Option<Fen>| {
                (if i == 0 { m } else { None })
                    .unwrap_or(Fen::ZERO)
                    .to_string()
            };
            let text = |s: Option<&str>| s.map_or_else(|| "-".to_string(), tab_quoted);
            let cells = [
                tab_quoted(&o.order_no),
                text(line.sub_order_no.as_deref()),
                text(line.title.as_deref()),
                tab_quoted("默认"),
                line.quantity.to_string(),
                text(line.sku.as_deref()),
                // 订单应付金额 includes the row's 运费 (formats.md §6.1); a line's paid is
                // its goods money.
                (line.paid.unwrap_or(Fen::ZERO)
                    + if i == 0 { o.postage } else { None }.unwrap_or(Fen::ZERO))
                .to_string(),
                part(o.postage),
                "##密文".into(),
                "$$密文".into(),
                "##密文".into(),
                time(o.created_at),
                "-".into(),
                time(o.finished_at),
                o.status_text.to_string(),
                after_sale.into(),
                String::new(),
                time(o.shipped_at),
                part(o.platform_discount),
                part(o.seller_discount),
                part(o.other_discount),
            ];
            f.cells(&cells);
        }
    }
    f.into_bytes()
}

#[derive(Clone, Debug)]
pub struct FlowOptions {
    /// 动账金额 signed (出账 negative) instead of absolute.
    pub signed: bool,
    /// The platform's own spelling `动帐流水号`; `false` writes `动账流水号`.
    pub platform_spelling: bool,
    /// Ids written with a leading `'` (files derived from the API).
    pub quote_ids: bool,
    pub encoding: Encoding,
    pub crlf: bool,
}

impl Default for FlowOptions {
    fn default() -> Self {
        FlowOptions {
            signed: false,
            platform_spelling: true,
            quote_ids: false,
            encoding: Encoding::Utf8Bom,
            crlf: false,
        }
    }
}

/// Renders a 资金流水明细 export: the 2026 real file's columns plus 售后编号.
pub fn fund_flow(rows: &[FundFlowRow], o: &FlowOptions) -> Vec<u8> {
    let mut f = TextFile::new(o.encoding, o.crlf);
    let txn = if o.platform_spelling {
        "动帐流水号"
    } else {
        "动账流水号"
    };
    f.line(&format!("动账时间,{txn},动账方向,动账金额,动账账户,动账场景,计费类型,子订单号,订单号,订单实付应结,运费实付,实际平台补贴,订单退款,平台服务费,佣金,招商服务费,站外推广费,备注,售后编号"));
    let id = |s: Option<&str>| match s {
        Some(s) if o.quote_ids => format!("'{s}"),
        Some(s) => s.to_string(),
        None => "-".to_string(),
    };
    for r in rows {
        let direction = if r.amount.get() < 0 {
            "出账"
        } else {
            "入账"
        };
        let amount = if o.signed { r.amount } else { r.amount.abs() };
        // The breakdown columns carry the row's amount under its kind, 0 elsewhere.
        let part = |k: FlowKind| {
            (if r.kind == k {
                r.amount.abs()
            } else {
                Fen::ZERO
            })
            .to_string()
        };
        let cells = [
            r.occurred_at.to_string(),
            id(Some(&r.txn_no)),
            direction.into(),
            amount.to_string(),
            r.account.as_deref().unwrap_or("聚合账户").to_string(),
            r.kind_text.to_string(),
            "小店自卖".into(),
            id(r.merchant_ref.as_deref()),
            id(r.order_no.as_deref()),
            part(FlowKind::Income),
            "0.00".into(),
            "0.00".into(),
            part(FlowKind::Refund),
            part(FlowKind::Fee),
            part(FlowKind::Commission),
            "0.00".into(),
            "0.00".into(),
            r.memo.as_deref().unwrap_or("-").to_string(),
            id(r.refund_no.as_deref()),
        ];
        f.quoted_cells(&cells);
    }
    f.into_bytes()
}

/// Renders a 结算账单: header, the formula legend row, ids with a leading `'`.
pub fn settlement(rows: &[SettlementRow], encoding: Encoding, crlf: bool) -> Vec<u8> {
    let mut f = TextFile::new(encoding, crlf);
    f.line("结算时间,订单号,子订单号,结算金额,结算账户,结算单类型,有结算前退款,下单时间,收入合计,支出合计,平台服务费,达人佣金");
    f.line(" , , ,收入+支出, , , , , , , , ");
    for r in rows {
        // 收入合计 − 支出合计 = 结算金额; a row without stated goods money has no fees.
        let (income, expense) = match r.goods {
            Some(goods) => (goods, goods - r.amount),
            None if r.amount.get() < 0 => (Fen::ZERO, r.amount.abs()),
            None => (r.amount, Fen::ZERO),
        };
        let cells = [
            time(r.settled_at),
            format!("'{}", r.order_no),
            or_dash(r.sub_order_no.as_deref().map(|s| format!("'{s}"))),
            r.amount.to_string(),
            r.account.as_deref().unwrap_or("聚合账户").to_string(),
            r.item.to_string(),
            "否".into(),
            "-".into(),
            income.to_string(),
            expense.to_string(),
            "0".into(),
            "0".into(),
        ];
        f.quoted_cells(&cells);
    }
    f.into_bytes()
}
