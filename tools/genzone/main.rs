//! `zonesign-genzone`: writes a seeded, TLD-shaped zone (see `gen.rs`) for tests and
//! benchmarks.
//!
//! ```text
//! zonesign-genzone --origin tld. --delegations 1000000 --seed 1 --output tld.zone
//! ```

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

#[path = "gen.rs"]
mod gen;

/// Write a seeded, deterministic, TLD-shaped zone: SOA, apex NS with addresses, then
/// delegations with NS, some DS, some in-bailiwick glue, some IDN labels.
#[derive(Debug, Parser)]
#[command(name = "zonesign-genzone", version)]
struct Args {
    /// Zone origin, e.g. `tld.`
    #[arg(long, default_value = "tld.")]
    origin: String,
    /// Number of delegations to write.
    #[arg(long)]
    delegations: u64,
    /// PRNG seed: the same seed and options give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Percentage of delegations with a DS record.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(0..=100))]
    ds_percent: u32,
    /// Percentage of delegations with in-bailiwick name servers and glue.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=100))]
    glue_percent: u32,
    /// Percentage of delegations with an IDN (`xn--`) label.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(0..=100))]
    idn_percent: u32,
    /// Output file (default: standard output).
    #[arg(long, short)]
    output: Option<PathBuf>,
}

fn run(args: &Args) -> io::Result<gen::Stats> {
    let config = gen::Config {
        origin: args.origin.clone(),
        delegations: args.delegations,
        seed: args.seed,
        ds_percent: args.ds_percent,
        glue_percent: args.glue_percent,
        idn_percent: args.idn_percent,
    };
    let stats = match &args.output {
        Some(path) => {
            let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
            let stats = gen::write_zone(&config, &mut out)?;
            out.flush()?;
            stats
        }
        None => {
            let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
            let stats = gen::write_zone(&config, &mut out)?;
            out.flush()?;
            stats
        }
    };
    Ok(stats)
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(stats) => {
            eprintln!(
                "zonesign-genzone: {} delegations, {} records ({} NS, {} DS, {} glue, {} IDN labels)",
                stats.delegations,
                stats.records,
                stats.ns_records,
                stats.ds_records,
                stats.glue_records,
                stats.idn_labels
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("zonesign-genzone: {e}");
            // Exit code 5: I/O error, as for zonesign itself.
            ExitCode::from(5)
        }
    }
}
