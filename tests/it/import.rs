//! Importers: Trigeiro `.DAT` files and MPS files, checked against values read by hand from the
//! files and against optima worked out by hand or published.

use crate::common::data_dir;
use flexplan::import::mps::{mps_name, solve_mps};
use flexplan::import::trigeiro::{parse_trigeiro, read_trigeiro, TrigeiroInstance};
use flexplan::input::bom::BomGraph;
use flexplan::plan::{SolveOptions, SolveStatus};

fn plan_objective(instance: &TrigeiroInstance) -> (SolveStatus, f64) {
    let input = instance.to_plan_input();
    let bom = BomGraph::new(&input).unwrap();
    let outcome = flexplan::plan::plan(&input, &bom, &SolveOptions { mip_gap: 0.0, ..Default::default() }).unwrap();
    (outcome.status, outcome.costs.unwrap().total())
}

#[test]
fn g30_numbers_read_by_hand() {
    let Some(dir) = data_dir() else { return };
    let g30 = read_trigeiro(&dir.join("trigeiro1989/G/G30.DAT")).unwrap();
    assert_eq!((g30.n_items(), g30.n_periods), (6, 15));
    assert_eq!(g30.unit_cost_field, 1.0);
    assert_eq!(g30.capacity, 728.0);
    // Line 4 ` 0.50 5.00  40. 800.` and line 9 ` 1.50 1.00  50. 800.`.
    let first = g30.items[0];
    assert_eq!((first.unit_time, first.holding_cost, first.setup_time, first.setup_cost), (0.5, 5.0, 40.0, 800.0));
    let last = g30.items[5];
    assert_eq!((last.unit_time, last.holding_cost, last.setup_time, last.setup_cost), (1.5, 1.0, 50.0, 800.0));
    // First demand row `119 85 0 102 84 89`, last row `125 97 109 80 103 95`.
    let first_row: Vec<f64> = (0..6).map(|i| g30.demand_at(i, 0)).collect();
    assert_eq!(first_row, vec![119.0, 85.0, 0.0, 102.0, 84.0, 89.0]);
    let last_row: Vec<f64> = (0..6).map(|i| g30.demand_at(i, 14)).collect();
    assert_eq!(last_row, vec![125.0, 97.0, 109.0, 80.0, 103.0, 95.0]);

    let input = g30.to_plan_input();
    assert_eq!(input.resources[0].capacity, vec![728.0; 15]);
    assert!(input.items.iter().all(|i| i.unit_cost == 0.0 && i.backlog_cost.is_none()));
    assert_eq!(input.routings[5].unit_time, 1.5);
    // Every positive demand cell is one order: the file has 3 zero cells in the first rows shown.
    let positive = g30.demand.iter().filter(|&&d| d > 0.0).count();
    assert_eq!(input.orders.len(), positive);
}

#[test]
fn x32228a_two_blocks_crlf_and_dos_eof() {
    let Some(dir) = data_dir() else { return };
    let x = read_trigeiro(&dir.join("trigeiro1989/X/X32228A.DAT")).unwrap();
    assert_eq!((x.n_items(), x.n_periods, x.capacity), (30, 20, 3859.0));
    assert_eq!(x.items[0].setup_cost, 150.0);
    assert_eq!(x.items[29].setup_cost, 300.0);
    assert_eq!(x.items[29].holding_cost, 0.8);
    // Block 1, period 1: `146 0 0 0 0 6 111 ...`; block 2 (items 16..30), period 1:
    // `131 46 189 27 0 ... 93 0`; block 2, period 20 ends `... 128 17`.
    assert_eq!(x.demand_at(0, 0), 146.0);
    assert_eq!(x.demand_at(6, 0), 111.0);
    assert_eq!(x.demand_at(15, 0), 131.0);
    assert_eq!(x.demand_at(28, 0), 93.0);
    assert_eq!(x.demand_at(29, 19), 17.0);
    assert_eq!(x.demand_at(28, 19), 128.0);
}

#[test]
fn tabs_crlf_eof_and_bare_point_floats_parse_alike() {
    let plain = "2 3\n1\n100\n1.00 1.00 10. 50.\n0.5 2 0 40\n5 6\n0 7\n8 0\n Bi hi su su\n";
    let quirky = "2\t3\t\t\r\n1\r\n100.\r\n1\t1\t10\t50\r\n.5 2. 0. 40.\r\n5 6\r\n0 7\r\n8\t0\r\n\r\n Bi\r\n\x1a\0\0\0";
    let a = parse_trigeiro(plain.as_bytes(), "t").unwrap();
    let b = parse_trigeiro(quirky.as_bytes(), "t").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.demand, vec![5.0, 0.0, 8.0, 6.0, 7.0, 0.0]);
    assert_eq!(a.items[1].unit_time, 0.5);
}

#[test]
fn malformed_files_are_errors_not_panics() {
    for bad in [
        "",
        "x y\n",
        "2 3\n1\n100\n",
        "2 3\n1\n100\n1 1 10 50\n1 1 10\n",
        "1 2\n1\n100\n1 1 0 5\n3\n",
        "1 2\n1\n100\n1 1 0 5\n3\n4\n9\n",
        "1 2\n1\n-5\n1 1 0 5\n3\n4\n",
        "0 2\n1\n5\n",
        "1e9 2\n1\n5\n",
        "1 2\n1\n100\n1 1 0 5\n3 1\n4\n",
    ] {
        assert!(parse_trigeiro(bad.as_bytes(), "bad").is_err(), "accepted {bad:?}");
    }
}

/// One product, three periods, capacity 12, setup time 2 (so a lot is at most 10), setup cost
/// 6, holding cost 1, demand 5 5 5. One lot cannot cover 15; two lots cost 12 plus 5 units
/// held one period (either {1,2} with 5 held after period 2, or {1,3} with 5 held after
/// period 1) = 17; three lots cost 18. Optimum 17.
#[test]
fn small_instance_solves_to_the_hand_worked_optimum() {
    let text = "1 3\n1\n12\n1 1 2 6\n5\n5\n5\n";
    let instance = parse_trigeiro(text.as_bytes(), "hand").unwrap();
    let (status, objective) = plan_objective(&instance);
    assert_eq!(status, SolveStatus::Optimal);
    assert!((objective - 17.0).abs() < 1e-6, "objective {objective}");
}

#[test]
fn every_trigeiro_file_imports_and_reads_back() {
    let Some(dir) = data_dir() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let mut count = 0;
    for set in ["X", "F", "G"] {
        for file in flexplan::import::trigeiro::list_dat_files(&dir.join("trigeiro1989").join(set)).unwrap() {
            let out = tmp.path().join(file.file_stem().unwrap());
            let written = flexplan::import::trigeiro::import_trigeiro(&file, &out)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let read_back = flexplan::input::read_plan_dir(&out).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert_eq!(read_back, written, "{}", file.display());
            std::fs::remove_dir_all(&out).unwrap();
            count += 1;
        }
    }
    assert_eq!(count, 685);
}

/// LOTSIZELIB tr12-15 (G53) and tr6-30 (G62): published optima 74634 and 61746. Minutes in
/// a debug build on a busy 2-core machine, so run on demand: `cargo test --test it lotsizelib_g53 -- --ignored`
/// (`flexplan bench lotsizelib` runs all six).
#[test]
#[ignore = "minutes in debug; run with --ignored"]
fn lotsizelib_g53_and_g62_reach_the_published_optima() {
    let Some(dir) = data_dir() else { return };
    for (file, optimum) in [("G62", 61746.0), ("G53", 74634.0)] {
        let instance = read_trigeiro(&dir.join(format!("trigeiro1989/G/{file}.DAT"))).unwrap();
        let (status, objective) = plan_objective(&instance);
        assert_eq!(status, SolveStatus::Optimal, "{file}");
        assert!((objective - optimum).abs() < 1e-4, "{file}: {objective} vs {optimum}");
    }
}

#[test]
fn mps_names_drop_the_suffixes() {
    assert_eq!(mps_name(std::path::Path::new("/a/pp08a.mps.gz")), "pp08a");
    assert_eq!(mps_name(std::path::Path::new("vpm2.MPS")), "vpm2");
    assert_eq!(mps_name(std::path::Path::new("set1ch.gz")), "set1ch");
}

/// vpm1, vpm2 and pp08a solve in seconds; MIPLIB 3 optima 20, 13.75 and 7350.
#[test]
fn miplib_lot_sizing_files_reach_their_known_optima() {
    let Some(dir) = data_dir() else { return };
    let options = SolveOptions { mip_gap: 0.0, ..Default::default() };
    for (name, optimum) in [("vpm1", 20.0), ("vpm2", 13.75), ("pp08a", 7350.0)] {
        let outcome = solve_mps(&dir.join(format!("miplib_lotsizing/{name}.mps.gz")), &options).unwrap();
        assert_eq!(outcome.status, SolveStatus::Optimal, "{name}");
        let objective = outcome.objective.unwrap();
        assert!((objective - optimum).abs() < 1e-6 * optimum.max(1.0), "{name}: {objective}");
        assert_eq!(outcome.name, name);
    }
}

#[test]
fn a_missing_or_broken_mps_file_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.mps");
    std::fs::write(&broken, "this is not an MPS file\n").unwrap();
    let options = SolveOptions::default();
    assert!(solve_mps(&tmp.path().join("missing.mps.gz"), &options).is_err());
    assert!(solve_mps(&broken, &options).is_err());
}

// --- Tempelmeier-Derstroff style multi-level files ---------------------------------------

use flexplan::import::tempelmeier::{read_tempelmeier, TempelmeierFiles};
use flexplan::Error;

#[test]
fn tempelmeier_1aa1_12_with_costs_2_read_by_hand() {
    let Some(dir) = data_dir() else { return };
    let class1 = dir.join("tempelmeier_class1_6/class1");
    let files = TempelmeierFiles::for_capacity_file(&class1.join("1AA1_12.cap"), 2).unwrap();
    assert_eq!(files.name, "1AA1_12-c2");
    assert_eq!(files.dat, class1.join("1AA.dat"));
    assert_eq!(files.dem, class1.join("1A_1.dem"));
    assert_eq!(files.sco, class1.join("1A_12.sco"));
    assert_eq!(files.set, class1.join("1_____2.set"));
    let instance = read_tempelmeier(&files).unwrap();
    assert_eq!((instance.items.len(), instance.n_periods, instance.capacity.len()), (10, 4, 3));
    // 1AA.dat: `1 10.00 1.00 1`, `2 3.00 1.00 2`, `10 1.00 1.00 3`; 9 arcs, the first `2 1 1.00 1.00`.
    let (p01, p02, p10) = (instance.items[0], instance.items[1], instance.items[9]);
    assert_eq!((p01.holding_cost, p01.unit_time, p01.resource, p01.lead_time), (10.0, 1.0, 0, 0));
    assert_eq!((p02.holding_cost, p02.resource, p02.lead_time), (3.0, 1, 1));
    assert_eq!((p10.holding_cost, p10.resource, p10.lead_time), (1.0, 2, 1));
    assert_eq!(instance.arcs.len(), 9);
    assert_eq!((instance.arcs[0].component, instance.arcs[0].parent, instance.arcs[0].quantity), (1, 0, 1.0));
    // 1A_12.sco: `1 230`, `2 46`; 1_____2.set: `1 20`.
    assert_eq!((p01.setup_cost, p02.setup_cost, p01.setup_time), (230.0, 46.0, 20.0));
    // 1A_1.dem: period 1 `1 126 27 ...`, period 4 `4 104 22 13 17 23 20 22 22 23 17`;
    // stocks `1 20 0`, `2 146 0`.
    assert_eq!(instance.demand[0], 126.0);
    assert_eq!(instance.demand[9 * 4 + 3], 17.0);
    assert_eq!((p01.initial_inventory, p02.initial_inventory), (20.0, 146.0));
    // 1AA1_12.cap: `2 874 950 862 204`.
    assert_eq!(instance.capacity[1], vec![874.0, 950.0, 862.0, 204.0]);

    let input = instance.to_plan_input();
    assert_eq!((input.items.len(), input.bom.len()), (10, 9));
    assert!(input.bom.iter().any(|e| (e.parent, e.component, e.quantity) == (0, 1, 1.0))); // P01 <- P02
    let lead_times: Vec<usize> = input.items.iter().map(|i| i.lead_time).collect();
    assert_eq!(lead_times, [0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert_eq!(input.orders.len(), 40); // every item has demand in every period
    assert_eq!(input.resources[2].capacity, vec![2040.0, 1874.0, 518.0, 344.0]);
    assert!(input.items.iter().all(|i| i.backlog_cost.is_none() && i.unit_cost == 0.0));
}

#[test]
fn every_tempelmeier_capacity_file_imports_as_an_acyclic_plan() {
    let Some(dir) = data_dir() else { return };
    let mut imported = 0;
    for class in 1..=6 {
        let class_dir = dir.join(format!("tempelmeier_class1_6/class{class}"));
        for entry in std::fs::read_dir(&class_dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "cap") {
                let files = TempelmeierFiles::for_capacity_file(&path, 1).unwrap();
                let instance = read_tempelmeier(&files).unwrap_or_else(|e| panic!("{e}"));
                let input = instance.to_plan_input();
                BomGraph::new(&input).unwrap_or_else(|e| panic!("{}: {e}", files.name));
                imported += 1;
            }
        }
    }
    assert_eq!(imported, 720); // class1 120 (its subfolders hold copies), classes 2-6 120 each
}

/// The five files of a tiny instance in `dir`, named as instance `1AA1_11` with costs 1.
fn write_tempelmeier(dir: &std::path::Path, dat: &str, dem: &str, sco: &str, set: &str, cap: &str) -> TempelmeierFiles {
    for (name, text) in
        [("1AA.dat", dat), ("1A_1.dem", dem), ("1A_11.sco", sco), ("1_____1.set", set), ("1AA1_11.cap", cap)]
    {
        std::fs::write(dir.join(name), text).unwrap();
    }
    TempelmeierFiles::for_capacity_file(&dir.join("1AA1_11.cap"), 1).unwrap()
}

const TINY_DAT: &str = "2\n1\n3\n1 3.00 0.00 1\n2 1.00 0.00 1\n1\n2 1 2.00 1.00\n\n#1 legend\n";
const TINY_DEM: &str = "2 1 2\n1 0 0\n2 5 0\n3 5 0\n1 0 0\n2 0 0\n#1 legend\n";

/// End item P01 (holding 3, setup 10) needs 2 of P02 (holding 1, setup 4, lead time 1) per unit;
/// demand 5 of P01 in periods 2 and 3, nothing in stock, no capacity limit that binds. P01
/// cannot be made in period 1 (its components would have to start in period 0). Either one
/// P01 lot of 10 in period 2 (20 of P02 started in period 1, in transit, not held; 5 of P01
/// held one period): 10 + 4 + 15 = 29; or P01 lots in 2 and 3: with one P02 lot of 20 in
/// period 1 (10 held at the end of period 2) 10 + 10 + 4 + 10 = 34, with P02 lots in 1 and 2:
/// 10 + 10 + 4 + 4 = 28. Optimum 28: two lots of each.
#[test]
fn tiny_multi_level_instance_plans_to_the_hand_worked_optimum_and_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let files = write_tempelmeier(tmp.path(), TINY_DAT, TINY_DEM, "1 10\n2 4\n", "1 0\n2 0\n", "1 100 100 100\n");
    let input = read_tempelmeier(&files).unwrap().to_plan_input();
    assert_eq!(input.items[1].lead_time, 1);
    let bom = BomGraph::new(&input).unwrap();
    let options = SolveOptions { mip_gap: 0.0, ..Default::default() };
    let outcome = flexplan::plan::plan(&input, &bom, &options).unwrap();
    assert_eq!(outcome.status, SolveStatus::Optimal);
    let objective = outcome.costs.as_ref().unwrap().total();
    assert!((objective - 28.0).abs() < 1e-6, "objective {objective}");
    let out = tmp.path().join("plan");
    flexplan::output::write_outcome(&input, &outcome, &options, &out, flexplan::output::TableFormat::Csv).unwrap();
    let report = flexplan::validate::validate_plan(&input, &out).unwrap();
    assert!(report.is_ok(), "{:?}", report.violations);
    assert!((report.objective - 28.0).abs() < 1e-6);
}

#[test]
fn broken_tempelmeier_files_are_errors_that_name_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (sco, set, cap) = ("1 10\n2 4\n", "1 0\n2 0\n", "1 100 100 100\n");
    let message = |files: &TempelmeierFiles| read_tempelmeier(files).unwrap_err().to_string();

    // Two arcs from P02 with different lead times (line 8).
    let dat = "2\n1\n3\n1 3 0 1\n2 1 0 1\n2\n2 1 2 1\n2 1 1 2\n";
    let err = message(&write_tempelmeier(tmp.path(), dat, TINY_DEM, sco, set, cap));
    assert!(err.contains("1AA.dat: line 8") && err.contains("lead time 2"), "{err}");
    // A non-zero preproduction (line 5 of the .dem file).
    let dem = "2 1 2\n1 0 0\n2 5 0\n3 5 0\n1 0 7\n2 0 0\n";
    let err = message(&write_tempelmeier(tmp.path(), TINY_DAT, dem, sco, set, cap));
    assert!(err.contains("1A_1.dem: line 5") && err.contains("preproduction 7"), "{err}");
    // An item on a resource that does not exist.
    let dat = "2\n1\n3\n1 3 0 1\n2 1 0 2\n1\n2 1 2 1\n";
    let err = message(&write_tempelmeier(tmp.path(), dat, TINY_DEM, sco, set, cap));
    assert!(err.contains("line 5") && err.contains("resource must be a whole number in 1..=1"), "{err}");
    // A capacity row one period short.
    let err = message(&write_tempelmeier(tmp.path(), TINY_DAT, TINY_DEM, sco, set, "1 100 100\n"));
    assert!(err.contains("1AA1_11.cap: line 1") && err.contains("expected 4 number(s)"), "{err}");
    // Negative demand.
    let dem = "2 1 2\n1 0 0\n2 -5 0\n3 5 0\n1 0 0\n2 0 0\n";
    let err = message(&write_tempelmeier(tmp.path(), TINY_DAT, dem, sco, set, cap));
    assert!(err.contains("line 3") && err.contains("demand must be >= 0"), "{err}");
    // A missing setup-cost file, and a capacity file that is not named like one.
    write_tempelmeier(tmp.path(), TINY_DAT, TINY_DEM, sco, set, cap);
    std::fs::remove_file(tmp.path().join("1A_11.sco")).unwrap();
    let files = TempelmeierFiles::for_capacity_file(&tmp.path().join("1AA1_11.cap"), 1).unwrap();
    assert!(matches!(read_tempelmeier(&files), Err(Error::Read { ref path, .. }) if path.ends_with("1A_11.sco")));
    let err = TempelmeierFiles::for_capacity_file(&tmp.path().join("plan.cap"), 1).unwrap_err().to_string();
    assert!(err.contains("expected a capacity file named like `1AA1_11.cap`"), "{err}");
    // Random bytes never panic.
    for junk in ["", "x", "2\n1\n", "1e300\n1\n1\n", "2\n1\n3\n1 3 0 1\n2 1 0 1\n-1\n"] {
        let files = write_tempelmeier(tmp.path(), junk, junk, junk, junk, junk);
        assert!(read_tempelmeier(&files).is_err(), "accepted {junk:?}");
    }
}
