//! Properties of version-2 plans (spec sections 1.2-1.4 and `unmet_cost`) over small random
//! flexible instances: items with alternative routes (a partner factory's among them, with its
//! lead time), several suppliers with joint order costs, lot rules and `max_per_period`, setup
//! families on a resource, and unmet cost.
//!
//! - every plan written passes the independent checker, and an infeasible outcome writes nothing;
//! - adding a route or a supplier to an item never raises the optimal cost;
//! - removing every family setup never raises the optimal cost.
//!
//! Each property is a [`TestRunner`] run (not the `proptest!` macro) so that it can count its
//! cases and fail when too few have a plan to compare: a property that holds only because every
//! case was infeasible proves nothing. Failures are persisted, as by the macro, in
//! `tests/proptest-regressions/flexible_properties.txt`.

use crate::common::Rng;
use crate::common::*;
use flexplan::input::bom::BomGraph;
use flexplan::input::{
    read_plan_dir, BomEdge, Family, Item, ItemKind, LotTerms, PlanInput, Receipt, Route, Routing, Source, Supplier,
};
use flexplan::output::{write_outcome, TableFormat};
use flexplan::plan::plan;
use flexplan::plan::{SolveOptions, SolveStatus};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::Cell;

/// Cases per property: each solves one or two tiny MIPs.
const CASES: u32 = 48;

/// Of the cases drawn, at least this share must have a feasible base plan.
const MIN_FEASIBLE_SHARE: f64 = 0.6;

fn exact() -> SolveOptions {
    SolveOptions { mip_gap: 0.0, threads: 1, ..SolveOptions::default() }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, source_file: Some(file!()), ..Config::default() })
}

/// Whether `a` is at most `b` up to 1e-6 relative.
fn at_most(a: f64, b: f64) -> bool {
    a <= b + 1e-6 * b.abs().max(1.0)
}

/// A random flexible instance: 3-5 periods, 2-4 items; with `families`, setup families on LINE
/// are always offered (an instance still has none when no routing row on LINE draws one).
fn flexible(families: bool) -> impl Strategy<Value = PlanInput> {
    (3usize..=5, 2usize..=4, any::<u64>())
        .prop_map(move |(periods, n_items, seed)| build_flexible(periods, n_items, seed, families))
}

/// The suppliers sources may name; each gets a joint order cost (maybe 0) when first named.
const SUPPLIERS: [&str; 3] = ["SUP-A", "SUP-B", "SUP-C"];

/// Builds the instance of `seed` (deterministic, so a failing case is rebuilt from its seed).
///
/// Item 0 is a made end item; every later item is a make (40 %) or buy item, a component of
/// an earlier made item (70 %) or an end item with demand. Resources: LINE (maybe overtime),
/// LINE2, and PARTNER, a partner factory's capacity (maybe none in week 1). A made item has no
/// routing rows (10 %: its unnamed route uses no resource), one unnamed or named route, or two
/// named routes, the second maybe PARTNER's with a lead time of 1-2 and a higher price; a
/// bought item the item's own unnamed supplier (25 %) or 1-2 sources; a made item may also be
/// bought (15 %). Rows on LINE may be in a family.
fn build_flexible(periods: usize, n_items: usize, seed: u64, families: bool) -> PlanInput {
    let mut rng = Rng(seed);
    let mut input = empty_plan(periods);
    let line = resource(&mut input, "LINE", rng.between(12, 40));
    if rng.chance(40) {
        input.resources[line].overtime_max = rng.between(1, 10);
        input.resources[line].overtime_cost = rng.between(1, 5);
    }
    resource(&mut input, "LINE2", rng.between(8, 30));
    let partner = resource(&mut input, "PARTNER", rng.between(0, 30));
    if rng.chance(30) {
        input.resources[partner].capacity[0] = 0.0;
    }
    let n_families = if families || rng.chance(50) { 1 + rng.below(2) } else { 0 };
    for f in 0..n_families {
        let (setup_time, setup_cost) = (rng.between(0, 5), rng.between(0, 30));
        input.families.push(Family { id: format!("FAM{f}"), resource: line, setup_time, setup_cost });
    }
    let joint: Vec<f64> = SUPPLIERS.iter().map(|_| if rng.chance(50) { rng.between(5, 40) } else { 0.0 }).collect();

    for i in 0..n_items {
        let kind = if i == 0 || rng.chance(40) { ItemKind::Make } else { ItemKind::Buy };
        let prefix = if kind == ItemKind::Make { "M" } else { "B" };
        let mut it = Item::new(format!("{prefix}{i}"), kind);
        it.holding_cost = rng.between(1, 6) / 2.0;
        it.unit_cost = rng.between(0, 4);
        it.order_cost = if rng.chance(50) { rng.between(0, 30) } else { 0.0 };
        it.lead_time = if rng.chance(25) { 1 } else { 0 };
        if rng.chance(15) {
            it.min_lot = rng.between(2, 10);
        }
        if rng.chance(15) {
            it.lot_multiple = Some(rng.between(2, 5));
        }
        if rng.chance(25) {
            it.initial_inventory = rng.between(0, 20);
        }
        let parents: Vec<usize> = (0..i).filter(|&p| input.items[p].kind == ItemKind::Make).collect();
        let parent =
            if i > 0 && rng.chance(70) { Some(parents[rng.below(parents.len() as u64) as usize]) } else { None };
        if parent.is_some() {
            it.initial_inventory += rng.between(0, 15);
        } else {
            it.backlog_cost = if rng.chance(85) { Some(rng.between(3, 25)) } else { None };
            if rng.chance(50) {
                it.unmet_cost = rng.between(0, 60);
            }
            if rng.chance(20) {
                it.safety_stock = rng.between(1, 5);
                it.safety_stock_penalty = rng.between(0, 3);
            }
        }
        let idx = item(&mut input, it);
        match parent {
            Some(parent) => input.bom.push(BomEdge { parent, component: idx, quantity: rng.between(1, 2) }),
            None => {
                let demand: Vec<f64> =
                    (0..periods).map(|_| if rng.chance(70) { rng.between(0, 12) } else { 0.0 }).collect();
                add_demand(&mut input, idx, &demand);
            }
        }
        match kind {
            ItemKind::Make => {
                add_routes(&mut input, &mut rng, idx);
                if rng.chance(15) {
                    let supplier = rng.below(SUPPLIERS.len() as u64) as usize;
                    add_source(&mut input, &mut rng, idx, SUPPLIERS[supplier], joint[supplier]);
                }
            }
            ItemKind::Buy => {
                if rng.chance(75) {
                    let first = rng.below(SUPPLIERS.len() as u64) as usize;
                    add_source(&mut input, &mut rng, idx, SUPPLIERS[first], joint[first]);
                    if rng.chance(50) {
                        let second = (first + 1 + rng.below(2) as usize) % SUPPLIERS.len();
                        add_source(&mut input, &mut rng, idx, SUPPLIERS[second], joint[second]);
                    }
                }
            }
        }
        if rng.chance(15) {
            let period = rng.below(periods as u64) as usize;
            input.receipts.push(Receipt { item: idx, period, quantity: rng.between(1, 10) });
        }
    }
    drop_unused_families(&mut input);
    input
}

/// Lot values of a route or source (`None`: the item's); a partner's route is dearer and
/// takes 1-2 periods. A max_lot is never below the minimum lot it applies with.
fn lot_terms(rng: &mut Rng, item: &Item, partner: bool) -> LotTerms {
    let mut terms = LotTerms::default();
    if partner {
        terms.unit_cost = Some(rng.between(3, 8));
        terms.lead_time = Some(rng.between(1, 2) as usize);
    } else {
        if rng.chance(60) {
            terms.unit_cost = Some(rng.between(0, 6));
        }
        if rng.chance(30) {
            terms.lead_time = Some(rng.between(0, 2) as usize);
        }
    }
    if rng.chance(30) {
        terms.order_cost = Some(rng.between(0, 25));
    }
    if rng.chance(20) {
        terms.min_lot = Some(rng.between(0, 8));
    }
    if rng.chance(15) {
        terms.lot_multiple = Some(rng.between(2, 4));
    }
    if rng.chance(15) {
        let min_lot = terms.min_lot.unwrap_or(item.min_lot);
        terms.max_lot = Some(min_lot.max(rng.between(5, 30)));
    }
    terms
}

/// A routing row of `item` on `resource`, maybe in one of the families of that resource.
fn routing_row(input: &PlanInput, rng: &mut Rng, item: usize, resource: usize, route: Option<usize>) -> Routing {
    let families: Vec<usize> = (0..input.families.len()).filter(|&f| input.families[f].resource == resource).collect();
    let family = if !families.is_empty() && rng.chance(70) {
        Some(families[rng.below(families.len() as u64) as usize])
    } else {
        None
    };
    Routing {
        item,
        resource,
        unit_time: rng.between(1, 4) / 2.0,
        setup_time: rng.between(0, 4),
        setup_cost: rng.between(0, 20),
        route,
        family,
    }
}

fn resource_named(input: &PlanInput, id: &str) -> usize {
    input.resource_idx(id).expect("the generator's resources")
}

/// The routes of made item `item` (see [`build_flexible`]).
fn add_routes(input: &mut PlanInput, rng: &mut Rng, item: usize) {
    if rng.chance(10) {
        return;
    }
    let (line, line2, partner) =
        (resource_named(input, "LINE"), resource_named(input, "LINE2"), resource_named(input, "PARTNER"));
    let n_routes = if rng.chance(50) { 2 } else { 1 };
    let named = n_routes == 2 || rng.chance(50);
    for r in 0..n_routes {
        let at_partner = r == 1 && rng.chance(50);
        let route = named.then(|| {
            let terms = lot_terms(rng, &input.items[item], at_partner);
            let id = if at_partner { "PARTNER".to_string() } else { format!("R{r}") };
            input.routes.push(Route { item, id, terms });
            input.routes.len() - 1
        });
        let resource = if at_partner {
            partner
        } else if rng.chance(30) {
            line2
        } else {
            line
        };
        let row = routing_row(input, rng, item, resource, route);
        input.routings.push(row);
        if resource == line && rng.chance(20) {
            let row = routing_row(input, rng, item, line2, route);
            input.routings.push(row);
        }
    }
}

/// Adds a source of `item` from `supplier` (registered with joint order cost `joint` when new).
fn add_source(input: &mut PlanInput, rng: &mut Rng, item: usize, supplier: &str, joint: f64) {
    let supplier = match input.suppliers.iter().position(|s| s.id == supplier) {
        Some(idx) => idx,
        None => {
            input.suppliers.push(Supplier { id: supplier.to_string(), order_cost: joint });
            input.suppliers.len() - 1
        }
    };
    let terms = lot_terms(rng, &input.items[item], false);
    let max_per_period = if rng.chance(40) { Some(rng.between(3, 25)) } else { None };
    input.sources.push(Source { item, supplier, terms, max_per_period });
}

/// Removes the families no routing row names (families.csv may not list them), renumbering.
fn drop_unused_families(input: &mut PlanInput) {
    let used: Vec<bool> =
        (0..input.families.len()).map(|f| input.routings.iter().any(|r| r.family == Some(f))).collect();
    let mut new_index = vec![None; used.len()];
    let mut kept = Vec::new();
    for (f, family) in input.families.drain(..).enumerate() {
        if used[f] {
            new_index[f] = Some(kept.len());
            kept.push(family);
        }
    }
    input.families = kept;
    for row in &mut input.routings {
        row.family = row.family.and_then(|f| new_index[f]);
    }
}

/// `input` with one more way to replenish one item (chosen by `seed`), and what was added:
///
/// - a made item with routing rows (70 %): a new route NEW, one row on LINE, LINE2 or
///   PARTNER (maybe in a family). An item whose rows name no route first has them named
///   BASE, with no values of its own: the same route, since a route's values default to the
///   item's (spec section 1.2: an item's rows all name a route or none does);
/// - otherwise a new source, from one of the suppliers or from SUP-NEW (maybe with a joint
///   order cost). A bought item without sources is first given SUP-OWN, a source with no
///   values of its own and no joint cost: the same supplier as its unnamed one (section 1.3:
///   an item with sources is bought only from them). A made item's new source makes it
///   "make or buy".
///
/// Every plan of `input` is a plan of the result with no lot on the new way, at the same cost.
fn with_one_more_way(input: &PlanInput, seed: u64) -> (PlanInput, String) {
    let mut rng = Rng(seed);
    let mut out = input.clone();
    let i = rng.below(out.items.len() as u64) as usize;
    let item_id = out.items[i].id.clone();
    let has_rows = out.routings_of(i).next().is_some();
    if out.items[i].kind == ItemKind::Make && has_rows && rng.chance(70) {
        if out.routings_of(i).all(|row| row.route.is_none()) {
            out.routes.push(Route { item: i, id: "BASE".into(), terms: LotTerms::default() });
            let base = out.routes.len() - 1;
            for row in out.routings.iter_mut().filter(|row| row.item == i) {
                row.route = Some(base);
            }
        }
        let at_partner = rng.chance(40);
        let terms = lot_terms(&mut rng, &out.items[i], at_partner);
        out.routes.push(Route { item: i, id: "NEW".into(), terms });
        let route = Some(out.routes.len() - 1);
        let resource = if at_partner {
            resource_named(&out, "PARTNER")
        } else if rng.chance(50) {
            resource_named(&out, "LINE")
        } else {
            resource_named(&out, "LINE2")
        };
        let row = routing_row(&out, &mut rng, i, resource, route);
        out.routings.push(row);
        let what = format!("route NEW of {item_id} on {}: {:?}", out.resources[resource].id, out.routes.last());
        return (out, what);
    }
    if out.items[i].kind == ItemKind::Buy && !out.sources.iter().any(|s| s.item == i) {
        out.suppliers.push(Supplier { id: "SUP-OWN".into(), order_cost: 0.0 });
        let supplier = out.suppliers.len() - 1;
        out.sources.push(Source { item: i, supplier, terms: LotTerms::default(), max_per_period: None });
    }
    let taken: Vec<&str> =
        out.sources.iter().filter(|s| s.item == i).map(|s| out.suppliers[s.supplier].id.as_str()).collect();
    let free: Vec<&str> = SUPPLIERS.iter().copied().filter(|s| !taken.contains(s)).collect();
    let (name, joint) = if !free.is_empty() && rng.chance(60) {
        // An existing supplier keeps its joint order cost (a new one starts with none).
        (free[rng.below(free.len() as u64) as usize].to_string(), 0.0)
    } else {
        ("SUP-NEW".to_string(), if rng.chance(50) { rng.between(5, 30) } else { 0.0 })
    };
    add_source(&mut out, &mut rng, i, &name, joint);
    let what = format!("source of {item_id} from {name}: {:?}", out.sources.last());
    (out, what)
}

/// The optimal cost (gap 0), or `None` when infeasible.
fn optimal_cost(input: &PlanInput) -> Option<f64> {
    let bom = BomGraph::new(input).expect("the generator's BOM is acyclic");
    let outcome = plan(input, &bom, &exact()).expect("plan runs");
    match outcome.status {
        SolveStatus::Optimal => Some(outcome.costs.expect("an optimal plan has costs").total()),
        SolveStatus::Infeasible => None,
        other => panic!("unexpected status {other:?}"),
    }
}

/// Fails unless at least [`MIN_FEASIBLE_SHARE`] of the `cases` had a feasible base plan.
fn assert_not_vacuous(property: &str, feasible: usize, cases: usize) {
    eprintln!("{property}: {feasible} of {cases} cases feasible");
    assert!(cases > 0, "{property}: no case ran");
    assert!(
        feasible as f64 >= MIN_FEASIBLE_SHARE * cases as f64,
        "{property}: only {feasible} of {cases} cases had a feasible plan to compare"
    );
}

/// The generator makes valid plan directories: each instance is written with
/// `write_plan_dir` and read back unchanged (so the reader's rules, e.g. families.csv rows
/// that no routing row uses, or a min_lot above a max_lot, hold for every instance).
#[test]
fn flexible_instances_read_back_as_generated() {
    let result = runner(16).run(&(flexible(false), flexible(true)), |(a, b)| {
        for input in [a, b] {
            let dir = tempfile::tempdir().expect("a temporary folder");
            flexplan::input::write_plan_dir(&input, dir.path()).expect("write_plan_dir");
            let back = read_plan_dir(dir.path()).map_err(|e| TestCaseError::fail(format!("read back: {e}")))?;
            prop_assert_eq!(back, input);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Every plan returned passes the independent checker, and the checker's recomputed objective
/// equals summary.json's; an infeasible outcome writes no plan folder.
#[test]
fn every_flexible_plan_passes_the_checker() {
    let (feasible, cases) = (Cell::new(0usize), Cell::new(0usize));
    let result = runner(CASES).run(&flexible(false), |input| {
        cases.set(cases.get() + 1);
        let bom = BomGraph::new(&input).expect("acyclic");
        let options = exact();
        let outcome = plan(&input, &bom, &options).expect("plan runs");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = dir.path().join("plan");
        let (_, written) = write_outcome(&input, &outcome, &options, &out, TableFormat::Csv).expect("write_outcome");
        match outcome.status {
            SolveStatus::Optimal => {}
            SolveStatus::Infeasible => {
                prop_assert!(!written, "an infeasible outcome wrote a plan");
                prop_assert!(!out.exists(), "an infeasible outcome left {}", out.display());
                return Ok(());
            }
            other => return Err(TestCaseError::fail(format!("unexpected status {other:?}"))),
        }
        feasible.set(feasible.get() + 1);
        prop_assert!(written, "an optimal plan was not written");
        let report = flexplan::validate::validate_plan(&input, &out).expect("validate_plan reads the plan");
        prop_assert!(report.is_ok(), "{}", report.to_text());
        let reported = report.reported_objective.expect("summary.json has an objective");
        prop_assert!((report.objective - reported).abs() <= 1e-6 * reported.abs().max(1.0));
        let total = outcome.costs.expect("costs").total();
        prop_assert!((total - reported).abs() <= 1e-6 * reported.abs().max(1.0), "costs {total}, summary {reported}");
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    assert_not_vacuous("every_flexible_plan_passes_the_checker", feasible.get(), cases.get());
}

/// Adding a route or a supplier to an item never raises the optimal cost, and never makes a
/// feasible plan infeasible. (When the base is infeasible the extended plan may be anything.)
/// The new ways are priced to be often worth using: some case must get strictly cheaper, or the
/// extension did nothing the property could catch.
#[test]
fn adding_a_route_or_supplier_never_raises_cost() {
    let (feasible, cases, cheaper) = (Cell::new(0usize), Cell::new(0usize), Cell::new(0usize));
    let result = runner(CASES).run(&(flexible(false), any::<u64>()), |(input, seed)| {
        cases.set(cases.get() + 1);
        let (more, what) = with_one_more_way(&input, seed);
        let Some(before) = optimal_cost(&input) else {
            return Ok(());
        };
        feasible.set(feasible.get() + 1);
        let after = optimal_cost(&more)
            .ok_or_else(|| TestCaseError::fail(format!("adding {what} made a feasible plan infeasible")))?;
        prop_assert!(at_most(after, before), "adding {what}: optimal cost {before} rose to {after}");
        if !at_most(before, after) {
            cheaper.set(cheaper.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!("adding_a_route_or_supplier_never_raises_cost: {} cases strictly cheaper", cheaper.get());
    assert_not_vacuous("adding_a_route_or_supplier_never_raises_cost", feasible.get(), cases.get());
    assert!(cheaper.get() > 0, "no added route or supplier ever lowered the cost");
}

/// Removing every family setup never raises the optimal cost, and zeroing every family's
/// setup time and cost is the same as having no families at all (dropping the `family`
/// column and families.csv). Some case must get strictly cheaper without them.
#[test]
fn removing_family_setups_never_raises_cost() {
    let (feasible, cases, cheaper) = (Cell::new(0usize), Cell::new(0usize), Cell::new(0usize));
    // Three solves a case: fewer cases than the other properties.
    let result = runner(32).run(&flexible(true), |input| {
        prop_assume!(!input.families.is_empty());
        cases.set(cases.get() + 1);
        let mut zeroed = input.clone();
        for family in &mut zeroed.families {
            family.setup_time = 0.0;
            family.setup_cost = 0.0;
        }
        let mut dropped = input.clone();
        dropped.families.clear();
        for row in &mut dropped.routings {
            row.family = None;
        }
        let (with, zero, none) = (optimal_cost(&input), optimal_cost(&zeroed), optimal_cost(&dropped));
        match (zero, none) {
            (Some(z), Some(n)) => prop_assert!(at_most(z, n) && at_most(n, z), "zeroed families {z}, none {n}"),
            (None, None) => {}
            _ => return Err(TestCaseError::fail(format!("zeroed families {zero:?}, none {none:?}"))),
        }
        if let Some(with) = with {
            feasible.set(feasible.get() + 1);
            let without = zero.ok_or_else(|| TestCaseError::fail("removing family setups made it infeasible"))?;
            prop_assert!(at_most(without, with), "with family setups {with}, without {without}");
            if !at_most(with, without) {
                cheaper.set(cheaper.get() + 1);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!("removing_family_setups_never_raises_cost: {} cases strictly cheaper", cheaper.get());
    assert_not_vacuous("removing_family_setups_never_raises_cost", feasible.get(), cases.get());
    assert!(cheaper.get() > 0, "family setups never cost anything: the property caught nothing");
}
