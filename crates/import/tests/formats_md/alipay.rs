//! Alipay merchant bills, formats.md §1: 账务明细 in its 12, 13 and 16-column layouts, the
//! `.csv.zip` download with GBK member names. (The 12-column example, 业务明细 and both 汇总
//! files are read byte for byte in crates/samples/tests/alipay.rs.)

use std::io::Write;

use duizhang_core::FlowKind;
use duizhang_import::ProblemCode;

use super::{
    assert_missing_column, assert_problem, at, clean, crlf, fen, gbk, import, lf, t, tabs,
};

const PREAMBLE: &[&str] = &[
    "#支付宝账务明细查询",
    "#账号：[20880000000000000156]",
    "#起始日期：[2026年10月01日 00:00:00]   终止日期：[2026年10月02日 00:00:00]",
    "#-----------------------------------------账务明细列表----------------------------------------",
];

const HEADER_16: &str = "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注,业务描述,业务账单来源,业务基础订单号,业务订单号";

/// The 16-column layout of Taobao/Tmall sellers' downloads (§1.4): a sale with 业务基础订单号,
/// a 淘宝客 commission whose order is only in the memo, and an `在线支付` outflow (the shop
/// paying freight) whose unused 收入 cell is empty. The footer lines were round-tripped
/// through Excel (padded with commas), and the file ends lines with LF only.
fn sixteen_columns() -> String {
    let mut lines: Vec<String> = PREAMBLE.iter().map(|s| s.to_string()).collect();
    lines.push(HEADER_16.into());
    for row in [
        "202610010000123456⇥,20261001200040011100880012345678⇥,T200P4012345678901234567⇥,纯棉T恤 白色 L⇥,2026-10-01 09:12:33,*明(138****0000)⇥,59.00,0.00,1059.00,淘宝,交易付款,,0010001|交易收款-交易收款,淘宝,4012345678901234567,T200P4012345678901234567",
        "202610010000123457⇥,20261001200040011100880012345679⇥,⇥,⇥,2026-10-01 09:12:34,杭州阿里妈妈淘联信息技术有限公司⇥,0.00,-1.20,1057.80,支付宝,转账,淘宝客佣金代扣款[4012345678901234567],,,,",
        "202610010000123458⇥,20261001200040011100880012345680⇥,⇥,⇥,2026-10-01 15:40:02,某某物流有限公司⇥,,-97.00,960.80,支付宝,在线支付,运费,,,,",
    ] {
        lines.push(tabs(row));
    }
    for footer in [
        "#----------------------------------------账务明细列表结束-------------------------------------",
        "#支出合计：2笔，共-98.20元",
        "#收入合计：1笔，共59.00元",
        "#导出时间：[2026年10月02日 06:12:40]",
    ] {
        lines.push(format!("{footer},,,,,,,,,,,,,,,"));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    lf(&refs)
}

#[test]
fn the_sixteen_column_fund_flow_reads_the_base_order_number_and_direction_from_the_amounts() {
    let read = clean(
        "20880000000000000156_20261001_账务明细.csv",
        gbk(&sixteen_columns()),
        "alipay.fund_flow",
    );
    let file = read.file();
    assert_eq!(file.variant.as_deref(), Some("16列"));
    assert_eq!(file.header_line, Some(5));
    assert_eq!(file.meta.account.as_deref(), Some("20880000000000000156"));
    assert_eq!(file.meta.complete, Some(true));
    // Both footer totals were read and checked despite the commas Excel added.
    assert_eq!(file.control.len(), 2, "{:#?}", file.control);
    let rows = &read.data.fund_flows;
    assert_eq!(rows.len(), 3);

    assert_eq!(rows[0].txn_no, "202610010000123456");
    assert_eq!(rows[0].order_no.as_deref(), Some("4012345678901234567"));
    assert_eq!(rows[0].kind, FlowKind::Income);
    assert_eq!(rows[0].amount, fen(5900));
    assert_eq!(rows[0].balance, Some(fen(105900)));
    assert_eq!(rows[0].occurred_at, t("2026-10-01 09:12:33"));
    assert_eq!(rows[0].source, at(6));

    // 转账 with a 淘宝客 memo is a commission of the order the memo names.
    assert_eq!(rows[1].kind, FlowKind::Commission);
    assert_eq!(rows[1].amount, fen(-120));
    assert_eq!(rows[1].order_no.as_deref(), Some("4012345678901234567"));
    assert_eq!(rows[1].source, at(7));

    // 在线支付 paid out of the account is no buyer's payment: an outflow of another kind.
    assert_eq!(rows[2].amount, fen(-9700));
    assert_ne!(rows[2].kind, FlowKind::Income);
    assert_ne!(rows[2].kind, FlowKind::Refund);
    assert_eq!(rows[2].balance, Some(fen(96080)));
    assert_eq!(rows[2].source, at(8));
}

#[test]
fn a_sixteen_column_row_with_an_impossible_time_is_named_and_not_read() {
    let text = sixteen_columns().replace("2026-10-01 09:12:34", "2026-13-01 09:12:34");
    let read = import("账务明细.csv", gbk(&text));
    assert_eq!(read.data.fund_flows.len(), 2, "the broken row is not read");
    let errors: Vec<_> = read
        .problems()
        .into_iter()
        .filter(|p| p.is_error())
        .collect();
    let p = errors
        .iter()
        .find(|p| p.code == ProblemCode::BadTime)
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_problem(p, ProblemCode::BadTime, 7, "发生时间", "2026-13-01");
}

/// The 13-column 自定义列 layout (§1.4, PARTIAL: another column order, no 交易渠道, no
/// 业务账单来源/业务订单号), as a project's tests wrote it: no preamble, CRLF.
fn thirteen_columns() -> String {
    tabs(&crlf(&[
        "账务流水号,业务流水号,商品名称,发生时间,收入金额（+元）,支出金额（-元）,账户余额（元）,业务类型,备注,商户订单号,对方账号,业务描述,业务基础订单号",
        "202610030000200001⇥,20261003200040011100880012345001⇥,保温杯 500ml⇥,2026-10-03 11:02:50,88.00,0.00,1146.00,交易付款,,T200P4012345678901230001⇥,**华(186******12)⇥,0010001|交易收款-交易收款,4012345678901230001",
        "202610030000200002⇥,20261003200040011100880012345002⇥,保温杯 500ml⇥,2026-10-03 11:02:51,0.00,-0.53,1145.47,收费,花呗支付服务费[4012345678901230001],,天猫技术有限公司⇥,0020001|收费-花呗支付服务费,4012345678901230001",
    ]))
}

#[test]
fn the_thirteen_column_layout_is_read_by_name_whatever_its_order() {
    let read = clean("账务明细.csv", gbk(&thirteen_columns()), "alipay.fund_flow");
    assert_eq!(read.file().variant.as_deref(), Some("13列"));
    let rows = &read.data.fund_flows;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].kind, FlowKind::Income);
    assert_eq!(rows[0].amount, fen(8800));
    assert_eq!(rows[0].balance, Some(fen(114600)));
    assert_eq!(rows[0].order_no.as_deref(), Some("4012345678901230001"));
    assert_eq!(rows[0].occurred_at, t("2026-10-03 11:02:50"));
    assert_eq!(rows[0].source, at(2));
    assert_eq!(rows[1].kind, FlowKind::Fee);
    assert_eq!(rows[1].amount, fen(-53));
    assert_eq!(rows[1].order_no.as_deref(), Some("4012345678901230001"));
    assert_eq!(rows[1].source, at(3));
}

#[test]
fn a_fund_flow_without_its_business_type_column_is_refused_naming_it() {
    let text = thirteen_columns().replace(",业务类型,", ",类型,");
    let read = import("账务明细.csv", gbk(&text));
    assert!(read.data.fund_flows.is_empty());
    assert_missing_column(&read, "业务类型");
}

/// A stored ZIP written by hand: member names in GBK without the UTF-8 flag (bit 11), as
/// Alipay's `.csv.zip` names them (§1.1).
fn gbk_named_zip(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in members {
        let name = gbk(name);
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let offset = u32::try_from(out.len()).unwrap();
        let size = u32::try_from(data.len()).unwrap();
        let name_len = u16::try_from(name.len()).unwrap();
        let common = |v: &mut Vec<u8>| {
            v.extend_from_slice(&20u16.to_le_bytes()); // version needed
            v.extend_from_slice(&0u16.to_le_bytes()); // flags: no UTF-8 bit
            v.extend_from_slice(&0u16.to_le_bytes()); // stored
            v.extend_from_slice(&0u16.to_le_bytes()); // time
            v.extend_from_slice(&0x5b41u16.to_le_bytes()); // date 2025-10-01
            v.extend_from_slice(&crc.sum().to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&size.to_le_bytes());
            v.extend_from_slice(&name_len.to_le_bytes());
            v.extend_from_slice(&0u16.to_le_bytes()); // extra length
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend_from_slice(&name);
        out.write_all(data).unwrap();

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        common(&mut central);
        central.extend_from_slice(&0u16.to_le_bytes()); // comment length
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(&name);
    }
    let central_at = u32::try_from(out.len()).unwrap();
    let central_len = u32::try_from(central.len()).unwrap();
    let count = u16::try_from(members.len()).unwrap();
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&central_len.to_le_bytes());
    out.extend_from_slice(&central_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// §1.5's 汇总 example, with the 支出 side negative as the detail file writes it.
fn fund_summary() -> String {
    crlf(&[
        "#支付宝账务汇总查询",
        "#账号：[20880000000000000156]",
        "#起始日期：[2026年10月01日 00:00:00]   终止日期：[2026年10月02日 00:00:00]",
        "类型,收入笔数,收入金额（+元）,支出笔数,支出金额（-元）,总金额（元）",
        "交易付款,1,59.00,0,0.00,59.00",
        "转账,0,0.00,1,-1.20,-1.20",
        "在线支付,0,0.00,1,-97.00,-97.00",
        "合计,1,59.00,2,-98.20,-39.20",
    ])
}

#[test]
fn a_split_monthly_zip_with_gbk_names_and_its_summary_first_reads_every_member() {
    let zip = gbk_named_zip(&[
        (
            "20880000000000000156_202610_账务明细(汇总)_1.csv",
            gbk(&fund_summary()),
        ),
        (
            "20880000000000000156_202610_账务明细_1.csv",
            gbk(&sixteen_columns()),
        ),
    ]);
    let read = import("20880000000000000156_202610.csv.zip", zip);
    assert!(read.problems().is_empty(), "{:#?}", read.problems());
    let names: Vec<(&str, Option<&str>)> = read
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.format.as_deref()))
        .collect();
    assert_eq!(
        names,
        vec![
            (
                "20880000000000000156_202610.csv.zip!20880000000000000156_202610_账务明细(汇总)_1.csv",
                Some("alipay.fund_summary")
            ),
            (
                "20880000000000000156_202610.csv.zip!20880000000000000156_202610_账务明细_1.csv",
                Some("alipay.fund_flow")
            ),
        ]
    );
    assert!(
        read.files
            .iter()
            .all(|f| f.control.iter().all(|c| c.holds()))
    );
    assert_eq!(read.data.fund_flows.len(), 3);
    let total: i64 = read.data.fund_flows.iter().map(|r| r.amount.get()).sum();
    assert_eq!(total, 5900 - 120 - 9700);
}

/// §1.3 marks the 汇总 file's 账号/日期 lines and the place of its 合计 row PARTIAL: a file
/// without them and with 合计 above the store rows is checked all the same.
#[test]
fn a_trade_summary_without_account_lines_and_its_total_row_first_is_still_checked() {
    let text = crlf(&[
        "#支付宝业务汇总查询",
        "#-----------------------------------------业务汇总列表----------------------------------------",
        "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）",
        "合计,,2,1,88.00,85.00,0.00,0.00,0.00,0.00,0.00,85.00",
        "S001⇥,杭州一店⇥,1,1,29.00,26.00,0.00,0.00,0.00,0.00,0.00,26.00",
        "S002⇥,杭州二店⇥,1,0,59.00,59.00,0.00,0.00,0.00,0.00,0.00,59.00",
        "#----------------------------------------业务汇总列表结束-------------------------------------",
        "#导出时间：[2026年10月04日 05:30:12]",
    ]);
    let read = clean("汇总.csv", gbk(&tabs(&text)), "alipay.trade_summary");
    let file = read.file();
    assert_eq!(file.meta.account, None);
    assert!(!file.control.is_empty());
    let settled = file
        .control
        .iter()
        .find(|c| c.label.contains("商家实收"))
        .unwrap();
    assert_eq!(settled.stated_amount, Some(fen(8500)));
    assert_eq!(settled.summed, fen(8500));

    let wrong = text.replace("合计,,2,1,88.00,85.00", "合计,,2,1,88.00,86.00");
    let read = import("汇总.csv", gbk(&tabs(&wrong)));
    let p = read.only_problem();
    assert_eq!(p.code, ProblemCode::ControlTotal);
}

/// §1.5: the sign of 支出金额 in the 汇总 file is UNCONFIRMED; written without a sign the
/// total row is checked the same.
#[test]
fn a_fund_summary_whose_outflows_are_unsigned_is_checked_alike() {
    let text = fund_summary()
        .replace(",-1.20,-1.20", ",1.20,-1.20")
        .replace(",-97.00,-97.00", ",97.00,-97.00")
        .replace(",-98.20,-39.20", ",98.20,-39.20");
    let read = clean("汇总.csv", gbk(&text), "alipay.fund_summary");
    assert!(!read.file().control.is_empty());
}
