//! The only code that touches the output directory.
//!
//! The site is written in full to a fresh directory beside the output, then
//! swapped in (atomically where the OS can: [`swap`]), so readers (and
//! `dudao serve`) never see a half-written site and a failed write leaves the
//! previous site as it was. Which directory may be replaced at all is
//! decided in [`output_dir`]: only one dudao made, never the project.

mod output_dir;
mod swap;

pub use output_dir::{
    MANIFEST, Replaces, SOURCES, backup_path, check_output_dir, existing_output, is_dudao_output,
};

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::render::Output;

/// Where a build puts its files, one at a time as they render, so the whole
/// site is never in memory at once (at ×100 holding it was 786 MiB peak for
/// a 307 MiB site; docs/benchmarks.md). Nothing is visible in the output
/// until the writer is committed.
pub trait SiteWriter {
    fn write(&mut self, relative: &str, bytes: &[u8]) -> io::Result<()>;
}

/// A fresh directory beside the output that becomes the output when
/// [`Staging::commit`] swaps it in; dropped uncommitted (a failed build),
/// it is removed and the previous site stays as it was.
pub struct Staging {
    dir: PathBuf,
    staging: PathBuf,
    previous: PathBuf,
    /// Where a directory dudao did not make (`--force`) is kept.
    backup: Option<PathBuf>,
    /// The site being replaced, whose unchanged files are hard-linked.
    current: Option<PathBuf>,
    made_dirs: HashSet<PathBuf>,
    files: usize,
    committed: bool,
}

impl Staging {
    /// Starts writing a site that will replace `dir`, which must be absent,
    /// empty or an earlier dudao output ([`existing_output`]); callers that
    /// know the project root check [`check_output_dir`] first.
    pub fn new(dir: &Path) -> io::Result<Self> {
        let replaces = existing_output(dir, false).map_err(diagnostic_error)?;
        Self::replacing(dir, replaces)
    }

    /// Starts writing a site that will replace `dir`, which holds what
    /// `replaces` says ([`check_output_dir`]'s answer). A [`Replaces::Foreign`]
    /// directory is kept at [`Staging::backup`] on commit, not deleted.
    pub fn replacing(dir: &Path, replaces: Replaces) -> io::Result<Self> {
        if replaces != Replaces::Foreign {
            existing_output(dir, false).map_err(diagnostic_error)?;
        }
        // `site/..` or `./`: the directory's real parent and name, which the
        // staging directory and the swap need.
        let dir = &output_dir::resolve(dir).map_err(|e| with_path(e, "cannot resolve", dir))?;
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
        output_dir::remove_stale_work_dirs(&parent, &name);
        let pid = std::process::id();
        let staging = parent.join(output_dir::work_dir_name(&name, "new", pid));
        let previous = parent.join(output_dir::work_dir_name(&name, "old", pid));
        for ours in [&staging, &previous] {
            // Left by an earlier build under our own (reused) process id.
            if is_dudao_output(ours) {
                fs::remove_dir_all(ours).map_err(|e| with_path(e, "cannot clear", ours))?;
            }
        }
        fs::create_dir(&staging).map_err(|e| with_path(e, "cannot create", &staging))?;
        // From its first moment the staging directory carries the manifest,
        // so a later build can tell it apart from anything a user made.
        let manifest = staging.join(MANIFEST);
        fs::write(&manifest, output_dir::MANIFEST_TEXT)
            .map_err(|e| with_path(e, "cannot write", &manifest))?;
        Ok(Staging {
            dir: dir.to_path_buf(),
            current: (replaces == Replaces::PreviousOutput).then(|| dir.to_path_buf()),
            backup: (replaces == Replaces::Foreign).then(|| backup_path(dir)),
            made_dirs: HashSet::from([staging.clone()]),
            staging,
            previous,
            files: 0,
            committed: false,
        })
    }

    /// Where the contents of a directory dudao did not make will be kept
    /// when this build commits (`--force`); `None` when nothing is kept.
    pub fn backup(&self) -> Option<&Path> {
        self.backup.as_deref()
    }

    /// Swaps the written site in for the old one; returns how many files it
    /// holds.
    pub fn commit(mut self) -> io::Result<usize> {
        if self.backup.is_none() {
            // The output was empty or dudao's when the build began; someone
            // may have put files there since.
            existing_output(&self.dir, false).map_err(diagnostic_error)?;
        }
        let had_old = swap::swap_in(&self.staging, &self.dir, &self.previous)?;
        self.committed = true;
        if had_old {
            match &self.backup {
                Some(backup) => fs::rename(&self.previous, backup)
                    .map_err(|e| with_path(e, "cannot keep the old contents at", backup))?,
                None => fs::remove_dir_all(&self.previous)
                    .map_err(|e| with_path(e, "cannot remove", &self.previous))?,
            }
        }
        Ok(self.files)
    }
}

impl SiteWriter for Staging {
    /// A file whose bytes equal the same file in the site being replaced is
    /// hard-linked from it instead: a rebuild then creates inodes only for
    /// what changed, and creating inodes, not rendering, was a third of a
    /// bundled build on this project's ext4 machines (docs/benchmarks.md).
    fn write(&mut self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        self.write_file(relative, bytes, |old| unchanged(old, bytes))
    }
}

impl Staging {
    /// Writes `relative` like [`SiteWriter::write`], but hard-links it
    /// without reading the old file when `known_same` says the site being
    /// replaced holds these very bytes (`dudao serve` knows which files its
    /// rebuild changed).
    pub fn write_known(
        &mut self,
        relative: &str,
        bytes: &[u8],
        known_same: bool,
    ) -> io::Result<()> {
        self.write_file(relative, bytes, |_| known_same)
    }

    fn write_file(
        &mut self,
        relative: &str,
        bytes: &[u8],
        same: impl FnOnce(&Path) -> bool,
    ) -> io::Result<()> {
        let path = self.staging.join(relative);
        if let Some(parent) = path.parent()
            && !self.made_dirs.contains(parent)
        {
            fs::create_dir_all(parent).map_err(|e| with_path(e, "cannot create", parent))?;
            self.made_dirs.insert(parent.to_path_buf());
        }
        self.files += 1;
        if let Some(old) = self.current.as_ref().map(|dir| dir.join(relative))
            && same(&old)
            && fs::hard_link(&old, &path).is_ok()
        {
            return Ok(());
        }
        fs::write(&path, bytes).map_err(|e| with_path(e, "cannot write", &path))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Writes `output` to `dir`, replacing what was there (see [`Staging`]).
pub fn write_site(output: &Output, dir: &Path) -> io::Result<()> {
    let mut staging = Staging::new(dir)?;
    for (relative, bytes) in output {
        staging.write(relative, bytes)?;
    }
    staging.commit().map(drop)
}

/// A refusal from [`output_dir`] as an error for `?` in writing code.
fn diagnostic_error(d: crate::diagnostic::Diagnostic) -> io::Error {
    io::Error::other(match &d.hint {
        Some(hint) => format!("{}: {}\n  help: {hint}", d.file, d.message),
        None => format!("{}: {}", d.file, d.message),
    })
}

/// True when `path` is a regular file (not a link) holding exactly `bytes`.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && fs::read(path).is_ok_and(|old| old == bytes)
}

use swap::with_path;

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
    fn a_staging_dropped_uncommitted_leaves_the_site_and_no_temp_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&site(&[("index.html", "1")]), &out).unwrap();
        let mut staging = Staging::new(&out).unwrap();
        staging.write("index.html", b"2").unwrap();
        drop(staging);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "1");
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn a_file_put_into_an_empty_output_during_the_build_is_not_deleted() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir(&out).unwrap();
        let mut staging = Staging::new(&out).unwrap();
        staging.write("index.html", b"1").unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = staging.commit().unwrap_err();
        assert!(err.to_string().contains("dudao did not make it"), "{err}");
        assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn refuses_to_replace_a_directory_that_is_not_a_site() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("main.rs"), "fn main() {}").unwrap();
        let err = write_site(&site(&[("index.html", "1")]), tmp.path()).unwrap_err();
        assert!(err.to_string().contains("dudao did not make it"), "{err}");
        assert!(tmp.path().join("main.rs").exists());
    }
}
