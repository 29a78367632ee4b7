//! `cairn validate DEF.json [--json]`.

#[derive(clap::Args)]
pub struct Args {
    /// The definition file (ASL JSON).
    definition: String,
    /// Print the diagnostics as JSON on stdout.
    #[arg(long)]
    json: bool,
}

pub fn main(a: Args) -> u8 {
    let text = match super::read_definition(&a.definition) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let diags = match state_lang::load(&text) {
        Ok(_) => Vec::new(),
        Err(d) => d,
    };
    if a.json {
        let out = serde_json::json!({"valid": diags.is_empty(), "diagnostics": diags});
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else if diags.is_empty() {
        println!("{}: valid", a.definition);
    } else {
        super::print_diagnostics(&a.definition, &diags);
    }
    if diags.is_empty() {
        0
    } else {
        2
    }
}
