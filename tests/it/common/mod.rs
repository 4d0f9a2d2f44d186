//! Helpers shared by the integration tests: build small plans in code.
#![allow(dead_code)]

use chrono::NaiveDate;
use flexplan::input::*;
use flexplan::validate::{ValidationReport, ViolationKind};

pub mod reference;

/// A weekly horizon of `periods` starting Monday 2026-01-05.
pub fn horizon(periods: usize) -> Horizon {
    Horizon { start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(), bucket: Bucket::Week, periods }
}

/// A violation of the checker as (kind, subject, route, supplier, period): what a test
/// compares.
pub type Located = (ViolationKind, String, Option<String>, Option<String>, Option<usize>);

/// The violations of `report` as [`Located`], in report order.
pub fn located(report: &ValidationReport) -> Vec<Located> {
    report
        .violations
        .iter()
        .map(|v| (v.kind, v.subject.clone(), v.route.clone(), v.supplier.clone(), v.period))
        .collect()
}

/// A [`Located`] violation from its parts.
pub fn at(
    kind: ViolationKind,
    subject: &str,
    route: Option<&str>,
    supplier: Option<&str>,
    period: Option<usize>,
) -> Located {
    (kind, subject.to_string(), route.map(str::to_string), supplier.map(str::to_string), period)
}

/// An empty plan with `periods` weekly periods.
pub fn empty_plan(periods: usize) -> PlanInput {
    PlanInput { ..PlanInput::new(horizon(periods)) }
}

/// Adds one order per period for `item` with the given quantities (0 = no order).
pub fn add_demand(plan: &mut PlanInput, item: usize, quantities: &[f64]) {
    for (t, &q) in quantities.iter().enumerate() {
        if q > 0.0 {
            let due = plan.horizon.period_start(t).unwrap();
            let id = format!("O-{}-{}-{}", plan.items[item].id, t + 1, plan.orders.len());
            plan.orders.push(Order { id, item, quantity: q, due_date: due, market: None, options: None });
        }
    }
}

/// A resource with the same capacity every period.
pub fn resource(plan: &mut PlanInput, id: &str, capacity: f64) -> usize {
    let periods = plan.horizon.periods;
    plan.resources.push(Resource {
        id: id.to_string(),
        capacity: vec![capacity; periods],
        overtime_max: 0.0,
        overtime_cost: 0.0,
    });
    plan.resources.len() - 1
}

/// Adds an item and returns its index.
pub fn item(plan: &mut PlanInput, item: Item) -> usize {
    plan.items.push(item);
    plan.items.len() - 1
}

/// Deterministic pseudo-random numbers from a seed (SplitMix64), so a failing case is easy
/// to rebuild from the seed proptest prints.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    /// A whole number in `lo..=hi`, as a float.
    pub fn between(&mut self, lo: u64, hi: u64) -> f64 {
        (lo + self.below(hi - lo + 1)) as f64
    }
}

/// The shared benchmark folder (`FLEXPLAN_BENCH_DATA`, else `../shared/benchmarks`), if present.
pub fn data_dir() -> Option<std::path::PathBuf> {
    let dir = flexplan::suite::default_data_dir();
    if dir.is_dir() {
        Some(dir)
    } else {
        // In CI the data is always beside the clone: a missing folder is a broken setup, not
        // a reason to skip silently (cargo hides a passing test's output).
        assert!(
            std::env::var_os("CI").is_none(),
            "benchmark data not found at {} (CI expects ../shared/benchmarks beside the clone)",
            dir.display()
        );
        eprintln!("benchmark data not found at {}: data-file tests skipped", dir.display());
        None
    }
}
