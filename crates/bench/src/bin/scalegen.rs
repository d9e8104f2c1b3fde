//! Writes the synthetic enterprise to a folder: `scalegen <assignments> <out-dir> [seed]`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(out)) = (args.get(1).and_then(|a| parse_count(a)), args.get(2)) else {
        eprintln!("usage: scalegen <assignments, e.g. 10k, 100k, 1m> <out-dir> [seed]");
        return ExitCode::from(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(42);
    let dir = PathBuf::from(out);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::from(2);
    }
    for (name, text) in sentinel_readiness_bench::generate(sentinel_readiness_bench::Shape::enterprise(n), seed) {
        let path = dir.join(&name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("{}: {e}", path.display());
            return ExitCode::from(2);
        }
        println!("{}", path.display());
    }
    ExitCode::SUCCESS
}

fn parse_count(text: &str) -> Option<usize> {
    let t = text.to_ascii_lowercase();
    let (num, mult) = match t.strip_suffix('m') {
        Some(n) => (n, 1_000_000),
        None => match t.strip_suffix('k') {
            Some(n) => (n, 1_000),
            None => (t.as_str(), 1),
        },
    };
    num.parse::<usize>().ok().map(|n| n * mult)
}
