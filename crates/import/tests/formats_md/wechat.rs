//! WeChat Pay bills, formats.md §2: the SUCCESS and REFUND 交易账单, the legacy layout of
//! merchants who never enabled 免充值券, and the 资金账单 as SDK fixtures spell it. (The ALL bill,
//! the documented 资金账单 and the 小店 fund flow are read byte for byte in
//! crates/samples/tests/wechat.rs.)

use duizhang_core::{FlowKind, PaymentKind, RatePpm};
use duizhang_import::ProblemCode;

use super::{assert_problem, at, bom, clean, crlf, fen, import, lf, t, t_opt};

const SUCCESS_HEADER: &str = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注";

/// A SUCCESS bill (20 columns) with the 4-column summary of the 2024 official page: one plain
/// payment and one paid partly with an 8.00 免充值 coupon (应结 80.00 of an 88.00 order).
fn success_bill() -> String {
    crlf(&[
        SUCCESS_HEADER,
        "`2026-10-03 10:00:12,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`SUCCESS,`OTHERS,`CNY,`59.00,`0.00,`纯棉T恤,`,`0.35000,`0.60%,`59.00,`",
        "`2026-10-03 11:20:45,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567891,`ORD202610030002,`oAbCdEfGhIjKlMnOpQrStUvWx01,`NATIVE,`SUCCESS,`CMC,`CNY,`80.00,`8.00,`保温杯 500ml,`,`0.48000,`0.60%,`88.00,`",
        "总交易单数,应结订单总金额,手续费总金额,订单总金额",
        "`2,`139.00,`0.83000,`147.00",
    ])
}

#[test]
fn the_success_bill_with_the_four_column_summary_reads_payments_and_checks_it() {
    let read = clean(
        "1900000109All2026-10-03.csv",
        bom(&success_bill()),
        "wechat.trade_bill",
    );
    let file = read.file();
    assert_eq!(file.meta.complete, Some(true));
    assert!(!file.control.is_empty(), "the summary is checked");
    let rows = &read.data.payments;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].kind, PaymentKind::Payment);
    assert_eq!(rows[0].txn_no, "4200002026202610031234567890");
    assert_eq!(rows[0].out_trade_no.as_deref(), Some("ORD202610030001"));
    assert_eq!(rows[0].settled, fen(5900));
    assert_eq!(rows[0].order_amount, Some(fen(5900)));
    assert_eq!(rows[0].fee, fen(35));
    assert_eq!(rows[0].rate, Some(RatePpm::parse("0.60%").unwrap()));
    assert_eq!(rows[0].refund, fen(0));
    assert_eq!(rows[0].occurred_at, t("2026-10-03 10:00:12"));
    assert_eq!(rows[0].source, at(2));
    // The coupon is in the order amount, not in what the merchant settles.
    assert_eq!(rows[1].settled, fen(8000));
    assert_eq!(rows[1].order_amount, Some(fen(8800)));
    assert_eq!(rows[1].fee, fen(48));
    assert_eq!(rows[1].source, at(3));
}

#[test]
fn a_success_bill_whose_summary_disagrees_is_an_error_of_the_file() {
    let text = success_bill().replace("`2,`139.00", "`2,`138.00");
    let read = import("bill.csv", bom(&text));
    assert_eq!(read.data.payments.len(), 2);
    let p = read.only_problem();
    assert_eq!(p.code, ProblemCode::ControlTotal);
    assert!(p.is_error());
    assert!(p.message.contains("138.00"), "{}", p.message);
}

/// A REFUND bill (29 columns: 退款申请时间 and 退款成功时间 after 代金券金额) with the 7-column
/// summary; the fee is returned, so negative.
fn refund_bill() -> String {
    crlf(&[
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
        "`2026-10-03 18:40:11,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`2026-10-03 18:40:11,`2026-10-03 18:40:20,`50300002026202610031234567890,`RF202610030001,`59.00,`0.00,`ORIGINAL,`SUCCESS,`纯棉T恤,`,`-0.35000,`0.60%,`0.00,`59.00,`",
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
        "`1,`0.00,`59.00,`0.00,`-0.35000,`0.00,`59.00",
    ])
}

#[test]
fn the_refund_bill_reads_the_refund_its_numbers_and_both_refund_times() {
    let read = clean(
        "1900000109Refund2026-10-03.csv",
        bom(&refund_bill()),
        "wechat.trade_bill",
    );
    let rows = &read.data.payments;
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r.kind, PaymentKind::Refund);
    assert_eq!(r.txn_no, "4200002026202610031234567890");
    assert_eq!(r.out_trade_no.as_deref(), Some("ORD202610030001"));
    assert_eq!(
        r.refund_id.as_deref(),
        Some("50300002026202610031234567890")
    );
    assert_eq!(r.out_refund_no.as_deref(), Some("RF202610030001"));
    assert_eq!(r.refund, fen(5900));
    assert_eq!(r.settled, fen(0));
    assert_eq!(r.fee, fen(-35));
    assert_eq!(r.occurred_at, t("2026-10-03 18:40:11"));
    assert_eq!(r.refund_succeeded_at, t_opt("2026-10-03 18:40:20"));
    assert_eq!(r.source, at(2));
}

#[test]
fn a_refund_bill_with_a_broken_refund_amount_names_line_and_column() {
    let text = refund_bill().replacen("`59.00,`0.00,`ORIGINAL", "`59.0O,`0.00,`ORIGINAL", 1);
    let read = import("bill.csv", bom(&text));
    assert!(read.data.payments.is_empty(), "the broken row is not read");
    let p = read
        .problems()
        .into_iter()
        .find(|p| p.code == ProblemCode::BadAmount)
        .unwrap();
    assert_problem(p, ProblemCode::BadAmount, 2, "退款金额", "59.0O");
}

/// The legacy layout (§2.2): 总金额, 代金券或立减优惠金额, 子商户号, no 订单金额/申请退款金额/费率备注,
/// and its 5-column summary; LF line ends, no BOM.
fn legacy_bill() -> String {
    lf(&[
        "交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率",
        "`2026-10-03 10:00:12,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`SUCCESS,`OTHERS,`CNY,`59.00,`0.00,`0,`0,`0.00,`0.00,`,`,`纯棉T恤,`,`0.35000,`0.60%",
        "`2026-10-03 18:40:11,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300002026202610031234567890,`RF202610030001,`59.00,`0.00,`ORIGINAL,`SUCCESS,`纯棉T恤,`,`-0.35000,`0.60%",
        "总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额",
        "`2,`59.00,`59.00,`0.00,`0.00000",
    ])
}

#[test]
fn the_legacy_trade_bill_reads_like_the_current_one() {
    let read = clean("bill.csv", legacy_bill().into_bytes(), "wechat.trade_bill");
    let rows = &read.data.payments;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].kind, PaymentKind::Payment);
    assert_eq!(rows[0].settled, fen(5900));
    assert_eq!(rows[0].fee, fen(35));
    assert_eq!(rows[0].source, at(2));
    assert_eq!(rows[1].kind, PaymentKind::Refund);
    assert_eq!(rows[1].refund, fen(5900));
    assert_eq!(rows[1].fee, fen(-35));
    assert_eq!(rows[1].out_refund_no.as_deref(), Some("RF202610030001"));
    assert_eq!(rows[1].occurred_at, t("2026-10-03 18:40:11"));
    assert_eq!(rows[1].source, at(3));
}

#[test]
fn the_legacy_bill_with_enterprise_red_packet_columns_is_read_too() {
    let text = legacy_bill()
        .replace("代金券或立减优惠金额", "企业红包金额")
        .replace("代金券或立减优惠退款金额", "企业红包退款金额");
    let read = clean("bill.csv", text.into_bytes(), "wechat.trade_bill");
    assert_eq!(read.data.payments.len(), 2);
    assert_eq!(read.data.payments[0].settled, fen(5900));
}

/// §2.3's 资金账单 as the SDK fixtures spell it: half-width `(元)`, and the summary's counts
/// written with decimals (`3.0`) as in the documentation's example.
fn fund_bill() -> String {
    crlf(&[
        "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号",
        "`2026-10-03 10:00:13,`4200002026202610031234567890,`1900000109202610030000000001,`交易,`交易,`收入,`59.00,`1059.00,`system,`,`ORD202610030001",
        "`2026-10-03 10:00:13,`4200002026202610031234567890,`1900000109202610030000000002,`交易,`扣除交易手续费,`支出,`0.35,`1058.65,`system,`,`ORD202610030001",
        "`2026-10-03 18:40:12,`50300002026202610031234567890,`1900000109202610030000000003,`退款,`退款,`支出,`58.65,`1000.00,`1900000109API,`退款总金额59.00元;含手续费0.35元,`RF202610030001",
        "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额",
        "`3.0,`1.0,`59.00,`2.0,`59.00",
    ])
}

#[test]
fn the_fund_bill_with_half_width_parentheses_and_decimal_counts_is_read_and_checked() {
    let read = clean("fund.csv", bom(&fund_bill()), "wechat.fund_bill");
    assert!(!read.file().control.is_empty(), "the summary is checked");
    let rows = &read.data.fund_flows;
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].kind, FlowKind::Income);
    assert_eq!(rows[0].amount, fen(5900));
    assert_eq!(rows[0].balance, Some(fen(105900)));
    assert_eq!(rows[1].kind, FlowKind::Fee);
    assert_eq!(rows[1].amount, fen(-35));
    assert_eq!(rows[2].kind, FlowKind::Refund);
    assert_eq!(rows[2].amount, fen(-5865));
    assert_eq!(rows[2].refund_total, Some(fen(5900)));
    assert_eq!(rows[2].occurred_at, t("2026-10-03 18:40:12"));
    assert_eq!(rows[2].source, at(4));
}

#[test]
fn a_fund_bill_row_of_unknown_direction_is_refused_where_it_is() {
    let text = fund_bill().replacen("`支出,`0.35", "`冻结,`0.35", 1);
    let read = import("fund.csv", bom(&text));
    assert_eq!(read.data.fund_flows.len(), 2);
    let p = read
        .problems()
        .into_iter()
        .find(|p| p.is_error() && p.code != ProblemCode::ControlTotal)
        .unwrap();
    assert_problem(p, ProblemCode::BadValue, 3, "收支类型", "冻结");
}

#[test]
fn a_success_bill_with_the_seven_column_summary_of_older_sdks_is_checked_by_its_own_header() {
    // §2.2: WxJava's test data shows the 7-column summary under a SUCCESS bill too.
    let text = success_bill()
        .replace(
            "总交易单数,应结订单总金额,手续费总金额,订单总金额",
            "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
        )
        .replace("`2,`139.00,`0.83000,`147.00", "`2,`139.00,`0.00,`0.00,`0.83000,`147.00,`0.00");
    let read = clean("bill.csv", bom(&text), "wechat.trade_bill");
    assert_eq!(read.data.payments.len(), 2);
    assert!(!read.file().control.is_empty());
}
