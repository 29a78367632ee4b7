//! `cairn graph DEF.json [--format dot|json]`.

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Dot,
    Json,
}

#[derive(clap::Args)]
pub struct Args {
    /// The definition file (ASL JSON).
    definition: String,
    #[arg(long, value_enum, default_value = "dot")]
    format: Format,
}

pub fn main(a: Args) -> u8 {
    let text = match super::read_definition(&a.definition) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let machine = match state_lang::load(&text) {
        Ok(m) => m,
        Err(d) => {
            super::print_diagnostics(&a.definition, &d);
            return 2;
        }
    };
    match a.format {
        Format::Dot => print!("{}", state_lang::graph::to_dot(&machine)),
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&state_lang::graph::to_json(&machine)).unwrap_or_default())
        }
    }
    0
}
