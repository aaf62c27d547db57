//! `dudao summarize` end to end: files made by scripts/gen-assessments.mjs
//! (totals computed by the site's scoring.js) are read, verified and scored
//! by src/assessment.rs, and the outputs hold the same numbers.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn summarize(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dudao"))
        .arg("summarize")
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("dudao runs")
}

/// Generates assessment files with the browser's scoring code (Node).
fn generate(out: &Path, extra: &[&str]) {
    let status = Command::new("node")
        .arg("scripts/gen-assessments.mjs")
        .args([
            "--out",
            out.to_str().unwrap(),
            "--bin",
            env!("CARGO_BIN_EXE_dudao"),
        ])
        .args(extra)
        .current_dir(common::manifest_dir())
        .status()
        .expect("node runs (the browser tests need it too)");
    assert!(status.success());
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn rust_scores_files_exactly_as_scoring_js_did_and_lists_the_bad_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let round = tmp.path().join("round");
    let args =
        "--count 40 --seed 3 --rubrics annex-1,annex-2,theory-venue --tampered 2 --duplicates 1";
    generate(&round, &args.split(' ').collect::<Vec<_>>());
    let out = tmp.path().join("out");
    let run = summarize(
        &[round.to_str().unwrap(), "--output", out.to_str().unwrap()],
        tmp.path(),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("评估-改动-1.json: the totals in the file"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "评估-改动-2.json: the embedded rubric `annex-2` does not match its content_hash"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("duplicate: ") && stderr.contains("评估-副本-1.json"),
        "{stderr}"
    );

    let summary = json(&out.join("summary.json"));
    assert_eq!(summary["format"], "dudao-summary");
    assert_eq!(summary["files"]["read"], 43);
    assert_eq!(summary["files"]["accepted"], 40);
    let kinds: Vec<&str> = summary["files"]["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["tampered", "tampered"]);
    let ids: Vec<&str> = summary["rubrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["annex-1", "annex-2", "theory-venue"]);

    // Every institution's total and band are those scoring.js wrote into its file.
    let mut checked = 0;
    for rubric in summary["rubrics"].as_array().unwrap() {
        let mut assessments = 0;
        for inst in rubric["institutions"].as_array().unwrap() {
            let file = json(Path::new(inst["file"].as_str().unwrap()));
            assert_eq!(inst["total"], file["totals"]["total"]);
            assert_eq!(inst["band"], file["totals"]["band"]);
            assert_eq!(inst["answered"], file["totals"]["answered"]);
            assessments += inst["timeline"].as_array().unwrap().len();
            checked += 1;
        }
        assert_eq!(rubric["assessments"], assessments);
        let bands: u64 = rubric["bands"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(
            bands as usize,
            rubric["institutions"].as_array().unwrap().len()
        );
    }
    assert!(checked >= 30, "{checked}");

    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("<h1>督导汇总</h1>") && !page.contains("<script"));
    assert!(page.contains("data-refused=\"tampered\""));
    let csv = std::fs::read(out.join("summary.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF\xE8\xAF\x84\xE5\x88\x86\xE8\xA1\xA8,")); // BOM + 评分表,
    let xlsx = std::fs::File::open(out.join("summary.xlsx")).unwrap();
    let archive = zip::ZipArchive::new(xlsx).unwrap();
    assert!(
        archive
            .file_names()
            .any(|n| n.is_ok_and(|n| n == "xl/worksheets/sheet5.xml")),
        "汇总 + 3 rubrics + 指标失分"
    );

    // Deterministic: a second run gives the same bytes.
    let again = tmp.path().join("again");
    let run = summarize(
        &[round.to_str().unwrap(), "--output", again.to_str().unwrap()],
        tmp.path(),
    );
    assert!(run.status.success());
    for name in ["summary.json", "summary.xlsx", "index.html", "summary.csv"] {
        assert_eq!(
            std::fs::read(out.join(name)).unwrap(),
            std::fs::read(again.join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn bad_files_are_listed_with_their_reason_and_the_rest_still_load() {
    let tmp = tempfile::tempdir().unwrap();
    let round = tmp.path().join("round");
    generate(&round, &["--count", "2", "--rubrics", "annex-1"]);
    std::fs::write(round.join("broken.json"), "{\"format\": ").unwrap();
    std::fs::write(
        round.join("future.json"),
        r#"{"format":"dudao-assessment","version":3}"#,
    )
    .unwrap();
    std::fs::write(
        round.join("old.json"),
        r#"{"format":"dudao-assessment","version":1}"#,
    )
    .unwrap();
    std::fs::write(
        round.join("notes.txt"),
        "not read: only *.json in a directory",
    )
    .unwrap();
    let big = std::fs::File::create(round.join("huge.json")).unwrap();
    big.set_len(100 * 1024 * 1024).unwrap();
    let out = tmp.path().join("out");
    let run = summarize(&["round", "--output", "out"], tmp.path());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("refused: round/broken.json: not a JSON object"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "refused: round/future.json: schema version 3 is newer than this dudao reads"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "refused: round/old.json: a version 1 file names its rubric but does not carry it"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("refused: round/huge.json: the file is 100 MB, above the 50 MB limit"),
        "{stderr}"
    );
    assert!(!stderr.contains("notes.txt"), "{stderr}");
    let summary = json(&out.join("summary.json"));
    assert_eq!(summary["files"]["read"], 6);
    assert_eq!(summary["files"]["accepted"], 2);
}

#[test]
fn summarize_never_writes_into_a_directory_holding_other_files() {
    let tmp = tempfile::tempdir().unwrap();
    let round = tmp.path().join("round");
    generate(&round, &["--count", "1", "--rubrics", "annex-1"]);
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("我的笔记.docx"), "mine").unwrap();
    let run = summarize(&["round", "--output", "out"], tmp.path());
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(
            "the output directory holds `我的笔记.docx`, which dudao summarize did not write"
        ),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(
        std::fs::read_to_string(out.join("我的笔记.docx")).unwrap(),
        "mine"
    );

    // An earlier summary's directory is fine: its files are replaced.
    let again = tmp.path().join("again");
    assert!(
        summarize(&["round", "--output", "again"], tmp.path())
            .status
            .success()
    );
    assert!(
        summarize(&["round", "--output", "again"], tmp.path())
            .status
            .success()
    );
    assert!(again.join("summary.xlsx").is_file());
}

#[test]
fn a_missing_input_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let run = summarize(&["no-such-dir", "--output", "out"], tmp.path());
    assert!(!run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(
        stderr.trim(),
        "error: no-such-dir: no such file or directory"
    );
    assert!(!tmp.path().join("out").exists());
}
