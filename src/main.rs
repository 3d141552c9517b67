//! The `zonesign` command line: arguments to configuration, nothing else.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use zonesign::run::{self, Exit, FmtConfig};

#[derive(Parser, Debug)]
#[command(
    name = "zonesign",
    version,
    about = "Batch DNSSEC zone signer: fail closed, prove every key"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load, check, order and write a zone in canonical form, one record per
    /// line (like named-compilezone or ldns-read-zone).
    Fmt {
        /// The zone file (`-` for standard input).
        zone: PathBuf,
        /// The zone's origin (apex), e.g. `example.`.
        #[arg(long, short = 'o')]
        origin: String,
        /// Where to write (default: standard output). Replaced atomically.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { Exit::Usage as u8 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Fmt { zone, origin, output } => run::fmt(&FmtConfig { zone, origin, output }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("zonesign: {}", failure.headline());
            let details = failure.details();
            if !details.is_empty() {
                eprintln!("{details}");
            }
            ExitCode::from(failure.exit() as u8)
        }
    }
}
