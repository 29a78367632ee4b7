//! The `cairn` command: a server (`serve`), an embedded engine for one execution (`run`), tools on
//! definitions (`validate`, `graph`), and client commands against a server.

/// The engine allocates many small JSON values per state transition; mimalloc serves them far
/// faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    api::cli::main()
}
