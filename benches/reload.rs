//! One `dudao serve` load + validate after a one-file edit, in process:
//! the part of a rebuild before rendering, apart from the rest, to profile
//! it (`perf record`, `valgrind --tool=callgrind`) without the render's
//! samples around it.
//!
//! ```text
//! cargo run --release --example gen-bench -- --scale 100 --out /tmp/x100
//! cargo bench --bench reload -- /tmp/x100 [RUNS] [FILE]
//! ```
//!
//! FILE (default `content/indicators/05.md`) gets a sentence per run
//! (appended to Markdown; in YAML inside the last quoted string, as
//! scripts/bench-serve.mjs puts it), and is restored at the end. The memos and reads are those serve
//! keeps (`load::remember_parses`, `validate::remember_rubrics`,
//! `load::Reads`), set up by a first, full load.

use std::time::{Duration, Instant};

mod common;

fn main() {
    let (root, runs, rest) = common::args(9);
    let file = root.join(
        rest.first()
            .map_or("content/indicators/05.md", String::as_str),
    );
    let original =
        std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));

    dudao::load::remember_parses();
    dudao::validate::remember_rubrics();
    let reads = dudao::load::Reads::default();
    reads.forget_all(&root);
    let load = || {
        let loaded = dudao::load_project_with(&root, Some(&reads));
        dudao::load::forget_unused();
        dudao::validate::forget_unused_rubrics();
        loaded.unwrap_or_else(|e| panic!("{e}"))
    };
    let started = Instant::now();
    drop(load());
    println!("first load: {} ms", started.elapsed().as_millis());

    let mut times: Vec<Duration> = Vec::new();
    for run in 1..=runs {
        let edited = common::edited(&original, &file, &format!("基准测试第{run}次修改"));
        std::fs::write(&file, edited).unwrap();
        let started = Instant::now();
        reads.changed(&root, std::slice::from_ref(&file));
        let loaded = load();
        let took = started.elapsed();
        drop(loaded);
        times.push(took);
        println!("run {run}: {:.1} ms", took.as_secs_f64() * 1e3);
    }
    std::fs::write(&file, original).unwrap();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "median {:.1} ms, min {:.1}, max {:.1} over {runs} runs",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
}
