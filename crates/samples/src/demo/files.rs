//! Writing a scenario to disk the way a seller's download folder looks: every planned file in
//! its real format (through the fixture writers), the settings, and the record of what was
//! planted.

use std::path::{Path, PathBuf};

use duizhang_core::Record;

use super::{PlannedFile, Scenario};
use crate::bytes::Encoding;
use crate::write::sheet::Shape;
use crate::write::{alipay, douyin, erp, jd, pdd, taobao, taobao_api, wechat};

fn pick<T: Clone>(records: &[Record], f: fn(&Record) -> Option<&T>) -> Vec<T> {
    records.iter().filter_map(f).cloned().collect()
}

/// The bytes of one planned file in its real format.
pub fn render(file: &PlannedFile) -> Result<Vec<u8>, String> {
    let r = &file.records;
    let orders = || {
        pick(r, |x| {
            if let Record::Order(o) = x {
                Some(o)
            } else {
                None
            }
        })
    };
    let flows = || {
        pick(r, |x| {
            if let Record::FundFlow(o) = x {
                Some(o)
            } else {
                None
            }
        })
    };
    let sales = || {
        pick(r, |x| {
            if let Record::AfterSale(o) = x {
                Some(o)
            } else {
                None
            }
        })
    };
    let settlements = || {
        pick(r, |x| {
            if let Record::Settlement(o) = x {
                Some(o)
            } else {
                None
            }
        })
    };
    let xlsx = |e: rust_xlsxwriter::XlsxError| format!("{}: {e}", file.name);
    Ok(match file.format {
        "alipay.fund_flow" => {
            let flows = flows();
            let mut options = alipay::FundOptions::default();
            // Each shop's Alipay account has its own bill.
            if let Some(account) = flows.first().and_then(|f| f.account.as_deref()) {
                options.account = account.to_string();
            }
            alipay::fund_flow(&flows, &options)
        }
        "taobao.trades_api" => taobao_api::trades(&orders(), &taobao_api::TradeOptions::default()),
        "taobao.orders" => {
            taobao::orders(&orders(), &taobao::OrderOptions::default()).map_err(xlsx)?
        }
        "taobao.order_items" => {
            taobao::order_items(&orders(), &taobao::OrderOptions::default()).map_err(xlsx)?
        }
        "taobao.refunds" => {
            taobao::refunds(&sales(), &taobao::RefundOptions::default()).map_err(xlsx)?
        }
        "wechat.trade_bill" => wechat::trade_bill(
            &pick(r, |x| {
                if let Record::Payment(o) = x {
                    Some(o)
                } else {
                    None
                }
            }),
            &wechat::TradeOptions::default(),
        ),
        "wechat.fund_bill" => wechat::fund_bill(&flows(), &wechat::FundOptions::default()),
        "pdd.fund_flow" => pdd::fund_flow(&flows(), &pdd::FundOptions::default()),
        "pdd.orders" => pdd::orders(&orders(), Encoding::Gbk, true),
        "erp.order" => erp::erp_orders(
            &pick(r, |x| {
                if let Record::ErpOrder(o) = x {
                    Some(o)
                } else {
                    None
                }
            }),
            &erp::ErpOptions::default(),
        )
        .map_err(xlsx)?,
        "erp.after_sale" => erp::after_sales(
            &sales(),
            erp::RowAmounts::PerLine,
            &erp::ErpOptions::default(),
        )
        .map_err(xlsx)?,
        "erp.shipment" => erp::shipments(
            &pick(r, |x| {
                if let Record::Shipment(o) = x {
                    Some(o)
                } else {
                    None
                }
            }),
            &erp::ErpOptions::default(),
        )
        .map_err(xlsx)?,
        "erp.return_receipt" => erp::return_receipts(
            &pick(r, |x| {
                if let Record::ReturnReceipt(o) = x {
                    Some(o)
                } else {
                    None
                }
            }),
            &erp::ErpOptions::default(),
        )
        .map_err(xlsx)?,
        "erp.complaint" => erp::complaints(
            &pick(r, |x| {
                if let Record::Complaint(o) = x {
                    Some(o)
                } else {
                    None
                }
            }),
            &erp::ErpOptions::default(),
        )
        .map_err(xlsx)?,
        "douyin.orders" => douyin::orders(&orders(), false),
        "douyin.fund_flow" => douyin::fund_flow(&flows(), &douyin::FlowOptions::default()),
        "douyin.settlement" => douyin::settlement(&settlements(), Encoding::Utf8Bom, false),
        "jd.orders" => jd::orders(&orders(), &jd::OrderOptions::default()).map_err(xlsx)?,
        "jd.wallet_bill" => {
            jd::wallet_bill(&settlements(), jd::WalletLayout::Buy360, Shape::GBK_CSV)
                .map_err(xlsx)?
        }
        "jd.wallet_funds" => jd::wallet_funds(&flows(), Shape::GBK_CSV).map_err(xlsx)?,
        other => return Err(format!("{}: no writer for format {other}", file.name)),
    })
}

/// Writes the scenario's files into `dir/files`, its settings to `dir/duizhang.toml` and the
/// planted problems to `dir/planted.json`. Returns the folder of input files.
pub fn write_scenario(scenario: &Scenario, dir: &Path) -> Result<PathBuf, String> {
    let files_dir = dir.join("files");
    std::fs::create_dir_all(&files_dir).map_err(|e| format!("{}: {e}", files_dir.display()))?;
    for file in &scenario.files {
        let bytes = render(file)?;
        let path = files_dir.join(&file.name);
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let settings = toml::to_string(&scenario.settings).map_err(|e| format!("settings: {e}"))?;
    let header = "# 演示用设置（duizhang demo 生成）：六个店铺及其资金账户、费率。完整说明见 duizhang init。\n\n";
    std::fs::write(dir.join("duizhang.toml"), format!("{header}{settings}"))
        .map_err(|e| format!("duizhang.toml: {e}"))?;
    write_planted(dir, &scenario.planted)?;
    Ok(files_dir)
}

/// Writes the record of planted problems to `dir/planted.json`.
pub fn write_planted(dir: &Path, planted: &[super::Planted]) -> Result<(), String> {
    let text = serde_json::to_string_pretty(planted).map_err(|e| format!("planted.json: {e}"))?;
    std::fs::write(dir.join("planted.json"), text + "\n").map_err(|e| format!("planted.json: {e}"))
}
