//! Hand-worked planning cases that a fixture folder cannot express: a diagnosis's wording,
//! an infeasible variant of a folder case, and the warm-start regression. The plain plan cases
//! (a plan directory, its hand-worked objective and its expected output files) are folders of
//! `tests/fixtures/plans/`, run by `plan_cases`; the tests here that start from such a folder
//! read it with [`case_input`] and change one thing.

use crate::common::*;
use crate::plan_cases::{case_plan_dir, exact};
use flexplan::input::bom::BomGraph;
use flexplan::input::{Item, ItemKind, PlanInput, Routing};
use flexplan::plan::FindingKind;
use flexplan::plan::SolveStatus;
use flexplan::plan::{plan, PlanOutcome};

fn solve(input: &PlanInput) -> PlanOutcome {
    let bom = BomGraph::new(input).expect("acyclic");
    plan(input, &bom, &exact()).expect("solve")
}

fn cost(input: &PlanInput) -> f64 {
    let outcome = solve(input);
    assert_eq!(
        outcome.status,
        SolveStatus::Optimal,
        "{:?} {:?} {:?} {:?}",
        outcome.diagnosis,
        outcome.costs,
        outcome.best_bound,
        outcome.stop_reason
    );
    outcome.costs.unwrap().total()
}

fn assert_close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-6, "got {got}, want {want}");
}

fn one_item(periods: usize, kind: ItemKind, setup: impl FnOnce(&mut Item)) -> (PlanInput, usize) {
    let mut input = empty_plan(periods);
    let mut it = Item::new("A", kind);
    setup(&mut it);
    let idx = item(&mut input, it);
    (input, idx)
}

/// The plan directory of the case folder `tests/fixtures/plans/<case>/`.
fn case_input(case: &str) -> PlanInput {
    flexplan::input::read_plan_dir(&case_plan_dir(case)).unwrap_or_else(|e| panic!("{case}: {e}"))
}

/// Demand in period 1 with a lead time of 2 and nothing on hand cannot be met on time: the
/// diagnosis names the item, the period and the earliest supply period (3).
#[test]
fn lead_time_infeasible_is_diagnosed() {
    let (mut input, a) = one_item(4, ItemKind::Buy, |it| it.lead_time = 2);
    add_demand(&mut input, a, &[40.0, 0.0, 0.0, 0.0]);
    let outcome = solve(&input);
    assert_eq!(outcome.status, SolveStatus::Infeasible);
    assert!(outcome.solution.is_none());
    let d = outcome.diagnosis.unwrap();
    assert_eq!(d.findings.len(), 1, "{d:?}");
    let f = &d.findings[0];
    assert_eq!((f.kind, f.subject.as_str(), f.period, f.amount), (FindingKind::LateDemand, "A", 1, 40.0));
    assert!(f.message.contains("earliest possible supply period 3 (lead time of A (2 periods))"), "{}", f.message);
}

/// An item with three routes that none can serve in time (the example): 300 due in
/// week 2; DTG-PRINT makes 100 a week (200 by week 2), the SCREEN route takes 3 weeks, and the
/// partner's line has no capacity. The diagnosis names each way's obstacle in those words.
#[test]
fn a_late_item_with_several_routes_names_each_obstacle() {
    let (mut input, tee) = one_item(4, ItemKind::Make, |_| {});
    input.items[tee].id = "TEE-NAVY-M".into();
    for (id, capacity) in [("DTG-PRINT", 100.0), ("SCREEN-1", 1000.0), ("PARTNER-A", 0.0)] {
        resource(&mut input, id, capacity);
    }
    input.routes = ["DTG", "SCREEN", "PARTNER"]
        .iter()
        .map(|id| flexplan::input::Route { item: tee, id: id.to_string(), terms: Default::default() })
        .collect();
    input.routes[1].terms.lead_time = Some(3);
    input.routings = (0..3).map(|r| Routing { route: Some(r), ..Routing::new(tee, r, 1.0, 0.0, 0.0) }).collect();
    add_demand(&mut input, tee, &[0.0, 300.0, 0.0, 0.0]);
    let outcome = solve(&input);
    assert_eq!(outcome.status, SolveStatus::Infeasible);
    let d = outcome.diagnosis.unwrap();
    assert_eq!(d.findings.len(), 1, "{d:?}");
    let f = &d.findings[0];
    assert_eq!((f.kind, f.subject.as_str(), f.period, f.amount), (FindingKind::LateDemand, "TEE-NAVY-M", 2, 100.0));
    for phrase in ["DTG-PRINT is full", "via route SCREEN takes 3 weeks", "PARTNER-A's capacity is 0"] {
        assert!(f.message.contains(phrase), "{phrase:?} not in {}", f.message);
    }
}

/// The folder `max_lot_and_backlog` (520 with backlog) without backlog_cost: at most 20 of the
/// 25 can be made by period 2 and none may ship late, so it is infeasible.
#[test]
fn max_lot_without_backlog_is_infeasible() {
    let mut input = case_input("max_lot_and_backlog");
    assert_close(cost(&input), 520.0);
    input.items[0].backlog_cost = None;
    assert_eq!(solve(&input).status, SolveStatus::Infeasible);
}

/// The folder `backlog_when_capacity_is_short` (10 with backlog) without backlog_cost: 20 due
/// in period 1 on a line that makes 10 a period is infeasible.
#[test]
fn short_capacity_without_backlog_is_infeasible() {
    let mut input = case_input("backlog_when_capacity_is_short");
    assert_close(cost(&input), 10.0);
    input.items[0].backlog_cost = None;
    assert_eq!(solve(&input).status, SolveStatus::Infeasible);
}

/// The folder `overtime` (14 units on SEW: capacity 10 + up to 5 overtime) with its order raised
/// to 16: one unit more than 15 can be made, diagnosed as a capacity shortage of 1 on SEW in
/// period 1.
#[test]
fn demand_beyond_capacity_and_overtime_is_diagnosed() {
    let mut input = case_input("overtime");
    assert_close(cost(&input), 8.0);
    assert_eq!(input.orders.len(), 1);
    input.orders[0].quantity = 16.0;
    let outcome = solve(&input);
    assert_eq!(outcome.status, SolveStatus::Infeasible);
    let findings = outcome.diagnosis.unwrap().findings;
    let capacity: Vec<_> = findings.iter().filter(|f| f.kind == FindingKind::Capacity).collect();
    assert_eq!(capacity.len(), 1, "{findings:?}");
    assert_eq!((capacity[0].subject.as_str(), capacity[0].period, capacity[0].amount), ("SEW", 1, 1.0));
}

/// The folder `capacity_override` (10: the holiday in period 2 makes period 1 build ahead)
/// without its override: 20 a period makes each period's 10 in time, cost 0.
#[test]
fn without_the_capacity_override_nothing_is_held() {
    let mut input = case_input("capacity_override");
    assert_close(cost(&input), 10.0);
    assert_eq!(input.resources[0].capacity, vec![20.0, 0.0, 20.0]);
    input.resources[0].capacity[1] = 20.0;
    assert_close(cost(&input), 0.0);
}

/// The warm start must never be what comes back when HiGHS proved something better (found by
/// proptest, `adding_capacity_never_raises_cost`). Two periods; FG0 (make, 9 due in each, order
/// cost 50 + setup cost 8, unit cost 1, holding 2) uses 2 of RM0-0 (57 on hand, holding 0.5);
/// FG1 (make, 6 due in period 2, order 20 + setup 16, unit cost 2). Capacity 43.3 is ample, so:
/// one FG0 lot of 18 in period 1: 58 + 18 + 9 x 2 held = 94; RM0-0 keeps 57 - 36 = 21 for two
/// periods: 21; FG1 lot of 6 in period 2: 36 + 12 = 48. Optimum 163. (The constructed start,
/// lot for lot, costs 212: two FG0 setups 116 + 18, RM0-0 holds 39 then 21: 30, FG1 48.)
#[test]
fn a_warm_start_is_never_returned_in_place_of_the_optimum() {
    use flexplan::input::{BomEdge, Bucket, Horizon, Order, Resource};
    let date = |d| chrono::NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
    let mut fg0 = Item::new("FG0", ItemKind::Make);
    (fg0.unit_cost, fg0.holding_cost, fg0.order_cost) = (1.0, 2.0, 50.0);
    let mut rm = Item::new("RM0-0", ItemKind::Buy);
    (rm.holding_cost, rm.lead_time, rm.initial_inventory, rm.order_cost) = (0.5, 1, 57.0, 26.0);
    let mut fg1 = Item::new("FG1", ItemKind::Make);
    (fg1.unit_cost, fg1.holding_cost, fg1.backlog_cost, fg1.order_cost) = (2.0, 3.0, Some(14.0), 20.0);
    let order = |id: &str, item, quantity, due| Order {
        id: id.into(),
        item,
        quantity,
        due_date: due,
        market: None,
        options: None,
    };
    let input = PlanInput {
        items: vec![fg0, rm, fg1],
        bom: vec![BomEdge { parent: 0, component: 1, quantity: 2.0 }],
        resources: vec![Resource {
            id: "LINE".into(),
            capacity: vec![43.3, 43.3],
            overtime_max: 8.0,
            overtime_cost: 2.0,
        }],
        routings: vec![Routing::new(0, 0, 1.0, 3.0, 8.0), Routing::new(2, 0, 1.0, 0.0, 16.0)],
        orders: vec![order("a", 0, 9.0, date(5)), order("b", 0, 9.0, date(12)), order("c", 2, 6.0, date(12))],
        ..PlanInput::new(Horizon { start: date(5), bucket: Bucket::Week, periods: 2 })
    };
    assert_close(cost(&input), 163.0);
}
