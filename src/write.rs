//! The only code that touches the output directory.
//!
//! The site is written in full to a fresh directory beside the output, then
//! swapped in with two renames, so readers (and `dudao serve`) never see a
//! half-written site and a failed write leaves the previous site as it was.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::Output;

/// Writes `output` to `dir`, replacing what was there.
///
/// Refuses to replace a non-empty directory that does not look like a built
/// site (no `index.html`): a mistyped `--output src` must not delete source.
pub fn write_site(output: &Output, dir: &Path) -> io::Result<()> {
    if dir.exists() && !looks_like_a_site(dir)? {
        return Err(io::Error::other(format!(
            "{} is not empty and holds no index.html, so it is not a site dudao built; \
             choose another --output or empty it first",
            dir.display()
        )));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)
        .map_err(|e| with_path(e, "cannot create the output's parent", &parent))?;
    let name = dir
        .file_name()
        .ok_or_else(|| io::Error::other(format!("{} has no directory name", dir.display())))?
        .to_string_lossy()
        .into_owned();
    let staging = parent.join(format!(".{name}.dudao-new-{}", std::process::id()));
    let previous = parent.join(format!(".{name}.dudao-old-{}", std::process::id()));

    let current = dir.is_dir().then_some(dir);
    let result = write_all(output, &staging, current).and_then(|()| swap(&staging, dir, &previous));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Brings `dir`, which holds `previous` as written by this process, up to
/// date with `output`: writes the files whose bytes changed, removes the
/// ones that are gone, and returns how many were written. For `dudao serve`,
/// where an edit changes a handful of files and rewriting all of them was
/// most of the rebuild; `dudao build` keeps [`write_site`]'s atomic swap.
pub fn update_site(previous: &Output, output: &Output, dir: &Path) -> io::Result<usize> {
    let mut written = 0;
    for (relative, bytes) in output {
        if previous.get(relative) == Some(bytes) {
            continue;
        }
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| with_path(e, "cannot create", parent))?;
        }
        fs::write(&path, bytes).map_err(|e| with_path(e, "cannot write", &path))?;
        written += 1;
    }
    for relative in previous.keys().filter(|k| !output.contains_key(*k)) {
        let path = dir.join(relative);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                return Err(with_path(e, "cannot remove", &path));
            }
            _ => {}
        }
    }
    Ok(written)
}

fn looks_like_a_site(dir: &Path) -> io::Result<bool> {
    if !dir.is_dir() {
        return Ok(false);
    }
    let empty = fs::read_dir(dir)
        .map_err(|e| with_path(e, "cannot read", dir))?
        .next()
        .is_none();
    Ok(empty || dir.join("index.html").is_file())
}

/// Writes `output` under `staging`. A file whose bytes equal the same file
/// in `current` (the site being replaced) is hard-linked from it instead:
/// a rebuild then creates inodes only for what changed, and creating
/// inodes, not rendering, was a third of a bundled build on this project's
/// ext4 machines (docs/benchmarks.md).
fn write_all(output: &Output, staging: &Path, current: Option<&Path>) -> io::Result<()> {
    if staging.exists() {
        fs::remove_dir_all(staging).map_err(|e| with_path(e, "cannot clear", staging))?;
    }
    fs::create_dir_all(staging).map_err(|e| with_path(e, "cannot create", staging))?;
    for (relative, bytes) in output {
        let path = staging.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| with_path(e, "cannot create", parent))?;
        }
        if let Some(old) = current.map(|dir| dir.join(relative))
            && unchanged(&old, bytes)
            && fs::hard_link(&old, &path).is_ok()
        {
            continue;
        }
        fs::write(&path, bytes).map_err(|e| with_path(e, "cannot write", &path))?;
    }
    Ok(())
}

/// True when `path` is a regular file (not a link) holding exactly `bytes`.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes)
}

fn swap(staging: &Path, dir: &Path, previous: &Path) -> io::Result<()> {
    if dir.exists() {
        fs::rename(dir, previous).map_err(|e| with_path(e, "cannot move aside", dir))?;
        if let Err(e) = fs::rename(staging, dir) {
            // Put the old site back rather than leave no site at all.
            let _ = fs::rename(previous, dir);
            return Err(with_path(e, "cannot move the new site into", dir));
        }
        fs::remove_dir_all(previous).map_err(|e| with_path(e, "cannot remove", previous))
    } else {
        fs::rename(staging, dir).map_err(|e| with_path(e, "cannot move the new site into", dir))
    }
}

fn with_path(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> Output {
        files
            .iter()
            .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn a_rebuild_replaces_the_whole_site_and_leaves_no_temp_dirs() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&site(&[("index.html", "1"), ("old/index.html", "x")]), &out).unwrap();
        write_site(&site(&[("index.html", "2")]), &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
        assert!(!out.join("old").exists());
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_links_unchanged_files_and_writes_changed_ones() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&site(&[("index.html", "1"), ("a/same.html", "s")]), &out).unwrap();
        let inode = |p: &str| fs::metadata(out.join(p)).unwrap().ino();
        let (same, changed) = (inode("a/same.html"), inode("index.html"));
        write_site(&site(&[("index.html", "2"), ("a/same.html", "s")]), &out).unwrap();
        assert_eq!(
            inode("a/same.html"),
            same,
            "the unchanged file was rewritten"
        );
        assert_ne!(inode("index.html"), changed);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
        assert_eq!(fs::read_to_string(out.join("a/same.html")).unwrap(), "s");
        assert_eq!(fs::metadata(out.join("a/same.html")).unwrap().nlink(), 1);
    }

    #[test]
    fn an_update_writes_only_changed_files_and_removes_gone_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = site(&[
            ("index.html", "1"),
            ("a/index.html", "a"),
            ("gone.html", "g"),
        ]);
        write_site(&first, &out).unwrap();
        // A file the update must not touch: its bytes did not change.
        fs::write(out.join("a/index.html"), "left alone").unwrap();
        let second = site(&[
            ("index.html", "2"),
            ("a/index.html", "a"),
            ("b/new.html", "n"),
        ]);
        assert_eq!(update_site(&first, &second, &out).unwrap(), 2);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "2");
        assert_eq!(fs::read_to_string(out.join("b/new.html")).unwrap(), "n");
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "left alone"
        );
        assert!(!out.join("gone.html").exists());
    }

    #[test]
    fn refuses_to_replace_a_directory_that_is_not_a_site() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("main.rs"), "fn main() {}").unwrap();
        let err = write_site(&site(&[("index.html", "1")]), tmp.path()).unwrap_err();
        assert!(err.to_string().contains("not a site dudao built"), "{err}");
        assert!(tmp.path().join("main.rs").exists());
    }
}
