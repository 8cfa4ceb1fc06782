//! Journals back in (generic Excel, 用友 text), the round trip export → import → books checks,
//! and the three books checks of CHECKS.md on realistic gaps.
#![allow(clippy::unwrap_used)]

mod support;

use duizhang_books::checks::{Booked, flow_not_booked, refund_not_booked, source_booked_twice};
use duizhang_books::export::{self, TextEncoding};
use duizhang_books::{
    Aux, Books, BooksConfig, LinkRole, Rules, Standard, Voucher, generate, import,
};
use duizhang_core::*;
use duizhang_samples::build::*;
use support::*;

const TID: &str = "4012345678901234567";

/// October: a sale settled, commission, a return refunded and received, a refund-only, a
/// withdrawal; the return's sale was in September (cross-period).
fn october() -> Dataset {
    let mut d = dataset();
    d.files.push(SourceFile {
        id: FileId(1),
        name: "下载/2026-10/2088账务明细.csv".into(),
        format: "alipay.fund_flow".into(),
    });
    let mut o = order(Platform::Taobao, TID, yuan("59.00"));
    o.lines.push(order_line("TS-WHITE-L", 1, yuan("59.00")));
    d.orders.push(o);
    let mut old = order(Platform::Taobao, "4012345678900000001", yuan("26.00"));
    old.paid_at = Some(at("2026-09-10 10:00:00"));
    old.shipped_at = Some(at("2026-09-10 18:00:00"));
    old.finished_at = Some(at("2026-09-16 10:00:00"));
    d.orders.push(old);
    d.shipments.push(shipment(
        "旗舰店",
        TID,
        "TS-WHITE-L",
        1,
        ShipmentKind::Normal,
        "2026-10-03 18:00:00",
    ));
    let rows = [
        (
            "20261008001",
            FlowKind::Income,
            "交易付款",
            "59.00",
            "2026-10-08 10:00:05",
            Some(TID),
            None,
        ),
        (
            "20261008002",
            FlowKind::Commission,
            "交易分账",
            "-2.95",
            "2026-10-08 10:00:05",
            Some(TID),
            None,
        ),
        (
            "20261012001",
            FlowKind::Refund,
            "交易退款",
            "-26.00",
            "2026-10-12 10:00:00",
            Some("4012345678900000001"),
            Some("RF2026101201"),
        ),
        (
            "20261015001",
            FlowKind::Refund,
            "交易退款",
            "-10.00",
            "2026-10-15 10:00:00",
            Some(TID),
            Some("RF2026101502"),
        ),
        (
            "20261031001",
            FlowKind::Withdrawal,
            "提现",
            "-500.00",
            "2026-10-31 09:00:00",
            None,
            None,
        ),
    ];
    for (i, (txn, kind, text, amount, when, order_no, refund)) in rows.into_iter().enumerate() {
        let mut r = alipay_row(txn, kind, text, yuan(amount), when, order_no);
        r.refund_no = refund.map(Into::into);
        r.source = SourceRef {
            file: FileId(1),
            line: u32::try_from(i).unwrap() + 6,
        };
        d.fund_flows.push(r);
    }
    let mut ret = after_sale(
        Platform::Taobao,
        "4012345678900000001",
        "RF2026101201",
        AfterSaleKind::ReturnAndRefund,
        yuan("26.00"),
    );
    ret.completed_at = Some(at("2026-10-12 10:00:00"));
    d.after_sales.push(ret);
    let mut ro = after_sale(
        Platform::Taobao,
        TID,
        "RF2026101502",
        AfterSaleKind::RefundOnly,
        yuan("10.00"),
    );
    ro.completed_at = Some(at("2026-10-15 10:00:00"));
    d.after_sales.push(ro);
    d.return_receipts.push(return_receipt(
        "旗舰店",
        "4012345678900000001",
        "RF2026101201",
        "TS-WHITE-XL",
        1,
        "2026-10-14 15:00:00",
    ));
    d
}

fn october_books() -> (Books, Vec<Voucher>) {
    let b = books(Standard::Small, "");
    let g = run(&b, &october(), "2026-10");
    assert!(g.issues.is_empty(), "{:?}", g.issues);
    (b, g.vouchers)
}

fn checks(data: &Dataset, journal: &[Voucher]) -> Vec<Finding> {
    let p = period("2026-10");
    let booked = Booked::of(journal, p);
    let mut all = refund_not_booked(data, &booked, &one_shop);
    all.extend(flow_not_booked(data, &booked, &one_shop));
    all.extend(source_booked_twice(data, journal, &one_shop));
    all
}

#[test]
fn generated_books_leave_nothing_unbooked() {
    let (_, vouchers) = october_books();
    assert_eq!(checks(&october(), &vouchers), vec![]);
}

#[test]
fn excel_round_trip_keeps_every_voucher_and_link() {
    let (b, vouchers) = october_books();
    let bytes = export::excel(&vouchers, &b.chart).unwrap().workbook;
    let back = import::excel(&bytes, "凭证.xlsx").unwrap();
    assert_eq!(back.len(), vouchers.len());
    for (a, b) in vouchers.iter().zip(&back) {
        assert_eq!(
            (
                a.date,
                a.period,
                &a.word,
                a.number,
                a.attachments,
                &a.preparer
            ),
            (
                b.date,
                b.period,
                &b.word,
                b.number,
                b.attachments,
                &b.preparer
            )
        );
        assert_eq!(a.lines, b.lines);
        let keys = |v: &Voucher| {
            v.links
                .iter()
                .map(|l| (l.kind, l.key.clone(), l.role))
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(a), keys(b));
    }
    // Review notes travel in the 提示 column of the voucher's first line.
    let refund = vouchers.iter().find(|v| v.date.day() == 12).unwrap();
    assert_eq!(
        refund.flags,
        vec![duizhang_books::Flag::CrossPeriod {
            refund_no: "RF2026101201".into()
        }]
    );
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(&bytes)).unwrap();
    let range = book.worksheet_range("凭证").unwrap();
    let hints: Vec<String> = range
        .rows()
        .map(|r| r[17].to_string())
        .filter(|t| !t.is_empty())
        .collect();
    // The refund (12th) and its cost reversal on receipt (14th) are both cross-period.
    let note = "跨期退款 RF2026101201：在退款当期冲减".to_string();
    assert_eq!(hints, vec!["提示".to_string(), note.clone(), note]);
    // The imported journal satisfies the books checks just as the generated one.
    assert_eq!(checks(&october(), &back), vec![]);
}

/// The default rules with one line per source and its document number in the 摘要: the U8
/// file has no link fields, so this is how the checks find the rows again.
/// The cells of sheet 来源单据 as text, header first.
fn source_sheet(workbook: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(workbook)).unwrap();
    let range = book.worksheet_range("来源单据").unwrap();
    range
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect()
}

#[test]
fn the_source_sheet_names_the_file_and_line_of_each_source() {
    let (b, vouchers) = october_books();
    let bytes = export::excel(&vouchers, &b.chart).unwrap().workbook;
    let rows = source_sheet(&bytes);
    assert_eq!(
        rows[0],
        [
            "会计期间",
            "凭证字",
            "凭证号",
            "单据类型",
            "单据号",
            "关系",
            "文件",
            "行号"
        ]
    );
    // The withdrawal is the fifth row of the Alipay bill: physical line 10. The file is named
    // as a person finds it in the download, without the folder it was read from.
    let withdrawal = rows.iter().find(|r| r[4] == "20261031001").unwrap();
    assert_eq!(withdrawal[3], "资金流水");
    assert_eq!(withdrawal[6], "2088账务明细.csv");
    assert_eq!(withdrawal[7], "10");
    // Every row of the bill that is booked names the bill.
    let flows: Vec<&Vec<String>> = rows.iter().filter(|r| r[3] == "资金流水").collect();
    assert_eq!(flows.len(), 5);
    assert!(
        flows.iter().all(|r| r[6] == "2088账务明细.csv"),
        "{flows:?}"
    );
}

#[test]
fn the_files_of_the_source_sheet_come_back_with_the_journal() {
    let (b, vouchers) = october_books();
    let bytes = export::excel(&vouchers, &b.chart).unwrap().workbook;
    let back = import::excel(&bytes, "凭证.xlsx").unwrap();
    let files = |vs: &[Voucher]| {
        vs.iter()
            .flat_map(|v| &v.links)
            .map(|l| (l.key.to_string(), l.file.as_ref().map(ToString::to_string)))
            .collect::<Vec<_>>()
    };
    assert_eq!(files(&back), files(&vouchers));
    assert!(
        files(&back)
            .iter()
            .any(|(k, f)| k == "20261015001" && f.as_deref() == Some("2088账务明细.csv"))
    );
}

/// The books checks give the same findings on the journal as exported and on the journal read
/// back, for a complete journal and for one with a voucher left out and one booked twice.
#[test]
fn books_checks_agree_before_and_after_the_excel_round_trip() {
    let (b, vouchers) = october_books();
    let data = october();
    let withdrawal = vouchers
        .iter()
        .position(|v| v.links.iter().any(|l| l.key == "20261031001"))
        .unwrap();
    let mut gapped: Vec<Voucher> = vouchers.clone();
    gapped.remove(withdrawal);
    let mut twice = gapped
        .iter()
        .find(|v| v.links.iter().any(|l| l.key == "RF2026101502"))
        .unwrap()
        .clone();
    // The refund booked again as the last voucher of its word, as an accounting system
    // numbers an imported voucher; the withdrawal left out, the numbers closed up.
    for (n, v) in (1u32..).zip(gapped.iter_mut()) {
        v.number = n;
    }
    twice.number = u32::try_from(gapped.len()).unwrap() + 1;
    gapped.push(twice);
    for journal in [vouchers.clone(), gapped] {
        let bytes = export::excel_as_booked(&journal, &b.chart)
            .unwrap()
            .workbook;
        let back = import::excel(&bytes, "凭证.xlsx").unwrap();
        assert_eq!(checks(&data, &back), checks(&data, &journal));
    }
    let bytes = export::excel_as_booked(&vouchers, &b.chart)
        .unwrap()
        .workbook;
    assert_eq!(
        checks(&data, &import::excel(&bytes, "j.xlsx").unwrap()),
        vec![]
    );
}

fn rules_with_refs() -> Rules {
    let rules = Rules::defaults().unwrap();
    let mut text = String::new();
    for (id, rule) in &rules.events {
        let id = toml_id(&format!("{id:?}"));
        text.push_str(&format!(
            "[events.{id}]\ncode = \"{}\"\nclass = \"{}\"\nsummary = \"{{ref}} {}\"\nlegs = [\n",
            rule.code,
            toml_id(&format!("{:?}", rule.class)),
            rule.summary.replace("{date} {shop} ", "")
        ));
        for leg in &rule.legs {
            text.push_str(&format!(
                "  {{ side = \"{}\", account = \"{}\", amount = \"{}\" }},\n",
                toml_id(&format!("{:?}", leg.side)),
                leg.account,
                toml_id(&format!("{:?}", leg.amount))
            ));
        }
        text.push_str("]\n");
    }
    rules.with_overrides(&text).unwrap()
}

#[test]
fn u8_round_trip_keeps_the_entries_and_summaries_carry_the_documents() {
    let b = Books::new(
        BooksConfig::preset(Standard::Small).with_costs(),
        rules_with_refs(),
    )
    .unwrap();
    let g = run(&b, &october(), "2026-10");
    let bytes = export::u8_text(&g.vouchers, &b.chart, &b.u8, TextEncoding::Gbk).unwrap();
    let back = import::u8_text(&bytes, "pz.txt").unwrap();
    assert_eq!(back.len(), g.vouchers.len());
    for (a, c) in g.vouchers.iter().zip(&back) {
        assert_eq!(
            (a.date, &a.word, a.number, a.attachments),
            (c.date, &c.word, c.number, c.attachments)
        );
        assert_eq!(a.lines, c.lines);
        assert!(c.links.is_empty());
    }
    assert_eq!(checks(&october(), &back), vec![]);
    // With the default summaries the U8 journal cannot show which rows it booked.
    let (plain_books, plain) = october_books();
    let bytes = export::u8_text(
        &plain,
        &plain_books.chart,
        &plain_books.u8,
        TextEncoding::Utf8,
    )
    .unwrap();
    let back = import::u8_text(&bytes, "pz.txt").unwrap();
    let codes: Vec<String> = checks(&october(), &back)
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert_eq!(codes.iter().filter(|c| *c == "FLOW_NOT_BOOKED").count(), 5);
}

#[test]
fn u8_round_trip_with_aux_columns_keeps_aux_items_and_preparer() {
    // A seller with 辅助核算 whose U8 version carries these optional fields in this order.
    let config = BooksConfig::from_toml(&format!(
        r#"standard = "small"
{AUX_CHART}
[u8]
fields = ["票号", "制单人", "客户", "项目", "部门"]
shop_field = "项目"
"#
    ))
    .unwrap()
    .with_costs();
    let b = Books::new(config, rules_with_refs()).unwrap();
    let g = run(&b, &october(), "2026-10");
    assert!(g.issues.is_empty(), "{:?}", g.issues);
    // Every dimension is exercised.
    let lines = || g.vouchers.iter().flat_map(|v| &v.lines);
    assert!(lines().any(|l| l.aux.shop.is_some()));
    assert!(lines().any(|l| l.aux.customer.is_some()));
    assert!(lines().any(|l| l.aux.department.is_some()));
    let bytes = export::u8_text(&g.vouchers, &b.chart, &b.u8, TextEncoding::Gbk).unwrap();
    let back = import::u8_text_with(&bytes, "pz.txt", &b.u8).unwrap();
    assert_eq!(back.len(), g.vouchers.len());
    for (a, c) in g.vouchers.iter().zip(&back) {
        assert_eq!(
            (a.date, &a.word, a.number, a.attachments, &a.preparer),
            (c.date, &c.word, c.number, c.attachments, &c.preparer)
        );
        assert_eq!(a.lines, c.lines, "aux items come back from their fields");
    }
    // The journal the accounting system holds satisfies the books checks: nothing missing.
    assert_eq!(checks(&october(), &back), vec![]);
    // Read without the setting, the same entries without their aux items.
    let plain = import::u8_text(&bytes, "pz.txt").unwrap();
    let strip = |vouchers: &[Voucher]| {
        vouchers
            .iter()
            .flat_map(|v| &v.lines)
            .map(|l| (l.summary.clone(), l.account.clone(), l.debit, l.credit))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(&plain), strip(&g.vouchers));
    assert!(
        plain
            .iter()
            .flat_map(|v| &v.lines)
            .all(|l| l.aux == Aux::default())
    );
}

fn toml_id(debug: &str) -> String {
    let mut out = String::new();
    for (i, ch) in debug.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

trait WithCosts {
    fn with_costs(self) -> Self;
}

impl WithCosts for BooksConfig {
    fn with_costs(mut self) -> Self {
        self.costs.insert("TS-WHITE-L".into(), "25.00".into());
        self.costs.insert("TS-WHITE-XL".into(), "26.00".into());
        self
    }
}

#[test]
fn refund_not_booked_names_the_refund_and_flags_cross_period() {
    let (_, vouchers) = october_books();
    let d = october();
    // The accountant's journal lacks the refund voucher of the 12th.
    let journal: Vec<Voucher> = vouchers
        .into_iter()
        .filter(|v| v.date.day() != 12)
        .collect();
    let found = refund_not_booked(&d, &Booked::of(&journal, period("2026-10")), &one_shop);
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(
        (f.code.as_str(), f.severity, f.owner),
        ("REFUND_NOT_BOOKED", FindingSeverity::High, Owner::Finance)
    );
    assert_eq!((f.shop.as_str(), f.platform), ("旗舰店", Platform::Taobao));
    assert_eq!(f.refund_no.as_deref(), Some("RF2026101201"));
    assert_eq!(f.order_no.as_deref(), Some("4012345678900000001"));
    assert_eq!(
        (f.expected_fen, f.actual_fen, f.diff_fen),
        (Some(2600), Some(0), Some(-2600))
    );
    assert_eq!(f.occurred_at, "2026-10-12T10:00:00");
    assert!(
        f.message.contains("跨期退款") && f.message.contains("2026-09"),
        "{}",
        f.message
    );
    assert_eq!(f.evidence.len(), 2);
    assert_eq!(
        (
            f.evidence[1].file.as_str(),
            f.evidence[1].line,
            f.evidence[1].kind
        ),
        ("下载/2026-10/2088账务明细.csv", 8, RecordKind::FundFlow)
    );
    // The same refund found again in the next run is the same finding.
    assert_eq!(
        refund_not_booked(&d, &Booked::of(&journal, period("2026-10")), &one_shop),
        found
    );
    // A refund in another period, not completed, or 售中 without money leaving is not this period's.
    let mut d2 = d.clone();
    d2.after_sales[0].status = AfterSaleStatus::Approved;
    assert!(refund_not_booked(&d2, &Booked::of(&journal, period("2026-10")), &one_shop).is_empty());
    let mut d3 = d.clone();
    d3.after_sales.push({
        let mut a = after_sale(
            Platform::Taobao,
            "4019999",
            "RF-ONSALE",
            AfterSaleKind::RefundOnly,
            yuan("30.00"),
        );
        a.phase = Some(AfterSalePhase::OnSale);
        a
    });
    assert_eq!(
        refund_not_booked(&d3, &Booked::of(&journal, period("2026-10")), &one_shop).len(),
        1
    );
    assert!(refund_not_booked(&d, &Booked::of(&journal, period("2026-11")), &one_shop).is_empty());
}

#[test]
fn flow_not_booked_lists_each_row_without_a_voucher() {
    let (_, vouchers) = october_books();
    let d = october();
    let journal: Vec<Voucher> = vouchers
        .into_iter()
        .filter(|v| !v.lines.iter().any(|l| l.account == "1002"))
        .collect();
    let found = flow_not_booked(&d, &Booked::of(&journal, period("2026-10")), &one_shop);
    assert_eq!(found.len(), 1);
    let f = &found[0];
    assert_eq!(
        (f.code.as_str(), f.severity, f.owner),
        ("FLOW_NOT_BOOKED", FindingSeverity::Medium, Owner::Finance)
    );
    assert_eq!(f.txn_no.as_deref(), Some("20261031001"));
    assert_eq!((f.expected_fen, f.diff_fen), (Some(-50000), Some(50000)));
    assert!(
        f.message.contains("提现") && f.message.contains("-500.00"),
        "{}",
        f.message
    );
    assert_eq!(f.evidence[0].line, 10);
    // A journal of another period books nothing of October.
    let mut shifted = journal.clone();
    for v in &mut shifted {
        v.period = period("2026-09");
    }
    assert_eq!(
        flow_not_booked(&d, &Booked::of(&shifted, period("2026-10")), &one_shop).len(),
        5
    );
}

/// A row of 0.00 (a withdrawal request Alipay lists at nothing, say) moves no money: the
/// generated books have no line for it, and it is not reported unbooked; a row of one 分 is.
#[test]
fn a_row_of_zero_needs_no_booking() {
    let with_row = |amount: &str| {
        let mut d = october();
        let mut r = alipay_row(
            "20261020001",
            FlowKind::Withdrawal,
            "提现",
            yuan(amount),
            "2026-10-20 09:00:00",
            None,
        );
        r.source = SourceRef {
            file: FileId(1),
            line: 11,
        };
        d.fund_flows.push(r);
        d
    };
    let (_, vouchers) = october_books();
    let zero = with_row("0.00");
    let b = books(Standard::Small, "");
    assert_eq!(checks(&zero, &run(&b, &zero, "2026-10").vouchers), vec![]);
    let found = checks(&with_row("-0.01"), &vouchers);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].txn_no.as_deref(), Some("20261020001"));
}

#[test]
fn source_booked_twice_across_vouchers_and_periods() {
    let (_, vouchers) = october_books();
    let d = october();
    let sale = vouchers
        .iter()
        .find(|v| v.links.iter().any(|l| l.key == "20261008001"))
        .unwrap()
        .clone();
    let mut again = sale.clone();
    again.number = 1;
    again.period = period("2026-11");
    let mut journal = vouchers.clone();
    journal.push(again);
    let found = source_booked_twice(&d, &journal, &one_shop);
    let keys: Vec<(&str, Option<&str>, Option<&str>)> = found
        .iter()
        .map(|f| (f.code.as_str(), f.txn_no.as_deref(), f.order_no.as_deref()))
        .collect();
    // The fund-flow row and the order it recognised revenue for (supporting links do not count,
    // except an after-sale).
    assert_eq!(
        keys,
        vec![("SOURCE_BOOKED_TWICE", Some("20261008001"), Some(TID))]
    );
    let f = &found[0];
    assert_eq!(
        (f.severity, f.owner),
        (FindingSeverity::Critical, Owner::Finance)
    );
    assert!(
        f.message.contains("2026-10 记-2") && f.message.contains("2026-11 记-1"),
        "{}",
        f.message
    );
    assert_eq!(
        (f.expected_fen, f.actual_fen, f.diff_fen),
        (Some(5900), Some(11800), Some(5900))
    );
    assert!(
        sale.links
            .iter()
            .any(|l| l.kind == RecordKind::Shipment && l.role == LinkRole::Supporting)
    );
    // An after-sale behind two refund vouchers counts even as a supporting document.
    let refund = vouchers.iter().find(|v| v.date.day() == 12).unwrap();
    let mut second = vouchers
        .iter()
        .find(|v| v.date.day() == 15)
        .unwrap()
        .clone();
    second.links.push(
        refund
            .links
            .iter()
            .find(|l| l.kind == RecordKind::AfterSale)
            .unwrap()
            .clone(),
    );
    let journal: Vec<Voucher> = vouchers
        .iter()
        .filter(|v| v.date.day() != 15)
        .cloned()
        .chain([second])
        .collect();
    let found = source_booked_twice(&d, &journal, &one_shop);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].refund_no.as_deref(), Some("RF2026101201"));
    assert!(source_booked_twice(&d, &vouchers, &one_shop).is_empty());
    let _ = generate;
}

#[test]
fn malformed_journals_are_rejected_with_the_place() {
    let ok =
        "2026-10-08,记,1,1,销售回款,101201,59.00,0\r\n2026-10-08,记,1,1,销售回款,5001,0,59.00\r\n";
    assert_eq!(import::u8_text(ok.as_bytes(), "pz.txt").unwrap().len(), 1);
    for (text, want) in [
        (
            "2026-10-08,记,1,1,销售回款,101201,59.00,0\r\n2026-10-08,记,1,1,销售回款,5001,0,58.00\r\n",
            "借贷不平",
        ),
        (
            "2026-10-08,记,1,1,销售回款,101201,59.0x,0\r\n",
            "第1行“借方金额”列",
        ),
        (
            "2026-13-08,记,1,1,销售回款,101201,59.00,0\r\n",
            "第1行“制单日期”列",
        ),
        ("2026-10-08,记,1,1,销售回款,101201\r\n", "只有6个字段"),
        (
            "2026-10-08,记,A1,1,销售回款,101201,59.00,0\r\n",
            "不是数字业务号",
        ),
        (
            "2026-10-08,记,1,1,x,101201,59.00,59.00\r\n2026-10-08,记,1,1,x,5001,0,0\r\n",
            "有且只有一方",
        ),
        (
            "2026-10-08,记,1,1,x,101201,1.00,0\r\n2026-10-08,记,1,1,x,5001,0,1.00\r\n\
             2026-10-09,记,3,1,x,101201,1.00,0\r\n2026-10-09,记,3,1,x,5001,0,1.00\r\n",
            "缺少第2号",
        ),
    ] {
        let e = import::u8_text(text.as_bytes(), "pz.txt").unwrap_err();
        assert!(e.message.contains(want), "{text}: {}", e.message);
    }
    // GBK as written by U8 on Chinese Windows.
    let (gbk, _, _) = encoding_rs::GBK.encode(ok);
    assert_eq!(
        import::u8_text(&gbk, "pz.txt").unwrap()[0].lines[0].summary,
        "销售回款"
    );
    assert!(import::excel(b"PK\x03\x04 not really", "x.xlsx").is_err());
}

#[test]
fn excel_journal_errors_name_sheet_row_and_column() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let s = wb.add_worksheet();
    s.set_name("凭证").unwrap();
    for (c, h) in (0u16..).zip([
        "日期",
        "凭证字",
        "凭证号",
        "摘要",
        "科目编码",
        "借方金额",
        "贷方金额",
    ]) {
        s.write_string(0, c, h).unwrap();
    }
    for (c, v) in (0u16..).zip(["2026-10-08", "记", "1", "销售回款", "101201", "59.001", "0"])
    {
        s.write_string(1, c, v).unwrap();
    }
    let e = import::excel(&wb.save_to_buffer().unwrap(), "journal.xlsx").unwrap_err();
    assert!(
        e.message.contains("journal.xlsx#凭证 第2行“借方金额”列"),
        "{}",
        e.message
    );

    let mut wb = rust_xlsxwriter::Workbook::new();
    let s = wb.add_worksheet();
    s.set_name("凭证").unwrap();
    s.write_string(0, 0, "日期").unwrap();
    let e = import::excel(&wb.save_to_buffer().unwrap(), "journal.xlsx").unwrap_err();
    assert!(e.message.contains("缺少必需的列“凭证字”"), "{}", e.message);
}

/// A month whose links do not fit one sheet keeps them in a CSV file beside the workbook (a
/// sheet 来源单据说明 names it), and the journal import reads them back whole.
#[test]
fn links_beyond_one_sheet_go_to_a_csv_and_import_back_whole() {
    let (b, vouchers) = october_books();
    let one = export::excel(&vouchers, &b.chart).unwrap();
    assert!(one.sources.is_none(), "a small month is one workbook");
    let whole = import::excel(&one.workbook, "一页.xlsx").unwrap();
    let links: usize = vouchers.iter().map(|v| v.links.len()).sum();
    assert!(links > 3, "the fixture must exceed the sheet");

    let split = export::excel_with_sheet_rows(&vouchers, &b.chart, 3).unwrap();
    let sources = split.sources.as_ref().expect("links go to the CSV");
    assert_eq!(sources.rows(), links);
    let mut csv = Vec::new();
    sources.write_to(&mut csv).unwrap();
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(text.starts_with("\u{feff}会计期间,凭证字,凭证号,单据类型,单据号,关系,文件,行号\n"));
    assert_eq!(text.lines().count(), links + 1);

    let book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(split.workbook.clone())).unwrap();
    assert_eq!(
        calamine::Reader::sheet_names(&book),
        ["凭证", "来源单据说明"]
    );
    assert_eq!(
        import::excel_sources_file(&split.workbook, "大.xlsx")
            .unwrap()
            .as_deref(),
        Some(export::EXCEL_SOURCES_CSV)
    );
    let e = import::excel(&split.workbook, "大.xlsx").unwrap_err();
    assert!(e.message.contains("vouchers-sources.csv"), "{}", e.message);

    let back = import::excel_with_sources(
        &split.workbook,
        "大.xlsx",
        Some((&csv, export::EXCEL_SOURCES_CSV)),
    )
    .unwrap();
    assert_eq!(back.len(), whole.len());
    for (a, b) in back.iter().zip(&whole) {
        assert_eq!(a.links, b.links);
    }
}

/// A broken links CSV is refused with its file, line and column named.
#[test]
fn a_bad_links_csv_names_file_line_and_column() {
    let (b, vouchers) = october_books();
    let split = export::excel_with_sheet_rows(&vouchers, &b.chart, 1).unwrap();
    let mut csv = Vec::new();
    split.sources.as_ref().unwrap().write_to(&mut csv).unwrap();
    let mut text = String::from_utf8(csv).unwrap();
    let bad_row = text.lines().nth(2).unwrap().to_string();
    let broken = bad_row
        .replacen(",入账,", ",记账,", 1)
        .replacen(",附件,", ",记账,", 1);
    text = text.replacen(&bad_row, &broken, 1);
    let e = import::excel_with_sources(
        &split.workbook,
        "大.xlsx",
        Some((text.as_bytes(), "vouchers-sources.csv")),
    )
    .unwrap_err();
    assert!(
        e.message.contains("vouchers-sources.csv 第3行“关系”列"),
        "{}",
        e.message
    );
}

/// A JD refund after the settlement: the journal books it through the 资金表 row that names
/// only its 商户订单号; the 结算单 that clawed it back tells whose refund it was.
#[test]
fn refund_not_booked_follows_a_jd_refund_through_its_statement() {
    let d = jd_refund_after_settlement(
        AfterSaleKind::ReturnAndRefund,
        (FlowKind::Refund, "售后退款"),
    );
    let b = books(Standard::Small, "");
    let g = run(&b, &d, "2026-10");
    assert!(
        checks(&d, &g.vouchers).is_empty(),
        "{:#?}",
        checks(&d, &g.vouchers)
    );
    // A journal without the refund's voucher: the refund and its outflow are both unbooked.
    let journal: Vec<Voucher> = g
        .vouchers
        .into_iter()
        .filter(|v| v.date.day() != 15)
        .collect();
    let found = refund_not_booked(&d, &Booked::of(&journal, period("2026-10")), &one_shop);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].refund_no.as_deref(), Some(JD_SERVICE_NO));
    assert_eq!(found[0].platform, Platform::Jd);
    let kinds: Vec<RecordKind> = found[0].evidence.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![RecordKind::AfterSale, RecordKind::FundFlow]);
    // Refunded before the settlement (no clawback, nothing left the wallet): nothing to book.
    let mut before = d.clone();
    before
        .settlements
        .retain(|s| s.payment_ref.as_deref() != Some("S2"));
    before.fund_flows.retain(|r| r.txn_no != "J2");
    assert!(
        refund_not_booked(&before, &Booked::of(&journal, period("2026-10")), &one_shop).is_empty()
    );
}

/// A minimal generic Excel journal of one balanced voucher dated by a spreadsheet date cell
/// holding `serial`.
fn journal_workbook(serial: f64) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let s = wb.add_worksheet();
    s.set_name("凭证").unwrap();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in (0u16..).zip([
        "日期",
        "凭证字",
        "凭证号",
        "摘要",
        "科目编码",
        "借方金额",
        "贷方金额",
    ]) {
        s.write_string(0, c, h).unwrap();
    }
    for (row, account, debit, credit) in [(1, "100201", "59.00", ""), (2, "6001", "", "59.00")] {
        s.write_number_with_format(row, 0, serial, &date).unwrap();
        for (c, v) in (1u16..).zip(["记", "1", "销售回款", account, debit, credit]) {
            s.write_string(row, c, v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The workbook with one part replaced by `edit` of its text.
fn rewrite_part(xlsx: &[u8], part: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name == part {
            bytes = edit(String::from_utf8(bytes).unwrap()).into_bytes();
        }
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn an_empty_or_header_only_journal_is_refused_not_read_as_an_empty_ledger() {
    let e = import::u8_text(b"", "u8.txt").unwrap_err();
    assert!(
        e.message.contains("u8.txt 里没有任何凭证行"),
        "{}",
        e.message
    );
    let e = import::u8_text(b"\r\n\r\n", "u8.txt").unwrap_err();
    assert!(e.message.contains("没有任何凭证行"), "{}", e.message);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let s = wb.add_worksheet();
    s.set_name("凭证").unwrap();
    for (c, h) in (0u16..).zip([
        "日期",
        "凭证字",
        "凭证号",
        "摘要",
        "科目编码",
        "借方金额",
        "贷方金额",
    ]) {
        s.write_string(0, c, h).unwrap();
    }
    let e = import::excel(&wb.save_to_buffer().unwrap(), "账簿.xlsx").unwrap_err();
    assert!(
        e.message.contains("账簿.xlsx#凭证 里没有任何凭证行"),
        "{}",
        e.message
    );
}

#[test]
fn a_damaged_journal_workbook_says_it_is_damaged_not_that_a_sheet_is_missing() {
    let whole = journal_workbook(46326.0);
    assert_eq!(import::excel(&whole, "账簿.xlsx").unwrap().len(), 1);
    // Cut short (an interrupted copy): not a workbook at all.
    let e = import::excel(&whole[..whole.len() / 2], "账簿.xlsx").unwrap_err();
    assert!(e.message.contains("已损坏或不完整"), "{}", e.message);
    // The sheet's XML broken inside an intact archive.
    let broken = rewrite_part(&whole, "xl/worksheets/sheet1.xml", |xml| {
        xml[..xml.len() / 2].to_string()
    });
    let e = import::excel(&broken, "账簿.xlsx").unwrap_err();
    assert!(
        e.message.contains("已损坏") && e.message.contains("凭证") && !e.message.contains("缺少"),
        "{}",
        e.message
    );
}

#[test]
fn a_journal_on_the_1904_date_system_keeps_its_dates() {
    // 2026-10-31 is day 46,326 of the 1900 system and day 44,864 of the 1904 one.
    let in_1900 = import::excel(&journal_workbook(46326.0), "账簿.xlsx").unwrap();
    assert_eq!(in_1900[0].date.to_string(), "2026-10-31");
    let mac = rewrite_part(&journal_workbook(44864.0), "xl/workbook.xml", |xml| {
        xml.replacen("<workbookPr ", "<workbookPr date1904=\"1\" ", 1)
    });
    let in_1904 = import::excel(&mac, "账簿.xlsx").unwrap();
    assert_eq!(in_1904[0].date.to_string(), "2026-10-31");
    assert_eq!(in_1904[0].period.to_string(), "2026-10");
}

/// A summary names the shop as people know it (the settings' name), not by its id.
#[test]
fn summaries_name_the_shop_by_its_name() {
    let b = books(Standard::Small, "");
    let named = duizhang_books::generate_named(
        &b,
        &october(),
        period("2026-10"),
        &|_| Some("tmall".to_string()),
        &|id| (id == "tmall").then(|| "禾木家居天猫旗舰店".to_string()),
    );
    let summaries: Vec<&str> = named
        .vouchers
        .iter()
        .flat_map(|v| &v.lines)
        .map(|l| l.summary.as_str())
        .collect();
    assert!(
        summaries.contains(&"2026-10-31 禾木家居天猫旗舰店 提现至银行"),
        "{summaries:?}"
    );
    assert!(
        summaries.iter().all(|s| !s.contains("tmall")),
        "{summaries:?}"
    );
    // Without a name the id stands in: nothing is left blank.
    let unnamed = duizhang_books::generate(&b, &october(), period("2026-10"), &|_| {
        Some("tmall".to_string())
    });
    assert!(
        unnamed.vouchers[0].lines[0].summary.contains(" tmall "),
        "{}",
        unnamed.vouchers[0].lines[0].summary
    );
}

/// A long shop name can make a summary too long for 用友 (60 bytes): the export says so and
/// how to shorten it, and writes nothing.
#[test]
fn a_summary_too_long_for_u8_is_refused_with_how_to_shorten_it() {
    let b = books(Standard::Small, "");
    let g = duizhang_books::generate_named(
        &b,
        &october(),
        period("2026-10"),
        &|_| Some("shop".to_string()),
        &|_| Some("杭州禾木家居用品有限公司天猫官方旗舰店".to_string()),
    );
    let e = export::u8_text(&g.vouchers, &b.chart, &b.u8, TextEncoding::Gbk).unwrap_err();
    assert!(e.message.contains("超过用友限长 60 字节"), "{}", e.message);
    assert!(e.message.contains("{shop}"), "{}", e.message);
}
