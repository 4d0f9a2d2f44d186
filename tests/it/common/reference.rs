//! A deliberately simple reference model of `planning-model.md` section 2 (version 2, without
//! configurable products and replanning, which the planner does not plan yet), for
//! differential tests of the planner.
//!
//! It is built straight from the [`PlanInput`] with good_lp and none of the planner's modules
//! (`demand`, `bom`, `model`, `plan`, nor `input::options`): the demand `D[i,t]` is recomputed
//! here from the orders and the forecast by the spec's period rule, the options of every item
//! (its routes and suppliers, each with its own values) are derived here from the tables
//! ([`reference_options`]), every variable of the spec exists (no pruning, no substitution),
//! and the setup big-M is a plain, generous bound (see [`lot_bounds`] and
//! [`option_lot_bounds`]). Periods are 0-based (`t = 0..T-1`), as in [`PlanInput`].
//!
//! A version-1 plan has one option per item with the item's own values, and the model built
//! for it is, variable for variable and row for row, the version-1 reference model (the same
//! bounds of [`lot_bounds`], nothing of version 2 added).

use flexplan::input::{ItemKind, LotTerms, PeriodOf, PlanInput};
use good_lp::solvers::highs::highs;
use good_lp::{
    variable, Constraint, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus, SolverModel,
    Variable,
};

/// An optimal plan of the reference model, as `[option][t]` for lots and setups (the options
/// of [`reference_options`]; for a version-1 plan option `o` is item `o`), `[item][t]` for
/// stock, shipments and backlog, `[resource][t]` for overtime.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceSolution {
    /// The objective of section 2.
    pub objective: f64,
    /// The options the lots and setups are of.
    pub options: Vec<RefOption>,
    /// Lots `x[o,t]` (0 where no lot may start).
    pub lots: Vec<Vec<f64>>,
    /// Setups `y[o,t]` (0 where the option has no setup binary).
    pub setups: Vec<Vec<f64>>,
    /// End inventory `I[i,t]`.
    pub inventory: Vec<Vec<f64>>,
    /// Shipments `F[i,t]`.
    pub shipped: Vec<Vec<f64>>,
    /// Backlog `B[i,t]`.
    pub backlog: Vec<Vec<f64>>,
    /// Overtime `O[r,t]`.
    pub overtime: Vec<Vec<f64>>,
    /// Family setups `z[f,t]`, per row of [`PlanInput::families`].
    pub family_setups: Vec<Vec<f64>>,
    /// Joint orders `w[v,t]`, per supplier of [`PlanInput::suppliers`] (0 for a supplier
    /// without a joint order cost, which has no `w`).
    pub joint_orders: Vec<Vec<f64>>,
}

/// One option `o` of an item (spec section 2), with its values as the spec defines them: a
/// route's from its `routes.csv` row, a source's from its `sources.csv` row, each value left
/// empty there taken from the item.
#[derive(Debug, Clone, PartialEq)]
pub struct RefOption {
    /// The item it replenishes.
    pub item: usize,
    /// The named route (an index into [`PlanInput::routes`]); `None` for a supplier or an
    /// unnamed route.
    pub route: Option<usize>,
    /// The supplier (an index into [`PlanInput::suppliers`]); `None` for a route or the
    /// unnamed supplier of a buy item without sources.
    pub supplier: Option<usize>,
    /// Whether the option makes the item (a route: its lots consume the components).
    pub made: bool,
    /// The routing rows every lot of a route uses (indices into [`PlanInput::routings`]).
    pub rows: Vec<usize>,
    /// `c_o`.
    pub unit_cost: f64,
    /// `L_o`.
    pub lead_time: usize,
    /// `min_o`.
    pub min_lot: f64,
    /// `max_o`.
    pub max_lot: Option<f64>,
    /// `mult_o`.
    pub lot_multiple: Option<f64>,
    /// `oc_o`.
    pub order_cost: f64,
    /// `cap_o` (`max_per_period`).
    pub max_per_period: Option<f64>,
}

/// The options of every item, item by item (spec sections 1.2, 1.3 and 2):
///
/// * a make item has one route per distinct `Routing::route` of its routing rows (in the
///   order of each route's first row), each using exactly its rows, or, when its rows name no
///   route, one unnamed route with all of them (none when it has no rows: a route on no
///   resource); then one supplier option per `sources.csv` row of the item ("make or buy");
/// * a buy item with sources has one option per source, in `sources.csv` order; without, one
///   unnamed supplier with the item's own values.
pub fn reference_options(input: &PlanInput) -> Vec<RefOption> {
    let mut options = Vec::new();
    for (i, item) in input.items.iter().enumerate() {
        let option = |route, supplier, rows, terms: &LotTerms, max_per_period| RefOption {
            item: i,
            route,
            supplier,
            made: item.kind == ItemKind::Make && supplier.is_none(),
            rows,
            unit_cost: terms.unit_cost.unwrap_or(item.unit_cost),
            lead_time: terms.lead_time.unwrap_or(item.lead_time),
            min_lot: terms.min_lot.unwrap_or(item.min_lot),
            max_lot: terms.max_lot.or(item.max_lot),
            lot_multiple: terms.lot_multiple.or(item.lot_multiple),
            order_cost: terms.order_cost.unwrap_or(item.order_cost),
            max_per_period,
        };
        let sources: Vec<_> = input.sources.iter().filter(|s| s.item == i).collect();
        match item.kind {
            ItemKind::Make => {
                // Routes in the order of their first row; `None` is the unnamed route.
                let mut routes: Vec<(Option<usize>, Vec<usize>)> = Vec::new();
                for (row, routing) in input.routings.iter().enumerate().filter(|(_, r)| r.item == i) {
                    match routes.iter_mut().find(|(route, _)| *route == routing.route) {
                        Some((_, rows)) => rows.push(row),
                        None => routes.push((routing.route, vec![row])),
                    }
                }
                if routes.is_empty() {
                    routes.push((None, Vec::new()));
                }
                for (route, rows) in routes {
                    let terms = route.map_or(LotTerms::default(), |r| input.routes[r].terms);
                    options.push(option(route, None, rows, &terms, None));
                }
            }
            ItemKind::Buy if sources.is_empty() => {
                options.push(option(None, None, Vec::new(), &LotTerms::default(), None));
            }
            ItemKind::Buy => {}
        }
        for source in sources {
            options.push(option(None, Some(source.supplier), Vec::new(), &source.terms, source.max_per_period));
        }
    }
    options
}

/// True for a plan that uses nothing of version 2: no routes, sources, suppliers or families
/// and no `unmet_cost` (then every item has one option with its own values).
pub fn is_version_1(input: &PlanInput) -> bool {
    input.routes.is_empty()
        && input.sources.is_empty()
        && input.suppliers.is_empty()
        && input.families.is_empty()
        && input.routings.iter().all(|r| r.route.is_none() && r.family.is_none())
        && input.items.iter().all(|item| item.unmet_cost == 0.0)
}

/// `D[i][t]`: per item and period, the orders due then (past-due orders in period 1, those
/// due on or after the end of the horizon left out), or the forecast where that is larger.
pub fn reference_demand(input: &PlanInput) -> Vec<Vec<f64>> {
    let n_periods = input.n_periods();
    let mut demand = vec![vec![0.0; n_periods]; input.items.len()];
    for order in &input.orders {
        let t = match input.horizon.locate(order.due_date) {
            PeriodOf::PastDue => 0,
            PeriodOf::InHorizon(t) => t,
            PeriodOf::BeyondHorizon => continue,
        };
        demand[order.item][t] += order.quantity;
    }
    for entry in &input.forecast {
        let cell = &mut demand[entry.item][entry.period];
        *cell = cell.max(entry.quantity);
    }
    demand
}

/// Whether item `i` needs the setup binary `y` (spec section 2): a setup time or cost on a
/// routing, an order cost or a minimum lot.
pub fn needs_setup(input: &PlanInput, i: usize) -> bool {
    let item = &input.items[i];
    item.order_cost > 0.0
        || item.min_lot > 0.0
        || input.routings.iter().any(|r| r.item == i && (r.setup_time > 0.0 || r.setup_cost > 0.0))
}

/// Whether option `o` needs the setup binary `y[o,t]` (spec section 2): a setup time or cost
/// on one of its routing rows, an order cost or a minimum lot. (Family setups and joint
/// orders have binaries of their own.)
pub fn option_needs_setup(input: &PlanInput, o: &RefOption) -> bool {
    o.order_cost > 0.0
        || input.replan.as_ref().is_some_and(|replan| replan.new_lot_cost > 0.0)
        || o.min_lot > 0.0
        || o.rows.iter().any(|&row| input.routings[row].setup_time > 0.0 || input.routings[row].setup_cost > 0.0)
}

/// The big-M `M_i` of `x[i,t] <= M_i y[i,t]`, one per item, valid for every period:
///
/// `M_i = min(max_lot_i, min_r max_t (C[r,t] + Omax_r) / u[i,r], N_i)`, rounded up to a
/// multiple of `lot_multiple_i`, where the capacity term runs over the routings of `i` with
/// `u > 0` and `N_i` bounds the whole production of `i` over the horizon in some optimal plan:
///
/// * `X_i` (bottom-up, components first) is what converting all free component stock could
///   make: 0 without components, else `Σ_c (initial_inventory_c + Σ_t R[c,t] +
///   T max(min_lot_c, lot_multiple_c) + X_c) / a[c,i]`. Making more of `i` than it is needed
///   for can only pay by turning component stock into `i` (lower holding cost, or stock in
///   transit during the lead time, which costs nothing); the component stock that is not
///   itself needed is at most its initial inventory, its receipts, the rounding excess of its
///   own lots (one `max(min_lot, lot_multiple)` per period) and what it was converted from.
/// * `N_i` (top-down, parents first) `= Σ_t D[i,t] + safety_stock_i + T max(min_lot_i,
///   lot_multiple_i) + X_i + Σ_p a[i,p] N_p`: the external demand, the safety stock, one
///   rounding excess per period, the conversion above, and what the parents can consume.
///
/// Any production beyond `N_i` is not needed for demand, safety stock, lot rules, parents or a
/// profitable conversion, so with non-negative costs lowering it never raises the objective.
/// The bound is far from tight on purpose: it only has to be valid for every input.
pub fn lot_bounds(input: &PlanInput) -> Vec<f64> {
    let allowance: Vec<f64> =
        input.items.iter().map(|item| item.min_lot.max(item.lot_multiple.unwrap_or(0.0))).collect();
    let whole = production_bounds(input, &allowance);
    (0..input.items.len())
        .map(|i| {
            let item = &input.items[i];
            let mut m = whole[i];
            if let Some(max_lot) = item.max_lot {
                m = m.min(max_lot);
            }
            for routing in input.routings.iter().filter(|r| r.item == i && r.unit_time > 0.0) {
                let res = &input.resources[routing.resource];
                let most = res.capacity.iter().map(|c| c + res.overtime_max).fold(0.0, f64::max);
                m = m.min(most / routing.unit_time);
            }
            if let Some(mult) = item.lot_multiple {
                m = (m / mult).ceil() * mult;
            }
            m
        })
        .collect()
}

/// `N_i` for every item (see [`lot_bounds`]): a bound on its whole production in some optimal
/// plan, with `allowance[i]` the rounding excess its lots may carry per period.
fn production_bounds(input: &PlanInput, allowance: &[f64]) -> Vec<f64> {
    let n_items = input.items.len();
    let n_periods = input.n_periods() as f64;
    let demand = reference_demand(input);
    let mut receipts = vec![0.0; n_items];
    for r in &input.receipts {
        receipts[r.item] += r.quantity;
    }
    // X bottom-up, by memoised recursion over the edges (the BOM is acyclic).
    fn x_of(input: &PlanInput, i: usize, free: &[f64], memo: &mut [Option<f64>]) -> f64 {
        if let Some(v) = memo[i] {
            return v;
        }
        let mut total = 0.0;
        for edge in input.bom.iter().filter(|e| e.parent == i) {
            total += (free[edge.component] + x_of(input, edge.component, free, memo)) / edge.quantity;
        }
        memo[i] = Some(total);
        total
    }
    let free: Vec<f64> =
        (0..n_items).map(|c| input.items[c].initial_inventory + receipts[c] + n_periods * allowance[c]).collect();
    let mut x_memo = vec![None; n_items];
    let conversion: Vec<f64> = (0..n_items).map(|i| x_of(input, i, &free, &mut x_memo)).collect();
    // N top-down, by memoised recursion over the parents.
    fn n_of(input: &PlanInput, i: usize, own: &[f64], memo: &mut [Option<f64>]) -> f64 {
        if let Some(v) = memo[i] {
            return v;
        }
        let mut total = own[i];
        for edge in input.bom.iter().filter(|e| e.component == i) {
            total += edge.quantity * n_of(input, edge.parent, own, memo);
        }
        memo[i] = Some(total);
        total
    }
    let own: Vec<f64> = (0..n_items)
        .map(|i| demand[i].iter().sum::<f64>() + input.items[i].safety_stock + n_periods * allowance[i] + conversion[i])
        .collect();
    let mut n_memo = vec![None; n_items];
    (0..n_items).map(|i| n_of(input, i, &own, &mut n_memo)).collect()
}

/// The big-M `M_o` of `x[o,t] <= M_o y[o,t]` (and of the family and joint-order links), one
/// per option of [`reference_options`], for a plan that uses version 2: [`lot_bounds`]'s
/// argument, option by option.
///
/// `M_o = min(N_i, max_o, cap_o, min_r max_t (C[r,t] + Omax_r) / u[o,r])`, rounded up to a
/// multiple of `mult_o`, where the capacity term runs over the option's routing rows with
/// `u > 0`, and `N_i` bounds the whole production of its item `i` (all its options together)
/// in some optimal plan, as in [`lot_bounds`] with one change: the rounding excess allowed per
/// period is `Σ_{o of i} (min_o + mult_o)` (every option may start a lot each period, and a lot
/// forced up by a minimum and then to a multiple exceeds its need by less than `min_o +
/// mult_o`). Only made options consume components, so the conversion `X_i` runs through the
/// BOM edges as before (a bought lot converts nothing). Lowering a lot never needs another
/// setup, family setup or joint order, nor breaks `max_per_period`, so the argument of
/// [`lot_bounds`] stands.
pub fn option_lot_bounds(input: &PlanInput, options: &[RefOption]) -> Vec<f64> {
    let mut allowance = vec![0.0; input.items.len()];
    for o in options {
        allowance[o.item] += o.min_lot + o.lot_multiple.unwrap_or(0.0);
    }
    // Replanning: a previous lot may be kept beyond every use (frozen, or to save its change
    // cost), so an item's whole previous quantity counts like demand: spread over the `T`
    // periods of the allowance (which `production_bounds` multiplies by `T`).
    let n_periods = input.n_periods() as f64;
    for (o, row) in previous_quantities(input, options).iter().enumerate() {
        allowance[options[o].item] += row.iter().sum::<f64>() / n_periods;
    }
    let whole = production_bounds(input, &allowance);
    options
        .iter()
        .map(|o| {
            let mut m = whole[o.item];
            if let Some(max_lot) = o.max_lot {
                m = m.min(max_lot);
            }
            if let Some(cap) = o.max_per_period {
                m = m.min(cap);
            }
            for &row in &o.rows {
                let routing = &input.routings[row];
                if routing.unit_time > 0.0 {
                    let res = &input.resources[routing.resource];
                    let most = res.capacity.iter().map(|c| c + res.overtime_max).fold(0.0, f64::max);
                    m = m.min(most / routing.unit_time);
                }
            }
            if let Some(mult) = o.lot_multiple {
                m = (m / mult).ceil() * mult;
            }
            m
        })
        .collect()
}

/// The big-M of every option: [`lot_bounds`] for a version-1 plan (option `o` = item `o`),
/// else [`option_lot_bounds`].
pub fn option_bounds(input: &PlanInput, options: &[RefOption]) -> Vec<f64> {
    if is_version_1(input) && input.replan.is_none() {
        lot_bounds(input)
    } else {
        option_lot_bounds(input, options)
    }
}

/// `xp[o][t]` of replanning (spec section 1.6), from the previous plan's lot rows: each lot
/// in the period whose dates hold its start date, on the option its item, route and supplier
/// ids name; lots outside the horizon, of a way that no longer exists, or that could no
/// longer start in their period (`t + L_o > T - 1`) left out. All zero without replanning.
pub fn previous_quantities(input: &PlanInput, options: &[RefOption]) -> Vec<Vec<f64>> {
    let n_periods = input.n_periods();
    let mut xp = vec![vec![0.0; n_periods]; options.len()];
    let Some(replan) = &input.replan else { return xp };
    for lot in &replan.lots {
        let PeriodOf::InHorizon(t) = input.horizon.locate(lot.start_date) else { continue };
        let found = options.iter().position(|o| {
            let route = o.route.map_or("", |r| input.routes[r].id.as_str());
            let supplier = o.supplier.map_or("", |v| input.suppliers[v].id.as_str());
            input.items[o.item].id == lot.item && route == lot.route && supplier == lot.supplier
        });
        if let Some(o) = found.filter(|&o| t + options[o].lead_time < n_periods) {
            xp[o][t] += lot.quantity;
        }
    }
    xp
}

/// Solves the reference model: `Some` optimal plan, or `None` when the model is infeasible.
/// Panics on any other outcome (a limit, an unbounded model, a solver error).
///
/// HiGHS 1.16.0 has proved wrong optima on these tiny models both with presolve (its probing,
/// adversarial seed 2897: 1939.1865 with a needless setup, 1893.4265 without) and without it
/// (seed 19941: 2540.0563, while with presolve it finds 2482.0301, a plan the checker accepts).
/// A wrong optimum is always too dear (a cheaper plan was cut off), so the reference solves the
/// model both ways and keeps the cheaper plan. `FLEXPLAN_REFERENCE_PRESOLVE=on|off` solves it
/// only that way (to show one solve's answer).
pub fn solve_reference(input: &PlanInput) -> Option<ReferenceSolution> {
    let ways: Vec<String> = match std::env::var("FLEXPLAN_REFERENCE_PRESOLVE") {
        Ok(way) => vec![way],
        Err(_) => vec!["off".to_string(), "on".to_string()],
    };
    ways.iter().filter_map(|way| solve_reference_with(input, way)).min_by(|a, b| a.objective.total_cmp(&b.objective))
}

/// [`solve_reference`] with HiGHS's `presolve` option set to `presolve`.
///
/// Variables and rows are created item by item, option by option, in the order of the
/// version-1 reference model, and the version-2 parts (family setups, joint orders, their
/// links, `max_per_period`, the unmet cost) add nothing to a version-1 plan.
fn solve_reference_with(input: &PlanInput, presolve: &str) -> Option<ReferenceSolution> {
    let n_items = input.items.len();
    let n_periods = input.n_periods();
    let demand = reference_demand(input);
    let options = reference_options(input);
    let big_m = option_bounds(input, &options);
    let previous = previous_quantities(input, &options);
    let (frozen, change_cost, new_lot_cost) =
        input.replan.as_ref().map_or((0, 0.0, 0.0), |r| (r.frozen_periods, r.change_cost, r.new_lot_cost));
    let mut receipts = vec![vec![0.0; n_periods]; n_items];
    for r in &input.receipts {
        receipts[r.item][r.period] += r.quantity;
    }

    let mut vars = ProblemVariables::new();
    let mut constraints: Vec<Constraint> = Vec::new();
    let mut objective = Expression::from(0.0);
    let mut lot: Vec<Vec<Option<Variable>>> = vec![vec![None; n_periods]; options.len()];
    let mut setup: Vec<Vec<Option<Variable>>> = vec![vec![None; n_periods]; options.len()];
    let mut inventory = Vec::with_capacity(n_items);
    let mut shipped = Vec::with_capacity(n_items);
    let mut backlog = Vec::with_capacity(n_items);
    for (i, item) in input.items.iter().enumerate() {
        for (o, option) in options.iter().enumerate().filter(|(_, option)| option.item == i) {
            let setup_cost: f64 =
                option.order_cost + option.rows.iter().map(|&row| input.routings[row].setup_cost).sum::<f64>();
            // 5. x <= max_o and x <= cap_o, as the variable's upper bound.
            let upper = match (option.max_lot, option.max_per_period) {
                (Some(max_lot), Some(cap)) => Some(max_lot.min(cap)),
                (max_lot, cap) => max_lot.or(cap),
            };
            for t in 0..n_periods {
                if t + option.lead_time > n_periods - 1 {
                    continue; // the lot would arrive after the horizon
                }
                let x = match upper {
                    Some(upper) => vars.add(variable().min(0.0).max(upper)),
                    None => vars.add(variable().min(0.0)),
                };
                objective += option.unit_cost * x;
                lot[o][t] = Some(x);
                // 9. The frozen fence, and the change cost after it (spec section 1.6).
                let xp = previous[o][t];
                if t < frozen {
                    constraints.push(Expression::from(x).eq(xp));
                } else if input.replan.is_some() {
                    let d = vars.add(variable().min(0.0));
                    constraints.push((d - x).geq(-xp));
                    constraints.push((d + x).geq(xp));
                    objective += change_cost * d;
                }
                // 4. and 5. Setup: x <= M y, x >= min y.
                if option_needs_setup(input, option) {
                    let y = vars.add(variable().binary());
                    objective += setup_cost * y;
                    if t >= frozen && previous[o][t] == 0.0 {
                        objective += new_lot_cost * y;
                    }
                    constraints.push((x - big_m[o].max(previous[o][t]) * y).leq(0.0));
                    if option.min_lot > 0.0 {
                        constraints.push((x - option.min_lot * y).geq(0.0));
                    }
                    setup[o][t] = Some(y);
                }
                // 5. x = mult k.
                if let Some(mult) = option.lot_multiple {
                    let k = vars.add(variable().integer().min(0.0).max((big_m[o] / mult).round()));
                    constraints.push((x - mult * k).eq(0.0));
                }
            }
        }
        let fixed_backlog = item.backlog_cost.is_none();
        let inv: Vec<Variable> = (0..n_periods).map(|_| vars.add(variable().min(0.0))).collect();
        let ship: Vec<Variable> = (0..n_periods).map(|_| vars.add(variable().min(0.0))).collect();
        let back: Vec<Variable> = (0..n_periods)
            .map(|_| if fixed_backlog { vars.add(variable().min(0.0).max(0.0)) } else { vars.add(variable().min(0.0)) })
            .collect();
        for t in 0..n_periods {
            objective += item.holding_cost * inv[t];
            objective += item.backlog_cost.unwrap_or(0.0) * back[t];
            // 2. Backlog: B[t] = B[t-1] + D[t] - F[t].
            let mut row = Expression::from(back[t]) + ship[t];
            if t > 0 {
                row -= back[t - 1];
            }
            constraints.push(row.eq(demand[i][t]));
            // 6. Safety stock: I + S >= ss.
            if item.safety_stock > 0.0 {
                let s = vars.add(variable().min(0.0));
                objective += item.safety_stock_penalty * s;
                constraints.push((inv[t] + s).geq(item.safety_stock));
            }
        }
        // The unmet cost on the backlog at the end of period T.
        if item.unmet_cost > 0.0 {
            if let Some(&last) = back.last() {
                objective += item.unmet_cost * last;
            }
        }
        inventory.push(inv);
        shipped.push(ship);
        backlog.push(back);
    }
    // 1. Inventory balance: I[t] = I[t-1] + Σ_o x[o,t-L_o] + R[t] - Σ_p a Σ_{routes q of p} x[q,t] - F[t].
    for (i, item) in input.items.iter().enumerate() {
        for t in 0..n_periods {
            let mut row = Expression::from(inventory[i][t]) + shipped[i][t];
            let mut rhs = receipts[i][t];
            if t == 0 {
                rhs += item.initial_inventory;
            } else {
                row -= inventory[i][t - 1];
            }
            for (o, option) in options.iter().enumerate().filter(|(_, option)| option.item == i) {
                if t >= option.lead_time {
                    if let Some(x) = lot[o][t - option.lead_time] {
                        row -= x;
                    }
                }
            }
            for edge in input.bom.iter().filter(|e| e.component == i) {
                for (q, parent_option) in options.iter().enumerate() {
                    if parent_option.item != edge.parent || !parent_option.made {
                        continue; // a bought lot consumes no components
                    }
                    if let Some(x) = lot[q][t] {
                        row += edge.quantity * x;
                    }
                }
            }
            constraints.push(row.eq(rhs));
        }
    }
    // The option of each routing row.
    let option_of_row: Vec<usize> = {
        let mut of_row = vec![usize::MAX; input.routings.len()];
        for (o, option) in options.iter().enumerate() {
            for &row in &option.rows {
                of_row[row] = o;
            }
        }
        of_row
    };
    // Overtime 0 <= O <= Omax, then (7.) one family setup binary per family row and period
    // (a version-1 plan has none, so its variables keep the version-1 order).
    let mut overtime = Vec::with_capacity(input.resources.len());
    for res in &input.resources {
        let over: Vec<Variable> = (0..n_periods).map(|_| vars.add(variable().min(0.0).max(res.overtime_max))).collect();
        for &o_var in &over {
            objective += res.overtime_cost * o_var;
        }
        overtime.push(over);
    }
    let mut family_setup: Vec<Vec<Variable>> = Vec::with_capacity(input.families.len());
    for family in &input.families {
        let z: Vec<Variable> = (0..n_periods).map(|_| vars.add(variable().binary())).collect();
        for &zt in &z {
            objective += family.setup_cost * zt;
        }
        family_setup.push(z);
    }
    // 3. Capacity: Σ_(o,r) (u x + s y) + Σ_f ST[f] z[f] <= C + O.
    for (r, res) in input.resources.iter().enumerate() {
        for t in 0..n_periods {
            let mut row = Expression::from(0.0) - overtime[r][t];
            for (row_idx, routing) in input.routings.iter().enumerate().filter(|(_, ro)| ro.resource == r) {
                let o = option_of_row[row_idx];
                if let Some(x) = lot[o][t] {
                    row += routing.unit_time * x;
                }
                if let Some(y) = setup[o][t] {
                    row += routing.setup_time * y;
                }
            }
            for (f, family) in input.families.iter().enumerate().filter(|(_, family)| family.resource == r) {
                row += family.setup_time * family_setup[f][t];
            }
            constraints.push(row.leq(res.capacity[t]));
        }
    }
    // 7. Family links: x[o,t] <= M_o z[f,t] for every routing row (o, r) with a family.
    for (row_idx, routing) in input.routings.iter().enumerate() {
        let Some(f) = routing.family else { continue };
        let o = option_of_row[row_idx];
        for t in 0..n_periods {
            if let Some(x) = lot[o][t] {
                constraints.push((x - big_m[o] * family_setup[f][t]).leq(0.0));
            }
        }
    }
    // 8. Joint orders: one binary per supplier with a joint order cost and period, and
    // x[o,t] <= M_o w[v,t] for every option from that supplier.
    let mut joint_order: Vec<Option<Vec<Variable>>> = Vec::with_capacity(input.suppliers.len());
    for supplier in &input.suppliers {
        if supplier.order_cost > 0.0 {
            let w: Vec<Variable> = (0..n_periods).map(|_| vars.add(variable().binary())).collect();
            for &wt in &w {
                objective += supplier.order_cost * wt;
            }
            joint_order.push(Some(w));
        } else {
            joint_order.push(None);
        }
    }
    for (o, option) in options.iter().enumerate() {
        let Some(Some(w)) = option.supplier.map(|v| &joint_order[v]) else { continue };
        for t in 0..n_periods {
            if let Some(x) = lot[o][t] {
                constraints.push((x - big_m[o] * w[t]).leq(0.0));
            }
        }
    }

    let mut model = vars
        .minimise(objective.clone())
        .using(highs)
        .set_option("mip_rel_gap", 0.0)
        .set_option("mip_abs_gap", 0.0)
        .set_option("threads", 1)
        .set_option("primal_feasibility_tolerance", 1e-9)
        .set_option("mip_feasibility_tolerance", 1e-9);
    model = model.set_option("presolve", presolve);
    // Output off, unless FLEXPLAN_REFERENCE_LOG is set (to read the HiGHS log of one plan).
    if std::env::var_os("FLEXPLAN_REFERENCE_LOG").is_some() {
        model.set_verbose(true);
    } else {
        model = model.set_option("output_flag", false);
    }
    for c in constraints {
        model.add_constraint(c);
    }
    let solution = match model.solve() {
        Ok(solution) => solution,
        Err(ResolutionError::Infeasible) => return None,
        Err(other) => panic!("reference model: {other}"),
    };
    // HiGHS's model status was `Optimal` for both: good_lp says `GapLimit` when HiGHS's
    // reported gap is a positive rounding residue (it stops at a zero gap to its own epsilon).
    assert!(
        matches!(solution.status(), SolutionStatus::Optimal | SolutionStatus::GapLimit),
        "reference model not solved to optimality: {:?}",
        solution.status()
    );
    let values = |rows: &[Vec<Variable>]| -> Vec<Vec<f64>> {
        rows.iter().map(|row| row.iter().map(|&v| solution.value(v)).collect()).collect()
    };
    let optional = |rows: &[Vec<Option<Variable>>]| -> Vec<Vec<f64>> {
        rows.iter().map(|row| row.iter().map(|v| v.map_or(0.0, |v| solution.value(v))).collect()).collect()
    };
    Some(ReferenceSolution {
        objective: objective.eval_with(&solution),
        options,
        lots: optional(&lot),
        setups: optional(&setup),
        inventory: values(&inventory),
        shipped: values(&shipped),
        backlog: values(&backlog),
        overtime: values(&overtime),
        family_setups: values(&family_setup),
        joint_orders: joint_order
            .iter()
            .map(|w| match w {
                Some(w) => w.iter().map(|&v| solution.value(v)).collect(),
                None => vec![0.0; n_periods],
            })
            .collect(),
    })
}

/// The reference optimum: `Some(objective)`, or `None` when the model is infeasible.
pub fn reference_optimum(input: &PlanInput) -> Option<f64> {
    solve_reference(input).map(|s| s.objective)
}
