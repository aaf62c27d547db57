//! The summary workbook: a 汇总 sheet (the institutions table), one sheet per
//! rubric (institutions × criteria scores) and 指标失分 (points lost per
//! indicator). The browser writes the same cells by hand
//! (`summary-model.js` `workbookSheets`); tests/browser/summary.test.mjs
//! reads both with openpyxl and compares them.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

use super::{Cell, Summary, TABLE_COLUMNS, band_label, table_rows, with_band_note};

/// Every sheet as (name, rows of cells), in workbook order.
pub fn sheets(summary: &Summary) -> Vec<(String, Vec<Vec<Cell>>)> {
    let text = |s: &str| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s.to_owned())
        }
    };
    let head = |names: &[&str]| names.iter().map(|n| text(n)).collect::<Vec<_>>();
    let mut table = vec![head(&TABLE_COLUMNS)];
    table.extend(table_rows(summary));
    with_band_note(&mut table);
    let mut out = vec![("汇总".to_owned(), table)];
    for r in &summary.rubrics {
        let mut first = head(&["机构名称", "机构备案号", "日期", "得分", "结论"]);
        first.extend(
            r.criteria
                .iter()
                .map(|c| text(&format!("{}（{}分）", c.id, c.points))),
        );
        let mut rows = vec![first];
        for i in &r.institutions {
            let mut row = vec![
                text(&i.name),
                text(&i.filing_number),
                text(&i.date),
                Cell::Number(i.total.as_f64()),
                text(&band_label(i)),
            ];
            row.extend(
                i.scores
                    .iter()
                    .map(|s| s.map_or(Cell::Empty, |h| Cell::Number(h.as_f64()))),
            );
            rows.push(row);
        }
        with_band_note(&mut rows);
        out.push((r.sheet.clone(), rows));
    }
    let mut lost = vec![head(&[
        "评分表",
        "指标",
        "失分合计",
        "失分机构数",
        "机构数",
    ])];
    for r in &summary.rubrics {
        for ind in &r.indicators {
            lost.push(vec![
                text(&r.id),
                Cell::Number(f64::from(ind.number)),
                Cell::Number(ind.lost_points.as_f64()),
                Cell::Number(ind.institutions_losing as f64),
                Cell::Number(r.institutions.len() as f64),
            ]);
        }
    }
    out.push(("指标失分".to_owned(), lost));
    out
}

/// The .xlsx bytes.
pub fn workbook(summary: &Summary) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // A fixed creation time: the same files give the same bytes.
    book.set_properties(
        &DocProperties::new()
            .set_title("督导汇总")
            .set_author("dudao")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2024, 1, 1)?),
    );
    let bold = Format::new().set_bold();
    for (name, rows) in sheets(summary) {
        let sheet = book.add_worksheet();
        sheet.set_name(&name)?;
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match cell {
                    Cell::Text(t) if r == 0 => {
                        sheet.write_string_with_format(r, c, t, &bold)?;
                    }
                    Cell::Text(t) => {
                        sheet.write_string(r, c, t)?;
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, c, *n)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(1, 0)?;
    }
    book.save_to_buffer()
}
