//! Unit tests of reading, checking and scoring assessment files.

use std::path::Path;

use serde_json::{Value, json};

use super::*;
use crate::model::Points;

fn project_rubric(id: &str) -> Rubric {
    let (project, _) = crate::load_project(Path::new(env!("CARGO_MANIFEST_DIR")))
        .expect("the bundled project loads");
    project.rubric(id).expect("bundled rubric").clone()
}

/// A complete version-2 file for annex-1: every criterion 符合 except the
/// first (不符合) and the second (基本符合, half its points).
fn sample(rubric: &Rubric) -> Value {
    let mut answers = serde_json::Map::new();
    let mut criteria = rubric.criteria();
    let first = criteria.next().unwrap();
    answers.insert(first.id.clone(), json!({"status": "none"}));
    let second = criteria.next().unwrap();
    let half = second.points.halves() / 2;
    answers.insert(
        second.id.clone(),
        json!({"status": "partial", "score": f64::from(half) / 2.0, "justification": "缺少应急预案"}),
    );
    for c in criteria {
        answers.insert(c.id.clone(), json!({"status": "full", "by": "张三"}));
    }
    let mut file = json!({
        "format": "dudao-assessment", "version": 2, "id": "a-20250318-7f3k2q9x",
        "name": "测试", "created_at": "2025-03-18T01:02:03.000Z",
        "updated_at": "2025-03-18T08:29:00.000Z", "exported_at": "2025-03-18T08:30:00.000Z",
        "rubric": rubric, "assessors": ["张三"],
        "header": {"被督导机构名称": "某市职业技能评价中心"},
        "answers": answers, "veto": {}, "photos": {}, "merged_from": [],
        "rectification": null, "follow_up_of": null,
        "totals": {"total": 0, "max": 0, "band": "", "vetoed": false, "answered": 0, "criteria": 0, "stages": {}, "groups": {}},
    });
    let parsed: FileV2<IgnoredAny> = serde_json::from_value(file.clone()).unwrap();
    let score = score::evaluate(&parsed.rubric, &parsed.answers, &parsed.veto).unwrap();
    let t = score.totals();
    file["totals"] = json!({
        "total": t.total, "max": t.max, "band": t.band, "vetoed": t.vetoed,
        "answered": t.answered, "criteria": t.criteria, "stages": t.stages, "groups": t.groups,
    });
    file
}

fn read(file: &Value) -> Result<Assessment, ReadError> {
    Reader::new().read_bytes(Path::new("x.json"), file.to_string().as_bytes())
}

#[test]
fn reads_a_complete_version_2_file_and_scores_it_like_scoring_js() {
    let rubric = project_rubric("annex-1");
    let file = sample(&rubric);
    let a = read(&file).expect("valid");
    let first = rubric.criteria().next().unwrap().points.halves();
    let second = rubric.criteria().nth(1).unwrap().points.halves();
    assert_eq!(a.score.max_halves, rubric.total.halves());
    assert_eq!(
        a.score.total_halves,
        rubric.total.halves() - first - (second - second / 2)
    );
    assert_eq!(a.score.answered, a.score.count);
    assert_eq!(a.score.criteria[0].lost_halves, first);
    assert_eq!(a.header["被督导机构名称"], "某市职业技能评价中心");
}

#[test]
fn a_changed_rubric_without_a_new_hash_is_tampered() {
    let rubric = project_rubric("annex-1");
    let mut file = sample(&rubric);
    file["rubric"]["stages"][0]["groups"][0]["rows"][0]["criteria"][0]["text"] = json!("改过的");
    let err = read(&file).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Tampered);
    assert!(
        err.to_string()
            .starts_with("x.json: the embedded rubric `annex-1` does not match"),
        "{err}"
    );
}

#[test]
fn edited_totals_are_tampered() {
    let rubric = project_rubric("annex-1");
    let mut file = sample(&rubric);
    file["totals"]["total"] = json!(100);
    let err = read(&file).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Tampered, "{err}");
}

#[test]
fn a_rubric_that_fails_dudao_check_is_refused_even_with_a_matching_hash() {
    let mut rubric = project_rubric("annex-1");
    rubric.stages[0].points = Points(1);
    rubric.content_hash = crate::validate::content_hash(&rubric);
    let err = read(&sample(&rubric)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidRubric, "{err}");
    assert!(err.message.contains("fails dudao check"), "{err}");
}

#[test]
fn every_bundled_rubric_passes_the_embedded_check() {
    let (project, _) = crate::load_project(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    for rubric in &project.rubrics {
        assert_eq!(
            rubric_check::problems(rubric),
            Vec::<String>::new(),
            "{}",
            rubric.id
        );
    }
}

#[test]
fn future_old_and_foreign_files_get_their_own_reasons() {
    let kind = |text: &str| {
        Reader::new()
            .read_bytes(Path::new("f.json"), text.as_bytes())
            .unwrap_err()
            .kind
    };
    assert_eq!(kind("not json"), ErrorKind::NotJson);
    assert_eq!(kind("[1]"), ErrorKind::NotJson);
    assert_eq!(kind(r#"{"format":"x"}"#), ErrorKind::NotAssessment);
    assert_eq!(
        kind(r#"{"format":"dudao-assessment","version":1}"#),
        ErrorKind::OldVersion
    );
    assert_eq!(
        kind(r#"{"format":"dudao-assessment","version":3}"#),
        ErrorKind::FutureVersion
    );
    assert_eq!(
        kind(r#"{"format":"dudao-assessment","version":"2"}"#),
        ErrorKind::Schema
    );
}

#[test]
fn unknown_fields_and_proto_keys_are_refused() {
    let rubric = project_rubric("annex-1");
    let mut file = sample(&rubric);
    file["__proto__"] = json!({});
    assert_eq!(read(&file).unwrap_err().kind, ErrorKind::Schema);
    let mut file = sample(&rubric);
    let id = rubric.criteria().nth(2).unwrap().id.clone();
    file["answers"][&id]["score"] = json!(1);
    let err = read(&file).unwrap_err();
    assert!(err.message.contains(&id), "{err}");
}

#[test]
fn a_veto_forces_the_lowest_band() {
    let rubric = project_rubric("annex-1");
    let veto_id = rubric.veto.as_ref().unwrap().items[0].id.clone();
    let mut file = sample(&rubric);
    file["veto"] = json!({ &veto_id: {"ticked": true, "description": "伪造材料"} });
    file["totals"]["band"] = json!("fail");
    file["totals"]["vetoed"] = json!(true);
    let a = read(&file).expect("valid");
    assert_eq!(a.score.band, "fail");
    assert_eq!(a.vetoed, vec![veto_id]);
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(MAX_FILE_BYTES + 1).unwrap();
    let err = Reader::new().read_path(&path).unwrap_err();
    assert_eq!(err.kind, ErrorKind::TooLarge);
}

#[test]
fn a_derived_field_that_disagrees_with_the_rows_is_refused() {
    let mut rubric = project_rubric("annex-1");
    rubric.stages[0].groups[0].rows[0].points = Points(1);
    rubric.content_hash = crate::validate::content_hash(&rubric);
    let err = read(&sample(&rubric)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidRubric, "{err}");
}

#[test]
fn photo_bytes_are_kept_only_when_asked_for() {
    let rubric = project_rubric("annex-1");
    let mut file = sample(&rubric);
    let id = rubric.criteria().nth(3).unwrap().id.clone();
    file["photos"] = json!({"p-1": {"type": "image/jpeg", "width": 10, "height": 10, "bytes": 4,
        "caption": "3号工位", "added_at": "2025-03-18T02:00:00.000Z", "by": "张三", "data": "/9j/4A=="}});
    file["answers"][&id]["photos"] = json!(["p-1"]);
    let plain = read(&file).unwrap();
    assert_eq!(plain.photos["p-1"].data, None);
    assert_eq!(plain.photos["p-1"].caption.as_deref(), Some("3号工位"));
    assert_eq!(plain.answers[&id].photos, ["p-1"]);
    let full = Reader::with_photos()
        .read_bytes(Path::new("x.json"), file.to_string().as_bytes())
        .unwrap();
    assert_eq!(full.photos["p-1"].data.as_deref(), Some("/9j/4A=="));

    file["answers"][&id]["photos"] = json!(["p-2"]);
    let err = read(&file).unwrap_err();
    assert!(err.message.contains("names photo `p-2`"), "{err}");
}
