//! What the plain `harness = false` benches share: their command line.

use std::path::PathBuf;

/// The positional arguments (`cargo bench` passes `--bench`; everything
/// else is ours): the project root (default `.`), the number of runs
/// (default `default_runs`), and whatever follows them.
pub fn args(default_runs: usize) -> (PathBuf, usize, Vec<String>) {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = PathBuf::from(args.first().map_or(".", String::as_str));
    let runs = args
        .get(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(default_runs);
    (root, runs, args.into_iter().skip(2).collect())
}
