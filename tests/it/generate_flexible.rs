//! `generate` with version-2 flexibility (issue 18): a flexible generated plan reads back as
//! written, plans, and passes the independent checker; without flexibility the written files
//! are exactly those of before the flexible options existed.

use flexplan::generate::{generate, FlexibleSpec, GenerateSpec};
use flexplan::input::bom::BomGraph;
use flexplan::input::{read_plan_dir, write_plan_dir};
use flexplan::output::{write_outcome, TableFormat};
use flexplan::plan::{plan, SolveOptions, SolveStatus};
use std::fs;
use std::path::Path;

/// FNV-1a (64 bits) of every file of `dir`, in name order: name, NUL, bytes, NUL.
fn folder_hash(dir: &Path) -> u64 {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("read folder")
        .map(|entry| entry.expect("folder entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for name in names {
        let bytes = fs::read(dir.join(&name)).expect("read file");
        for &byte in name.as_bytes().iter().chain([0u8].iter()).chain(&bytes).chain([0u8].iter()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// The hash of `spec`'s plan, written.
fn written_hash(spec: &GenerateSpec) -> u64 {
    let tmp = tempfile::tempdir().expect("a temporary folder");
    let dir = tmp.path().join("plan");
    write_plan_dir(&generate(spec).expect("generate"), &dir).expect("write");
    folder_hash(&dir)
}

#[test]
fn generate_without_flexibility_writes_the_same_files_as_before() {
    // Hashes of `flexplan generate` output taken before the flexible options were added
    // (`--seed 1 --items 50 --orders 2000 --periods 20`, and a small monthly plan).
    let week = GenerateSpec { seed: 1, items: 50, orders: 2_000, periods: 20, ..GenerateSpec::default() };
    assert_eq!(written_hash(&week), 0xecfc_74fb_6977_137b);
    let month = GenerateSpec {
        seed: 7,
        items: 7,
        orders: 30,
        periods: 5,
        bucket: flexplan::input::Bucket::Month,
        start: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date"),
        ..GenerateSpec::default()
    };
    assert_eq!(written_hash(&month), 0x5a7e_bbc6_66af_4207);
    // One route per item is no flexibility at all.
    let one_route = GenerateSpec { flexible: FlexibleSpec { routes: 1, ..FlexibleSpec::default() }, ..week.clone() };
    assert_eq!(generate(&one_route).ok(), generate(&week).ok());
}

/// Every flexible feature at once, on a plan small enough to solve in a test.
fn flexible_spec(seed: u64) -> GenerateSpec {
    GenerateSpec {
        seed,
        items: 24,
        orders: 480,
        periods: 8,
        flexible: FlexibleSpec {
            routes: 2,
            subcontract: 0.5,
            suppliers: 2,
            joint_order_cost: 100.0,
            families: 2,
            unmet_cost: Some(2.0),
        },
        ..GenerateSpec::default()
    }
}

#[test]
fn a_flexible_generated_plan_keeps_its_version_1_part() {
    let spec = flexible_spec(3);
    let flexible = generate(&spec).expect("generate");
    let plain = generate(&GenerateSpec { flexible: FlexibleSpec::default(), ..spec }).expect("generate");
    assert_eq!(flexible.bom, plain.bom);
    assert_eq!(flexible.orders, plain.orders);
    assert_eq!(flexible.receipts, plain.receipts);
    assert_eq!(flexible.items.len(), plain.items.len());
    for (f, p) in flexible.items.iter().zip(&plain.items) {
        assert_eq!(flexplan::input::Item { unmet_cost: p.unmet_cost, ..f.clone() }, *p, "{}", p.id);
        assert_eq!(f.unmet_cost > 0.0, p.backlog_cost.is_some(), "{}", p.id);
    }
    // Route R1 of each made item is its version-1 rows.
    for (item_idx, item) in plain.items.iter().enumerate() {
        let v1: Vec<_> = plain.routings_of(item_idx).map(|r| (r.resource, r.unit_time, r.setup_time)).collect();
        let r1: Vec<_> = flexible
            .routings_of(item_idx)
            .filter(|r| r.route.is_some_and(|route| flexible.routes[route].id == "R1"))
            .map(|r| (r.resource, r.unit_time, r.setup_time))
            .collect();
        assert_eq!(r1, v1, "{}", item.id);
    }
    assert!(!flexible.routes.is_empty() && !flexible.sources.is_empty() && !flexible.families.is_empty());
    assert!(flexible.routes.iter().any(|route| route.id == "SUB"));
    assert!(flexible.suppliers.iter().all(|supplier| supplier.order_cost == 100.0));
}

#[test]
fn a_flexible_generated_plan_reads_back_plans_and_passes_validate() {
    for seed in [1, 2] {
        let input = generate(&flexible_spec(seed)).expect("generate");
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let dir = tmp.path().join("plan");
        write_plan_dir(&input, &dir).expect("write");
        for table in ["routes.csv", "sources.csv", "suppliers.csv", "families.csv"] {
            assert!(dir.join(table).exists(), "seed {seed}: no {table}");
        }
        let back = read_plan_dir(&dir).unwrap_or_else(|e| panic!("seed {seed}: the written plan is refused:\n{e}"));
        assert!(back == input, "seed {seed}: the plan read back differs from the generated one");

        let bom = BomGraph::new(&back).expect("an acyclic BOM");
        let options = SolveOptions { mip_gap: 0.05, threads: 1, node_limit: Some(200), ..SolveOptions::default() };
        let outcome = plan(&back, &bom, &options).expect("a plan");
        assert!(
            matches!(outcome.status, SolveStatus::Optimal | SolveStatus::Feasible),
            "seed {seed}: {:?}",
            outcome.status
        );
        let out = tmp.path().join("out");
        let (_, written) = write_outcome(&back, &outcome, &options, &out, TableFormat::Csv).expect("write the plan");
        assert!(written, "seed {seed}: nothing written");
        let report = flexplan::validate::validate_plan(&back, &out).expect("a readable plan");
        assert!(report.is_ok(), "seed {seed}:\n{}", report.to_text());
        // The plan uses the flexibility: some lot is on an alternative route or supplier.
        let lots = fs::read_to_string(out.join("lots.csv")).expect("lots.csv");
        assert!(lots.lines().any(|line| line.contains(",R2,") || line.contains(",SUB,")), "seed {seed}: no R2/SUB lot");
        assert!(lots.lines().any(|line| line.contains(",SUP-")), "seed {seed}: no supplier lot");
    }
}

#[test]
fn flexible_plans_of_other_sizes_read_back_unchanged() {
    let every = |routes, subcontract, suppliers, families| FlexibleSpec {
        routes,
        subcontract,
        suppliers,
        joint_order_cost: 40.0,
        families,
        unmet_cost: Some(1.5),
    };
    for (seed, items, orders, periods, flexible) in [
        (4, 1, 10, 3, every(2, 1.0, 1, 1)),
        (5, 5, 40, 4, every(3, 0.0, 2, 3)),
        (6, 300, 6_000, 26, every(3, 1.0, 3, 4)),
        (7, 120, 2_000, 12, FlexibleSpec { subcontract: 0.2, ..FlexibleSpec::default() }),
    ] {
        let spec = GenerateSpec { seed, items, orders, periods, flexible, ..GenerateSpec::default() };
        let input = generate(&spec).expect("generate");
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let dir = tmp.path().join("plan");
        write_plan_dir(&input, &dir).expect("write");
        let back = read_plan_dir(&dir).unwrap_or_else(|e| panic!("{spec:?}: the written plan is refused:\n{e}"));
        assert_eq!(back.routes, input.routes, "{spec:?}");
        assert_eq!(back.routings, input.routings, "{spec:?}");
        assert_eq!(back.sources, input.sources, "{spec:?}");
        assert_eq!(back.suppliers, input.suppliers, "{spec:?}");
        assert_eq!(back.families, input.families, "{spec:?}");
        assert_eq!(back.resources, input.resources, "{spec:?}");
        assert!(back == input, "{spec:?}: the plan read back differs");
    }
}
