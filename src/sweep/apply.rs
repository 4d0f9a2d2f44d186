//! Scenario -> modified plan: pure functions, no I/O.
//!
//! Demand changes multiply the quantity of each order (global x market x item factors) and of
//! each forecast row (global x item factors: a forecast has no market). When several item
//! patterns match one item, their demand factors multiply, their lead-time changes add, and
//! the MOQ of the alphabetically last pattern wins. A Monte-Carlo sample then redraws the
//! planned demand of every item-period bucket (orders and forecast of the bucket scaled by
//! `draw / mean`; orders scaled to 0 are dropped), so the bucket's demand equals the draw.
//!
//! Lead times: an item's `lead_time` change moves the item's own lead time and the lead-time
//! overrides of its routes and sources by the same periods (each floored at 0); a supplier's
//! `supplier_lead_time` change then moves every source of the supplier (floor 0 again), so a
//! source without an override of its own moves from the item's changed lead time. Several
//! supplier patterns matching one supplier add up; the `supplier_max` of the alphabetically
//! last pattern wins. A removed route or supplier (`no_route`, `no_supplier`) keeps its rows
//! but can no longer hold a lot ([`removed_lead_time`]).
//!
//! Configurable products: an item pattern matches a planning class by its class id or its
//! product's id (each pattern once), and a product's forecast by the product's id; `mix` sets a
//! value's share and scales the attribute's other values to the rest. The changed products go
//! into the plan's `configuration`, and [`scenario_demand`] spreads their forecasts with the
//! planner's own rule (`plan::demand`).

use crate::grid::Grid;
use crate::input::{Configuration, PlanInput, SupplyOption};
use crate::plan::demand::spread_product_forecasts;
use crate::sweep::scenario::{pattern_matches, Distribution, ScenarioChanges};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Per-order and per-cell facts of the base demand, computed once per sweep.
#[derive(Debug, Clone)]
pub struct DemandIndex {
    n_items: usize,
    n_periods: usize,
    /// Bucket `(item, period)` of each order, `None` when beyond the horizon.
    order_cell: Vec<Option<(usize, usize)>>,
    /// Base forecast table (max of duplicate rows).
    forecast: Grid<f64>,
}

impl DemandIndex {
    /// Indexes the orders and forecast of `input` by bucket.
    pub fn new(input: &PlanInput) -> Self {
        let n_items = input.items.len();
        let n_periods = input.n_periods();
        let order_cell = input
            .orders
            .iter()
            .map(|o| {
                let t = input.horizon.planned_period(o.due_date)?;
                (o.item < n_items).then_some((o.item, t))
            })
            .collect();
        let mut forecast = Grid::new(n_items, n_periods, 0.0);
        for f in &input.forecast {
            if let Some(cell) = forecast.get_mut(f.item, f.period) {
                *cell = f64::max(*cell, f.quantity);
            }
        }
        DemandIndex { n_items, n_periods, order_cell, forecast }
    }
}

/// A scenario's changes resolved to indices of one plan.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// Demand factor per item (global x item patterns; a planning class also matches the
    /// patterns by its product's id, each pattern once).
    pub item_demand: Vec<f64>,
    /// Forecast factor per configurable product (global x the item patterns its id matches).
    pub product_demand: Vec<f64>,
    /// Demand factor per order (item factor x market factor).
    pub order_factor: Vec<f64>,
    /// New lead time per item.
    pub lead_time: Vec<usize>,
    /// Periods added to each item's lead times (its own and its routes' and sources'
    /// overrides), before the floor at 0: the sum of the matching `lead_time` patterns.
    pub item_lead_delta: Vec<i64>,
    /// Periods added to the lead time of every source of each supplier (after the item's
    /// change, floor 0): the sum of the matching `supplier_lead_time` patterns.
    pub supplier_lead_delta: Vec<i64>,
    /// New `max_per_period` of every source of each supplier (`None`: unchanged).
    pub supplier_max: Vec<Option<f64>>,
    /// Per named route ([`PlanInput::routes`]): removed by `no_route`.
    pub route_removed: Vec<bool>,
    /// Per supplier ([`PlanInput::suppliers`]): removed by `no_supplier`.
    pub supplier_removed: Vec<bool>,
    /// Capacity factor per resource and period (`r * T + t`).
    pub capacity_factor: Grid<f64>,
}

/// `lead + delta`, floored at 0.
fn shifted(lead: usize, delta: i64) -> usize {
    (lead as i64).saturating_add(delta).max(0) as usize
}

impl Resolved {
    /// Whether the scenario removes the route or supplier of `option` (an option of the base
    /// plan).
    pub fn removes(&self, option: &SupplyOption) -> bool {
        let route = option.route().is_some_and(|r| self.route_removed.get(r).copied().unwrap_or(false));
        let supplier = option.supplier().is_some_and(|v| self.supplier_removed.get(v).copied().unwrap_or(false));
        route || supplier
    }

    /// The scenario's lead time of `option` (an option of the base plan): the item's change,
    /// then its supplier's, each floored at 0 (whether or not the option is removed).
    pub fn option_lead_time(&self, option: &SupplyOption) -> usize {
        let lead = shifted(option.lead_time, self.item_lead_delta.get(option.item).copied().unwrap_or(0));
        match option.supplier() {
            Some(v) => shifted(lead, self.supplier_lead_delta.get(v).copied().unwrap_or(0)),
            None => lead,
        }
    }

    /// The scenario's `max_per_period` of `option` (an option of the base plan).
    pub fn option_max_per_period(&self, option: &SupplyOption) -> Option<f64> {
        option.supplier().and_then(|v| self.supplier_max.get(v).copied().flatten()).or(option.max_per_period)
    }
}

/// The lead time that removes a route or a source from a plan of `n_periods` periods.
///
/// In the spec's model (section 2) a lot variable `x[o,t]` of option `o` exists only for
/// `t <= T - L_o` (1-based; a lot arriving after the horizon is not modelled), and the
/// option's setup `y[o,t]`, its lot-multiple count, its routing rows' run and setup time and
/// costs, its family setups and its supplier's joint orders all enter the model only through
/// such lots. With `L_o = T` there is no `t` at all: the option has no variable, costs
/// nothing, uses no capacity and consumes no component, exactly as if its rows were not in
/// the plan directory. (A scaled price or a capacity of 0 would not be exact: the first still
/// lets the solver buy at a high price, the second changes every other route on the
/// resource.) The planner builds no lot of it either: the warm start and the repair only
/// place lots within the model's bounds.
pub fn removed_lead_time(n_periods: usize) -> usize {
    n_periods
}

/// Resolves patterns, markets, resources, suppliers and routes of `changes` against `input`.
pub fn resolve(input: &PlanInput, changes: &ScenarioChanges) -> Resolved {
    let n_periods = input.n_periods();
    let scale = changes.demand_scale.unwrap_or(1.0);
    let configuration = &input.configuration;
    let mut product_of = vec![None; input.items.len()];
    for class in &configuration.classes {
        if let (Some(slot), Some(product)) = (product_of.get_mut(class.item), configuration.products.get(class.product))
        {
            *slot = Some(product.item.id.as_str());
        }
    }
    let item_demand: Vec<f64> = input
        .items
        .iter()
        .zip(&product_of)
        .map(|(it, product)| {
            let matches = |p: &str| pattern_matches(p, &it.id) || product.is_some_and(|id| pattern_matches(p, id));
            changes.item_demand.iter().filter(|(p, _)| matches(p)).fold(scale, |acc, (_, f)| acc * f)
        })
        .collect();
    let product_demand = configuration
        .products
        .iter()
        .map(|product| {
            let id = &product.item.id;
            changes.item_demand.iter().filter(|(p, _)| pattern_matches(p, id)).fold(scale, |acc, (_, f)| acc * f)
        })
        .collect();
    let order_factor = input
        .orders
        .iter()
        .map(|o| {
            let market = o.market.as_deref().and_then(|m| changes.market_demand.get(m)).copied().unwrap_or(1.0);
            item_demand.get(o.item).copied().unwrap_or(1.0) * market
        })
        .collect();
    let item_lead_delta: Vec<i64> = input
        .items
        .iter()
        .map(|it| changes.lead_time.iter().filter(|(p, _)| pattern_matches(p, &it.id)).map(|(_, d)| d).sum())
        .collect();
    let lead_time = input.items.iter().zip(&item_lead_delta).map(|(it, &delta)| shifted(it.lead_time, delta)).collect();
    let supplier_lead_delta = input
        .suppliers
        .iter()
        .map(|v| changes.supplier_lead_time.iter().filter(|(p, _)| pattern_matches(p, &v.id)).map(|(_, d)| d).sum())
        .collect();
    let supplier_max = input
        .suppliers
        .iter()
        .map(|v| changes.supplier_max.iter().rev().find(|(p, _)| pattern_matches(p, &v.id)).map(|(_, &m)| m))
        .collect();
    let supplier_removed =
        input.suppliers.iter().map(|v| changes.no_supplier.iter().any(|p| pattern_matches(p, &v.id))).collect();
    let route_removed = input
        .routes
        .iter()
        .map(|route| {
            let item = input.items.get(route.item).map_or("", |it| it.id.as_str());
            changes.no_route.iter().any(|spec| {
                spec.rsplit_once('/').is_some_and(|(pattern, id)| id == route.id && pattern_matches(pattern, item))
            })
        })
        .collect();
    let mut capacity_factor = Grid::new(input.resources.len(), n_periods, 1.0);
    for (r, res) in input.resources.iter().enumerate() {
        let whole = changes.capacity_scale.get(&res.id).copied().unwrap_or(1.0);
        for t in 0..n_periods {
            let windows = changes
                .capacity_windows
                .iter()
                .filter(|w| w.resource == res.id && w.from <= t && t <= w.to)
                .fold(1.0, |acc, w| acc * w.scale);
            capacity_factor[(r, t)] = whole * windows;
        }
    }
    Resolved {
        item_demand,
        product_demand,
        order_factor,
        lead_time,
        item_lead_delta,
        supplier_lead_delta,
        supplier_max,
        route_removed,
        supplier_removed,
        capacity_factor,
    }
}

/// The planned demand table of a scenario, computed straight from the
/// index: the same numbers [`crate::plan::demand::bucket_demand`] gives on [`apply`]'s plan.
/// `ratios` receives the Monte-Carlo factor per cell (1 without random demand).
pub fn scenario_demand(
    input: &PlanInput,
    index: &DemandIndex,
    changes: &ScenarioChanges,
    resolved: &Resolved,
    planned: &mut Grid<f64>,
    ratios: &mut Grid<f64>,
) {
    *planned = Grid::new(index.n_items, index.n_periods, 0.0);
    for (o, order) in input.orders.iter().enumerate() {
        if let (Some(Some((i, t))), Some(f)) = (index.order_cell.get(o), resolved.order_factor.get(o)) {
            if let Some(cell) = planned.get_mut(*i, *t) {
                *cell += order.quantity * f;
            }
        }
    }
    for i in 0..index.n_items {
        let item_factor = resolved.item_demand.get(i).copied().unwrap_or(1.0);
        for (cell, forecast) in planned.row_mut(i).iter_mut().zip(index.forecast.row(i)) {
            *cell = cell.max(forecast * item_factor);
        }
    }
    if input.configuration.products.iter().any(|product| !product.forecast.is_empty()) {
        // A class has no forecast row: its cells hold its orders, which the spread adds to.
        let configuration = scenario_configuration(input, changes, resolved);
        let firm = planned.clone();
        let mut forecast = Grid::new(index.n_items, index.n_periods, 0.0);
        spread_product_forecasts(&configuration, &firm, &mut forecast, planned);
    }
    *ratios = Grid::new(index.n_items, index.n_periods, 1.0);
    if let Some(random) = changes.random_demand {
        let mut rng = ChaCha8Rng::seed_from_u64(random.seed);
        for (cell, ratio) in planned.cells_mut().iter_mut().zip(ratios.cells_mut().iter_mut()) {
            if *cell > 0.0 {
                let draw = draw_demand(&mut rng, *cell, random.distribution);
                *ratio = draw / *cell;
                *cell = draw;
            }
        }
    }
}

/// The configurable products of `input` under a scenario: each product's forecast times its
/// demand factor, and its mix with the scenario's shares (a value set to `s`, the attribute's
/// other values scaled to share `1 - s` in their old proportions; several values of one
/// attribute set are applied in key order).
fn scenario_configuration(input: &PlanInput, changes: &ScenarioChanges, resolved: &Resolved) -> Configuration {
    let mut configuration = input.configuration.clone();
    for (p, product) in configuration.products.iter_mut().enumerate() {
        let factor = resolved.product_demand.get(p).copied().unwrap_or(1.0);
        product.forecast.iter_mut().for_each(|f| *f *= factor);
        for (key, &share) in &changes.mix {
            let mut parts = key.splitn(3, '/');
            let (Some(id), Some(attribute), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
                continue;
            };
            if id != product.item.id {
                continue;
            }
            let others: f64 =
                product.mix.iter().filter(|m| m.attribute == attribute && m.value != value).map(|m| m.share).sum();
            for m in product.mix.iter_mut().filter(|m| m.attribute == attribute) {
                m.share = if m.value == value {
                    share
                } else if others > 0.0 {
                    m.share / others * (1.0 - share)
                } else {
                    0.0
                };
            }
        }
    }
    configuration
}

/// The base plan with a scenario's changes applied (pure).
pub fn apply(input: &PlanInput, changes: &ScenarioChanges) -> PlanInput {
    let index = DemandIndex::new(input);
    let resolved = resolve(input, changes);
    let (mut planned, mut ratios) = (Grid::default(), Grid::default());
    scenario_demand(input, &index, changes, &resolved, &mut planned, &mut ratios);
    let mut out = input.clone();
    out.orders.clear();
    for (o, order) in input.orders.iter().enumerate() {
        let cell = index.order_cell.get(o).copied().flatten();
        let ratio = cell.and_then(|(i, t)| ratios.get(i, t)).copied().unwrap_or(1.0);
        let quantity = order.quantity * resolved.order_factor.get(o).copied().unwrap_or(1.0) * ratio;
        if quantity > 0.0 && quantity.is_finite() {
            let mut order = order.clone();
            order.quantity = quantity;
            out.orders.push(order);
        }
    }
    for f in &mut out.forecast {
        let ratio = ratios.get(f.item, f.period).copied().unwrap_or(1.0);
        let factor = resolved.item_demand.get(f.item).copied().unwrap_or(1.0) * ratio;
        f.quantity *= factor;
    }
    out.configuration = scenario_configuration(input, changes, &resolved);
    apply_parameters(&mut out, changes, &resolved);
    out
}

/// Applies everything but demand (lead times, MOQ, late shipment, costs, capacity, routes
/// and suppliers) in place. `out` is the base plan (its demand may be changed already).
pub fn apply_parameters(out: &mut PlanInput, changes: &ScenarioChanges, resolved: &Resolved) {
    let s = changes.cost_scale;
    let removed = removed_lead_time(out.n_periods());
    for (r, route) in out.routes.iter_mut().enumerate() {
        let delta = resolved.item_lead_delta.get(route.item).copied().unwrap_or(0);
        route.terms.lead_time = route.terms.lead_time.map(|lead| shifted(lead, delta));
        if resolved.route_removed.get(r).copied().unwrap_or(false) {
            route.terms.lead_time = Some(removed);
        }
    }
    for source in &mut out.sources {
        let v = source.supplier;
        let supplier_delta = resolved.supplier_lead_delta.get(v).copied().unwrap_or(0);
        let item_delta = resolved.item_lead_delta.get(source.item).copied().unwrap_or(0);
        source.terms.lead_time = match source.terms.lead_time {
            Some(lead) => Some(shifted(shifted(lead, item_delta), supplier_delta)),
            // Without an override the source has the item's (changed) lead time.
            None if supplier_delta != 0 => {
                resolved.lead_time.get(source.item).map(|&lead| shifted(lead, supplier_delta))
            }
            None => None,
        };
        if let Some(max) = resolved.supplier_max.get(v).copied().flatten() {
            source.max_per_period = Some(max);
        }
        if resolved.supplier_removed.get(v).copied().unwrap_or(false) {
            source.terms.lead_time = Some(removed);
        }
    }
    for (i, item) in out.items.iter_mut().enumerate() {
        if let Some(&lead) = resolved.lead_time.get(i) {
            item.lead_time = lead;
        }
        if let Some((_, &moq)) = changes.moq.iter().rev().find(|(p, _)| pattern_matches(p, &item.id)) {
            item.min_lot = moq;
        }
        if changes.no_backlog.iter().any(|p| pattern_matches(p, &item.id)) {
            item.backlog_cost = None;
        }
        item.unit_cost *= s.unit;
        item.holding_cost *= s.holding;
        item.backlog_cost = item.backlog_cost.map(|b| b * s.backlog);
        item.safety_stock_penalty *= s.safety_stock;
        item.order_cost *= s.ordering;
        item.unmet_cost *= s.unmet;
    }
    // A route's or source's own prices are the unit and ordering terms of its lots, as the
    // item's are (evaluate mode scales them alike: it scales the lots' cost by term).
    let terms = out.routes.iter_mut().map(|r| &mut r.terms).chain(out.sources.iter_mut().map(|v| &mut v.terms));
    for terms in terms {
        terms.unit_cost = terms.unit_cost.map(|c| c * s.unit);
        terms.order_cost = terms.order_cost.map(|c| c * s.ordering);
    }
    for routing in &mut out.routings {
        routing.setup_cost *= s.setup;
    }
    for family in &mut out.families {
        family.setup_cost *= s.family_setup;
    }
    for supplier in &mut out.suppliers {
        supplier.order_cost *= s.joint_order;
    }
    for (r, res) in out.resources.iter_mut().enumerate() {
        res.overtime_cost *= s.overtime;
        for (t, cap) in res.capacity.iter_mut().enumerate() {
            *cap *= resolved.capacity_factor.get(r, t).copied().unwrap_or(1.0);
        }
    }
}

/// One demand draw with mean `mean` (> 0).
pub fn draw_demand(rng: &mut ChaCha8Rng, mean: f64, distribution: Distribution) -> f64 {
    match distribution {
        Distribution::Poisson => poisson(rng, mean),
        Distribution::NegativeBinomial { dispersion } => {
            // Gamma-Poisson mixture: lambda ~ Gamma(1/d, mean*d) has mean `mean`, variance d*mean^2.
            let lambda = gamma(rng, 1.0 / dispersion) * mean * dispersion;
            if lambda > 0.0 {
                poisson(rng, lambda)
            } else {
                0.0
            }
        }
    }
}

/// A uniform draw in (0, 1].
fn unit_open(rng: &mut ChaCha8Rng) -> f64 {
    1.0 - rng.random::<f64>()
}

/// Poisson draw: Knuth's product method on pieces of mean <= 25 (exact, O(mean)); a normal
/// approximation above a mean of 1e6.
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    if mean.is_nan() || mean <= 0.0 || mean.is_infinite() {
        return 0.0;
    }
    if mean > 1e6 {
        return (mean + mean.sqrt() * normal(rng)).round().max(0.0);
    }
    let pieces = (mean / 25.0).ceil().max(1.0);
    let piece = mean / pieces;
    let limit = (-piece).exp();
    let mut total = 0.0;
    for _ in 0..pieces as usize {
        let mut product = unit_open(rng);
        while product > limit {
            total += 1.0;
            product *= unit_open(rng);
        }
    }
    total
}

/// Standard normal draw (Box-Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = unit_open(rng);
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Gamma(shape, 1) draw (Marsaglia-Tsang; shape < 1 by the `u^(1/shape)` boost).
fn gamma(rng: &mut ChaCha8Rng, shape: f64) -> f64 {
    if shape.is_nan() || shape <= 0.0 || shape.is_infinite() {
        return 0.0;
    }
    if shape < 1.0 {
        return gamma(rng, shape + 1.0) * unit_open(rng).powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = unit_open(rng);
        if u.ln() < 0.5 * x * x + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}
