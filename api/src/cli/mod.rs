//! The `cairn` command line: one module per subcommand. The binary's `main` is [`main`], so that
//! tests can build the same command under another name.

pub mod graph;
pub mod run;
pub mod serve;
pub mod validate;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cairn", version, about = "Cairn: a durable workflow engine for the Amazon States Language")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server: AWS JSON protocol, REST API and the UI on one port.
    Serve(serve::Args),
    /// Run one execution of a definition in an embedded engine and print its output.
    Run(run::Args),
    /// Validate a definition; exit 0 when valid, 2 when not.
    Validate(validate::Args),
    /// Print the graph of a definition (DOT or JSON).
    Graph(graph::Args),
}

/// Parses the command line and runs the subcommand; returns the process exit status.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Serve(a) => serve::main(a),
        Command::Run(a) => run::main(a),
        Command::Validate(a) => validate::main(a),
        Command::Graph(a) => graph::main(a),
    };
    std::process::ExitCode::from(code)
}

/// Reads a definition file, printing a clear message on failure.
pub fn read_definition(path: &str) -> Result<String, u8> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {path}: {e}");
        2
    })
}

pub fn print_diagnostics(path: &str, diags: &[state_lang::Diagnostic]) {
    for d in diags {
        let loc = if d.location.is_empty() { "/" } else { &d.location };
        eprintln!("{path}: {loc}: {} ({})", d.message, d.code);
    }
    eprintln!("{path}: {} problem(s)", diags.len());
}
