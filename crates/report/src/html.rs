//! The report as one self-contained HTML page: inline CSS and SVG, Chinese labels, laid out to
//! print on A4 (each section starts a page; tables repeat their header).

use std::fmt::Write;

use crate::model::{Cell, Report, Table};

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: 'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif;
  color: #222; margin: 24px auto; max-width: 1100px; padding: 0 16px; font-size: 14px; line-height: 1.5; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 2px solid #2f6db5; padding-bottom: 4px; margin-top: 32px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p.note { color: #555; margin: 4px 0; }
nav { margin: 8px 0 16px; color: #555; }
nav a { color: #2f6db5; text-decoration: none; margin-right: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid #c8d0da; padding: 4px 6px; vertical-align: top; }
th { background: #e8eef6; font-weight: bold; text-align: center; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.short { white-space: nowrap; }
td.worse { color: #c0392b; }
td.better { color: #1e7e34; }
tr.total td { font-weight: bold; background: #f4f6f9; }
.charts { display: flex; flex-wrap: wrap; gap: 8px 24px; }
.charts svg { max-width: 100%; height: auto; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  nav { display: none; }
  section { break-before: page; }
  section:first-of-type { break-before: auto; }
  table { font-size: 10px; }
  thead { display: table-header-group; }
  tr, svg { break-inside: avoid; }
  .charts svg { width: 48%; }
}
"#;

fn table(out: &mut String, t: &Table) {
    let _ = write!(out, "<h3>{}</h3>", escape(&t.title));
    if t.rows.is_empty() {
        out.push_str("<p class=\"note\">（无）</p>");
        return;
    }
    out.push_str("<table><thead><tr>");
    for c in &t.columns {
        let _ = write!(out, "<th>{}</th>", escape(c));
    }
    out.push_str("</tr></thead><tbody>");
    let last = t.rows.len() - 1;
    for (i, row) in t.rows.iter().enumerate() {
        out.push_str(if t.total_row && i == last {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for cell in row {
            let class = match cell {
                Cell::Change(_, true) => " class=\"num worse\"",
                Cell::Change(t, false) if t != "—" && !t.starts_with('0') => {
                    " class=\"num better\""
                }
                c if c.numeric() => " class=\"num\"",
                Cell::Text(t) if t.chars().count() <= 8 => " class=\"short\"",
                _ => "",
            };
            let _ = write!(out, "<td{class}>{}</td>", escape(&cell.display()));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The whole page.
pub fn page(r: &Report) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{STYLE}</style></head><body><h1>{t}</h1><nav>",
        t = escape(&r.title)
    );
    for (i, s) in r.sections.iter().enumerate() {
        let _ = write!(out, "<a href=\"#s{i}\">{}</a>", escape(&s.sheet));
    }
    out.push_str("</nav>");
    for (i, s) in r.sections.iter().enumerate() {
        let _ = write!(out, "<section id=\"s{i}\"><h2>{}</h2>", escape(&s.title));
        for n in &s.notes {
            let _ = write!(out, "<p class=\"note\">{}</p>", escape(n));
        }
        let charts: Vec<String> = s
            .charts
            .iter()
            .map(crate::svg::chart)
            .filter(|c| !c.is_empty())
            .collect();
        if !charts.is_empty() {
            out.push_str("<div class=\"charts\">");
            for c in charts {
                out.push_str(&c);
            }
            out.push_str("</div>");
        }
        for t in &s.tables {
            table(&mut out, t);
        }
        out.push_str("</section>");
    }
    out.push_str("</body></html>\n");
    out
}
