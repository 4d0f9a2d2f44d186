//! The `flexplan` command line.
fn main() {}
