//! Unit tests of the 督导意见书 / 整改通知书 findings and documents.

use std::path::Path;

use serde_json::{Value, json};

use super::blocks::{Block, Kind, blocks};
use super::model::{self, deadline_problem, findings, is_date};
use super::*;

/// A two-criterion rubric with one veto item, in the `dudao dump` shape.
fn mini_rubric() -> crate::model::Rubric {
    let criterion = |id: &str, text: &str, points: u32| json!({"id": id, "text": text, "points": points, "editorial_note": null, "rationale": null});
    let mut rubric: crate::model::Rubric = serde_json::from_value(json!({
        "id": "mini", "title": "小评分表", "label": null, "kind": "official", "source": "测试",
        "based_on": null, "rationale": null, "total": 5, "scoring_rule": "-",
        "header_fields": ["被督导机构名称", "督导日期", "督导(组)员"], "has_stages": false,
        "stages": [{"id": "main", "title": null, "points": 5, "editorial_note": null, "rationale": null,
            "groups": [{"id": "g", "title": "管理", "points": 5, "editorial_note": null, "rationale": null,
                "rows": [{"id": "r", "title": "制度", "indicators": [3, 4], "points": 5,
                    "editorial_note": null, "rationale": null,
                    "criteria": [criterion("rules", "制度健全。", 3), criterion("files", "档案完整。", 2)]}]}]}],
        "veto": {"title": "不合格项", "intro": null, "items": [{"id": "fraud", "text": "伪造材料。", "rationale": null}]},
        "bands": [{"id": "excellent", "label": "优良", "min": 4, "consequence": null},
                  {"id": "pass", "label": "合格", "min": 3, "consequence": null},
                  {"id": "fail", "label": "不合格", "min": 0, "consequence": null}],
        "notes": [], "editorial_notes": [], "content_hash": "",
    }))
    .expect("the mini rubric");
    rubric.content_hash = crate::validate::content_hash(&rubric);
    rubric
}

/// A version-2 file of the mini rubric, its totals those of its answers.
fn doc(answers: Value, veto: Value, rectification: Value) -> Value {
    let rubric = mini_rubric();
    let score = crate::assessment::score::evaluate(
        &rubric,
        &serde_json::from_value(answers.clone()).expect("answers"),
        &serde_json::from_value(veto.clone()).expect("veto"),
    )
    .expect("valid answers");
    let t = score.totals();
    json!({
        "format": "dudao-assessment", "version": 2, "id": "a-test-0001",
        "rubric": rubric,
        "header": {"被督导机构名称": "甲机构", "督导日期": "2025-03-18", "督导(组)员": "张三"},
        "answers": answers, "veto": veto, "photos": {}, "rectification": rectification,
        "totals": {"total": t.total, "max": t.max, "band": t.band, "vetoed": t.vetoed,
            "answered": t.answered, "criteria": t.criteria, "stages": t.stages, "groups": t.groups},
    })
}

fn assessment(value: Value) -> Assessment {
    crate::assessment::Reader::with_photos()
        .read_bytes(Path::new("a.json"), value.to_string().as_bytes())
        .expect("a valid test document")
}

fn texts(kind: Kind, a: &Assessment) -> String {
    let f = findings(a);
    html::article(kind, &blocks(kind, &f))
}

#[test]
fn points_print_as_the_browser_prints_them() {
    let points = |h| crate::model::Points(h).to_string();
    assert_eq!(
        [points(0), points(1), points(170), points(187)],
        ["0", "0.5", "85", "93.5"]
    );
}

#[test]
fn only_real_calendar_dates_are_dates() {
    assert!(is_date("2024-02-29"));
    assert!(!is_date("2025-02-29"));
    assert!(!is_date("2025-13-01"));
    assert!(!is_date("2025-3-1"));
}

#[test]
fn a_deadline_before_the_supervision_date_is_named_with_both_dates() {
    assert_eq!(
        deadline_problem(Some("2025-03-01"), "2025-03-18").as_deref(),
        Some("整改期限 2025-03-01 早于督导日期 2025-03-18，请改为督导日期之后的日期。")
    );
    assert_eq!(deadline_problem(Some("2025-04-18"), "2025-03-18"), None);
    assert_eq!(deadline_problem(None, "2025-03-18"), None);
}

#[test]
fn lost_criteria_rank_by_points_lost_and_each_becomes_an_item() {
    let a = assessment(doc(
        json!({"rules": {"status": "partial", "score": 2.5, "justification": "缺一项"}, "files": {"status": "none"}}),
        json!({}),
        Value::Null,
    ));
    let f = findings(&a);
    assert_eq!(f.total, "2.5");
    assert_eq!(f.band.label, "不合格");
    let ranked: Vec<(usize, &str)> = f.lost.iter().map(|c| (c.rank, c.text.as_str())).collect();
    assert_eq!(ranked, [(1, "档案完整。"), (2, "制度健全。")]);
    let ids: Vec<&str> = f.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["c-files", "c-rules"]);
    assert_eq!(
        f.items[1].problem,
        "评为“基本符合”，得 2.5 / 3 分；理由：缺一项"
    );
    assert_eq!(
        f.items[1].requirement,
        "管理 › 制度：制度健全。（对应指标 3、4）"
    );
    assert_eq!(f.consequences, [model::NOTICE_FAIL]);
}

#[test]
fn a_partial_assessment_is_provisional_and_says_so() {
    let a = assessment(doc(
        json!({"rules": {"status": "full"}}),
        json!({}),
        Value::Null,
    ));
    let f = findings(&a);
    assert_eq!(f.warnings, ["尚有 1 项未评分或未填完，得分和等级为暂定。"]);
    assert!(texts(Kind::Opinion, &a).contains("尚有 1 项未评分或未填完，以上得分和等级为暂定。"));
}

#[test]
fn no_lost_points_gives_a_notice_with_nothing_to_rectify() {
    let a = assessment(doc(
        json!({"rules": {"status": "full"}, "files": {"status": "full"}}),
        json!({}),
        Value::Null,
    ));
    let notice = texts(Kind::Notice, &a);
    assert!(notice.contains("本次督导未发现需要整改的问题，无需报送整改报告。"));
    assert!(!notice.contains("doc-items"));
    assert!(texts(Kind::Opinion, &a).contains("已评分的各项均未失分。"));
}

#[test]
fn a_veto_without_description_is_flagged_and_gets_a_placeholder() {
    let a = assessment(doc(
        json!({"rules": {"status": "full"}, "files": {"status": "full"}}),
        json!({"fraud": {"ticked": true}}),
        Value::Null,
    ));
    let f = findings(&a);
    assert!(f.vetoed);
    assert_eq!(f.warnings, ["不合格项第 1 项未填写行为描述。"]);
    assert_eq!(
        f.consequences,
        [
            model::NOTICE_FAIL,
            model::NOTICE_SERIOUS,
            model::NOTICE_CRIME
        ]
    );
    let opinion = texts(Kind::Opinion, &a);
    assert!(opinion.contains("行为描述：（未填写，请督导组补充查实的行为和证据）"));
    assert!(opinion.contains(model::CITATION));
}

#[test]
fn stored_tracking_fills_deadline_and_owner_and_is_never_dropped() {
    let a = assessment(doc(
        json!({"rules": {"status": "full"}, "files": {"status": "none"}}),
        json!({}),
        json!({"issued_at": "2025-03-18T00:00:00Z", "items": [
            {"id": "c-files", "source": {"kind": "criterion", "id": "files"}, "status": "open",
                "deadline": "2025-03-01", "owner": "王五"},
            {"id": "c-rules", "source": {"kind": "criterion", "id": "rules"}, "status": "open",
                "problem": "旧问题", "requirement": "旧要求", "deadline": null, "owner": ""}]}),
    ));
    let f = findings(&a);
    assert_eq!(f.items.len(), 2);
    assert_eq!(f.items[0].owner, "王五");
    assert_eq!(f.items[1].problem, "旧问题");
    assert_eq!(
        f.warnings,
        ["整改项 c-files：整改期限 2025-03-01 早于督导日期 2025-03-18，请改为督导日期之后的日期。"]
    );
    let blocks = blocks(Kind::Notice, &f);
    let table = blocks.iter().find_map(|b| match b {
        Block::Table { rows, .. } => Some(rows),
        _ => None,
    });
    assert_eq!(table.expect("the items table")[0][3], ["2025-03-01"]);
}

#[test]
fn a_version_1_file_is_refused_with_what_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.json");
    std::fs::write(&path, r#"{"format": "dudao-assessment", "version": 1}"#).expect("write");
    let err = read_assessment(&path).expect_err("refused");
    assert!(
        err.message.starts_with("a version 1 file"),
        "{}",
        err.message
    );
    assert_eq!(err.help, EXPORT_HELP);
}

#[test]
fn invalid_json_is_refused_with_its_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bad.json");
    std::fs::write(&path, "{\n  \"format\": ,\n}").expect("write");
    let err = read_assessment(&path).expect_err("refused");
    assert!(err.message.contains("line 2 column 13"), "{}", err.message);
    assert_eq!(err.file, path);
    let shown = err.to_string();
    assert!(shown.starts_with(&format!("error: {}: ", path.display())));
    assert!(shown.contains("\n  help: pass the .json file exported from the browser"));
}

#[test]
fn existing_documents_are_not_overwritten_without_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = Path::new("a.json");
    let a = assessment(doc(
        json!({"rules": {"status": "full"}, "files": {"status": "none"}}),
        json!({}),
        Value::Null,
    ));
    let out = dir.path().join("out");
    let (paths, _) = write_documents(input, &a, &out, false).expect("first run");
    assert_eq!(paths.len(), 4);
    std::fs::write(&paths[0], b"edited in Word").expect("edit");
    let err = write_documents(input, &a, &out, false).expect_err("second run refused");
    assert!(err.message.contains("not overwritten"));
    assert_eq!(std::fs::read(&paths[0]).expect("read"), b"edited in Word");
    write_documents(input, &a, &out, true).expect("forced");
    assert_ne!(std::fs::read(&paths[0]).expect("read"), b"edited in Word");
}

#[test]
fn a_photo_becomes_a_picture_in_both_docx_with_its_caption_under_it() {
    const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    let mut value = doc(
        json!({"rules": {"status": "none", "photos": ["p-1"]}, "files": {"status": "full"}}),
        json!({}),
        Value::Null,
    );
    value["photos"] = json!({"p-1": {"type": "image/png", "caption": "制度汇编", "data": PNG}});
    let f = findings(&assessment(value));
    for (kind, caption) in [
        (Kind::Opinion, "照片：制度汇编"),
        (Kind::Notice, "整改项 1 照片：制度汇编"),
    ] {
        let parts = docx::parts(&blocks(kind, &f));
        let part = |name: &str| {
            let bytes = &parts.iter().find(|(n, _)| n == name).expect(name).1;
            String::from_utf8(bytes.clone()).expect("XML")
        };
        let media = &parts.last().expect("parts");
        assert_eq!(media.0, "word/media/image1.png");
        assert_eq!(Some(media.1.clone()), picture::decode_base64(PNG));
        assert!(
            part("[Content_Types].xml")
                .contains("<Default Extension=\"png\" ContentType=\"image/png\"/>")
        );
        assert!(part("word/_rels/document.xml.rels").contains("<Relationship Id=\"rIdImage1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/image1.png\"/>"));
        let document = part("word/document.xml");
        let picture = document
            .find("<a:blip r:embed=\"rIdImage1\"/>")
            .expect("the picture");
        let under = document[picture..]
            .find(&format!("<w:t xml:space=\"preserve\">{caption}</w:t>"))
            .expect("its caption under it");
        assert!(!document[picture..picture + under].contains("<w:t "));
        assert!(document.contains("<wp:extent cx=\"9525\" cy=\"9525\"/>"));
    }
}
