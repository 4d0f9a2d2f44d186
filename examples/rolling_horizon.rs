//! Rolling-horizon simulation of nightly replanning (issue 20; spec section 1.6).
//!
//! A generated factory (version 1, daily buckets) receives its orders day by day: each order is
//! placed some days before it is due ([`flexplan::generate::order_creation_dates`]). Every
//! night flexplan plans the next `--window` days with the orders placed by then, tonight's
//! stock and the lots still in progress as receipts, against last night's plan with the
//! setting's frozen fence and change cost. The next day executes the plan's first day: its
//! lots start (their units cost, their components are consumed, they arrive after the lead
//! time) and its shipments go to the open orders, earliest due first. Repeated for `--days`.
//!
//! Per setting it reports the realised cost of the executed days (units, orders, setups,
//! overtime, holding and backlog), the on-time rate of the orders due in the simulated days,
//! and the nervousness: units changed since last night over units planned, summed over the
//! nights. The settings run in parallel on rayon, each solve on one HiGHS thread with a node
//! limit, so the table is the same on every run.
//!
//! ```text
//! cargo run --example rolling_horizon -- [--days 182] [--window 14] [--items 8] [--orders 3000] [--seed 1]
//! ```

use chrono::NaiveDate;
use flexplan::generate::{generate, order_creation_dates, GenerateSpec};
use flexplan::input::bom::BomGraph;
use flexplan::input::{Bucket, Horizon, Order, PlanInput, PreviousLot, Receipt, Replan};
use flexplan::plan::{plan, SolveOptions};
use rayon::prelude::*;
use std::time::Instant;

/// One replanning setting of the grid.
#[derive(Debug, Clone, Copy)]
struct Setting {
    frozen: usize,
    change_cost: f64,
}

/// What one setting realised over the simulated days.
#[derive(Debug, Default)]
struct Realised {
    cost: f64,
    orders_due: usize,
    on_time: usize,
    units_changed: f64,
    units_planned: f64,
    nights_without_plan: usize,
    seconds: f64,
}

/// The simulation's inputs: the factory and when each order was placed.
struct Factory {
    plan: PlanInput,
    created: Vec<NaiveDate>,
    days: usize,
    window: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: usize| -> usize {
        args.iter()
            .position(|a| a == name)
            .and_then(|k| args.get(k + 1))
            .map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{name} {v}: not a whole number")))
    };
    let (days, window) = (arg("--days", 182), arg("--window", 14));
    let spec = GenerateSpec {
        seed: arg("--seed", 1) as u64,
        items: arg("--items", 8),
        orders: arg("--orders", 3000),
        periods: days + window,
        bucket: Bucket::Day,
        ..GenerateSpec::default()
    };
    let mut factory_plan = generate(&spec).expect("a generated factory");
    // Every end item may ship late at its backlog cost (a night whose known orders cannot all
    // be met on time still gets a plan); the generator prices it where it sets one.
    for item in &mut factory_plan.items {
        if item.backlog_cost.is_none() {
            item.backlog_cost = Some(10.0 * item.unit_cost.max(1.0));
        }
    }
    let created = order_creation_dates(&spec, &factory_plan);
    let factory = Factory { plan: factory_plan, created, days, window };
    let settings: Vec<Setting> = [0usize, 2, 7]
        .iter()
        .flat_map(|&frozen| [0.0, 1.0, 5.0].map(|change_cost| Setting { frozen, change_cost }))
        .collect();
    println!(
        "{} items, {} orders placed 0-{} days ahead, {days} nights, {window}-day plans, seed {}",
        factory.plan.items.len(),
        factory.plan.orders.len(),
        flexplan::generate::MAX_ORDER_NOTICE_DAYS,
        spec.seed
    );
    let started = Instant::now();
    let results: Vec<(Setting, Realised)> =
        settings.par_iter().map(|&setting| (setting, simulate(&factory, setting))).collect();
    println!();
    println!("| frozen days | change cost | realised cost | on time | nervousness | nights without a plan | seconds |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (setting, r) in &results {
        println!(
            "| {} | {} | {} | {:.1} % | {:.1} % | {} | {:.0} |",
            setting.frozen,
            setting.change_cost,
            flexplan::internals::thousands(r.cost, 0),
            100.0 * r.on_time as f64 / r.orders_due.max(1) as f64,
            100.0 * r.units_changed / r.units_planned.max(1e-9),
            r.nights_without_plan,
            r.seconds
        );
    }
    println!("\n{:.0} s in all", started.elapsed().as_secs_f64());
}

/// Runs the nights of `factory` with `setting`.
fn simulate(factory: &Factory, setting: Setting) -> Realised {
    let started = Instant::now();
    let base = &factory.plan;
    let first_day = base.horizon.start;
    let mut on_hand: Vec<f64> = base.items.iter().map(|item| item.initial_inventory).collect();
    // Lots and receipts on their way: (item, arrival day, quantity).
    let mut in_progress: Vec<(usize, NaiveDate, f64)> =
        base.receipts.iter().filter_map(|r| Some((r.item, base.horizon.period_start(r.period)?, r.quantity))).collect();
    let mut open: Vec<f64> = base.orders.iter().map(|order| order.quantity).collect();
    let mut shipped_on: Vec<Option<NaiveDate>> = vec![None; base.orders.len()];
    let mut previous: Option<Vec<PreviousLot>> = None;
    let mut realised = Realised::default();
    let options = SolveOptions { mip_gap: 0.01, threads: 1, node_limit: Some(500), ..SolveOptions::default() };
    for day in 0..factory.days {
        let today = first_day + chrono::Days::new(day as u64);
        // What arrives this morning.
        in_progress.retain(|&(item, arrival, quantity)| {
            if arrival <= today {
                on_hand[item] += quantity;
            }
            arrival > today
        });
        let tonight = night_input(factory, today, day, &on_hand, &in_progress, &open, previous.take(), setting);
        let known: Vec<usize> =
            (0..base.orders.len()).filter(|&k| factory.created[k] <= today && open[k] > 1e-9).collect();
        let bom = BomGraph::new(&tonight.input).expect("acyclic");
        let outcome = plan(&tonight.input, &bom, &options).expect("a solve");
        let Some(solution) = outcome.solution.as_ref() else {
            realised.nights_without_plan += 1;
            end_of_day(base, today, &on_hand, &open, &mut realised);
            continue;
        };
        if let Some(summary) = flexplan::output::replan_summary(&tonight.input, &outcome.options, &solution.lots) {
            realised.units_changed += summary.units_changed;
        }
        realised.units_planned += solution.lots.cells().iter().sum::<f64>();
        // The first day of the plan is executed: its lots start...
        for o in 0..outcome.options.len() {
            let quantity = solution.lots[(o, 0)];
            if quantity <= 0.0 {
                continue;
            }
            let option = outcome.options.get(o);
            let setups: f64 = option.routings().iter().map(|&row| base.routings[row].setup_cost).sum();
            realised.cost += option.unit_cost * quantity + option.order_cost + setups;
            if option.is_made() {
                for edge in base.bom.iter().filter(|e| e.parent == option.item) {
                    on_hand[edge.component] = (on_hand[edge.component] - edge.quantity * quantity).max(0.0);
                }
            }
            let arrival = today + chrono::Days::new(option.lead_time as u64);
            if arrival <= today {
                on_hand[option.item] += quantity;
            } else {
                in_progress.push((option.item, arrival, quantity));
            }
        }
        for (r, resource) in base.resources.iter().enumerate() {
            realised.cost += resource.overtime_cost * solution.overtime[(r, 0)];
        }
        // ... and its shipments go to the open orders placed by now, earliest due first.
        for (i, stock) in on_hand.iter_mut().enumerate() {
            let mut left = solution.shipped[(i, 0)].min(*stock);
            *stock -= left;
            let mut orders: Vec<usize> = known.iter().copied().filter(|&k| base.orders[k].item == i).collect();
            orders.sort_by_key(|&k| (base.orders[k].due_date, k));
            for k in orders {
                let sent = left.min(open[k]);
                open[k] -= sent;
                left -= sent;
                if open[k] <= 1e-9 && shipped_on[k].is_none() {
                    shipped_on[k] = Some(today);
                }
            }
            *stock += left; // shipped beyond the open orders: back to stock
        }
        end_of_day(base, today, &on_hand, &open, &mut realised);
        previous = Some(tonight.lots_as_previous(&outcome, solution));
    }
    let last_day = first_day + chrono::Days::new(factory.days as u64);
    for (k, order) in base.orders.iter().enumerate() {
        if order.due_date >= first_day && order.due_date < last_day {
            realised.orders_due += 1;
            if shipped_on[k].is_some_and(|day| day <= order.due_date) {
                realised.on_time += 1;
            }
        }
    }
    realised.seconds = started.elapsed().as_secs_f64();
    realised
}

/// Holding cost of the stock and backlog cost of the orders due by today and still open.
fn end_of_day(base: &PlanInput, today: NaiveDate, on_hand: &[f64], open: &[f64], realised: &mut Realised) {
    for (i, item) in base.items.iter().enumerate() {
        realised.cost += item.holding_cost * on_hand[i];
    }
    for (k, order) in base.orders.iter().enumerate() {
        if order.due_date <= today && open[k] > 1e-9 {
            realised.cost += base.items[order.item].backlog_cost.unwrap_or(0.0) * open[k];
        }
    }
}

/// Tonight's plan directory, in memory.
struct Night {
    input: PlanInput,
}

impl Night {
    /// The lots of `outcome` as tomorrow night's previous plan.
    fn lots_as_previous(
        &self,
        outcome: &flexplan::plan::PlanOutcome,
        solution: &flexplan::plan::PlanSolution,
    ) -> Vec<PreviousLot> {
        let mut rows = Vec::new();
        for o in 0..outcome.options.len() {
            for t in 0..solution.lots.periods() {
                let quantity = solution.lots[(o, t)];
                if quantity > 0.0 {
                    let (route, supplier) = outcome.options.way_ids(&self.input, o);
                    rows.push(PreviousLot {
                        row: rows.len() + 2,
                        item: self.input.items[outcome.options.get(o).item].id.clone(),
                        route: route.to_string(),
                        supplier: supplier.to_string(),
                        start_date: self.input.horizon.period_start(t).expect("a date"),
                        quantity,
                    });
                }
            }
        }
        rows
    }
}

/// The plan directory of the night before `today` (day `day` of the simulation): the factory
/// over the next `window` days with tonight's stock, the lots in progress as receipts, the
/// open orders placed by now, and last night's lots as the previous plan.
#[allow(clippy::too_many_arguments)]
fn night_input(
    factory: &Factory,
    today: NaiveDate,
    day: usize,
    on_hand: &[f64],
    in_progress: &[(usize, NaiveDate, f64)],
    open: &[f64],
    previous: Option<Vec<PreviousLot>>,
    setting: Setting,
) -> Night {
    let base = &factory.plan;
    let window = factory.window;
    let horizon = Horizon { start: today, bucket: Bucket::Day, periods: window };
    let mut items = base.items.clone();
    for (item, &stock) in items.iter_mut().zip(on_hand) {
        item.initial_inventory = stock;
    }
    let mut resources = base.resources.clone();
    for resource in &mut resources {
        let last = resource.capacity.last().copied().unwrap_or(0.0);
        resource.capacity = (day..day + window).map(|t| resource.capacity.get(t).copied().unwrap_or(last)).collect();
    }
    let receipts = in_progress
        .iter()
        .filter_map(|&(item, arrival, quantity)| {
            let period = usize::try_from((arrival - today).num_days()).ok().filter(|&p| p < window)?;
            Some(Receipt { item, period, quantity })
        })
        .collect();
    let orders = base
        .orders
        .iter()
        .enumerate()
        .filter(|&(k, _)| factory.created[k] <= today && open[k] > 1e-9)
        .map(|(k, order)| Order { quantity: open[k], ..order.clone() })
        .collect();
    let replan = previous.map(|lots| Replan {
        previous: "last night".into(),
        frozen_periods: setting.frozen.min(window),
        change_cost: setting.change_cost,
        new_lot_cost: 0.0,
        lots,
    });
    Night {
        input: PlanInput {
            items,
            bom: base.bom.clone(),
            resources,
            routings: base.routings.clone(),
            receipts,
            orders,
            replan,
            ..PlanInput::new(horizon)
        },
    }
}
