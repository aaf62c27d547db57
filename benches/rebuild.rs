//! One `dudao serve` rebuild after a one-file edit, in process, without the
//! browser or the file watcher: what serve's log line reports, run by hand
//! to profile a rebuild (under `valgrind --tool=callgrind`, whose counts a
//! busy machine does not change).
//!
//! ```text
//! cargo run --release --example gen-bench -- --scale 10 --out /tmp/x10
//! cargo bench --bench rebuild -- /tmp/x10 [RUNS] [FILE]
//! ```
//!
//! FILE (default `content/indicators/05.md`) gets a sentence appended per
//! run (in a rubric's YAML, inside its last quoted string, as
//! `scripts/bench-serve.mjs` does, so the file stays valid), and is
//! restored at the end.

use std::time::Instant;

use dudao::serve::Files;
use dudao::serve::rebuild::Rebuilder;

mod common;

fn main() {
    let (root, runs, rest) = common::args(5);
    let file = root.join(
        rest.first()
            .map_or("content/indicators/05.md", String::as_str),
    );
    let original =
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));

    let mut serve = Rebuilder::default();
    let started = Instant::now();
    let mut site = serve
        .rebuild(&root, &[], &Files::new())
        .unwrap_or_else(|e| panic!("{e}"))
        .files;
    println!(
        "first build: {} files in {} ms",
        site.len(),
        started.elapsed().as_millis()
    );
    let mut times = Vec::new();
    for run in 1..=runs {
        let edited = common::edited(&original, &file, &format!("基准测试第{run}次修改"));
        std::fs::write(&file, edited).unwrap();
        let started = Instant::now();
        let built = serve
            .rebuild(&root, std::slice::from_ref(&file), &site)
            .unwrap_or_else(|e| panic!("{e}"));
        let took = started.elapsed();
        times.push(took);
        println!(
            "run {run}: {} ms ({}; {} changed, {} pages rendered, {} reused)",
            took.as_millis(),
            built.timeline,
            built.changed.len(),
            built.rendered,
            built.reused
        );
        site = built.files;
    }
    std::fs::write(&file, original).unwrap();
    times.sort();
    println!(
        "median {} ms, min {}, max {} over {runs} runs",
        times[times.len() / 2].as_millis(),
        times[0].as_millis(),
        times[times.len() - 1].as_millis()
    );
}
