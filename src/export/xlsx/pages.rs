//! Where the printed pages break. Left to itself a spreadsheet application
//! breaks wherever a page is full: a group heading ends up alone at the foot
//! of a page, or the signature lines alone on the last one. So the workbook
//! prints at a fixed scale (fit-to-page would make Excel ignore manual
//! breaks) and carries its own row breaks, computed from the row heights it
//! wrote, always a little before the application would break by itself.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::plan::{Line, Plan};
use super::{LAST_PRINTED_COL, WIDTHS};

/// Height in points of a row the workbook leaves at the default (18 px).
const DEFAULT_ROW_HEIGHT: f64 = 13.5;

/// A4 in points, and the margins `page_setup` sets (inches × 72).
const PAPER_WIDTH: f64 = 595.3;
const PAPER_HEIGHT: f64 = 841.9;
pub(super) const MARGIN_SIDE: f64 = 0.5;
pub(super) const MARGIN_TOP: f64 = 0.6;
pub(super) const MARGIN_BOTTOM: f64 = 0.6;

/// Share of a page the breaks plan to fill: applications measure fonts and
/// borders a little differently, and an automatic break they add before
/// ours would undo the plan.
const FILL: f64 = 0.93;

/// Row heights as written, kept to plan the page breaks.
#[derive(Default)]
pub(super) struct Heights(BTreeMap<u32, f64>);

impl Heights {
    pub(super) fn set(
        &mut self,
        sheet: &mut Worksheet,
        row: u32,
        height: impl Into<f64>,
    ) -> Result<(), XlsxError> {
        let height = height.into();
        sheet.set_row_height(row, height)?;
        self.0.insert(row, height);
        Ok(())
    }

    fn of(&self, row: u32) -> f64 {
        self.0.get(&row).copied().unwrap_or(DEFAULT_ROW_HEIGHT)
    }
}

/// Print scale in percent that fits the printed columns across A4 portrait
/// in every application we know of. The width of a column is counted in
/// digit widths of the default font: Excel with 宋体 11 draws a digit 8 px
/// (6 pt) wide, but LibreOffice without 宋体 falls back to DejaVu Sans,
/// whose digit is 7 pt; the wider one decides.
pub(super) fn print_scale() -> u16 {
    // rust_xlsxwriter stores every width 0.625 digit wider (Excel's padding).
    let digits: f64 = WIDTHS[..=usize::from(LAST_PRINTED_COL)]
        .iter()
        .map(|(_, w)| w + 0.625)
        .sum();
    let printable = PAPER_WIDTH - 2.0 * 72.0 * MARGIN_SIDE;
    // Two points short of the exact fit, for the same reason as FILL.
    ((printable / (digits * 7.0)) * 100.0 - 2.0).floor() as u16
}

/// The rows before which a page starts, for a sheet whose printed rows are
/// `0..=last_row`, with `plan.header_row` repeated on every page.
pub(super) fn page_breaks(
    plan: &Plan,
    heights: &Heights,
    notes_heading: Option<u32>,
    last_row: u32,
    scale: u16,
) -> Vec<u32> {
    let capacity =
        (PAPER_HEIGHT - 72.0 * (MARGIN_TOP + MARGIN_BOTTOM)) * 100.0 / f64::from(scale) * FILL;
    let glued = glued_to_next(plan, notes_heading, last_row);
    let repeat = heights.of(plan.header_row);
    let mut breaks = Vec::new();
    let mut used = 0.0;
    let mut start = 0;
    while start <= last_row {
        // The run of rows that must share a page with `start`.
        let mut end = start;
        while end < last_row && glued[end as usize] {
            end += 1;
        }
        let run: f64 = (start..=end).map(|r| heights.of(r)).sum();
        let fresh = if breaks.is_empty() { 0.0 } else { repeat };
        if used + run <= capacity || used <= fresh {
            used += run;
        } else if fresh + run <= capacity {
            breaks.push(start);
            used = fresh + run;
        } else {
            // Longer than a page: break it where the page is full.
            for r in start..=end {
                let h = heights.of(r);
                if used + h > capacity && used > fresh {
                    breaks.push(r);
                    used = repeat;
                }
                used += h;
            }
        }
        start = end + 1;
    }
    breaks
}

/// For each row, whether no page may break between it and the next one.
fn glued_to_next(plan: &Plan, notes_heading: Option<u32>, last_row: u32) -> Vec<bool> {
    let mut glued = vec![false; last_row as usize + 1];
    // The title and header fields stay with the table's first rows.
    for g in glued.iter_mut().take(plan.header_row as usize + 1) {
        *g = true;
    }
    let mut previous: Option<(usize, usize, usize, u32)> = None;
    for line in &plan.lines {
        match *line {
            // A heading is never the last line of a page.
            Line::Stage { row, .. } | Line::Group { row, .. } => glued[row as usize] = true,
            // The criteria of one 二级指标 stay together.
            Line::Criterion {
                row,
                stage,
                group,
                row_index,
                ..
            } => {
                if let Some((s, g, r, prev)) = previous
                    && (s, g, r) == (stage, group, row_index)
                {
                    glued[prev as usize] = true;
                }
                previous = Some((stage, group, row_index, row));
            }
        }
    }
    // The last criterion, the total, the 不合格项 table, the result and the
    // signatures: one block, so that the signatures always share a page
    // with rows of the form.
    let last_criterion = plan.criterion_rows().last().unwrap_or(plan.header_row);
    let last_signature = plan
        .signature_rows
        .clone()
        .last()
        .unwrap_or(plan.progress_row);
    for g in &mut glued[last_criterion as usize..last_signature as usize] {
        *g = true;
    }
    // The 备注 heading stays with the first note.
    if let Some(heading) = notes_heading {
        glued[heading as usize] = true;
    }
    glued
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(row: u32, group: usize) -> Line {
        Line::Criterion {
            row,
            stage: 0,
            group,
            row_index: row as usize,
            criterion: 0,
            number: row as usize,
        }
    }

    fn group(row: u32, group: usize, first: u32, last: u32) -> Line {
        Line::Group {
            row,
            stage: 0,
            group,
            first,
            last,
        }
    }

    /// Heading row 0, group 1 over criteria 2–11, group 12 over criteria
    /// 13–22, 总分 23, result lines 25–27, signatures 29–30, 备注 32–33.
    fn plan() -> (Plan, Heights) {
        let mut lines = vec![group(1, 0, 2, 11)];
        lines.extend((2..=11).map(|r| criterion(r, 0)));
        lines.push(group(12, 1, 13, 22));
        lines.extend((13..=22).map(|r| criterion(r, 1)));
        let plan = Plan {
            header_row: 0,
            lines,
            total_row: 23,
            veto_rows: Vec::new(),
            band_row: 25,
            reason_row: 26,
            progress_row: 27,
            signature_rows: 29..31,
        };
        let mut heights = Heights::default();
        heights.0.insert(0, 30.0);
        for row in (2..=11).chain(13..=22) {
            heights.0.insert(row, 60.0);
        }
        for row in [1, 12, 23] {
            heights.0.insert(row, 20.0);
        }
        (plan, heights)
    }

    #[test]
    fn a_heading_that_fits_without_its_first_row_goes_to_the_next_page() {
        let (plan, heights) = plan();
        // At 100 % a page holds 702 pt: the heading row, group 1 and its ten
        // criteria take 650; group 2's heading would fit, its first row not.
        let breaks = page_breaks(&plan, &heights, Some(32), 33, 100);
        assert_eq!(breaks[0], 12);
    }

    #[test]
    fn the_signatures_travel_with_the_last_criterion_total_and_result() {
        let (plan, heights) = plan();
        assert_eq!(
            page_breaks(&plan, &heights, Some(32), 33, 100),
            vec![12, 22]
        );
    }

    #[test]
    fn the_scale_fits_the_printed_columns_across_a4_in_dejavu_digits() {
        let scale = f64::from(print_scale());
        let digits: f64 = WIDTHS[..=usize::from(LAST_PRINTED_COL)]
            .iter()
            .map(|(_, w)| w + 0.625)
            .sum();
        assert!(digits * 7.0 * scale / 100.0 <= PAPER_WIDTH - 72.0);
        assert!(scale >= 55.0, "{scale} %: too small to read");
    }
}
