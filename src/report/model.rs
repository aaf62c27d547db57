//! An assessment file (schema version 2, docs/assessment.md) → the findings
//! of `static/js/outcome.js`: the same scoring, ranking, 整改项 and warnings,
//! field for field, so that the documents agree with the browser's.

use serde::Deserialize;
use serde_json::{Map, Value};

/// The parts of the embedded rubric the documents need; the rest of the
/// `dudao dump` shape is ignored.
#[derive(Deserialize)]
pub struct Rubric {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub label: Option<String>,
    pub header_fields: Vec<String>,
    pub stages: Vec<Stage>,
    #[serde(default)]
    pub veto: Option<Veto>,
    pub bands: Vec<Band>,
}

#[derive(Deserialize)]
pub struct Stage {
    #[serde(default)]
    pub title: Option<String>,
    pub groups: Vec<Group>,
}

#[derive(Deserialize)]
pub struct Group {
    pub title: String,
    pub rows: Vec<Row>,
}

#[derive(Deserialize)]
pub struct Row {
    pub title: String,
    pub indicators: Vec<u32>,
    pub criteria: Vec<Criterion>,
}

#[derive(Deserialize)]
pub struct Criterion {
    pub id: String,
    pub text: String,
    pub points: f64,
}

#[derive(Deserialize)]
pub struct Veto {
    pub items: Vec<VetoItem>,
}

#[derive(Deserialize)]
pub struct VetoItem {
    pub id: String,
    pub text: String,
}

#[derive(Deserialize)]
pub struct Band {
    pub id: String,
    pub label: String,
    pub min: f64,
}

/// The assessment file, read leniently: what the documents show of a field
/// that is missing or of the wrong type is what the browser shows.
pub struct Assessment {
    pub rubric: Rubric,
    pub header: Map<String, Value>,
    pub answers: Map<String, Value>,
    pub veto: Map<String, Value>,
    pub photos: Map<String, Value>,
    pub assessors: Vec<String>,
    pub rectification: Option<Value>,
}

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

/// "84.5", "85", "0": points from half points, as `formatPoints` prints them.
pub fn points(halves: i64) -> String {
    if halves % 2 == 0 {
        (halves / 2).to_string()
    } else {
        format!("{}.5", halves / 2)
    }
}

fn to_halves(value: f64) -> Option<i64> {
    let halves = value * 2.0;
    (value.is_finite() && value >= 0.0 && halves.fract() == 0.0).then_some(halves as i64)
}

fn trimmed(value: Option<&Value>) -> String {
    value
        .and_then(Value::as_str)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// How one answer scores, as `scoreAnswer` in scoring.js: (status, half points, complete).
fn score(answer: Option<&Value>, max: i64) -> (&'static str, i64, bool) {
    let status = answer.and_then(|a| a.get("status")).and_then(Value::as_str);
    match status {
        Some("full") => ("full", max, true),
        Some("none") => ("none", 0, true),
        Some("partial") => {
            let answer = answer.expect("a status comes from an answer");
            let halves = match answer.get("score") {
                Some(Value::Number(n)) => n.as_f64().and_then(to_halves),
                Some(Value::String(s)) if is_plain_number(s.trim()) => {
                    s.trim().parse::<f64>().ok().and_then(to_halves)
                }
                _ => None,
            };
            match halves {
                Some(h) if h > 0 && h < max => {
                    let justified = !trimmed(answer.get("justification")).is_empty();
                    ("partial", h, justified)
                }
                _ => ("partial", 0, false),
            }
        }
        _ => ("unanswered", 0, false),
    }
}

fn is_plain_number(text: &str) -> bool {
    let mut parts = text.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && parts.next().is_none_or(digits)
}

fn status_label(status: &str) -> &'static str {
    match status {
        "full" => "符合",
        "partial" => "基本符合",
        "none" => "不符合",
        _ => "未评分",
    }
}

fn photos(a: &Assessment, ids: Option<&Value>) -> Vec<Photo> {
    let ids = ids
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    ids.iter()
        .filter_map(Value::as_str)
        .filter_map(|id| a.photos.get(id))
        .map(|p| Photo {
            caption: trimmed(p.get("caption")),
            src: match (
                p.get("type").and_then(Value::as_str),
                p.get("data").and_then(Value::as_str),
            ) {
                (Some(t), Some(d)) if !d.is_empty() => Some(format!("data:{t};base64,{d}")),
                _ => None,
            },
        })
        .collect()
}

/// The findings of an assessment; see `findings` in outcome.js.
pub fn findings(a: &Assessment) -> Findings {
    let rubric = &a.rubric;
    let field = |words: &[&str]| -> String {
        rubric
            .header_fields
            .iter()
            .find(|f| words.iter().all(|w| f.contains(w)))
            .map(|name| trimmed(a.header.get(name)))
            .unwrap_or_default()
    };
    let has_date_field = rubric.header_fields.iter().any(|f| f.contains("日期"));

    struct Scored<'a> {
        index: usize,
        location: String,
        criterion: &'a Criterion,
        row: &'a Row,
        status: &'static str,
        halves: i64,
        max: i64,
    }
    let mut scored = Vec::new();
    let (mut total, mut max, mut answered) = (0i64, 0i64, 0usize);
    for stage in &rubric.stages {
        for group in &stage.groups {
            for row in &group.rows {
                for criterion in &row.criteria {
                    let halves_max = to_halves(criterion.points).unwrap_or(0);
                    let (status, halves, complete) =
                        score(a.answers.get(&criterion.id), halves_max);
                    total += halves;
                    max += halves_max;
                    answered += usize::from(complete);
                    let location = [stage.title.as_deref(), Some(&group.title), Some(&row.title)]
                        .into_iter()
                        .flatten()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" › ");
                    scored.push(Scored {
                        index: scored.len(),
                        location,
                        criterion,
                        row,
                        status,
                        halves,
                        max: halves_max,
                    });
                }
            }
        }
    }
    let count = scored.len();
    let lost_of = |s: &Scored| {
        if s.status == "unanswered" {
            0
        } else {
            s.max - s.halves
        }
    };
    let mut ranked: Vec<&Scored> = scored.iter().filter(|s| lost_of(s) > 0).collect();
    ranked.sort_by(|x, y| lost_of(y).cmp(&lost_of(x)).then(x.index.cmp(&y.index)));
    let lost_total: i64 = ranked.iter().map(|s| lost_of(s)).sum();
    let lost: Vec<Lost> = ranked
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let answer = a.answers.get(&s.criterion.id);
            let get = |key: &str| trimmed(answer.and_then(|a| a.get(key)));
            Lost {
                id: s.criterion.id.clone(),
                rank: i + 1,
                number: s.index + 1,
                location: s.location.clone(),
                text: s.criterion.text.clone(),
                indicators: s.row.indicators.clone(),
                status_label: status_label(s.status),
                score: points(s.halves),
                points: points(s.max),
                lost: points(lost_of(s)),
                justification: get("justification"),
                notes: get("notes"),
                photos: photos(a, answer.and_then(|a| a.get("photos"))),
            }
        })
        .collect();

    let veto_items = rubric
        .veto
        .as_ref()
        .map(|v| v.items.as_slice())
        .unwrap_or(&[]);
    let vetoes: Vec<VetoFinding> = veto_items
        .iter()
        .filter(|item| {
            a.veto.get(&item.id).and_then(|v| v.get("ticked")) == Some(&Value::Bool(true))
        })
        .enumerate()
        .map(|(i, item)| {
            let entry = a.veto.get(&item.id);
            VetoFinding {
                id: item.id.clone(),
                rank: i + 1,
                text: item.text.clone(),
                description: trimmed(entry.and_then(|v| v.get("description"))),
                photos: photos(a, entry.and_then(|v| v.get("photos"))),
            }
        })
        .collect();

    let mut bands: Vec<&Band> = rubric.bands.iter().collect();
    bands.sort_by(|x, y| y.min.total_cmp(&x.min));
    let lowest = bands.last().copied();
    let band = if vetoes.is_empty() {
        bands
            .iter()
            .copied()
            .find(|b| to_halves(b.min).is_some_and(|m| total >= m))
            .or(lowest)
    } else {
        lowest
    };
    let (band_id, band_label) = band.map_or(("", ""), |b| (b.id.as_str(), b.label.as_str()));
    let kind = if band_id == "excellent" || band_label == "优良" {
        "excellent"
    } else if band_id == "fail" || band_label == "不合格" {
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
    let unanswered = count - answered;
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
    let items = items(&vetoes, &lost, a.rectification.as_ref());
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
        assessors: a.assessors.clone(),
        total: points(total),
        max: points(max),
        band: BandResult {
            label: band_label.to_owned(),
        },
        vetoed: !vetoes.is_empty(),
        answered,
        unanswered,
        lost_total: points(lost_total),
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
fn items(vetoes: &[VetoFinding], lost: &[Lost], stored: Option<&Value>) -> Vec<Item> {
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
    let old: &[Value] = stored
        .and_then(|r| r.get("items"))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let stored_id = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_owned);
    let apply = |item: &mut Item, from: &Value| {
        let text = |key: &str| from.get(key).and_then(Value::as_str).map(str::to_owned);
        if let Some(t) = text("problem") {
            item.problem = t;
        }
        if let Some(t) = text("requirement") {
            item.requirement = t;
        }
        if let Some(t) = text("owner") {
            item.owner = t;
        }
        if let Some(d) = from.get("deadline") {
            item.deadline = d.as_str().map(str::to_owned);
        }
    };
    for item in &mut made {
        if let Some(from) = old
            .iter()
            .find(|v| stored_id(v).as_deref() == Some(&item.id))
        {
            apply(item, from);
        }
    }
    for from in old {
        let Some(id) = stored_id(from) else { continue };
        if made.iter().any(|item| item.id == id) {
            continue;
        }
        let mut item = fresh(id, String::new(), String::new());
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
