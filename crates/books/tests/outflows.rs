//! Money that leaves the account is never a sale, whatever its 业务类型 says (formats.md §1.4):
//! a real-shaped Alipay 账务明细 whose `在线支付` rows pay suppliers, read, reconciled and booked.

#![allow(clippy::unwrap_used)]

mod support;

use duizhang_books::checks::{Booked, flow_not_booked};
use duizhang_books::{Rules, Standard, generate};
use duizhang_core::{Dataset, FlowKind, Platform, Record};
use duizhang_engine::{Settings, reconcile};
use duizhang_import::{builtin_importers, import_bytes};
use duizhang_samples::build::{order, yuan};
use support::{books, lines, one_shop, period, run};

const SALE: &str = "4012345678901234567";
/// The three 其它 inflows and the three `在线支付` outflows that spend them.
const PURCHASES: [&str; 6] = [
    "202610050000200001",
    "202610050000200002",
    "202610120000200003",
    "202610120000200004",
    "202610200000200005",
    "202610200000200006",
];

/// A classic 12-column 账务明细 as a real download has it: GBK, LF-only line ends, TABs after
/// the text cells. One Taobao sale with its commission, then three purchases paid from the
/// account (packaging, advertising, an SMS pack), each after an inflow of 业务类型 `其它`.
fn statement(with_purchases: bool) -> Vec<u8> {
    let mut text = String::from(
        "#支付宝账务明细查询\n#账号：[20880000000000000156]\n#起始日期：[2026年10月01日 00:00:00]   终止日期：[2026年11月01日 00:00:00]\n#-----------------------------------------账务明细列表----------------------------------------\n账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注\n",
    );
    // In time order, so the balances run on: 1,000.00 before the month.
    let rows: [(bool, &str); 8] = [
        (
            true,
            "202610050000200001\t,20261005200040011100880055500001\t,\t,\t,2026-10-05 09:30:00,杭州某某贸易有限公司(pay@example.com)\t,97.00,0.00,1097.00,支付宝,其它,",
        ),
        (
            true,
            "202610050000200002\t,20261005200040011100880055500002\t,20261005100000000001\t,包装纸箱 100个\t,2026-10-05 09:31:10,义乌某某包装厂(pack@example.com)\t,0.00,-97.00,1000.00,支付宝,在线支付,",
        ),
        (
            false,
            "202610030000100001\t,20261003200040011100880012345678\t,T200P4012345678901234567\t,纯棉T恤 白色 L\t,2026-10-08 10:00:00,*明(138****0000)\t,59.00,0.00,1059.00,淘宝,交易付款,",
        ),
        (
            false,
            "202610030000100002\t,20261003200040011100880012345679\t,T200P4012345678901234567\t,纯棉T恤 白色 L\t,2026-10-08 10:00:01,天猫技术有限公司\t,0.00,-2.95,1056.05,淘宝,交易分账,天猫佣金（类目：女装）{4012345678901234567}扣款",
        ),
        (
            true,
            "202610120000200003\t,20261012200040011100880055500003\t,\t,\t,2026-10-12 14:00:00,杭州某某贸易有限公司(pay@example.com)\t,509.00,0.00,1565.05,支付宝,其它,",
        ),
        (
            true,
            "202610120000200004\t,20261012200040011100880055500004\t,20261012100000000002\t,推广服务充值\t,2026-10-12 14:02:45,某某网络科技有限公司(ads@example.com)\t,0.00,-509.00,1056.05,支付宝,在线支付,",
        ),
        (
            true,
            "202610200000200005\t,20261020200040011100880055500005\t,\t,\t,2026-10-20 08:15:00,杭州某某贸易有限公司(pay@example.com)\t,4.00,0.00,1060.05,支付宝,其它,",
        ),
        (
            true,
            "202610200000200006\t,20261020200040011100880055500006\t,20261020100000000003\t,短信包 100条\t,2026-10-20 08:16:30,某某信息技术有限公司(sms@example.com)\t,0.00,-4.00,1056.05,支付宝,在线支付,",
        ),
    ];
    for (purchase, row) in rows {
        if with_purchases || !purchase {
            text.push_str(row);
            text.push('\n');
        }
    }
    let (income, expense) = if with_purchases {
        ("4笔，共669.00元", "4笔，共-612.95元")
    } else {
        ("1笔，共59.00元", "1笔，共-2.95元")
    };
    text.push_str("#----------------------------------------账务明细列表结束-------------------------------------\n");
    text.push_str(&format!("#支出合计：{expense}\n#收入合计：{income}\n"));
    text.push_str("#导出时间：[2026年11月01日 06:12:40]\n");
    encoding_rs::GBK.encode(&text).0.into_owned()
}

/// The statement read as a user's file, beside the sale's order.
fn month(with_purchases: bool) -> Dataset {
    let importers = builtin_importers();
    let mut files = Vec::new();
    let mut data = Dataset::default();
    import_bytes(
        "20880000000000000156_202610_账务明细.csv",
        statement(with_purchases),
        &importers,
        &mut files,
        &mut |r| data.push(r),
    );
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].format.as_deref(), Some("alipay.fund_flow"));
    assert!(files[0].problems.is_empty(), "{:#?}", files[0].problems);
    assert!(files[0].control.iter().all(|c| c.holds()));
    data.push(Record::Order(order(Platform::Taobao, SALE, yuan("59.00"))));
    data
}

#[test]
fn an_online_payment_out_of_the_account_is_read_as_neither_income_nor_refund() {
    let data = month(true);
    let kind = |txn: &str| {
        data.fund_flows
            .iter()
            .find(|r| r.txn_no == txn)
            .map(|r| (r.kind, r.kind_text.to_string(), r.amount.to_string()))
            .unwrap()
    };
    assert_eq!(
        kind("202610050000200002"),
        (
            FlowKind::Other,
            "在线支付".to_string(),
            "-97.00".to_string()
        )
    );
    assert_eq!(kind("202610120000200004").0, FlowKind::Other);
    assert_eq!(kind("202610200000200006").0, FlowKind::Other);
    assert_eq!(
        kind("202610050000200001"),
        (FlowKind::Other, "其它".to_string(), "97.00".to_string())
    );
    // The buyer's payment on the income side stays income.
    assert_eq!(kind("202610030000100001").0, FlowKind::Income);
}

#[test]
fn purchases_paid_from_the_account_book_no_sales_and_are_reported_unbooked_with_a_reason() {
    for standard in support::BOTH {
        let b = books(standard, "");
        // `run` validates every voucher against the chart (balanced, leaf accounts).
        let with = run(&b, &month(true), "2026-10");
        let without = run(&b, &month(false), "2026-10");
        // The six rows change no voucher: the sale and its commission are booked alike.
        assert_eq!(
            with.vouchers.iter().map(lines).collect::<Vec<_>>(),
            without.vouchers.iter().map(lines).collect::<Vec<_>>(),
            "{standard:?}"
        );
        assert!(
            with.vouchers
                .iter()
                .flat_map(|v| &v.links)
                .all(|l| !PURCHASES.contains(&l.key.as_str()))
        );
        for txn in PURCHASES {
            let issue = with
                .issues
                .iter()
                .find(|i| i.key == txn)
                .unwrap_or_else(|| panic!("{txn} not reported: {:#?}", with.issues));
            assert!(issue.message.contains("未入账"), "{}", issue.message);
        }
        // Booked as generated, the month's journal leaves exactly the six rows to FLOW_NOT_BOOKED.
        let booked = Booked::of(&with.vouchers, period("2026-10"));
        let mut unbooked: Vec<String> = flow_not_booked(&month(true), &booked, &one_shop)
            .into_iter()
            .filter_map(|f| f.txn_no)
            .collect();
        unbooked.sort();
        assert_eq!(unbooked, PURCHASES);
        let outflow = with
            .issues
            .iter()
            .find(|i| i.key == "202610050000200002")
            .unwrap();
        assert!(
            outflow.message.contains("在线支付，支出 97.00 元") && outflow.message.contains("采购"),
            "{}",
            outflow.message
        );
    }
}

#[test]
fn a_sellers_rule_that_calls_online_payments_sales_still_books_no_outflow_as_a_sale() {
    let rules = Rules::defaults()
        .unwrap()
        .with_overrides(
            "[[classify]]\nkinds = []\ntext_any = [\"在线支付\", \"交易付款\"]\nclass = \"sale\"\n\n[[classify]]\nkinds = [\"commission\"]\nclass = \"commission\"\n",
        )
        .unwrap();
    let mut b = books(Standard::Small, "");
    b.rules = rules;
    let data = month(true);
    let g = generate(&b, &data, period("2026-10"), &one_shop);
    let booked: Vec<&str> = g
        .vouchers
        .iter()
        .flat_map(|v| &v.links)
        .map(|l| l.key.as_str())
        .collect();
    // The buyer's payment is a sale; the supplier payments, classed by the same rule, are not.
    assert!(booked.contains(&"202610030000100001"));
    for txn in [
        "202610050000200002",
        "202610120000200004",
        "202610200000200006",
    ] {
        assert!(!booked.contains(&txn), "{txn} booked: {booked:?}");
    }
}

#[test]
fn the_money_checks_find_nothing_in_purchases_paid_from_the_account() {
    let settings = Settings::default();
    let codes = |data: &Dataset| {
        let mut codes: Vec<(String, Option<String>)> =
            reconcile(data, &settings, period("2026-10"))
                .findings
                .into_iter()
                .map(|f| (f.code, f.order_no))
                .collect();
        codes.sort();
        codes
    };
    let with = reconcile(&month(true), &settings, period("2026-10"));
    assert!(
        with.findings
            .iter()
            .all(|f| f.txn_no.as_deref().is_none_or(|t| !PURCHASES.contains(&t))),
        "{:#?}",
        with.findings
    );
    assert_eq!(codes(&month(true)), codes(&month(false)));
}
