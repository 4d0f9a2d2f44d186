//! Runs the peer script's own tests (`scripts/peers/test_peer_clst.py`): CBC log reading and
//! the same-gap comparison that BENCHMARKS.md's side-by-side tables come from. They need only
//! Python 3's standard library, not the pinned PuLP and highspy.

use std::process::Command;

#[test]
fn peer_script_reads_logs_and_compares_at_the_same_gap() {
    let root = env!("CARGO_MANIFEST_DIR");
    let script = format!("{root}/scripts/peers/test_peer_clst.py");
    let output = match Command::new("python3").args(["-m", "unittest", "-v", &script]).current_dir(root).output() {
        Ok(output) => output,
        Err(e) => {
            // Python 3 is part of every supported setup (the peers need it); say so loudly.
            assert!(std::env::var_os("CI").is_none(), "python3 is required in CI: {e}");
            eprintln!("SKIPPED: python3 not found ({e}); the peer script's tests did not run");
            return;
        }
    };
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "peer script tests failed:\n{log}");
    assert!(log.contains("Ran 3 tests"), "{log}");
}
