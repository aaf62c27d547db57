//! The `dudao` command line: parses the arguments and hands each command to
//! the library (build, check, dump, serve, new), printing diagnostics the
//! way a reader can act on them.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use dudao::diagnostic::{Diagnostic, Diagnostics};
use dudao::model::{Kind, Project};

/// Build the 技能人才评价质量督导指标体系 into an offline static site.
#[derive(Parser)]
#[command(name = "dudao", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the static site: every page, the paper checklists and the JSON API.
    ///
    /// The site is written to a temporary directory and swapped in only when
    /// everything rendered, so a failed build leaves the previous site as it
    /// was. Links are relative: the output also works opened from file://.
    Build {
        /// Project root (the directory holding content/, rubrics/, themes/, dudao.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Override base_url from dudao.toml (used for the QR code on checklists).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Replace an output directory dudao did not make (its contents are
        /// moved to OUTPUT.before-dudao, not deleted). Never the project root
        /// or its sources.
        #[arg(long)]
        force: bool,
    },
    /// Build the site, serve it on localhost, rebuild when sources change and
    /// reload the open pages.
    ///
    /// Watches content/, rubrics/, themes/ and dudao.toml. After a rebuild the
    /// open pages reload by themselves, keeping their scroll position; a
    /// failed rebuild shows its errors over the page and keeps serving the
    /// last good site. The output folder is written too, after each rebuild.
    Serve {
        /// Project root (the directory holding content/, rubrics/, themes/, dudao.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Address to listen on; keep it on localhost.
        #[arg(long, default_value = "127.0.0.1:8000")]
        address: String,
        /// Poll for changes instead of using file-system events (for file
        /// systems that send none, e.g. some network mounts).
        #[arg(long)]
        poll: bool,
        /// Most connections served at once; more are closed at once.
        #[arg(long, default_value_t = 256, hide = true)]
        max_connections: usize,
        /// Milliseconds a client has to send a whole request head.
        #[arg(long, default_value_t = 10_000, hide = true)]
        header_timeout_ms: u64,
        /// Milliseconds a response may wait on a client that reads nothing.
        #[arg(long, default_value_t = 30_000, hide = true)]
        write_timeout_ms: u64,
    },
    /// Load and validate the content and rubrics, and print every problem found.
    ///
    /// Exits 0 when the project is clean and 1 when any error was found.
    Check {
        /// Project root (the directory holding content/ and rubrics/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print the diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Print the validated model (catalogue and rubrics) as one JSON document.
    ///
    /// The schema is documented in docs/json-schema.md; the site publishes the
    /// same document under api/.
    Dump {
        /// Project root (the directory holding content/ and rubrics/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Write the 督导意见书 and 整改通知书 of an exported assessment as .docx and .html.
    ///
    /// Reads an assessment file exported from the browser (schema version 2,
    /// docs/assessment.md) and writes four files into DIR: 督导意见书 and
    /// 整改通知书, each as an editable Word document and as print-ready A4
    /// HTML, the same documents the site's 督导意见书与整改 page makes
    /// (docs/outcomes.md). Problems a supervisor should see before signing
    /// (an unscored criterion, a veto without 行为描述, a deadline before the
    /// supervision date) are printed as warnings. Existing files are never
    /// overwritten unless --force is given.
    Report {
        /// The assessment file (.json) exported from the browser.
        assessment: PathBuf,
        /// Directory to write the four documents into (created if missing).
        #[arg(short, long, value_name = "DIR", default_value = ".")]
        output: PathBuf,
        /// Replace documents already in DIR (they may hold edits made in Word).
        #[arg(long)]
        force: bool,
    },
    /// Summarise many exported assessment files (督导汇总) into one directory.
    ///
    /// Reads version-2 assessment files (and every *.json under the
    /// directories given), lists the refused ones with the reason, and writes
    /// index.html (a static page, no JavaScript), summary.xlsx, summary.csv
    /// and summary.json (schema in docs/summary.md) into --output.
    Summarize {
        /// Assessment files or directories holding them.
        #[arg(required = true, value_name = "FILES_OR_DIRS")]
        inputs: Vec<PathBuf>,
        /// A new or empty directory (or one from an earlier summarize).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Create a new source file from an existing one.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// Start a derived rubric (rubrics/NEW_ID.yaml) from an existing one.
    ///
    /// Copies every row and criterion, sets `kind: derived` and `based_on`,
    /// drops the official `source`, and leaves `rationale:` empty for you to
    /// write (dudao check reports it until you do). Never overwrites a file.
    Rubric {
        /// Id of the rubric to copy, e.g. annex-1.
        #[arg(long, value_name = "ID")]
        from: String,
        /// Id of the new rubric: lowercase kebab-case, also its file name.
        new_id: String,
        /// Project root (the directory holding content/ and rubrics/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// One line per problem, with a help line saying what to do.
    Human,
    /// A JSON object with a `diagnostics` array, for editors and CI.
    Json,
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    keep_freed_memory_small();
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            force,
        } => {
            let output = output.unwrap_or_else(|| root.join("public"));
            if build(&root, &output, base_url.as_deref(), force) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Command::Serve {
            root,
            output,
            address,
            poll,
            max_connections,
            header_timeout_ms,
            write_timeout_ms,
        } => {
            let output = output.unwrap_or_else(|| root.join("public"));
            // The same rules as `build`: never serve (and rebuild into) a
            // directory dudao may not replace.
            if let Err(refused) = dudao::write::check_output_dir(&root, &output, false) {
                eprintln!("{refused}");
                return ExitCode::FAILURE;
            }
            let options = dudao::serve::Options {
                output: Some(output),
                root,
                address,
                poll,
                limits: dudao::serve::Limits {
                    max_connections,
                    header_timeout: std::time::Duration::from_millis(header_timeout_ms),
                    write_timeout: std::time::Duration::from_millis(write_timeout_ms),
                    ..Default::default()
                },
            };
            match dudao::serve::serve(&options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::New {
            what: NewCommand::Rubric { from, new_id, root },
        } => match dudao::new::new_rubric(&root, &from, &new_id) {
            Ok(scaffolded) => {
                println!("{}", dudao::new::next_steps(&scaffolded, &root));
                ExitCode::SUCCESS
            }
            Err(errors) => {
                print_human(&errors);
                ExitCode::FAILURE
            }
        },
        Command::Report {
            assessment,
            output,
            force,
        } => report(&assessment, &output, force),
        Command::Summarize { inputs, output } => {
            match dudao::summary::write_output(&inputs, &output) {
                Ok(summary) => {
                    for r in &summary.files.refused {
                        eprintln!("refused: {}: {}", r.file, r.reason);
                    }
                    for d in &summary.files.duplicates {
                        eprintln!("duplicate: {}", d.file);
                    }
                    eprintln!(
                        "wrote {}: {} assessment(s) from {} file(s), {} rubric(s); {} refused, {} duplicate(s)",
                        output.display(),
                        summary.files.accepted,
                        summary.files.read,
                        summary.rubrics.len(),
                        summary.files.refused.len(),
                        summary.files.duplicates.len()
                    );
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("error: {message}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Check { root, format } => check(&root, format),
        Command::Dump { root } => match dudao::load_project(&root) {
            Ok((project, warnings)) => {
                print_human(&warnings);
                emit(&serde_json::to_string_pretty(&project).expect("the model always serialises"));
                ExitCode::SUCCESS
            }
            Err(errors) => {
                eprintln!("{errors}");
                ExitCode::FAILURE
            }
        },
    }
}

fn report(assessment: &std::path::Path, output: &std::path::Path, force: bool) -> ExitCode {
    match dudao::report::run(assessment, output, force) {
        Ok((paths, warnings)) => {
            for warning in warnings {
                eprintln!("warning: {}: {warning}", assessment.display());
            }
            for path in paths {
                emit(&path.display().to_string());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints a result on stdout. A reader that stops early (`dudao dump | head`)
/// closes the pipe: that is not an error, and must not panic as `println!` does.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(err) = writeln!(out, "{text}").and_then(|()| out.flush())
        && err.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write to stdout: {err}");
        std::process::exit(1);
    }
}

fn check(root: &std::path::Path, format: Format) -> ExitCode {
    let result = dudao::check_project(root);
    let diagnostics = match &result {
        Ok((_, warnings)) => warnings.as_slice(),
        Err(Diagnostics(all)) => all.as_slice(),
    };
    match format {
        Format::Human => {
            print_human(diagnostics);
            match &result {
                Ok((project, _)) => emit(&summary(project)),
                Err(errors) => eprintln!(
                    "check failed: {} error(s)",
                    errors.0.iter().filter(|d| d.is_error()).count()
                ),
            }
        }
        Format::Json => {
            let summary = result.as_ref().ok().map(|(p, _)| summary(p));
            let report = serde_json::json!({
                "ok": result.is_ok(),
                "diagnostics": diagnostics,
                "summary": summary,
            });
            emit(&serde_json::to_string_pretty(&report).expect("plain JSON"));
        }
    }
    if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_human(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        eprintln!("{d}");
    }
}

fn summary(project: &Project) -> String {
    let catalogue = &project.catalogue;
    let mut lines = vec![format!(
        "ok: {} first-level and {} second-level indicators, {} footnote(s), {} rubric(s)",
        catalogue.groups.len(),
        catalogue.indicators.len(),
        catalogue.footnotes.len(),
        project.rubrics.len()
    )];
    for rubric in &project.rubrics {
        let kind = match rubric.kind {
            Kind::Official => "official",
            Kind::Derived => "derived",
        };
        let stages: Vec<String> = rubric
            .stages
            .iter()
            .filter_map(|s| s.title.as_ref().map(|t| format!("{t} {}", s.points)))
            .collect();
        let stages = if stages.is_empty() {
            String::new()
        } else {
            format!(" ({})", stages.join(", "))
        };
        lines.push(format!(
            "  {:<24} {kind:<8} total {}{stages}, {} rows, {} criteria, {} veto item(s), indicators {}",
            rubric.id,
            rubric.total,
            rubric.rows().count(),
            rubric.criteria().count(),
            rubric.veto.as_ref().map_or(0, |v| v.items.len()),
            rubric.indicators().len()
        ));
    }
    lines.join("\n")
}

/// Builds the site under `root` into `output`, printing diagnostics; true on
/// success. On any error the previous output stays as it was.
fn build(
    root: &std::path::Path,
    output: &std::path::Path,
    base_url: Option<&str>,
    force: bool,
) -> bool {
    let started = std::time::Instant::now();
    let replaces = match dudao::write::check_output_dir(root, output, force) {
        Ok(replaces) => replaces,
        Err(refused) => {
            eprintln!("{refused}");
            eprintln!("build refused; nothing was written");
            return false;
        }
    };
    let built = (|| {
        let config = dudao::config::Config::load(root).and_then(|config| match base_url {
            Some(url) => config.with_base_url(url),
            None => Ok(config),
        })?;
        let mut staging = dudao::write::Staging::replacing(output, replaces)?;
        if let Some(backup) = staging.backup() {
            eprintln!(
                "--force: the previous contents of {} will be kept in {}",
                output.display(),
                backup.display()
            );
        }
        let warnings = dudao::build_site(root, &config, None, &mut staging)?;
        let files = staging.commit()?;
        Ok::<_, dudao::BuildError>((warnings, files))
    })();
    match built {
        Ok((warnings, files)) => {
            print_human(&warnings);
            eprintln!(
                "built {files} files into {} in {} ms",
                output.display(),
                started.elapsed().as_millis()
            );
            true
        }
        Err(dudao::BuildError::Invalid(errors)) => {
            eprintln!("{errors}");
            eprintln!("build failed; {} left unchanged", output.display());
            false
        }
        Err(dudao::BuildError::Write(e)) => {
            eprintln!("error: {e}");
            false
        }
    }
}

/// mimalloc instead of the system allocator: glibc's `_int_malloc` grew
/// from 5 % of a ×100 build's samples to 11 % at ×1000, and mimalloc
/// spends less CPU at every scale (docs/benchmarks.md, "Allocator
/// (i17-alloc)"). By default it keeps freed pages for a second, and
/// advises transparent huge pages for its arenas, which put a ×100 build
/// at 230–270 MiB (target ≤ 200). Freed pages go back after 10 ms, and
/// Cargo.toml's `no_thp` drops the advice: 145 MiB.
fn keep_freed_memory_small() {
    use std::ffi::{c_int, c_long};
    // `mi_option_purge_delay` of mimalloc 3.3 (libmimalloc-sys 0.1.49,
    // c_src/mimalloc/v3/include/mimalloc.h); the crate's Rust bindings
    // predate it. Recheck it when Cargo.lock moves libmimalloc-sys.
    const PURGE_DELAY: c_int = 15;
    unsafe extern "C" {
        fn mi_option_set(option: c_int, value: c_long);
    }
    // SAFETY: mi_option_set stores one integer option, which mimalloc
    // reads each time it considers purging.
    unsafe { mi_option_set(PURGE_DELAY, 10) };
}
