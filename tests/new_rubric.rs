//! `dudao new rubric --from ID NEW_ID`, run as a user would, on a copy of the
//! bundled project.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn dudao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dudao"))
        .args(args)
        .output()
        .expect("dudao runs")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temp copy of the bundled content and rubrics.
fn project() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["content", "rubrics"] {
        copy_dir(&manifest.join(sub), &dir.path().join(sub));
    }
    let root = dir.path().to_path_buf();
    (dir, root)
}

fn check_json(root: &Path) -> Value {
    let out = dudao(&[
        "check",
        "--format",
        "json",
        "--root",
        root.to_str().unwrap(),
    ]);
    serde_json::from_slice(&out.stdout).expect("check --format json prints JSON")
}

fn diagnostics_for<'a>(report: &'a Value, file: &str) -> Vec<&'a Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file)
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn new_rubric_is_a_derived_copy_that_check_rejects_until_its_rationale_is_written() {
    let (_dir, root) = project();
    let root_arg = root.to_str().unwrap();
    let out = dudao(&[
        "new", "rubric", "--from", "annex-1", "my-venue", "--root", root_arg,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("created rubrics/my-venue.yaml (kind: derived, based_on: annex-1)"));
    assert!(stdout.contains("next steps:"));
    assert!(stdout.contains(&format!("dudao check --root {root_arg}")));

    let path = root.join("rubrics/my-venue.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let top_level: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with([' ', '#', '-']))
        .collect();
    assert_eq!(
        &top_level[..5],
        [
            "id: my-venue",
            "title: 技能人才评价活动现场质量督导评分表",
            "kind: derived",
            "based_on: annex-1",
            "rationale:"
        ]
    );
    assert!(!top_level.iter().any(|l| l.starts_with("source:")));
    assert!(!top_level.iter().any(|l| l.starts_with("label:")));

    let report = check_json(&root);
    assert_eq!(report["ok"], false);
    let problems = diagnostics_for(&report, "rubrics/my-venue.yaml");
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0]["severity"], "error");
    assert_eq!(problems[0]["line"], 3, "points at `kind: derived`");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("rationale")
    );

    fs::write(
        &path,
        text.replace("rationale:\n", "rationale: 测试用：与附件1相同。\n"),
    )
    .unwrap();
    let report = check_json(&root);
    assert_eq!(
        diagnostics_for(&report, "rubrics/my-venue.yaml"),
        Vec::<&Value>::new()
    );
    assert_eq!(report["ok"], true, "{report:#}");

    // Same rows, criteria and points as the rubric it was copied from.
    let dump = dudao(&["dump", "--root", root_arg]);
    assert!(dump.status.success(), "{}", stderr(&dump));
    let model: Value = serde_json::from_slice(&dump.stdout).unwrap();
    let rubric = |id: &str| {
        model["rubrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let (copy, original) = (rubric("my-venue"), rubric("annex-1"));
    assert_eq!(copy["stages"], original["stages"]);
    assert_eq!(copy["veto"], original["veto"]);
    assert_eq!(copy["kind"], "derived");
    assert_eq!(copy["based_on"], "annex-1");
    assert_eq!(copy["source"], Value::Null);
}

#[test]
fn new_rubric_from_a_derived_rubric_is_based_on_it() {
    let (_dir, root) = project();
    let out = dudao(&[
        "new",
        "rubric",
        "--from",
        "theory-venue",
        "theory-venue-computer",
        "--root",
        root.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = fs::read_to_string(root.join("rubrics/theory-venue-computer.yaml")).unwrap();
    assert!(text.starts_with("id: theory-venue-computer\n"));
    assert!(text.contains("\nbased_on: theory-venue\n"));
    assert_eq!(text.matches("\nbased_on:").count(), 1);
    // The old rationale (a block scalar) went with its key.
    assert!(!text.contains("备注5把“单一理论知识考试现场"));
    assert!(text.contains("\nrationale:\n"));
}

#[test]
fn new_rubric_never_overwrites() {
    let (_dir, root) = project();
    let existing = root.join("rubrics/theory-venue.yaml");
    let before = fs::read(&existing).unwrap();
    let out = dudao(&[
        "new",
        "rubric",
        "--from",
        "annex-1",
        "theory-venue",
        "--root",
        root.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: rubrics/theory-venue.yaml: rubric `theory-venue` already exists; dudao new never overwrites\n  \
         help: choose another id, or edit the existing file\n"
    );
    assert_eq!(fs::read(&existing).unwrap(), before);

    // A .yml file of that id counts too: both would claim the same id.
    fs::write(root.join("rubrics/mine.yml"), "id: mine\n").unwrap();
    let out = dudao(&[
        "new",
        "rubric",
        "--from",
        "annex-1",
        "mine",
        "--root",
        root.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("rubrics/mine.yml"));
    assert!(!root.join("rubrics/mine.yaml").exists());
}

#[test]
fn new_rubric_names_the_rubrics_it_can_start_from() {
    let (_dir, root) = project();
    let out = dudao(&[
        "new",
        "rubric",
        "--from",
        "annex-3",
        "mine",
        "--root",
        root.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("error: rubrics: there is no rubric `annex-3` to start from\n"));
    assert!(err.contains("help: use one of: annex-1, annex-2, "));
    assert!(!root.join("rubrics/mine.yaml").exists());
}

#[test]
fn new_rubric_rejects_an_id_check_would_reject() {
    let (_dir, root) = project();
    for bad in ["Mine", "my_rubric", "mine-", "my--rubric", "我的"] {
        let out = dudao(&[
            "new",
            "rubric",
            "--from",
            "annex-1",
            bad,
            "--root",
            root.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(
            stderr(&out).contains(&format!("cannot use `{bad}` as a rubric id")),
            "{bad}: {}",
            stderr(&out)
        );
    }
    let names: Vec<_> = fs::read_dir(root.join("rubrics"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 8, "nothing was written: {names:?}");
}
