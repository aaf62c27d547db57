//! `gen-bench`: synthetic projects for the benchmarks (scripts/bench).
//!
//! A scaled project holds `scale` copies of the bundled catalogue and rubrics.
//! Copy 0 is the bundled source verbatim, so `--scale 1` is exactly the
//! bundled project. Every further copy renumbers the groups, indicators and
//! footnotes after the previous copy (the validator wants them numbered
//! straight through), recombines the explanations and criteria from clauses
//! of the bundled text at the original lengths, and turns each bundled rubric
//! into a derived rubric over that copy's indicators, as an institution would
//! tailor one for an occupation. Same seed, same bytes.
//!
//! A developer tool, kept out of the product binary: an example of the
//! crate, built and run by scripts/bench with
//! `cargo run --release --example gen-bench -- --scale N --out DIR`.

mod copies;
mod text;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use copies::{rubric_copy, write_catalogue_copy};
use text::{Pools, SplitMix64};

/// Write a synthetic project: the bundled one scaled N times.
#[derive(Parser)]
#[command(name = "gen-bench")]
struct Args {
    /// How many copies of the bundled catalogue and rubrics.
    #[arg(long)]
    scale: u32,
    /// Same seed, same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A new or empty directory.
    #[arg(long)]
    out: PathBuf,
    /// The project to scale.
    #[arg(long, default_value = ".")]
    root: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match generate(&args.root, args.scale, args.seed, &args.out) {
        Ok(s) => {
            eprintln!(
                "wrote {}: {} groups, {} indicators, {} rubrics ({} files, {} bytes)",
                args.out.display(),
                s.groups,
                s.indicators,
                s.rubrics,
                s.files,
                s.bytes
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a project scaled `scale` times from the bundled project at `root`
/// into `out`, which must not exist or be empty.
fn generate(root: &Path, scale: u32, seed: u64, out: &Path) -> Result<Summary, String> {
    if scale == 0 {
        return Err("--scale must be at least 1".to_owned());
    }
    let project = match dudao::load_project(root) {
        Ok((project, _warnings)) => project,
        Err(errors) => {
            return Err(format!(
                "the bundled project at {} does not pass `dudao check`:\n{errors}",
                root.display()
            ));
        }
    };
    if out.exists()
        && fs::read_dir(out)
            .map_err(|e| format!("cannot read {}: {e}", out.display()))?
            .next()
            .is_some()
    {
        return Err(format!(
            "{} is not empty; gen-bench only writes into a new or empty directory",
            out.display()
        ));
    }

    let mut writer = Writer {
        out: out.to_owned(),
        bytes: 0,
        files: 0,
    };
    copy_bundled(root, &mut writer).map_err(|e| e.to_string())?;

    let pool = Pools::from(&project);
    let guides = indicator_guides(root).map_err(|e| e.to_string())?;
    let mut rng = SplitMix64(seed);
    for copy in 1..scale {
        write_catalogue_copy(&project.catalogue, copy, &pool, &mut rng, &mut writer)
            .map_err(|e| e.to_string())?;
        for indicator in &project.catalogue.indicators {
            if let Some(guide) = guides.get(&indicator.number) {
                let number = indicator.number + copy * project.catalogue.indicators.len() as u32;
                writer
                    .write(
                        &format!("{GUIDES_DIR}/{number:02}.md"),
                        &guide_copy(guide, number),
                    )
                    .map_err(|e| e.to_string())?;
            }
        }
        for rubric in &project.rubrics {
            let (name, text) = rubric_copy(rubric, &project.catalogue, copy, &pool, &mut rng);
            writer
                .write(&format!("rubrics/{name}.yaml"), &text)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(Summary {
        files: writer.files,
        bytes: writer.bytes,
        groups: project.catalogue.groups.len() as u64 * u64::from(scale),
        indicators: project.catalogue.indicators.len() as u64 * u64::from(scale),
        rubrics: project.rubrics.len() as u64 * u64::from(scale),
    })
}

struct Summary {
    files: u64,
    bytes: u64,
    groups: u64,
    indicators: u64,
    rubrics: u64,
}

pub struct Writer {
    out: PathBuf,
    bytes: u64,
    files: u64,
}

impl Writer {
    pub fn write(&mut self, relative: &str, text: &str) -> io::Result<()> {
        let path = self.out.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, text).map_err(|e| with_path(e, &path))?;
        self.bytes += text.len() as u64;
        self.files += 1;
        Ok(())
    }
}

fn with_path(err: io::Error, path: &Path) -> io::Error {
    io::Error::new(err.kind(), format!("{}: {err}", path.display()))
}

/// Copy 0: the source tree as it is, plus whatever else the build reads from
/// the project root (site configuration, a theme).
fn copy_bundled(root: &Path, writer: &mut Writer) -> io::Result<()> {
    for name in ["content", "rubrics", "themes", "dudao.toml"] {
        let from = root.join(name);
        if from.exists() {
            copy_tree(&from, &writer.out.join(name), writer)?;
        }
    }
    Ok(())
}

fn copy_tree(from: &Path, to: &Path, writer: &mut Writer) -> io::Result<()> {
    if from.is_file() {
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        writer.bytes += fs::copy(from, to).map_err(|e| with_path(e, from))?;
        writer.files += 1;
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(from)
        .map_err(|e| with_path(e, from))?
        .map(|e| e.map(|e| e.path()))
        .collect::<io::Result<_>>()?;
    entries.sort();
    for entry in entries {
        let name = entry.file_name().expect("read_dir yields named entries");
        copy_tree(&entry, &to.join(name), writer)?;
    }
    Ok(())
}

/// Where the evidence guides of indicators live (every indicator needs one).
const GUIDES_DIR: &str = "content/evidence/indicators";

/// The bundled indicator guides by indicator number, as text.
fn indicator_guides(root: &Path) -> io::Result<BTreeMap<u32, String>> {
    let mut guides = BTreeMap::new();
    let dir = root.join(GUIDES_DIR);
    if !dir.is_dir() {
        return Ok(guides);
    }
    for entry in fs::read_dir(&dir).map_err(|e| with_path(e, &dir))? {
        let path = entry?.path();
        let text = fs::read_to_string(&path).map_err(|e| with_path(e, &path))?;
        let number = text
            .lines()
            .find_map(|l| l.strip_prefix("indicator:"))
            .and_then(|n| n.trim().parse().ok());
        if let Some(number) = number {
            guides.insert(number, text);
        }
    }
    Ok(guides)
}

/// The guide for a copied indicator: the bundled guide's lists, renumbered.
/// Its `requirements` quote the official explanation, which a copy does not
/// carry, so they are left out.
fn guide_copy(guide: &str, number: u32) -> String {
    let mut out = String::with_capacity(guide.len());
    let mut in_requirements = false;
    for line in guide.split_inclusive('\n') {
        let top_level = line.trim_end() == "---" || !line.starts_with([' ', '-', '\t', '\n']);
        if top_level {
            in_requirements = line.starts_with("requirements:");
        }
        if in_requirements {
            continue;
        }
        if line.starts_with("indicator:") {
            let _ = writeln!(out, "indicator: {number}");
        } else {
            out.push_str(line);
        }
    }
    out
}
