//! The `flexplan` command line. Parsing, printing and exit codes live in [`cli`] (one file per
//! command); the work is done by the library.

mod cli;

// mimalloc instead of glibc's malloc: the forecast's per-series buffers made glibc map and
// fault in fresh pages again and again (see BENCHMARKS.md, forecasting).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = cli::run();
    std::process::exit(code);
}
