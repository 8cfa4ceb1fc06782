//! docs/report.md lists every metric with the formula the code uses.

use duizhang_metrics::METRICS;

#[test]
fn the_user_docs_list_each_metric_with_its_formula_and_unit() {
    let docs = include_str!("../../../docs/report.md");
    for m in METRICS {
        let row = format!("| {} | {} | {} |", m.zh, m.formula, m.unit.zh());
        assert!(docs.contains(&row), "docs/report.md lacks the row: {row}");
    }
    let rows = docs
        .lines()
        .skip_while(|l| !l.starts_with("| 指标 | 公式 | 单位 |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .count();
    assert_eq!(
        rows,
        METRICS.len(),
        "docs/report.md lists a metric the code lacks"
    );
}
