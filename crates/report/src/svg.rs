//! Charts as inline SVG, drawn on the server: no script, prints as it shows.

use std::fmt::Write;

use crate::html::escape;
use crate::model::{Chart, ChartKind};

const WIDTH: i64 = 640;
const FONT: &str = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC','WenQuanYi Micro Hei',sans-serif";
const BAR_COLOR: &str = "#2f6db5";
const NEGATIVE_COLOR: &str = "#c0392b";

/// The chart as an `<svg>` element; an empty string when it has nothing to show.
pub fn chart(c: &Chart) -> String {
    if c.bars.is_empty() {
        return String::new();
    }
    match c.kind {
        ChartKind::Bars => bars(c),
        ChartKind::Columns => columns(c),
    }
}

/// Bars scaled to the largest magnitude; `len` of `span` pixels.
fn scaled(value: i64, max: i64, span: i64) -> i64 {
    if max == 0 {
        return 0;
    }
    (i128::from(value.abs()) * i128::from(span) / i128::from(max))
        .try_into()
        .unwrap_or(span)
}

/// Shortens a label to `chars` characters, with an ellipsis.
fn clip(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let mut t: String = text.chars().take(chars.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn bars(c: &Chart) -> String {
    let row = 28;
    let label_w = 250;
    let value_w = 120;
    let top = 34;
    let height = top + row * i64::try_from(c.bars.len()).unwrap_or(0) + 10;
    let span = WIDTH - label_w - value_w;
    let max = c.bars.iter().map(|b| b.value.abs()).max().unwrap_or(0);
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{t}" font-family="{FONT}"><text x="0" y="20" font-size="15" font-weight="bold" fill="#222">{t}</text>"##,
        t = escape(&c.title)
    );
    for (i, b) in c.bars.iter().enumerate() {
        let y = top + row * i64::try_from(i).unwrap_or(0);
        let w = scaled(b.value, max, span).max(if b.value == 0 { 0 } else { 2 });
        let color = if b.value < 0 {
            NEGATIVE_COLOR
        } else {
            BAR_COLOR
        };
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" font-size="13" text-anchor="end" fill="#333">{label}</text><rect x="{label_w}" y="{ry}" width="{w}" height="18" fill="{color}"/><text x="{vx}" y="{ty}" font-size="13" fill="#222">{text}</text>"##,
            lx = label_w - 8,
            ty = y + 14,
            ry = y + 1,
            vx = label_w + w + 6,
            label = escape(&clip(&b.label, 16)),
            text = escape(&b.text),
        );
    }
    s.push_str("</svg>");
    s
}

fn columns(c: &Chart) -> String {
    let height = 260;
    let top = 50;
    let bottom = 40;
    let left = 20;
    let n = i64::try_from(c.bars.len()).unwrap_or(1).max(1);
    let slot = (WIDTH - left * 2) / n;
    let bar_w = (slot * 3 / 5).min(90);
    let span = height - top - bottom;
    let max = c.bars.iter().map(|b| b.value.abs()).max().unwrap_or(0);
    let base = height - bottom;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" aria-label="{t}" font-family="{FONT}"><text x="0" y="20" font-size="15" font-weight="bold" fill="#222">{t}</text><line x1="{left}" y1="{base}" x2="{x2}" y2="{base}" stroke="#888" stroke-width="1"/>"##,
        t = escape(&c.title),
        x2 = WIDTH - left,
    );
    for (i, b) in c.bars.iter().enumerate() {
        let cx = left + slot * i64::try_from(i).unwrap_or(0) + slot / 2;
        let h = scaled(b.value, max, span).max(if b.value == 0 { 0 } else { 2 });
        let color = if b.value < 0 {
            NEGATIVE_COLOR
        } else {
            BAR_COLOR
        };
        let _ = write!(
            s,
            r##"<rect x="{x}" y="{y}" width="{bar_w}" height="{h}" fill="{color}"/><text x="{cx}" y="{vy}" font-size="13" text-anchor="middle" fill="#222">{text}</text><text x="{cx}" y="{ly}" font-size="13" text-anchor="middle" fill="#333">{label}</text>"##,
            x = cx - bar_w / 2,
            y = base - h,
            vy = base - h - 6,
            ly = base + 20,
            label = escape(&clip(&b.label, 12)),
            text = escape(&b.text),
        );
    }
    s.push_str("</svg>");
    s
}
