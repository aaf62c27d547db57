//! Where every line of the workbook goes: the row plan, decided before
//! anything is written so that a subtotal can point at rows below it, and
//! the `A1` addressing every formula is written in.

use super::{COL_ANSWER, COL_SCORE, SHEET_NAME, WorkbookLayout};
use crate::model::Rubric;

/// Row positions, decided before anything is written so that a subtotal can
/// point at rows below it.
pub(super) struct Plan {
    pub(super) header_row: u32,
    pub(super) lines: Vec<Line>,
    pub(super) total_row: u32,
    pub(super) veto_rows: Vec<u32>,
    pub(super) band_row: u32,
    pub(super) reason_row: u32,
    pub(super) progress_row: u32,
    /// One row per signer, after a blank row below the result lines, as
    /// the paper checklist puts them: the result and who signs it together.
    pub(super) signature_rows: std::ops::Range<u32>,
}

pub(super) enum Line {
    Stage {
        row: u32,
        stage: usize,
        /// Rows of this stage's group headings.
        groups: Vec<u32>,
    },
    Group {
        row: u32,
        stage: usize,
        group: usize,
        first: u32,
        last: u32,
    },
    Criterion {
        row: u32,
        stage: usize,
        group: usize,
        row_index: usize,
        criterion: usize,
        number: usize,
    },
}

/// Rows above the table: title, provenance, header fields (two per row),
/// the live result line.
pub(super) fn header_field_rows(rubric: &Rubric) -> u32 {
    rubric.header_fields.len().div_ceil(2) as u32
}

impl Plan {
    pub(super) fn new(rubric: &Rubric) -> Plan {
        // A blank row between the header fields and the live result line,
        // so the last field's ruled line does not merge into the result
        // line's border.
        let header_row = 2 + header_field_rows(rubric) + 2;
        let mut next = header_row + 1;
        let mut lines = Vec::new();
        let mut number = 0;
        for (s, stage) in rubric.stages.iter().enumerate() {
            let stage_line = stage.title.as_ref().map(|_| {
                lines.push(Line::Stage {
                    row: next,
                    stage: s,
                    groups: Vec::new(),
                });
                next += 1;
                lines.len() - 1
            });
            for (g, group) in stage.groups.iter().enumerate() {
                let group_row = next;
                next += 1;
                let first = next;
                let mut criteria = Vec::new();
                for (r, row) in group.rows.iter().enumerate() {
                    for c in 0..row.criteria.len() {
                        number += 1;
                        criteria.push(Line::Criterion {
                            row: next,
                            stage: s,
                            group: g,
                            row_index: r,
                            criterion: c,
                            number,
                        });
                        next += 1;
                    }
                }
                lines.push(Line::Group {
                    row: group_row,
                    stage: s,
                    group: g,
                    first,
                    last: next - 1,
                });
                lines.extend(criteria);
                if let Some(Line::Stage { groups, .. }) = stage_line.map(|i| &mut lines[i]) {
                    groups.push(group_row);
                }
            }
        }
        let total_row = next;
        // A blank row, the veto heading, one row per veto item.
        let veto_count = rubric.veto.as_ref().map_or(0, |v| v.items.len()) as u32;
        let veto_first = total_row + 3;
        let veto_rows = (veto_first..veto_first + veto_count).collect();
        let after_veto = if veto_count > 0 {
            veto_first + veto_count + 1
        } else {
            total_row + 2
        };
        let signature_first = after_veto + 4;
        let signers = rubric.labels.signatures.len() as u32;
        Plan {
            signature_rows: signature_first..signature_first + signers,
            header_row,
            lines,
            total_row,
            veto_rows,
            band_row: after_veto,
            reason_row: after_veto + 1,
            progress_row: after_veto + 2,
        }
    }

    pub(super) fn criterion_rows(&self) -> impl Iterator<Item = u32> + '_ {
        self.lines.iter().filter_map(|line| match line {
            Line::Criterion { row, .. } => Some(*row),
            _ => None,
        })
    }

    /// The cells whose sum is the total: stage subtotals when the rubric has
    /// stages, group subtotals otherwise.
    pub(super) fn top_level_subtotals(&self) -> Vec<u32> {
        let stages: Vec<u32> = self
            .lines
            .iter()
            .filter_map(|line| match line {
                Line::Stage { row, .. } => Some(*row),
                _ => None,
            })
            .collect();
        if !stages.is_empty() {
            return stages;
        }
        self.lines
            .iter()
            .filter_map(|line| match line {
                Line::Group { row, .. } => Some(*row),
                _ => None,
            })
            .collect()
    }

    pub(super) fn layout(&self) -> WorkbookLayout {
        WorkbookLayout {
            header_row: self.header_row,
            criterion_rows: self.criterion_rows().collect(),
            total_cell: cell(self.total_row, COL_SCORE),
            band_cell: cell(self.band_row, COL_ANSWER),
            veto_answer_cells: self
                .veto_rows
                .iter()
                .map(|&r| cell(r, COL_ANSWER))
                .collect(),
        }
    }
}

/// `A1`-style address of a 0-based row and column.
pub(super) fn cell(row: u32, col: u16) -> String {
    format!("{}{}", column_letter(col), row + 1)
}

pub(super) fn column_letter(col: u16) -> char {
    assert!(col < 26, "the workbook uses columns A–Z only");
    char::from(b'A' + col as u8)
}

pub(super) fn absolute(row: u32, col: u16) -> String {
    format!("${}${}", column_letter(col), row + 1)
}

pub(super) fn sheet_ref(range: &str) -> String {
    format!("='{SHEET_NAME}'!{range}")
}

/// `$E$9:$E$60`-style range of one column over the criterion rows.
pub(super) fn column_range(plan: &Plan, col: u16) -> String {
    let rows: Vec<u32> = plan.criterion_rows().collect();
    let (first, last) = (rows[0], rows[rows.len() - 1]);
    format!("{}:{}", absolute(first, col), absolute(last, col))
}
