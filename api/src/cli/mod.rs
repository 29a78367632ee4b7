//! One module per subcommand.

pub mod graph;
pub mod run;
pub mod serve;
pub mod validate;

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
