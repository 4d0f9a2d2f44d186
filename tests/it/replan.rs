//! Replanning against a previous plan (spec section 1.6, issue 20): hand-worked cases for the
//! frozen fence, the change cost and the new-lot cost, the alignment of previous lots by date,
//! and the properties a nightly replan must keep. Every plan is also written and passed
//! through the independent checker.
//!
//! The cases share one make item `A` without resources: unit cost 1, holding cost 1 per unit
//! and period, order cost 5 per lot, no backlog; weekly periods from Monday 2026-01-05.

use crate::common::*;
use crate::plan_cases::exact;
use chrono::NaiveDate;
use flexplan::input::bom::BomGraph;
use flexplan::input::{Item, ItemKind, PlanInput, PreviousLot, Replan};
use flexplan::output::{write_outcome, TableFormat};
use flexplan::plan::{plan, PlanOutcome, SolveStatus};

/// Item `A` of the module docs over `periods` weeks with `demand` per period.
fn item_a(periods: usize, demand: &[f64]) -> PlanInput {
    let mut input = empty_plan(periods);
    let mut a = Item::new("A", ItemKind::Make);
    a.unit_cost = 1.0;
    a.holding_cost = 1.0;
    a.order_cost = 5.0;
    let a = item(&mut input, a);
    add_demand(&mut input, a, demand);
    input
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("an ISO date")
}

/// Previous lots of `A` on its unnamed route: `(start date, quantity)`.
fn previous(lots: &[(&str, f64)]) -> Vec<PreviousLot> {
    lots.iter()
        .enumerate()
        .map(|(k, &(start, quantity))| PreviousLot {
            row: k + 2,
            item: "A".into(),
            route: String::new(),
            supplier: String::new(),
            start_date: date(start),
            quantity,
        })
        .collect()
}

/// `input` replanned against `lots` with the fence and costs given.
fn replanned(mut input: PlanInput, lots: Vec<PreviousLot>, frozen: usize, change: f64, new_lot: f64) -> PlanInput {
    input.replan = Some(Replan {
        previous: "previous".into(),
        frozen_periods: frozen,
        change_cost: change,
        new_lot_cost: new_lot,
        lots,
    });
    input
}

/// Plans `input` to proven optimality and checks the written plan with `validate`.
fn solve(input: &PlanInput) -> PlanOutcome {
    let bom = BomGraph::new(input).expect("acyclic");
    let outcome = plan(input, &bom, &exact()).expect("solve");
    assert_eq!(outcome.status, SolveStatus::Optimal, "{:?}", outcome.diagnosis);
    let dir = tempfile::tempdir().expect("temp dir");
    write_outcome(input, &outcome, &exact(), dir.path(), TableFormat::Csv).expect("written");
    let report = flexplan::validate::validate_plan(input, dir.path()).expect("validated");
    assert!(report.is_ok(), "{}", report.to_text());
    outcome
}

/// The lots of `A` per period and the plan's cost.
fn lots_and_cost(input: &PlanInput) -> (Vec<f64>, f64) {
    let outcome = solve(input);
    let lots = outcome.solution.as_ref().expect("a plan").lots.row(0).to_vec();
    (lots, outcome.costs.expect("costs").total())
}

/// Demand 10 in period 3. Alone, the lot is made in period 3: 10 units + one order = 15.
/// Last night's plan made it in period 1 and the fence holds period 1, so tonight's plan must
/// keep it though the cheaper plan exists: 10 units + 5 + holding 10 at the end of periods 1
/// and 2 = 35. A previous lot of 12 keeps 2 to the end: 12 + 5 + (12 + 12 + 2) = 43.
#[test]
fn a_frozen_lot_is_kept_though_a_cheaper_plan_exists() {
    let input = item_a(3, &[0.0, 0.0, 10.0]);
    assert_eq!(lots_and_cost(&input), (vec![0.0, 0.0, 10.0], 15.0));
    let fenced = replanned(input.clone(), previous(&[("2026-01-05", 10.0)]), 1, 0.0, 0.0);
    assert_eq!(lots_and_cost(&fenced), (vec![10.0, 0.0, 0.0], 35.0));
    let bigger = replanned(input.clone(), previous(&[("2026-01-05", 12.0)]), 1, 0.0, 0.0);
    assert_eq!(lots_and_cost(&bigger), (vec![12.0, 0.0, 0.0], 43.0));
    // Outside the fence (F = 0, no change cost) the previous lot is free to move.
    let free = replanned(input, previous(&[("2026-01-05", 10.0)]), 0, 0.0, 0.0);
    assert_eq!(lots_and_cost(&free), (vec![0.0, 0.0, 10.0], 15.0));
}

/// Demand 10 in period 3; last night's lot of 10 started in period 2. Keeping it costs
/// 10 + 5 + holding 10 = 25 and changes nothing. Moving it to period 3 saves the holding
/// (15) but changes 20 units (10 fewer in period 2, 10 more in period 3): at a change cost of
/// 3 that is 15 + 60 = 75, so the lot stays; at 0.2 it is 15 + 4 = 19 < 25, so it moves.
#[test]
fn a_change_cost_keeps_a_lot_where_it_was() {
    let input = item_a(3, &[0.0, 0.0, 10.0]);
    let lots = previous(&[("2026-01-12", 10.0)]);
    let dear = replanned(input.clone(), lots.clone(), 0, 3.0, 0.0);
    assert_eq!(lots_and_cost(&dear), (vec![0.0, 10.0, 0.0], 25.0));
    let cheap = replanned(input, lots, 0, 0.2, 0.0);
    let (moved, cost) = lots_and_cost(&cheap);
    assert_eq!(moved, vec![0.0, 0.0, 10.0]);
    assert!((cost - 19.0).abs() < 1e-9, "{cost}");
}

/// Demand 10 in periods 1 and 3; last night's plan had one lot of 10 in period 1. Without a
/// new-lot cost a second lot in period 3 is cheapest: 20 units + 2 orders = 30 (against one
/// lot of 20 in period 1: 20 + 5 + holding 10 + 10 = 45). A new-lot cost of 20 makes the
/// second lot cost 50, so tonight's plan grows the existing lot instead: 45.
#[test]
fn a_new_lot_cost_grows_an_existing_lot_instead_of_adding_one() {
    let input = item_a(3, &[10.0, 0.0, 10.0]);
    let lots = previous(&[("2026-01-05", 10.0)]);
    let free = replanned(input.clone(), lots.clone(), 0, 0.0, 0.0);
    assert_eq!(lots_and_cost(&free), (vec![10.0, 0.0, 10.0], 30.0));
    let dear = replanned(input, lots, 0, 0.0, 20.0);
    assert_eq!(lots_and_cost(&dear), (vec![20.0, 0.0, 0.0], 45.0));
}

/// Last night's plan started a week earlier (2026-01-05); tonight's horizon starts on
/// 2026-01-12. Its lot of 7 started 2026-01-05 lies before the horizon and is ignored; its lot
/// of 10 started on Wednesday 2026-01-14 falls in tonight's period 1 (2026-01-12..18), which
/// is frozen; its lot of 4 started 2026-02-02 is tonight's period 4, beyond the 3-period
/// horizon, and ignored. Demand 10 in tonight's period 3: the frozen lot serves it, held two
/// periods: 10 + 5 + 20 = 35.
#[test]
fn previous_lots_are_aligned_by_date_across_horizon_starts() {
    let mut input = item_a(3, &[0.0, 0.0, 10.0]);
    input.horizon.start = date("2026-01-12");
    input.orders[0].due_date = date("2026-01-26");
    let lots = previous(&[("2026-01-05", 7.0), ("2026-01-14", 10.0), ("2026-02-02", 4.0)]);
    let fenced = replanned(input, lots, 1, 0.0, 0.0);
    assert_eq!(lots_and_cost(&fenced), (vec![10.0, 0.0, 0.0], 35.0));
}

/// A frozen lot the plan cannot use within its rules (above `max_lot`) makes the plan
/// infeasible, and the diagnosis says why; nothing would be written.
#[test]
fn a_frozen_lot_outside_the_lot_rules_makes_the_plan_infeasible() {
    let mut input = item_a(3, &[0.0, 0.0, 10.0]);
    input.items[0].max_lot = Some(8.0);
    let fenced = replanned(input, previous(&[("2026-01-05", 10.0)]), 1, 0.0, 0.0);
    let bom = BomGraph::new(&fenced).expect("acyclic");
    let outcome = plan(&fenced, &bom, &exact()).expect("solve");
    assert_eq!(outcome.status, SolveStatus::Infeasible);
    assert!(outcome.solution.is_none());
    let findings = outcome.diagnosis.expect("a diagnosis").findings;
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        findings[0].message,
        "A: the frozen lot of 10 in period 1 (the previous plan's, inside the 1-period fence) cannot be kept: \
         above its max_lot of 8; the plan would need 8 there (shorten the frozen fence or change the previous plan)"
    );
}

/// The previous plan as `lots` rows of `outcome` (dated by tonight's horizon).
fn as_previous(input: &PlanInput, outcome: &PlanOutcome) -> Vec<PreviousLot> {
    let lots = &outcome.solution.as_ref().expect("a plan").lots;
    let mut rows = Vec::new();
    for o in 0..outcome.options.len() {
        for t in 0..lots.periods() {
            if lots[(o, t)] > 0.0 {
                let (route, supplier) = outcome.options.way_ids(input, o);
                rows.push(PreviousLot {
                    row: rows.len() + 2,
                    item: input.items[outcome.options.get(o).item].id.clone(),
                    route: route.to_string(),
                    supplier: supplier.to_string(),
                    start_date: input.horizon.period_start(t).expect("a date"),
                    quantity: lots[(o, t)],
                });
            }
        }
    }
    rows
}

/// Generated flexible plans small enough to solve exactly in a test.
fn small_flexible(seed: u64) -> PlanInput {
    let spec = flexplan::generate::AdversarialSpec::for_seed(seed);
    flexplan::generate::generate_flexible_adversarial(&spec).expect("generated")
}

/// Properties on generated flexible plans:
/// - a previous plan equal to tonight's optimum comes back unchanged, with zero change cost,
///   whatever the fence;
/// - raising the change cost never raises the units changed. (For optima `x1` at `c1` and
///   `x2` at `c2 > c1`: `f(x1) + c1 u1 <= f(x2) + c1 u2` and `f(x2) + c2 u2 <= f(x1) + c2 u1`
///   add up to `(c2 - c1)(u2 - u1) <= 0`.)
#[test]
fn replanning_keeps_an_optimum_and_change_costs_calm_the_plan() {
    let mut checked = 0;
    for seed in 0..40 {
        let input = small_flexible(seed);
        let bom = BomGraph::new(&input).expect("acyclic");
        let tonight = plan(&input, &bom, &exact()).expect("solve");
        if tonight.status != SolveStatus::Optimal {
            continue;
        }
        checked += 1;
        let cost = tonight.costs.expect("costs").total();
        let lots = as_previous(&input, &tonight);
        let frozen = (seed as usize) % (input.n_periods() + 1);
        let replan = replanned(input.clone(), lots.clone(), frozen, 1.0, 5.0);
        let again = solve(&replan);
        let again_lots = &again.solution.as_ref().expect("a plan").lots;
        let summary = flexplan::output::replan_summary(&replan, &again.options, again_lots);
        let summary = summary.expect("a replan summary");
        assert_eq!(summary.units_changed, 0.0, "seed {seed}: {summary:?}");
        let again_costs = again.costs.expect("costs");
        assert_eq!((again_costs.change, again_costs.new_lot), (0.0, 0.0), "seed {seed}");
        assert!((again_costs.total() - cost).abs() <= 1e-6 * cost.max(1.0), "seed {seed}");

        // Tonight's demand doubled in the last period, against last night's plan.
        let mut busier = input.clone();
        let last = busier.horizon.period_start(busier.n_periods() - 1).expect("a date");
        for order in busier.orders.iter_mut().filter(|o| o.due_date >= last) {
            order.quantity *= 2.0;
        }
        let units = |change_cost: f64| {
            let replan = replanned(busier.clone(), lots.clone(), 0, change_cost, 0.0);
            let bom = BomGraph::new(&replan).expect("acyclic");
            let outcome = plan(&replan, &bom, &exact()).expect("solve");
            let solution = outcome.solution.as_ref()?;
            flexplan::output::replan_summary(&replan, &outcome.options, &solution.lots).map(|s| s.units_changed)
        };
        if let (Some(calm), Some(calmer)) = (units(0.5), units(5.0)) {
            assert!(calmer <= calm + 1e-6 * calm.max(1.0), "seed {seed}: {calmer} units changed at 5, {calm} at 0.5");
        }
    }
    assert!(checked >= 10, "only {checked} optimal plans");
}

/// Last night's lot of `A` (lead time 1) started on 2026-01-05, before tonight's horizon
/// (from 2026-01-12): it arrives in tonight's period 1, so unless receipts.csv holds it, `check`
/// warns that the plan would forget this work in progress. A lot started inside the horizon
/// is the plan's own business; with the receipt in place the warning goes.
#[test]
fn check_warns_about_work_in_progress_missing_from_receipts() {
    let mut input = item_a(3, &[0.0, 0.0, 10.0]);
    input.horizon.start = date("2026-01-12");
    input.items[0].lead_time = 1;
    let lots = previous(&[("2026-01-05", 10.0), ("2026-01-12", 4.0)]);
    let mut input = replanned(input, lots, 0, 0.0, 0.0);
    let warnings: Vec<String> = flexplan::check::work_in_progress(&input).iter().map(|w| w.warning()).collect();
    assert_eq!(
        warnings,
        ["warning: the previous plan's lot of 10 A started 2026-01-05 (before the horizon) arrives in period 1, but \
          receipts.csv holds 0 of it then; add it as a receipt, or the plan forgets this work in progress"]
    );
    input.receipts.push(flexplan::input::Receipt { item: 0, period: 0, quantity: 10.0 });
    assert!(flexplan::check::work_in_progress(&input).is_empty());
}

/// The report of a replanned plan shows what changed: the counts of `summary.json`'s `replan`
/// and the changed lots of changes.csv. In the cheap case of
/// [`a_change_cost_keeps_a_lot_where_it_was`] last night's lot of 10 in period 2 moves to
/// period 3: one lot added, one removed, 20 units changed.
#[test]
fn the_report_of_a_replanned_plan_shows_what_changed() {
    let input = replanned(item_a(3, &[0.0, 0.0, 10.0]), previous(&[("2026-01-12", 10.0)]), 0, 0.2, 0.0);
    let outcome = solve(&input);
    let (inputs, folder) = (tempfile::tempdir().expect("temp dir"), tempfile::tempdir().expect("temp dir"));
    write_outcome(&input, &outcome, &exact(), folder.path(), TableFormat::Csv).expect("written");
    let page = flexplan::report::write_plan_report(&input, inputs.path(), folder.path()).expect("a report");
    let html = std::fs::read_to_string(page).expect("report.html");
    assert!(html.contains("<h2>Changes since the previous plan</h2>"), "no changes section");
    let counts = html.lines().find(|l| l.starts_with("<p>Against")).unwrap_or("");
    assert_eq!(counts, "<p>Against previous: 1 lot added, 1 removed, 0 changed; 20.00 units changed.</p>");
    assert!(html.contains(r#"id="chart-changes""#));
    let rows = [
        "<td>A</td><td></td><td class=\"n\">2</td><td class=\"n\">10.00</td><td class=\"n\">0.00</td>",
        "<td>A</td><td></td><td class=\"n\">3</td><td class=\"n\">0.00</td><td class=\"n\">10.00</td>",
    ];
    for row in rows {
        let shown: Vec<&str> = html.lines().filter(|l| l.contains("<td>A</td><td></td>")).collect();
        assert!(html.contains(row), "missing row {row} in {shown:?}");
    }
    // A plan made from scratch has no such section.
    let fresh = item_a(3, &[0.0, 0.0, 10.0]);
    let outcome = solve(&fresh);
    let folder = tempfile::tempdir().expect("temp dir");
    write_outcome(&fresh, &outcome, &exact(), folder.path(), TableFormat::Csv).expect("written");
    let page = flexplan::report::write_plan_report(&fresh, inputs.path(), folder.path()).expect("a report");
    assert!(!std::fs::read_to_string(page).expect("report.html").contains("Changes since the previous plan"));
}

/// A frozen lot that takes a resource's whole capacity collides with other demand: `A`'s
/// frozen lot of 10 takes all 10 hours of `LINE` in period 1, and `B`, due 5 in period 1 and
/// not allowed to ship late, needs 5 more. The diagnosis names the late demand, the full
/// resource and the frozen lot that takes it.
#[test]
fn the_diagnosis_names_the_frozen_lots_that_fill_a_resource() {
    let mut input = item_a(2, &[0.0, 10.0]);
    let line = resource(&mut input, "LINE", 10.0);
    let b = item(&mut input, Item::new("B", ItemKind::Make));
    add_demand(&mut input, b, &[5.0, 0.0]);
    for i in [0, b] {
        input.routings.push(flexplan::input::Routing::new(i, line, 1.0, 0.0, 0.0));
    }
    let fenced = replanned(input, previous(&[("2026-01-05", 10.0)]), 1, 0.0, 0.0);
    let bom = BomGraph::new(&fenced).expect("acyclic");
    let outcome = plan(&fenced, &bom, &exact()).expect("solve");
    assert_eq!(outcome.status, SolveStatus::Infeasible);
    let messages: Vec<String> =
        outcome.diagnosis.expect("a diagnosis").findings.into_iter().map(|f| f.message).collect();
    assert_eq!(
        messages,
        ["B: 5 of 5 units due in period 1 cannot be shipped on time and late shipment is not allowed (no backlog_cost); \
          capacity, lot rules or component supply do not allow making it in time; LINE is full in period 1, where the \
          frozen lots take A 10 (10 time units)"]
    );
}
