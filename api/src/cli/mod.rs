//! The `cairn` command line: one module per subcommand. The binary's `main` is [`main`], so that
//! tests can build the same command under another name.

pub mod bench;
pub mod client;
pub mod describe;
pub mod graph;
pub mod history;
pub mod list;
pub mod run;
pub mod serve;
pub mod start;
pub mod stop;
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
    /// Run the benchmark suite and print one table of medians (`--json`, `--quick`, `--full`).
    Bench(bench::Args),
    /// Start an execution on a server (`--wait` to wait for its end).
    Start(start::Args),
    /// Describe an execution or a state machine on a server.
    Describe(describe::Args),
    /// Print an execution's event history.
    History(history::Args),
    /// Stop a running execution.
    Stop(stop::Args),
    /// List a server's state machines, or one state machine's executions.
    List(list::Args),
}

/// Parses the command line and runs the subcommand; returns the process exit status.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Serve(a) => serve::main(a),
        Command::Run(a) => run::main(a),
        Command::Validate(a) => validate::main(a),
        Command::Graph(a) => graph::main(a),
        Command::Bench(a) => bench::main(a),
        Command::Start(a) => start::main(a),
        Command::Describe(a) => describe::main(a),
        Command::History(a) => history::main(a),
        Command::Stop(a) => stop::main(a),
        Command::List(a) => list::main(a),
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
