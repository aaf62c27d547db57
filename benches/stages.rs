//! Where a build's time goes, stage by stage, in process: load + validate,
//! the template set-up, each family of `render::PAGE_FAMILIES` and
//! `render::DATA_FAMILIES`, and writing the output. scripts/bench runs it on
//! the generated projects; run it by hand to find a hot spot before reaching
//! for a profiler:
//!
//! ```text
//! cargo run --release --example gen-bench -- --scale 10 --out target/bench/x10
//! cargo bench --bench stages -- target/bench/x10 [RUNS]
//! ```
//!
//! A plain `harness = false` program rather than criterion: the stages take
//! milliseconds to seconds, a median of a few runs is the statistic that
//! matters here, and the numbers must come from the same release build the
//! bench script times.

use std::time::{Duration, Instant};

use dudao::config::Config;
use dudao::render::{DATA_FAMILIES, Output, PAGE_FAMILIES, Site};

mod common;

fn main() {
    let (root, runs, _) = common::args(3);
    let scratch = std::env::temp_dir().join(format!("dudao-stages-{}", std::process::id()));

    let mut stages: Vec<(String, Vec<Duration>)> = Vec::new();
    let mut record = |index: usize, name: &str, took: Duration| {
        if stages.len() <= index {
            stages.push((name.to_owned(), Vec::new()));
        }
        stages[index].1.push(took);
    };
    let mut files = 0;
    let mut bytes = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let config = Config::load(&root).unwrap_or_else(|e| panic!("{e}"));
        let (project, _) = dudao::load_project(&root).unwrap_or_else(|e| panic!("{e}"));
        let project = std::sync::Arc::new(project);
        record(0, "load + validate", started.elapsed());

        let started = Instant::now();
        let site = Site::new(&project, &config, &root).unwrap_or_else(|e| panic!("{e}"));
        record(1, "templates + model values", started.elapsed());

        let mut output = Output::new();
        for (i, family) in PAGE_FAMILIES.iter().chain(DATA_FAMILIES).enumerate() {
            let before: Vec<String> = output.keys().cloned().collect();
            let started = Instant::now();
            family
                .render(&site, &mut output)
                .unwrap_or_else(|e| panic!("{e}"));
            let took = started.elapsed();
            // Families have no names; the first file each adds says what it is.
            let first_new = output
                .keys()
                .find(|k| before.binary_search(k).is_err())
                .map_or("(nothing new)", String::as_str);
            let name = format!("render #{i:<2} {}", family_label(first_new));
            record(2 + i, &name, took);
        }

        let started = Instant::now();
        dudao::write::write_site(&output, &scratch).unwrap_or_else(|e| panic!("{e}"));
        record(
            2 + PAGE_FAMILIES.len() + DATA_FAMILIES.len(),
            "write",
            started.elapsed(),
        );
        files = output.len();
        bytes = output.values().map(Vec::len).sum::<usize>();
    }
    let _ = std::fs::remove_dir_all(&scratch);

    println!(
        "{} — {files} files, {:.1} MiB, median of {runs} run(s)",
        root.display(),
        bytes as f64 / 1048576.0
    );
    let mut total = Duration::ZERO;
    for (name, mut times) in stages {
        times.sort();
        let median = times[times.len() / 2];
        total += median;
        println!("{:>10.1} ms  {name}", median.as_secs_f64() * 1000.0);
    }
    println!("{:>10.1} ms  total", total.as_secs_f64() * 1000.0);
}

/// `rubrics/annex-1/index.html` → `rubrics/*`, enough to tell families apart.
fn family_label(path: &str) -> String {
    match path.split_once('/') {
        Some((dir, _)) => format!("{dir}/*"),
        None => path.to_owned(),
    }
}
