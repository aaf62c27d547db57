//! What `dudao summarize` writes: the institutions table (shared by the
//! page, the CSV and the workbook's first sheet), the CSV, and the output
//! directory.

use std::path::{Path, PathBuf};

use super::{Institution, RubricSummary, Summary, collect_files, html, summarize_files, xlsx};

/// What `※` after 合格 means, under the band chart and the table on the
/// page, and as the last row of the CSV and of each sheet that shows the
/// mark (`BAND_NOTE` in summary-model.js). The notice names 优良 and 不合格
/// only; 合格 is dudao's name for the scores in between.
pub const BAND_NOTE: &str = "※ 编者注：通知规定 ≥85 分为优良、<60 分为不合格、存在不合格项记为不合格；“合格”是 dudao 对其间分数段的称呼，非通知用语。";

/// The label of a band id, 合格 marked as ours (see [`BAND_NOTE`]).
pub fn band_name(band: &str) -> &str {
    match band {
        "excellent" => "优良",
        "pass" => "合格※",
        "fail" => "不合格",
        other => other,
    }
}

/// Adds [`BAND_NOTE`] as a last row when a cell shows the mark.
pub fn with_band_note(rows: &mut Vec<Vec<Cell>>) {
    let marked = rows
        .iter()
        .flatten()
        .any(|c| matches!(c, Cell::Text(t) if t.contains("合格※")));
    if marked {
        rows.push(vec![Cell::Text(BAND_NOTE.to_owned())]);
    }
}

/// The band label with the veto note, as on the page and in the workbook.
pub fn band_label(institution: &Institution) -> String {
    let label = band_name(&institution.band);
    if institution.vetoed.is_empty() {
        label.to_owned()
    } else {
        format!("{label}（存在不合格项）")
    }
}

/// Ticked 不合格项 as 第N项 (their place in the rubric), joined with 、.
pub fn veto_label(rubric: &RubricSummary, institution: &Institution) -> String {
    institution
        .vetoed
        .iter()
        .map(
            |id| match rubric.veto_items.iter().position(|v| &v.id == id) {
                Some(n) => format!("第{}项", n + 1),
                None => id.clone(),
            },
        )
        .collect::<Vec<_>>()
        .join("、")
}

/// The institutions table's cells (also the CSV and the workbook's first sheet).
pub const TABLE_COLUMNS: [&str; 13] = [
    "评分表",
    "机构名称",
    "机构备案号",
    "地区",
    "日期",
    "得分",
    "满分",
    "结论",
    "不合格项",
    "已评/评分项",
    "整改完成/整改项",
    "较上次变化",
    "评估次数",
];

/// A workbook or CSV cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

pub fn table_rows(summary: &Summary) -> Vec<Vec<Cell>> {
    let text = |s: &str| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_owned())
        }
    };
    let mut rows = Vec::new();
    for r in &summary.rubrics {
        for i in &r.institutions {
            rows.push(vec![
                text(&r.id),
                text(&i.name),
                text(&i.filing_number),
                text(&i.region),
                text(&i.date),
                Cell::Number(i.total.as_f64()),
                Cell::Number(i.max.as_f64()),
                text(&band_label(i)),
                text(&veto_label(r, i)),
                text(&format!("{}/{}", i.answered, i.criteria)),
                i.rectification
                    .map_or(Cell::Empty, |c| text(&format!("{}/{}", c.done, c.items))),
                i.change.map_or(Cell::Empty, |c| Cell::Number(c.as_f64())),
                Cell::Number(i.timeline.len() as f64),
            ]);
        }
    }
    rows
}

/// The institutions table as CSV: UTF-8 with a BOM, CRLF line ends, RFC 4180
/// quoting, text that Excel would run as a formula prefixed with `'`
/// (docs/assessment.md, "CSV export").
pub fn csv(summary: &Summary) -> String {
    let cell = |c: &Cell| -> String {
        let mut t = match c {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Empty => String::new(),
        };
        if matches!(c, Cell::Text(_)) && t.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            t.insert(0, '\'');
        }
        if t.contains(['"', ',', '\r', '\n']) {
            format!("\"{}\"", t.replace('"', "\"\""))
        } else {
            t
        }
    };
    let mut out = String::from("\u{FEFF}");
    out.push_str(&TABLE_COLUMNS.join(","));
    out.push_str("\r\n");
    let mut rows = table_rows(summary);
    with_band_note(&mut rows);
    for row in rows {
        out.push_str(&row.iter().map(cell).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The files `dudao summarize` writes, by name.
pub const OUTPUT_FILES: [&str; 5] = [
    "index.html",
    "summary.css",
    "summary.xlsx",
    "summary.json",
    "summary.csv",
];

/// Reads `inputs` and writes the summary into `output`: a new or empty
/// directory, or one holding only an earlier summary (whose files are
/// replaced). Anything else there is left alone and the run refused.
pub fn write_output(inputs: &[PathBuf], output: &Path) -> Result<Summary, String> {
    if output.exists() {
        let entries = std::fs::read_dir(output).map_err(|e| {
            format!(
                "{}: cannot read the output directory: {e}",
                output.display()
            )
        })?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !OUTPUT_FILES.contains(&name.as_str()) {
                return Err(format!(
                    "{}: the output directory holds `{name}`, which dudao summarize did not write; choose a new or empty directory (nothing was written)",
                    output.display()
                ));
            }
        }
    }
    let files = collect_files(inputs).map_err(|e| e.to_string())?;
    let summary = summarize_files(&files);
    let xlsx = xlsx::workbook(&summary).map_err(|e| format!("cannot make the workbook: {e}"))?;
    let json = serde_json::to_string_pretty(&summary).expect("the summary always serialises");
    std::fs::create_dir_all(output)
        .map_err(|e| format!("{}: cannot create the directory: {e}", output.display()))?;
    let (page, csv) = (html::page(&summary), csv(&summary));
    let outputs: [(&str, &[u8]); 5] = [
        ("index.html", page.as_bytes()),
        ("summary.css", html::CSS.as_bytes()),
        ("summary.xlsx", &xlsx),
        ("summary.json", json.as_bytes()),
        ("summary.csv", csv.as_bytes()),
    ];
    for (name, bytes) in outputs {
        let path = output.join(name);
        std::fs::write(&path, bytes)
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    }
    Ok(summary)
}
