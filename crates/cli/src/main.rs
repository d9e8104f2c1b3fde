//! `sentinel-readiness`: the command-line face of the engine, for batch runs and CI gates.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use sentinel_readiness_engine::{build, difference, ffi, load_on, sample, task, Date, ReportOptions};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "sentinel-readiness",
    version,
    about = "Plan the move of Microsoft Sentinel from the Azure portal to the Microsoft Defender portal, from the exports you already have."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Who can do each onboarding task on each workspace, and why.
    Report(ReportArgs),
    /// Search the catalogue of documented differences between the two portals.
    Features(FeaturesArgs),
    /// List the tasks and the documented rules behind them.
    Tasks {
        /// Rules in force at this date (YYYY-MM-DD); default: the latest.
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Write the multi-tenant and MSSP guidance (Lighthouse, Entra B2B, GDAP, multitenant
    /// portal) as a standalone HTML page.
    Mssp {
        /// Guidance as documented at this date (YYYY-MM-DD); default: the latest.
        #[arg(long)]
        as_of: Option<String>,
    },
}

#[derive(clap::Args)]
struct FeaturesArgs {
    /// Words to look for (ids, titles, text; product names such as XDR, MDE, M365D work).
    query: Vec<String>,
    /// Only this area (analytics, incidents, automation, hunting, threat-intel, entities, content-management, data-connectors, api, rbac, multi-workspace, workbooks, other).
    #[arg(long)]
    area: Option<String>,
    /// Only this impact (breaking, behaviour-change, relocation, new-capability, unavailable).
    #[arg(long)]
    impact: Option<String>,
    /// Only entries documented at this date (YYYY-MM-DD).
    #[arg(long)]
    as_of: Option<String>,
    #[arg(long, value_enum, default_value = "md")]
    format: OutputFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Json,
    Md,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Json,
    Md,
    Csv,
    /// One standalone HTML file: charts and styles inline, no scripts, prints to PDF.
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Exit 1 when the overall verdict is blocked, some task has nobody who can do it today, or deny assignments were not all read (a deny not seen could take away an access shown as allowed).
    NotReady,
    /// Exit 1 when any input file could not be read, or records in it were skipped.
    InputError,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// Export files (any supported format, detected by content); `-` reads standard input.
    /// A folder stands for its `.json`, `.csv` and `.txt` files and its subfolders', in path
    /// order (hidden names left out): give thousands of per-subscription files that way.
    files: Vec<PathBuf>,
    /// Target workspace: resource id, or a name seen in the inputs. Repeatable. Default: every workspace found.
    #[arg(long = "workspace", value_name = "ID")]
    workspaces: Vec<String>,
    /// The primary workspace (id or name); the others are treated as secondaries.
    #[arg(long, value_name = "ID")]
    primary: Option<String>,
    #[arg(long, value_enum, default_value = "json")]
    format: ReportFormat,
    /// Add the bundled fictional sample tenant to the inputs.
    #[arg(long)]
    sample: bool,
    /// Also list not-allowed verdicts, with what is missing.
    #[arg(long)]
    all_verdicts: bool,
    /// Apply the rules documented at this date (YYYY-MM-DD); default: the latest.
    #[arg(long)]
    as_of: Option<String>,
    /// The day PIM eligibility windows are checked against (YYYY-MM-DD); default: today.
    #[arg(long)]
    today: Option<String>,
    #[arg(long, value_enum)]
    fail_on: Vec<FailOn>,
    /// Write the report here instead of standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Threads for reading and evaluation: 0 = one per core, 1 = this thread only (for a
    /// shared runner). The report is the same for every count.
    #[arg(long, value_name = "N", default_value_t = 0)]
    threads: usize,
}

fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Date::from_days_since_epoch((secs / 86_400) as i64)
}

fn parse_date(text: Option<&str>) -> Result<Option<Date>, String> {
    text.map(|t| Date::parse_option(t).map_err(|e| e.to_string()))
        .transpose()
}

/// A line to standard error. Messages quote file names and export text: shown, not acted
/// on, so an export cannot clear the terminal or print a fake all-clear with escape codes
/// or a line break of its own.
fn warn(line: &str) {
    eprintln!("{}", sentinel_readiness_engine::safe_text::one_line(line));
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Report(args) => match report(args) {
            Ok(code) => code,
            Err(message) => {
                warn(&format!("sentinel-readiness: {message}"));
                ExitCode::from(2)
            }
        },
        Command::Features(args) => match features(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                warn(&format!("sentinel-readiness: {message}"));
                ExitCode::from(2)
            }
        },
        Command::Mssp { as_of } => with_date(as_of, |d| {
            print!("{}", sentinel_readiness_engine::html::guidance_page(d, true));
        }),
        Command::Tasks { as_of } => with_date(as_of, print_tasks),
    }
}

/// Runs a command that only needs its `--as-of` date, exiting 2 on a bad date.
fn with_date(as_of: Option<String>, run: impl FnOnce(Option<Date>)) -> ExitCode {
    match parse_date(as_of.as_deref()) {
        Ok(d) => {
            run(d);
            ExitCode::SUCCESS
        }
        Err(message) => {
            warn(&format!("sentinel-readiness: {message}"));
            ExitCode::from(2)
        }
    }
}

fn print_tasks(as_of: Option<Date>) {
    for t in task::TASKS {
        match t.variant_at(as_of) {
            Some(v) => {
                println!(
                    "{}  {}\n    {}\n    rules since {}:",
                    t.id, t.title, t.description, v.since
                );
                println!("    {}", v.note);
                for s in v.sources {
                    println!("    source: {} [{}]", s.path, s.doc_date);
                }
            }
            None => println!("{}  {}\n    not documented yet at that date", t.id, t.title),
        }
        println!();
    }
}

fn features(args: FeaturesArgs) -> Result<(), String> {
    let as_of = parse_date(args.as_of.as_deref())?;
    difference::check_filters(args.area.as_deref(), args.impact.as_deref()).map_err(|e| e.to_string())?;
    let hits = difference::search(
        &args.query.join(" "),
        args.area.as_deref(),
        args.impact.as_deref(),
        as_of,
    );
    let text = match args.format {
        OutputFormat::Json => {
            let entries: Vec<ffi::DifferenceEntry> = hits.iter().map(ffi::entry).collect();
            serde_json::to_string_pretty(&entries).map_err(|e| e.to_string())? + "\n"
        }
        OutputFormat::Csv => difference::to_csv(&hits),
        OutputFormat::Md => difference::to_markdown(&hits),
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    if hits.is_empty() {
        eprintln!("no entry matches; try fewer words or another product name");
    }
    Ok(())
}

/// One input file's name and bytes (`-` is standard input).
fn read_input(path: &std::path::Path) -> Result<(String, Vec<u8>), String> {
    let name = path.display().to_string();
    if name == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("reading standard input: {e}"))?;
        return Ok(("<stdin>".into(), buf));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    Ok((name, bytes))
}

/// Extensions of the files a folder given as an input stands for.
const FOLDER_EXTENSIONS: [&str; 3] = ["json", "csv", "txt"];

/// The inputs with each folder replaced by its export files, recursively, in path order.
/// A glob of tens of thousands of files is beyond the shell's argument limit, and `xargs`
/// would split them into several runs, each a report of part of the tenant.
fn expand_folders(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::with_capacity(paths.len());
    for p in paths {
        if p.as_os_str() != "-" && p.is_dir() {
            let start = out.len();
            let mut other = 0;
            walk(p, &mut out, &mut other)?;
            out.get_mut(start..).unwrap_or_default().sort();
            if out.len() == start {
                return Err(format!(
                    "{}: no .json, .csv or .txt file in this folder or below",
                    p.display()
                ));
            }
            if other > 0 {
                warn(&format!(
                    "sentinel-readiness: {}: {other} file(s) of other types, links to folders or pipes left out (a folder stands for its .json, .csv and .txt files)",
                    p.display()
                ));
            }
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// The export files in `dir` and its subfolders. A link to a folder is not followed (one
/// back to a parent would loop): it is counted with the files left out.
fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>, other: &mut usize) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("{}: {e}", dir.display());
    for entry in std::fs::read_dir(dir).map_err(failed)? {
        let entry = entry.map_err(failed)?;
        let path = entry.path();
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            continue;
        }
        let kind = entry.file_type().map_err(failed)?;
        if kind.is_dir() {
            walk(&path, out, other)?;
        } else if left_out(&kind, &path) {
            *other += 1;
        } else if path
            .extension()
            .is_some_and(|e| FOLDER_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
        {
            out.push(path);
        } else {
            *other += 1;
        }
    }
    Ok(())
}

/// Entries of a folder that are not read: a link to a folder (a link back up would loop),
/// and a pipe, socket or device, which would wait for input that may never come. A link
/// whose target is missing is read, so that its error names it.
fn left_out(kind: &std::fs::FileType, path: &std::path::Path) -> bool {
    if kind.is_symlink() {
        std::fs::metadata(path).is_ok_and(|m| !m.is_file())
    } else {
        !kind.is_file()
    }
}

/// Every input file, in order. Unless told to use one thread, the two halves of the list are
/// read side by side: at a million assignments, copying the files in and clearing the fresh
/// pages takes about a second of the kernel's time. The first error in list order wins.
fn read_inputs(paths: &[PathBuf], threads: usize) -> Result<Vec<(String, Vec<u8>)>, String> {
    let (first, second) = paths.split_at(paths.len() / 2);
    let read_all = |part: &[PathBuf]| part.iter().map(|p| read_input(p)).collect::<Vec<_>>();
    let (mut out, rest) =
        sentinel_readiness_engine::parallel::join(threads != 1, || read_all(first), || read_all(second));
    out.extend(rest);
    out.into_iter().collect()
}

fn report(args: ReportArgs) -> Result<ExitCode, String> {
    let as_of = parse_date(args.as_of.as_deref())?;
    let today = parse_date(args.today.as_deref())?.unwrap_or_else(today);
    if args.files.is_empty() && !args.sample {
        return Err("no input files; give export files, `-` for standard input, or --sample".into());
    }
    let mut contents: Vec<(String, Vec<u8>)> = Vec::new();
    if args.sample {
        contents.extend(
            sample::SAMPLE_FILES
                .iter()
                .map(|(n, t)| (format!("sample/{n}"), t.as_bytes().to_vec())),
        );
    }
    contents.extend(read_inputs(&expand_folders(&args.files)?, args.threads)?);
    let loaded = load_on(contents.iter().map(|(n, b)| (n.as_str(), b.as_slice())), args.threads);
    // The records are read: the exports' bytes (up to gigabytes) are no longer needed.
    drop(contents);
    for e in &loaded.errors {
        warn(&format!("sentinel-readiness: {e}"));
        if let Some(snippet) = &e.snippet {
            warn(&format!("    | {snippet}"));
        }
    }
    // A skipped record can change a verdict (a deny assignment, an eligibility): say so here,
    // not only inside the report.
    for i in loaded.inputs.iter().filter(|i| !i.warnings.is_empty()) {
        let first = i.warnings.first().map(String::as_str).unwrap_or_default();
        warn(&format!(
            "sentinel-readiness: {}: {} record(s) skipped; the first: {first}",
            i.path,
            i.warnings.len()
        ));
    }
    if loaded.inputs.is_empty() {
        return Err("none of the inputs could be used".into());
    }
    let sample_only = args.sample && args.files.is_empty() && args.workspaces.is_empty();
    let opts = ReportOptions {
        workspaces: args.workspaces,
        as_of,
        today,
        all_verdicts: args.all_verdicts,
        // The sample alone has a designated primary; with the user's files, they choose.
        primary: args
            .primary
            .or_else(|| sample_only.then(|| sample::SAMPLE_PRIMARY.to_string())),
        threads: args.threads,
    };
    let report = build(&loaded, &opts).map_err(|e| e.to_string())?;
    let text = match args.format {
        // Streamed: a large tenant's JSON report runs to hundreds of megabytes.
        ReportFormat::Json => None,
        ReportFormat::Md => Some(report.to_markdown()),
        ReportFormat::Csv => Some(report.to_csv()),
        ReportFormat::Html => Some(report.to_html()),
    };
    match &args.output {
        // A regular file (or a new one) is written beside the target and renamed over it once
        // whole: a failed write (a full disk) leaves the previous report, or none, never a
        // report cut short.
        Some(path) if std::fs::symlink_metadata(path).map_or(true, |m| m.file_type().is_file()) => {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".partial");
            let partial = path.with_file_name(name);
            let written = std::fs::File::create(&partial).and_then(|file| {
                let mut w = std::io::BufWriter::new(file);
                emit(&report, text.as_deref(), &mut w)?;
                w.into_inner().map_err(|e| e.into_error())?.sync_all()
            });
            if let Err(e) = written.and_then(|()| std::fs::rename(&partial, path)) {
                let _ = std::fs::remove_file(&partial);
                return Err(format!("{}: {e}", path.display()));
            }
        }
        // Anything else is written through as named: renaming over a device (`-o /dev/null`
        // as root) replaced it with a file, and over a symbolic link replaced the link.
        Some(path) => {
            let written = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)
                .and_then(|file| {
                    let mut w = std::io::BufWriter::new(file);
                    emit(&report, text.as_deref(), &mut w)?;
                    w.flush()
                });
            written.map_err(|e| format!("{}: {e}", path.display()))?;
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            // A closed pipe (e.g. `| head`) is not an error worth a message; any other
            // failure to write (a full disk) is, since the report is then cut short.
            let written = emit(&report, text.as_deref(), &mut out).and_then(|()| out.flush());
            if let Err(e) = written {
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(format!("standard output: {e}"));
                }
            }
        }
    }
    let failed = (args.fail_on.contains(&FailOn::NotReady) && report.not_ready())
        || (args.fail_on.contains(&FailOn::InputError)
            && (!report.errors.is_empty() || report.inputs.iter().any(|i| !i.warnings.is_empty())));
    if failed {
        for b in &report.summary.blockers {
            warn(&format!("blocked: {b}"));
        }
        for t in report.tasks.iter().filter(|t| t.qualified.is_empty()) {
            warn(&format!(
                "not ready: nobody can {} on {} today",
                t.task,
                t.workspace.name()
            ));
        }
        if let Some(w) = report.denies_unseen_warning() {
            warn(&format!("not ready: {w}"));
        }
    }
    // The process ends here: letting go of a large tenant's report and records one
    // allocation at a time took about 0.16 s at a million assignments, for memory the
    // system takes back at exit anyway.
    std::mem::forget(report);
    std::mem::forget(loaded);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Writes a rendered report, or streams the JSON one. Generic over the writer, not `dyn
/// Write`: the JSON writer writes each fragment through it, and a virtual call per fragment
/// kept the buffered writer's fast path from being inlined (at 10k, 43 % of all instructions
/// were spent writing).
fn emit<W: Write>(report: &sentinel_readiness_engine::Report, text: Option<&str>, out: &mut W) -> std::io::Result<()> {
    match text {
        Some(t) => out.write_all(t.as_bytes()),
        None => {
            // Keep the kind of a failed write, so a closed pipe is still told apart.
            report.write_json(&mut *out).map_err(|e| {
                e.io_error_kind()
                    .map_or_else(|| std::io::Error::other(e), std::io::Error::from)
            })?;
            out.write_all(b"\n")
        }
    }
}
