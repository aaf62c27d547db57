//! Issue 16, item 1 and 5: `dudao build` replaces only an output it made.
//! The binary on a temp copy of the project, with the output pointed at
//! everything a user might mistype; each refusal must leave every file as
//! it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use walkdir::WalkDir;

mod common;

/// A small project (sources only, one rubric) in a temp dir.
fn project() -> tempfile::TempDir {
    let tmp = common::project_copy(&["annex-1.yaml", "annex-2.yaml"]);
    common::copy_tree(
        &common::manifest_dir().join("themes"),
        &tmp.path().join("themes"),
        &[],
    );
    fs::copy(
        common::manifest_dir().join("dudao.toml"),
        tmp.path().join("dudao.toml"),
    )
    .unwrap();
    tmp
}

fn run(args: &[&str], root: &Path, output: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dudao"))
        .args(args)
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(output)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir`, relative path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let relative = e.path().strip_prefix(dir).unwrap();
            (relative.display().to_string(), fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Runs a build that must be refused with `expected` in its message, and
/// checks that nothing under `watched` changed.
fn assert_refused(args: &[&str], root: &Path, output: &Path, watched: &Path, expected: &str) {
    let before = snapshot(watched);
    let result = run(args, root, output);
    assert!(!result.status.success(), "the build was not refused");
    let message = stderr(&result);
    assert!(message.contains(expected), "{message}");
    assert!(message.contains("help:"), "no hint: {message}");
    assert_eq!(snapshot(watched), before, "a refused build changed files");
}

#[test]
fn the_project_root_is_never_the_output_even_with_force() {
    let tmp = project();
    let root = tmp.path();
    // What once made `dudao build --output ROOT` delete the project.
    fs::write(root.join("index.html"), "<html>").unwrap();
    fs::write(root.join("notes.txt"), "mine").unwrap();
    for args in [&["build"][..], &["build", "--force"]] {
        assert_refused(args, root, root, root, "the output is the project root");
    }
}

#[test]
fn a_directory_holding_the_root_is_never_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("p");
    common::copy_tree(project().path(), &root, &[]);
    fs::write(tmp.path().join("index.html"), "<html>").unwrap();
    for args in [&["build"][..], &["build", "--force"]] {
        assert_refused(
            args,
            &root,
            tmp.path(),
            tmp.path(),
            "contains the project root",
        );
        // The same directory, spelled through the root.
        assert_refused(
            args,
            &root,
            &root.join(".."),
            tmp.path(),
            "contains the project root",
        );
    }
}

#[test]
fn an_output_inside_the_sources_is_refused() {
    let tmp = project();
    let root = tmp.path();
    for inside in [
        "content",
        "content/indicators/site",
        "rubrics/out",
        "themes/default",
        "dudao.toml",
    ] {
        for args in [&["build"][..], &["build", "--force"]] {
            assert_refused(
                args,
                root,
                &root.join(inside),
                root,
                "inside the project's sources",
            );
        }
    }
}

#[test]
fn a_directory_dudao_did_not_make_is_refused_and_force_keeps_its_files() {
    let tmp = project();
    let root = tmp.path();
    let out = tmp.path().join("mine");
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(out.join("index.html"), "<html>").unwrap();
    fs::write(out.join("src/main.rs"), "fn main() {}").unwrap();
    let before = snapshot(&out);
    assert_refused(&["build"], root, &out, root, "dudao did not make it");

    let forced = run(&["build", "--force"], root, &out);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert!(
        stderr(&forced).contains("mine.before-dudao"),
        "{}",
        stderr(&forced)
    );
    assert_eq!(snapshot(&tmp.path().join("mine.before-dudao")), before);
    assert!(out.join(".dudao-output").is_file());
    assert!(out.join("index.html").is_file());

    // Now it is dudao's: the next build needs no --force and keeps no copy.
    let again = run(&["build"], root, &out);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(!tmp.path().join("mine.before-dudao-2").exists());
}

#[test]
fn an_empty_or_missing_output_is_used_and_marked() {
    let tmp = project();
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    for out in [empty, tmp.path().join("new/nested/site")] {
        let result = run(&["build"], tmp.path(), &out);
        assert!(result.status.success(), "{}", stderr(&result));
        let manifest = fs::read_to_string(out.join(".dudao-output")).unwrap();
        assert!(manifest.starts_with("dudao-output 1\n"), "{manifest}");
    }
}

#[test]
fn a_file_or_a_symlink_as_output_is_refused() {
    let tmp = project();
    let root = tmp.path();
    fs::write(root.join("file"), "mine").unwrap();
    assert_refused(
        &["build", "--force"],
        root,
        &root.join("file"),
        root,
        "is a file",
    );
    #[cfg(unix)]
    {
        let target = tempfile::tempdir().unwrap();
        fs::write(target.path().join("keep.txt"), "mine").unwrap();
        std::os::unix::fs::symlink(target.path(), root.join("link")).unwrap();
        assert_refused(
            &["build", "--force"],
            root,
            &root.join("link"),
            target.path(),
            "symbolic link",
        );
    }
}

#[test]
fn serve_refuses_the_same_outputs() {
    let tmp = project();
    let root = tmp.path();
    fs::write(root.join("index.html"), "<html>").unwrap();
    let before = snapshot(root);
    let result = Command::new(env!("CARGO_BIN_EXE_dudao"))
        .args(["serve", "--address", "127.0.0.1:0", "--root"])
        .arg(root)
        .arg("--output")
        .arg(root)
        .output()
        .unwrap();
    assert!(!result.status.success());
    assert!(
        stderr(&result).contains("the output is the project root"),
        "{}",
        stderr(&result)
    );
    assert_eq!(snapshot(root), before);
}

/// A process id that is surely not running: the id of a child that has
/// exited and been reaped.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[cfg(unix)]
#[test]
fn staging_dirs_of_killed_builds_are_removed_and_nothing_else() {
    let tmp = project();
    let root = tmp.path();
    let out = root.join("public");
    let dead = dead_pid();
    let stale = root.join(format!(".public.dudao-new-{dead}"));
    fs::create_dir(&stale).unwrap();
    fs::write(stale.join(".dudao-output"), "dudao-output 1\n").unwrap();
    fs::write(stale.join("big.html"), "x".repeat(10_000)).unwrap();
    // Same pattern, but no manifest: not ours to remove.
    let unmarked = root.join(format!(".public.dudao-old-{dead}"));
    fs::create_dir(&unmarked).unwrap();
    fs::write(unmarked.join("mine.txt"), "mine").unwrap();
    // Marked, but its process (this test) is alive.
    let live = root.join(format!(".public.dudao-new-{}", std::process::id()));
    fs::create_dir(&live).unwrap();
    fs::write(live.join(".dudao-output"), "dudao-output 1\n").unwrap();
    // Another output's staging directory.
    let other = root.join(format!(".site.dudao-new-{dead}"));
    fs::create_dir(&other).unwrap();
    fs::write(other.join(".dudao-output"), "dudao-output 1\n").unwrap();

    let result = run(&["build"], root, &out);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(!stale.exists(), "the stale staging directory was left");
    assert_eq!(
        fs::read_to_string(unmarked.join("mine.txt")).unwrap(),
        "mine"
    );
    assert!(live.join(".dudao-output").exists());
    assert!(other.join(".dudao-output").exists());
}

mod layouts {
    //! Random `--root`/`--output` layouts: nested, parent, sibling, with
    //! user files and earlier outputs around. Whatever the layout, a build
    //! changes no file that was not inside an output dudao made; `--force`
    //! may move one aside, never lose it.

    use super::*;
    use dudao::write::{Replaces, SiteWriter, Staging, check_output_dir};
    use proptest::prelude::*;

    const NODES: [&str; 7] = ["", "a", "a/b", "a/b/c", "d", "d/e", "a/f"];
    const OUTPUTS: [&str; 8] = [
        "",
        "content",
        "rubrics/x",
        "themes",
        "out",
        "..",
        "../..",
        "b",
    ];

    #[derive(Debug, Clone)]
    struct Layout {
        root: usize,
        output_node: usize,
        output_tail: usize,
        force: bool,
        user_files: Vec<bool>,
        earlier_outputs: Vec<bool>,
    }

    fn layout() -> impl Strategy<Value = Layout> {
        (
            1..NODES.len(),
            0..NODES.len(),
            0..OUTPUTS.len(),
            any::<bool>(),
            proptest::collection::vec(any::<bool>(), NODES.len()),
            proptest::collection::vec(any::<bool>(), NODES.len()),
        )
            .prop_map(
                |(root, output_node, output_tail, force, user_files, earlier_outputs)| Layout {
                    root,
                    output_node,
                    output_tail,
                    force,
                    user_files,
                    earlier_outputs,
                },
            )
    }

    fn make(base: &Path, layout: &Layout) {
        for (i, node) in NODES.iter().enumerate() {
            let dir = base.join(node);
            fs::create_dir_all(&dir).unwrap();
            if layout.user_files[i] {
                fs::write(dir.join(format!("user-{i}.txt")), format!("user file {i}")).unwrap();
            }
            if layout.earlier_outputs[i] && i != layout.root {
                let out = dir.join("out");
                fs::create_dir_all(&out).unwrap();
                fs::write(out.join(".dudao-output"), "dudao-output 1\n").unwrap();
                fs::write(out.join("index.html"), "old").unwrap();
            }
        }
        let root = base.join(NODES[layout.root]);
        for source in ["content", "rubrics", "themes"] {
            fs::create_dir_all(root.join(source)).unwrap();
            fs::write(root.join(source).join("source.md"), source).unwrap();
        }
        fs::write(root.join("dudao.toml"), "title = \"x\"").unwrap();
        fs::write(root.join("index.html"), "<html>").unwrap();
    }

    /// `..` taken lexically: the test layouts have no symbolic links.
    fn normalize(path: &Path) -> std::path::PathBuf {
        let mut plain = std::path::PathBuf::new();
        for component in path.components() {
            match component {
                std::path::Component::ParentDir => {
                    plain.pop();
                }
                std::path::Component::CurDir => {}
                other => plain.push(other),
            }
        }
        plain
    }

    /// Files under `base` that are not inside a directory carrying dudao's manifest.
    fn user_files(base: &Path) -> BTreeMap<String, Vec<u8>> {
        snapshot(base)
            .into_iter()
            .filter(|(path, _)| {
                !Path::new(path)
                    .ancestors()
                    .skip(1)
                    .any(|dir| base.join(dir).join(".dudao-output").is_file())
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn no_build_changes_a_file_dudao_did_not_make(layout in layout()) {
            let tmp = tempfile::tempdir().unwrap();
            // Everything lives one level down, so `..` outputs stay in the temp dir.
            let base = tmp.path().join("base/inner");
            make(&base, &layout);
            let before = user_files(tmp.path());
            let root = base.join(NODES[layout.root]);
            let output = base.join(NODES[layout.output_node]).join(OUTPUTS[layout.output_tail]);

            let mut backup = None;
            if let Ok(replaces) = check_output_dir(&root, &output, layout.force) {
                prop_assert!(layout.force || replaces != Replaces::Foreign);
                let mut staging = Staging::replacing(&output, replaces).unwrap();
                backup = staging.backup().map(Path::to_path_buf);
                staging.write("index.html", b"new").unwrap();
                staging.commit().unwrap();
                // `a/b/..` no longer resolves once `a` was swapped: read by the plain path.
                let plain = normalize(&output);
                prop_assert_eq!(fs::read(plain.join("index.html")).unwrap(), b"new".to_vec());
            }

            let after = snapshot(tmp.path());
            let output = normalize(&output);
            let output_rel = output.strip_prefix(tmp.path()).ok().map(Path::to_path_buf);
            for (path, bytes) in &before {
                if after.get(path) == Some(bytes) {
                    continue;
                }
                // Only a forced build may move a file, and only into the backup.
                let (Some(backup), Some(output_rel)) = (&backup, &output_rel) else {
                    prop_assert!(false, "{} was changed or deleted ({:?})", path, layout);
                    unreachable!();
                };
                let inside = Path::new(path).strip_prefix(output_rel).unwrap_or_else(|_| {
                    panic!("{path} outside the output was changed or deleted ({layout:?})")
                });
                let kept = fs::read(backup.join(inside)).ok();
                prop_assert_eq!(kept.as_ref(), Some(bytes));
            }
        }
    }
}
