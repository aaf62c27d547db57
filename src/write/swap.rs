//! Putting a staged site in place of the old one.
//!
//! On Linux one `renameat2(RENAME_EXCHANGE)` swaps the two directories
//! atomically, so there is no moment without an output directory; elsewhere
//! (or on a file system without it) two renames, with the old site put back
//! if the second fails.

use std::fs;
use std::io;
use std::path::Path;

/// Puts `staging` at `dir`; true when there was an old site, which is then
/// at `aside` for the caller to remove or keep.
pub(super) fn swap_in(staging: &Path, dir: &Path, aside: &Path) -> io::Result<bool> {
    if fs::symlink_metadata(dir).is_err() {
        fs::rename(staging, dir).map_err(|e| with_path(e, "cannot move the new site into", dir))?;
        return Ok(false);
    }
    if exchange(staging, dir)? {
        // The old site is now where the staging directory was.
        fs::rename(staging, aside).map_err(|e| with_path(e, "cannot move aside", staging))?;
        return Ok(true);
    }
    fs::rename(dir, aside).map_err(|e| with_path(e, "cannot move aside", dir))?;
    if let Err(e) = fs::rename(staging, dir) {
        // Put the old site back rather than leave no site at all.
        let _ = fs::rename(aside, dir);
        return Err(with_path(e, "cannot move the new site into", dir));
    }
    Ok(true)
}

/// Atomically exchanges two directories; false when the system cannot, and
/// nothing was done.
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::other(format!("{} contains a NUL byte", p.display())))
    };
    let (a_c, b_c) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let result = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a_c.as_ptr(),
            libc::AT_FDCWD,
            b_c.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if result == 0 {
        return Ok(true);
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        // Not supported by this kernel or file system: fall back.
        Some(libc::ENOSYS | libc::EINVAL | libc::ENOTSUP) => Ok(false),
        _ => Err(with_path(error, "cannot swap in the new site at", b)),
    }
}

#[cfg(not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

pub(super) fn with_path(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swapping_in_puts_the_new_site_in_place_and_the_old_one_aside() {
        let tmp = tempfile::tempdir().unwrap();
        let (staging, dir, aside) = (
            tmp.path().join("new"),
            tmp.path().join("site"),
            tmp.path().join("old"),
        );
        for (d, text) in [(&staging, "new"), (&dir, "old")] {
            fs::create_dir(d).unwrap();
            fs::write(d.join("index.html"), text).unwrap();
        }
        assert!(swap_in(&staging, &dir, &aside).unwrap());
        assert_eq!(fs::read_to_string(dir.join("index.html")).unwrap(), "new");
        assert_eq!(fs::read_to_string(aside.join("index.html")).unwrap(), "old");
        assert!(!staging.exists());
    }

    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    #[test]
    fn linux_exchanges_two_directories_in_one_step() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("x"), "a").unwrap();
        assert!(
            exchange(&a, &b).unwrap(),
            "tmpfs and ext4 support RENAME_EXCHANGE"
        );
        assert!(b.join("x").is_file() && !a.join("x").exists());
    }
}
