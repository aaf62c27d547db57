//! Pins the bundled content to the official text of 人社厅函〔2024〕130号.
//!
//! `tests/source/rsth-2024-130.txt` is a copy of the source text (CI has no
//! `../shared`). The text extraction broke lines and table cells at random,
//! so "verbatim" means: with all whitespace removed, our text is a substring
//! of the source with all whitespace removed. Where it matters, the check
//! includes what stands next to the text in the source (number and title
//! before an explanation, points after a criterion), so a text moved to the
//! wrong indicator or row fails too.

mod common;

use common::{PROJECT, SOURCE, strip};
use dudao::model::{Kind, Points, RowRef, Rubric};

/// The footnote marker is typeset as a superscript: `^①` in the extraction.
fn as_in_source(text: &str) -> String {
    strip(text).replace('①', "^①")
}

/// Collects every text that is not in the source, so one run lists them all.
#[derive(Default)]
struct Verbatim {
    missing: Vec<String>,
}

impl Verbatim {
    fn check(&mut self, what: &str, text: &str) {
        if !SOURCE.contains(&as_in_source(text)) {
            self.missing.push(format!("{what}: {text}"));
        }
    }

    fn assert_all_found(self) {
        assert!(
            self.missing.is_empty(),
            "not verbatim in the source:\n{}",
            self.missing.join("\n")
        );
    }
}

#[test]
fn the_verbatim_check_rejects_what_the_source_does_not_say() {
    let mut verbatim = Verbatim::default();
    verbatim.check(
        "marker",
        "国家职业标准（评价规范、专项职业能力考核规范）①要求",
    );
    verbatim.check("spaces", "8. 评价场地和设施设备。是否具有评价场地");
    assert!(verbatim.missing.is_empty(), "{:?}", verbatim.missing);
    verbatim.check(
        "ascii parentheses",
        "国家职业标准(评价规范、专项职业能力考核规范)①要求",
    );
    verbatim.check("wrong number", "9. 评价场地和设施设备。");
    verbatim.check("typo fixed", "成果成绩管理。考生成果");
    assert_eq!(verbatim.missing.len(), 3, "{:?}", verbatim.missing);
}

const FIRST_LEVEL: [(&str, &str); 12] = [
    ("一", "机构信用"),
    ("二", "管理制度"),
    ("三", "岗位职责"),
    ("四", "场地设备"),
    ("五", "资源管理"),
    ("六", "评价档案资料管理"),
    ("七", "评价方案制定和落实"),
    ("八", "宣传和信息公开"),
    ("九", "考评实施"),
    ("十", "证书管理"),
    ("十一", "反馈机制"),
    ("十二", "分析与改进"),
];

/// (first-level group, title), numbered 1–33 in this order.
const SECOND_LEVEL: [(u32, &str); 33] = [
    (1, "评价机构基本信息"),
    (1, "承诺机制"),
    (2, "评价管理制度"),
    (2, "内部管理制度"),
    (3, "岗位设置"),
    (3, "工作人员"),
    (4, "办公场所"),
    (4, "评价场地和设施设备"),
    (5, "管理人员培训"),
    (5, "考评队伍建设"),
    (5, "内部督导队伍建设"),
    (5, "标准规范和试题资源建设管理"),
    (6, "评价档案资料管理"),
    (7, "评价活动的策划"),
    (7, "方案落实和保障措施"),
    (8, "评价机构和评价宣传"),
    (8, "评价计划和收费管理"),
    (8, "结果查询和投诉监督渠道"),
    (9, "报名资质审核"),
    (9, "考场管理"),
    (9, "考评方式、内容和时长"),
    (9, "考评组织实施"),
    (9, "成果绩管理"),
    (9, "质量督导"),
    (9, "人员履职"),
    (10, "证书核发与查询及安全防护"),
    (10, "证书数据上传和管理"),
    (11, "考生诉求处理"),
    (11, "满意度调查处理"),
    (11, "要情报告工作落实情况"),
    (12, "信息统计与评价服务分析总结"),
    (12, "整改与持续改进"),
    (12, "信息化建设"),
];

#[test]
fn the_twelve_first_level_indicators_are_the_sources_in_order() {
    let catalogue = &PROJECT.catalogue;
    let actual: Vec<(u32, &str, &str)> = catalogue
        .groups
        .iter()
        .map(|g| (g.number, g.numeral.as_str(), g.title.as_str()))
        .collect();
    let expected: Vec<(u32, &str, &str)> = (1..)
        .zip(FIRST_LEVEL)
        .map(|(n, (numeral, title))| (n, numeral, title))
        .collect();
    assert_eq!(actual, expected);

    let mut verbatim = Verbatim::default();
    for group in &catalogue.groups {
        // Heading and description are adjacent in the source.
        verbatim.check(
            &format!("group {}", group.number),
            &format!("{}、{}{}", group.numeral, group.title, group.description),
        );
        let expected_members: Vec<u32> = (1..)
            .zip(SECOND_LEVEL)
            .filter(|(_, (g, _))| *g == group.number)
            .map(|(n, _)| n)
            .collect();
        assert_eq!(group.indicators, expected_members, "group {}", group.number);
    }
    verbatim.assert_all_found();
}

#[test]
fn the_thirty_three_second_level_indicators_are_the_sources_in_order() {
    let catalogue = &PROJECT.catalogue;
    let actual: Vec<(u32, u32, &str)> = catalogue
        .indicators
        .iter()
        .map(|i| (i.number, i.group, i.title.as_str()))
        .collect();
    let expected: Vec<(u32, u32, &str)> = (1..)
        .zip(SECOND_LEVEL)
        .map(|(n, (group, title))| (n, group, title))
        .collect();
    assert_eq!(actual, expected);

    let mut verbatim = Verbatim::default();
    for indicator in &catalogue.indicators {
        // "8. 评价场地和设施设备。是否具有…": number, title and explanation together.
        verbatim.check(
            &format!("indicator {}", indicator.number),
            &format!(
                "{}.{}。{}",
                indicator.number, indicator.title, indicator.explanation
            ),
        );
    }
    verbatim.assert_all_found();
}

#[test]
fn footnote_one_is_verbatim_and_hangs_on_indicator_8() {
    let catalogue = &PROJECT.catalogue;
    assert_eq!(catalogue.footnotes.len(), 1);
    let footnote = &catalogue.footnotes[0];
    assert_eq!((footnote.number, footnote.marker.as_str()), (1, "①"));
    assert_eq!(footnote.indicator, 8);
    let mut verbatim = Verbatim::default();
    verbatim.check("footnote 1", &format!("①{}", footnote.text));
    verbatim.assert_all_found();

    let marked: Vec<u32> = catalogue
        .indicators
        .iter()
        .filter(|i| i.explanation.contains('①'))
        .map(|i| i.number)
        .collect();
    assert_eq!(marked, [8], "only indicator 8 carries the marker");
    assert_eq!(catalogue.indicator(8).unwrap().footnotes, [1]);
}

#[test]
fn the_notice_and_overview_are_verbatim() {
    let catalogue = &PROJECT.catalogue;
    let notice = &catalogue.notice;
    let mut verbatim = Verbatim::default();
    verbatim.check("notice title", &notice.title);
    verbatim.check("issuer", &notice.issuer);
    verbatim.check("document number", &notice.document_number);
    assert_eq!(notice.document_number, "人社厅函〔2024〕130号");
    let disclosure = notice.disclosure.as_deref().expect("the notice is public");
    verbatim.check("disclosure", &format!("({disclosure})"));
    let contact = notice
        .contact
        .as_deref()
        .expect("the notice names a contact");
    verbatim.check("contact", &format!("(联系单位：{contact})"));
    let consequences = &notice.consequences;
    for (what, text) in [
        ("excellent", &consequences.excellent),
        ("fail", &consequences.fail),
        ("serious", &consequences.serious),
        ("criminal", &consequences.criminal),
    ] {
        verbatim.check(&format!("consequence {what}"), text);
    }
    let paragraphs: Vec<&str> = notice
        .body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    assert_eq!(paragraphs.len(), 3, "salutation and two paragraphs");
    for (n, paragraph) in paragraphs.iter().enumerate() {
        verbatim.check(&format!("notice paragraph {}", n + 1), paragraph);
    }
    verbatim.check("overview title", &catalogue.overview.title);
    verbatim.check("overview", &catalogue.overview.body);
    verbatim.assert_all_found();
}

/// The published tables; derived rubrics are ours and not in the source.
fn official() -> impl Iterator<Item = &'static Rubric> {
    PROJECT
        .rubrics
        .iter()
        .filter(|r| r.kind == Kind::Official)
        .map(|r| &**r)
}

#[test]
fn the_official_rubrics_are_annex_1_and_annex_2() {
    let ids: Vec<&str> = official().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["annex-1", "annex-2"]);
    for rubric in official() {
        let annex = rubric.id.trim_start_matches("annex-");
        assert_eq!(
            rubric.source.as_deref(),
            Some(format!("人社厅函〔2024〕130号 附件{annex}").as_str())
        );
    }
}

fn points(value: f64) -> Points {
    Points::from_f64(value).unwrap()
}

/// (stage, points, [(group, points)]), as published.
type Layout = Vec<(Option<&'static str>, f64, Vec<(&'static str, f64)>)>;
/// The same, as the model has it.
type Shape<'a> = Vec<(Option<&'a str>, Points, Vec<(&'a str, Points)>)>;

fn layout(rubric: &Rubric) -> Shape<'_> {
    rubric
        .stages
        .iter()
        .map(|s| {
            let groups = s
                .groups
                .iter()
                .map(|g| (g.title.as_str(), g.points))
                .collect();
            (s.title.as_deref(), s.points, groups)
        })
        .collect()
}

fn published(layout: Layout) -> Shape<'static> {
    layout
        .into_iter()
        .map(|(stage, p, groups)| {
            let groups = groups.into_iter().map(|(g, p)| (g, points(p))).collect();
            (stage, points(p), groups)
        })
        .collect()
}

#[test]
fn annex_1_has_the_published_stages_groups_and_subtotals() {
    let rubric = PROJECT.rubric("annex-1").expect("annex-1 is bundled");
    assert_eq!(rubric.title, "技能人才评价活动现场质量督导评分表");
    assert_eq!(rubric.label.as_deref(), Some("示例"));
    assert_eq!(rubric.kind, Kind::Official);
    assert!(rubric.has_stages);
    assert_eq!(rubric.total, points(100.0));
    assert_eq!(
        layout(rubric),
        published(vec![
            (
                Some("考前"),
                28.0,
                vec![
                    ("机构信用", 3.0),
                    ("评价方案", 5.0),
                    ("信息公开", 5.0),
                    ("场地设备管理", 7.0),
                    ("考务管理", 8.0),
                ],
            ),
            (
                Some("考中"),
                52.0,
                vec![
                    ("考场工作人员配备", 8.0),
                    ("考务管理", 15.0),
                    ("考评组织实施", 23.0),
                    ("内部督导", 6.0),
                ],
            ),
            (
                Some("考后"),
                20.0,
                vec![("反馈机制", 10.0), ("分析改进", 10.0)],
            ),
        ])
    );
    assert_eq!(rubric.rows().count(), 25);
    assert_eq!(rubric.criteria().count(), 42);
    assert_eq!(rubric.veto.as_ref().map(|v| v.items.len()), Some(1));
    assert_eq!(rubric.notes.len(), 5);
}

#[test]
fn annex_2_has_four_groups_of_25() {
    let rubric = PROJECT.rubric("annex-2").expect("annex-2 is bundled");
    assert_eq!(rubric.title, "职业技能等级认定机构命题质量专项督导评分表");
    assert_eq!(rubric.label.as_deref(), Some("示例"));
    assert_eq!(rubric.kind, Kind::Official);
    assert!(!rubric.has_stages, "附件2 has no 环节 column");
    assert_eq!(rubric.total, points(100.0));
    assert_eq!(
        layout(rubric),
        published(vec![(
            None,
            100.0,
            vec![
                ("命题管理的规范性", 25.0),
                ("考评蓝图的合理性", 25.0),
                ("试题试卷的科学性", 25.0),
                ("题库卷库的完备性", 25.0),
            ],
        )])
    );
    assert_eq!(rubric.rows().count(), 24);
    assert_eq!(rubric.criteria().count(), 24);
    assert_eq!(rubric.veto.as_ref().map(|v| v.items.len()), Some(4));
    assert_eq!(rubric.notes.len(), 5);
}

#[test]
fn every_subtotal_is_the_sum_of_its_parts() {
    for rubric in &PROJECT.rubrics {
        let stages: Points = rubric.stages.iter().map(|s| s.points).sum();
        assert_eq!(stages, rubric.total, "{} total", rubric.id);
        for stage in &rubric.stages {
            let groups: Points = stage.groups.iter().map(|g| g.points).sum();
            assert_eq!(groups, stage.points, "{} stage {}", rubric.id, stage.id);
            for group in &stage.groups {
                let rows: Points = group.rows.iter().map(|r| r.points).sum();
                assert_eq!(rows, group.points, "{} group {}", rubric.id, group.id);
                for row in &group.rows {
                    let criteria: Points = row.criteria.iter().map(|c| c.points).sum();
                    assert_eq!(criteria, row.points, "{} row {}", rubric.id, row.id);
                }
            }
        }
    }
}

#[test]
fn rubric_texts_and_points_are_verbatim_and_in_the_sources_order() {
    let mut verbatim = Verbatim::default();
    for rubric in official() {
        let id = &rubric.id;
        let label = rubric.label.as_deref().unwrap_or_default();
        verbatim.check(
            &format!("{id} title"),
            &format!("{}({label})", rubric.title),
        );
        verbatim.check(&format!("{id} scoring rule"), &rubric.scoring_rule);
        assert_eq!(
            rubric.header_fields,
            [
                "被督导机构名称",
                "机构备案号",
                "督导日期",
                "时间",
                "督导(组)员"
            ],
            "{id}"
        );
        for field in &rubric.header_fields {
            verbatim.check(&format!("{id} header field"), &format!("{field}："));
        }
        for stage in &rubric.stages {
            if let Some(title) = &stage.title {
                verbatim.check(
                    &format!("{id} stage {}", stage.id),
                    &format!("{title}({}分)", stage.points),
                );
            }
            for group in &stage.groups {
                // Title, subtotal and first row title sit side by side in the table.
                verbatim.check(
                    &format!("{id} group {}", group.id),
                    &format!("{}({}分){}", group.title, group.points, group.rows[0].title),
                );
                for row in &group.rows {
                    verbatim.check(
                        &format!("{id} row {}", row.id),
                        &format!("{}{}", row.title, row.criteria[0].text),
                    );
                }
            }
        }

        // Each criterion is followed by its points, and they come in table order.
        let mut from = 0;
        for criterion in rubric.criteria() {
            let cell = as_in_source(&format!("{}{}", criterion.text, criterion.points));
            match SOURCE[from..].find(&cell) {
                Some(at) => from += at + cell.len(),
                None => verbatim.missing.push(format!(
                    "{id} criterion {} (with its points {}, after the previous criterion): {}",
                    criterion.id, criterion.points, criterion.text
                )),
            }
        }

        let veto = rubric.veto.as_ref().expect("both annexes have 不合格项");
        verbatim.check(&format!("{id} veto title"), &veto.title);
        if let Some(intro) = &veto.intro {
            verbatim.check(&format!("{id} veto intro"), intro);
        }
        for (n, item) in (1..).zip(&veto.items) {
            let text = if veto.items.len() > 1 {
                format!("{n}.{}", item.text)
            } else {
                item.text.clone()
            };
            verbatim.check(&format!("{id} veto {}", item.id), &text);
        }
        for (n, note) in (1..).zip(&rubric.notes) {
            verbatim.check(&format!("{id} 备注 {n}"), &format!("{n}.{note}"));
        }
        for band in &rubric.bands {
            if let Some(consequence) = &band.consequence {
                verbatim.check(&format!("{id} band {}", band.id), consequence);
            }
        }
    }
    verbatim.assert_all_found();
}

#[test]
fn every_rubric_bands_at_85_and_60_as_the_notice_says() {
    assert!(SOURCE.contains("本表督导评分结果≥85分为优良"));
    assert!(SOURCE.contains("督导评分结果<60分为不合格"));
    for rubric in &PROJECT.rubrics {
        let bands: Vec<(&str, &str, Points)> = rubric
            .bands
            .iter()
            .map(|b| (b.id.as_str(), b.label.as_str(), b.min))
            .collect();
        assert_eq!(
            bands,
            [
                ("excellent", "优良", points(85.0)),
                ("pass", "合格", points(60.0)),
                ("fail", "不合格", points(0.0)),
            ],
            "{}",
            rubric.id
        );
    }
}

#[test]
fn every_rubric_row_resolves_to_catalogue_indicators() {
    let catalogue = &PROJECT.catalogue;
    for rubric in &PROJECT.rubrics {
        for (_, _, row) in rubric.rows() {
            assert!(!row.indicators.is_empty(), "{} row {}", rubric.id, row.id);
            for number in &row.indicators {
                assert!(
                    catalogue.indicator(*number).is_some(),
                    "{} row {} names indicator {number}",
                    rubric.id,
                    row.id
                );
            }
        }
    }
}

#[test]
fn used_by_backlinks_are_exactly_the_rows_that_name_the_indicator() {
    for indicator in &PROJECT.catalogue.indicators {
        let expected: Vec<RowRef> = PROJECT
            .rubrics
            .iter()
            .flat_map(|rubric| {
                rubric
                    .rows()
                    .filter(|(_, _, row)| row.indicators.contains(&indicator.number))
                    .map(|(_, _, row)| RowRef {
                        rubric: rubric.id.clone(),
                        row: row.id.clone(),
                    })
            })
            .collect();
        assert_eq!(
            indicator.used_by, expected,
            "indicator {}",
            indicator.number
        );
    }
    // Spot checks against the table: 12 (试题资源) is the heart of 附件2.
    let twelve = PROJECT.catalogue.indicator(12).unwrap();
    assert!(
        twelve
            .used_by
            .iter()
            .filter(|r| r.rubric == "annex-2")
            .count()
            >= 20
    );
    let first = PROJECT.catalogue.indicator(1).unwrap();
    let in_annexes: Vec<&RowRef> = first
        .used_by
        .iter()
        .filter(|r| r.rubric.starts_with("annex-"))
        .collect();
    assert_eq!(
        in_annexes,
        [&RowRef {
            rubric: "annex-1".into(),
            row: "basic-info".into()
        }]
    );
}

#[test]
fn editorial_notes_are_marked_as_ours() {
    let mut notes: Vec<&str> = Vec::new();
    let catalogue = &PROJECT.catalogue;
    notes.extend(
        catalogue
            .groups
            .iter()
            .filter_map(|g| g.editorial_note.as_deref()),
    );
    notes.extend(
        catalogue
            .indicators
            .iter()
            .filter_map(|i| i.editorial_note.as_deref()),
    );
    for rubric in &PROJECT.rubrics {
        notes.extend(rubric.editorial_notes.iter().map(String::as_str));
        for stage in &rubric.stages {
            notes.extend(stage.editorial_note.as_deref());
            for group in &stage.groups {
                notes.extend(group.editorial_note.as_deref());
                for row in &group.rows {
                    notes.extend(row.editorial_note.as_deref());
                    notes.extend(
                        row.criteria
                            .iter()
                            .filter_map(|c| c.editorial_note.as_deref()),
                    );
                }
            }
        }
        for note in &rubric.notes {
            assert!(
                !note.starts_with("编者注"),
                "official 备注 marked as ours: {note}"
            );
        }
    }
    assert!(
        notes.len() >= 10,
        "the bundled content carries editorial notes"
    );
    for note in notes {
        assert!(
            note.starts_with("编者注："),
            "unmarked editorial note: {note}"
        );
    }
}

/// Words in a derived rubric's rationale set in quotes that are not quotes
/// of the notice: a phrase of ours in scare quotes, the name of a record,
/// and the short names of two criteria combined-venue adds.
const NOT_QUOTES_OF_THE_NOTICE: [&str; 4] = [
    "核得清不清",
    "考评记录",
    "科目衔接与考生分流",
    "各科目成绩分别记录、合成",
];

/// Every “…” in a derived rubric's rationales quotes the notice exactly,
/// punctuation included (the notice's ASCII commas and brackets stay
/// ASCII), or names a table part of our own.
#[test]
fn derived_rationales_quote_the_notice_exactly() {
    let project = &*PROJECT;
    let ours: std::collections::BTreeSet<String> = project
        .rubrics
        .iter()
        .flat_map(|r| {
            let mut names = vec![r.title.clone()];
            for stage in &r.stages {
                for group in &stage.groups {
                    names.push(group.title.clone());
                    for row in &group.rows {
                        names.push(row.title.clone());
                        names.extend(row.criteria.iter().map(|c| c.text.clone()));
                    }
                }
            }
            names
        })
        .map(|name| strip(name.trim_end_matches('。')))
        .collect();
    let mut problems = Vec::new();
    for rubric in project.rubrics.iter().filter(|r| r.kind == Kind::Derived) {
        let mut rationales: Vec<&str> = rubric.rationale.iter().map(String::as_str).collect();
        for stage in &rubric.stages {
            rationales.extend(stage.rationale.as_deref());
            for group in &stage.groups {
                rationales.extend(group.rationale.as_deref());
                for row in &group.rows {
                    rationales.extend(row.rationale.as_deref());
                    rationales.extend(row.criteria.iter().filter_map(|c| c.rationale.as_deref()));
                }
            }
        }
        if let Some(veto) = &rubric.veto {
            rationales.extend(veto.items.iter().filter_map(|i| i.rationale.as_deref()));
        }
        for text in rationales {
            for quoted in text.split('“').skip(1).filter_map(|q| q.split('”').next()) {
                let quoted_stripped = strip(quoted);
                if !SOURCE.contains(&quoted_stripped)
                    && !ours.contains(&quoted_stripped)
                    && !NOT_QUOTES_OF_THE_NOTICE.contains(&quoted)
                {
                    problems.push(format!("{}: “{quoted}”", rubric.id));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "quotes that are not the notice's words:\n{}",
        problems.join("\n")
    );
}

/// The requirements page's answers to questions the notice leaves open
/// quote the indicator they cite verbatim.
#[test]
fn questions_left_to_other_rules_quote_their_indicator() {
    for q in dudao::model::LEFT_TO_OTHER_RULES {
        let indicator = PROJECT
            .catalogue
            .indicators
            .iter()
            .find(|i| i.number == q.indicator)
            .expect("the indicator exists");
        assert!(
            strip(&indicator.explanation).contains(&strip(q.quote)),
            "{}: not in indicator {}",
            q.quote,
            q.indicator
        );
    }
}
