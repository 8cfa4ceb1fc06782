//! What happens to files between the platform and the program (formats.md, general rules 2–5):
//! Excel's "Unicode text" save (UTF-16, TAB-separated), order numbers Excel turned into
//! `4.01235E+18`, amounts written with thousands separators or a currency sign, blank lines
//! and lines of commas after the end.

use duizhang_core::{FlowKind, PaymentKind};
use duizhang_import::{ProblemCode, TextEncoding};

use super::{at, bom, clean, crlf, fen, gbk, import, t};

const PDD_ORDER_HEADER: &str = "商品,订单号,订单状态,商品总价(元),邮费(元),店铺优惠折扣(元),平台优惠折扣(元),多多支付立减金额(元),用户实付金额(元),商家实收金额(元),商品数量(件),发货时间,确认收货时间,商品id,商品规格,样式ID,商家编码-规格维度,商家编码-商品维度,商家备注,售后状态,快递单号,快递公司,订单成交时间";
const PDD_ORDER_ROW: &str = "纯棉T恤 白色 L,261003-123456789012345,已收货,69.00,0.00,5.00,2.00,0.20,61.80,66.80,1,2026-10-03 18:00:00,2026-10-08 10:11:12,6123456789,白色 L,3123456789,TS-WHITE-L,TS,,无售后或售后取消,YT1234567890,圆通快递,2026-10-03 09:12:33";

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        v.extend_from_slice(&unit.to_le_bytes());
    }
    v
}

#[test]
fn an_export_saved_by_excel_as_unicode_text_is_read_tab_separated() {
    // Excel's "Unicode 文本" is UTF-16LE with a BOM and a TAB between cells.
    let text = crlf(&[PDD_ORDER_HEADER, PDD_ORDER_ROW]).replace(',', "\t");
    let read = clean("订单.txt", utf16le_with_bom(&text), "pdd.orders");
    assert_eq!(read.file().encoding, Some(TextEncoding::Utf16Le));
    let o = &read.data.orders[0];
    assert_eq!(o.order_no, "261003-123456789012345");
    assert_eq!(o.paid, Some(fen(6180)));
    assert_eq!(o.finished_at, Some(t("2026-10-08 10:11:12")));
    assert_eq!(o.source, at(2));
}

#[test]
fn a_comma_separated_file_whose_id_cells_end_in_tabs_stays_comma_separated() {
    // Alipay's trailing TABs (§1.4) must not be taken for Excel's TAB separator.
    let text = crlf(&[
        "#支付宝账务明细查询",
        "#账号：[20880000000000000156]",
        "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注",
        "202610010000123456\t,20261001200040011100880012345678\t,T200P4012345678901234567\t,纯棉T恤 白色 L\t,2026-10-01 09:12:33,*明(138****0000)\t,59.00,0.00,1059.00,淘宝,交易付款,",
        "202610010000123457\t,\t,\t,\t,2026-10-01 09:12:34,\t,0.00,-2.95,1056.05,淘宝,交易分账,\t",
        "#支出合计：1笔，共-2.95元",
        "#收入合计：1笔，共59.00元",
    ]);
    let read = clean("账务明细.csv", gbk(&text), "alipay.fund_flow");
    assert_eq!(read.data.fund_flows.len(), 2);
    assert_eq!(read.data.fund_flows[1].amount, fen(-295));
}

/// The §3.1 Variant B example after Excel opened and saved it: the order number became
/// `4.01235E+18` (its last digits are gone for good).
#[test]
fn an_order_number_excel_wrote_in_scientific_notation_is_refused_not_guessed() {
    let text = "订单编号,退款编号,支付宝交易号,订单付款时间,商品编码,退款完结时间,买家实际支付金额,宝贝标题,买家退款金额,手工退款/系统退款,是否需要退货,退款的申请时间,超时时间,退款状态,货物状态,退货物流信息,发货物流信息,客服介入状态,卖家真实姓名,卖家真实姓名新,卖家退货地址,卖家邮编,卖家电话,卖家手机,退货物流单号,退货物流公司,买家退款原因,买家退款说明,买家退货时间,责任方,售中或售后,商家备注,完结时间,部分退款/全部退款,审核操作人,举证超时,是否零秒响应,退款操作人,退款原因标签,业务类型,是否帮他退款,帮他退款操作账号\r\n4.01235E+18,2.01235E+17,2.02610E+27,2026/10/1 9:12,TS-WHITE-L,2026/10/4 11:20,59,纯棉T恤 白色 L,59,手工退款,是,2026/10/2 8:00,2026/10/9 8:00,退款成功,买家已退货,中通快递:7300000000001,圆通速递:YT0000000000001,不需要客服介入,某某服饰,某某服饰,浙江省杭州市余杭区某路1号,311100,0571-00000000,13800000000,7.3E+12,中通快递,7天无理由退换货,尺码偏小,2026/10/2 10:00,买家,售后,,2026/10/4 11:20,全部退款,店小二A,,否,店小二A,,,否,\r\n";
    let read = import("退款报表.csv", gbk(text));
    assert!(
        read.data.after_sales.is_empty(),
        "no refund of a guessed order"
    );
    let p = read.only_problem();
    assert!(p.is_error());
    assert_eq!(p.code, ProblemCode::BadValue);
    assert_eq!(p.line, Some(2));
    assert!(
        p.column_name.as_deref() == Some("订单编号")
            || p.column_name.as_deref() == Some("退款编号"),
        "{p:#?}"
    );
    assert!(p.message.contains("科学计数法"), "{}", p.message);
}

/// An Alipay 账务明细 after Excel: the optional 商户订单号, the row's only tie to its order, became
/// `4.01235E+18`. Read as it is, every such income row would name an unknown order.
#[test]
fn an_optional_order_reference_excel_wrote_in_scientific_notation_is_refused_too() {
    let text = crlf(&[
        "#支付宝账务明细查询",
        "#账号：[20880000000000000156]",
        "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注",
        "202610010000123456,20261001200040011100880012345678,4.01235E+18,纯棉T恤 白色 L,2026-10-01 09:12:33,*明(138****0000),59.00,0.00,1059.00,淘宝,交易付款,",
        "#支出合计：0笔，共0.00元",
        "#收入合计：1笔，共59.00元",
    ]);
    let read = import("账务明细.csv", gbk(&text));
    assert!(
        read.data.fund_flows.is_empty(),
        "no row tied to a guessed order"
    );
    let problems = read.problems();
    let p = problems
        .iter()
        .find(|p| p.code == ProblemCode::BadValue)
        .expect("the damaged cell is named");
    assert!(p.is_error());
    assert_eq!(p.code, ProblemCode::BadValue);
    assert_eq!(p.line, Some(4));
    assert_eq!(p.column_name.as_deref(), Some("商户订单号"), "{p:#?}");
    assert!(p.message.contains("科学计数法"), "{}", p.message);
}

/// The same row re-saved by Excel with its long numbers kept as text: times lose their
/// seconds and leading zeros (`2026/10/4 11:20`), amounts their decimals (`59`).
#[test]
fn a_refund_row_resaved_by_excel_with_its_numbers_intact_reads_the_same_refund() {
    let text = "订单编号,退款编号,支付宝交易号,订单付款时间,商品编码,退款完结时间,买家实际支付金额,宝贝标题,买家退款金额,手工退款/系统退款,是否需要退货,退款的申请时间,超时时间,退款状态,货物状态,退货物流信息,发货物流信息,客服介入状态,卖家真实姓名,卖家真实姓名新,卖家退货地址,卖家邮编,卖家电话,卖家手机,退货物流单号,退货物流公司,买家退款原因,买家退款说明,买家退货时间,责任方,售中或售后,商家备注,完结时间,部分退款/全部退款,审核操作人,举证超时,是否零秒响应,退款操作人,退款原因标签,业务类型,是否帮他退款,帮他退款操作账号\r\n4012345678901234567,201234567890123456,2026100122001123450000000001,2026/10/1 9:12,TS-WHITE-L,2026/10/4 11:20,59,纯棉T恤 白色 L,59,手工退款,是,2026/10/2 8:00,2026/10/9 8:00,退款成功,买家已退货,中通快递:7300000000001,圆通速递:YT0000000000001,不需要客服介入,某某服饰,某某服饰,浙江省杭州市余杭区某路1号,311100,0571-00000000,13800000000,7300000000001,中通快递,7天无理由退换货,尺码偏小,2026/10/2 10:00,买家,售后,,2026/10/4 11:20,全部退款,店小二A,,否,店小二A,,,否,\r\n";
    let read = clean("退款报表.csv", gbk(text), "taobao.refunds");
    let r = &read.data.after_sales[0];
    assert_eq!(r.order_no, "4012345678901234567");
    assert_eq!(r.refund_no, "201234567890123456");
    assert_eq!(r.refunded, fen(5900));
    assert_eq!(r.applied_at, Some(t("2026-10-02 08:00:00")));
    assert_eq!(r.completed_at, Some(t("2026-10-04 11:20:00")));
    assert_eq!(r.source, at(2));
}

/// A 子订单 export whose 主订单编号 cells are numbers in the workbook: a 19-digit number is
/// beyond what a spreadsheet number keeps exactly, so its digits cannot be trusted.
#[test]
fn an_order_number_stored_as_a_spreadsheet_number_past_its_precision_is_refused() {
    let header = "子订单编号,主订单编号,标题,价格,购买数量,外部系统编号,商品属性,套餐信息,联系方式备注,订单状态,商家编码,支付单号,买家应付货款,买家实际支付金额,退款状态,退款金额,订单创建时间,订单付款时间,商品id,分阶段订单信息,备注标签,商家备注,主订单买家留言,发货时间,物流单号,物流公司,是否赔付,延迟发货主动赔付金额,赔付出账时间";
    let row = "4012345678901236000,4012345678901236000,纯棉T恤 白色 L,59.00,1,null,null,null,null,交易成功,TS-WHITE-L,20261003220011262917,59.00,59.00,没有申请退款,无退款申请,2026-10-03 21:00:00,2026-10-03 21:01:00,600000000001,null,null,null,null,null,null,null,否,null,null";
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in header.split(',').enumerate() {
        ws.write_string(0, u16::try_from(c).unwrap(), h).unwrap();
    }
    for (c, v) in row.split(',').enumerate() {
        let c = u16::try_from(c).unwrap();
        if c <= 1 {
            ws.write_number(1, c, 4_012_345_678_901_236_000.0).unwrap();
        } else {
            ws.write_string(1, c, v).unwrap();
        }
    }
    let read = import("订单.xlsx", book.save_to_buffer().unwrap());
    assert!(
        read.data.orders.is_empty(),
        "no order under digits the workbook could not keep: {:#?}",
        read.data.orders
    );
    let p = read.only_problem();
    assert_eq!(p.code, ProblemCode::BadValue);
    assert_eq!(p.line, Some(2));
    assert!(p.message.contains("科学计数法"), "{}", p.message);
}

#[test]
fn a_fifteen_digit_order_number_stored_as_a_number_keeps_its_digits() {
    // JD order numbers (15 digits) are exact in a spreadsheet number.
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let header = "订单编号,父单号,订单状态,订单下单时间,订单完成时间,售后服务单号,售后退款时间,商品编号,商品名称,商品数量,扣点类型,佣金比例,费用名称,应结金额,币种,收支方向,结算状态,预计结算时间,账单生成时间,到账时间,商户订单号,资金动账备注";
    for (c, h) in header.split(',').enumerate() {
        ws.write_string(0, u16::try_from(c).unwrap(), h).unwrap();
    }
    let row = "300000000000001,300000000000000,完成,2026-10-01 14:41:34,2026-10-05 09:00:00,,,100000000001,保温杯 500ml,1,基础扣点,0.05,货款,88.00,CNY,收入,已结算,2026-10-12 17:11:38,20261012,2026-10-13 12:08:53,202610130000011332600000001,";
    for (c, v) in row.split(',').enumerate() {
        let c16 = u16::try_from(c).unwrap();
        match c {
            0 => ws
                .write_number(1, c16, 300_000_000_000_001.0)
                .map(|_| ())
                .unwrap(),
            13 => ws.write_number(1, c16, 88.0).map(|_| ()).unwrap(),
            _ => ws.write_string(1, c16, v).map(|_| ()).unwrap(),
        }
    }
    let read = clean(
        "对账表.xlsx",
        book.save_to_buffer().unwrap(),
        "jd.statement",
    );
    assert_eq!(read.data.settlements[0].order_no, "300000000000001");
    assert_eq!(read.data.settlements[0].amount, fen(8800));
}

#[test]
fn amounts_with_thousands_separators_and_a_yuan_sign_are_read_exactly() {
    // A 对账表 row (§4.2 c) re-saved with number formatting: the separator makes Excel quote it.
    let text = crlf(&[
        "订单编号,父单号,订单状态,订单下单时间,订单完成时间,售后服务单号,售后退款时间,商品编号,商品名称,商品数量,扣点类型,佣金比例,费用名称,应结金额,币种,收支方向,结算状态,预计结算时间,账单生成时间,到账时间,商户订单号,资金动账备注",
        "300000000000009,300000000000000,完成,2026-10-01 14:41:34,2026-10-05 09:00:00,,,100000000009,按摩椅,1,基础扣点,0.05,货款,\"1,288.00\",CNY,收入,已结算,2026-10-12 17:11:38,20261012,2026-10-13 12:08:53,202610130000011332600000009,",
        "300000000000009,300000000000000,完成,2026-10-01 14:41:34,2026-10-05 09:00:00,,,100000000009,按摩椅,1,基础扣点,0.05,佣金,-￥64.40,CNY,支出,已结算,2026-10-12 17:11:38,20261012,2026-10-13 12:08:53,202610130000011332600000009,",
    ]);
    let read = clean("对账表.csv", gbk(&text), "jd.statement");
    let rows = &read.data.settlements;
    assert_eq!(rows[0].amount, fen(128_800));
    assert_eq!(rows[1].amount, fen(-6440));
    assert_eq!(rows[1].kind, FlowKind::Commission);
}

#[test]
fn an_amount_with_a_trailing_yuan_or_a_misplaced_separator_is_refused_where_it_is() {
    let text = crlf(&[
        "订单编号,父单号,订单状态,订单下单时间,订单完成时间,售后服务单号,售后退款时间,商品编号,商品名称,商品数量,扣点类型,佣金比例,费用名称,应结金额,币种,收支方向,结算状态,预计结算时间,账单生成时间,到账时间,商户订单号,资金动账备注",
        "300000000000009,300000000000000,完成,2026-10-01 14:41:34,2026-10-05 09:00:00,,,100000000009,按摩椅,1,基础扣点,0.05,货款,88.00元,CNY,收入,已结算,2026-10-12 17:11:38,20261012,2026-10-13 12:08:53,202610130000011332600000009,",
        "300000000000009,300000000000000,完成,2026-10-01 14:41:34,2026-10-05 09:00:00,,,100000000009,按摩椅,1,基础扣点,0.05,货款,\"12,88.00\",CNY,收入,已结算,2026-10-12 17:11:38,20261012,2026-10-13 12:08:53,202610130000011332600000009,",
    ]);
    let read = import("对账表.csv", gbk(&text));
    assert!(
        read.data.settlements.is_empty(),
        "neither is read as some amount"
    );
    let problems = read.problems();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    for (p, line) in problems.iter().zip([2, 3]) {
        assert_eq!(p.code, ProblemCode::BadAmount);
        assert_eq!(p.line, Some(line));
        assert_eq!(p.column_name.as_deref(), Some("应结金额"));
    }
}

#[test]
fn blank_lines_and_lines_of_commas_after_a_bill_are_not_rows() {
    // formats.md §2.2's ALL example, then what an editor or Excel leaves at the end.
    let text = crlf(&[
        "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注",
        "`2026-10-03 10:00:12,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`SUCCESS,`OTHERS,`CNY,`59.00,`0.00,`0,`0,`0.00,`0.00,`,`,`纯棉T恤,`,`0.35000,`0.60%,`59.00,`0.00,`",
        "`2026-10-03 18:40:11,`wx1234567890abcdef,`1900000109,`0,`,`4200002026202610031234567890,`ORD202610030001,`oAbCdEfGhIjKlMnOpQrStUvWx00,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300002026202610031234567890,`RF202610030001,`59.00,`0.00,`ORIGINAL,`SUCCESS,`纯棉T恤,`,`-0.35000,`0.60%,`0.00,`59.00,`",
        "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
        "`2,`59.00,`59.00,`0.00,`0.00000,`59.00,`59.00",
        "",
        ",,,,,,",
        "",
    ]);
    let read = clean("bill.csv", bom(&text), "wechat.trade_bill");
    let kinds: Vec<PaymentKind> = read.data.payments.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, vec![PaymentKind::Payment, PaymentKind::Refund]);
    assert_eq!(read.file().meta.complete, Some(true));
}
