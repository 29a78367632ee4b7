//! The `cairn` command: a server (`serve`), an embedded engine for one execution (`run`), tools on
//! definitions (`validate`, `graph`), and client commands against a server.

fn main() -> std::process::ExitCode {
    api::cli::main()
}
