//! Seal every unsealed revision of a directory (what `lithify seal` does), and
//! print the module the build would generate, then its packed data, with `--print`.
//!
//! `cargo run -p lithify-build --example seal -- migrations [--print]`

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or("migrations", String::as_str);
    if args.iter().any(|a| a == "--print") {
        return match lithify_build::Builder::new(dir).compile() {
            Ok(chain) => {
                let generated = lithify_build::Builder::new(dir).generate(&chain);
                print!("{}", generated.module);
                println!("// ---- {} ----", generated.packed_file);
                print!("{}", generated.packed);
                ExitCode::SUCCESS
            }
            Err(diags) => {
                eprintln!("{diags}");
                ExitCode::FAILURE
            }
        };
    }
    match lithify_build::seal_new(dir) {
        Ok(ids) if ids.is_empty() => println!("nothing to seal"),
        Ok(ids) => println!("sealed {}", ids.join(", ")),
        Err(diags) => {
            eprintln!("{diags}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
