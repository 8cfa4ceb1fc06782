//! From a run's results to the report's sections.

use std::collections::BTreeMap;

use duizhang_core::{FlowKind, Owner};
use duizhang_engine::catalog::lookup;
use duizhang_metrics::{Dimension, Group, Metrics, Value, metric};

use crate::Inputs;
use crate::model::*;

/// The metrics the overview compares with last period, in order.
const KPIS: &[&str] = &[
    "orders",
    "gmv",
    "after_sales",
    "after_sale_rate",
    "return_rate",
    "refund_amount",
    "refund_rate",
    "refund_only_share",
    "complaint_rate",
    "avg_handling_hours",
    "after_sale_cost",
];

/// The metric columns of the per-shop / per-platform tables: the same as the overview's.
const SHOP_METRICS: &[&str] = KPIS;

/// How many of the largest problems, reasons and SKUs are listed.
const TOP: usize = 20;

/// `2026-10` → `2026年10月`.
pub fn period_zh(period: &str) -> String {
    match period.split_once('-') {
        Some((y, m)) => format!("{y}年{}月", m.trim_start_matches('0')),
        None => period.to_string(),
    }
}

pub fn build(inputs: &Inputs<'_>) -> Report {
    let m = inputs.metrics;
    let mut history: Vec<&Metrics> = inputs
        .history
        .iter()
        .filter(|h| h.period < m.period)
        .collect();
    history.sort_by(|a, b| a.period.cmp(&b.period));
    history.dedup_by(|a, b| a.period == b.period);
    let previous = history.last().copied();
    let names: BTreeMap<&str, &str> = m
        .reconciliation
        .shops
        .iter()
        .map(|s| (s.shop.as_str(), s.name.as_str()))
        .collect();
    let shop = |id: &str| {
        names
            .get(id)
            .map_or_else(|| id.to_string(), |n| (*n).to_string())
    };
    let sections = vec![
        overview(inputs, previous),
        fund_accounts(inputs, &shop),
        matching(inputs, &shop),
        pending(inputs, &shop),
        not_run(inputs, &shop),
        after_sales(m),
        trends(m, &history),
        largest(inputs, &shop),
        definitions(m),
    ];
    Report {
        title: format!("{} 售后对账报告", period_zh(&m.period)),
        period: m.period.clone(),
        sections,
    }
}

fn value(g: Option<&Group>, code: &str) -> Option<Value> {
    g.and_then(|g| g.value(code))
}

/// True when a rise of the metric is bad news.
fn worse_when_up(code: &str) -> bool {
    !matches!(code, "orders" | "gmv")
}

/// The change from `before` to `now`, worded for a manager: percentage points for shares,
/// hours for durations, a relative change for amounts and counts.
pub fn change(code: &str, now: Option<Value>, before: Option<Value>) -> Cell {
    let none = || Cell::Change("—".into(), false);
    let (Some(now), Some(before)) = (now, before) else {
        return none();
    };
    let (Some(a), Some(b)) = (now.scaled(), before.scaled()) else {
        return none();
    };
    let diff = a - b;
    let worse = if worse_when_up(code) {
        diff > 0
    } else {
        diff < 0
    };
    let sign = if diff > 0 { "+" } else { "" };
    let text = match now {
        Value::Percent { .. } => format!(
            "{sign}{} 个百分点",
            duizhang_metrics::define::hundredths(diff)
        ),
        Value::Hours { .. } => {
            format!("{sign}{} 小时", duizhang_metrics::define::hundredths(diff))
        }
        Value::Money { .. } | Value::Count { .. } => {
            match duizhang_metrics::define::ratio_rounded(diff * 10_000, b.abs()) {
                Some(bp) => format!("{sign}{}%", duizhang_metrics::define::hundredths(bp)),
                None => "—".to_string(),
            }
        }
    };
    Cell::Change(text, worse)
}

fn overview(inputs: &Inputs<'_>, previous: Option<&Metrics>) -> Section {
    let m = inputs.metrics;
    let s = inputs.summary;
    let total = m.total();
    let prev_total = previous.and_then(Metrics::total);
    let prev_label = previous.map_or_else(|| "上期".to_string(), |p| period_zh(&p.period));
    let mut kpis = Table {
        title: "主要指标".into(),
        columns: vec![
            "指标".into(),
            "本期".into(),
            prev_label.clone(),
            "变化".into(),
        ],
        rows: Vec::new(),
        total_row: false,
    };
    for code in KPIS {
        let Some(def) = metric(code) else { continue };
        let now = value(total, code);
        let before = value(prev_total, code);
        kpis.rows.push(vec![
            Cell::text(format!("{}（{}）", def.zh, def.unit.zh())),
            now.map_or(Cell::Empty, Cell::Metric),
            before.map_or(Cell::Empty, Cell::Metric),
            change(code, now, before),
        ]);
    }
    let r = &m.reconciliation.total;
    let findings = inputs.findings.len();
    let balanced = s
        .fund_accounts
        .iter()
        .filter(|a| a.balanced == Some(true))
        .count();
    let with_balance = s
        .fund_accounts
        .iter()
        .filter(|a| a.balanced.is_some())
        .count();
    let mut scope = Table {
        title: "范围与结论".into(),
        columns: vec!["项目".into(), "内容".into()],
        rows: vec![
            vec![Cell::text("对账期间"), Cell::text(period_zh(&m.period))],
            vec![
                Cell::text("资金账户"),
                Cell::text(format!(
                    "{} 个，其中 {balanced} / {with_balance} 个有余额的账户期末相符",
                    s.fund_accounts.len()
                )),
            ],
            vec![
                Cell::text("相符"),
                Cell::text(format!("{} 笔，{} 元", n(r.matched), money(r.matched_fen))),
            ],
            vec![
                Cell::text("在途（结转下期）"),
                Cell::text(format!("{} 项，{} 元", n(r.pending), money(r.pending_fen))),
            ],
            vec![
                Cell::text("发现的问题"),
                Cell::text(format!(
                    "{} 条，差额合计 {} 元",
                    n(findings),
                    money(r.found_fen)
                )),
            ],
            vec![
                Cell::text("未运行的检查"),
                Cell::text(format!("{} 项（原因见“未运行的检查”）", s.not_run.len())),
            ],
        ],
        total_row: false,
    };
    // One line per shop, after the period.
    for (i, shop) in m.reconciliation.shops.iter().enumerate() {
        scope.rows.insert(
            1 + i,
            vec![
                Cell::text(if i == 0 { "店铺" } else { "" }),
                Cell::text(format!("{}（{}）", shop.name, shop.platform)),
            ],
        );
    }
    if let Some(v) = &m.vouchers {
        scope.rows.push(vec![
            Cell::text("本期凭证"),
            Cell::text(format!(
                "{} 张，借方合计 {} 元{}",
                v.count,
                money(v.debit_fen),
                v.numbers
                    .as_ref()
                    .map_or_else(String::new, |n| format!("（{n}）"))
            )),
        ]);
    }
    let owners = Table {
        title: "问题按负责人".into(),
        columns: vec!["负责人".into(), "问题条数".into(), "差额合计（元）".into()],
        rows: [Owner::Finance, Owner::Service, Owner::Warehouse]
            .iter()
            .map(|o| {
                let t = m.reconciliation.owners.iter().find(|t| t.owner == *o);
                vec![
                    Cell::text(o.zh()),
                    Cell::Count(t.map_or(0, |t| i64::try_from(t.found).unwrap_or(i64::MAX))),
                    Cell::Money(t.map_or(0, |t| t.found_fen)),
                ]
            })
            .collect(),
        total_row: false,
    };
    let mut notes = vec![format!(
        "本报告由本期对账结果生成：相符 {} 笔，在途 {} 项，发现问题 {} 条。",
        n(r.matched),
        n(r.pending),
        n(findings)
    )];
    if previous.is_none() {
        notes.push(
            "没有提供上期结果，“变化”一栏为空（用 duizhang report 同时给出上期结果目录）。".into(),
        );
    }
    Section {
        sheet: "汇总".into(),
        title: "汇总".into(),
        notes,
        charts: Vec::new(),
        tables: vec![scope, kpis, owners],
    }
}

fn fund_accounts(inputs: &Inputs<'_>, shop: &dyn Fn(&str) -> String) -> Section {
    let kinds = |map: &BTreeMap<String, i64>, which: &[FlowKind]| -> i64 {
        which
            .iter()
            .map(|k| map.get(k.code()).copied().unwrap_or(0))
            .sum()
    };
    let mut rows = Vec::new();
    for a in &inputs.summary.fund_accounts {
        // In and out together per kind: a refund reversed is an inflow of the refund kind.
        let mut net: BTreeMap<String, i64> = a.inflows_fen.clone();
        for (k, v) in &a.outflows_fen {
            *net.entry(k.clone()).or_default() += v;
        }
        let income = kinds(&net, &[FlowKind::Income]);
        let refunds = kinds(&net, &[FlowKind::Refund]);
        let fees = kinds(&net, &[FlowKind::Fee, FlowKind::Commission]);
        let withdrawals = kinds(&net, &[FlowKind::Withdrawal]);
        let other = kinds(&net, &[FlowKind::Transfer, FlowKind::Other]);
        let computed = a
            .opening_fen
            .map(|o| o + income + refunds + fees + withdrawals + other);
        rows.push(vec![
            Cell::text(shop(&a.shop)),
            Cell::text(format!("{} {}", a.provider.zh(), a.account)),
            Cell::Count(i64::try_from(a.rows).unwrap_or(i64::MAX)),
            a.opening_fen
                .map_or_else(|| Cell::text("账单无余额"), Cell::Money),
            Cell::Money(income),
            Cell::Money(-refunds),
            Cell::Money(-fees),
            Cell::Money(-withdrawals),
            Cell::Money(other),
            computed.map_or(Cell::Empty, Cell::Money),
            a.closing_fen.map_or(Cell::Empty, Cell::Money),
            Cell::text(match a.balanced {
                Some(true) => "相符",
                Some(false) => "不符",
                None => "无余额可比",
            }),
        ]);
    }
    Section {
        sheet: "资金勾稽".into(),
        title: "资金账户勾稽（期初 + 收入 − 退款 − 费用 − 提现 ± 其他 = 期末）".into(),
        notes: vec![
            "期初为首行余额减去其发生额；“推算期末”按本期流水推算，与账单自己的期末余额比较。退款、费用、提现列为流出金额（正数表示流出）；其他含转账与未归类的收支（带符号）。".into(),
        ],
        charts: Vec::new(),
        tables: vec![Table {
            title: "各资金账户".into(),
            columns: [
                "店铺",
                "资金账户",
                "流水行数",
                "期初",
                "收入",
                "退款",
                "费用（手续费、佣金）",
                "提现",
                "其他",
                "推算期末",
                "账单期末",
                "结论",
            ]
            .map(String::from)
            .to_vec(),
            rows,
            total_row: false,
        }],
    }
}

fn owner_of(code: &str) -> &'static str {
    lookup(code).map_or("财务", |d| d.owner.zh())
}

fn matching(inputs: &Inputs<'_>, shop: &dyn Fn(&str) -> String) -> Section {
    let m = inputs.metrics;
    let tally_row = |label: Vec<Cell>, t: &duizhang_engine::Tally| {
        let mut row = label;
        row.extend([
            Cell::Count(i64::try_from(t.matched).unwrap_or(i64::MAX)),
            Cell::Money(t.matched_fen),
            Cell::Count(i64::try_from(t.pending).unwrap_or(i64::MAX)),
            Cell::Money(t.pending_fen),
            Cell::Count(i64::try_from(t.found).unwrap_or(i64::MAX)),
            Cell::Money(t.found_fen),
        ]);
        row
    };
    let tally_cols = [
        "相符笔数",
        "相符金额",
        "在途笔数",
        "在途金额",
        "问题条数",
        "问题差额",
    ];
    let mut shops: Vec<Vec<Cell>> = m
        .reconciliation
        .shops
        .iter()
        .map(|s| tally_row(vec![Cell::text(&s.name), Cell::text(&s.platform)], &s.tally))
        .collect();
    shops.push(tally_row(
        vec![Cell::text("合计"), Cell::Empty],
        &m.reconciliation.total,
    ));
    // Per check: the engine's tallies for matched and pending, the findings for found.
    let mut found: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for f in inputs.findings {
        let e = found.entry(f.code.as_str()).or_default();
        e.0 += 1;
        e.1 += f.diff_fen.map_or(0, i64::abs);
    }
    let mut checks = Vec::new();
    let mut codes: Vec<&str> = inputs
        .summary
        .checks
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    for code in found.keys() {
        if !codes.contains(code) {
            codes.push(code);
        }
    }
    for code in codes {
        let t = inputs.summary.checks.iter().find(|c| c.code == code);
        let (n, fen) = found.get(code).copied().unwrap_or_default();
        checks.push(vec![
            Cell::text(code),
            Cell::text(lookup(code).map_or("", |d| d.zh)),
            Cell::text(owner_of(code)),
            Cell::Count(t.map_or(0, |t| i64::try_from(t.tally.matched).unwrap_or(i64::MAX))),
            Cell::Money(t.map_or(0, |t| t.tally.matched_fen)),
            Cell::Count(t.map_or(0, |t| i64::try_from(t.tally.pending).unwrap_or(i64::MAX))),
            Cell::Count(n),
            Cell::Money(fen),
        ]);
    }
    let _ = shop;
    let mut shop_cols = vec!["店铺".to_string(), "平台".to_string()];
    shop_cols.extend(tally_cols.map(String::from));
    let found_chart = Chart {
        title: "各店铺发现的问题（条）".into(),
        kind: ChartKind::Bars,
        unit: "条".into(),
        bars: m
            .reconciliation
            .shops
            .iter()
            .map(|s| Bar {
                label: s.name.clone(),
                value: i64::try_from(s.tally.found).unwrap_or(i64::MAX),
                text: s.tally.found.to_string(),
            })
            .collect(),
    };
    Section {
        sheet: "对账结果".into(),
        title: "对账结果：相符、在途、问题".into(),
        notes: vec!["相符：两方记录一致的笔数与金额；在途：期末仍在时限内、结转下期再判断；问题：已超出时限或金额不符。问题差额为各条 |实际 − 应为| 之和。".into()],
        charts: vec![found_chart],
        tables: vec![
            Table {
                title: "按店铺".into(),
                columns: shop_cols,
                rows: shops,
                total_row: true,
            },
            Table {
                title: "按检查".into(),
                columns: [
                    "检查代码", "检查", "负责人", "相符笔数", "相符金额", "在途笔数", "问题条数",
                    "问题差额",
                ]
                .map(String::from)
                .to_vec(),
                rows: checks,
                total_row: false,
            },
        ],
    }
}

fn pending(inputs: &Inputs<'_>, shop: &dyn Fn(&str) -> String) -> Section {
    let mut by: BTreeMap<(String, &str), (i64, i64)> = BTreeMap::new();
    for p in inputs.pending {
        let e = by.entry((shop(&p.shop), p.code.as_str())).or_default();
        e.0 += 1;
        e.1 += p.amount_fen.map_or(0, i64::abs);
    }
    let rows = by
        .into_iter()
        .map(|((s, code), (n, fen))| {
            vec![
                Cell::text(s),
                Cell::text(code),
                Cell::text(lookup(code).map_or("", |d| d.zh)),
                Cell::Count(n),
                Cell::Money(fen),
            ]
        })
        .collect();
    let mut items: Vec<&duizhang_engine::PendingItem> = inputs.pending.iter().collect();
    items.sort_by(|a, b| {
        b.amount_fen
            .map(i64::abs)
            .cmp(&a.amount_fen.map(i64::abs))
            .then_with(|| a.due.cmp(&b.due))
    });
    let largest = items
        .iter()
        .take(TOP)
        .map(|p| {
            vec![
                Cell::text(shop(&p.shop)),
                Cell::text(lookup(&p.code).map_or(p.code.as_str(), |d| d.zh)),
                Cell::text(
                    p.order_no
                        .as_deref()
                        .or(p.refund_no.as_deref())
                        .or(p.txn_no.as_deref())
                        .unwrap_or(""),
                ),
                p.amount_fen.map_or(Cell::Empty, Cell::Money),
                Cell::text(p.due.replace('T', " ")),
                Cell::text(&p.message),
            ]
        })
        .collect();
    Section {
        sheet: "在途".into(),
        title: "在途与结转".into(),
        notes: vec![format!(
            "期末仍在时限内的 {} 项结转下期（下期对账时用 --carry-in 带入）；到期仍未了结即成为问题。",
            inputs.pending.len()
        )],
        charts: Vec::new(),
        tables: vec![
            Table {
                title: "按店铺与检查".into(),
                columns: ["店铺", "检查代码", "检查", "项数", "金额"]
                    .map(String::from)
                    .to_vec(),
                rows,
                total_row: false,
            },
            Table {
                title: format!("金额最大的 {TOP} 项"),
                columns: ["店铺", "检查", "单号", "金额", "到期", "说明"]
                    .map(String::from)
                    .to_vec(),
                rows: largest,
                total_row: false,
            },
        ],
    }
}

fn not_run(inputs: &Inputs<'_>, shop: &dyn Fn(&str) -> String) -> Section {
    let rows = inputs
        .summary
        .not_run
        .iter()
        .map(|n| {
            vec![
                Cell::text(if n.shop.is_empty() {
                    "（全部）".to_string()
                } else {
                    shop(&n.shop)
                }),
                Cell::text(&n.code),
                Cell::text(lookup(&n.code).map_or("", |d| d.zh)),
                Cell::text(&n.reason),
            ]
        })
        .collect();
    Section {
        sheet: "未运行的检查".into(),
        title: "未运行的检查".into(),
        notes: vec!["缺少数据的检查没有运行：补齐所缺文件后重新对账，这些检查才会核对。".into()],
        charts: Vec::new(),
        tables: vec![Table {
            title: "检查与原因".into(),
            columns: ["店铺", "检查代码", "检查", "原因"]
                .map(String::from)
                .to_vec(),
            rows,
            total_row: false,
        }],
    }
}

fn metric_row(g: &Group, label: Vec<Cell>, codes: &[&str]) -> Vec<Cell> {
    let mut row = label;
    row.extend(
        codes
            .iter()
            .map(|c| g.value(c).map_or(Cell::Empty, Cell::Metric)),
    );
    row
}

fn metric_columns(first: &[&str], codes: &[&str]) -> Vec<String> {
    first
        .iter()
        .map(|s| (*s).to_string())
        .chain(codes.iter().map(|c| {
            metric(c).map_or_else(
                || (*c).to_string(),
                |d| format!("{}（{}）", d.zh, d.unit.zh()),
            )
        }))
        .collect()
}

fn bars(groups: &[&Group], code: &str) -> Vec<Bar> {
    groups
        .iter()
        .filter_map(|g| {
            let v = g.value(code)?;
            Some(Bar {
                label: g.label.clone(),
                value: v.scaled()?,
                text: Cell::Metric(v).display(),
            })
        })
        .collect()
}

fn after_sales(m: &Metrics) -> Section {
    let shops: Vec<&Group> = m.groups(Dimension::Shop).collect();
    let platforms: Vec<&Group> = m.groups(Dimension::Platform).collect();
    let mut shop_rows: Vec<Vec<Cell>> = shops
        .iter()
        .map(|g| metric_row(g, vec![Cell::text(&g.label)], SHOP_METRICS))
        .collect();
    if let Some(t) = m.total() {
        shop_rows.push(metric_row(t, vec![Cell::text("合计")], SHOP_METRICS));
    }
    let kind_codes = &[
        "after_sales",
        "after_sale_rate",
        "refund_amount",
        "avg_handling_hours",
    ];
    let mut reasons: Vec<&Group> = m.groups(Dimension::Reason).collect();
    reasons.sort_by(|a, b| {
        b.figures
            .after_sales
            .cmp(&a.figures.after_sales)
            .then_with(|| a.key.cmp(&b.key))
    });
    let reason_codes = &["after_sales", "after_sale_rate", "refund_amount"];
    let mut reason_rows: Vec<Vec<Cell>> = reasons
        .iter()
        .filter(|g| g.figures.after_sales > 0)
        .map(|g| {
            let mut row = metric_row(g, vec![Cell::text(&g.label)], reason_codes);
            row.push(Cell::Count(g.figures.complaints));
            row
        })
        .collect();
    // Reasons given only by complaint tickets.
    reason_rows.extend(
        reasons
            .iter()
            .filter(|g| g.figures.after_sales == 0 && g.figures.complaints > 0)
            .map(|g| {
                let mut row = metric_row(g, vec![Cell::text(&g.label)], reason_codes);
                row.push(Cell::Count(g.figures.complaints));
                row
            }),
    );
    let mut reason_cols = metric_columns(&["原因"], reason_codes);
    reason_cols.push("投诉工单（笔）".into());
    let mut skus: Vec<&Group> = m
        .groups(Dimension::Sku)
        .filter(|g| g.figures.after_sales > 0)
        .collect();
    skus.sort_by(|a, b| {
        b.figures
            .refund_fen
            .cmp(&a.figures.refund_fen)
            .then_with(|| a.key.cmp(&b.key))
    });
    let sku_codes = &[
        "orders",
        "gmv",
        "after_sales",
        "return_rate",
        "refund_amount",
        "refund_rate",
    ];
    let top_reasons: Vec<&Group> = reasons
        .iter()
        .copied()
        .filter(|g| g.figures.after_sales > 0)
        .take(10)
        .collect();
    Section {
        sheet: "售后指标".into(),
        title: "售后指标".into(),
        notes: vec![
            if m.records.is_empty() && m.total().is_some_and(|t| t.figures.after_sales > 0) {
                // Metrics kept by the workspace carry the groups only.
                "口径见“指标口径”；按售后原因、售后类型统计时，分母为本期全部订单。每个数字背后的售后单与工单（含文件名与行号）在 duizhang reconcile 结果目录的 metrics.json 的 records 中；工作区只保存各组数字。".into()
            } else {
                "口径见“指标口径”；按售后原因、售后类型统计时，分母为本期全部订单。每个数字背后的售后单与工单列在 metrics.json 的 records 中（含文件名与行号）。".into()
            },
        ],
        charts: vec![
            Chart {
                title: "各店铺退款金额（元）".into(),
                kind: ChartKind::Bars,
                unit: "元".into(),
                bars: bars(&shops, "refund_amount"),
            },
            Chart {
                title: "各店铺售后率".into(),
                kind: ChartKind::Bars,
                unit: "%".into(),
                bars: bars(&shops, "after_sale_rate"),
            },
            Chart {
                title: "售后原因（售后单数）".into(),
                kind: ChartKind::Bars,
                unit: "笔".into(),
                bars: bars(&top_reasons, "after_sales"),
            },
        ],
        tables: vec![
            Table {
                title: "按店铺".into(),
                columns: metric_columns(&["店铺"], SHOP_METRICS),
                rows: shop_rows,
                total_row: m.total().is_some(),
            },
            Table {
                title: "按平台".into(),
                columns: metric_columns(&["平台"], SHOP_METRICS),
                rows: platforms
                    .iter()
                    .map(|g| metric_row(g, vec![Cell::text(&g.label)], SHOP_METRICS))
                    .collect(),
                total_row: false,
            },
            Table {
                title: "按售后类型".into(),
                columns: metric_columns(&["售后类型"], kind_codes),
                rows: m
                    .groups(Dimension::Kind)
                    .map(|g| metric_row(g, vec![Cell::text(&g.label)], kind_codes))
                    .collect(),
                total_row: false,
            },
            Table {
                title: "按售后原因".into(),
                columns: reason_cols,
                rows: reason_rows,
                total_row: false,
            },
            Table {
                title: format!("退款金额最多的 {TOP} 个商品"),
                columns: metric_columns(&["商家编码"], sku_codes),
                rows: skus
                    .iter()
                    .take(TOP)
                    .map(|g| metric_row(g, vec![Cell::text(&g.label)], sku_codes))
                    .collect(),
                total_row: false,
            },
        ],
    }
}

fn trends(m: &Metrics, history: &[&Metrics]) -> Section {
    let codes = &[
        "orders",
        "after_sales",
        "after_sale_rate",
        "refund_amount",
        "refund_rate",
        "complaint_rate",
    ];
    let weeks: Vec<&Group> = m.groups(Dimension::Week).collect();
    let mut charts = vec![
        Chart {
            title: "本月各周售后率".into(),
            kind: ChartKind::Columns,
            unit: "%".into(),
            bars: bars(&weeks, "after_sale_rate"),
        },
        Chart {
            title: "本月各周退款金额（元）".into(),
            kind: ChartKind::Columns,
            unit: "元".into(),
            bars: bars(&weeks, "refund_amount"),
        },
    ];
    let mut tables = vec![Table {
        title: "本月按周".into(),
        columns: metric_columns(&["周"], codes),
        rows: weeks
            .iter()
            .map(|g| metric_row(g, vec![Cell::text(&g.label)], codes))
            .collect(),
        total_row: false,
    }];
    let mut months: Vec<(String, &Group)> = history
        .iter()
        .filter_map(|h| Some((period_zh(&h.period), h.total()?)))
        .collect();
    if let Some(t) = m.total() {
        months.push((period_zh(&m.period), t));
    }
    if months.len() > 1 {
        let month_groups: Vec<Group> = months
            .iter()
            .map(|(label, g)| Group {
                label: label.clone(),
                ..(*g).clone()
            })
            .collect();
        let refs: Vec<&Group> = month_groups.iter().collect();
        charts.push(Chart {
            title: "各月售后率".into(),
            kind: ChartKind::Columns,
            unit: "%".into(),
            bars: bars(&refs, "after_sale_rate"),
        });
        charts.push(Chart {
            title: "各月退款金额（元）".into(),
            kind: ChartKind::Columns,
            unit: "元".into(),
            bars: bars(&refs, "refund_amount"),
        });
        tables.push(Table {
            title: "按月".into(),
            columns: metric_columns(&["月份"], codes),
            rows: refs
                .iter()
                .map(|g| metric_row(g, vec![Cell::text(&g.label)], codes))
                .collect(),
            total_row: false,
        });
    }
    Section {
        sheet: "趋势".into(),
        title: "趋势".into(),
        notes: vec!["周按记录自己的日期划分（每月 1–7 日为第一周，依此类推）；按月比较需要给出前几期的结果目录。".into()],
        charts,
        tables,
    }
}

fn largest(inputs: &Inputs<'_>, shop: &dyn Fn(&str) -> String) -> Section {
    let mut findings: Vec<&duizhang_core::Finding> = inputs.findings.iter().collect();
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.diff_fen.map(i64::abs).cmp(&a.diff_fen.map(i64::abs)))
            .then_with(|| a.code.cmp(&b.code))
    });
    let rows = findings
        .iter()
        .take(TOP)
        .map(|f| {
            vec![
                Cell::text(f.severity.zh()),
                Cell::text(lookup(&f.code).map_or(f.code.as_str(), |d| d.zh)),
                Cell::text(f.owner.zh()),
                Cell::text(shop(&f.shop)),
                Cell::text(
                    f.order_no
                        .as_deref()
                        .or(f.refund_no.as_deref())
                        .or(f.txn_no.as_deref())
                        .unwrap_or(""),
                ),
                f.diff_fen.map_or(Cell::Empty, Cell::Money),
                Cell::text(&f.message),
                Cell::text(
                    f.evidence
                        .iter()
                        .map(|e| format!("{} 第{}行", file_name(&e.file), e.line))
                        .collect::<Vec<_>>()
                        .join("；"),
                ),
            ]
        })
        .collect();
    Section {
        sheet: "最大的问题".into(),
        title: format!("最大的问题（按严重程度、差额，前 {TOP} 条）"),
        notes: vec!["全部问题见 findings.xlsx（按财务、客服、仓储分表）。".into()],
        charts: Vec::new(),
        tables: vec![Table {
            title: "问题".into(),
            columns: [
                "严重程度",
                "问题",
                "负责人",
                "店铺",
                "单号",
                "差额（元）",
                "说明",
                "证据",
            ]
            .map(String::from)
            .to_vec(),
            rows,
            total_row: false,
        }],
    }
}

fn definitions(m: &Metrics) -> Section {
    Section {
        sheet: "指标口径".into(),
        title: "指标口径".into(),
        notes: m
            .not_available
            .iter()
            .map(|n| format!("无法计算：{n}"))
            .chain(
                (m.outside_period > 0)
                    .then(|| format!("日期不在本期的记录 {} 条未计入指标。", m.outside_period)),
            )
            .collect(),
        charts: Vec::new(),
        tables: vec![Table {
            title: "指标".into(),
            columns: ["指标", "公式", "单位"].map(String::from).to_vec(),
            rows: m
                .definitions
                .iter()
                .map(|d| {
                    vec![
                        Cell::text(&d.zh),
                        Cell::text(&d.formula),
                        Cell::text(d.unit.zh()),
                    ]
                })
                .collect(),
            total_row: false,
        }],
    }
}

/// The file's own name, without the folders it was read from.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// A count with thousands separators.
fn n(count: impl ToString) -> String {
    thousands(&count.to_string())
}
