//! `dudao summarize`: many assessment files → one provincial summary
//! (docs/summary.md). The aggregates are the same document the browser's
//! 督导汇总 page builds (`static/js/summary-model.js`), field for field:
//! tests/browser/summary.test.mjs compares them.
//!
//! Files are read one at a time and only a record of each is kept (scores
//! per criterion, header fields that identify the institution), so memory
//! grows with the number of files, not with their size.

mod aggregates;
pub mod html;
mod output;
pub mod xlsx;

pub use aggregates::*;
pub use output::{
    BAND_NOTE, Cell, OUTPUT_FILES, TABLE_COLUMNS, band_label, band_name, csv, table_rows,
    veto_label, with_band_note, write_output,
};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::assessment::{Assessment, ReadError, Reader};
use crate::model::Rubric;

/// What is kept of one accepted file.
struct Record {
    file: String,
    id: String,
    stamp: String,
    rubric: Arc<Rubric>,
    name: String,
    filing: String,
    region: String,
    date: String,
    total: u32,
    max: u32,
    band: String,
    vetoed: Vec<String>,
    answered: u32,
    count: u32,
    rectification: Option<RectificationCount>,
    /// Half points per criterion in table order; `None` unanswered.
    scores: Vec<Option<u32>>,
}

/// Every file to read: files as given, and under each directory every
/// `*.json` (recursively), sorted so the summary does not depend on the
/// order of the arguments or of the file system.
pub fn collect_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    let mut files = Vec::new();
    for input in inputs {
        if input.is_dir() {
            for entry in walkdir::WalkDir::new(input).sort_by_file_name() {
                let entry = entry.map_err(|e| ReadError {
                    path: input.clone(),
                    kind: crate::assessment::ErrorKind::Io,
                    message: format!("cannot list the directory: {e}"),
                })?;
                let is_json = entry
                    .path()
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"));
                if entry.file_type().is_file() && is_json {
                    files.push(entry.into_path());
                }
            }
        } else if input.exists() {
            files.push(input.clone());
        } else {
            return Err(ReadError {
                path: input.clone(),
                kind: crate::assessment::ErrorKind::Io,
                message: "no such file or directory".to_owned(),
            });
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Reads every file and adds them up. Refused files are listed, never fatal.
pub fn summarize_files(files: &[PathBuf]) -> Summary {
    let mut reader = Reader::new();
    let mut records = Vec::new();
    let mut refused = Vec::new();
    for path in files {
        match reader.read_path(path) {
            Ok(assessment) => records.push(record(path, assessment)),
            Err(e) => refused.push(Refused {
                file: show(path),
                kind: e.kind,
                reason: e.message,
            }),
        }
    }
    summarize(records, refused)
}

fn show(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

const NAME_FIELD: [&str; 2] = ["机构名称", "单位名称"];
const FILING_FIELD: [&str; 1] = ["备案号"];
const DATE_FIELD: [&str; 1] = ["日期"];
const REGION_FIELD: [&str; 4] = ["地区", "区域", "所在地", "行政区"];

/// The first header field whose name contains one of `words`, trimmed.
fn header_field(a: &Assessment, words: &[&str]) -> String {
    a.rubric
        .header_fields
        .iter()
        .find(|f| words.iter().any(|w| f.contains(w)))
        .and_then(|f| a.header.get(f))
        .map_or_else(String::new, |v| v.trim().to_owned())
}

fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

fn record(path: &Path, a: Assessment) -> Record {
    let from_header = header_field(&a, &DATE_FIELD);
    let stamp_date = a
        .exported_at
        .clone()
        .or_else(|| a.updated_at.clone())
        .unwrap_or_default();
    let date = if from_header.len() == 10 && is_iso_date(&from_header) {
        from_header
    } else if is_iso_date(&stamp_date) {
        stamp_date[..10].to_owned()
    } else {
        from_header
    };
    Record {
        file: show(path),
        stamp: a
            .updated_at
            .clone()
            .or_else(|| a.exported_at.clone())
            .unwrap_or_default(),
        name: header_field(&a, &NAME_FIELD),
        filing: header_field(&a, &FILING_FIELD),
        region: header_field(&a, &REGION_FIELD),
        date,
        total: a.score.total_halves,
        max: a.score.max_halves,
        band: a.score.band.clone(),
        answered: a.score.answered,
        count: a.score.count,
        rectification: a.rectification.as_ref().map(|r| {
            let (done, items) = r.completion();
            RectificationCount { done, items }
        }),
        scores: a
            .score
            .criteria
            .iter()
            .map(|c| c.status.map(|_| c.halves))
            .collect(),
        vetoed: a.vetoed,
        id: a.id,
        rubric: a.rubric,
    }
}

/// Duplicates out (same assessment id: the newest `updated_at` stays, the
/// first by file name on a tie), then one [`RubricSummary`] per rubric
/// version. The rules of summary-model.js's `summarize`.
fn summarize(mut records: Vec<Record>, mut refused: Vec<Refused>) -> Summary {
    records.sort_by(|a, b| a.file.cmp(&b.file));
    refused.sort_by(|a, b| a.file.cmp(&b.file));
    let read = records.len() + refused.len();
    let mut keep: HashMap<&str, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        match keep.get(r.id.as_str()) {
            Some(&k) if records[k].stamp >= r.stamp => {}
            _ => {
                keep.insert(&r.id, i);
            }
        }
    }
    let kept: Vec<bool> = records
        .iter()
        .enumerate()
        .map(|(i, r)| keep[r.id.as_str()] == i)
        .collect();
    let duplicates: Vec<Duplicate> = records
        .iter()
        .zip(&kept)
        .filter(|(_, k)| !**k)
        .map(|(r, _)| Duplicate {
            file: r.file.clone(),
            reason: format!(
                "与“{}”是同一份评估（编号 {} 相同），只计一次。",
                records[keep[r.id.as_str()]].file,
                r.id
            ),
        })
        .collect();
    let accepted = records.len() - duplicates.len();
    let mut groups: BTreeMap<(String, String), Vec<Record>> = BTreeMap::new();
    for (r, k) in records.into_iter().zip(kept) {
        if k {
            let key = (r.rubric.id.clone(), r.rubric.content_hash.clone());
            groups.entry(key).or_default().push(r);
        }
    }
    let mut rubrics: Vec<RubricSummary> = groups.into_values().map(rubric_summary).collect();
    name_sheets(&mut rubrics);
    Summary {
        format: "dudao-summary",
        version: 1,
        files: Files {
            read,
            accepted,
            refused,
            duplicates,
        },
        rubrics,
    }
}

struct CriterionInfo {
    halves: u32,
    indicator: u32,
}

fn rubric_summary(files: Vec<Record>) -> RubricSummary {
    let rubric = Arc::clone(&files[0].rubric);
    let mut criteria_info = Vec::new();
    let mut criteria = Vec::new();
    for (_, _, row) in rubric.rows() {
        for c in &row.criteria {
            let indicator = row.indicators.first().copied().unwrap_or(0);
            criteria_info.push(CriterionInfo {
                halves: c.points.halves(),
                indicator,
            });
            criteria.push(CriterionLoss {
                id: c.id.clone(),
                indicator,
                row: row.title.clone(),
                text: c.text.clone(),
                points: c.points,
                lost_count: 0,
                lost_points: Halves(0),
            });
        }
    }
    let mut indicator_numbers: Vec<u32> = criteria_info.iter().map(|c| c.indicator).collect();
    indicator_numbers.sort_unstable();
    indicator_numbers.dedup();
    let assessments = files.len();

    let mut by_institution: Vec<(String, Vec<Record>)> = Vec::new();
    for r in files {
        let key = if r.filing.is_empty() {
            format!("name:{}", r.name)
        } else {
            format!("filing:{}", r.filing)
        };
        match by_institution.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(r),
            None => by_institution.push((key, vec![r])),
        }
    }
    let mut bands: BTreeMap<&'static str, usize> =
        [("excellent", 0), ("pass", 0), ("fail", 0), ("fail-veto", 0)].into();
    let mut institutions = Vec::new();
    for (key, mut list) in by_institution {
        list.sort_by(|a, b| (&a.date, &a.stamp, &a.file).cmp(&(&b.date, &b.stamp, &b.file)));
        let latest = list.last().expect("a group has a file");
        let mut lost_by: BTreeMap<u32, i64> = indicator_numbers.iter().map(|n| (*n, 0)).collect();
        for (i, (info, score)) in criteria_info.iter().zip(&latest.scores).enumerate() {
            if let Some(s) = score {
                let lost = info.halves - s;
                *lost_by.entry(info.indicator).or_default() += i64::from(lost);
                if lost > 0 {
                    criteria[i].lost_count += 1;
                    criteria[i].lost_points.0 += i64::from(lost);
                }
            }
        }
        let band_key: &'static str = if !latest.vetoed.is_empty() {
            "fail-veto"
        } else {
            match latest.band.as_str() {
                "excellent" => "excellent",
                "pass" => "pass",
                _ => "fail",
            }
        };
        *bands.entry(band_key).or_default() += 1;
        let previous = (list.len() > 1).then(|| &list[list.len() - 2]);
        institutions.push(Institution {
            key,
            name: latest.name.clone(),
            filing_number: latest.filing.clone(),
            region: latest.region.clone(),
            date: latest.date.clone(),
            id: latest.id.clone(),
            file: latest.file.clone(),
            total: Halves(latest.total.into()),
            max: Halves(latest.max.into()),
            band: latest.band.clone(),
            vetoed: latest.vetoed.clone(),
            answered: latest.answered,
            criteria: latest.count,
            rectification: latest.rectification,
            change: previous.map(|p| Halves(i64::from(latest.total) - i64::from(p.total))),
            timeline: list
                .iter()
                .map(|r| TimelineEntry {
                    id: r.id.clone(),
                    file: r.file.clone(),
                    date: r.date.clone(),
                    total: Halves(r.total.into()),
                    band: r.band.clone(),
                    vetoed: !r.vetoed.is_empty(),
                })
                .collect(),
            lost_by_indicator: lost_by.values().map(|h| Halves(*h)).collect(),
            previous_lost_by_indicator: previous.map(|p| {
                let mut by: BTreeMap<u32, i64> =
                    indicator_numbers.iter().map(|n| (*n, 0)).collect();
                for (info, score) in criteria_info.iter().zip(&p.scores) {
                    if let Some(s) = score {
                        *by.entry(info.indicator).or_default() += i64::from(info.halves - s);
                    }
                }
                by.values().map(|h| Halves(*h)).collect()
            }),
            scores: latest
                .scores
                .iter()
                .map(|s| s.map(|h| Halves(h.into())))
                .collect(),
        });
    }
    institutions.sort_by(|a, b| {
        b.total
            .0
            .cmp(&a.total.0)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.key.cmp(&b.key))
    });
    let mut ranked: Vec<usize> = (0..criteria.len())
        .filter(|i| criteria[*i].lost_count > 0)
        .collect();
    ranked.sort_by(|a, b| {
        criteria[*b]
            .lost_count
            .cmp(&criteria[*a].lost_count)
            .then(criteria[*b].lost_points.0.cmp(&criteria[*a].lost_points.0))
            .then(a.cmp(b))
    });
    let indicators = indicator_numbers
        .iter()
        .enumerate()
        .map(|(j, n)| IndicatorLoss {
            number: *n,
            lost_points: Halves(institutions.iter().map(|i| i.lost_by_indicator[j].0).sum()),
            institutions_losing: institutions
                .iter()
                .filter(|i| i.lost_by_indicator[j].0 > 0)
                .count(),
        })
        .collect();
    RubricSummary {
        id: rubric.id.clone(),
        title: rubric.title.clone(),
        kind: rubric.kind,
        content_hash: rubric.content_hash.clone(),
        sheet: String::new(),
        max: rubric.total,
        veto_items: rubric
            .veto
            .iter()
            .flat_map(|v| &v.items)
            .map(|i| VetoItemText {
                id: i.id.clone(),
                text: i.text.clone(),
            })
            .collect(),
        bands_defined: rubric
            .bands
            .iter()
            .map(|b| BandDefined {
                id: b.id.clone(),
                label: b.label.clone(),
                min: b.min,
            })
            .collect(),
        assessments,
        bands,
        indicators,
        most_lost: ranked.iter().map(|i| criteria[*i].id.clone()).collect(),
        criteria,
        institutions,
    }
}

/// Sheet names: the rubric id (24 chars at most), with part of the hash when
/// two versions of a rubric share an id.
fn name_sheets(rubrics: &mut [RubricSummary]) {
    let mut count: HashMap<String, usize> = HashMap::new();
    for r in rubrics.iter() {
        *count.entry(r.id.clone()).or_default() += 1;
    }
    for r in rubrics.iter_mut() {
        let base: String = r.id.chars().take(24).collect();
        r.sheet = if count[&r.id] > 1 {
            let short: String = r.content_hash.chars().skip(7).take(6).collect();
            format!("{base}-{short}")
        } else {
            base
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_print_like_javascript_numbers() {
        assert_eq!(serde_json::to_string(&Halves(-3)).unwrap(), "-1.5");
        assert_eq!(serde_json::to_string(&Halves(170)).unwrap(), "85");
        assert_eq!(Halves(169).to_string(), "84.5");
    }

    #[test]
    fn dates_are_recognised_only_in_iso_form() {
        assert!(is_iso_date("2025-03-18"));
        assert!(is_iso_date("2025-03-18T08:30:00.000Z"));
        assert!(!is_iso_date("2025年3月18日"));
    }
}
