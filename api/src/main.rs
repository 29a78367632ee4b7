//! The `cairn` command: a server (`serve`), an embedded engine for one execution (`run`), tools on
//! definitions (`validate`, `graph`), and client commands against a server.

mod cli;

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
    Serve(cli::serve::Args),
    /// Run one execution of a definition in an embedded engine and print its output.
    Run(cli::run::Args),
    /// Validate a definition; exit 0 when valid, 2 when not.
    Validate(cli::validate::Args),
    /// Print the graph of a definition (DOT or JSON).
    Graph(cli::graph::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Serve(a) => cli::serve::main(a),
        Command::Run(a) => cli::run::main(a),
        Command::Validate(a) => cli::validate::main(a),
        Command::Graph(a) => cli::graph::main(a),
    };
    std::process::ExitCode::from(code)
}
