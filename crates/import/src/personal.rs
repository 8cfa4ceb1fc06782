//! Personal bills (个人账单) of Alipay, WeChat and JD: the exports a person makes of their own
//! spending. Sellers often download these by mistake; they hold neither the shop's fund flow
//! nor its orders, so they are recognised and answered with what to download instead, never
//! read and never left as "unknown format".
//!
//! Shapes (formats.md §1.6, §2.5; JD from two public parsers of 京东金融 exports):
//! - Alipay, since 2023: ~24 preamble lines, a line `…电子客户回单…`, header
//!   `交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注`
//!   (CONFIRMED); 2019–2022: `交易号,商家订单号,交易创建时间,付款时间,最近修改时间,交易来源地,类型,交易对方,
//!   商品名称,金额（元）,收/支,交易状态,服务费（元）,成功退款（元）,备注,资金状态` (PARTIAL), header cells
//!   padded with spaces; the web export's title `支付宝交易记录明细查询` (PARTIAL).
//! - WeChat: title `微信支付账单明细`, header
//!   `交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注` (CONFIRMED).
//! - JD (京东金融 交易流水): header `交易时间,商户名称,交易说明,金额,收/付款方式,交易状态,收/支,交易分类,
//!   交易订单号,商家订单号,备注` after ~20 preamble lines (UNCONFIRMED: seen in two parsers, no
//!   verbatim file). Recognised defensively: a subset of distinctive columns or a title.

use crate::formats::Column;
use crate::table::{Header, Row};

/// One kind of personal bill and what a seller should download instead.
pub struct PersonalBill {
    /// `支付宝`
    pub provider_zh: &'static str,
    /// Columns that, all present in one row, mark the bill.
    columns: &'static [Column],
    /// A title or marker some line before the header holds.
    markers: &'static [&'static str],
    /// What to download instead, in Chinese.
    pub instead_zh: &'static str,
}

const ALIPAY_INSTEAD: &str = "请登录支付宝商家平台（b.alipay.com）的对账中心，下载签约账户的“账务明细”（或通过开放平台 bill_type=signcustomer 下载账单压缩包）后导入";

const KINDS: &[PersonalBill] = &[
    PersonalBill {
        provider_zh: "支付宝",
        columns: &[
            &["交易时间"],
            &["交易分类"],
            &["交易对方"],
            &["收/支"],
            &["收/付款方式"],
            &["交易订单号"],
        ],
        markers: &["电子客户回单"],
        instead_zh: ALIPAY_INSTEAD,
    },
    PersonalBill {
        provider_zh: "支付宝",
        columns: &[
            &["交易号"],
            &["交易创建时间"],
            &["最近修改时间"],
            &["交易来源地"],
            &["收/支"],
            &["资金状态"],
        ],
        markers: &["支付宝交易记录明细查询"],
        instead_zh: ALIPAY_INSTEAD,
    },
    PersonalBill {
        provider_zh: "微信支付",
        columns: &[
            &["交易时间"],
            &["交易类型"],
            &["交易对方"],
            &["收/支"],
            &["当前状态"],
            &["交易单号"],
        ],
        markers: &["微信支付账单明细"],
        instead_zh: "请登录微信支付商户平台（pay.weixin.qq.com）的交易中心，下载“交易账单”（全部订单）与资金账单（或通过商户 API 下载账单，.csv.gz 可直接导入）后导入",
    },
    PersonalBill {
        provider_zh: "京东",
        columns: &[
            &["交易时间"],
            &["商户名称"],
            &["交易说明"],
            &["收/付款方式"],
            &["收/支"],
            &["交易订单号"],
        ],
        markers: &["京东金融", "京东账号名"],
        instead_zh: "请在京东商家后台（京麦）的财务结算中，下载京东钱包的结算单与资金表（或对账表）和订单导出后导入",
    },
];

/// The personal bill `rows` (a table's first rows) are, if any: a header holding the kind's
/// columns, or one of its markers on a line above a header that has `收/支`.
pub fn recognise(rows: &[Row]) -> Option<&'static PersonalBill> {
    let headers: Vec<Header> = rows.iter().map(Header::from_row).collect();
    let by_columns = KINDS.iter().find(|kind| {
        headers
            .iter()
            .any(|h| h.count_matching(kind.columns) == kind.columns.len())
    });
    if by_columns.is_some() {
        return by_columns;
    }
    let income_or_expense = headers.iter().any(|h| h.find(&["收/支"]).is_some());
    KINDS.iter().find(|kind| {
        income_or_expense
            && rows.iter().any(|r| {
                let line = r.joined();
                kind.markers.iter().any(|m| line.contains(m))
            })
    })
}

impl PersonalBill {
    /// The answer to a user who gave this file.
    pub fn message_zh(&self) -> String {
        format!(
            "这是{}的个人账单（个人收支明细），不是商家账单，不能用于店铺对账：{}。",
            self.provider_zh, self.instead_zh
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Row> {
        (1u32..)
            .zip(lines)
            .map(|(n, l)| {
                let cells: Vec<&str> = l.split(',').collect();
                Row::from_cells(n, &cells)
            })
            .collect()
    }

    #[test]
    fn each_personal_bill_is_named_with_its_provider() {
        let alipay = rows(&[
            "------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------",
            "交易时间,交易分类,交易对方,对方账号,商品说明,收/支,金额,收/付款方式,交易状态,交易订单号,商家订单号,备注,",
        ]);
        assert_eq!(recognise(&alipay).map(|k| k.provider_zh), Some("支付宝"));
        let padded = rows(&[
            "交易号                  ,商家订单号               ,交易创建时间              ,付款时间                ,最近修改时间              ,交易来源地     ,类型              ,交易对方            ,商品名称                ,金额（元）   ,收/支     ,交易状态    ,服务费（元）   ,成功退款（元）  ,备注                  ,资金状态     ,",
        ]);
        assert_eq!(recognise(&padded).map(|k| k.provider_zh), Some("支付宝"));
        let wechat = rows(&[
            "微信支付账单明细,,,,,,,,",
            "交易时间,交易类型,交易对方,商品,收/支,金额(元),支付方式,当前状态,交易单号,商户单号,备注",
        ]);
        assert_eq!(recognise(&wechat).map(|k| k.provider_zh), Some("微信支付"));
        let jd = rows(&[
            "交易时间,商户名称,交易说明,金额,收/付款方式,交易状态,收/支,交易分类,交易订单号,商家订单号,备注",
        ]);
        assert_eq!(recognise(&jd).map(|k| k.provider_zh), Some("京东"));
    }

    #[test]
    fn merchant_bills_are_not_taken_for_personal_ones() {
        let fund_flow = rows(&[
            "#支付宝账务明细查询",
            "账务流水号,业务流水号,商户订单号,商品名称,发生时间,对方账号,收入金额（+元）,支出金额（-元）,账户余额（元）,交易渠道,业务类型,备注",
        ]);
        assert!(recognise(&fund_flow).is_none());
        let wechat_fund = rows(&[
            "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,资金变更提交申请人,备注,业务凭证号",
        ]);
        assert!(recognise(&wechat_fund).is_none());
    }
}
