//! The `flexplan` command line. Parsing and exit codes live in [`cli`]; the work is done by
//! the library.

mod cli;

fn main() {
    let code = cli::run();
    std::process::exit(code);
}
