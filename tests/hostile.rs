//! Hostile input (issue 16): bad trees that once stalled a build, passed
//! `check` and then failed `build`, published files from outside the
//! project, or forged terminal output.
//!
//! Each directory under `tests/hostile/` is laid over a temporary copy of
//! the project (`content/`, `rubrics/`, `themes/`, `dudao.toml`) and holds
//! `expected.txt`, the exact stderr of `dudao check`. Every case is also
//! built: `build` must fail exactly when `check` does (and then write
//! nothing), so the two can never disagree again. Inputs a repository cannot
//! hold portably (symbolic links, control characters in file names, a
//! 40 000-character criterion) are made by the tests below the corpus.
//!
//! After changing a message on purpose: `DUDAO_BLESS=1 cargo test --test hostile`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{copy_tree, dudao, manifest_dir};

mod common;

const EXPECTED: &str = "expected.txt";

fn project_with(case: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for part in ["content", "rubrics", "themes"] {
        copy_tree(&manifest_dir().join(part), &dir.path().join(part), &[]);
    }
    fs::copy(
        manifest_dir().join("dudao.toml"),
        dir.path().join("dudao.toml"),
    )
    .unwrap();
    if let Some(case) = case {
        copy_tree(case, dir.path(), &[EXPECTED]);
    }
    dir
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `check` and `build` on `root`; asserts they agree and that a failed
/// build wrote nothing. Returns check's output.
fn check_and_build(root: &Path) -> Output {
    let check = dudao(&["check"], root);
    let site = root.join("site-out");
    let build = dudao(&["build", "--output", site.to_str().unwrap()], root);
    assert_eq!(
        check.status.success(),
        build.status.success(),
        "check and build disagree on {}:\n--- check\n{}\n--- build\n{}",
        root.display(),
        stderr(&check),
        stderr(&build)
    );
    if !build.status.success() {
        assert!(!site.exists(), "a failed build wrote {}", site.display());
    }
    check
}

fn cases() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(manifest_dir().join("tests/hostile"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_hostile_tree_gets_exactly_its_diagnostics_and_check_agrees_with_build() {
    let mut failures = Vec::new();
    for case in cases() {
        let project = project_with(Some(&case));
        let check = check_and_build(project.path());
        let actual = stderr(&check).replace(&project.path().display().to_string(), "ROOT");
        let path = case.join(EXPECTED);
        if std::env::var_os("DUDAO_BLESS").is_some() {
            fs::write(&path, &actual).unwrap();
        }
        let expected = fs::read_to_string(&path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "{}:\n--- expected\n{expected}\n--- actual\n{actual}",
                path.display()
            ));
        }
        // Every diagnostic names a file and says what to do.
        for line in actual
            .lines()
            .filter(|l| l.starts_with("error: ") || l.starts_with("warning: "))
        {
            assert!(line.contains(": "), "{line}");
        }
        assert!(!actual.contains('\u{1b}'), "raw ESC in {}", case.display());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn remote_resources_never_reach_the_built_site() {
    let project = project_with(Some(&manifest_dir().join("tests/hostile/remote-image")));
    let site = project.path().join("site-out");
    let build = dudao(
        &["build", "--output", site.to_str().unwrap()],
        project.path(),
    );
    assert!(build.status.success(), "{}", stderr(&build));
    let page = fs::read_to_string(site.join("indicators/1/index.html")).unwrap();
    assert!(
        !page.contains("example.com/logo.png"),
        "the remote image is still there"
    );
    assert!(
        !page.contains("example.com/pixel.gif"),
        "the remote pixel is still there"
    );
    assert!(
        page.contains("href=\"https://example.com/\""),
        "the plain link was lost"
    );
}

#[test]
fn a_criterion_longer_than_an_excel_cell_fails_check_located() {
    let project = project_with(None);
    let path = project.path().join("rubrics/annex-1.yaml");
    let text = fs::read_to_string(&path).unwrap();
    let (line, _) = text
        .lines()
        .zip(1..)
        .find(|(l, _)| l.trim_start().starts_with("text: "))
        .map(|(l, n)| (n, l))
        .unwrap();
    let long = "长".repeat(40_000);
    let edited: Vec<String> = text
        .lines()
        .zip(1..)
        .map(|(l, n)| {
            if n == line {
                format!("{}text: {long}", &l[..l.find("text:").unwrap()])
            } else {
                l.to_owned()
            }
        })
        .collect();
    fs::write(&path, edited.join("\n") + "\n").unwrap();
    let check = check_and_build(project.path());
    let out = stderr(&check);
    assert!(
        out.contains(&format!("rubrics/annex-1.yaml:{line}:"))
            && out.contains("the criterion text is 40000 characters long"),
        "{out}"
    );
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    fn secret() -> tempfile::TempDir {
        let outside = tempfile::tempdir().unwrap();
        let annex = fs::read_to_string(manifest_dir().join("rubrics/annex-1.yaml")).unwrap();
        fs::write(
            outside.path().join("leak.yaml"),
            annex.replace("id: annex-1", "id: leak"),
        )
        .unwrap();
        fs::write(outside.path().join("dudao.toml"), "title = \"SECRET\"\n").unwrap();
        copy_tree(
            &manifest_dir().join("content/indicators"),
            &outside.path().join("indicators"),
            &[],
        );
        outside
    }

    fn refused(project: &Path, file: &str) {
        let check = check_and_build(project);
        let out = stderr(&check);
        assert!(!check.status.success(), "{out}");
        assert!(
            out.contains(&format!("error: {file}: a symbolic link to "))
                && out.contains("outside the project root"),
            "{out}"
        );
    }

    #[test]
    fn a_rubric_linked_from_outside_is_refused() {
        let (outside, project) = (secret(), project_with(None));
        symlink(
            outside.path().join("leak.yaml"),
            project.path().join("rubrics/leak.yaml"),
        )
        .unwrap();
        refused(project.path(), "rubrics/leak.yaml");
    }

    #[test]
    fn a_markdown_file_linked_from_outside_is_refused() {
        let (outside, project) = (secret(), project_with(None));
        let target = project.path().join("content/indicators/05.md");
        fs::rename(&target, outside.path().join("05.md")).unwrap();
        symlink(outside.path().join("05.md"), &target).unwrap();
        refused(project.path(), "content/indicators/05.md");
    }

    #[test]
    fn a_content_directory_linked_from_outside_is_refused() {
        let (outside, project) = (secret(), project_with(None));
        let dir = project.path().join("content/indicators");
        fs::remove_dir_all(&dir).unwrap();
        symlink(outside.path().join("indicators"), &dir).unwrap();
        refused(project.path(), "content/indicators");
    }

    #[test]
    fn settings_linked_from_outside_are_refused() {
        let (outside, project) = (secret(), project_with(None));
        fs::remove_file(project.path().join("dudao.toml")).unwrap();
        symlink(
            outside.path().join("dudao.toml"),
            project.path().join("dudao.toml"),
        )
        .unwrap();
        refused(project.path(), "dudao.toml");
    }

    #[test]
    fn a_theme_file_linked_from_outside_is_refused() {
        let (outside, project) = (secret(), project_with(None));
        let css = project.path().join("themes/default/static/leak.txt");
        symlink(outside.path().join("dudao.toml"), &css).unwrap();
        let site = project.path().join("site-out");
        let build = dudao(
            &["build", "--output", site.to_str().unwrap()],
            project.path(),
        );
        assert!(!build.status.success());
        assert!(
            stderr(&build).contains("themes/default/static/leak.txt: a symbolic link to "),
            "{}",
            stderr(&build)
        );
        assert!(!site.exists());
    }

    #[test]
    fn links_that_stay_inside_the_project_are_followed() {
        let project = project_with(None);
        let rubrics = project.path().join("rubrics");
        fs::rename(
            rubrics.join("violations.yaml"),
            project.path().join("violations.yaml"),
        )
        .unwrap();
        symlink(
            project.path().join("violations.yaml"),
            rubrics.join("violations.yaml"),
        )
        .unwrap();
        let check = check_and_build(project.path());
        assert!(check.status.success(), "{}", stderr(&check));
        assert!(String::from_utf8_lossy(&check.stdout).contains("violations"));
    }
}

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_cannot_forge_output() {
    let project = project_with(None);
    let rubrics = project.path().join("rubrics");
    fs::write(
        rubrics.join("fake\nerror: forged.yaml:1:1: injected.yaml"),
        "id: [",
    )
    .unwrap();
    fs::write(rubrics.join("red\u{1b}[31m.yaml"), "id: [").unwrap();
    let check = check_and_build(project.path());
    let out = stderr(&check);
    assert!(
        !out.lines().any(|l| l.starts_with("error: forged.yaml")),
        "{out}"
    );
    assert!(
        out.contains("rubrics/fake\\nerror: forged.yaml:1:1: injected.yaml"),
        "{out}"
    );
    assert!(out.contains("rubrics/red\\u{1b}[31m.yaml"), "{out}");
    assert!(!out.contains('\u{1b}'), "{out}");
}
