//! An accepted assessment ([`crate::assessment`], scored there like
//! scoring.js) → the findings of `static/js/outcome.js`: the same ranking,
//! 整改项 and warnings, field for field, so that the documents agree with the
//! browser's.

use crate::assessment::{Assessment, RectificationItem, Status};
use crate::model::Points;

/// What the notice attaches to each outcome: verbatim from its 正文
/// (tests/source/rsth-2024-130.txt), as in outcome.js.
pub const NOTICE_EXCELLENT: &str =
    "对于督导结果为优良的，可视情况给予表扬、增加评价职业范围或提升评价职业技能等级等激励。";
pub const NOTICE_FAIL: &str = "对于督导结果为不合格的，应视情况对相关评价机构给予约谈提醒、限期整改、移出评价机构目录等处理。";
pub const NOTICE_SERIOUS: &str = "对于督导中发现伪造报名资格、伪造试卷、编造虚假材料、不考试就发证、滥发倒卖证书等严重违规行为的，应取消评价结果、宣布证书作废、撤销上传证书数据，追回相应补贴资金，并对相关评价机构给予限期整改、移出评价机构目录等处理。";
pub const NOTICE_CRIME: &str = "对于督导中发现涉嫌违法犯罪线索的，移交有关部门处理。";
pub const CITATION: &str = "《人力资源社会保障部办公厅关于印发〈技能人才评价质量督导指标体系〉的通知》（人社厅函〔2024〕130号）";

pub struct Photo {
    pub caption: String,
    /// A data: URI when the file carries the bytes.
    pub src: Option<String>,
}

pub struct Lost {
    pub id: String,
    pub rank: usize,
    pub number: usize,
    pub location: String,
    pub text: String,
    pub indicators: Vec<u32>,
    pub status_label: &'static str,
    pub score: String,
    pub points: String,
    pub lost: String,
    pub justification: String,
    pub notes: String,
    pub photos: Vec<Photo>,
}

pub struct VetoFinding {
    pub id: String,
    pub rank: usize,
    pub text: String,
    pub description: String,
    pub photos: Vec<Photo>,
}

pub struct Item {
    pub id: String,
    pub problem: String,
    pub requirement: String,
    pub deadline: Option<String>,
    pub owner: String,
}

pub struct BandResult {
    pub label: String,
    /// A band name the notice does not use (合格): printed with
    /// [`crate::export::OURS_MARK`] and explained by `note`.
    pub ours: bool,
    pub note: String,
}

/// What the documents say about a ticked 不合格项.
pub struct VetoRule {
    pub title: String,
    /// The notice's own words (the veto intro of an official rubric), without
    /// the closing colon; empty when the rubric has none.
    pub quote: String,
}

pub struct Findings {
    pub rubric_title: String,
    pub rubric_label: String,
    pub header: Vec<(String, String)>,
    pub institution: String,
    pub date: String,
    pub assessors: Vec<String>,
    pub total: String,
    pub max: String,
    pub band: BandResult,
    pub veto: VetoRule,
    pub vetoed: bool,
    pub answered: usize,
    pub unanswered: usize,
    pub lost_total: String,
    pub lost: Vec<Lost>,
    pub vetoes: Vec<VetoFinding>,
    pub consequences: Vec<&'static str>,
    pub items: Vec<Item>,
    pub warnings: Vec<String>,
}

fn status_label(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Full) => "符合",
        Some(Status::Partial) => "基本符合",
        Some(Status::None) => "不符合",
        None => "未评分",
    }
}

fn trimmed(value: Option<&String>) -> String {
    value.map(|s| s.trim().to_owned()).unwrap_or_default()
}

fn photos(a: &Assessment, ids: &[String]) -> Vec<Photo> {
    ids.iter()
        .filter_map(|id| a.photos.get(id))
        .map(|p| Photo {
            caption: trimmed(p.caption.as_ref()),
            src: p
                .data
                .as_deref()
                .filter(|d| !d.is_empty())
                .map(|d| format!("data:{};base64,{d}", p.kind)),
        })
        .collect()
}

/// The findings of an assessment; see `findings` in outcome.js.
pub fn findings(a: &Assessment) -> Findings {
    let rubric = &*a.rubric;
    let score = &a.score;
    let field = |words: &[&str]| -> String {
        rubric
            .header_fields
            .iter()
            .find(|f| words.iter().all(|w| f.contains(w)))
            .map(|name| trimmed(a.header.get(name)))
            .unwrap_or_default()
    };
    let has_date_field = rubric.header_fields.iter().any(|f| f.contains("日期"));

    // The scorer's criteria are in table order, as `rubric.rows()` walks them.
    let criteria = rubric
        .rows()
        .flat_map(|(stage, group, row)| row.criteria.iter().map(move |c| (stage, group, row, c)));
    let mut ranked: Vec<_> = criteria
        .zip(&score.criteria)
        .enumerate()
        .filter(|(_, (_, s))| s.lost_halves > 0)
        .collect();
    ranked.sort_by(|(i, (_, x)), (j, (_, y))| y.lost_halves.cmp(&x.lost_halves).then(i.cmp(j)));
    let lost_total: u32 = ranked.iter().map(|(_, (_, s))| s.lost_halves).sum();
    let lost: Vec<Lost> = ranked
        .iter()
        .enumerate()
        .map(|(rank, (index, ((stage, group, row, criterion), s)))| {
            let answer = a.answers.get(&criterion.id);
            let location = [stage.title.as_deref(), Some(&group.title), Some(&row.title)]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" › ");
            Lost {
                id: criterion.id.clone(),
                rank: rank + 1,
                number: index + 1,
                location,
                text: criterion.text.clone(),
                indicators: row.indicators.clone(),
                status_label: status_label(s.status),
                score: Points(s.halves).to_string(),
                points: criterion.points.to_string(),
                lost: Points(s.lost_halves).to_string(),
                justification: trimmed(answer.and_then(|a| a.justification.as_ref())),
                notes: trimmed(answer.and_then(|a| a.notes.as_ref())),
                photos: photos(a, answer.map_or(&[], |a| &a.photos)),
            }
        })
        .collect();

    let veto_items = rubric.veto.as_ref().map_or(&[][..], |v| v.items.as_slice());
    let vetoes: Vec<VetoFinding> = veto_items
        .iter()
        .filter(|item| score.vetoed.contains(&item.id))
        .enumerate()
        .map(|(i, item)| {
            let entry = a.veto.get(&item.id);
            VetoFinding {
                id: item.id.clone(),
                rank: i + 1,
                text: item.text.clone(),
                description: trimmed(entry.and_then(|v| v.description.as_ref())),
                photos: photos(a, entry.map_or(&[], |v| &v.photos)),
            }
        })
        .collect();

    let band = rubric.bands.iter().find(|b| b.id == score.band);
    let band_label = band.map_or("", |b| b.label.as_str());
    let kind = if score.band == "excellent" || band_label == "优良" {
        "excellent"
    } else if score.band == "fail" || band_label == "不合格" {
        "fail"
    } else {
        "pass"
    };
    let mut consequences = Vec::new();
    match kind {
        "excellent" => consequences.push(NOTICE_EXCELLENT),
        "fail" => consequences.push(NOTICE_FAIL),
        _ => {}
    }
    if !vetoes.is_empty() {
        consequences.extend([NOTICE_SERIOUS, NOTICE_CRIME]);
    }

    let institution = field(&["机构名称"]);
    let date = field(&["日期"]);
    let mut warnings = Vec::new();
    if institution.is_empty() {
        warnings.push("被督导机构名称未填写。".to_owned());
    }
    if has_date_field && date.is_empty() {
        warnings.push("督导日期未填写。".to_owned());
    }
    let answered = score.answered as usize;
    let unanswered = score.count as usize - answered;
    if unanswered > 0 {
        warnings.push(format!(
            "尚有 {unanswered} 项未评分或未填完，得分和等级为暂定。"
        ));
    }
    for v in &vetoes {
        if v.description.is_empty() {
            warnings.push(format!("不合格项第 {} 项未填写行为描述。", v.rank));
        }
    }
    let stored = a.rectification.as_ref().map_or(&[][..], |r| &r.items[..]);
    let items = items(&vetoes, &lost, stored);
    for item in &items {
        if let Some(message) = deadline_problem(item.deadline.as_deref(), &date) {
            warnings.push(format!("整改项 {}：{message}", item.id));
        }
    }
    Findings {
        rubric_title: rubric.title.clone(),
        rubric_label: rubric.label.clone().unwrap_or_default(),
        header: rubric
            .header_fields
            .iter()
            .map(|name| (name.clone(), trimmed(a.header.get(name))))
            .collect(),
        institution,
        date,
        assessors: a
            .assessors
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        total: Points(score.total_halves).to_string(),
        max: Points(score.max_halves).to_string(),
        band: BandResult {
            label: band_label.to_owned(),
            ours: rubric
                .bands
                .iter()
                .position(|b| b.id == score.band)
                .is_some_and(|i| crate::export::is_ours(rubric, i)),
            note: crate::export::band_names_note(rubric).unwrap_or_default(),
        },
        veto: VetoRule {
            title: rubric
                .veto
                .as_ref()
                .map_or_else(String::new, |v| v.title.clone()),
            quote: match (&rubric.veto, rubric.kind) {
                (Some(v), crate::model::Kind::Official) => v
                    .intro
                    .as_deref()
                    .unwrap_or("")
                    .trim_end_matches('：')
                    .to_owned(),
                _ => String::new(),
            },
        },
        vetoed: !vetoes.is_empty(),
        answered,
        unanswered,
        lost_total: Points(lost_total).to_string(),
        lost,
        vetoes,
        consequences,
        items,
        warnings,
    }
}

/// One 整改项 per veto finding, then per lost criterion; stored tracking
/// (deadline, owner, and the wording issued) wins, stored items no longer
/// made are kept at the end: `rectificationItems` in outcome.js.
fn items(vetoes: &[VetoFinding], lost: &[Lost], stored: &[RectificationItem]) -> Vec<Item> {
    let fresh = |id: String, problem: String, requirement: String| Item {
        id,
        problem,
        requirement,
        deadline: None,
        owner: String::new(),
    };
    let mut made: Vec<Item> = vetoes
        .iter()
        .map(|v| {
            let described = if v.description.is_empty() {
                "行为描述未填写"
            } else {
                &v.description
            };
            fresh(
                format!("v-{}", v.id),
                format!("存在不合格项：{described}"),
                v.text.clone(),
            )
        })
        .collect();
    made.extend(lost.iter().map(|c| {
        let mut parts = vec![format!(
            "评为“{}”，得 {} / {} 分",
            c.status_label, c.score, c.points
        )];
        if !c.justification.is_empty() {
            parts.push(format!("理由：{}", c.justification));
        }
        if !c.notes.is_empty() {
            parts.push(format!("备注：{}", c.notes));
        }
        let indicators: Vec<String> = c.indicators.iter().map(u32::to_string).collect();
        let requirement = format!(
            "{}：{}（对应指标 {}）",
            c.location,
            c.text,
            indicators.join("、")
        );
        fresh(format!("c-{}", c.id), parts.join("；"), requirement)
    }));
    let apply = |item: &mut Item, from: &RectificationItem| {
        if let Some(t) = &from.problem {
            item.problem.clone_from(t);
        }
        if let Some(t) = &from.requirement {
            item.requirement.clone_from(t);
        }
        if let Some(t) = &from.owner {
            item.owner.clone_from(t);
        }
        // A made item has no deadline yet: the stored one (or none) stands.
        item.deadline.clone_from(&from.deadline);
    };
    for item in &mut made {
        if let Some(from) = stored.iter().find(|s| s.id == item.id) {
            apply(item, from);
        }
    }
    for from in stored {
        if made.iter().any(|item| item.id == from.id) {
            continue;
        }
        let mut item = fresh(from.id.clone(), String::new(), String::new());
        apply(&mut item, from);
        made.push(item);
    }
    made
}

/// A real calendar date written YYYY-MM-DD.
pub fn is_date(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = &value[r];
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    (1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1]
}

/// Why a deadline cannot stand, or None: `deadlineProblem` in outcome.js.
pub fn deadline_problem(deadline: Option<&str>, supervision: &str) -> Option<String> {
    let deadline = deadline.filter(|d| !d.is_empty())?;
    if !is_date(deadline) {
        return Some(format!(
            "整改期限“{deadline}”不是有效日期（应为 年-月-日）。"
        ));
    }
    let plain_date = supervision.len() == 10 && is_date_shape(supervision);
    (plain_date && deadline < supervision).then(|| {
        format!("整改期限 {deadline} 早于督导日期 {supervision}，请改为督导日期之后的日期。")
    })
}

fn is_date_shape(value: &str) -> bool {
    value.bytes().enumerate().all(|(i, b)| {
        if i == 4 || i == 7 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    })
}
