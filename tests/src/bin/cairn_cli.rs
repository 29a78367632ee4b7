//! The `cairn` command built inside the test package, so that integration tests can run it as a
//! child process (`env!("CARGO_BIN_EXE_cairn-cli")`): the same code as the `cairn` binary.

fn main() -> std::process::ExitCode {
    api::cli::main()
}
