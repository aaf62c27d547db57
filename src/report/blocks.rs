//! The findings → the blocks of the 督导意见书 and the 整改通知书, as
//! `opinionBlocks` / `noticeBlocks` in static/js/outcome-doc.js (same words,
//! same order: tests/browser/outcome-agreement.test.mjs compares the files).

use super::model::{CITATION, Findings, Item, Photo};

pub const OPINION_TITLE: &str = "技能人才评价质量督导意见书";
pub const NOTICE_TITLE: &str = "技能人才评价质量督导整改通知书";
const OURS: &str = "说明：引号内文字为通知原文，出处随附；其余文字由 dudao 根据评分结果生成，供督导组核对、修改后签发（dudao 补充）。";
const UNSET: &str = "（未填写）";
const DATE_LINE: &str = "年　　月　　日";

/// Which document.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Opinion,
    Notice,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::Opinion => "opinion",
            Kind::Notice => "notice",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::Opinion => OPINION_TITLE,
            Kind::Notice => NOTICE_TITLE,
        }
    }
}

/// One piece of a document; a cell is a list of paragraphs.
pub enum Block {
    Title(String),
    Center(String),
    Addressee(String),
    Heading(String),
    Para(String),
    Note(String),
    Quote {
        paras: Vec<String>,
        cite: String,
    },
    Fields(Vec<(String, String)>),
    Table {
        class: &'static str,
        head: [&'static str; 5],
        rows: Vec<Vec<Vec<String>>>,
    },
    Figure {
        src: String,
        text: String,
    },
    Sign {
        lines: [&'static str; 2],
        seal: &'static str,
        date: &'static str,
    },
}

use Block::*;

fn or<'a>(value: &'a str, fallback: &'a str) -> &'a str {
    if value.is_empty() { fallback } else { value }
}

fn captions(photos: &[Photo]) -> impl Iterator<Item = String> + '_ {
    photos
        .iter()
        .map(|p| format!("照片：{}", or(&p.caption, "（无说明）")))
}

/// 附：现场照片: each photo that has its bytes, captioned `<label>：<caption>`
/// (`pushFigures` in outcome-doc.js).
fn push_figures<'a>(b: &mut Vec<Block>, photos: impl Iterator<Item = (String, &'a Photo)>) {
    let mut figures = photos
        .filter_map(|(label, p)| {
            let src = p.src.clone()?;
            let text = format!("{label}：{}", or(&p.caption, "（无说明）"));
            Some(Figure { src, text })
        })
        .peekable();
    if figures.peek().is_some() {
        b.push(Heading("附：现场照片".into()));
        b.extend(figures);
    }
}

/// The photos of the finding a 整改项 was made from, matched by the item's id
/// (`v-<veto id>`, `c-<criterion id>`).
fn item_photos<'a>(f: &'a Findings, item: &Item) -> &'a [Photo] {
    let veto = f.vetoes.iter().find(|v| item.id == format!("v-{}", v.id));
    let lost = f.lost.iter().find(|c| item.id == format!("c-{}", c.id));
    veto.map(|v| &v.photos[..])
        .or(lost.map(|c| &c.photos[..]))
        .unwrap_or(&[])
}

/// The end of either document: the signature lines, the seal and the date,
/// then the note saying which words are the notice's and which are ours.
fn sign_off(b: &mut Vec<Block>, lines: [&'static str; 2]) {
    b.push(Sign {
        lines,
        seal: "督导组（盖章）",
        date: DATE_LINE,
    });
    b.push(Note(OURS.into()));
}

/// A table of one row per 整改项, numbered 1…n in its first column.
fn item_table(
    f: &Findings,
    class: &'static str,
    head: [&'static str; 5],
    cells: impl Fn(&Item) -> [Vec<String>; 4],
) -> Block {
    let rows = f
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let mut row = vec![vec![(i + 1).to_string()]];
            row.extend(cells(item));
            row
        })
        .collect();
    Table { class, head, rows }
}

/// The band, marked when the name is dudao's (its note follows the paragraph).
fn band_label(f: &Findings) -> String {
    if f.band.ours {
        format!("{}{}", f.band.label, crate::export::OURS_MARK)
    } else {
        f.band.label.clone()
    }
}

/// A ticked 不合格项: the notice's wording where the rubric is official and
/// has it, then our reading of it, marked as ours (`vetoReading` in
/// outcome-doc.js).
fn veto_reading(b: &mut Vec<Block>, f: &Findings) {
    b.push(Para(format!(
        "存在不合格项 {} 项（见“四、不合格项”）。",
        f.vetoes.len()
    )));
    if !f.veto.quote.is_empty() {
        b.push(Para("评分表对不合格项的规定如下（原文）：".into()));
        b.push(Quote {
            paras: vec![f.veto.quote.clone()],
            cite: format!("——{CITATION}所附《{}》", f.rubric_title),
        });
    }
    b.push(Note(format!(
        "dudao 补充：出现“{}”所列任一情形的，dudao 把督导结果记为“{}”，不论得分。",
        f.veto.title, f.band.label
    )));
}

pub fn blocks(kind: Kind, f: &Findings) -> Vec<Block> {
    match kind {
        Kind::Opinion => opinion(f),
        Kind::Notice => notice(f),
    }
}

fn opinion(f: &Findings) -> Vec<Block> {
    let mut b = vec![
        Title(OPINION_TITLE.into()),
        Center(format!("被督导机构：{}", or(&f.institution, UNSET))),
        Heading("一、基本情况".into()),
    ];
    let mut rows: Vec<(String, String)> = f
        .header
        .iter()
        .map(|(name, value)| (name.clone(), or(value, UNSET).to_owned()))
        .collect();
    let rubric = if f.rubric_label.is_empty() {
        f.rubric_title.clone()
    } else {
        format!("{}（{}）", f.rubric_title, f.rubric_label)
    };
    rows.push(("评分表".into(), rubric));
    let has_team = f
        .header
        .iter()
        .any(|(name, _)| name.contains("督导") && name.contains('员'));
    if !has_team && !f.assessors.is_empty() {
        rows.push(("督导组成员".into(), f.assessors.join("、")));
    }
    b.push(Fields(rows));
    b.push(Para(format!(
        "督导组依据《{}》，于{}对{}开展了技能人才评价质量督导，逐项核查评分。",
        f.rubric_title,
        or(&f.date, "（督导日期未填写）"),
        or(&f.institution, "被督导机构")
    )));

    b.push(Heading("二、督导结论".into()));
    b.push(Para(format!(
        "本次督导得分 {} 分（满分 {} 分），评定等级为“{}”。",
        f.total,
        f.max,
        band_label(f)
    )));
    if f.vetoed {
        veto_reading(&mut b, f);
    }
    if f.unanswered > 0 {
        b.push(Para(format!(
            "尚有 {} 项未评分或未填完，以上得分和等级为暂定。",
            f.unanswered
        )));
    }
    if f.band.ours {
        b.push(Note(f.band.note.clone()));
    }

    b.push(Heading("三、失分项".into()));
    if f.lost.is_empty() {
        b.push(Para(
            if f.answered == 0 {
                "尚未评分。"
            } else {
                "已评分的各项均未失分。"
            }
            .into(),
        ));
    } else {
        b.push(Para(format!(
            "共 {} 项评分标准失分，合计失 {} 分，按失分从多到少排列如下。",
            f.lost.len(),
            f.lost_total
        )));
        let rows = f
            .lost
            .iter()
            .map(|c| {
                let indicators: Vec<String> = c.indicators.iter().map(u32::to_string).collect();
                let mut why = Vec::new();
                if !c.justification.is_empty() {
                    why.push(format!("理由：{}", c.justification));
                }
                if !c.notes.is_empty() {
                    why.push(format!("备注：{}", c.notes));
                }
                why.extend(captions(&c.photos));
                vec![
                    vec![c.rank.to_string()],
                    vec![
                        format!("第 {} 项　{}", c.number, c.location),
                        c.text.clone(),
                        format!("对应指标 {}", indicators.join("、")),
                    ],
                    vec![
                        c.status_label.into(),
                        format!("{} / {} 分", c.score, c.points),
                    ],
                    vec![c.lost.clone()],
                    why,
                ]
            })
            .collect();
        b.push(Table {
            class: "doc-lost",
            head: ["序号", "评分标准", "结论", "失分", "理由、备注及照片"],
            rows,
        });
    }

    b.push(Heading("四、不合格项".into()));
    if f.vetoes.is_empty() {
        b.push(Para("未发现不合格项。".into()));
    }
    for v in &f.vetoes {
        b.push(Para(format!("{}. {}", v.rank, v.text)));
        b.push(Para(format!(
            "行为描述：{}",
            or(&v.description, "（未填写，请督导组补充查实的行为和证据）")
        )));
        b.extend(captions(&v.photos).map(Para));
    }

    b.push(Heading("五、处理意见".into()));
    if f.consequences.is_empty() {
        b.push(Para(format!(
            "dudao 补充：通知未对督导结果为“{}”的机构规定奖惩措施。",
            band_label(f)
        )));
    } else {
        b.push(Para("通知对本次督导结果的处理规定如下（原文）：".into()));
        b.push(Quote {
            paras: f.consequences.iter().map(|q| (*q).to_owned()).collect(),
            cite: format!("——{CITATION}"),
        });
        if f.vetoed {
            b.push(Note(
                "dudao 补充：上述对严重违规行为的处理是否适用，由督导组根据查实的行为认定。".into(),
            ));
        }
    }
    if !f.items.is_empty() {
        b.push(Para(format!(
            "请被督导机构按《整改通知书》逐项整改（共 {} 项），并在整改期限内报送整改报告。",
            f.items.len()
        )));
    }
    let figures = f
        .vetoes
        .iter()
        .flat_map(|v| &v.photos)
        .chain(f.lost.iter().flat_map(|c| &c.photos))
        .map(|p| ("照片".to_owned(), p));
    push_figures(&mut b, figures);
    sign_off(
        &mut b,
        ["督导组成员（签字）：", "被督导机构负责人（签字）："],
    );
    b
}

fn notice(f: &Findings) -> Vec<Block> {
    let mut b = vec![
        Title(NOTICE_TITLE.into()),
        Addressee(format!("{}：", or(&f.institution, "（被督导机构名称）"))),
        Para(format!(
            "{}，督导组依据《{}》对你机构开展了技能人才评价质量督导，得分 {} 分（满分 {} 分），评定等级为“{}”{}。",
            or(&f.date, "（督导日期）"),
            f.rubric_title,
            f.total,
            f.max,
            band_label(f),
            if f.unanswered > 0 { "（暂定）" } else { "" }
        )),
    ];
    if f.band.ours {
        b.push(Note(f.band.note.clone()));
    }
    if f.items.is_empty() {
        b.push(Para(
            "本次督导未发现需要整改的问题，无需报送整改报告。".into(),
        ));
    } else {
        b.push(Para(format!(
            "现将需要整改的 {} 项问题通知如下，请逐项整改，并于整改期限前将整改报告报送督导组。",
            f.items.len()
        )));
        b.push(Heading("一、整改项".into()));
        b.push(item_table(
            f,
            "doc-items",
            ["序号", "存在的问题", "整改要求", "整改期限", "责任人"],
            |item| {
                [
                    vec![item.problem.clone()],
                    vec![item.requirement.clone()],
                    vec![or(item.deadline.as_deref().unwrap_or(""), "待定").to_owned()],
                    vec![or(&item.owner, "待定").to_owned()],
                ]
            },
        ));
        b.push(Heading("二、整改要求".into()));
        for line in [
            "1. 对照每项整改要求查明原因，采取纠正措施和防止问题再次发生的措施。",
            "2. 整改报告逐项写明整改措施、完成情况和佐证材料（照片、制度文件、记录等），由机构负责人签字并加盖公章。",
            "3. 使用 dudao 评估文件的，可在“整改跟踪”中逐项更新状态（未整改、整改中、已整改）后导出，随整改报告一并报送。",
            "4. 督导组将组织复查，逐项核验整改结果。",
        ] {
            b.push(Para(line.into()));
        }
        b.push(Heading("三、整改报告回执".into()));
        b.push(item_table(
            f,
            "doc-receipt",
            [
                "序号",
                "整改项",
                "整改措施及完成情况",
                "完成日期",
                "佐证材料",
            ],
            |item| [vec![item.problem.clone()], vec![], vec![], vec![]],
        ));
        let figures = f.items.iter().enumerate().flat_map(|(i, item)| {
            item_photos(f, item)
                .iter()
                .map(move |p| (format!("整改项 {} 照片", i + 1), p))
        });
        push_figures(&mut b, figures);
    }
    sign_off(&mut b, ["被督导机构签收人：", "签收日期："]);
    b
}
