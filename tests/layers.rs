//! The modules of src/ follow the data: no import cycle among them, the
//! bottom layer imports nothing of ours, and every file says its one job in
//! a `//!` doc. Read from the source text, so a new `use crate::…` that
//! closes a cycle fails here with the cycle spelled out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module of the crate: a file `src/x.rs` or a directory `src/x/`.
type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("src/ is readable").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// The top-level module a file belongs to; `None` for the crate root
/// (lib.rs, which wires every layer together) and the binary (main.rs).
fn module_of(file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src()).expect("a file under src/");
    let first = relative.components().next()?.as_os_str().to_str()?;
    match first {
        "lib.rs" | "main.rs" => None,
        _ => Some(first.trim_end_matches(".rs").to_owned()),
    }
}

/// The source without comments, so prose that names a module
/// (`[`crate::write`] does`) is not an import.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(cut) if !line[..cut].contains('"') => &line[..cut],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first path segment of everything `code` reaches through `crate::`:
/// `crate::load::Doc`, `crate::parallel::parallel_map(…)` and each item of
/// `use crate::{config::Config, model::{A, B}}`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        // `dudao_crate::` or `some_crate::` are not ours.
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        found.insert(identifier(&group[i..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(identifier(rest));
        }
    }
    found
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Module → the other modules it uses.
fn module_graph() -> Graph {
    let files = rust_files(&src());
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f)).collect();
    let mut graph = Graph::new();
    for file in &files {
        let Some(module) = module_of(file) else {
            continue;
        };
        let code = code_of(&fs::read_to_string(file).expect("a readable source file"));
        let uses = graph.entry(module.clone()).or_default();
        uses.extend(
            crate_paths(&code)
                .into_iter()
                .filter(|used| *used != module && modules.contains(used)),
        );
    }
    graph
}

/// A cycle in `graph`, as the modules along it (first = last), if any.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Visiting,
        Done,
    }
    fn visit(
        node: &str,
        graph: &Graph,
        state: &mut BTreeMap<String, State>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(State::Done) => return None,
            Some(State::Visiting) => {
                let from = path.iter().position(|n| n == node).expect("on the path");
                let mut cycle = path[from..].to_vec();
                cycle.push(node.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        state.insert(node.to_owned(), State::Visiting);
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, state, path) {
                return Some(cycle);
            }
        }
        path.pop();
        state.insert(node.to_owned(), State::Done);
        None
    }
    let mut state = BTreeMap::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut state, &mut Vec::new()))
}

#[test]
fn no_import_cycle_among_the_modules_of_src() {
    let graph = module_graph();
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "import cycle: {}\nevery arrow must point down the pipeline \
             (load → validate → model → render/search/export → write); move \
             what both sides need into the lower module",
            cycle.join(" → ")
        );
    }
}

#[test]
fn the_graph_sees_the_imports_the_pipeline_is_made_of() {
    // Guards the parser: if it stopped finding imports, the acyclicity test
    // above would pass on an empty graph.
    let graph = module_graph();
    for (from, to) in [
        ("validate", "load"),
        ("validate", "model"),
        ("render", "model"),
        ("render", "search"),
        ("render", "parallel"),
        ("load", "parallel"),
        ("load", "kept"),
        ("validate", "kept"),
        ("render", "kept"),
        ("search", "model"),
        ("write", "render"),
    ] {
        assert!(
            graph.get(from).is_some_and(|uses| uses.contains(to)),
            "{from} → {to} not found in {graph:#?}"
        );
    }
}

#[test]
fn a_cycle_is_found_and_spelled_out() {
    let graph: Graph = [
        ("load", vec!["diagnostic", "evidence"]),
        ("evidence", vec!["search"]),
        ("search", vec!["load"]),
        ("diagnostic", vec![]),
    ]
    .into_iter()
    .map(|(m, uses)| (m.to_owned(), uses.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec![
            "evidence".to_owned(),
            "search".to_owned(),
            "load".to_owned(),
            "evidence".to_owned()
        ])
    );
}

#[test]
fn grouped_and_inline_crate_paths_are_all_found() {
    let code = code_of(
        "use crate::{config::Config, model::{A, B}};\n\
         use crate::load::{self, Doc};\n\
         let x = crate::parallel::parallel_map(&a, f); // crate::write\n\
         let y = other_crate::thing;",
    );
    assert_eq!(
        crate_paths(&code),
        ["config", "load", "model", "parallel"]
            .into_iter()
            .map(str::to_owned)
            .collect()
    );
}

#[test]
fn the_bottom_layers_import_nothing_of_ours() {
    let graph = module_graph();
    for bottom in ["parallel", "kept", "diagnostic", "escape"] {
        let uses = &graph[bottom];
        assert!(
            uses.is_empty(),
            "{bottom} is a bottom layer but uses {uses:?}"
        );
    }
}

#[test]
fn every_source_file_states_its_job_in_a_module_doc() {
    for file in rust_files(&src()) {
        let text = fs::read_to_string(&file).expect("a readable source file");
        assert!(
            text.starts_with("//!"),
            "{} does not start with a `//!` doc saying what the module is for",
            file.display()
        );
    }
}
