//! Brute-force enumeration on tiny version-2 plans with two routes and two suppliers: the
//! planner's optimal objective must equal the cheapest of every integer lot plan, each costed
//! here by a deliberately simple evaluator of `planning-model.md` that shares nothing with the
//! planner or the checker (it reads a [`Tiny`] case, not a [`PlanInput`]).
//!
//! A case: one made item FG with two routes (own line and partner factory, or two ways through
//! the line; different prices, capacities, lead times, setups, lot rules, maybe in a family on
//! the line), and one or two bought items with sources: RM, a component of FG or an end item
//! of its own, from FAST (joint order cost, maybe a `max_per_period`) and CHEAP (a min lot, a
//! lead time); sometimes also RM2, an end item from FAST only, so that one shipment can serve
//! both (the joint order cost then couples two items, not just two lots).
//!
//! Why integer lots suffice: every datum is an integer, unit times and BOM quantities are 1, so
//! once the binaries (lots, families, joint orders) and lot multiples are fixed, what is left is
//! a min-cost flow with integer capacities (stock carried forward, backlog carried forward,
//! resource capacity and overtime as arcs into the lots), which has an integral optimum. The
//! enumeration bounds each item's total over the horizon by what it can need plus its largest
//! minimum lot and lot multiple (not proven to hold an optimum: it makes the enumeration an upper
//! bound, so a planner below it fails the test too, and the planner's own lots are costed by the
//! evaluator in every failure message).

use crate::common::Rng;
use crate::common::*;
use flexplan::input::bom::BomGraph;
use flexplan::input::{BomEdge, Family, Item, ItemKind, LotTerms, PlanInput, Route, Routing, Source, Supplier};
use flexplan::output::{write_outcome, TableFormat};
use flexplan::plan::plan;
use flexplan::plan::{SolveOptions, SolveStatus};
use std::cell::Cell;
use std::collections::HashMap;
use std::time::Instant;

const EPS: f64 = 1e-9;

fn exact() -> SolveOptions {
    SolveOptions { mip_gap: 0.0, threads: 1, ..SolveOptions::default() }
}

// ---------------------------------------------------------------------------------------------
// the tiny cases

/// An option's lot values, all explicit (spec section 2: `c_o, L_o, min_o, max_o, mult_o, oc_o`).
#[derive(Debug, Clone)]
struct Terms {
    unit_cost: f64,
    lead_time: usize,
    min_lot: f64,
    max_lot: Option<f64>,
    multiple: Option<f64>,
    order_cost: f64,
}

/// A route of FG: one routing row on `resource`, maybe in the family FAM (on LINE only).
#[derive(Debug, Clone)]
struct TinyRoute {
    id: &'static str,
    terms: Terms,
    resource: usize,
    setup_time: f64,
    setup_cost: f64,
    family: bool,
}

/// A source of a bought item: `supplier` indexes [`Tiny::suppliers`].
#[derive(Debug, Clone)]
struct TinySource {
    supplier: usize,
    terms: Terms,
    max_per_period: Option<f64>,
}

/// An item's stock values and its external demand per period.
#[derive(Debug, Clone)]
struct Stock {
    demand: Vec<f64>,
    holding: f64,
    backlog: Option<f64>,
    unmet: f64,
    initial: f64,
}

/// A bought item: a component of FG (one unit per unit of FG, no demand of its own) or an end
/// item with demand.
#[derive(Debug, Clone)]
struct TinyBuy {
    id: &'static str,
    stock: Stock,
    component: bool,
    sources: Vec<TinySource>,
}

#[derive(Debug, Clone)]
struct TinyResource {
    id: &'static str,
    capacity: Vec<f64>,
    overtime_max: f64,
    overtime_cost: f64,
}

/// A tiny case. Resource 0 is LINE (the family's resource), resource 1 PARTNER.
#[derive(Debug, Clone)]
struct Tiny {
    periods: usize,
    fg: Stock,
    routes: [TinyRoute; 2],
    resources: Vec<TinyResource>,
    /// FAM's setup time and cost on LINE, for the routes with `family`.
    family: (f64, f64),
    buys: Vec<TinyBuy>,
    /// Supplier id and joint order cost (`suppliers.csv` order_cost).
    suppliers: Vec<(&'static str, f64)>,
}

const LINE: usize = 0;
const PARTNER: usize = 1;

impl Tiny {
    /// The case as a plan (FG is item 0, the bought items follow). The items' own unit and
    /// order costs are decoys: every route and source states all its values, which replace them.
    fn to_input(&self) -> PlanInput {
        let mut input = empty_plan(self.periods);
        for r in &self.resources {
            let at = resource(&mut input, r.id, 0.0);
            input.resources[at].capacity = r.capacity.clone();
            input.resources[at].overtime_max = r.overtime_max;
            input.resources[at].overtime_cost = r.overtime_cost;
        }
        let stocked = |id: &str, kind, stock: &Stock| {
            let mut it = Item::new(id, kind);
            it.holding_cost = stock.holding;
            it.backlog_cost = stock.backlog;
            it.unmet_cost = stock.unmet;
            it.initial_inventory = stock.initial;
            it.unit_cost = 1000.0;
            it.order_cost = 1000.0;
            it
        };
        let terms = |t: &Terms| LotTerms {
            unit_cost: Some(t.unit_cost),
            lead_time: Some(t.lead_time),
            min_lot: Some(t.min_lot),
            max_lot: t.max_lot,
            lot_multiple: t.multiple,
            order_cost: Some(t.order_cost),
        };
        let fg = item(&mut input, stocked("FG", ItemKind::Make, &self.fg));
        add_demand(&mut input, fg, &self.fg.demand);
        for route in &self.routes {
            input.routes.push(Route { item: fg, id: route.id.to_string(), terms: terms(&route.terms) });
            input.routings.push(Routing {
                item: fg,
                resource: route.resource,
                unit_time: 1.0,
                setup_time: route.setup_time,
                setup_cost: route.setup_cost,
                route: Some(input.routes.len() - 1),
                family: route.family.then_some(0),
            });
        }
        if self.routes.iter().any(|r| r.family) {
            let (setup_time, setup_cost) = self.family;
            input.families.push(Family { id: "FAM".into(), resource: LINE, setup_time, setup_cost });
        }
        for &(id, order_cost) in &self.suppliers {
            input.suppliers.push(Supplier { id: id.to_string(), order_cost });
        }
        for buy in &self.buys {
            let b = item(&mut input, stocked(buy.id, ItemKind::Buy, &buy.stock));
            add_demand(&mut input, b, &buy.stock.demand);
            if buy.component {
                input.bom.push(BomEdge { parent: fg, component: b, quantity: 1.0 });
            }
            for source in &buy.sources {
                input.sources.push(Source {
                    item: b,
                    supplier: source.supplier,
                    terms: terms(&source.terms),
                    max_per_period: source.max_per_period,
                });
            }
        }
        input
    }
}

// ---------------------------------------------------------------------------------------------
// the evaluator

/// Whether lot `x` may be started in 0-based period `t` (spec section 2).
///
/// > `x[o,t] >= 0`, lot size started/ordered in `t`, only for `t <= T - L_o` (a lot that would
/// > arrive after the horizon is not modelled)
///
/// (1-based `t <= T - L_o` is 0-based `t + L_o <= T - 1`.)
///
/// > 5. Lots: `x[o,t] >= min_o * y[o,t]`; `x[o,t] <= max_o`; `x[o,t] = mult_o * k[o,t]`;
/// > `x[o,t] <= cap_o`
fn lot_allowed(terms: &Terms, cap: Option<f64>, t: usize, periods: usize, x: f64) -> bool {
    if x == 0.0 {
        return true;
    }
    let multiple_ok = terms.multiple.is_none_or(|m| ((x / m) - (x / m).round()).abs() < EPS);
    t + terms.lead_time < periods
        && x >= terms.min_lot - EPS
        && terms.max_lot.is_none_or(|max| x <= max + EPS)
        && cap.is_none_or(|cap| x <= cap + EPS)
        && multiple_ok
}

/// Holding, backlog and unmet cost of an item given what arrives and what its parents consume
/// each period, or `None` when its stock would go negative or a late shipment is not allowed.
///
/// Spec section 2, constraints 1 and 2 (with `I[i,0] = initial_inventory`, `B[i,0] = 0`):
/// > `I[i,t] = I[i,t-1] + sum_{o of i} x[o,t-L_o] + R[i,t] - sum_p a[i,p] sum_{route options q of p} x[q,t] - F[i,t]`
/// > `B[i,t] = B[i,t-1] + D[i,t] - F[i,t]`; if `backlog_cost` is empty, `B[i,t] = 0`.
///
/// and the objective's `holding_cost_i I + backlog_cost_i B` over every period, plus
/// `unmet_cost_i B[i,T]`. The shipments `F` are chosen greedily: as much as is owed and on
/// hand, every period. For an item whose stock serves either its demand or its parents, never
/// both (so the tiny cases are built), that is optimal: shipping the most possible by every
/// period maximises every cumulative shipment at once, so it minimises every `I[t]` and every
/// `B[t]`, whose costs are >= 0.
fn stock_cost(stock: &Stock, arrivals: &[f64], consumed: &[f64]) -> Option<f64> {
    let (mut on_hand, mut owed, mut cost) = (stock.initial, 0.0, 0.0);
    for t in 0..arrivals.len() {
        on_hand += arrivals[t] - consumed[t];
        if on_hand < -EPS {
            return None;
        }
        owed += stock.demand[t];
        let shipped = on_hand.min(owed);
        on_hand -= shipped;
        owed -= shipped;
        if owed > EPS && stock.backlog.is_none() {
            return None;
        }
        cost += stock.holding * on_hand + stock.backlog.unwrap_or(0.0) * owed;
    }
    Some(cost + stock.unmet * owed)
}

/// Per period, the sum of the lots that arrive then (lot `x[t]` with lead time `L` arrives in
/// `t + L`: constraint 1's `x[o,t-L_o]`).
fn add_arrivals(arrivals: &mut [f64], lots: &[f64], lead_time: usize) {
    for (t, &x) in lots.iter().enumerate() {
        if t + lead_time < arrivals.len() {
            arrivals[t + lead_time] += x;
        }
    }
}

/// The cost of FG's side of a plan (`lots[r][t]` per route): its lots, the resources and the
/// family, FG's stock; with the units FG starts per period (what RM's stock must give). `None`
/// when infeasible.
fn fg_side(case: &Tiny, lots: &[Vec<f64>]) -> Option<(f64, Vec<f64>)> {
    let periods = case.periods;
    let mut cost = 0.0;
    let mut arrivals = vec![0.0; periods];
    let mut starts = vec![0.0; periods];
    for (route, x) in case.routes.iter().zip(lots) {
        for t in 0..periods {
            if !lot_allowed(&route.terms, None, t, periods, x[t]) {
                return None;
            }
            // Objective: `c_o x + (oc_o + sum_r sc[o,r]) y`, y = 1 exactly when a lot is made.
            if x[t] > 0.0 {
                cost += route.terms.unit_cost * x[t] + route.terms.order_cost + route.setup_cost;
            }
            starts[t] += x[t];
        }
        add_arrivals(&mut arrivals, x, route.terms.lead_time);
    }
    for t in 0..periods {
        // Section 1.4: "in a period in which any of them runs on that resource, the family's
        // setup time and cost are incurred once"; constraint 7 and the objective's
        // `SC[f,r] z`.
        let family_runs = case.routes.iter().zip(lots).any(|(route, x)| route.family && x[t] > 0.0);
        if family_runs {
            cost += case.family.1;
        }
        // Constraint 3: `sum_{(o,r)} (u[o,r] x + s[o,r] y) + sum_f ST[f,r] z <= C[r,t] + O[r,t]`,
        // `O[r,t]` in `[0, Omax[r]]` at `overtime_cost_r` a unit.
        for (r, res) in case.resources.iter().enumerate() {
            let mut load = 0.0;
            for (route, x) in case.routes.iter().zip(lots) {
                if route.resource == r && x[t] > 0.0 {
                    load += x[t] + route.setup_time;
                }
            }
            if r == LINE && family_runs {
                load += case.family.0;
            }
            let overtime = (load - res.capacity[t]).max(0.0);
            if overtime > res.overtime_max + EPS {
                return None;
            }
            cost += res.overtime_cost * overtime;
        }
    }
    cost += stock_cost(&case.fg, &arrivals, &vec![0.0; periods])?;
    Some((cost, starts))
}

/// The cost of the bought items' side (`lots[b][s][t]` per item and source) when FG starts
/// `starts` units per period: their lots, the joint order costs, their stock. `None` when
/// infeasible. Section 1.3: "A buy item with sources is bought only from them".
fn buy_side(case: &Tiny, lots: &[Vec<Vec<f64>>], starts: &[f64]) -> Option<f64> {
    let periods = case.periods;
    let mut cost = 0.0;
    for (buy, item_lots) in case.buys.iter().zip(lots) {
        let mut arrivals = vec![0.0; periods];
        for (source, x) in buy.sources.iter().zip(item_lots) {
            for (t, &q) in x.iter().enumerate() {
                // `cap_o` is the source's `max_per_period`.
                if !lot_allowed(&source.terms, source.max_per_period, t, periods, q) {
                    return None;
                }
                if q > 0.0 {
                    cost += source.terms.unit_cost * q + source.terms.order_cost;
                }
            }
            add_arrivals(&mut arrivals, x, source.terms.lead_time);
        }
        // A component: one unit per unit of FG started, "consumed in the period the parent lot
        // starts" (bom.csv).
        let consumed = if buy.component { starts.to_vec() } else { vec![0.0; periods] };
        cost += stock_cost(&buy.stock, &arrivals, &consumed)?;
    }
    // Section 1.3, suppliers.csv: "a fixed cost per period in which anything at all is ordered
    // from that supplier (a shared shipment), on top of each lot's own order_cost".
    for (v, &(_, joint)) in case.suppliers.iter().enumerate() {
        for t in 0..periods {
            let ordered = case.buys.iter().zip(lots).any(|(buy, item_lots)| {
                buy.sources.iter().zip(item_lots).any(|(source, x)| source.supplier == v && x[t] > 0.0)
            });
            if ordered {
                cost += joint;
            }
        }
    }
    Some(cost)
}

// ---------------------------------------------------------------------------------------------
// the enumeration

/// Every assignment of `choices[k]` to variable `k` (in order) such that each group's sum stays
/// within its budget, passed to `leaf`; `cut(values)` after each assignment may drop the branch.
fn enumerate(
    choices: &[Vec<f64>],
    group: &[usize],
    budget: &mut [f64],
    values: &mut Vec<f64>,
    cut: &mut dyn FnMut(&[f64]) -> bool,
    leaf: &mut dyn FnMut(&[f64]),
) {
    let k = values.len();
    if k == choices.len() {
        leaf(values);
        return;
    }
    for &q in &choices[k] {
        if q > budget[group[k]] + EPS {
            break; // choices are ascending
        }
        budget[group[k]] -= q;
        values.push(q);
        if !cut(values) {
            enumerate(choices, group, budget, values, cut, leaf);
        }
        values.pop();
        budget[group[k]] += q;
    }
}

/// The quantities a lot of `terms` may have in period `t`, up to `bound`, ascending.
fn lot_choices(terms: &Terms, cap: Option<f64>, t: usize, periods: usize, bound: f64) -> Vec<f64> {
    (0..=bound as usize).map(|q| q as f64).filter(|&q| lot_allowed(terms, cap, t, periods, q)).collect()
}

fn slack(terms: &[&Terms]) -> f64 {
    terms.iter().map(|t| t.min_lot + t.multiple.unwrap_or(0.0)).fold(0.0, f64::max)
}

/// The cheapest bought side for FG's `starts` if it costs less than `cutoff` (`None`: none
/// does, or none is feasible), by enumeration. A partial plan is dropped when its lots' unit and
/// order costs alone reach `cutoff`: every other term is >= 0, so no plan below `cutoff` is lost.
fn cheapest_buy_side(case: &Tiny, starts: &[f64], cutoff: f64) -> Option<f64> {
    let periods = case.periods;
    let mut choices = Vec::new();
    let mut group = Vec::new();
    let mut budget = Vec::new();
    let mut lot_terms = Vec::new();
    for (b, buy) in case.buys.iter().enumerate() {
        let need = buy.stock.demand.iter().sum::<f64>() + if buy.component { starts.iter().sum() } else { 0.0 };
        let bound = need + slack(&buy.sources.iter().map(|s| &s.terms).collect::<Vec<_>>());
        budget.push(bound);
        for source in &buy.sources {
            for t in 0..periods {
                choices.push(lot_choices(&source.terms, source.max_per_period, t, periods, bound));
                group.push(b);
                lot_terms.push(&source.terms);
            }
        }
    }
    // The best cost found, else the cutoff: a plan must cost less to matter.
    let limit = Cell::new(cutoff);
    let mut found = false;
    let mut cut = |values: &[f64]| {
        let spent: f64 = values
            .iter()
            .zip(&lot_terms)
            .filter(|(&x, _)| x > 0.0)
            .map(|(&x, terms)| terms.unit_cost * x + terms.order_cost)
            .sum();
        spent >= limit.get()
    };
    enumerate(&choices, &group, &mut budget, &mut Vec::new(), &mut cut, &mut |values| {
        let lots = split_buy_lots(case, values);
        if let Some(cost) = buy_side(case, &lots, starts) {
            if cost < limit.get() {
                limit.set(cost);
                found = true;
            }
        }
    });
    found.then(|| limit.get())
}

/// The flat values of [`cheapest_buy_side`] as `lots[b][s][t]`.
fn split_buy_lots(case: &Tiny, values: &[f64]) -> Vec<Vec<Vec<f64>>> {
    let mut at = values.chunks(case.periods);
    case.buys.iter().map(|buy| buy.sources.iter().map(|_| at.next().unwrap().to_vec()).collect()).collect()
}

/// The optimal cost of `case` by enumeration (`None`: no plan is feasible): every FG plan is
/// costed, and, cheapest first, completed with the cheapest bought side for the units it starts
/// (memoised: it depends on nothing else), until FG's side alone costs more than the best plan.
fn brute_force(case: &Tiny) -> Option<f64> {
    let periods = case.periods;
    let need: f64 = case.fg.demand.iter().sum();
    let bound = need + slack(&case.routes.iter().map(|r| &r.terms).collect::<Vec<_>>());
    let mut choices = Vec::new();
    for route in &case.routes {
        for t in 0..periods {
            choices.push(lot_choices(&route.terms, None, t, periods, bound));
        }
    }
    let group = vec![0; choices.len()];
    let mut fg_plans: Vec<(f64, Vec<f64>)> = Vec::new();
    enumerate(&choices, &group, &mut [bound], &mut Vec::new(), &mut |_| false, &mut |values| {
        let lots: Vec<Vec<f64>> = values.chunks(periods).map(|c| c.to_vec()).collect();
        if let Some(plan) = fg_side(case, &lots) {
            fg_plans.push(plan);
        }
    });
    fg_plans.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Per FG starts: the cheapest bought side (exact), or the cutoff below which there is none.
    let mut memo: HashMap<Vec<u64>, Result<f64, f64>> = HashMap::new();
    let mut best: Option<f64> = None;
    for (fg_cost, starts) in fg_plans {
        let cutoff = best.map_or(f64::INFINITY, |b| b - fg_cost);
        if cutoff <= 0.0 {
            break; // the bought side costs >= 0, and FG plans come cheapest first
        }
        let key: Vec<u64> = starts.iter().map(|&s| s as u64).collect();
        let buy = match memo.get(&key) {
            Some(&Ok(exact)) => Some(exact),
            Some(&Err(none_below)) if none_below >= cutoff => None,
            _ => {
                let buy = cheapest_buy_side(case, &starts, cutoff);
                memo.insert(key, buy.ok_or(cutoff));
                buy
            }
        };
        if let Some(buy) = buy {
            // A memoised value may come from a looser cutoff: keep the minimum.
            best = Some(best.map_or(fg_cost + buy, |b| b.min(fg_cost + buy)));
        }
    }
    best
}

/// The evaluator's cost of the planner's lots (read through its options), for failure messages.
fn evaluate_planner_lots(case: &Tiny, outcome: &flexplan::plan::PlanOutcome) -> String {
    let Some(solution) = &outcome.solution else {
        return "no plan".into();
    };
    let periods = case.periods;
    let mut fg = vec![vec![0.0; periods]; 2];
    let mut buys: Vec<Vec<Vec<f64>>> = case.buys.iter().map(|b| vec![vec![0.0; periods]; b.sources.len()]).collect();
    for o in 0..outcome.options.len() {
        let option = outcome.options.get(o);
        let row = solution.lots.row(o).to_vec();
        if option.item == 0 {
            let r = option.route().expect("FG's options are its named routes");
            fg[r] = row;
        } else {
            let b = option.item - 1;
            let v = option.supplier().expect("bought items have sources");
            let s = case.buys[b].sources.iter().position(|s| s.supplier == v).expect("a source of the item");
            buys[b][s] = row;
        }
    }
    let cost = fg_side(case, &fg).and_then(|(c, starts)| buy_side(case, &buys, &starts).map(|b| c + b));
    format!("planner's lots FG {fg:?}, bought {buys:?}; evaluator's cost of them {cost:?}")
}

/// Plans `case` exactly and compares with the brute force; the plan written must pass
/// `validate`, and an infeasible one must write nothing.
/// Returns the brute force's optimum and its seconds.
fn check_case(name: &str, case: &Tiny) -> (Option<f64>, f64) {
    let input = case.to_input();
    let started = Instant::now();
    let expected = brute_force(case);
    let brute_seconds = started.elapsed().as_secs_f64();
    let bom = BomGraph::new(&input).expect("acyclic");
    let options = exact();
    let outcome = plan(&input, &bom, &options).expect("plan runs");
    let details = || format!("{name}: {case:?}\n{}", evaluate_planner_lots(case, &outcome));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("plan");
    let (_, written) = write_outcome(&input, &outcome, &options, &out, TableFormat::Csv).expect("write_outcome");
    match expected {
        None => {
            assert_eq!(outcome.status, SolveStatus::Infeasible, "brute force finds no plan; {}", details());
            assert!(!written && !out.exists(), "{name}: an infeasible plan was written");
        }
        Some(want) => {
            assert_eq!(outcome.status, SolveStatus::Optimal, "brute force optimum {want}; {}", details());
            let got = outcome.costs.as_ref().expect("costs").total();
            assert!(
                (got - want).abs() <= 1e-6 * want.abs().max(1.0),
                "planner {got}, brute force {want}; {}",
                details()
            );
            assert!(written, "{name}: the optimal plan was not written");
            let report = flexplan::validate::validate_plan(&input, &out).expect("validate_plan");
            assert!(report.is_ok(), "{name}: {}", report.to_text());
        }
    }
    (expected, brute_seconds)
}

// ---------------------------------------------------------------------------------------------
// the cases

fn terms(unit_cost: f64, lead_time: usize, min_lot: f64, order_cost: f64) -> Terms {
    Terms { unit_cost, lead_time, min_lot, max_lot: None, multiple: None, order_cost }
}

/// Seeds of the default run.
const DEFAULT_TINY_CASES: u64 = 30;

/// A random tiny case of `seed`: 2-3 periods, small integer demands.
fn random_case(seed: u64) -> Tiny {
    let mut rng = Rng(seed);
    let periods = if rng.chance(60) { 3 } else { 2 };
    let top = if periods == 3 { 3 } else { 4 };
    let mut demand: Vec<f64> = (0..periods).map(|_| rng.between(0, top)).collect();
    if demand.iter().sum::<f64>() == 0.0 {
        demand[periods - 1] = 2.0;
    }
    let fg = Stock {
        demand,
        holding: rng.between(1, 4) / 2.0,
        backlog: if rng.chance(80) { Some(rng.between(2, 8)) } else { None },
        unmet: if rng.chance(50) { rng.between(5, 40) } else { 0.0 },
        initial: if rng.chance(30) { rng.between(0, 2) } else { 0.0 },
    };
    let capacity = |rng: &mut Rng| (0..periods).map(|_| rng.between(1, 6)).collect::<Vec<f64>>();
    let line_overtime = rng.chance(30);
    let resources = vec![
        TinyResource {
            id: "LINE",
            capacity: capacity(&mut rng),
            overtime_max: if line_overtime { rng.between(1, 2) } else { 0.0 },
            overtime_cost: if line_overtime { rng.between(1, 3) } else { 0.0 },
        },
        TinyResource { id: "PARTNER", capacity: capacity(&mut rng), overtime_max: 0.0, overtime_cost: 0.0 },
    ];
    let mut own_terms = terms(rng.between(0, 2), 0, 0.0, rng.between(0, 10));
    if rng.chance(30) {
        own_terms.min_lot = rng.between(2, 3);
    }
    if rng.chance(20) {
        own_terms.max_lot = Some(rng.between(3, 5));
    }
    if rng.chance(15) {
        own_terms.multiple = Some(2.0);
    }
    let own = TinyRoute {
        id: "OWN",
        terms: own_terms,
        resource: LINE,
        setup_time: rng.between(0, 1),
        setup_cost: rng.between(0, 10),
        family: rng.chance(60),
    };
    let alt = if rng.chance(60) {
        // The partner factory: dearer, maybe a period away, a minimum order.
        let mut t = terms(rng.between(2, 5), rng.below(2) as usize, 0.0, rng.between(0, 8));
        if rng.chance(40) {
            t.min_lot = rng.between(2, 3);
        }
        TinyRoute { id: "PARTNER", terms: t, resource: PARTNER, setup_time: 0.0, setup_cost: 0.0, family: false }
    } else {
        // A second way through the line: other setups and price, maybe a period longer.
        let t = terms(rng.between(0, 3), rng.below(2) as usize, 0.0, rng.between(0, 5));
        TinyRoute {
            id: "ALT",
            terms: t,
            resource: LINE,
            setup_time: rng.between(0, 2),
            setup_cost: rng.between(0, 10),
            family: rng.chance(50),
        }
    };
    let family = (rng.between(0, 1), rng.between(2, 15));
    let component = rng.chance(70);
    let rm_stock = if component {
        Stock { demand: vec![0.0; periods], holding: 0.5, backlog: None, unmet: 0.0, initial: rng.between(0, 4) }
    } else {
        Stock {
            demand: (0..periods).map(|_| rng.between(0, 3)).collect(),
            holding: 1.0,
            backlog: if rng.chance(80) { Some(rng.between(2, 6)) } else { None },
            unmet: if rng.chance(50) { rng.between(5, 30) } else { 0.0 },
            initial: rng.between(0, 2),
        }
    };
    let fast = TinySource {
        supplier: 0,
        terms: terms(rng.between(1, 2), 0, 0.0, rng.between(0, 3)),
        max_per_period: if rng.chance(40) { Some(rng.between(2, 4)) } else { None },
    };
    let mut cheap_terms = terms(rng.between(0, 1), rng.below(2) as usize, rng.between(3, 5), rng.between(0, 5));
    if rng.chance(20) {
        cheap_terms.multiple = Some(2.0);
        cheap_terms.min_lot = 4.0;
    }
    let cheap = TinySource { supplier: 1, terms: cheap_terms, max_per_period: None };
    let mut buys = vec![TinyBuy { id: "RM", stock: rm_stock, component, sources: vec![fast, cheap] }];
    if rng.chance(40) {
        // RM2 from FAST only: its shipments can share RM's (one joint order cost for both).
        let stock = Stock {
            demand: (0..periods).map(|_| rng.between(0, 2)).collect(),
            holding: rng.between(1, 2),
            backlog: Some(rng.between(1, 6)),
            unmet: rng.between(0, 20),
            initial: 0.0,
        };
        let source = TinySource { supplier: 0, terms: terms(rng.between(0, 2), 0, 0.0, 0.0), max_per_period: None };
        buys.push(TinyBuy { id: "RM2", stock, component: false, sources: vec![source] });
    }
    Tiny {
        periods,
        fg,
        routes: [own, alt],
        resources,
        family,
        buys,
        suppliers: vec![("FAST", rng.between(5, 20)), ("CHEAP", 0.0)],
    }
}

/// Seeded random tiny cases against the brute force: 30 (some infeasible, which the planner
/// must call infeasible), or `FLEXPLAN_BRUTE_CASES` for a longer hunt
/// (`FLEXPLAN_BRUTE_CASES=1000 cargo test --test it tiny_flexible -- --nocapture`: about two
/// minutes, 0 mismatches when written).
#[test]
fn tiny_flexible_plans_match_brute_force() {
    let cases = std::env::var("FLEXPLAN_BRUTE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_TINY_CASES);
    let (mut feasible, mut slowest) = (0, 0.0f64);
    for seed in 0..cases {
        let case = random_case(0xB207_E000 + seed);
        let (optimum, seconds) = check_case(&format!("seed {seed}"), &case);
        feasible += usize::from(optimum.is_some());
        slowest = slowest.max(seconds);
    }
    eprintln!("{cases} tiny cases, {feasible} feasible; slowest brute force {slowest:.2} s");
    assert!(feasible as u64 * 2 >= cases, "only {feasible} of {cases} tiny cases are feasible");
    if cases == DEFAULT_TINY_CASES {
        assert!((feasible as u64) < cases, "the default seeds should include an infeasible case");
    }
}

/// Hand-picked: three weeks, FG due 4 in week 2 and 5 in week 3. The own line makes 3 a week
/// (setup 1 h, in family FAM with a major setup of 1 h and 6); the partner factory is dearer,
/// takes a week and makes at least 3; RM, one per FG, comes from FAST (a shipment costs 8) or
/// CHEAP (half the price, a week away, at least 4). Every spec term but safety stock is in play.
#[test]
fn hand_picked_route_partner_and_two_suppliers() {
    let case = Tiny {
        periods: 3,
        fg: Stock { demand: vec![0.0, 4.0, 5.0], holding: 1.0, backlog: Some(6.0), unmet: 20.0, initial: 0.0 },
        routes: [
            TinyRoute {
                id: "OWN",
                terms: terms(1.0, 0, 0.0, 2.0),
                resource: LINE,
                setup_time: 1.0,
                setup_cost: 3.0,
                family: true,
            },
            TinyRoute {
                id: "PARTNER",
                terms: terms(3.0, 1, 3.0, 4.0),
                resource: PARTNER,
                setup_time: 0.0,
                setup_cost: 0.0,
                family: false,
            },
        ],
        resources: vec![
            TinyResource { id: "LINE", capacity: vec![5.0, 5.0, 5.0], overtime_max: 1.0, overtime_cost: 2.0 },
            TinyResource { id: "PARTNER", capacity: vec![6.0, 6.0, 6.0], overtime_max: 0.0, overtime_cost: 0.0 },
        ],
        family: (1.0, 6.0),
        buys: vec![TinyBuy {
            id: "RM",
            stock: Stock { demand: vec![0.0; 3], holding: 0.5, backlog: None, unmet: 0.0, initial: 2.0 },
            component: true,
            sources: vec![
                TinySource { supplier: 0, terms: terms(2.0, 0, 0.0, 1.0), max_per_period: Some(4.0) },
                TinySource { supplier: 1, terms: terms(1.0, 1, 4.0, 0.0), max_per_period: None },
            ],
        }],
        suppliers: vec![("FAST", 8.0), ("CHEAP", 0.0)],
    };
    let (optimum, _) = check_case("hand-picked 1", &case);
    assert!(optimum.is_some(), "hand-picked 1 is feasible");
}

/// Hand-picked: two weeks, two bought end items sharing FAST's shipment cost (RM from FAST or
/// CHEAP, RM2 from FAST only), so the joint order cost couples two items; FG's two routes share
/// the line (ALT a week longer, both in FAM), and FG may not ship late.
#[test]
fn hand_picked_shared_shipment_and_shared_line() {
    let case = Tiny {
        periods: 2,
        fg: Stock { demand: vec![2.0, 4.0], holding: 1.0, backlog: None, unmet: 0.0, initial: 1.0 },
        routes: [
            TinyRoute {
                id: "OWN",
                terms: terms(2.0, 0, 0.0, 1.0),
                resource: LINE,
                setup_time: 1.0,
                setup_cost: 2.0,
                family: true,
            },
            TinyRoute {
                id: "ALT",
                terms: Terms { multiple: Some(2.0), ..terms(1.0, 1, 0.0, 0.0) },
                resource: LINE,
                setup_time: 0.0,
                setup_cost: 1.0,
                family: true,
            },
        ],
        resources: vec![
            TinyResource { id: "LINE", capacity: vec![6.0, 4.0], overtime_max: 0.0, overtime_cost: 0.0 },
            TinyResource { id: "PARTNER", capacity: vec![0.0, 0.0], overtime_max: 0.0, overtime_cost: 0.0 },
        ],
        family: (1.0, 5.0),
        buys: vec![
            TinyBuy {
                id: "RM",
                stock: Stock { demand: vec![1.0, 3.0], holding: 1.0, backlog: Some(4.0), unmet: 10.0, initial: 0.0 },
                component: false,
                sources: vec![
                    TinySource { supplier: 0, terms: terms(2.0, 0, 0.0, 0.0), max_per_period: Some(3.0) },
                    TinySource { supplier: 1, terms: terms(1.0, 0, 4.0, 3.0), max_per_period: None },
                ],
            },
            TinyBuy {
                id: "RM2",
                stock: Stock { demand: vec![2.0, 2.0], holding: 2.0, backlog: Some(3.0), unmet: 0.0, initial: 0.0 },
                component: false,
                sources: vec![TinySource { supplier: 0, terms: terms(1.0, 0, 0.0, 0.0), max_per_period: None }],
            },
        ],
        suppliers: vec![("FAST", 7.0), ("CHEAP", 0.0)],
    };
    let (optimum, _) = check_case("hand-picked 2", &case);
    assert!(optimum.is_some(), "hand-picked 2 is feasible");
}
