//! The benchmark command: `cargo run --release -p sentinel-readiness-bench --bin bench [10k 100k 1m]`.
//! For each size it generates the synthetic enterprise (seed 42), then times parsing the same
//! bytes into `serde_json::Value` against the full report (read, evaluate, render JSON, as
//! the CLI does), and records peak memory. Each size runs in its own process so peak memory is its own.

use std::process::{Command, ExitCode};
use std::time::Instant;

use sentinel_readiness_bench::{generate, Shape};
use sentinel_readiness_engine::{build, load_on, Date, ReportOptions};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// Counts the bytes written to it.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn one(n: usize, threads: usize) -> ExitCode {
    let files = generate(Shape::enterprise(n), 42);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let base_rss = peak_rss_kib();
    let t = Instant::now();
    let mut values = 0usize;
    for (_, text) in &files {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
            values += usize::from(!v.is_null());
        }
    }
    let parse = t.elapsed().as_secs_f64();
    // Peak memory from here on is the report's alone (the exports' bytes included), not the
    // generator's or the baseline parse's: "5" resets the high-water mark (Linux 4.0+).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let opts = ReportOptions {
        workspaces: vec![],
        as_of: None,
        today: Date::new(2026, 11, 23),
        all_verdicts: false,
        primary: None,
        threads,
    };
    // The CLI's pipeline: read every file, let go of the exports' bytes, evaluate, and
    // stream the JSON report (here into a counter instead of a file).
    let t = Instant::now();
    let loaded = load_on(files.iter().map(|(n, t)| (n.as_str(), t.as_bytes())), threads);
    drop(files);
    let read_s = t.elapsed().as_secs_f64();
    let mut out = Counter(0);
    let Ok(report) = build(&loaded, &opts) else {
        return ExitCode::from(1);
    };
    let evaluate_s = t.elapsed().as_secs_f64() - read_s;
    if report.write_json(&mut out).is_err() {
        return ExitCode::from(1);
    }
    let json_len = out.0;
    let full = t.elapsed().as_secs_f64();
    let write_s = full - read_s - evaluate_s;
    let peak = peak_rss_kib();
    println!(
        "{{\"assignments\":{n},\"input_bytes\":{bytes},\"files_parsed\":{values},\"parse_s\":{parse:.3},\"report_s\":{full:.3},\"read_s\":{read_s:.3},\"evaluate_s\":{evaluate_s:.3},\"write_s\":{write_s:.3},\"report_bytes\":{json_len},\"peak_rss_kib\":{peak},\"base_rss_kib\":{base_rss}}}"
    );
    ExitCode::SUCCESS
}

fn parse_count(text: &str) -> Option<usize> {
    let t = text.to_ascii_lowercase();
    match (t.strip_suffix('m'), t.strip_suffix('k')) {
        (Some(n), _) => n.parse::<usize>().ok().map(|n| n * 1_000_000),
        (_, Some(n)) => n.parse::<usize>().ok().map(|n| n * 1_000),
        _ => t.parse().ok(),
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    // `--threads N`: as the CLI's option (0, the default, is one per core).
    let threads = match args.iter().position(|a| a == "--threads") {
        Some(i) => {
            let n = args.get(i + 1).and_then(|v| v.parse().ok());
            args.drain(i..(i + 2).min(args.len()));
            match n {
                Some(n) => n,
                None => {
                    eprintln!("--threads needs a number");
                    return ExitCode::from(2);
                }
            }
        }
        None => 0,
    };
    if let (Some("--one"), Some(n)) = (
        args.first().map(String::as_str),
        args.get(1).and_then(|a| parse_count(a)),
    ) {
        return one(n, threads);
    }
    let sizes: Vec<usize> = if args.is_empty() {
        vec![10_000, 100_000, 1_000_000]
    } else {
        args.iter().filter_map(|a| parse_count(a)).collect()
    };
    let Ok(exe) = std::env::current_exe() else {
        return ExitCode::from(2);
    };
    match threads {
        0 => println!(
            "Evaluation threads: one per core ({})\n",
            std::thread::available_parallelism().map_or(1, usize::from)
        ),
        n => println!("Evaluation threads: {n}\n"),
    }
    println!("| assignments | input MB | serde_json::Value s | full report s | ratio | peak RSS MB | RSS / input |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut points = Vec::new();
    let mut phases = Vec::new();
    for n in sizes {
        let Ok(out) = Command::new(&exe)
            .args(["--one", &n.to_string(), "--threads", &threads.to_string()])
            .output()
        else {
            return ExitCode::from(2);
        };
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&out.stdout) else {
            eprintln!("size {n} failed: {}", String::from_utf8_lossy(&out.stderr));
            return ExitCode::from(1);
        };
        let f = |k: &str| v.get(k).and_then(serde_json::Value::as_f64).unwrap_or(0.0);
        let mb = f("input_bytes") / 1e6;
        // Both in decimal megabytes: the kernel counts RSS in KiB.
        let rss = f("peak_rss_kib") * 1024.0 / 1e6;
        println!(
            "| {n} | {mb:.1} | {:.3} | {:.3} | {:.2} | {rss:.0} | {:.2} |",
            f("parse_s"),
            f("report_s"),
            f("report_s") / f("parse_s").max(1e-9),
            rss / mb.max(1e-9)
        );
        phases.push(format!(
            "| {n} | {:.2} | {:.2} | {:.2} | {:.0} |",
            f("read_s"),
            f("evaluate_s"),
            f("write_s"),
            f("report_bytes") / 1e6
        ));
        points.push((n as f64, f("report_s")));
    }
    println!("\n| assignments | read s | evaluate s | write JSON s | JSON MB |\n|---:|---:|---:|---:|---:|");
    for line in &phases {
        println!("{line}");
    }
    if let (Some(a), Some(b)) = (points.first(), points.last()) {
        if b.0 > a.0 && a.1 > 0.0 {
            println!(
                "\nlog-log slope of report time, {} → {} assignments: {:.2}",
                a.0,
                b.0,
                (b.1 / a.1).ln() / (b.0 / a.0).ln()
            );
        }
    }
    ExitCode::SUCCESS
}
