//! The mixed-integer lot-sizing model of `planning-model.md` section 2, built with good_lp.
//!
//! The model knows nothing of the solver: [`build_model`] returns a backend-neutral
//! [`LotSizingModel`] (good_lp variables, constraints and objective) that
//! `crate::plan::solve` hands to a backend. One function per constraint family, each documented
//! with its maths. Notation (0-based periods `t = 0..T-1` here, `t + 1` in files):
//!
//! * Every item `i` has options `o` ([`Options`]: its routes and suppliers; one for a
//!   version-1 item), each with its own lead time `L_o` and lot rules.
//! * `x[o,t]` lot started/ordered in `t` (only `t <= T-1-L_o`), `y[o,t]` setup binary,
//!   `k[o,t]` lot-multiple count, `I[i,t]` end inventory, `F[i,t]` shipments, `B[i,t]` backlog,
//!   `S[i,t]` safety-stock shortfall, `O[r,t]` overtime, `z[f,t]` family setup (a family is
//!   one resource's), `w[v,t]` a joint order from supplier `v`.
//! * `D[i,t]` planned demand, `R[i,t]` receipts, `a[c,p]` BOM quantity, `C[r,t]` capacity.
//!
//! Variables that the data make constant are not created: `F = D` for items whose demand
//! cannot be late (so `B = 0`), no `y` for options without setups, order costs or minimum
//! lots, no `S` without a safety stock, no `O` without overtime, no `w` without a joint order
//! cost. Variables are created item by item (each item's options, then its stock variables),
//! so a version-1 plan (option `o` = item `o`) gets the model it always had.

use crate::grid::Grid;
use crate::input::bom::BomGraph;
use crate::input::{Options, PlanInput, SupplyOption};
use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable};

/// Which model to build.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ModelVariant {
    /// Build the elastic variant used to diagnose infeasibility: every demand may be late and
    /// every resource may work unlimited overtime, both at a prohibitive penalty.
    pub elastic: bool,
}

/// How lot sizes are tied to setups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Formulation {
    /// `x[o,t] <= M[o,t] y[o,t]` with the tight big-M of [`setup_big_m`] (the spec's model).
    #[default]
    BigM,
    /// Big-M plus the facility-location reformulation for every item it is exact for (see
    /// `facility_location_items`): the lot of `t` is split by the period it serves,
    /// `x[i,t] = Σ_k w[i,t,k]`, `Σ_t w[i,t,k] = D[i,k]`, `w[i,t,k] <= D[i,k] y[i,t]`. Same
    /// optimum, a much tighter LP relaxation on setup-heavy instances.
    FacilityLocation,
    /// Big-M plus the `(l, S)` inequalities with one-period sets `S`, for every item they are
    /// valid for (see `ls_inequality_items`): `x[i,t] <= D[i,t+L..=k] y[i,t] + I[i,k]` for
    /// every `k >= t + L`. No new variables; a tighter relaxation than big-M alone.
    LsInequalities,
}

impl Formulation {
    /// The spelling used on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Formulation::BigM => "big-m",
            Formulation::FacilityLocation => "facility-location",
            Formulation::LsInequalities => "ls-inequalities",
        }
    }
}

/// The one option of item `i` when it has exactly one (the reformulations below are written
/// for such items).
fn single_option(options: &Options, i: usize) -> Option<usize> {
    let range = options.of_item(i);
    (range.len() == 1).then_some(range.start)
}

/// Items for which the facility-location reformulation is exact: one option with a setup
/// binary and no family or joint order, external demand only (no BOM parents), shipped on
/// time (no backlog, not elastic), no initial inventory or receipts, no safety stock, no
/// minimum lot and no lot multiple. For such an item an optimal plan never produces more than
/// the demand it serves, so splitting each lot by the period it serves loses no plan of
/// interest.
fn facility_location_items(input: &PlanInput, options: &Options, variant: ModelVariant) -> Vec<bool> {
    // With conversion (see [`conversion_may_pay`]) an optimal plan may make more than it
    // serves, which the split `Σ_t w[i,t,k] = D[i,k]` would forbid.
    input
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let Some(o) = single_option(options, i) else { return false };
            let option = options.get(o);
            // Replanning can keep a previous lot beyond every use (see `setup_big_m`).
            input.replan.is_none()
                && !variant.elastic
                && needs_setup(input, option)
                && !has_family_or_joint_order(input, option)
                && !has_parent(input, i)
                && !input.receipts.iter().any(|r| r.item == i)
                && item.backlog_cost.is_none()
                && item.initial_inventory == 0.0
                && item.safety_stock == 0.0
                && option.min_lot == 0.0
                && option.lot_multiple.is_none()
                && !conversion_may_pay(input, options, i)
        })
        .collect()
}

/// Items for which the `(l, S)` inequalities are valid: one option with a setup binary, no BOM
/// parents and shipments equal to the demand (no backlog, not elastic). Then stock only
/// leaves as demand, so a lot of period `t` still in stock after period `k` is at most
/// `I[i,k]` plus the demand of `t+L..=k`.
fn ls_inequality_items(input: &PlanInput, options: &Options, variant: ModelVariant) -> Vec<bool> {
    (0..input.items.len())
        .map(|i| {
            single_option(options, i).is_some_and(|o| needs_setup(input, options.get(o)))
                && input.replan.is_none()
                && !variant.elastic
                && !has_parent(input, i)
                && input.items[i].backlog_cost.is_none()
        })
        .collect()
}

/// Whether item `i` is a component of some parent.
fn has_parent(input: &PlanInput, i: usize) -> bool {
    input.bom.iter().any(|e| e.component == i)
}

/// Whether a lot of `option` brings a family setup or a joint order with it.
fn has_family_or_joint_order(input: &PlanInput, option: &SupplyOption) -> bool {
    option.routings().iter().any(|&row| input.routings[row].family.is_some())
        || option.supplier().is_some_and(|v| input.suppliers[v].order_cost > 0.0)
}

/// Counts reported in `summary.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct ModelSize {
    /// All variables.
    pub variables: usize,
    /// Binary and general integer variables.
    pub integer_variables: usize,
    /// Constraints (rows).
    pub constraints: usize,
}

/// The variables of the model: one row per option (lots), item (stock), resource, family or
/// supplier; `None` where the variable is not created (see the module docs).
#[derive(Debug, Clone, Default)]
pub(crate) struct ModelVars {
    /// Lot size `x[o,t]`.
    pub(crate) lot: Grid<Option<Variable>>,
    /// Setup `y[o,t]`.
    pub(crate) setup: Grid<Option<Variable>>,
    /// Lot-multiple count `k[o,t]`.
    pub(crate) multiple: Grid<Option<Variable>>,
    /// End inventory `I[i,t]` (always created).
    pub(crate) inventory: Grid<Variable>,
    /// Shipments `F[i,t]` (None: shipments equal the demand).
    pub(crate) shipped: Grid<Option<Variable>>,
    /// Backlog `B[i,t]`.
    pub(crate) backlog: Grid<Option<Variable>>,
    /// Safety-stock shortfall `S[i,t]`.
    pub(crate) shortfall: Grid<Option<Variable>>,
    /// Overtime `O[r,t]`.
    pub(crate) overtime: Grid<Option<Variable>>,
    /// Elastic overtime beyond `overtime_max` (elastic model only).
    pub(crate) extra_overtime: Grid<Option<Variable>>,
    /// Family setup `z[f,t]`.
    pub(crate) family: Grid<Option<Variable>>,
    /// Joint order `w[v,t]` of a supplier with a joint order cost.
    pub(crate) joint: Grid<Option<Variable>>,
    /// Replanning: `d[o,t] = |x[o,t] - xp[o,t]|` after the frozen fence where the previous
    /// plan had a lot and `change_cost > 0` (where it had none, `|x - xp| = x`).
    pub(crate) change: Grid<Option<Variable>>,
}

/// A built model, ready for a backend.
pub struct LotSizingModel {
    /// The good_lp variables (consumed by the backend).
    pub(crate) problem: ProblemVariables,
    /// All constraints.
    pub(crate) constraints: Vec<Constraint>,
    /// The objective (minimised).
    pub(crate) objective: Expression,
    /// Handles to every variable, for reading the solution.
    pub(crate) vars: ModelVars,
    /// Big-M used for `x[o,t] <= M y[o,t]` (0 where no lot may be made), one row per option.
    pub big_m: Grid<f64>,
    /// Model size.
    pub size: ModelSize,
}

struct Builder<'a> {
    input: &'a PlanInput,
    /// `F`: periods `t < F` keep the previous plan's lots (replanning; 0 without).
    frozen: usize,
    /// `xp[o,t]` when replanning.
    previous: Option<&'a Grid<f64>>,
    bom: &'a BomGraph,
    options: &'a Options,
    demand: &'a Grid<f64>,
    /// Receipts per item and period.
    receipts: Grid<f64>,
    n_periods: usize,
    variant: ModelVariant,
    problem: ProblemVariables,
    constraints: Vec<Constraint>,
    vars: ModelVars,
    size: ModelSize,
    elastic_penalty: f64,
}

/// Builds the model for `input` (with its `options`) and planned demand `demand`.
pub fn build_model(
    input: &PlanInput,
    bom: &BomGraph,
    options: &Options,
    demand: &Grid<f64>,
    variant: ModelVariant,
) -> LotSizingModel {
    build_model_with(input, bom, options, demand, variant, Formulation::BigM)
}

/// [`build_model`] with a choice of setup [`Formulation`].
pub(crate) fn build_model_with(
    input: &PlanInput,
    bom: &BomGraph,
    options: &Options,
    demand: &Grid<f64>,
    variant: ModelVariant,
    formulation: Formulation,
) -> LotSizingModel {
    let n_periods = input.n_periods();
    let mut b = Builder {
        input,
        frozen: input.frozen_periods(),
        previous: options.previous(),
        bom,
        options,
        demand,
        receipts: input.receipt_grid(),
        n_periods,
        variant,
        problem: ProblemVariables::new(),
        constraints: Vec::new(),
        vars: ModelVars::default(),
        size: ModelSize::default(),
        elastic_penalty: if variant.elastic { elastic_penalty(input, options) } else { 0.0 },
    };
    let big_m = setup_big_m(input, bom, options, demand, variant);
    b.add_variables(&big_m);
    b.add_inventory_balance();
    b.add_backlog();
    b.add_capacity();
    b.add_setup_linking(&big_m);
    match formulation {
        Formulation::BigM => {}
        Formulation::FacilityLocation => b.add_facility_location(&facility_location_items(input, options, variant)),
        Formulation::LsInequalities => b.add_ls_inequalities(&ls_inequality_items(input, options, variant), &big_m),
    }
    b.add_lot_rules();
    b.add_safety_stock();
    b.add_family_setups(&big_m);
    b.add_joint_orders(&big_m);
    b.add_frozen_fence();
    b.add_change_distances();
    let objective = b.objective();
    b.size.constraints = b.constraints.len();
    LotSizingModel { problem: b.problem, constraints: b.constraints, objective, vars: b.vars, big_m, size: b.size }
}

/// A penalty larger than any cost a unit of late demand or overtime could save:
/// 1000 times the sum of the largest cost coefficients, at least 1e4.
fn elastic_penalty(input: &PlanInput, options: &Options) -> f64 {
    let n_periods = input.n_periods() as f64;
    let max_item = input
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let per_lot = options
                .of_item(i)
                .map(|o| options.get(o).unit_cost + options.get(o).order_cost)
                .fold(0.0_f64, f64::max);
            per_lot
                + item.holding_cost * n_periods
                + item.backlog_cost.unwrap_or(0.0) * n_periods
                + item.safety_stock_penalty
                + item.unmet_cost
        })
        .fold(0.0_f64, f64::max);
    let max_routing = input.routings.iter().map(|r| r.setup_cost).fold(0.0_f64, f64::max);
    let max_overtime = input.resources.iter().map(|r| r.overtime_cost).fold(0.0_f64, f64::max);
    let max_family = input.families.iter().map(|f| f.setup_cost).fold(0.0_f64, f64::max);
    let max_joint = input.suppliers.iter().map(|v| v.order_cost).fold(0.0_f64, f64::max);
    (1000.0 * (max_item + max_routing + max_overtime + max_family + max_joint)).max(1e4)
}

/// True when `option` needs a setup binary: setup time or cost on one of its routing rows, an
/// order cost, a minimum lot, or a new-lot cost of replanning.
pub(crate) fn needs_setup(input: &PlanInput, option: &SupplyOption) -> bool {
    option.order_cost > 0.0
        || input.replan.as_ref().is_some_and(|replan| replan.new_lot_cost > 0.0)
        || option.min_lot > 0.0
        || option.routings().iter().any(|&row| {
            let r = &input.routings[row];
            r.setup_time > 0.0 || r.setup_cost > 0.0
        })
}

/// Big-M for `x[o,t] <= M[o,t] y[o,t]`, one row per option, as tight as the data prove:
///
/// `M[o,t] = min(max_o, cap_o, min_r (C[r,t] + Omax_r - s[o,r] - ST[f(o,r)]) / u[o,r], round_up(U_i(t + L_o)))`
///
/// The first three terms hold for every feasible plan (constraint 5, and constraint 3 with
/// `y = 1`: a lot uses its own setup and, where its row has a family, the family's setup
/// too). The last is an optimality argument: some optimal plan never has more of item `i`
/// arrive from period `a` on than `U_i(a)` plus the rounding excess of its lots, where
/// `U_i(a)` is the sum of
/// - the external demand it can still serve (`D[i,τ]` for `τ >= a`, or all of `D[i,·]` when
///   it may be shipped late) and the safety stock;
/// - what the parents' made lots started from `a` on can consume (`Σ_p a[i,p] P_p(a)`, with
///   `P_p(a)` below: bought lots of a parent consume nothing);
/// - the conversion room `X_i` of `conversion_room`: production beyond every use can still
///   pay when it turns component stock that is dearer to hold into `i` (the component's
///   `holding_cost` above the parent's, or stock held during a lead time, which costs
///   nothing). `X_i` is 0 when `conversion_may_pay` proves that no such conversion through
///   `i` or any of its ancestors lowers the cost.
///
/// `P_i(s)`, the made lots of `i` started from `s` on, arrive from `s + L` on, `L` the
/// shortest lead time of `i`'s routes, so `P_i(s) <= U_i(s + L)` plus one rounding excess per
/// lot: for each option and each period from `s` on in which it can start a useful lot, the
/// option's smallest allowed lot (a lot rule can force a lot above the need, and the excess
/// may then feed the parents; see `smallest_lot`).
///
/// Why the rest is never needed: a unit made beyond all of these is neither shipped, nor held
/// as safety stock, nor consumed by a useful parent lot, nor forced by a lot rule; removing it
/// (and the parent units made from it) removes its unit cost, its holding cost and the capacity
/// it uses, and changes the components' holding only in the conversion case. Removing a unit
/// never adds a setup, a family setup or a joint order, breaks no lot rule beyond the rounding
/// excess counted (nor `max_per_period`), and never lowers a stock below what the plan ships.
/// `round_up` lifts the bound to the option's `min_lot` and to a multiple of its
/// `lot_multiple`. A lot with `U = 0` gets `M = 0` (no variable). In the elastic model the
/// capacity term is dropped (capacity is elastic there).
///
/// Replanning (spec section 1.6) breaks "removing a unit beyond every use never raises the
/// cost" in one way only: a lot at or below its previous quantity `xp` pays `change_cost`
/// for every unit removed, and a lot in the frozen fence cannot change at all. So each
/// previous lot counts as demand of its item in the period it arrives:
/// `D'[i,τ] = D[i,τ] + Σ_{o of i} xp[o, τ - L_o]`, and `U` is computed on `D'`. Then in
/// some optimal plan no more of `i` arrives from `a` on than `U'_i(a)`: a unit beyond it is
/// beyond every use and beyond what the previous plan had there, so some lot arriving from
/// `a` on has `x > xp` and is after the fence (the fenced lots equal their `xp`, which `D'`
/// counts); removing the unit from it lowers `|x - xp|` as well as the unit and holding
/// costs, and never adds a lot, so never a new-lot cost. The parents' previous lots consume
/// components, and are counted in `P_p` through `U'_p`. A fenced lot with `xp` within its
/// rules and its capacity thus always fits `M`.
pub fn setup_big_m(
    input: &PlanInput,
    bom: &BomGraph,
    options: &Options,
    demand: &Grid<f64>,
    variant: ModelVariant,
) -> Grid<f64> {
    let n_periods = input.n_periods();
    let n_items = input.items.len();
    let with_previous;
    let demand = match options.previous() {
        Some(previous) => {
            with_previous = previous_as_demand(demand, options, previous);
            &with_previous
        }
        None => demand,
    };
    // made[(i, s)] = P_i(s) including the rounding allowance, s = 0..=T.
    let mut made = Grid::new(n_items, n_periods + 1, 0.0);
    let mut big_m = Grid::new(options.len(), n_periods, 0.0);
    let room = conversion_room(input, bom, options);
    for &i in bom.topological_order() {
        let item = &input.items[i];
        let late_allowed = item.backlog_cost.is_some() || variant.elastic;
        let total_demand: f64 = demand.row(i).iter().sum();
        // U_i(a) for a = 0..T (0 at T: nothing arrives after the horizon).
        let mut useful = vec![0.0; n_periods + 1];
        for (a, cell) in useful.iter_mut().enumerate().take(n_periods) {
            let external = if late_allowed { total_demand } else { demand.row(i)[a..].iter().sum() };
            let dependent: f64 = bom.where_used(i).map(|(p, q)| q * made[(p, a)]).sum();
            *cell = external + dependent + item.safety_stock + room[i];
        }
        // Per start period s: the rounding allowance of the made lots from s on.
        let mut made_allowance = vec![0.0; n_periods + 1];
        for o in options.of_item(i) {
            let option = options.get(o);
            let allowance = smallest_lot(option.min_lot, option.lot_multiple);
            // Lot periods from s on; each may overshoot the need by one rounding `allowance`.
            let mut lot_periods_after = 0.0;
            for s in (0..n_periods).rev() {
                let arrival = s + option.lead_time;
                if arrival >= n_periods || useful[arrival] <= 0.0 {
                    if option.is_made() {
                        made_allowance[s] += allowance * lot_periods_after;
                    }
                    continue; // no useful lot may start in s
                }
                lot_periods_after += 1.0;
                if option.is_made() {
                    made_allowance[s] += allowance * lot_periods_after;
                }
                big_m[(o, s)] = lot_bound(input, option, s, useful[arrival], variant);
            }
        }
        let shortest = options.made_of_item(i).map(|o| options.get(o).lead_time).min();
        for s in 0..n_periods {
            let arrival = shortest.map_or(n_periods, |lead| s + lead);
            if arrival < n_periods && useful[arrival] > 0.0 {
                made[(i, s)] = useful[arrival] + made_allowance[s];
            }
        }
    }
    big_m
}

/// `D'` of [`setup_big_m`]: `demand` plus every previous lot of replanning as demand of its
/// item in its arrival period.
fn previous_as_demand(demand: &Grid<f64>, options: &Options, previous: &Grid<f64>) -> Grid<f64> {
    let mut augmented = demand.clone();
    let n_periods = demand.periods();
    for (o, option) in options.all().iter().enumerate() {
        for t in 0..n_periods.saturating_sub(option.lead_time) {
            augmented[(option.item, t + option.lead_time)] += previous[(o, t)];
        }
    }
    augmented
}

/// The smallest lot the lot rules allow: `min_lot` rounded up to a multiple of `lot_multiple`
/// (at least one multiple). It bounds what the rules can force a lot above its need: a need
/// `n > 0` below `min_lot` is made as this lot (excess below it), and a need above `min_lot` is
/// rounded up by less than one multiple, which is at most this lot. (`max(min_lot,
/// lot_multiple)`, used before, is smaller when `min_lot` lies between two multiples: a
/// `min_lot` of 25 in multiples of 10 forces a lot of 30 for a need of 1.)
fn smallest_lot(min_lot: f64, lot_multiple: Option<f64>) -> f64 {
    match lot_multiple {
        Some(mult) => (min_lot / mult - 1e-9).ceil().max(1.0) * mult,
        None => min_lot,
    }
}

/// Whether making one more unit of item `i` than it is used for can ever lower the cost by
/// consuming stock of its components that would otherwise be held.
///
/// One extra unit of `i` made on route `o` started in period `t` (0-based) and kept to the end
/// of the horizon costs `c_o + h_i (n - L_o)` with `n = T - t` periods left, and saves at most
/// `e_i n`, `e_i = Σ_c a[c,i] h_c`: the components it consumes are not held from `t` on (and
/// during the lead time the unit is held by nobody). It also never lowers a shortfall or a
/// backlog of a component. So the conversion cannot pay when
/// `c_o - h_i L_o + (h_i - e_i) n >= 0` for every route and every `n` in `L_o + 1 ..= T` (the
/// periods in which a lot can start); the left side is linear in `n`, so both ends are
/// checked. Items without components consume nothing, so it never pays for them, and bought
/// lots consume nothing either.
fn conversion_may_pay(input: &PlanInput, options: &Options, item_idx: usize) -> bool {
    let item = &input.items[item_idx];
    let n_periods = input.n_periods();
    let echelon: f64 = input
        .bom
        .iter()
        .filter(|e| e.parent == item_idx)
        .filter_map(|e| input.items.get(e.component).map(|c| e.quantity * c.holding_cost))
        .sum();
    if echelon <= 0.0 {
        return false;
    }
    options.made_of_item(item_idx).any(|o| {
        let option = options.get(o);
        let lead = option.lead_time;
        if lead + 1 > n_periods {
            return false; // no lot can start
        }
        let gain = |n: f64| option.unit_cost - item.holding_cost * lead as f64 + (item.holding_cost - echelon) * n;
        gain((lead + 1) as f64) < 0.0 || gain(n_periods as f64) < 0.0
    })
}

/// The conversion room `X_i` of [`setup_big_m`]: how much of `i` converting component stock
/// could make, for items where that may pay ([`conversion_may_pay`] for `i` or any ancestor,
/// since a chain `d -> c -> p` can pay at `p` even when it does not at `c`); 0 elsewhere.
///
/// `X_i = Σ_c (initial_inventory_c + Σ_t R[c,t] + T Σ_o smallest_lot_o + X_c) / a[c,i]`
/// (over the options `o` of `c`): the stock a component has without being made for a use
/// (what it starts with, what is received, what lot rules force beyond the need) plus what its
/// own conversion can make. Newly made stock of an item without components is never worth
/// converting: making it and its conversion cost at least nothing, and not making it costs
/// nothing.
fn conversion_room(input: &PlanInput, bom: &BomGraph, options: &Options) -> Vec<f64> {
    let n_items = input.items.len();
    let n_periods = input.n_periods() as f64;
    let mut pays = vec![false; n_items];
    // Parents first: an item needs room when it or any ancestor may profit from conversion.
    for &i in bom.topological_order() {
        let ancestor_pays = input.bom.iter().any(|e| e.component == i && pays[e.parent]);
        pays[i] = ancestor_pays || conversion_may_pay(input, options, i);
    }
    let mut free = vec![0.0; n_items];
    for (i, item) in input.items.iter().enumerate() {
        let forced: f64 =
            options.of_item(i).map(|o| smallest_lot(options.get(o).min_lot, options.get(o).lot_multiple)).sum();
        free[i] = item.initial_inventory + n_periods * forced;
    }
    for receipt in &input.receipts {
        if let Some(f) = free.get_mut(receipt.item) {
            *f += receipt.quantity;
        }
    }
    let mut room = vec![0.0; n_items];
    // Components first.
    for &i in bom.topological_order().iter().rev() {
        if !pays[i] {
            continue;
        }
        room[i] = input
            .bom
            .iter()
            .filter(|e| e.parent == i && e.quantity > 0.0)
            .map(|e| (free[e.component] + room[e.component]) / e.quantity)
            .sum();
    }
    room
}

/// `min(max_o, cap_o, capacity bound, round_up(need))` for one lot of `option` started in `t`
/// (see [`setup_big_m`]).
fn lot_bound(input: &PlanInput, option: &SupplyOption, t: usize, need: f64, variant: ModelVariant) -> f64 {
    let mut m = need.max(option.min_lot);
    if let Some(mult) = option.lot_multiple {
        m = (m / mult - 1e-9).ceil().max(0.0) * mult;
    }
    if let Some(max_lot) = option.max_lot {
        m = m.min(max_lot);
    }
    if let Some(cap) = option.max_per_period {
        m = m.min(cap);
    }
    if !variant.elastic {
        for &row in option.routings() {
            let routing = &input.routings[row];
            if routing.unit_time > 0.0 {
                let res = &input.resources[routing.resource];
                let family_setup = routing.family.map_or(0.0, |f| input.families[f].setup_time);
                let cap = res.capacity[t] + res.overtime_max - routing.setup_time - family_setup;
                m = m.min((cap / routing.unit_time).max(0.0));
            }
        }
    }
    if let Some(mult) = option.lot_multiple {
        // The largest multiple that still fits.
        m = (m / mult + 1e-9).floor() * mult;
    }
    m.max(0.0)
}

impl Builder<'_> {
    fn late_allowed(&self, i: usize) -> bool {
        self.variant.elastic || self.input.items[i].backlog_cost.is_some()
    }

    fn has_demand(&self, i: usize) -> bool {
        self.demand.row(i).iter().any(|&d| d > 0.0)
    }

    fn add(&mut self, def: good_lp::VariableDefinition, integer: bool) -> Variable {
        self.size.variables += 1;
        if integer {
            self.size.integer_variables += 1;
        }
        self.problem.add(def)
    }

    /// Creates every variable with its bounds: `0 <= x <= M` (`M` from [`setup_big_m`], which
    /// includes `max_lot` and `max_per_period`), `y` binary, `0 <= k <= M / lot_multiple`
    /// integer, `I, F, B, S >= 0`, `0 <= O <= Omax`, `z` and `w` binary.
    fn add_variables(&mut self, big_m: &Grid<f64>) {
        let (n_items, n_periods) = (self.input.items.len(), self.n_periods);
        let per_option = Grid::new(self.options.len(), n_periods, None);
        let per_item = Grid::new(n_items, n_periods, None);
        let per_resource = Grid::new(self.input.resources.len(), n_periods, None);
        let mut vars = ModelVars {
            lot: per_option.clone(),
            setup: per_option.clone(),
            multiple: per_option,
            inventory: Grid::default(),
            shipped: per_item.clone(),
            backlog: per_item.clone(),
            shortfall: per_item,
            overtime: per_resource.clone(),
            extra_overtime: per_resource,
            family: Grid::new(self.input.families.len(), n_periods, None),
            joint: Grid::new(self.input.suppliers.len(), n_periods, None),
            change: Grid::new(self.options.len(), n_periods, None),
        };
        let mut inventory = Vec::with_capacity(n_items * n_periods);
        for i in 0..n_items {
            let item = &self.input.items[i];
            let late = self.late_allowed(i) && self.has_demand(i);
            let setups: Vec<(usize, bool)> =
                self.options.of_item(i).map(|o| (o, needs_setup(self.input, self.options.get(o)))).collect();
            for t in 0..n_periods {
                for &(o, setup) in &setups {
                    let k = (o, t);
                    // Inside the frozen fence a lot exists exactly where the previous plan had
                    // one, even where `M = 0` (its constraints then make the plan infeasible).
                    let exists = match (t < self.frozen, self.previous) {
                        (true, Some(xp)) => xp[k] > 0.0,
                        (true, None) => false,
                        (false, _) => big_m[k] > 0.0,
                    };
                    if exists {
                        vars.lot[k] = Some(self.add(variable().min(0.0).max(big_m[k]), false));
                        if setup {
                            vars.setup[k] = Some(self.add(variable().binary(), true));
                        }
                        if let Some(mult) = self.options.get(o).lot_multiple {
                            let max_k = (big_m[k] / mult + 1e-9).floor();
                            vars.multiple[k] = Some(self.add(variable().integer().min(0.0).max(max_k), true));
                        }
                    }
                }
                let k = (i, t);
                inventory.push(self.add(variable().min(0.0), false));
                if late {
                    vars.shipped[k] = Some(self.add(variable().min(0.0), false));
                    vars.backlog[k] = Some(self.add(variable().min(0.0), false));
                }
                if item.safety_stock > 0.0 {
                    vars.shortfall[k] = Some(self.add(variable().min(0.0).max(item.safety_stock), false));
                }
            }
        }
        vars.inventory = Grid::from_cells(n_periods, inventory).unwrap_or_default();
        for (r, res) in self.input.resources.iter().enumerate() {
            for t in 0..n_periods {
                if res.overtime_max > 0.0 {
                    vars.overtime[(r, t)] = Some(self.add(variable().min(0.0).max(res.overtime_max), false));
                }
                if self.variant.elastic {
                    vars.extra_overtime[(r, t)] = Some(self.add(variable().min(0.0), false));
                }
            }
        }
        // A family setup or a joint order only where some lot could need it.
        for (f, options) in self.family_options().into_iter().enumerate() {
            for t in 0..n_periods {
                if options.iter().any(|&o| vars.lot[(o, t)].is_some()) {
                    vars.family[(f, t)] = Some(self.add(variable().binary(), true));
                }
            }
        }
        for (v, options) in self.joint_order_options().into_iter().enumerate() {
            for t in 0..n_periods {
                if options.iter().any(|&o| vars.lot[(o, t)].is_some()) {
                    vars.joint[(v, t)] = Some(self.add(variable().binary(), true));
                }
            }
        }
        self.vars = vars;
    }

    /// Per family, the options with a routing row in it.
    fn family_options(&self) -> Vec<Vec<usize>> {
        let mut of_family = vec![Vec::new(); self.input.families.len()];
        for (row, routing) in self.input.routings.iter().enumerate() {
            if let (Some(f), Some(o)) = (routing.family, self.options.of_routing_row(row)) {
                if let Some(list) = of_family.get_mut(f) {
                    list.push(o);
                }
            }
        }
        of_family
    }

    /// Per supplier with a joint order cost, its options (empty for the others).
    fn joint_order_options(&self) -> Vec<Vec<usize>> {
        let mut of_supplier = vec![Vec::new(); self.input.suppliers.len()];
        for (o, option) in self.options.all().iter().enumerate() {
            if let Some(v) = option.supplier() {
                if self.input.suppliers[v].order_cost > 0.0 {
                    of_supplier[v].push(o);
                }
            }
        }
        of_supplier
    }

    /// Inventory balance, for every item `i` and period `t`:
    ///
    /// `I[i,t] = I[i,t-1] + Σ_{o of i} x[o,t-L_o] + R[i,t] - Σ_p a[i,p] Σ_{routes q of p} x[q,t] - F[i,t]`,
    /// with `I[i,-1] = initial_inventory` and `F[i,t] = D[i,t]` where shipments cannot be late.
    fn add_inventory_balance(&mut self) {
        let n_periods = self.n_periods;
        for i in 0..self.input.items.len() {
            for t in 0..n_periods {
                let k = (i, t);
                let mut lhs = Expression::with_capacity(4 + self.bom.where_used(i).count());
                lhs.add_mul(1.0, self.vars.inventory[k]);
                let mut rhs_constant = self.receipts[k];
                if t == 0 {
                    rhs_constant += self.input.items[i].initial_inventory;
                } else {
                    lhs.add_mul(-1.0, self.vars.inventory[(i, t - 1)]);
                }
                for o in self.options.of_item(i) {
                    let lead = self.options.get(o).lead_time;
                    if t >= lead {
                        if let Some(x) = self.vars.lot[(o, t - lead)] {
                            lhs.add_mul(-1.0, x);
                        }
                    }
                }
                for (p, q) in self.bom.where_used(i) {
                    for o in self.options.made_of_item(p) {
                        if let Some(x) = self.vars.lot[(o, t)] {
                            lhs.add_mul(q, x);
                        }
                    }
                }
                match self.vars.shipped[k] {
                    Some(f) => lhs.add_mul(1.0, f),
                    None => rhs_constant -= self.demand[k],
                }
                self.constraints.push(lhs.eq(rhs_constant));
            }
        }
    }

    /// Backlog, for items whose demand may be shipped late:
    /// `B[i,t] = B[i,t-1] + D[i,t] - F[i,t]`, `B[i,-1] = 0`. (Where late shipment is not
    /// allowed, `B = 0` and `F = D` are substituted instead of creating variables.)
    fn add_backlog(&mut self) {
        for i in 0..self.input.items.len() {
            for t in 0..self.n_periods {
                let k = (i, t);
                let (Some(b), Some(f)) = (self.vars.backlog[k], self.vars.shipped[k]) else {
                    continue;
                };
                let mut lhs = Expression::with_capacity(3);
                lhs.add_mul(1.0, b);
                lhs.add_mul(1.0, f);
                if t > 0 {
                    if let Some(prev) = self.vars.backlog[(i, t - 1)] {
                        lhs.add_mul(-1.0, prev);
                    }
                }
                self.constraints.push(lhs.eq(self.demand[k]));
            }
        }
    }

    /// Capacity, for every resource `r` and period `t`:
    /// `Σ_{(o,r)} (u[o,r] x[o,t] + s[o,r] y[o,t]) + Σ_{f on r} ST_f z[f,t] <= C[r,t] + O[r,t]`
    /// (+ elastic overtime).
    fn add_capacity(&mut self) {
        let n_periods = self.n_periods;
        for (r, res) in self.input.resources.iter().enumerate() {
            let rows: Vec<(usize, f64, f64)> = self
                .input
                .routings
                .iter()
                .enumerate()
                .filter(|(_, ro)| ro.resource == r)
                .filter_map(|(row, ro)| Some((self.options.of_routing_row(row)?, ro.unit_time, ro.setup_time)))
                .collect();
            let families: Vec<(usize, f64)> = self
                .input
                .families
                .iter()
                .enumerate()
                .filter(|(_, f)| f.resource == r && f.setup_time > 0.0)
                .map(|(f, family)| (f, family.setup_time))
                .collect();
            for t in 0..n_periods {
                let mut lhs = Expression::with_capacity(2 * rows.len() + families.len() + 2);
                let mut any = false;
                for &(o, unit_time, setup_time) in &rows {
                    let Some(x) = self.vars.lot[(o, t)] else { continue };
                    if unit_time > 0.0 {
                        lhs.add_mul(unit_time, x);
                        any = true;
                    }
                    if setup_time > 0.0 {
                        if let Some(y) = self.vars.setup[(o, t)] {
                            lhs.add_mul(setup_time, y);
                            any = true;
                        }
                    }
                }
                for &(f, setup_time) in &families {
                    if let Some(z) = self.vars.family[(f, t)] {
                        lhs.add_mul(setup_time, z);
                        any = true;
                    }
                }
                if !any {
                    continue;
                }
                if let Some(o) = self.vars.overtime[(r, t)] {
                    lhs.add_mul(-1.0, o);
                }
                if let Some(e) = self.vars.extra_overtime[(r, t)] {
                    lhs.add_mul(-1.0, e);
                }
                self.constraints.push(lhs.leq(res.capacity[t]));
            }
        }
    }

    /// Setup linking: `x[o,t] <= M[o,t] y[o,t]` with the tight `M` of [`setup_big_m`].
    fn add_setup_linking(&mut self, big_m: &Grid<f64>) {
        let pairs = self.vars.lot.cells().iter().zip(self.vars.setup.cells()).zip(big_m.cells());
        for ((lot, setup), &m) in pairs {
            if let (Some(x), Some(y)) = (*lot, *setup) {
                let mut lhs = Expression::with_capacity(2);
                lhs.add_mul(1.0, x);
                lhs.add_mul(-m, y);
                self.constraints.push(lhs.leq(0.0));
            }
        }
    }

    /// Facility-location reformulation for the `eligible` items (see [`Formulation`]): for
    /// every lot variable `x[i,t]` with a setup, `x[i,t] = Σ_{k >= t+L_i} w[i,t,k]` and
    /// `w[i,t,k] <= D[i,k] y[i,t]`; for every period `k` with demand,
    /// `Σ_{t <= k-L_i} w[i,t,k] = D[i,k]`.
    fn add_facility_location(&mut self, eligible: &[bool]) {
        let n_periods = self.n_periods;
        for (i, &is_eligible) in eligible.iter().enumerate() {
            let Some(o) = single_option(self.options, i).filter(|_| is_eligible) else { continue };
            let lead = self.options.get(o).lead_time;
            // served[k] = the w variables that serve period k.
            let mut served: Vec<Expression> = (0..n_periods).map(|_| Expression::with_capacity(n_periods)).collect();
            for t in 0..n_periods {
                let (Some(x), Some(y)) = (self.vars.lot[(o, t)], self.vars.setup[(o, t)]) else { continue };
                let mut split = Expression::with_capacity(n_periods + 1);
                split.add_mul(1.0, x);
                for (k, served_k) in served.iter_mut().enumerate().skip(t + lead) {
                    let d = self.demand[(i, k)];
                    if d <= 0.0 {
                        continue;
                    }
                    let w = self.add(variable().min(0.0).max(d), false);
                    split.add_mul(-1.0, w);
                    served_k.add_mul(1.0, w);
                    let mut link = Expression::with_capacity(2);
                    link.add_mul(1.0, w);
                    link.add_mul(-d, y);
                    self.constraints.push(link.leq(0.0));
                }
                self.constraints.push(split.eq(0.0));
            }
            for (k, served_k) in served.into_iter().enumerate() {
                let d = self.demand[(i, k)];
                if d > 0.0 {
                    self.constraints.push(served_k.eq(d));
                }
            }
        }
    }

    /// `(l, S)` inequalities with one-period `S` for the `eligible` items (see
    /// [`Formulation::LsInequalities`]): `x[i,t] - D[i,t+L..=k] y[i,t] - I[i,k] <= 0`, skipped
    /// where `D[i,t+L..=k]` already reaches the big-M (the row would be weaker than the bound).
    fn add_ls_inequalities(&mut self, eligible: &[bool], big_m: &Grid<f64>) {
        let n_periods = self.n_periods;
        for (i, &is_eligible) in eligible.iter().enumerate() {
            let Some(o) = single_option(self.options, i).filter(|_| is_eligible) else { continue };
            let lead = self.options.get(o).lead_time;
            for t in 0..n_periods {
                let (Some(x), Some(y)) = (self.vars.lot[(o, t)], self.vars.setup[(o, t)]) else { continue };
                let mut cumulative = 0.0;
                for k in (t + lead)..n_periods {
                    cumulative += self.demand[(i, k)];
                    if cumulative >= big_m[(o, t)] {
                        break;
                    }
                    let mut row = Expression::with_capacity(3);
                    row.add_mul(1.0, x);
                    row.add_mul(-cumulative, y);
                    row.add_mul(-1.0, self.vars.inventory[(i, k)]);
                    self.constraints.push(row.leq(0.0));
                }
            }
        }
    }

    /// Lot rules: `x[o,t] >= min_o y[o,t]`; `x[o,t] = mult_o k[o,t]` (`x <= max_o` and
    /// `x <= cap_o` are in the variable's upper bound).
    fn add_lot_rules(&mut self) {
        for o in 0..self.options.len() {
            let option = self.options.get(o);
            for t in 0..self.n_periods {
                let k = (o, t);
                let Some(x) = self.vars.lot[k] else { continue };
                if option.min_lot > 0.0 {
                    if let Some(y) = self.vars.setup[k] {
                        let mut lhs = Expression::with_capacity(2);
                        lhs.add_mul(1.0, x);
                        lhs.add_mul(-option.min_lot, y);
                        self.constraints.push(lhs.geq(0.0));
                    }
                }
                if let (Some(mult), Some(count)) = (option.lot_multiple, self.vars.multiple[k]) {
                    let mut lhs = Expression::with_capacity(2);
                    lhs.add_mul(1.0, x);
                    lhs.add_mul(-mult, count);
                    self.constraints.push(lhs.eq(0.0));
                }
            }
        }
    }

    /// Safety stock: `I[i,t] + S[i,t] >= safety_stock_i`.
    fn add_safety_stock(&mut self) {
        for i in 0..self.input.items.len() {
            let ss = self.input.items[i].safety_stock;
            for t in 0..self.n_periods {
                let k = (i, t);
                if let Some(s) = self.vars.shortfall[k] {
                    let mut lhs = Expression::with_capacity(2);
                    lhs.add_mul(1.0, self.vars.inventory[k]);
                    lhs.add_mul(1.0, s);
                    self.constraints.push(lhs.geq(ss));
                }
            }
        }
    }

    /// `x[o,t] > 0` only if `gate = 1`: `y[o,t] <= gate` where the lot has a setup binary,
    /// else `x[o,t] <= M[o,t] gate`.
    fn add_gate(&mut self, o: usize, t: usize, gate: Variable, big_m: &Grid<f64>) {
        let Some(x) = self.vars.lot[(o, t)] else { return };
        let mut lhs = Expression::with_capacity(2);
        match self.vars.setup[(o, t)] {
            Some(y) => lhs.add_mul(1.0, y),
            None => lhs.add_mul(1.0, x),
        }
        let coefficient = if self.vars.setup[(o, t)].is_some() { 1.0 } else { big_m[(o, t)] };
        lhs.add_mul(-coefficient, gate);
        self.constraints.push(lhs.leq(0.0));
    }

    /// Families: `x[o,t] > 0` only if `z[f(o,r),t] = 1` for every routing row `(o, r)` with a
    /// family (spec constraint 7).
    fn add_family_setups(&mut self, big_m: &Grid<f64>) {
        for (f, options) in self.family_options().into_iter().enumerate() {
            for t in 0..self.n_periods {
                let Some(z) = self.vars.family[(f, t)] else { continue };
                for &o in &options {
                    self.add_gate(o, t, z, big_m);
                }
            }
        }
    }

    /// Joint orders: `x[o,t] > 0` only if `w[v,t] = 1` for every option `o` from supplier `v`
    /// with a joint order cost (spec constraint 8).
    fn add_joint_orders(&mut self, big_m: &Grid<f64>) {
        for (v, options) in self.joint_order_options().into_iter().enumerate() {
            for t in 0..self.n_periods {
                let Some(w) = self.vars.joint[(v, t)] else { continue };
                for &o in &options {
                    self.add_gate(o, t, w, big_m);
                }
            }
        }
    }

    /// Objective: the spec's sum, `Σ_{o,t} (c_o x + (oc_o + Σ_r sc[o,r]) y)`,
    /// `Σ_{i,t} (holding I + backlog_cost B + penalty S)`, `Σ_i unmet_cost B[i,T-1]`,
    /// `Σ_{r,t} overtime_cost O`, `Σ_{f,t} SC_f z` and `Σ_{v,t} JC_v w` (plus the elastic
    /// penalty on late demand that may not be late and on extra overtime).
    /// Constraint 9, the frozen fence (spec section 1.6): `x[o,t] = xp[o,t]` for `t < F`. A
    /// lot variable exists in the fence only where `xp > 0` (elsewhere `x = 0`).
    ///
    /// In the elastic model of the diagnosis the fence is elastic too: `d >= |x - xp|` at the
    /// elastic penalty (stored in `change`), so a frozen lot that cannot be kept shows as `d > 0`.
    fn add_frozen_fence(&mut self) {
        let Some(previous) = self.previous else { return };
        for o in 0..self.options.len() {
            for t in 0..self.frozen {
                let Some(x) = self.vars.lot[(o, t)] else { continue };
                let xp = previous[(o, t)];
                if self.variant.elastic {
                    self.vars.change[(o, t)] = Some(self.add_distance(x, xp));
                } else {
                    let mut lhs = Expression::with_capacity(1);
                    lhs.add_mul(1.0, x);
                    self.constraints.push(lhs.eq(xp));
                }
            }
        }
    }

    /// The change cost's `|x[o,t] - xp[o,t]|` after the fence where `xp > 0` (spec section
    /// 1.6): `d >= x - xp`, `d >= xp - x`; minimised at `|x - xp|`. Where no lot variable
    /// exists `x = 0`, and `d` is fixed at `xp` (a fixed column rather than an objective
    /// constant, which the backend would drop).
    fn add_change_distances(&mut self) {
        let (Some(previous), Some(replan)) = (self.previous, self.input.replan.as_ref()) else { return };
        if replan.change_cost <= 0.0 {
            return;
        }
        for o in 0..self.options.len() {
            let lead = self.options.get(o).lead_time;
            for t in self.frozen..self.n_periods {
                let xp = previous[(o, t)];
                if xp <= 0.0 || t + lead >= self.n_periods {
                    continue;
                }
                let Some(x) = self.vars.lot[(o, t)] else {
                    self.vars.change[(o, t)] = Some(self.add(variable().min(xp).max(xp), false));
                    continue;
                };
                self.vars.change[(o, t)] = Some(self.add_distance(x, xp));
            }
        }
    }

    /// A new `d >= |x - xp|` (`d >= x - xp`, `d >= xp - x`): at a positive cost, `d = |x - xp|`.
    fn add_distance(&mut self, x: Variable, xp: f64) -> Variable {
        let d = self.add(variable().min(0.0), false);
        let mut above = Expression::with_capacity(2);
        above.add_mul(1.0, d);
        above.add_mul(-1.0, x);
        self.constraints.push(above.geq(-xp));
        let mut below = Expression::with_capacity(2);
        below.add_mul(1.0, d);
        below.add_mul(1.0, x);
        self.constraints.push(below.geq(xp));
        d
    }

    fn objective(&self) -> Expression {
        let n_periods = self.n_periods;
        let mut obj = Expression::with_capacity(self.size.variables);
        for (i, item) in self.input.items.iter().enumerate() {
            let backlog_cost = match item.backlog_cost {
                Some(c) => c,
                None => self.elastic_penalty,
            };
            let lot_costs: Vec<(usize, f64, f64)> = self
                .options
                .of_item(i)
                .map(|o| {
                    let option = self.options.get(o);
                    let setup_cost: f64 =
                        option.routings().iter().map(|&row| self.input.routings[row].setup_cost).sum();
                    (o, option.unit_cost, option.order_cost + setup_cost)
                })
                .collect();
            for t in 0..n_periods {
                for &(o, unit_cost, setup_cost) in &lot_costs {
                    if let Some(x) = self.vars.lot[(o, t)] {
                        if unit_cost > 0.0 {
                            obj.add_mul(unit_cost, x);
                        }
                    }
                    if let Some(y) = self.vars.setup[(o, t)] {
                        if setup_cost > 0.0 {
                            obj.add_mul(setup_cost, y);
                        }
                    }
                }
                let k = (i, t);
                if item.holding_cost > 0.0 {
                    obj.add_mul(item.holding_cost, self.vars.inventory[k]);
                }
                if let Some(b) = self.vars.backlog[k] {
                    let unmet = if t + 1 == n_periods { item.unmet_cost } else { 0.0 };
                    if backlog_cost + unmet > 0.0 {
                        obj.add_mul(backlog_cost + unmet, b);
                    }
                }
                if let Some(s) = self.vars.shortfall[k] {
                    if item.safety_stock_penalty > 0.0 {
                        obj.add_mul(item.safety_stock_penalty, s);
                    }
                }
            }
        }
        for (r, res) in self.input.resources.iter().enumerate() {
            for t in 0..n_periods {
                if let Some(o) = self.vars.overtime[(r, t)] {
                    if res.overtime_cost > 0.0 {
                        obj.add_mul(res.overtime_cost, o);
                    }
                }
                if let Some(e) = self.vars.extra_overtime[(r, t)] {
                    obj.add_mul(self.elastic_penalty, e);
                }
            }
        }
        for (f, family) in self.input.families.iter().enumerate() {
            for t in 0..n_periods {
                if let (Some(z), true) = (self.vars.family[(f, t)], family.setup_cost > 0.0) {
                    obj.add_mul(family.setup_cost, z);
                }
            }
        }
        for (v, supplier) in self.input.suppliers.iter().enumerate() {
            for t in 0..n_periods {
                if let Some(w) = self.vars.joint[(v, t)] {
                    obj.add_mul(supplier.order_cost, w);
                }
            }
        }
        self.add_change_costs(&mut obj);
        obj
    }

    /// The replanning terms after the fence (spec section 2): `change_cost |x - xp|` (`x` itself
    /// where `xp = 0`, else the distance `d`) and `new_lot_cost y` where `xp = 0`.
    fn add_change_costs(&self, obj: &mut Expression) {
        let (Some(previous), Some(replan)) = (self.previous, self.input.replan.as_ref()) else { return };
        for o in 0..self.options.len() {
            for t in 0..self.frozen {
                if let Some(d) = self.vars.change[(o, t)] {
                    obj.add_mul(self.elastic_penalty, d); // the elastic fence
                }
            }
            for t in self.frozen..self.n_periods {
                let k = (o, t);
                if let Some(d) = self.vars.change[k] {
                    obj.add_mul(replan.change_cost, d);
                }
                if previous[k] > 0.0 {
                    continue;
                }
                if let (Some(x), true) = (self.vars.lot[k], replan.change_cost > 0.0) {
                    obj.add_mul(replan.change_cost, x);
                }
                if let (Some(y), true) = (self.vars.setup[k], replan.new_lot_cost > 0.0) {
                    obj.add_mul(replan.new_lot_cost, y);
                }
            }
        }
    }
}
