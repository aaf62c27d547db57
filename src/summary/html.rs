//! The static summary page `dudao summarize` writes: the same sections as
//! the browser's 督导汇总 page (`static/js/summary.js`), readable with no
//! JavaScript, printable on A4 in black and white (bars carry patterns and
//! numbers, heat-map cells carry their values).

use std::fmt::Write as _;

use super::{
    BAND_NOTE, Institution, RubricSummary, Summary, TABLE_COLUMNS, band_label, band_name,
    table_rows,
};
use crate::escape::html_with_apostrophes as escape;
use crate::model::Points;

/// The stylesheet the page links (`summary.css` next to it); the site's
/// summary page uses the same file.
pub const CSS: &str = include_str!("../../themes/default/static/css/summary.css");

pub fn page(summary: &Summary) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'\">\n<title>督导汇总</title>\n<link rel=\"stylesheet\" href=\"summary.css\">\n</head>\n<body>\n<main class=\"summary\" id=\"summary-report\">\n<h1>督导汇总</h1>\n");
    let _ = writeln!(
        h,
        "<p class=\"summary-counts\" data-counts>共读取 {} 个文件：采用 {} 份评估，未采用 {} 个，重复 {} 个。由 <code>dudao summarize</code> 生成；评分规则与站点评分页相同。</p>",
        summary.files.read,
        summary.files.accepted,
        summary.files.refused.len(),
        summary.files.duplicates.len()
    );
    h.push_str(&institutions_table(summary));
    for (index, rubric) in summary.rubrics.iter().enumerate() {
        h.push_str(&rubric_section(rubric, index));
    }
    h.push_str(&problems(summary));
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn institutions_table(summary: &Summary) -> String {
    let mut h = String::from(
        "<section class=\"summary-section\" aria-labelledby=\"summary-table-title\">\n<h2 id=\"summary-table-title\">机构一览</h2>\n<p class=\"summary-note\">每家机构按同一评分表的最近一次评估计；“较上次变化”是与其上一次同表评估相比的得分变化。</p>\n<div class=\"summary-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"机构一览\"><table class=\"summary-table\" data-table>\n<thead><tr>",
    );
    for column in TABLE_COLUMNS {
        let _ = write!(h, "<th scope=\"col\">{}</th>", escape(column));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let institutions = summary
        .rubrics
        .iter()
        .flat_map(|r| r.institutions.iter().map(move |i| (r, i)));
    for ((rubric, inst), cells) in institutions.zip(table_rows(summary)) {
        let _ = write!(
            h,
            "<tr data-institution=\"{}\" data-band=\"{}\">",
            escape(&inst.key),
            escape(&inst.band)
        );
        for (c, cell) in cells.iter().enumerate() {
            let value = match cell {
                super::Cell::Text(t) => escape(t),
                super::Cell::Number(n) if c == 11 && *n > 0.0 => format!("+{n}"),
                super::Cell::Number(n) => n.to_string(),
                super::Cell::Empty => String::new(),
            };
            if c == 1 {
                let _ = write!(
                    h,
                    "<th scope=\"row\"><a href=\"#{}\">{}</a></th>",
                    anchor(rubric, inst),
                    value
                );
            } else {
                let _ = write!(h, "<td>{value}</td>");
            }
        }
        h.push_str("</tr>\n");
    }
    let _ = write!(
        h,
        "</tbody></table></div>\n<p class=\"summary-note ours\" data-band-note>{}</p>\n</section>\n",
        escape(BAND_NOTE)
    );
    h
}

fn anchor(rubric: &RubricSummary, inst: &Institution) -> String {
    let key: String = inst
        .key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("inst-{}-{}-{}", rubric.sheet, key, inst.id)
}

fn band_rows(rubric: &RubricSummary) -> Vec<(&'static str, String, usize)> {
    let min = |id: &str| {
        rubric
            .bands_defined
            .iter()
            .find(|b| b.id == id)
            .map(|b| b.min)
    };
    let excellent = min("excellent").unwrap_or(Points(170));
    let pass = min("pass").unwrap_or(Points(120));
    let below = |p: Points| Points(p.0.saturating_sub(1));
    let count = |k: &str| rubric.bands.get(k).copied().unwrap_or(0);
    vec![
        (
            "excellent",
            format!("优良（≥{excellent} 分）"),
            count("excellent"),
        ),
        (
            "pass",
            format!("合格※（{pass}–{} 分）", below(excellent)),
            count("pass"),
        ),
        ("fail", format!("不合格（<{pass} 分）"), count("fail")),
        (
            "fail-veto",
            "不合格（存在不合格项）".to_owned(),
            count("fail-veto"),
        ),
    ]
}

/// The band distribution as SVG: one bar per band, each with its own
/// pattern and its count written beside it, so it reads in black and white.
fn band_chart(rubric: &RubricSummary, index: usize) -> String {
    let rows = band_rows(rubric);
    let total: usize = rows.iter().map(|r| r.2).sum();
    let most = rows.iter().map(|r| r.2).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (200.0, 300.0, 34.0);
    let height = row_h * rows.len() as f64 + 8.0;
    let p = format!("b{index}");
    let mut h = format!(
        "<svg class=\"summary-chart\" viewBox=\"0 0 640 {height}\" width=\"640\" height=\"{height}\" role=\"img\" aria-labelledby=\"{p}-title\"><title id=\"{p}-title\">分档分布：{}</title>\n<defs>\
<pattern id=\"{p}-pass\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#fff\"/><rect width=\"3\" height=\"8\" fill=\"#333\"/></pattern>\
<pattern id=\"{p}-fail\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"#fff\"/><circle cx=\"4\" cy=\"4\" r=\"2\" fill=\"#333\"/></pattern>\
<pattern id=\"{p}-fail-veto\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"#fff\"/><path d=\"M0 0L8 8M8 0L0 8\" stroke=\"#000\" stroke-width=\"1.5\"/></pattern>\
</defs>\n",
        rows.iter()
            .map(|r| format!("{} {} 家", r.1, r.2))
            .collect::<Vec<_>>()
            .join("，")
    );
    for (i, (key, label, count)) in rows.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let w = bar_w * *count as f64 / most as f64;
        let fill = if *key == "excellent" {
            "#333".to_owned()
        } else {
            format!("url(#{p}-{key})")
        };
        let share = if total == 0 {
            0.0
        } else {
            (*count as f64) * 100.0 / total as f64
        };
        let _ = writeln!(
            h,
            "<g data-band-bar=\"{key}\" data-count=\"{count}\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{fill}\" stroke=\"#000\"/><text x=\"{:.1}\" y=\"{}\">{count} 家（{share:.1}%）</text></g>",
            label_w - 8.0,
            y + 19.0,
            escape(label),
            row_h - 10.0,
            label_w + w + 8.0,
            y + 19.0
        );
    }
    h.push_str("</svg>");
    h
}

/// Heat-map level 0–4 of `lost` out of `max` half points.
fn level(lost: i64, max: i64) -> i64 {
    if lost <= 0 || max <= 0 {
        0
    } else {
        ((lost * 4 + max - 1) / max).clamp(1, 4)
    }
}

fn rubric_section(rubric: &RubricSummary, index: usize) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<section class=\"summary-section summary-rubric\" data-rubric=\"{}\" aria-labelledby=\"r{index}-title\">\n<h2 id=\"r{index}-title\">{}（{}）</h2>\n<p class=\"summary-note\">{} 家机构，{} 份评估。内容校验值 <code>{}</code>。</p>\n",
        escape(&rubric.id),
        escape(&rubric.title),
        escape(&rubric.id),
        rubric.institutions.len(),
        rubric.assessments,
        escape(&rubric.content_hash)
    );
    let _ = write!(
        h,
        "<h3>分档分布</h3>\n<figure class=\"summary-figure\">{}<figcaption>{}</figcaption></figure>\n",
        band_chart(rubric, index),
        escape(BAND_NOTE)
    );
    // Heat map: institutions × indicators, points lost.
    let mut indicator_max: Vec<i64> = vec![0; rubric.indicators.len()];
    for c in &rubric.criteria {
        if let Some(j) = rubric
            .indicators
            .iter()
            .position(|i| i.number == c.indicator)
        {
            indicator_max[j] += i64::from(c.points.halves());
        }
    }
    let _ = write!(
        h,
        "<h3>各指标失分（热力图）</h3>\n<p class=\"summary-note\">每格为该机构在该二级指标（按评分项所在行的第一个指标归类）上失去的分数；底色越深失分占该指标分值越多，数字即失分，黑白打印同样可读。</p>\n<div class=\"summary-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{} 各指标失分热力图\"><table class=\"summary-heat\" data-heat=\"{}\"><thead><tr><th scope=\"col\">机构</th>",
        escape(&rubric.id),
        escape(&rubric.id)
    );
    for (ind, max) in rubric.indicators.iter().zip(&indicator_max) {
        let _ = write!(
            h,
            "<th scope=\"col\" data-indicator=\"{}\">指标{}<br><small>({}分)</small></th>",
            ind.number,
            ind.number,
            super::Halves(*max)
        );
    }
    h.push_str("</tr></thead><tbody>\n");
    for inst in &rubric.institutions {
        let _ = write!(
            h,
            "<tr data-institution=\"{}\"><th scope=\"row\">{}</th>",
            escape(&inst.key),
            escape(&inst.name)
        );
        for (j, lost) in inst.lost_by_indicator.iter().enumerate() {
            let ind = rubric.indicators[j].number;
            let _ = write!(
                h,
                "<td class=\"h{}\" data-indicator=\"{ind}\" data-lost=\"{lost}\">{}</td>",
                level(lost.0, indicator_max[j]),
                if lost.0 == 0 {
                    String::new()
                } else {
                    lost.to_string()
                }
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody><tfoot><tr><th scope=\"row\">合计失分</th>");
    for ind in &rubric.indicators {
        let _ = write!(
            h,
            "<td data-indicator=\"{}\">{}</td>",
            ind.number, ind.lost_points
        );
    }
    h.push_str("</tr></tfoot></table></div>\n");
    // Criteria most often lost.
    h.push_str("<h3>失分最多的评分项</h3>\n<ol class=\"summary-lost\">\n");
    for (rank, id) in rubric.most_lost.iter().take(10).enumerate() {
        if let Some(c) = rubric.criteria.iter().find(|c| &c.id == id) {
            let _ = writeln!(
                h,
                "<li data-criterion=\"{}\" data-rank=\"{}\"><strong>{} 家失分</strong>，共失 {} 分 · 指标{} · {}：{}（{} 分）</li>",
                escape(&c.id),
                rank + 1,
                c.lost_count,
                c.lost_points,
                c.indicator,
                escape(&c.row),
                escape(&c.text),
                c.points
            );
        }
    }
    h.push_str("</ol>\n<h3 class=\"summary-details-title\">机构明细</h3>\n");
    for inst in &rubric.institutions {
        let _ = write!(
            h,
            "<details class=\"summary-detail\" id=\"{}\"><summary>{}　{} 分 · {}</summary>\n<table class=\"summary-timeline\"><thead><tr><th scope=\"col\">日期</th><th scope=\"col\">得分</th><th scope=\"col\">结论</th><th scope=\"col\">文件</th></tr></thead><tbody>",
            anchor(rubric, inst),
            escape(&inst.name),
            inst.total,
            escape(&band_label(inst))
        );
        for t in &inst.timeline {
            let band = match t.band.as_str() {
                "excellent" | "pass" => band_name(&t.band),
                _ => "不合格",
            };
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                escape(&t.date),
                t.total,
                band,
                if t.vetoed {
                    "（存在不合格项）"
                } else {
                    ""
                },
                escape(&t.file)
            );
        }
        h.push_str("</tbody></table>");
        if !inst.vetoed.is_empty() {
            h.push_str("<ul class=\"summary-veto\">");
            for id in &inst.vetoed {
                match rubric.veto_items.iter().position(|v| &v.id == id) {
                    Some(n) => {
                        let _ = write!(
                            h,
                            "<li>不合格项第{}项：{}</li>",
                            n + 1,
                            escape(&rubric.veto_items[n].text)
                        );
                    }
                    None => {
                        let _ = write!(h, "<li>不合格项：{}</li>", escape(id));
                    }
                }
            }
            h.push_str("</ul>");
        }
        if let Some(before) = &inst.previous_lost_by_indicator {
            let changed: Vec<_> = rubric
                .indicators
                .iter()
                .zip(before.iter().zip(&inst.lost_by_indicator))
                .filter(|(_, (b, n))| b != n)
                .collect();
            if changed.is_empty() {
                h.push_str("<p>各指标失分与上次相同。</p>");
            } else {
                h.push_str("<table class=\"summary-timeline\" data-changes><caption>与上次相比失分有变化的指标</caption><thead><tr><th scope=\"col\">指标</th><th scope=\"col\">上次失分</th><th scope=\"col\">本次失分</th></tr></thead><tbody>");
                for (ind, (b, n)) in changed {
                    let _ = write!(
                        h,
                        "<tr data-indicator=\"{0}\"><th scope=\"row\">指标{0}</th><td>{b}</td><td>{n}</td></tr>",
                        ind.number
                    );
                }
                h.push_str("</tbody></table>");
            }
        }
        h.push_str("</details>\n");
    }
    h.push_str("</section>\n");
    h
}

fn problems(summary: &Summary) -> String {
    if summary.files.refused.is_empty() && summary.files.duplicates.is_empty() {
        return String::new();
    }
    let mut h = String::from(
        "<section class=\"summary-section\" aria-labelledby=\"summary-problems-title\">\n<h2 id=\"summary-problems-title\">未采用的文件</h2>\n<table class=\"summary-problems\"><thead><tr><th scope=\"col\">文件</th><th scope=\"col\">原因</th><th scope=\"col\">说明</th></tr></thead><tbody>\n",
    );
    for r in &summary.files.refused {
        let kind = serde_json::to_value(r.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr data-refused=\"{}\"><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&kind),
            escape(&r.file),
            kind_label(&kind),
            escape(&r.reason)
        );
    }
    for d in &summary.files.duplicates {
        let _ = writeln!(
            h,
            "<tr data-refused=\"duplicate\"><td>{}</td><td>重复</td><td>{}</td></tr>",
            escape(&d.file),
            escape(&d.reason)
        );
    }
    h.push_str("</tbody></table>\n</section>\n");
    h
}

/// The Chinese name of a refusal kind (the same words as the browser page).
pub fn kind_label(kind: &str) -> &'static str {
    match kind {
        "io" => "无法读取",
        "too-large" => "文件过大",
        "not-json" => "不是有效的 JSON",
        "not-assessment" => "不是评估文件",
        "old-version" => "第 1 版文件",
        "future-version" => "版本过新",
        "schema" => "内容不符合格式",
        "tampered" => "已被改动",
        "invalid-rubric" => "评分表无效",
        _ => "其他",
    }
}
