//! The plan checker on replanned plans (spec sections 1.6, 2 and 3): hand-written plan folders
//! against a hand-built input with a previous plan's lots. The frozen fence, `changes.csv`,
//! the change and new-lot costs and `summary.json`'s `replan` object, each broken in turn; a
//! broken fence in an otherwise consistent plan is exactly one violation.

use chrono::NaiveDate;
use flexplan::costs::CostBreakdown;
use flexplan::input::{
    Bucket, Horizon, Item, ItemKind, LotTerms, PlanInput, PreviousLot, Replan, Resource, Route, Routing, Source,
    Supplier,
};
use flexplan::validate::{validate_plan, ValidationReport, ViolationKind};
use serde_json::{json, Value};
use std::path::Path;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
}

fn previous_lot(item: &str, route: &str, supplier: &str, start: &str, quantity: f64) -> PreviousLot {
    PreviousLot {
        row: 2,
        item: item.to_string(),
        route: route.to_string(),
        supplier: supplier.to_string(),
        start_date: date(start),
        quantity,
    }
}

/// Four weekly periods from `start`, replanned against `lots` with a 1-period fence, change
/// cost 0.5 and new-lot cost 10.
///
/// - A (make, unit cost 1) on route FAST (lead time 0) or SLOW (lead time 2), both on M with
///   no time per unit or lot (so every resource row is 0).
/// - B (buy, unit cost 2, lead time 0), bought only from MILL.
/// - C (buy, unit cost 0.5, lead time 1) from its unnamed supplier.
///
/// No orders, no holding costs: a plan's cost is its unit cost plus the change costs.
fn input_from(start: &str, lots: Vec<PreviousLot>) -> PlanInput {
    let route = |id: &str, lead_time: usize| Route {
        item: 0,
        id: id.to_string(),
        terms: LotTerms { lead_time: Some(lead_time), ..LotTerms::default() },
    };
    let routing = |route: usize| Routing { route: Some(route), ..Routing::new(0, 0, 0.0, 0.0, 0.0) };
    PlanInput {
        items: vec![
            Item { unit_cost: 1.0, ..Item::new("A", ItemKind::Make) },
            Item { unit_cost: 2.0, ..Item::new("B", ItemKind::Buy) },
            Item { unit_cost: 0.5, lead_time: 1, ..Item::new("C", ItemKind::Buy) },
        ],
        resources: vec![Resource {
            id: "M".to_string(),
            capacity: vec![100.0; 4],
            overtime_max: 0.0,
            overtime_cost: 0.0,
        }],
        routings: vec![routing(0), routing(1)],
        routes: vec![route("FAST", 0), route("SLOW", 2)],
        sources: vec![Source { item: 1, supplier: 0, terms: LotTerms::default(), max_per_period: None }],
        suppliers: vec![Supplier { id: "MILL".to_string(), order_cost: 0.0 }],
        replan: Some(Replan {
            previous: "../out/monday".into(),
            frozen_periods: 1,
            change_cost: 0.5,
            new_lot_cost: 10.0,
            lots,
        }),
        ..PlanInput::new(Horizon { start: date(start), bucket: Bucket::Week, periods: 4 })
    }
}

/// The previous plan's lots, as its `lots.csv` lists them, against a horizon from 2026-01-05
/// (periods start on 01-05, 01-12, 01-19, 01-26; the horizon ends on 02-02). `xp`, 1-based:
/// - A/FAST: 10 in period 1 (frozen); 20 (01-12) + 5 (01-14, a Wednesday) = 25 in period 2.
/// - B/MILL: 5 in period 1 (frozen). C: 8 in period 3.
/// - Left out: A/SLOW 7 on 01-19 (period 3 + lead time 2 is after the horizon: it can no
///   longer start), A/FAST 99 before the start (12-29) and 99 on the day after the horizon
///   (02-02), a lot of OLD (no longer an item) and of A on route GONE (no longer a route).
fn previous_lots() -> Vec<PreviousLot> {
    vec![
        previous_lot("A", "FAST", "", "2026-01-05", 10.0),
        previous_lot("B", "", "MILL", "2026-01-05", 5.0),
        previous_lot("A", "FAST", "", "2026-01-12", 20.0),
        previous_lot("A", "FAST", "", "2026-01-14", 5.0),
        previous_lot("C", "", "", "2026-01-19", 8.0),
        previous_lot("A", "SLOW", "", "2026-01-19", 7.0),
        previous_lot("A", "FAST", "", "2025-12-29", 99.0),
        previous_lot("A", "FAST", "", "2026-02-02", 99.0),
        previous_lot("OLD", "", "", "2026-01-26", 3.0),
        previous_lot("A", "GONE", "", "2026-01-26", 4.0),
    ]
}

fn input() -> PlanInput {
    input_from("2026-01-05", previous_lots())
}

/// What a plan's `summary.json` claims: costs and the `replan` counts.
#[derive(Clone, Copy)]
struct Claims {
    unit: f64,
    change: f64,
    new_lot: f64,
    added: u64,
    removed: u64,
    changed: u64,
    units: f64,
}

fn summary(claims: &Claims) -> Value {
    let costs =
        CostBreakdown { unit: claims.unit, change: claims.change, new_lot: claims.new_lot, ..CostBreakdown::default() };
    json!({
        "status": "optimal",
        "objective": costs.total(),
        "costs": costs,
        "fill_rate": 1.0,
        "on_time_rate": 1.0,
        "replan": {
            "previous": "../out/monday",
            "frozen_periods": 1,
            "change_cost": 0.5,
            "new_lot_cost": 10.0,
            "lots_added": claims.added,
            "lots_removed": claims.removed,
            "lots_changed": claims.changed,
            "units_changed": claims.units,
        },
    })
}

/// `inventory.csv` for end-of-period stocks of A, B and C (no demand).
fn inventory(a: [f64; 4], b: [f64; 4], c: [f64; 4]) -> String {
    let mut text = "item,period,demand,shipped,inventory,backlog,safety_shortfall\n".to_string();
    for (item, stock) in [("A", a), ("B", b), ("C", c)] {
        for (t, value) in stock.iter().enumerate() {
            text.push_str(&format!("{item},{},0,0,{value},0,0\n", t + 1));
        }
    }
    text
}

const LOTS_HEADER: &str = "item,kind,route,supplier,period,start_date,available_period,quantity\n";
const CHANGES_HEADER: &str = "item,route,supplier,period,previous_quantity,quantity\n";

/// The plan files as text (and `summary.json` as a value), so a test can change one thing.
#[derive(Clone)]
struct PlanFiles {
    lots: String,
    inventory: String,
    changes: Option<String>,
    summary: Value,
}

impl PlanFiles {
    /// A replanned plan for [`input`], worked out by hand (periods 1-based):
    ///
    /// Lots `x`: A/FAST 10 in period 1 (kept, frozen) and 30 in period 2 (was 25); A/SLOW 6 in
    /// period 2 (new, arrives in 4); B/MILL 5 in period 1 (kept, frozen) and 3 in period 4
    /// (new); C 4 in period 2 (new, arrives in 3) and none in period 3 (was 8).
    ///
    /// Stocks (no demand): A 10, 40, 40, 46; B 5, 5, 5, 8; C 0, 0, 4, 4.
    ///
    /// Costs: unit 1*(10 + 30 + 6) + 2*(5 + 3) + 0.5*4 = 46 + 16 + 2 = 64. After the fence
    /// (periods 2-4) `|x - xp|` is A/FAST 5 + A/SLOW 6 + B 3 + C 4 (period 2) + C 8 (period 3)
    /// = 26: change = 0.5 * 26 = 13; new lots where `xp = 0`: A/SLOW 2, B 4, C 2 = 3 lots:
    /// new_lot = 10 * 3 = 30. Objective 64 + 13 + 30 = 107.
    ///
    /// Counts over every period: added 3 (A/SLOW 2, B 4, C 2), removed 1 (C 3), changed 1
    /// (A/FAST 2), units changed 26.
    fn correct() -> Self {
        PlanFiles {
            lots: format!(
                "{LOTS_HEADER}\
                 A,make,FAST,,1,2026-01-05,1,10\n\
                 A,make,FAST,,2,2026-01-12,2,30\n\
                 A,make,SLOW,,2,2026-01-12,4,6\n\
                 B,buy,,MILL,1,2026-01-05,1,5\n\
                 B,buy,,MILL,4,2026-01-26,4,3\n\
                 C,buy,,,2,2026-01-12,3,4\n"
            ),
            inventory: inventory([10.0, 40.0, 40.0, 46.0], [5.0, 5.0, 5.0, 8.0], [0.0, 0.0, 4.0, 4.0]),
            changes: Some(format!(
                "{CHANGES_HEADER}\
                 A,FAST,,2,25,30\n\
                 A,SLOW,,2,0,6\n\
                 B,,MILL,4,0,3\n\
                 C,,,2,0,4\n\
                 C,,,3,8,0\n"
            )),
            summary: summary(&CORRECT),
        }
    }

    fn write(&self, dir: &Path) {
        let resources = "resource,period,capacity,run_time,setup_time,overtime,utilization\n\
                         M,1,100,0,0,0,0\nM,2,100,0,0,0,0\nM,3,100,0,0,0,0\nM,4,100,0,0,0,0\n";
        let promises = "order_id,item,quantity,due_period,promised_period,periods_late\n";
        let summary = self.summary.to_string();
        let mut files = vec![
            ("lots.csv", self.lots.as_str()),
            ("inventory.csv", self.inventory.as_str()),
            ("resources.csv", resources),
            ("order_promises.csv", promises),
            ("summary.json", summary.as_str()),
        ];
        if let Some(changes) = &self.changes {
            files.push(("changes.csv", changes.as_str()));
        }
        for (name, text) in files {
            std::fs::write(dir.join(name), text).expect("the temporary folder is writable");
        }
    }

    /// The file `changes` with one row replaced (`to` empty: removed) or, `from` empty, added.
    fn change_row(&mut self, from: &str, to: &str) {
        let changes = self.changes.as_mut().expect("the plan has a changes.csv");
        if from.is_empty() {
            changes.push_str(&format!("{to}\n"));
        } else {
            *changes = replace_once(
                changes,
                &format!("{from}\n"),
                &if to.is_empty() { String::new() } else { format!("{to}\n") },
            );
        }
    }
}

/// The claims of [`PlanFiles::correct`].
const CORRECT: Claims =
    Claims { unit: 64.0, change: 13.0, new_lot: 30.0, added: 3, removed: 1, changed: 1, units: 26.0 };

/// Replaces exactly one occurrence of `from`.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once in {text:?}");
    text.replacen(from, to, 1)
}

fn check(input: &PlanInput, files: &PlanFiles) -> ValidationReport {
    let dir = tempfile::tempdir().expect("a temporary folder");
    files.write(dir.path());
    validate_plan(input, dir.path()).expect("the plan files are well-formed")
}

use crate::common::{at, located, Located};

/// The violations of `kind`, located.
fn only(report: &ValidationReport, kind: ViolationKind) -> Vec<Located> {
    located(report).into_iter().filter(|v| v.0 == kind).collect()
}

fn messages(report: &ValidationReport) -> Vec<String> {
    report.violations.iter().map(|v| format!("[{}] {}", v.kind.as_str(), v.message)).collect()
}

// -------------------------------------------------------------------------------------------
// The correct plan, and the previous lots it is compared with

#[test]
fn a_replanned_plan_keeping_its_fence_passes_with_hand_computed_change_costs() {
    let report = check(&input(), &PlanFiles::correct());
    assert_eq!(messages(&report), Vec::<String>::new());
    // change = 0.5 * (5 + 6 + 3 + 4 + 8) = 13; new_lot = 10 * 3 = 30 (see PlanFiles::correct).
    let hand = CostBreakdown { unit: 64.0, change: 13.0, new_lot: 30.0, ..CostBreakdown::default() };
    assert_eq!(report.costs, hand);
    assert_eq!(report.objective, 107.0);
    assert_eq!(report.reported_objective, Some(107.0));
}

#[test]
fn previous_lots_outside_the_horizon_are_ignored() {
    // The base input has A/FAST lots of 99 on 2025-12-29 and 2026-02-02: the plan passes.
    assert!(check(&input(), &PlanFiles::correct()).is_ok());
    let moved = |from: &str, to: &str| {
        let lots = previous_lots()
            .into_iter()
            .map(|lot| if lot.start_date == date(from) { PreviousLot { start_date: date(to), ..lot } } else { lot })
            .collect();
        input_from("2026-01-05", lots)
    };
    // The day before the horizon starts: still left out.
    assert!(check(&moved("2025-12-29", "2026-01-04"), &PlanFiles::correct()).is_ok());
    // On the first day it is period 1's, inside the fence: 10 + 99.
    let report = check(&moved("2025-12-29", "2026-01-05"), &PlanFiles::correct());
    assert_eq!(
        only(&report, ViolationKind::FrozenLot),
        vec![at(ViolationKind::FrozenLot, "A", Some("FAST"), None, Some(1))]
    );
    assert!(
        report.violations[0].message.contains("lot of 10 but the previous plan's lot is 109"),
        "{:?}",
        messages(&report)
    );
    // On the last day of the horizon (a Sunday) it is period 4's: a lot removed since.
    let report = check(&moved("2026-02-02", "2026-02-01"), &PlanFiles::correct());
    assert_eq!(
        only(&report, ViolationKind::MissingRow),
        vec![at(ViolationKind::MissingRow, "A", Some("FAST"), None, Some(4))]
    );
}

#[test]
fn two_previous_lots_of_one_way_in_a_period_are_summed() {
    // A/FAST's 20 on 2026-01-12 and 5 on 2026-01-14 are both period 2's: xp = 25, as the
    // correct plan's changes.csv says. A row with only one of them is wrong.
    let mut files = PlanFiles::correct();
    files.change_row("A,FAST,,2,25,30", "A,FAST,,2,20,30");
    let report = check(&input(), &files);
    assert_eq!(located(&report), vec![at(ViolationKind::ChangeRow, "A", Some("FAST"), None, Some(2))]);
    assert_eq!(
        report.violations[0].message,
        "A route FAST period 2: changes.csv lists a change from 20 to 30, but the previous plan's lot is 25 and this plan's 30"
    );
    assert_eq!(report.violations[0].amount, 5.0);
}

#[test]
fn a_previous_lot_that_can_no_longer_start_is_ignored() {
    // A/SLOW's 7 on 2026-01-19 is period 3's, and 3 + lead time 2 > 4 periods: it cannot be
    // started again, so it is no previous quantity (the correct plan passes, above). A week
    // earlier (period 2, arriving in 4) it can: then A/SLOW's 6 in period 2 is a change of
    // a lot, not a new lot.
    let lots = previous_lots()
        .into_iter()
        .map(|lot| if lot.route == "SLOW" { PreviousLot { start_date: date("2026-01-12"), ..lot } } else { lot })
        .collect();
    let report = check(&input_from("2026-01-05", lots), &PlanFiles::correct());
    let message = |subject: &str| {
        report.violations.iter().find(|v| v.subject == subject).map(|v| v.message.clone()).unwrap_or_default()
    };
    assert_eq!(
        located(&report),
        vec![
            at(ViolationKind::ChangeRow, "A", Some("SLOW"), None, Some(2)),
            at(ViolationKind::Cost, "change", None, None, None),
            at(ViolationKind::Cost, "new_lot", None, None, None),
            at(ViolationKind::Objective, "objective", None, None, None),
            at(ViolationKind::ReplanCount, "replan.lots_added", None, None, None),
            at(ViolationKind::ReplanCount, "replan.lots_changed", None, None, None),
            at(ViolationKind::ReplanCount, "replan.units_changed", None, None, None),
        ],
        "{:?}",
        messages(&report)
    );
    // After the fence |6 - 7| = 1 instead of 6: change 0.5 * 21 = 10.5; two new lots: 20.
    assert!(message("change").contains("recomputes to 10.5"), "{}", message("change"));
    assert!(message("new_lot").contains("recomputes to 20"), "{}", message("new_lot"));
    assert_eq!(report.costs.change, 10.5);
    assert_eq!(report.costs.new_lot, 20.0);
}

#[test]
fn previous_lots_line_up_by_date_on_a_horizon_starting_a_week_later() {
    // The next week's plan: the horizon starts on 2026-01-12, and the previous plan is the
    // correct plan above, as its lots.csv lists them. Its period 2 (2026-01-12) is period 1
    // now, the frozen one: A/FAST 30, A/SLOW 6 (0 + lead 2 < 4: it can start) and C 4; its
    // lots of 2026-01-05 are before the horizon, and B's 3 on 2026-01-26 is period 3's.
    let monday = vec![
        previous_lot("A", "FAST", "", "2026-01-05", 10.0),
        previous_lot("A", "FAST", "", "2026-01-12", 30.0),
        previous_lot("A", "SLOW", "", "2026-01-12", 6.0),
        previous_lot("B", "", "MILL", "2026-01-05", 5.0),
        previous_lot("B", "", "MILL", "2026-01-26", 3.0),
        previous_lot("C", "", "", "2026-01-12", 4.0),
    ];
    let input = input_from("2026-01-12", monday);
    // Kept as they were: stocks A 30, 30, 36, 36; B 0, 0, 3, 3; C 0, 4, 4, 4. Unit cost
    // 1*36 + 2*3 + 0.5*4 = 44; no change.
    let unchanged = Claims { unit: 44.0, change: 0.0, new_lot: 0.0, added: 0, removed: 0, changed: 0, units: 0.0 };
    let kept = PlanFiles {
        lots: format!(
            "{LOTS_HEADER}\
             A,make,FAST,,1,2026-01-12,1,30\n\
             A,make,SLOW,,1,2026-01-12,3,6\n\
             B,buy,,MILL,3,2026-01-26,3,3\n\
             C,buy,,,1,2026-01-12,2,4\n"
        ),
        inventory: inventory([30.0, 30.0, 36.0, 36.0], [0.0, 0.0, 3.0, 3.0], [0.0, 4.0, 4.0, 4.0]),
        changes: Some(CHANGES_HEADER.to_string()),
        summary: summary(&unchanged),
    };
    let report = check(&input, &kept);
    assert_eq!(messages(&report), Vec::<String>::new());
    assert_eq!(report.objective, 44.0);
    // Period 1's lot of the old period 1 (A/FAST 10) breaks the fence: periods are matched by
    // date, not by number.
    let mut by_number = kept.clone();
    by_number.lots = replace_once(&by_number.lots, "A,make,FAST,,1,2026-01-12,1,30", "A,make,FAST,,1,2026-01-12,1,10");
    let report = check(&input, &by_number);
    assert_eq!(
        only(&report, ViolationKind::FrozenLot),
        vec![at(ViolationKind::FrozenLot, "A", Some("FAST"), None, Some(1))]
    );
}

// -------------------------------------------------------------------------------------------
// The frozen fence: each broken in a plan otherwise consistent (stocks, costs, changes.csv and
// counts follow the changed lot), so the fence is the one violation.

#[test]
fn a_changed_frozen_lot_is_the_one_violation() {
    // A/FAST 12 instead of 10 in period 1: A's stock +2 from period 1; unit cost 66; the fence
    // costs nothing (it is not after the fence), counts +1 changed and +2 units.
    let mut files = PlanFiles::correct();
    files.lots = replace_once(&files.lots, "A,make,FAST,,1,2026-01-05,1,10", "A,make,FAST,,1,2026-01-05,1,12");
    files.inventory = inventory([12.0, 42.0, 42.0, 48.0], [5.0, 5.0, 5.0, 8.0], [0.0, 0.0, 4.0, 4.0]);
    files.change_row("A,FAST,,2,25,30", "A,FAST,,1,10,12\nA,FAST,,2,25,30");
    files.summary = summary(&Claims { unit: 66.0, changed: 2, units: 28.0, ..CORRECT });
    let report = check(&input(), &files);
    assert_eq!(
        messages(&report),
        ["[frozen_lot] A route FAST period 1: lot of 12 but the previous plan's lot is 10 (period 1 is frozen: \
          their lots must be the previous plan's)"]
    );
    assert_eq!(located(&report), vec![at(ViolationKind::FrozenLot, "A", Some("FAST"), None, Some(1))]);
    assert_eq!(report.violations[0].amount, 2.0);
}

#[test]
fn a_missing_frozen_lot_is_the_one_violation() {
    // No B/MILL 5 in period 1: B's stock 0, 0, 0, 3; unit cost 54; one more lot removed, 31
    // units changed.
    let mut files = PlanFiles::correct();
    files.lots = replace_once(&files.lots, "B,buy,,MILL,1,2026-01-05,1,5\n", "");
    files.inventory = inventory([10.0, 40.0, 40.0, 46.0], [0.0, 0.0, 0.0, 3.0], [0.0, 0.0, 4.0, 4.0]);
    files.change_row("B,,MILL,4,0,3", "B,,MILL,1,5,0\nB,,MILL,4,0,3");
    files.summary = summary(&Claims { unit: 54.0, removed: 2, units: 31.0, ..CORRECT });
    let report = check(&input(), &files);
    assert_eq!(
        messages(&report),
        ["[frozen_lot] B supplier MILL period 1: the previous plan's lot of 5 is missing (period 1 is frozen: \
          their lots must be the previous plan's)"]
    );
    assert_eq!(located(&report), vec![at(ViolationKind::FrozenLot, "B", None, Some("MILL"), Some(1))]);
}

#[test]
fn an_extra_lot_in_the_fence_is_the_one_violation() {
    // A/SLOW 6 in period 1 (arrives in 3): A's stock 10, 40, 46, 52; unit cost 70; a lot
    // added, 32 units changed; inside the fence it is no new-lot cost.
    let mut files = PlanFiles::correct();
    files.lots.push_str("A,make,SLOW,,1,2026-01-05,3,6\n");
    files.inventory = inventory([10.0, 40.0, 46.0, 52.0], [5.0, 5.0, 5.0, 8.0], [0.0, 0.0, 4.0, 4.0]);
    files.change_row("A,SLOW,,2,0,6", "A,SLOW,,1,0,6\nA,SLOW,,2,0,6");
    files.summary = summary(&Claims { unit: 70.0, added: 4, units: 32.0, ..CORRECT });
    let report = check(&input(), &files);
    assert_eq!(
        messages(&report),
        ["[frozen_lot] A route SLOW period 1: a lot of 6 where the previous plan has none (period 1 is frozen: \
          their lots must be the previous plan's)"]
    );
}

#[test]
fn a_frozen_lot_is_compared_within_the_feasibility_tolerance() {
    // 10.0000003 is 10 to the checker's 1e-6 (and no change worth a changes.csv row).
    let mut files = PlanFiles::correct();
    files.lots = replace_once(&files.lots, "A,make,FAST,,1,2026-01-05,1,10", "A,make,FAST,,1,2026-01-05,1,10.0000003");
    files.inventory = replace_once(&files.inventory, "A,1,0,0,10,0,0", "A,1,0,0,10.0000003,0,0");
    let report = check(&input(), &files);
    assert_eq!(messages(&report), Vec::<String>::new());
}

#[test]
fn a_longer_fence_freezes_every_period_it_covers() {
    // Frozen through period 2, A/FAST 30 (was 25), A/SLOW 6 and C 4 in period 2 break it;
    // after it only B's 3 (new) and C's removed 8 cost: change 0.5 * (3 + 8) = 5.5, one new lot.
    let mut input = input();
    if let Some(replan) = input.replan.as_mut() {
        replan.frozen_periods = 2;
    }
    let mut files = PlanFiles::correct();
    files.summary = summary(&Claims { change: 5.5, new_lot: 10.0, ..CORRECT });
    files.summary["replan"]["frozen_periods"] = json!(2);
    let report = check(&input, &files);
    assert_eq!(
        located(&report),
        vec![
            at(ViolationKind::FrozenLot, "A", Some("FAST"), None, Some(2)),
            at(ViolationKind::FrozenLot, "A", Some("SLOW"), None, Some(2)),
            at(ViolationKind::FrozenLot, "C", None, None, Some(2)),
        ],
        "{:?}",
        messages(&report)
    );
    assert!(report.to_text().contains("periods 1..2 are frozen"), "{}", report.to_text());
}

// -------------------------------------------------------------------------------------------
// The change costs

#[test]
fn wrong_change_and_new_lot_costs_are_reported() {
    let mut files = PlanFiles::correct();
    // change claimed 12 (objective unchanged at 107 = recomputed): one cost violation.
    files.summary["costs"]["change"] = json!(12.0);
    let report = check(&input(), &files);
    assert_eq!(located(&report), vec![at(ViolationKind::Cost, "change", None, None, None)]);
    assert!(report.violations[0].message.contains("says 12 but the plan's cost recomputes to 13"));
    // new_lot claimed 20 and the objective with it (97): the term and the objective.
    let mut files = PlanFiles::correct();
    files.summary = summary(&Claims { new_lot: 20.0, ..CORRECT });
    let report = check(&input(), &files);
    assert_eq!(
        located(&report),
        vec![
            at(ViolationKind::Cost, "new_lot", None, None, None),
            at(ViolationKind::Objective, "objective", None, None, None),
        ]
    );
    // A summary written without the terms (a planner that does not know them): missing.
    let mut files = PlanFiles::correct();
    if let Some(costs) = files.summary["costs"].as_object_mut() {
        costs.remove("change");
    }
    let report = check(&input(), &files);
    assert_eq!(located(&report), vec![at(ViolationKind::SummaryField, "change", None, None, None)]);
}

// -------------------------------------------------------------------------------------------
// changes.csv

#[test]
fn changes_csv_rows_are_checked_one_by_one() {
    let mut files = PlanFiles::correct();
    files.change_row("C,,,3,8,0", ""); // missing: reported after the rows
    files.change_row("B,,MILL,4,0,3", "B,,MILL,4,0,4"); // wrong quantity
    files.change_row("", "A,FAST,,1,10,10"); // a lot that did not change
    files.change_row("", "A,SLOW,,2,0,6"); // twice
    files.change_row("", "X,,,2,0,1"); // no such item
    files.change_row("", "A,GONE,,3,4,0"); // no such route
    files.change_row("", "B,,OTHER,3,1,0"); // no such supplier
    files.change_row("", "B,,,3,1,0"); // B has no unnamed supplier
    files.change_row("", "A,,,3,1,0"); // A has no unnamed route
    files.change_row("", "B,FAST,MILL,3,1,0"); // both
    files.change_row("", "A,FAST,,5,0,1"); // after the horizon
    let report = check(&input(), &files);
    assert_eq!(
        located(&report),
        vec![
            at(ViolationKind::ChangeRow, "B", None, Some("MILL"), Some(4)),
            at(ViolationKind::ChangeRow, "A", Some("FAST"), None, Some(1)),
            at(ViolationKind::DuplicateRow, "A", Some("SLOW"), None, Some(2)),
            at(ViolationKind::UnknownItem, "X", None, None, Some(2)),
            at(ViolationKind::UnknownRoute, "A", Some("GONE"), None, Some(3)),
            at(ViolationKind::UnknownSupplier, "B", None, Some("OTHER"), Some(3)),
            at(ViolationKind::UnnamedSupplier, "B", None, None, Some(3)),
            at(ViolationKind::UnnamedRoute, "A", None, None, Some(3)),
            at(ViolationKind::RouteAndSupplier, "B", Some("FAST"), Some("MILL"), Some(3)),
            at(ViolationKind::PeriodOutOfRange, "A", Some("FAST"), None, Some(5)),
            at(ViolationKind::MissingRow, "C", None, None, Some(3)),
        ],
        "{:?}",
        messages(&report)
    );
    let text = messages(&report);
    assert_eq!(
        text[0],
        "[change_row] B supplier MILL period 4: changes.csv lists a change from 0 to 4, but the previous plan's lot \
         is 0 and this plan's 3"
    );
    assert_eq!(
        text[1],
        "[change_row] A route FAST period 1: changes.csv lists a change from 10 to 10, but the lot is 10 in both \
         plans (a row only where the quantities differ)"
    );
    assert_eq!(
        text[4],
        "[unknown_route] A route GONE period 3: the changes.csv row names route \"GONE\", which is not a way of A \
         (its ways: route FAST, route SLOW)"
    );
    assert_eq!(
        text[10],
        "[missing_row] C period 3: no row in changes.csv for the lot changed from 8 in the previous plan to 0"
    );
    // The costs and counts do not depend on changes.csv.
    assert_eq!(report.costs.change, 13.0);
}

#[test]
fn a_replanned_plan_without_changes_csv_is_reported() {
    let mut files = PlanFiles::correct();
    files.changes = None;
    let report = check(&input(), &files);
    assert_eq!(located(&report), vec![at(ViolationKind::MissingFile, "changes.csv", None, None, None)]);
    assert!(report.violations[0].message.contains("no changes.csv or changes.parquet"));
}

#[test]
fn changes_parquet_is_read_when_there_is_no_csv() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut files = PlanFiles::correct();
    files.changes = None;
    files.write(dir.path());
    let mut frame = DataFrame::new_infer_height(vec![
        Column::new("item".into(), ["A", "A", "B", "C", "C"]),
        Column::new("route".into(), [Some("FAST"), Some("SLOW"), None, None, None]),
        Column::new("supplier".into(), [None, None, Some("MILL"), None, None]),
        Column::new("period".into(), [2_i64, 2, 4, 2, 3]),
        Column::new("previous_quantity".into(), [25.0_f64, 0.0, 0.0, 0.0, 8.0]),
        Column::new("quantity".into(), [30.0_f64, 6.0, 3.0, 4.0, 0.0]),
    ])
    .expect("a valid frame");
    let file = std::fs::File::create(dir.path().join("changes.parquet")).expect("writable");
    ParquetWriter::new(file).finish(&mut frame).expect("parquet written");
    let report = validate_plan(&input(), dir.path()).expect("the plan is readable");
    assert_eq!(messages(&report), Vec::<String>::new());
    // A wrong row is named with the Parquet file.
    let mut frame = frame.head(Some(4));
    let file = std::fs::File::create(dir.path().join("changes.parquet")).expect("writable");
    ParquetWriter::new(file).finish(&mut frame).expect("parquet written");
    let report = validate_plan(&input(), dir.path()).expect("the plan is readable");
    assert_eq!(
        messages(&report),
        ["[missing_row] C period 3: no row in changes.parquet for the lot changed from 8 in the previous plan to 0"]
    );
}

#[test]
fn a_malformed_changes_csv_is_an_error_naming_file_row_and_column() {
    let mut files = PlanFiles::correct();
    files.change_row("C,,,2,0,4", "C,,,2,none,4");
    let dir = tempfile::tempdir().expect("a temporary folder");
    files.write(dir.path());
    let error = validate_plan(&input(), dir.path()).expect_err("a malformed changes.csv");
    assert!(error.to_string().contains("changes.csv, row 5, column previous_quantity, value \"none\""), "{error}");
}

#[test]
fn without_replanning_a_changes_file_is_not_read() {
    // The same lots planned without a previous plan: no fence, no change costs, and a
    // changes.csv in the folder (here not even a table) is not looked at.
    let mut input = input();
    input.replan = None;
    let mut files = PlanFiles::correct();
    files.changes = Some("not a \"table".to_string());
    files.summary = summary(&Claims { change: 0.0, new_lot: 0.0, ..CORRECT });
    if let Some(summary) = files.summary.as_object_mut() {
        summary.remove("replan");
    }
    let report = check(&input, &files);
    assert_eq!(messages(&report), Vec::<String>::new());
    assert_eq!(report.objective, 64.0);
}

// -------------------------------------------------------------------------------------------
// summary.json's replan object

#[test]
fn wrong_replan_counts_in_the_summary_are_reported() {
    let mut files = PlanFiles::correct();
    files.summary["replan"]["lots_added"] = json!(4);
    files.summary["replan"]["lots_removed"] = json!(1.0); // a whole number written as a float
    files.summary["replan"]["units_changed"] = json!(25.5);
    if let Some(replan) = files.summary["replan"].as_object_mut() {
        replan.remove("lots_changed");
    }
    let report = check(&input(), &files);
    assert_eq!(
        located(&report),
        vec![
            at(ViolationKind::ReplanCount, "replan.lots_added", None, None, None),
            at(ViolationKind::SummaryField, "replan.lots_changed", None, None, None),
            at(ViolationKind::ReplanCount, "replan.units_changed", None, None, None),
        ]
    );
    assert_eq!(
        messages(&report),
        [
            "[replan_count] replan.lots_added: summary.json says 4 but the plan's lots against the previous plan's give 3",
            "[summary_field] replan.lots_changed: replan.lots_changed missing in summary.json (expected 1)",
            "[replan_count] replan.units_changed: summary.json says 25.5 but the plan's lots against the previous \
             plan's give 26 (difference -0.5)",
        ]
    );
    // Units are compared with the cost tolerance, counts exactly.
    let mut files = PlanFiles::correct();
    files.summary["replan"]["units_changed"] = json!(26.000000001);
    assert!(check(&input(), &files).is_ok());
}

#[test]
fn replan_settings_must_be_those_validate_was_given() {
    let mut files = PlanFiles::correct();
    files.summary["replan"]["previous"] = json!("/srv/plans/out/monday/"); // another spelling: fine
    files.summary["replan"]["frozen_periods"] = json!(2);
    files.summary["replan"]["change_cost"] = json!(1);
    let report = check(&input(), &files);
    assert_eq!(
        located(&report),
        vec![
            at(ViolationKind::ReplanSettings, "replan.frozen_periods", None, None, None),
            at(ViolationKind::ReplanSettings, "replan.change_cost", None, None, None),
        ]
    );
    let flags = "pass validate the same --previous, --frozen, --change-cost and --new-lot-cost as plan";
    assert!(report.violations.iter().all(|v| v.message.contains(flags)), "{:?}", messages(&report));
    assert!(report.violations[0].message.contains("made with 2 frozen periods, validate was given 1"));
}

#[test]
fn a_replan_object_on_one_side_only_is_reported() {
    let flags = "pass validate the same --previous, --frozen, --change-cost and --new-lot-cost as plan";
    // validate replans, the plan was not replanned.
    let mut files = PlanFiles::correct();
    if let Some(summary) = files.summary.as_object_mut() {
        summary.remove("replan");
    }
    let report = check(&input(), &files);
    assert_eq!(located(&report), vec![at(ViolationKind::ReplanSettings, "replan", None, None, None)]);
    assert!(report.violations[0].message.contains("summary.json has no replan object"), "{:?}", messages(&report));
    assert!(report.violations[0].message.contains(flags));
    // The plan was replanned, validate was not told: its change costs are then unexplained too.
    let mut input = input();
    input.replan = None;
    let report = check(&input, &PlanFiles::correct());
    assert_eq!(
        located(&report),
        vec![
            at(ViolationKind::Cost, "change", None, None, None),
            at(ViolationKind::Cost, "new_lot", None, None, None),
            at(ViolationKind::Objective, "objective", None, None, None),
            at(ViolationKind::ReplanSettings, "replan", None, None, None),
        ]
    );
    let message = &report.violations[3].message;
    assert!(message.contains("summary.json records replanning against \"../out/monday\""), "{message}");
    assert!(message.contains("validate was given no previous plan"), "{message}");
    assert!(message.contains(flags), "{message}");
}

#[test]
fn the_report_names_the_new_kinds_in_json() {
    let mut files = PlanFiles::correct();
    files.changes = None;
    let report = check(&input(), &files);
    let json = serde_json::to_value(&report).expect("the report serializes");
    assert_eq!(json["violations"][0]["kind"], "missing_file");
    assert_eq!(json["costs"]["change"], 13.0);
    assert_eq!(json["costs"]["new_lot"], 30.0);
}
