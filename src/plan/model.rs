//! The mixed-integer lot-sizing model of `planning-model.md` section 2, built with good_lp.
//!
//! The model knows nothing of the solver: [`build_model`] returns a backend-neutral
//! [`LotSizingModel`] (good_lp variables, constraints and objective) that
//! [`crate::plan::solve`] hands to a backend. One function per constraint family, each documented
//! with its maths. Notation (0-based periods `t = 0..T-1` here, `t + 1` in files):
//!
//! * `x[i,t]` lot started/ordered in `t` (only `t <= T-1-L_i`), `y[i,t]` setup binary,
//!   `k[i,t]` lot-multiple count, `I[i,t]` end inventory, `F[i,t]` shipments, `B[i,t]` backlog,
//!   `S[i,t]` safety-stock shortfall, `O[r,t]` overtime.
//! * `D[i,t]` planned demand, `R[i,t]` receipts, `a[c,p]` BOM quantity, `C[r,t]` capacity.
//!
//! Variables that the data make constant are not created: `F = D` for items whose demand
//! cannot be late (so `B = 0`), no `y` for items without setups or minimum lots, no `S` without
//! a safety stock, no `O` without overtime.

use crate::grid::Grid;
use crate::input::bom::BomGraph;
use crate::input::PlanInput;
use good_lp::{variable, Constraint, Expression, ProblemVariables, Variable};

/// How to build the model.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ModelOptions {
    /// Build the elastic variant used to diagnose infeasibility: every demand may be late and
    /// every resource may work unlimited overtime, both at a prohibitive penalty.
    pub elastic: bool,
}

/// How lot sizes are tied to setups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Formulation {
    /// `x[i,t] <= M[i,t] y[i,t]` with the tight big-M of [`setup_big_m`] (the spec's model).
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

/// Items for which the facility-location reformulation is exact: a setup binary, external
/// demand only (no BOM parents), shipped on time (no backlog, not elastic), no initial
/// inventory or receipts, no safety stock, no minimum lot and no lot multiple. For such an
/// item an optimal plan never produces more than the demand it serves, so splitting each lot
/// by the period it serves loses no plan of interest.
pub(crate) fn facility_location_items(input: &PlanInput, options: ModelOptions) -> Vec<bool> {
    // With conversion (see [`conversion_may_pay`]) an optimal plan may make more than it
    // serves, which the split `Σ_t w[i,t,k] = D[i,k]` would forbid.
    input
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            !options.elastic
                && needs_setup(input, i)
                && !has_parent(input, i)
                && !input.receipts.iter().any(|r| r.item == i)
                && item.backlog_cost.is_none()
                && item.initial_inventory == 0.0
                && item.safety_stock == 0.0
                && item.min_lot == 0.0
                && item.lot_multiple.is_none()
                && !conversion_may_pay(input, i)
        })
        .collect()
}

/// Items for which the `(l, S)` inequalities are valid: a setup binary, no BOM parents and
/// shipments equal to the demand (no backlog, not elastic). Then stock only leaves as demand,
/// so a lot of period `t` still in stock after period `k` is at most `I[i,k]` plus the demand
/// of `t+L..=k`.
pub(crate) fn ls_inequality_items(input: &PlanInput, options: ModelOptions) -> Vec<bool> {
    (0..input.items.len())
        .map(|i| {
            !options.elastic && needs_setup(input, i) && !has_parent(input, i) && input.items[i].backlog_cost.is_none()
        })
        .collect()
}

/// Whether item `i` is a component of some parent.
fn has_parent(input: &PlanInput, i: usize) -> bool {
    input.bom.iter().any(|e| e.component == i)
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

/// The variables of the model, one row per item (or resource); `None` where the variable is
/// not created (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct ModelVars {
    /// Lot size `x[i,t]`.
    pub lot: Grid<Option<Variable>>,
    /// Setup `y[i,t]`.
    pub setup: Grid<Option<Variable>>,
    /// Lot-multiple count `k[i,t]`.
    pub multiple: Grid<Option<Variable>>,
    /// End inventory `I[i,t]` (always created).
    pub inventory: Grid<Variable>,
    /// Shipments `F[i,t]` (None: shipments equal the demand).
    pub shipped: Grid<Option<Variable>>,
    /// Backlog `B[i,t]`.
    pub backlog: Grid<Option<Variable>>,
    /// Safety-stock shortfall `S[i,t]`.
    pub shortfall: Grid<Option<Variable>>,
    /// Overtime `O[r,t]`.
    pub overtime: Grid<Option<Variable>>,
    /// Elastic overtime beyond `overtime_max` (elastic model only).
    pub extra_overtime: Grid<Option<Variable>>,
}

/// A built model, ready for a backend.
pub struct LotSizingModel {
    /// The good_lp variables (consumed by the backend).
    pub problem: ProblemVariables,
    /// All constraints.
    pub constraints: Vec<Constraint>,
    /// The objective (minimised).
    pub objective: Expression,
    /// Handles to every variable, for reading the solution.
    pub vars: ModelVars,
    /// Big-M used for `x[i,t] <= M y[i,t]` (0 where no lot may be made).
    pub big_m: Grid<f64>,
    /// Model size.
    pub size: ModelSize,
    /// Penalty per unit of elastic backlog or overtime (elastic model only, else 0).
    pub elastic_penalty: f64,
}

struct Builder<'a> {
    input: &'a PlanInput,
    bom: &'a BomGraph,
    demand: &'a Grid<f64>,
    /// Receipts per item and period.
    receipts: Grid<f64>,
    n_periods: usize,
    options: ModelOptions,
    problem: ProblemVariables,
    constraints: Vec<Constraint>,
    vars: ModelVars,
    size: ModelSize,
    elastic_penalty: f64,
}

/// Builds the model for `input` with planned demand `demand`.
pub fn build_model(input: &PlanInput, bom: &BomGraph, demand: &Grid<f64>, options: ModelOptions) -> LotSizingModel {
    build_model_with(input, bom, demand, options, Formulation::BigM)
}

/// [`build_model`] with a choice of setup [`Formulation`].
pub(crate) fn build_model_with(
    input: &PlanInput,
    bom: &BomGraph,
    demand: &Grid<f64>,
    options: ModelOptions,
    formulation: Formulation,
) -> LotSizingModel {
    let n_periods = input.n_periods();
    let mut b = Builder {
        input,
        bom,
        demand,
        receipts: input.receipt_grid(),
        n_periods,
        options,
        problem: ProblemVariables::new(),
        constraints: Vec::new(),
        vars: ModelVars::default(),
        size: ModelSize::default(),
        elastic_penalty: if options.elastic { elastic_penalty(input) } else { 0.0 },
    };
    let big_m = setup_big_m(input, bom, demand, options);
    b.add_variables(&big_m);
    b.add_inventory_balance();
    b.add_backlog();
    b.add_capacity();
    b.add_setup_linking(&big_m);
    match formulation {
        Formulation::BigM => {}
        Formulation::FacilityLocation => b.add_facility_location(&facility_location_items(input, options)),
        Formulation::LsInequalities => b.add_ls_inequalities(&ls_inequality_items(input, options), &big_m),
    }
    b.add_lot_rules();
    b.add_safety_stock();
    let objective = b.objective();
    b.size.constraints = b.constraints.len();
    LotSizingModel {
        problem: b.problem,
        constraints: b.constraints,
        objective,
        vars: b.vars,
        big_m,
        size: b.size,
        elastic_penalty: b.elastic_penalty,
    }
}

/// A penalty larger than any cost a unit of late demand or overtime could save:
/// 1000 times the sum of the largest cost coefficients, at least 1e4.
fn elastic_penalty(input: &PlanInput) -> f64 {
    let max_item = input
        .items
        .iter()
        .map(|i| {
            i.unit_cost
                + i.holding_cost * input.n_periods() as f64
                + i.backlog_cost.unwrap_or(0.0) * input.n_periods() as f64
                + i.safety_stock_penalty
                + i.order_cost
        })
        .fold(0.0_f64, f64::max);
    let max_routing = input.routings.iter().map(|r| r.setup_cost).fold(0.0_f64, f64::max);
    let max_overtime = input.resources.iter().map(|r| r.overtime_cost).fold(0.0_f64, f64::max);
    (1000.0 * (max_item + max_routing + max_overtime)).max(1e4)
}

/// True when item `i` needs a setup binary: setup time or cost, order cost or a minimum lot.
pub(crate) fn needs_setup(input: &PlanInput, item_idx: usize) -> bool {
    let item = &input.items[item_idx];
    item.order_cost > 0.0
        || item.min_lot > 0.0
        || input.routings.iter().any(|r| r.item == item_idx && (r.setup_time > 0.0 || r.setup_cost > 0.0))
}

/// Big-M for `x[i,t] <= M[i,t] y[i,t]`, as tight as the data prove:
///
/// `M[i,t] = min(max_lot_i, min_r (C[r,t] + Omax_r - s[i,r]) / u[i,r], round_up(P_i(t)))`
///
/// The first two terms hold for every feasible plan (constraint 5, and constraint 3 with
/// `y = 1`). The third is an optimality argument: some optimal plan never makes more of `i`
/// from `t` on than `P_i(t)`, which is the sum of
/// - the external demand it can still serve (`D[i,τ]` for `τ >= t + L_i`, or all of `D[i,·]`
///   when it may be shipped late) and the safety stock;
/// - what the parents' lots from `t + L_i` on can consume (`Σ_p a[i,p] P_p(t + L_i)`);
/// - one rounding excess per period with a lot, the item's smallest allowed lot (a lot rule
///   can force a lot above the need, and the excess may then feed the parents; see
///   `smallest_lot`);
/// - the conversion room `X_i` of `conversion_room`: production beyond every use can still
///   pay when it turns component stock that is dearer to hold into `i` (the component's
///   `holding_cost` above the parent's, or stock held during `i`'s lead time, which costs
///   nothing). `X_i` is 0 when `conversion_may_pay` proves that no such conversion through
///   `i` or any of its ancestors lowers the cost.
///
/// Why the rest is never needed: a unit made beyond all of these is neither shipped, nor held
/// as safety stock, nor consumed by a useful parent lot, nor forced by a lot rule; removing it
/// (and the parent units made from it) removes its unit cost, its holding cost and the capacity
/// it uses, and changes the components' holding only in the conversion case. Removing a unit
/// never adds a setup, breaks no lot rule beyond the rounding excess counted, and never lowers
/// a stock below what the plan ships. `round_up` lifts the bound to `min_lot` and to a
/// multiple of `lot_multiple`. A lot with `P = 0` gets `M = 0` (no variable). In the elastic
/// model the capacity term is dropped (capacity is elastic there).
pub fn setup_big_m(input: &PlanInput, bom: &BomGraph, demand: &Grid<f64>, options: ModelOptions) -> Grid<f64> {
    let n_periods = input.n_periods();
    let n_items = input.items.len();
    // remaining[(i, s)] = P_i(s) including the rounding allowance, s = 0..=T.
    let mut remaining = Grid::new(n_items, n_periods + 1, 0.0);
    let mut big_m = Grid::new(n_items, n_periods, 0.0);
    let room = conversion_room(input, bom);
    for &i in bom.topological_order() {
        let item = &input.items[i];
        let lead = item.lead_time;
        let late_allowed = item.backlog_cost.is_some() || options.elastic;
        let total_demand: f64 = demand.row(i).iter().sum();
        let allowance = smallest_lot(item.min_lot, item.lot_multiple);
        // Lot periods from s on; each may overshoot the need by one rounding `allowance`.
        let mut lot_periods_after = 0.0;
        for s in (0..n_periods).rev() {
            let arrival = s + lead;
            if arrival >= n_periods {
                continue; // no lot may start in s; remaining[s] stays 0
            }
            let external = if late_allowed { total_demand } else { demand.row(i)[arrival..].iter().sum() };
            let dependent: f64 = bom.where_used(i).map(|(p, q)| q * remaining[(p, arrival)]).sum();
            let useful = external + dependent + item.safety_stock + room[i];
            if useful > 0.0 {
                lot_periods_after += 1.0;
                remaining[(i, s)] = useful + allowance * lot_periods_after;
                big_m[(i, s)] = lot_bound(input, i, s, useful, options);
            }
        }
    }
    big_m
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
/// One extra unit of `i` started in period `t` (0-based) and kept to the end of the horizon
/// costs `unit_cost_i + h_i (n - L_i)` with `n = T - t` periods left, and saves at most
/// `e_i n`, `e_i = Σ_c a[c,i] h_c`: the components it consumes are not held from `t` on (and
/// during the lead time the unit is held by nobody). It also never lowers a shortfall or a
/// backlog of a component. So the conversion cannot pay when
/// `unit_cost_i - h_i L_i + (h_i - e_i) n >= 0` for every `n` in `L_i + 1 ..= T` (the periods
/// in which a lot can start); the left side is linear in `n`, so both ends are checked. Items
/// without components consume nothing, so it never pays for them.
pub(crate) fn conversion_may_pay(input: &PlanInput, item_idx: usize) -> bool {
    let item = &input.items[item_idx];
    let n_periods = input.n_periods();
    let lead = item.lead_time;
    if lead + 1 > n_periods {
        return false; // no lot can start
    }
    let echelon: f64 = input
        .bom
        .iter()
        .filter(|e| e.parent == item_idx)
        .filter_map(|e| input.items.get(e.component).map(|c| e.quantity * c.holding_cost))
        .sum();
    if echelon <= 0.0 {
        return false;
    }
    let gain = |n: f64| item.unit_cost - item.holding_cost * lead as f64 + (item.holding_cost - echelon) * n;
    gain((lead + 1) as f64) < 0.0 || gain(n_periods as f64) < 0.0
}

/// The conversion room `X_i` of [`setup_big_m`]: how much of `i` converting component stock
/// could make, for items where that may pay ([`conversion_may_pay`] for `i` or any ancestor,
/// since a chain `d -> c -> p` can pay at `p` even when it does not at `c`); 0 elsewhere.
///
/// `X_i = Σ_c (initial_inventory_c + Σ_t R[c,t] + T smallest_lot_c + X_c) / a[c,i]`:
/// the stock a component has without being made for a use (what it starts with, what is
/// received, what lot rules force beyond the need) plus what its own conversion can make.
/// Newly made stock of an item without components is never worth converting: making it and
/// its conversion cost at least nothing, and not making it costs nothing.
pub(crate) fn conversion_room(input: &PlanInput, bom: &BomGraph) -> Vec<f64> {
    let n_items = input.items.len();
    let n_periods = input.n_periods() as f64;
    let mut pays = vec![false; n_items];
    // Parents first: an item needs room when it or any ancestor may profit from conversion.
    for &i in bom.topological_order() {
        let ancestor_pays = input.bom.iter().any(|e| e.component == i && pays[e.parent]);
        pays[i] = ancestor_pays || conversion_may_pay(input, i);
    }
    let mut free = vec![0.0; n_items];
    for (i, item) in input.items.iter().enumerate() {
        free[i] = item.initial_inventory + n_periods * smallest_lot(item.min_lot, item.lot_multiple);
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

/// `min(max_lot, capacity bound, round_up(need))` for one lot (see [`setup_big_m`]).
fn lot_bound(input: &PlanInput, i: usize, t: usize, need: f64, options: ModelOptions) -> f64 {
    let item = &input.items[i];
    let mut m = need.max(item.min_lot);
    if let Some(mult) = item.lot_multiple {
        m = (m / mult - 1e-9).ceil().max(0.0) * mult;
    }
    if let Some(max_lot) = item.max_lot {
        m = m.min(max_lot);
    }
    if !options.elastic {
        for routing in input.routings.iter().filter(|r| r.item == i) {
            if routing.unit_time > 0.0 {
                let res = &input.resources[routing.resource];
                let cap = res.capacity[t] + res.overtime_max - routing.setup_time;
                m = m.min((cap / routing.unit_time).max(0.0));
            }
        }
    }
    if let Some(mult) = item.lot_multiple {
        // The largest multiple that still fits.
        m = (m / mult + 1e-9).floor() * mult;
    }
    m.max(0.0)
}

impl Builder<'_> {
    fn late_allowed(&self, i: usize) -> bool {
        self.options.elastic || self.input.items[i].backlog_cost.is_some()
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
    /// includes `max_lot`), `y` binary, `0 <= k <= M / lot_multiple` integer, `I, F, B, S >= 0`,
    /// `0 <= O <= Omax`.
    fn add_variables(&mut self, big_m: &Grid<f64>) {
        let (n_items, n_periods) = (self.input.items.len(), self.n_periods);
        let items = Grid::new(n_items, n_periods, None);
        let resources = Grid::new(self.input.resources.len(), n_periods, None);
        let mut vars = ModelVars {
            lot: items.clone(),
            setup: items.clone(),
            multiple: items.clone(),
            inventory: Grid::default(),
            shipped: items.clone(),
            backlog: items.clone(),
            shortfall: items,
            overtime: resources.clone(),
            extra_overtime: resources,
        };
        let mut inventory = Vec::with_capacity(n_items * n_periods);
        for i in 0..n_items {
            let item = &self.input.items[i];
            let setup = needs_setup(self.input, i);
            let late = self.late_allowed(i) && self.has_demand(i);
            for t in 0..n_periods {
                let k = (i, t);
                if big_m[k] > 0.0 {
                    vars.lot[k] = Some(self.add(variable().min(0.0).max(big_m[k]), false));
                    if setup {
                        vars.setup[k] = Some(self.add(variable().binary(), true));
                    }
                    if let Some(mult) = item.lot_multiple {
                        let max_k = (big_m[k] / mult + 1e-9).floor();
                        vars.multiple[k] = Some(self.add(variable().integer().min(0.0).max(max_k), true));
                    }
                }
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
                if self.options.elastic {
                    vars.extra_overtime[(r, t)] = Some(self.add(variable().min(0.0), false));
                }
            }
        }
        self.vars = vars;
    }

    /// Inventory balance, for every item `i` and period `t`:
    ///
    /// `I[i,t] = I[i,t-1] + x[i,t-L_i] + R[i,t] - Σ_p a[i,p] x[p,t] - F[i,t]`,
    /// with `I[i,-1] = initial_inventory` and `F[i,t] = D[i,t]` where shipments cannot be late.
    fn add_inventory_balance(&mut self) {
        let n_periods = self.n_periods;
        for i in 0..self.input.items.len() {
            let lead = self.input.items[i].lead_time;
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
                if t >= lead {
                    if let Some(x) = self.vars.lot[(i, t - lead)] {
                        lhs.add_mul(-1.0, x);
                    }
                }
                for (p, q) in self.bom.where_used(i) {
                    if let Some(x) = self.vars.lot[(p, t)] {
                        lhs.add_mul(q, x);
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
    /// `Σ_i (u[i,r] x[i,t] + s[i,r] y[i,t]) <= C[r,t] + O[r,t]` (+ elastic overtime).
    fn add_capacity(&mut self) {
        let n_periods = self.n_periods;
        for (r, res) in self.input.resources.iter().enumerate() {
            let routings: Vec<_> = self.input.routings.iter().filter(|ro| ro.resource == r).collect();
            for t in 0..n_periods {
                let mut lhs = Expression::with_capacity(2 * routings.len() + 2);
                let mut any = false;
                for ro in &routings {
                    let k = (ro.item, t);
                    if let Some(x) = self.vars.lot[k] {
                        if ro.unit_time > 0.0 {
                            lhs.add_mul(ro.unit_time, x);
                            any = true;
                        }
                        if ro.setup_time > 0.0 {
                            if let Some(y) = self.vars.setup[k] {
                                lhs.add_mul(ro.setup_time, y);
                                any = true;
                            }
                        }
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

    /// Setup linking: `x[i,t] <= M[i,t] y[i,t]` with the tight `M` of [`setup_big_m`].
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
            if !is_eligible {
                continue;
            }
            let lead = self.input.items[i].lead_time;
            // served[k] = the w variables that serve period k.
            let mut served: Vec<Expression> = (0..n_periods).map(|_| Expression::with_capacity(n_periods)).collect();
            for t in 0..n_periods {
                let (Some(x), Some(y)) = (self.vars.lot[(i, t)], self.vars.setup[(i, t)]) else { continue };
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
            if !is_eligible {
                continue;
            }
            let lead = self.input.items[i].lead_time;
            for t in 0..n_periods {
                let (Some(x), Some(y)) = (self.vars.lot[(i, t)], self.vars.setup[(i, t)]) else { continue };
                let mut cumulative = 0.0;
                for k in (t + lead)..n_periods {
                    cumulative += self.demand[(i, k)];
                    if cumulative >= big_m[(i, t)] {
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

    /// Lot rules: `x[i,t] >= min_lot_i y[i,t]`; `x[i,t] = lot_multiple_i k[i,t]`
    /// (`x <= max_lot` is in the variable's upper bound).
    fn add_lot_rules(&mut self) {
        for i in 0..self.input.items.len() {
            let item = &self.input.items[i];
            for t in 0..self.n_periods {
                let k = (i, t);
                let Some(x) = self.vars.lot[k] else { continue };
                if item.min_lot > 0.0 {
                    if let Some(y) = self.vars.setup[k] {
                        let mut lhs = Expression::with_capacity(2);
                        lhs.add_mul(1.0, x);
                        lhs.add_mul(-item.min_lot, y);
                        self.constraints.push(lhs.geq(0.0));
                    }
                }
                if let (Some(mult), Some(count)) = (item.lot_multiple, self.vars.multiple[k]) {
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

    /// Objective: `Σ_{i,t} (unit_cost x + holding I + backlog_cost B + penalty S +
    /// (order_cost + Σ_r setup_cost) y) + Σ_{r,t} overtime_cost O`
    /// (+ the elastic penalty on late demand that may not be late and on extra overtime).
    fn objective(&self) -> Expression {
        let n_periods = self.n_periods;
        let mut obj = Expression::with_capacity(self.size.variables);
        for (i, item) in self.input.items.iter().enumerate() {
            let setup_cost: f64 = item.order_cost + self.input.routings_of(i).map(|r| r.setup_cost).sum::<f64>();
            let backlog_cost = match item.backlog_cost {
                Some(c) => c,
                None => self.elastic_penalty,
            };
            for t in 0..n_periods {
                let k = (i, t);
                if let Some(x) = self.vars.lot[k] {
                    if item.unit_cost > 0.0 {
                        obj.add_mul(item.unit_cost, x);
                    }
                }
                if let Some(y) = self.vars.setup[k] {
                    if setup_cost > 0.0 {
                        obj.add_mul(setup_cost, y);
                    }
                }
                if item.holding_cost > 0.0 {
                    obj.add_mul(item.holding_cost, self.vars.inventory[k]);
                }
                if let Some(b) = self.vars.backlog[k] {
                    if backlog_cost > 0.0 {
                        obj.add_mul(backlog_cost, b);
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
        obj
    }
}
