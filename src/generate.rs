//! A synthetic C2B plan generator (`flexplan generate`).
//!
//! [`generate`] builds a realistic, seeded [`PlanInput`] of any size: about 20 % end items
//! (made, with a backlog cost, demanded by customer orders), 30 % intermediates (made) and
//! 50 % purchased components (bought, with supplier minimum order quantities, pack sizes and
//! lead times of 1-3 periods), joined by a layered acyclic BOM; resources with routings for
//! every made item and a holiday period; and many small, lumpy orders spread over the
//! horizon, with about 3 % past due and 2 % beyond the horizon. Resource capacities are
//! calibrated so that the rough-cut load (a lot-for-lot explosion of the generated demand) is
//! 75-85 % of capacity on average.
//!
//! The result depends only on the [`GenerateSpec`]: every random draw comes from
//! [`ChaCha8Rng`] through the small samplers below, which use integer arithmetic and exact
//! floating-point operations only (no `ln`, `exp` or `powf`, whose last bits may differ
//! between platforms). Each part of the plan (items, BOM, routings, orders, ...) draws from its
//! own ChaCha stream, so, for example, changing the number of orders leaves the item master
//! and the BOM unchanged.
//!
//! [`GenerateSpec::flexible`] adds version-2 flexibility on top (alternative routes,
//! subcontracting, several suppliers, joint order costs, setup families, unmet cost; see
//! [`FlexibleSpec`]). It is drawn from streams of its own after the version-1 plan is complete,
//! so the version-1 part of a flexible plan is the plain plan of the same spec, and without
//! flexibility the plan is exactly what it always was.

use crate::error::{Error, Result};
use crate::grid::Grid;
use crate::input::bom::{BomGraph, Netting};
use crate::input::{
    BomEdge, Bucket, Family, Horizon, Item, ItemKind, LotTerms, Order, PlanInput, Receipt, Resource, Route, Routing,
    SolverConfig, Source, Supplier,
};
use crate::plan::demand::bucket_demand;
use crate::plan::solution::routing_load;
use chrono::{Datelike, Days, NaiveDate};
use rand_chacha::rand_core::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::ops::Range;

mod configurable;
mod flexible;
pub use configurable::{
    generate_configurable_adversarial, generate_storefront, ConfigurableSpec, StorefrontSpec, MAX_COLOURS, MAX_SIZES,
};
pub use flexible::{FlexibleSpec, DEFAULT_UNMET_COST_FACTOR, MAX_FAMILIES, MAX_ROUTES, MAX_SUPPLIERS};

/// At most this many item-periods (`items * periods`): the generator keeps a few `f64` per
/// item-period, and a larger request is refused rather than exhausting memory.
pub const MAX_ITEM_PERIODS: usize = 50_000_000;

/// The `mip_gap` written into generated plans' `plan.toml`.
pub const GENERATED_MIP_GAP: f64 = 0.01;

/// What to generate. Sizes are exact: `items` items, `orders` orders, `periods` periods.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateSpec {
    /// Seed of the random generator: the same spec always gives the same plan.
    pub seed: u64,
    /// Number of items (>= 1).
    pub items: usize,
    /// Number of customer orders (may be 0).
    pub orders: usize,
    /// Number of periods (>= 1).
    pub periods: usize,
    /// Period length.
    pub bucket: Bucket,
    /// First day of period 1 (the 1st of a month for [`Bucket::Month`]).
    pub start: NaiveDate,
    /// Version-2 flexibility to add (the default adds none: a version-1 plan).
    pub flexible: FlexibleSpec,
}

impl Default for GenerateSpec {
    /// Seed 1, 30 items, 500 orders, 12 weekly periods from Monday 2026-01-05.
    fn default() -> Self {
        GenerateSpec {
            seed: 1,
            items: 30,
            orders: 500,
            periods: 12,
            bucket: Bucket::Week,
            start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
            flexible: FlexibleSpec::default(),
        }
    }
}

/// A [`GenerateSpec`] that cannot be generated: an [`Error::Request`] to `generate` (0 items
/// or periods, a month bucket not starting on the 1st, a horizon beyond the last supported date,
/// more than [`MAX_ITEM_PERIODS`] item-periods).
fn refused(message: String) -> Error {
    Error::request("generate", message)
}

/// The most days before its due date an order of [`order_creation_dates`] is placed.
pub const MAX_ORDER_NOTICE_DAYS: u64 = 21;

/// When each order of `plan` (made by [`generate`] from `spec`) was placed: its due date less
/// a notice drawn uniformly from 0 to [`MAX_ORDER_NOTICE_DAYS`] days, from a stream of its own
/// (the plan's files do not change). A rolling-horizon simulation plans each night with the
/// orders placed by then.
pub fn order_creation_dates(spec: &GenerateSpec, plan: &PlanInput) -> Vec<NaiveDate> {
    let mut sampler = Sampler::new(spec.seed, Stream::OrderCreation);
    plan.orders
        .iter()
        .map(|order| {
            let notice = sampler.below(MAX_ORDER_NOTICE_DAYS as usize + 1) as u64;
            order.due_date.checked_sub_days(chrono::Days::new(notice)).unwrap_or(order.due_date)
        })
        .collect()
}

/// Generates the plan described by `spec` (deterministic for a given spec).
pub fn generate(spec: &GenerateSpec) -> Result<PlanInput> {
    let horizon = checked_horizon(spec)?;
    spec.flexible.check().map_err(refused)?;
    let layout = Layout::new(spec.items);
    let mut items = generate_items(spec.seed, &layout);
    let bom = generate_bom(spec.seed, &layout);
    price_backlog(&mut items, &bom);
    let orders = generate_orders(spec, &horizon, &layout);
    let mut plan = PlanInput {
        // Capacitated lot sizing with setup times closes its last percent of gap slowly (a
        // 30-item plan needs ~100 s for 1 %, minutes for 0.3 %); generated plans are for
        // tests and benchmarks, so they ask for a 1 % gap like the bundled example.
        solver: SolverConfig { mip_gap: Some(GENERATED_MIP_GAP), ..SolverConfig::default() },
        items,
        bom,
        orders,
        ..PlanInput::new(horizon)
    };
    // The rough-cut requirements: the generated demand exploded lot for lot.
    let bom_graph = BomGraph::new(&plan).map_err(|e| {
        Error::request("generate", format!("the generator made an invalid plan (please report this): {e}"))
    })?;
    let requirements = bom_graph.explode(&plan, bucket_demand(&plan).planned_table(), Netting::Gross);
    cover_early_requirements(&mut plan.items, &requirements.releases_before_horizon);
    set_purchase_lots(spec.seed, &mut plan.items, &layout, &requirements.gross);
    plan.routings = generate_routings(spec.seed, &layout);
    plan.resources = calibrate_resources(spec.seed, &layout, &plan.routings, &requirements.releases);
    plan.receipts = generate_receipts(spec.seed, &plan.items, &layout, horizon.periods);
    if !spec.flexible.is_none() {
        flexible::add_flexibility(spec.seed, &spec.flexible, &layout, &mut plan, &requirements);
    }
    Ok(plan)
}

/// Checks the spec and returns its horizon.
fn checked_horizon(spec: &GenerateSpec) -> Result<Horizon> {
    if spec.items == 0 {
        return Err(refused("cannot generate a plan with 0 items; ask for at least 1".into()));
    }
    if spec.periods == 0 {
        return Err(refused("cannot generate a plan with 0 periods; ask for at least 1".into()));
    }
    if spec.items.checked_mul(spec.periods).is_none_or(|cells| cells > MAX_ITEM_PERIODS) {
        return Err(refused(format!(
            "{} items x {} periods is too large: at most {MAX_ITEM_PERIODS} item-periods",
            spec.items, spec.periods
        )));
    }
    if spec.bucket == Bucket::Month && spec.start.day() != 1 {
        return Err(refused(format!("a month bucket must start on the 1st of a month, not {}", spec.start)));
    }
    let horizon = Horizon { start: spec.start, bucket: spec.bucket, periods: spec.periods };
    // One more period than the horizon: orders beyond the horizon fall in it.
    match horizon.period_start(spec.periods + 1) {
        Some(_) => Ok(horizon),
        None => {
            Err(refused(format!("{} periods from {} end beyond the last supported date", spec.periods, spec.start)))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Random sampling

/// The independent random streams, one per part of the plan.
#[derive(Debug, Clone, Copy)]
enum Stream {
    Items = 1,
    Bom = 2,
    Orders = 3,
    PurchaseLots = 4,
    Routings = 5,
    Capacity = 6,
    Receipts = 7,
    Adversarial = 8,
    AdversarialSize = 9,
    /// The flexible adversarial plans (version 2).
    Flexible = 10,
    /// Alternative routes (version 2).
    Routes = 11,
    /// Partner-factory routes (version 2).
    Subcontract = 12,
    /// Sources and suppliers (version 2).
    Sources = 13,
    /// Setup families (version 2).
    Families = 14,
    /// When each order was placed (the rolling-horizon simulation of replanning).
    OrderCreation = 15,
    /// The adversarial plans with configurable products.
    Configurable = 16,
    /// Their sizes.
    ConfigurableSize = 17,
    /// A storefront's catalog (products, blanks, prices).
    StorefrontCatalog = 18,
    /// A storefront's orders.
    StorefrontOrders = 19,
}

/// Small portable samplers over [`ChaCha8Rng`].
struct Sampler {
    rng: ChaCha8Rng,
}

impl Sampler {
    /// The sampler for `stream` of `seed`.
    fn new(seed: u64, stream: Stream) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream as u64);
        Sampler { rng }
    }

    /// Uniform in `0..n` (0 when `n` is 0), unbiased (Lemire's multiply-and-reject).
    fn below(&mut self, n: usize) -> usize {
        let range = n as u64;
        if range == 0 {
            return 0;
        }
        let threshold = range.wrapping_neg() % range;
        loop {
            let product = u128::from(self.rng.next_u64()) * u128::from(range);
            if (product as u64) >= threshold {
                return (product >> 64) as usize;
            }
        }
    }

    /// Uniform in `low..=high` (`low` when `high < low`).
    fn int_between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high.saturating_sub(low).saturating_add(1))
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    fn unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[low, high)`.
    fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A Zipf-like skewed index in `0..n`: `floor(n * u^3)`, so low indices are much more
    /// likely (index 0 gets about `n^(-1/3)` of the draws).
    fn skewed_below(&mut self, n: usize) -> usize {
        let u = self.unit();
        let index = (n as f64 * u * u * u) as usize;
        index.min(n.saturating_sub(1))
    }

    /// An index drawn with probability proportional to `weights` (0 for empty weights).
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut draw = self.below(total as usize) as u64;
        for (index, &weight) in weights.iter().enumerate() {
            if draw < u64::from(weight) {
                return index;
            }
            draw -= u64::from(weight);
        }
        0
    }

    /// One element of a non-empty slice, uniformly (the default for an empty one).
    fn pick<T: Copy + Default>(&mut self, values: &[T]) -> T {
        values.get(self.below(values.len())).copied().unwrap_or_default()
    }

    /// A lumpy order quantity in `1..=20`: mostly 1-3 units (one plus a geometric number of
    /// extra units, by Bernoulli trials), sometimes a batch of 5-20.
    fn lumpy_quantity(&mut self) -> u32 {
        if self.chance(0.25) {
            return self.int_between(5, 20) as u32;
        }
        let mut quantity = 1;
        while quantity < 20 && self.chance(0.45) {
            quantity += 1;
        }
        quantity
    }

    /// Shuffles `values` in place (Fisher-Yates).
    fn shuffle<T>(&mut self, values: &mut [T]) {
        for last in (1..values.len()).rev() {
            let other = self.below(last + 1);
            values.swap(last, other);
        }
    }
}

/// `value` rounded to `decimals` decimals (exact operations only).
fn round_to(value: f64, decimals: i32) -> f64 {
    let scale = match decimals {
        2 => 100.0,
        3 => 1000.0,
        4 => 10000.0,
        _ => 1.0,
    };
    (value * scale).round() / scale
}

// ---------------------------------------------------------------------------------------------
// Item classes and BOM levels

/// How the items are split into classes and BOM levels.
///
/// Items are ordered end items (level 0), then intermediates level by level, then purchased
/// components (the deepest level). A component always comes from a deeper level than its
/// parent, so its index is larger: the BOM is acyclic by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Layout {
    /// Item index ranges, one per BOM level, from the end items down; no empty level.
    levels: Vec<Range<usize>>,
    /// Index range of the end items.
    end_items: Range<usize>,
    /// Index range of the intermediates (all their levels).
    intermediates: Range<usize>,
    /// Index range of the purchased components.
    purchased: Range<usize>,
}

impl Layout {
    /// The layout for `n_items >= 1` items: ~20 % end items, ~50 % purchased, the rest
    /// intermediates on 1-3 levels (fewer when there are few of them).
    fn new(n_items: usize) -> Self {
        let n_end = ((n_items + 2) / 5).clamp(1, n_items.max(1));
        let rest = n_items.saturating_sub(n_end);
        let n_purchased = if rest == 0 { 0 } else { n_items.div_ceil(2).clamp(1, rest) };
        let n_intermediate = rest - n_purchased;
        let n_intermediate_levels = match n_intermediate {
            0 => 0,
            1..=7 => 1,
            8..=29 => 2,
            _ => 3,
        };
        let end_items = 0..n_end;
        let intermediates = n_end..n_end + n_intermediate;
        let purchased = intermediates.end..intermediates.end + n_purchased;
        let mut levels = vec![end_items.clone()];
        for level in 0..n_intermediate_levels {
            let from = intermediates.start + n_intermediate * level / n_intermediate_levels;
            let to = intermediates.start + n_intermediate * (level + 1) / n_intermediate_levels;
            levels.push(from..to);
        }
        if !purchased.is_empty() {
            levels.push(purchased.clone());
        }
        Layout { levels, end_items, intermediates, purchased }
    }

    /// Number of items.
    fn n_items(&self) -> usize {
        self.purchased.end
    }

    /// Whether `item_idx` is made (an end item or an intermediate).
    fn is_make(&self, item_idx: usize) -> bool {
        item_idx < self.intermediates.end
    }
}

/// Digits needed to print `n`, at least `minimum`.
fn id_width(n: usize, minimum: usize) -> usize {
    n.to_string().len().max(minimum)
}

/// The item master, before the requirement-dependent fields (initial inventory, purchase
/// lots) are set.
fn generate_items(seed: u64, layout: &Layout) -> Vec<Item> {
    let mut sampler = Sampler::new(seed, Stream::Items);
    let width = id_width(layout.n_items(), 4);
    let mut items = Vec::with_capacity(layout.n_items());
    for (number, _) in layout.end_items.clone().enumerate() {
        items.push(end_item(&mut sampler, format!("FG-{:0width$}", number + 1)));
    }
    for (number, _) in layout.intermediates.clone().enumerate() {
        items.push(intermediate_item(&mut sampler, format!("WIP-{:0width$}", number + 1)));
    }
    for (number, _) in layout.purchased.clone().enumerate() {
        items.push(purchased_item(&mut sampler, format!("RM-{:0width$}", number + 1)));
    }
    items
}

/// A finished good, made to order within the period (no lead time): late shipment allowed at
/// a cost.
fn end_item(sampler: &mut Sampler, id: String) -> Item {
    let mut item = Item::new(id, ItemKind::Make);
    item.unit_cost = round_to(sampler.between(8.0, 40.0), 2);
    item.holding_cost = round_to(item.unit_cost * sampler.between(0.005, 0.015), 4);
    // Replaced by `price_backlog` once the BOM is known; drawn here to keep the stream fixed.
    item.backlog_cost = Some(sampler.between(1.2, 2.0));
    item
}

/// A made intermediate (cut panels, printed blanks, sub-assemblies).
fn intermediate_item(sampler: &mut Sampler, id: String) -> Item {
    let mut item = Item::new(id, ItemKind::Make);
    item.unit_cost = round_to(sampler.between(1.0, 12.0), 2);
    item.holding_cost = round_to(item.unit_cost * sampler.between(0.005, 0.015), 4);
    item.lead_time = usize::from(sampler.chance(0.5));
    item
}

/// A purchased component; its minimum order quantity and pack size are set later, from its
/// requirements.
fn purchased_item(sampler: &mut Sampler, id: String) -> Item {
    let mut item = Item::new(id, ItemKind::Buy);
    item.unit_cost = round_to(sampler.between(0.05, 6.0), 2);
    item.holding_cost = round_to(item.unit_cost * sampler.between(0.005, 0.015), 4);
    item.lead_time = sampler.int_between(1, 3);
    item.order_cost = round_to(sampler.between(15.0, 80.0), 2);
    item
}

/// Sets each end item's backlog cost per period to its rolled-up cost (its unit cost plus
/// its components' rolled-up costs, per unit) times the factor drawn in [`end_item`]
/// (1.2-2.0). A backlog cost below the rolled-up cost would make it cheaper to leave demand
/// near the end of the horizon unshipped than to make it.
fn price_backlog(items: &mut [Item], bom: &[BomEdge]) {
    let rolled_up = rolled_up_costs(items, bom);
    for (item, cost) in items.iter_mut().zip(rolled_up) {
        if let Some(factor) = item.backlog_cost {
            item.backlog_cost = Some(round_to(cost * factor, 2));
        }
    }
}

/// Each item's rolled-up cost per unit: its unit cost plus its components' rolled-up costs
/// times their BOM quantities (the BOM of [`generate_bom`]: components have larger indices).
fn rolled_up_costs(items: &[Item], bom: &[BomEdge]) -> Vec<f64> {
    let mut rolled_up: Vec<f64> = items.iter().map(|item| item.unit_cost).collect();
    // Components have larger indices than their parents: walk the edges from the back.
    for edge in bom.iter().rev() {
        let component_cost = rolled_up.get(edge.component).copied().unwrap_or(0.0);
        if let Some(parent_cost) = rolled_up.get_mut(edge.parent) {
            *parent_cost += edge.quantity * component_cost;
        }
    }
    rolled_up
}

/// Units of a purchased component per parent (fabric in metres, ink in litres, ...).
const PURCHASED_QUANTITIES: [f64; 8] = [1.0, 1.0, 1.0, 2.0, 0.5, 0.25, 0.1, 4.0];
/// Units of a made component per parent.
const MADE_QUANTITIES: [f64; 5] = [1.0, 1.0, 1.0, 2.0, 3.0];

/// Picks components level by level, covering every component level's items once (in a
/// random order) before reusing popular ones (a skewed pick), so components are shared.
struct ComponentPicker {
    /// Per BOM level: the level's items in a random order.
    orders: Vec<Vec<usize>>,
    /// Per BOM level: how many of `orders[level]` have been handed out once.
    covered: Vec<usize>,
}

impl ComponentPicker {
    /// A picker over `layout`'s levels.
    fn new(sampler: &mut Sampler, layout: &Layout) -> Self {
        let orders: Vec<Vec<usize>> = layout
            .levels
            .iter()
            .map(|level| {
                let mut order: Vec<usize> = level.clone().collect();
                sampler.shuffle(&mut order);
                order
            })
            .collect();
        let covered = vec![0; orders.len()];
        ComponentPicker { orders, covered }
    }

    /// An item of `level`: the next not yet used one, else a skewed pick.
    fn pick(&mut self, sampler: &mut Sampler, level: usize) -> Option<usize> {
        let order = self.orders.get(level)?;
        let covered = self.covered.get_mut(level)?;
        if let Some(&item_idx) = order.get(*covered) {
            *covered += 1;
            return Some(item_idx);
        }
        order.get(sampler.skewed_below(order.len())).copied()
    }

    /// A skewed pick of `level` (popular items first), ignoring coverage.
    fn pick_popular(&self, sampler: &mut Sampler, level: usize) -> Option<usize> {
        let order = self.orders.get(level)?;
        order.get(sampler.skewed_below(order.len())).copied()
    }
}

/// The layered BOM: 1-4 components for every make item, the first from the next level down,
/// the others mostly purchased, with no (parent, component) pair twice. Edges are in parent
/// order.
fn generate_bom(seed: u64, layout: &Layout) -> Vec<BomEdge> {
    let mut sampler = Sampler::new(seed, Stream::Bom);
    let mut picker = ComponentPicker::new(&mut sampler, layout);
    let n_levels = layout.levels.len();
    let purchased_level = if layout.purchased.is_empty() { None } else { Some(n_levels - 1) };
    let mut edges = Vec::new();
    for (level, range) in layout.levels.iter().enumerate() {
        if level + 1 >= n_levels || !layout.is_make(range.start) {
            break;
        }
        for parent in range.clone() {
            let n_components = sampler.int_between(1, 4);
            let first_edge = edges.len();
            for slot in 0..n_components {
                let target_level = if slot == 0 {
                    level + 1
                } else if let (true, Some(purchased)) = (sampler.chance(0.6), purchased_level) {
                    purchased
                } else {
                    sampler.int_between(level + 1, n_levels - 1)
                };
                let Some(component) = distinct_component(
                    &mut sampler,
                    &mut picker,
                    target_level,
                    edges.get(first_edge..).unwrap_or_default(),
                ) else {
                    continue;
                };
                let quantity = if layout.is_make(component) {
                    sampler.pick(&MADE_QUANTITIES)
                } else {
                    sampler.pick(&PURCHASED_QUANTITIES)
                };
                edges.push(BomEdge { parent, component, quantity });
            }
        }
    }
    edges
}

/// A component of `level` that is not already among `siblings` (a few tries, else `None`).
fn distinct_component(
    sampler: &mut Sampler,
    picker: &mut ComponentPicker,
    level: usize,
    siblings: &[BomEdge],
) -> Option<usize> {
    let is_new = |candidate: usize| siblings.iter().all(|edge| edge.component != candidate);
    let first = picker.pick(sampler, level)?;
    if is_new(first) {
        return Some(first);
    }
    (0..4).filter_map(|_| picker.pick_popular(sampler, level)).find(|&c| is_new(c))
}

// ---------------------------------------------------------------------------------------------
// Orders

/// Destination markets and their weights (percent of orders).
const MARKETS: [(&str, u32); 7] = [("US", 34), ("DE", 16), ("UK", 15), ("FR", 10), ("AE", 7), ("JP", 11), ("AU", 7)];
/// Share of orders due before the horizon start.
const PAST_DUE_SHARE: f64 = 0.03;
/// Share of orders due on or after the end of the horizon.
const BEYOND_SHARE: f64 = 0.02;
/// How many days before the start a past-due order may be due.
const MAX_DAYS_PAST_DUE: usize = 14;

/// The customer orders: end items by a skewed popularity, lumpy quantities, due dates spread
/// over the horizon with a few past due and a few beyond it.
fn generate_orders(spec: &GenerateSpec, horizon: &Horizon, layout: &Layout) -> Vec<Order> {
    let mut sampler = Sampler::new(spec.seed, Stream::Orders);
    let mut popularity: Vec<usize> = layout.end_items.clone().collect();
    sampler.shuffle(&mut popularity);
    let market_weights: Vec<u32> = MARKETS.iter().map(|&(_, weight)| weight).collect();
    let days = DueDays::new(horizon);
    let width = id_width(spec.orders, 6);
    let mut orders = Vec::with_capacity(spec.orders);
    for number in 0..spec.orders {
        let item = popularity.get(sampler.skewed_below(popularity.len())).copied().unwrap_or(0);
        let quantity = f64::from(sampler.lumpy_quantity());
        let due_date = days.draw(&mut sampler);
        let market = MARKETS.get(sampler.weighted(&market_weights)).map(|&(name, _)| name);
        orders.push(Order {
            id: format!("SO-{:0width$}", number + 1),
            item,
            quantity,
            due_date,
            market: market.map(str::to_owned),
            options: None,
        });
    }
    orders
}

/// The day ranges due dates are drawn from.
struct DueDays {
    /// First day of the horizon.
    start: NaiveDate,
    /// Days in the horizon.
    horizon_days: usize,
    /// Days in the period after the horizon.
    next_period_days: usize,
}

impl DueDays {
    /// The ranges of `horizon` (checked to have one more period after it).
    fn new(horizon: &Horizon) -> Self {
        let day_count = |t: usize| {
            horizon.period_start(t).map_or(0, |day| usize::try_from((day - horizon.start).num_days()).unwrap_or(0))
        };
        let horizon_days = day_count(horizon.periods).max(1);
        let next_period_days = day_count(horizon.periods + 1).saturating_sub(horizon_days).max(1);
        DueDays { start: horizon.start, horizon_days, next_period_days }
    }

    /// A due date: past due, beyond the horizon or inside it, by the target shares.
    fn draw(&self, sampler: &mut Sampler) -> NaiveDate {
        let roll = sampler.unit();
        let (days_after_start, before) = if roll < PAST_DUE_SHARE {
            (sampler.int_between(1, MAX_DAYS_PAST_DUE), true)
        } else if roll < PAST_DUE_SHARE + BEYOND_SHARE {
            (self.horizon_days + sampler.below(self.next_period_days), false)
        } else {
            (sampler.below(self.horizon_days), false)
        };
        let days = Days::new(days_after_start as u64);
        let date = if before { self.start.checked_sub_days(days) } else { self.start.checked_add_days(days) };
        date.unwrap_or(self.start)
    }
}

// ---------------------------------------------------------------------------------------------
// Rough-cut requirements and calibration

/// Stocks every item with a lead time with what its first `L` periods need (rounded up), so
/// early demand is not lost for want of a lot that could not arrive in time.
fn cover_early_requirements(items: &mut [Item], early: &[f64]) {
    for (item, &need) in items.iter_mut().zip(early) {
        item.initial_inventory = need.ceil();
    }
}

/// Supplier pack sizes (lot multiples).
const PACK_SIZES: [f64; 10] = [5.0, 10.0, 12.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0];

/// Sets the supplier terms of purchased components from their mean requirement per period:
/// a pack size (lot multiple) on ~35 % of them and a minimum order quantity on ~60 %, of
/// one to four periods' worth.
fn set_purchase_lots(seed: u64, items: &mut [Item], layout: &Layout, gross: &Grid<f64>) {
    let mut sampler = Sampler::new(seed, Stream::PurchaseLots);
    let n_periods = gross.periods();
    for item_idx in layout.purchased.clone() {
        let total: f64 = if item_idx < gross.rows() { gross.row(item_idx).iter().sum() } else { 0.0 };
        let mean = (total / n_periods as f64).max(1.0);
        let pack = PACK_SIZES.iter().copied().rfind(|&p| p <= mean / 2.0);
        let Some(item) = items.get_mut(item_idx) else { continue };
        let with_pack = sampler.chance(0.35);
        let with_moq = sampler.chance(0.6);
        let periods_of_supply = sampler.between(1.0, 4.0);
        if let (true, Some(pack)) = (with_pack, pack) {
            item.lot_multiple = Some(pack);
        }
        if with_moq {
            let step = item.lot_multiple.unwrap_or(1.0);
            item.min_lot = ((mean * periods_of_supply / step).ceil() * step).max(step);
        }
    }
}

/// Work-centre names; resources are named `CUT-1, PRINT-1, ..., CUT-2, ...`.
const RESOURCE_NAMES: [&str; 6] = ["CUT", "PRINT", "SEW", "PRESS", "QC", "PACK"];

/// Number of resources for `n_items` items: `max(1, ceil(n_items / 40))`.
fn resource_count(n_items: usize) -> usize {
    n_items.div_ceil(40).max(1)
}

/// One or two routings for every make item (on distinct resources).
fn generate_routings(seed: u64, layout: &Layout) -> Vec<Routing> {
    let mut sampler = Sampler::new(seed, Stream::Routings);
    let n_resources = resource_count(layout.n_items());
    let mut routings = Vec::new();
    for item in 0..layout.intermediates.end {
        let first = sampler.below(n_resources);
        routings.push(routing(&mut sampler, item, first));
        if n_resources > 1 && sampler.chance(0.4) {
            let second = (first + 1 + sampler.below(n_resources - 1)) % n_resources;
            routings.push(routing(&mut sampler, item, second));
        }
    }
    routings
}

/// A routing of `item` on `resource` with random times (hours) and setup cost.
fn routing(sampler: &mut Sampler, item: usize, resource: usize) -> Routing {
    Routing::new(
        item,
        resource,
        round_to(sampler.between(0.01, 0.2), 3),
        round_to(sampler.between(0.25, 1.5), 2),
        round_to(sampler.between(5.0, 40.0), 2),
    )
}

/// Capacity of a resource with no rough-cut load (a 40-hour week).
const IDLE_CAPACITY: f64 = 40.0;
/// Capacity share left in the holiday period.
const HOLIDAY_FACTOR: f64 = 0.6;
/// Capacity share left in a maintenance period.
const MAINTENANCE_FACTOR: f64 = 0.5;

/// Resources whose capacity puts the mean rough-cut load at 75-85 % of capacity, with a
/// holiday period (60 % capacity) in the middle of horizons of 4+ periods, a maintenance
/// period (50 %) on ~10 % of resources, and overtime of up to a quarter of the base capacity.
fn calibrate_resources(seed: u64, layout: &Layout, routings: &[Routing], releases: &Grid<f64>) -> Vec<Resource> {
    let mut sampler = Sampler::new(seed, Stream::Capacity);
    let n_resources = resource_count(layout.n_items());
    let n_periods = releases.periods();
    let (run_time, setup_time) = routing_load(routings, n_resources, releases, |_, ro| Some(ro.item));
    let holiday = (n_periods >= 4).then_some(n_periods / 2);
    (0..n_resources)
        .map(|resource_idx| {
            let mut factors = vec![1.0; n_periods];
            if let Some(cell) = holiday.and_then(|t| factors.get_mut(t)) {
                *cell = HOLIDAY_FACTOR;
            }
            let maintenance = sampler.chance(0.1).then(|| sampler.below(n_periods));
            if let Some(cell) = maintenance.and_then(|t| factors.get_mut(t)) {
                *cell = MAINTENANCE_FACTOR;
            }
            let total_load: f64 = run_time
                .row(resource_idx)
                .iter()
                .zip(setup_time.row(resource_idx))
                .map(|(run, setup)| run + setup)
                .sum();
            let target_utilisation = sampler.between(0.75, 0.85);
            let base = if total_load > 0.0 {
                let needed = total_load / (target_utilisation * factors.iter().sum::<f64>());
                (needed * 100.0).ceil() / 100.0
            } else {
                IDLE_CAPACITY
            };
            let name = RESOURCE_NAMES.get(resource_idx % RESOURCE_NAMES.len()).unwrap_or(&"RES");
            Resource {
                id: format!("{name}-{}", resource_idx / RESOURCE_NAMES.len() + 1),
                capacity: factors.iter().map(|factor| round_to(base * factor, 2)).collect(),
                overtime_max: round_to(base * 0.25, 2),
                overtime_cost: round_to(sampler.between(20.0, 45.0), 2),
            }
        })
        .collect()
}

/// Open purchase orders on ~10 % of purchased components, arriving within their lead time.
fn generate_receipts(seed: u64, items: &[Item], layout: &Layout, n_periods: usize) -> Vec<Receipt> {
    let mut sampler = Sampler::new(seed, Stream::Receipts);
    let mut receipts = Vec::new();
    for item_idx in layout.purchased.clone() {
        let Some(item) = items.get(item_idx) else { continue };
        if !sampler.chance(0.1) {
            continue;
        }
        let period = sampler.below(item.lead_time.clamp(1, n_periods));
        let step = item.lot_multiple.unwrap_or(10.0);
        let quantity = (step * sampler.int_between(1, 4) as f64).max(item.min_lot);
        receipts.push(Receipt { item: item_idx, period, quantity });
    }
    receipts
}

// ---------------------------------------------------------------------------------------------
// Adversarial plans for differential testing

/// What [`generate_adversarial`] draws: a small but wide version-1 plan meant to exercise
/// every rule of the model at once, for comparing the planner with an independent model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdversarialSpec {
    /// Seed of the random generator: the same spec always gives the same plan.
    pub seed: u64,
    /// Number of items (>= 1; 3-8 keeps the MIP small enough to solve in milliseconds).
    pub items: usize,
    /// Number of weekly periods (>= 1; 3-6 is typical).
    pub periods: usize,
}

impl AdversarialSpec {
    /// The spec the differential tests use for `seed`: 3-8 items and 3-6 periods, both drawn
    /// from the seed.
    pub fn for_seed(seed: u64) -> Self {
        let mut sampler = Sampler::new(seed, Stream::AdversarialSize);
        let items = sampler.int_between(3, 8);
        let periods = sampler.int_between(3, 6);
        AdversarialSpec { seed, items, periods }
    }
}

/// `10^(k/10)` for `k = 0..10`: the steps of the log-uniform draws (literals, so that no
/// platform-dependent `powf` is needed).
const TENTH_DECADES: [f64; 10] = [
    1.0,
    1.258_925_4,
    1.584_893_2,
    1.995_262_3,
    2.511_886_4,
    3.162_277_7,
    3.981_071_7,
    5.011_872_3,
    6.309_573_4,
    7.943_282_3,
];

/// BOM quantities of the adversarial plans (fractional ones included).
const ADVERSARIAL_QUANTITIES: [f64; 8] = [1.0, 1.0, 2.0, 0.5, 1.5, 3.0, 0.25, 1.25];
/// Lot multiples of the adversarial plans (fractional ones included).
const ADVERSARIAL_MULTIPLES: [f64; 8] = [0.5, 1.0, 2.5, 3.0, 4.0, 6.0, 10.0, 0.75];

impl Sampler {
    /// Approximately log-uniform in `[0.01, 5]`: a uniform tenth of a decade, then uniform
    /// within it; rounded to 4 decimals.
    fn unit_time(&mut self) -> f64 {
        // log10(5) - log10(0.01) = 2.7 decades = 27 steps of a tenth.
        let step = self.below(27);
        let decade = [0.01, 0.1, 1.0][step / 10];
        let low = decade * TENTH_DECADES[step % 10];
        let value = low * self.between(1.0, TENTH_DECADES[1]);
        round_to(value.clamp(0.01, 5.0), 4)
    }

    /// 0 with probability `p_zero`, else uniform in `[low, high)` rounded to 2 decimals.
    fn maybe_zero(&mut self, p_zero: f64, low: f64, high: f64) -> f64 {
        if self.chance(p_zero) {
            0.0
        } else {
            round_to(self.between(low, high), 2)
        }
    }
}

/// Item `i` of an adversarial plan on BOM `level` of `n_levels`: made above the deepest level
/// (and on it with probability `make_chance`), named by its role (`FG`, `SUB`, `MK`, `RM`),
/// with its unit and holding costs and lead time drawn.
fn adversarial_item(s: &mut Sampler, i: usize, level: usize, n_levels: usize, make_chance: f64) -> Item {
    let deepest = n_levels - 1;
    let make = level < deepest || n_levels == 1 || s.chance(make_chance);
    let kind = if make { ItemKind::Make } else { ItemKind::Buy };
    let prefix = match (level, make) {
        (0, _) => "FG",
        (_, true) if level < deepest => "SUB",
        (_, true) => "MK",
        _ => "RM",
    };
    let mut item = Item::new(format!("{prefix}-{}", i + 1), kind);
    item.unit_cost = s.maybe_zero(0.3, 0.1, 20.0);
    item.holding_cost = s.maybe_zero(0.2, 0.01, 2.0);
    item.lead_time = s.int_between(0, 2);
    item
}

/// The lot-for-lot explosion of an adversarial plan's `demand` on the items' own lead times
/// (parents have smaller indices than their components): each item's releases and gross
/// requirements per period.
fn adversarial_explosion(items: &[Item], bom: &[BomEdge], demand: Vec<Vec<f64>>) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let n_items = items.len();
    let n_periods = demand.first().map_or(0, Vec::len);
    let mut gross = demand;
    let mut releases = vec![vec![0.0; n_periods]; n_items];
    for i in 0..n_items {
        let lead = items[i].lead_time;
        releases[i] = (0..n_periods).map(|t| gross[i].get(t + lead).copied().unwrap_or(0.0)).collect();
        for edge in bom.iter().filter(|e| e.parent == i) {
            for (need, release) in gross[edge.component].iter_mut().zip(&releases[i]) {
                *need += edge.quantity * release;
            }
        }
    }
    (releases, gross)
}

/// The demand of an adversarial plan: fractional orders (some past due or beyond the horizon)
/// for most end items and a few components, and a few forecasts; with the planned demand per
/// item and period (forecast consumed by orders as the larger of the two).
fn adversarial_demand(
    s: &mut Sampler,
    horizon: &Horizon,
    level_of: &[usize],
) -> (Vec<Order>, Vec<crate::input::ForecastEntry>, Vec<Vec<f64>>) {
    let (start, n_periods) = (horizon.start, horizon.periods);
    let mut orders = Vec::new();
    let mut forecast = Vec::new();
    let mut demand = vec![vec![0.0; n_periods]; level_of.len()];
    for (i, row) in demand.iter_mut().enumerate() {
        let wanted = if level_of[i] == 0 { s.chance(0.85) } else { s.chance(0.15) };
        if !wanted {
            continue;
        }
        let mut order = |due: NaiveDate, quantity: f64| {
            let id = format!("O-{}", orders.len() + 1);
            orders.push(Order { id, item: i, quantity, due_date: due, market: None, options: None });
        };
        for (t, cell) in row.iter_mut().enumerate() {
            if !s.chance(0.6) {
                continue;
            }
            for _ in 0..s.int_between(1, 2) {
                let quantity = round_to(s.between(0.3, 15.0), 2).max(0.01);
                let day = horizon.period_start(t).unwrap_or(start) + Days::new(s.below(7) as u64);
                order(day, quantity);
                *cell += quantity;
            }
        }
        if s.chance(0.1) {
            let quantity = round_to(s.between(0.3, 10.0), 2).max(0.01);
            order(start - Days::new(3), quantity);
            row[0] += quantity;
        }
        if s.chance(0.1) {
            let end = horizon.end().unwrap_or(start);
            order(end + Days::new(2), round_to(s.between(0.3, 10.0), 2).max(0.01));
        }
        if s.chance(0.15) {
            for (t, cell) in row.iter_mut().enumerate() {
                if s.chance(0.5) {
                    let quantity = round_to(s.between(0.0, 12.0), 2);
                    forecast.push(crate::input::ForecastEntry { item: i, period: t, quantity });
                    *cell = cell.max(quantity);
                }
            }
        }
    }
    (orders, forecast, demand)
}

/// The weekly horizon of an adversarial plan: `spec.periods` weeks from Monday 2026-01-05.
fn adversarial_horizon(spec: &AdversarialSpec) -> Result<Horizon> {
    checked_horizon(&GenerateSpec {
        seed: spec.seed,
        items: spec.items,
        orders: 0,
        periods: spec.periods,
        bucket: Bucket::Week,
        start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
        flexible: FlexibleSpec::default(),
    })
}

/// The BOM of an adversarial plan: every item above the deepest level gets 1-3 distinct
/// components, the first from the next level down; then holding costs along the BOM: a
/// component sometimes dearer to hold than the part of its parent it becomes (converting stock
/// then saves holding), sometimes cheaper.
fn adversarial_bom(s: &mut Sampler, level_of: &[usize], sizes: &[usize], items: &mut [Item]) -> Vec<BomEdge> {
    let n_items = level_of.len();
    let deepest = sizes.len() - 1;
    let level_start: Vec<usize> = sizes
        .iter()
        .scan(0, |acc, &size| {
            let first = *acc;
            *acc += size;
            Some(first)
        })
        .collect();
    let mut bom: Vec<BomEdge> = Vec::new();
    for (parent, &level) in level_of.iter().enumerate() {
        if level >= deepest {
            continue;
        }
        let deeper = level_start[level + 1]..n_items;
        for slot in 0..s.int_between(1, 3) {
            let component = if slot == 0 {
                level_start[level + 1] + s.below(sizes[level + 1])
            } else {
                deeper.start + s.below(deeper.len())
            };
            if bom.iter().any(|e| e.parent == parent && e.component == component) {
                continue;
            }
            bom.push(BomEdge { parent, component, quantity: s.pick(&ADVERSARIAL_QUANTITIES) });
        }
    }
    for edge in &bom {
        let parent_holding = items[edge.parent].holding_cost;
        let roll = s.unit();
        let component = &mut items[edge.component];
        if roll < 0.3 {
            let raised = parent_holding / edge.quantity * s.between(1.2, 3.0) + 0.05;
            component.holding_cost = component.holding_cost.max(round_to(raised, 2));
        } else if roll < 0.5 {
            component.holding_cost = round_to(component.holding_cost.min(parent_holding * 0.5), 2);
        }
    }
    bom
}

/// The BOM levels of an adversarial plan's `n_items` items (1-3 levels, level 0 first,
/// components always on a deeper level, so the BOM is acyclic): each item's level, and the
/// number of items on each level.
fn adversarial_levels(s: &mut Sampler, n_items: usize) -> (Vec<usize>, Vec<usize>) {
    let n_levels = match n_items {
        1 => 1,
        2 => 2,
        _ => 2 + usize::from(s.chance(0.6)),
    };
    let sizes: Vec<usize> = match n_levels {
        1 => vec![1],
        2 => {
            let top = s.int_between(1, (n_items / 2).max(1));
            vec![top, n_items - top]
        }
        _ => {
            let top = s.int_between(1, ((n_items - 1) / 2).max(1));
            let bottom = s.int_between(1, n_items - top - 1);
            vec![top, n_items - top - bottom, bottom]
        }
    };
    let mut level_of = Vec::with_capacity(n_items);
    for (level, &size) in sizes.iter().enumerate() {
        level_of.extend(std::iter::repeat_n(level, size));
    }
    (level_of, sizes)
}

/// Generates an adversarial version-1 plan for `spec` (deterministic for a given spec).
///
/// The plan is small (it is meant to be solved to optimality in well under a second) but
/// touches every rule: a 2-3 level BOM with fractional quantities, holding costs that both
/// rise and fall along it (a component sometimes costs more to hold than the parent it
/// becomes), lead times 0-2, unit times log-uniform in 0.01-5, fractional demand (orders,
/// some past due or beyond the horizon, and forecasts), lot multiples and minimum lots that
/// are not multiples of each other, maximum lots, resources calibrated at 95-100 % of the
/// lot-for-lot load with or without (sometimes tight) overtime, zero-capacity periods, items
/// with and without a backlog cost, initial inventory and receipts (sometimes much more than
/// needed), safety stocks with and without penalties, and every cost sometimes 0. Some plans
/// are infeasible. Every plan passes `crate::input::read`'s validation: written with
/// [`crate::input::write::write_plan_dir`] it reads back as the same plan.
pub fn generate_adversarial(spec: &AdversarialSpec) -> Result<PlanInput> {
    let horizon = adversarial_horizon(spec)?;
    let n_items = spec.items;
    let n_periods = spec.periods;
    let mut s = Sampler::new(spec.seed, Stream::Adversarial);

    let (level_of, sizes) = adversarial_levels(&mut s, n_items);
    let n_levels = sizes.len();

    // Items.
    let mut items = Vec::with_capacity(n_items);
    for (i, &level) in level_of.iter().enumerate() {
        let mut item = adversarial_item(&mut s, i, level, n_levels, 0.25);
        if s.chance(0.6) {
            item.backlog_cost = Some(if s.chance(0.08) { 0.0 } else { round_to(s.between(0.1, 25.0), 2) });
        }
        item.order_cost = s.maybe_zero(0.5, 1.0, 60.0);
        adversarial_lot_rules(&mut s, &mut item);
        if s.chance(0.2) {
            item.safety_stock = round_to(s.between(0.5, 8.0), 2);
            item.safety_stock_penalty = s.maybe_zero(0.3, 0.1, 5.0);
        }
        items.push(item);
    }

    let bom = adversarial_bom(&mut s, &level_of, &sizes, &mut items);

    let (orders, forecast, demand) = adversarial_demand(&mut s, &horizon, &level_of);

    let (releases, gross) = adversarial_explosion(&items, &bom, demand);
    let receipts = adversarial_stock(&mut s, &mut items, &gross, &level_of, n_periods);

    // Routings on 1-3 resources.
    let n_resources = s.int_between(1, 3);
    let mut routings = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.kind != ItemKind::Make || s.chance(0.15) {
            continue;
        }
        let first = s.below(n_resources);
        let mut used = vec![first];
        if n_resources > 1 && s.chance(0.3) {
            used.push((first + 1 + s.below(n_resources - 1)) % n_resources);
        }
        for resource in used {
            let unit_time = if s.chance(0.1) { 0.0 } else { s.unit_time() };
            let setup_time = s.maybe_zero(0.4, 0.05, 3.0);
            let setup_cost = s.maybe_zero(0.4, 1.0, 50.0);
            routings.push(Routing::new(i, resource, unit_time, setup_time, setup_cost));
        }
    }
    // Capacity: the mean lot-for-lot load per period at 95-100 % of capacity, or of capacity
    // plus overtime; some periods closed (capacity 0).
    let mut resources = Vec::with_capacity(n_resources);
    for r in 0..n_resources {
        let mut load = 0.0;
        for routing in routings.iter().filter(|ro| ro.resource == r) {
            for &release in &releases[routing.item] {
                if release > 0.0 {
                    load += routing.unit_time * release + routing.setup_time;
                }
            }
        }
        let utilisation = s.between(0.95, 1.0);
        let base = if load > 0.0 { load / n_periods as f64 / utilisation } else { s.between(5.0, 20.0) };
        let (capacity, overtime_max) = match s.below(3) {
            // Capacity plus overtime carry the load.
            0 => {
                let share = s.between(0.6, 0.9);
                (base * share, base * (1.0 - share))
            }
            // Capacity alone carries the load, with a little (tight) overtime.
            1 => (base, base * s.between(0.0, 0.05)),
            // Capacity alone, no overtime.
            _ => (base, 0.0),
        };
        let capacity = (capacity * 100.0).ceil() / 100.0;
        let mut per_period = vec![capacity; n_periods];
        if s.chance(0.35) {
            per_period[s.below(n_periods)] = 0.0;
        }
        if s.chance(0.15) {
            let t = s.below(n_periods);
            per_period[t] = round_to(capacity * s.between(0.3, 0.8), 2);
        }
        resources.push(Resource {
            id: format!("RES-{}", r + 1),
            capacity: per_period,
            overtime_max: round_to(overtime_max, 2),
            overtime_cost: s.maybe_zero(0.25, 0.5, 30.0),
        });
    }

    Ok(PlanInput { items, bom, resources, routings, receipts, orders, forecast, ..PlanInput::new(horizon) })
}

// ---------------------------------------------------------------------------------------------
// Flexible adversarial plans (version 2) for differential testing

/// Route ids of the flexible adversarial plans: the item's own lines, then a partner factory.
const FLEXIBLE_ROUTES: [&str; 3] = ["MAIN", "ALT", "PARTNER"];
/// Supplier ids of the flexible adversarial plans.
const FLEXIBLE_SUPPLIERS: [&str; 3] = ["SUP-A", "SUP-B", "SUP-C"];

/// A flexible adversarial plan while it is drawn: the tables with the draws that later parts
/// need.
struct FlexibleDraft {
    items: Vec<Item>,
    level_of: Vec<usize>,
    bom: Vec<BomEdge>,
    /// Lot-for-lot releases per item and period (the item's own lead time).
    releases: Vec<Vec<f64>>,
    /// Lot-for-lot gross requirement per item and period.
    gross: Vec<Vec<f64>>,
}

/// Generates an adversarial version-2 plan for `spec` (deterministic for a given spec): the
/// plans of [`generate_adversarial`] (same sizes, its own random stream) with every option of
/// the spec's section 2 drawn, to compare the planner with an independent model on them.
///
/// On top of a 1-3 level BOM with holding costs that rise and fall along it, fractional
/// demand, initial stock and receipts (as in [`generate_adversarial`]):
/// - make items with 2-3 named routes (`MAIN`, `ALT` on another line or the same one at
///   another speed, `PARTNER` on a partner factory's resource whose capacity is 0 in some
///   periods) that differ in lead time, unit time, unit cost and lot rules (`routes.csv`),
///   others with one unnamed route or none at all;
/// - make-or-buy items (a make item with sources), buy items from 1-3 suppliers with different
///   lead times and prices, minimum order quantities (sometimes between two multiples of the
///   pack size), maximum lots, and `max_per_period` below the demand (forcing split orders),
///   suppliers with a joint order cost (`suppliers.csv`) shared by several items;
/// - setup families shared by up to 3 items on a line (mostly 2-3), with a major setup time
///   (sometimes eating most of the line's capacity) and cost;
/// - `unmet_cost` on items that may ship late;
/// - lines whose capacity (besides the family setups) is 83-111 % of the lot-for-lot load of
///   the items' first routes (so that other routes, the partner and the suppliers are
///   needed), with or without overtime, some periods closed.
///
/// Some plans are infeasible. Every plan passes `crate::input::read`'s validation: written
/// with [`crate::input::write::write_plan_dir`] it reads back as the same plan.
pub fn generate_flexible_adversarial(spec: &AdversarialSpec) -> Result<PlanInput> {
    let horizon = adversarial_horizon(spec)?;
    let mut s = Sampler::new(spec.seed, Stream::Flexible);
    let (mut draft, orders, forecast) = flexible_items_and_demand(&mut s, &horizon, spec.items);
    let receipts = adversarial_stock(&mut s, &mut draft.items, &draft.gross, &draft.level_of, spec.periods);

    // Lines (1-3) and, for some plans, a partner factory's resource.
    let n_lines = s.int_between(1, 3);
    let partner = s.chance(0.6).then_some(n_lines);
    let (mut routings, routes) = flexible_routings(&mut s, &draft, n_lines, partner);
    let (sources, suppliers) = flexible_sources(&mut s, &draft);
    let (resources, families) = flexible_resources(&mut s, &draft, &mut routings, n_lines, partner);

    Ok(PlanInput {
        items: draft.items,
        bom: draft.bom,
        resources,
        routings,
        receipts,
        orders,
        forecast,
        routes,
        sources,
        suppliers,
        families,
        ..PlanInput::new(horizon)
    })
}

/// The items (with the BOM and the demand) of a flexible adversarial plan: levels, item
/// values, BOM, holding costs along it, orders and forecasts, and the lot-for-lot explosion.
fn flexible_items_and_demand(
    s: &mut Sampler,
    horizon: &Horizon,
    n_items: usize,
) -> (FlexibleDraft, Vec<Order>, Vec<crate::input::ForecastEntry>) {
    let (level_of, sizes) = adversarial_levels(s, n_items);
    let n_levels = sizes.len();

    let mut items = Vec::with_capacity(n_items);
    for (i, &level) in level_of.iter().enumerate() {
        let mut item = adversarial_item(s, i, level, n_levels, 0.3);
        if s.chance(0.65) {
            item.backlog_cost = Some(if s.chance(0.08) { 0.0 } else { round_to(s.between(0.1, 25.0), 2) });
            if s.chance(0.5) {
                item.unmet_cost = round_to(s.between(0.5, 80.0), 2);
            }
        }
        item.order_cost = s.maybe_zero(0.5, 1.0, 60.0);
        adversarial_lot_rules(s, &mut item);
        if s.chance(0.2) {
            item.safety_stock = round_to(s.between(0.5, 8.0), 2);
            item.safety_stock_penalty = s.maybe_zero(0.3, 0.1, 5.0);
        }
        items.push(item);
    }

    let bom = adversarial_bom(s, &level_of, &sizes, &mut items);

    let (orders, forecast, demand) = adversarial_demand(s, horizon, &level_of);

    let (releases, gross) = adversarial_explosion(&items, &bom, demand);
    (FlexibleDraft { items, level_of, bom, releases, gross }, orders, forecast)
}

/// Draws an adversarial item's lot rules: a multiple, a minimum (between two multiples when
/// there is one), a maximum.
fn adversarial_lot_rules(s: &mut Sampler, item: &mut Item) {
    if s.chance(0.3) {
        item.lot_multiple = Some(s.pick(&ADVERSARIAL_MULTIPLES));
    }
    if s.chance(0.35) {
        item.min_lot = match item.lot_multiple {
            // Between two multiples: never a multiple itself (up to rounding).
            Some(mult) => round_to(mult * (s.int_between(1, 3) as f64 + s.between(0.1, 0.9)), 2),
            None => round_to(s.between(0.5, 20.0), 2),
        };
    }
    if s.chance(0.2) {
        let floor = item.min_lot.max(0.5);
        item.max_lot = Some(round_to(floor + s.between(0.0, 15.0), 2));
    }
}

/// Initial stock of an adversarial plan's items (what the first lead-time periods need,
/// usually; sometimes far more than needed) and receipts.
fn adversarial_stock(
    s: &mut Sampler,
    items: &mut [Item],
    gross: &[Vec<f64>],
    level_of: &[usize],
    n_periods: usize,
) -> Vec<Receipt> {
    for (i, item) in items.iter_mut().enumerate() {
        let early: f64 = gross[i].iter().take(item.lead_time).sum();
        if s.chance(0.7) {
            item.initial_inventory = round_to(early * s.between(0.8, 1.5), 2);
        }
        if level_of[i] > 0 && s.chance(0.25) {
            item.initial_inventory += round_to(s.between(5.0, 40.0), 2);
        }
        item.initial_inventory = round_to(item.initial_inventory, 2);
    }
    let mut receipts = Vec::new();
    for i in 0..items.len() {
        if !s.chance(0.25) {
            continue;
        }
        let first = s.below(n_periods);
        receipts.push(Receipt { item: i, period: first, quantity: round_to(s.between(1.0, 25.0), 2) });
        let second = s.below(n_periods);
        if second != first && s.chance(0.4) {
            receipts.push(Receipt { item: i, period: second, quantity: round_to(s.between(1.0, 25.0), 2) });
        }
    }
    receipts
}

/// Lot values of a route or a source, each sometimes its own, else the item's: the lead time
/// (0-3), a price 0.5-2x the item's, lot rules, an order cost. A min_lot above the max_lot (once
/// the item's values fill the gaps) gets a max_lot of its own.
fn flexible_terms(s: &mut Sampler, item: &Item, p_own: f64) -> LotTerms {
    let mut terms = LotTerms::default();
    if s.chance(p_own + 0.2) {
        terms.lead_time = Some(s.int_between(0, 3));
    }
    if s.chance(p_own + 0.2) {
        let base = if item.unit_cost > 0.0 { item.unit_cost } else { s.between(0.5, 10.0) };
        terms.unit_cost = Some(round_to(base * s.between(0.5, 2.0), 2));
    }
    if s.chance(p_own) {
        terms.order_cost = Some(s.maybe_zero(0.3, 1.0, 60.0));
    }
    if s.chance(p_own) {
        let mut own = Item::new("", item.kind);
        adversarial_lot_rules(s, &mut own);
        terms.lot_multiple = own.lot_multiple;
        terms.min_lot = Some(own.min_lot);
        terms.max_lot = own.max_lot;
    }
    let min_lot = terms.min_lot.unwrap_or(item.min_lot);
    if terms.max_lot.or(item.max_lot).is_some_and(|max_lot| max_lot < min_lot) {
        terms.max_lot = Some(round_to(min_lot + s.between(0.0, 10.0), 2).max(min_lot));
    }
    terms
}

/// The routing rows and named routes of the make items. A make item has (by chance) no row
/// (one route on no resource), one unnamed route on 1-2 lines, or 2-3 named routes: `MAIN` on
/// 1-2 lines, `ALT` on another line (or the same at another speed) and `PARTNER` on the
/// partner's resource, each with values of its own. Routes are listed in the order of their
/// first row, as the reader numbers them.
fn flexible_routings(
    s: &mut Sampler,
    draft: &FlexibleDraft,
    n_lines: usize,
    partner: Option<usize>,
) -> (Vec<Routing>, Vec<Route>) {
    let mut routings = Vec::new();
    let mut routes: Vec<Route> = Vec::new();
    let row = |s: &mut Sampler, item: usize, resource: usize| {
        let unit_time = if s.chance(0.1) { 0.0 } else { s.unit_time() };
        let setup_time = s.maybe_zero(0.4, 0.05, 3.0);
        let setup_cost = s.maybe_zero(0.4, 1.0, 50.0);
        Routing::new(item, resource, unit_time, setup_time, setup_cost)
    };
    for (i, item) in draft.items.iter().enumerate() {
        if item.kind != ItemKind::Make {
            continue;
        }
        let roll = s.unit();
        if roll < 0.1 {
            continue; // no routing rows: one unnamed route on no resource
        }
        let first = s.below(n_lines);
        if roll < 0.35 {
            routings.push(row(s, i, first));
            if n_lines > 1 && s.chance(0.3) {
                let second = (first + 1 + s.below(n_lines - 1)) % n_lines;
                routings.push(row(s, i, second));
            }
            continue;
        }
        // Named routes: MAIN, then ALT and/or PARTNER, in a drawn order.
        let mut names: Vec<usize> = vec![0];
        if s.chance(0.8) || partner.is_none() {
            names.push(1);
        }
        if partner.is_some() && s.chance(0.6) {
            names.push(2);
        }
        s.shuffle(&mut names[1..]);
        for name in names {
            let route = routes.len();
            let own = match name {
                0 => 0.3,
                _ => 0.6,
            };
            let mut terms = flexible_terms(s, item, own);
            match (name, partner) {
                (0, _) => {
                    routings.push(Routing { route: Some(route), ..row(s, i, first) });
                    if n_lines > 1 && s.chance(0.3) {
                        let second = (first + 1 + s.below(n_lines - 1)) % n_lines;
                        routings.push(Routing { route: Some(route), ..row(s, i, second) });
                    }
                }
                (2, Some(resource)) => {
                    // The partner: its capacity in units (unit time 1) or time, no setup time,
                    // usually dearer and slower.
                    let unit_time = if s.chance(0.5) { 1.0 } else { s.unit_time() };
                    let setup_cost = s.maybe_zero(0.5, 1.0, 30.0);
                    routings
                        .push(Routing { route: Some(route), ..Routing::new(i, resource, unit_time, 0.0, setup_cost) });
                    if terms.lead_time.is_none() && s.chance(0.6) {
                        terms.lead_time = Some(item.lead_time + s.int_between(0, 1));
                    }
                    if terms.unit_cost.is_none() && s.chance(0.7) {
                        terms.unit_cost = Some(round_to(item.unit_cost * s.between(0.7, 2.0) + 0.5, 2));
                    }
                }
                _ => {
                    // Another line, or the same one at another speed.
                    let resource =
                        if n_lines > 1 && s.chance(0.7) { (first + 1 + s.below(n_lines - 1)) % n_lines } else { first };
                    routings.push(Routing { route: Some(route), ..row(s, i, resource) });
                }
            }
            routes.push(Route { item: i, id: FLEXIBLE_ROUTES[name].to_string(), terms });
        }
    }
    (routings, routes)
}

/// The sources and their suppliers: buy items from 1-3 suppliers (or, by chance, none: the
/// item's own values), some make items from one or two ("make or buy"); suppliers numbered in
/// order of their first source, as the reader numbers them, some with a joint order cost.
fn flexible_sources(s: &mut Sampler, draft: &FlexibleDraft) -> (Vec<Source>, Vec<Supplier>) {
    let n_suppliers = s.int_between(1, 3);
    let joint: Vec<f64> =
        (0..n_suppliers).map(|_| if s.chance(0.5) { round_to(s.between(2.0, 80.0), 2) } else { 0.0 }).collect();
    let mut sources = Vec::new();
    let mut order: Vec<usize> = Vec::new(); // pool index of each supplier, by first appearance
    for (i, item) in draft.items.iter().enumerate() {
        let count = match item.kind {
            ItemKind::Buy if s.chance(0.8) => s.int_between(1, n_suppliers),
            ItemKind::Make if s.chance(0.25) => s.int_between(1, n_suppliers.min(2)),
            _ => 0,
        };
        let mut pool: Vec<usize> = (0..n_suppliers).collect();
        s.shuffle(&mut pool);
        let peak = draft.gross[i].iter().copied().fold(0.0, f64::max);
        for &supplier_pool in pool.iter().take(count) {
            let terms = flexible_terms(s, item, 0.5);
            let max_per_period = match s.below(10) {
                // Below the peak need: orders split over periods or suppliers.
                0..=3 => Some(round_to(peak.max(1.0) * s.between(0.2, 0.9), 2)),
                4 => Some(round_to(s.between(0.0, 5.0), 2)),
                5 if s.chance(0.3) => Some(0.0),
                _ => None,
            };
            let supplier = match order.iter().position(|&p| p == supplier_pool) {
                Some(index) => index,
                None => {
                    order.push(supplier_pool);
                    order.len() - 1
                }
            };
            sources.push(Source { item: i, supplier, terms, max_per_period });
        }
    }
    let suppliers =
        order.iter().map(|&p| Supplier { id: FLEXIBLE_SUPPLIERS[p].to_string(), order_cost: joint[p] }).collect();
    (sources, suppliers)
}

/// The resources (the lines `0..n_lines`, then the partner's, if any), calibrated to the
/// lot-for-lot load on the items' first routes, and the setup families on the lines (which
/// set the `family` of routing rows).
fn flexible_resources(
    s: &mut Sampler,
    draft: &FlexibleDraft,
    routings: &mut [Routing],
    n_lines: usize,
    partner: Option<usize>,
) -> (Vec<Resource>, Vec<Family>) {
    let n_resources = n_lines + usize::from(partner.is_some());
    let n_periods = draft.releases.first().map_or(0, Vec::len);
    // The lot-for-lot load of each item's first route (its unnamed route, or the route of its
    // first row) on the lines, and of every partner route on the partner.
    let mut load = vec![0.0; n_resources];
    for (i, releases) in draft.releases.iter().enumerate() {
        let first_route = routings.iter().find(|r| r.item == i).map(|r| r.route);
        let counted = |r: &&Routing| r.item == i && (Some(r.route) == first_route || Some(r.resource) == partner);
        for routing in routings.iter().filter(counted) {
            for &release in releases {
                if release > 0.0 {
                    load[routing.resource] += routing.unit_time * release + routing.setup_time;
                }
            }
        }
    }
    // Families: on most lines that several items use, one or two, each shared by 2-3 of
    // them; on a few others, one item's own.
    let mut families: Vec<Family> = Vec::new();
    for line in 0..n_lines {
        let mut on_line: Vec<usize> = Vec::new();
        for routing in routings.iter().filter(|r| r.resource == line) {
            if !on_line.contains(&routing.item) {
                on_line.push(routing.item);
            }
        }
        if !s.chance(if on_line.len() >= 2 { 0.7 } else { 0.2 }) {
            continue;
        }
        s.shuffle(&mut on_line);
        let n_families = if on_line.len() >= 4 && s.chance(0.4) { 2 } else { 1 };
        for members in on_line.chunks(on_line.len().div_ceil(n_families).clamp(1, 3)).take(n_families) {
            let family = families.len();
            let mut used = false;
            for routing in routings.iter_mut().filter(|r| r.resource == line && members.contains(&r.item)) {
                // Now and then a route of a member runs on the line outside the family.
                if s.chance(0.9) {
                    routing.family = Some(family);
                    used = true;
                }
            }
            if used {
                families.push(Family {
                    id: format!("FAM-{}", family + 1),
                    resource: line,
                    setup_time: 0.0,
                    setup_cost: s.maybe_zero(0.25, 1.0, 80.0),
                });
            }
        }
    }
    let mut resources = Vec::with_capacity(n_resources);
    for (r, &resource_load) in load.iter().enumerate() {
        let is_partner = Some(r) == partner;
        let mean = resource_load / n_periods.max(1) as f64;
        let base = if mean > 0.0 {
            // Lines at 90-120 % of the first routes' load; the partner takes a share of it.
            if is_partner {
                mean * s.between(0.3, 1.0)
            } else {
                mean / s.between(0.9, 1.2)
            }
        } else {
            s.between(3.0, 20.0)
        };
        // Family setups: a share of the line's time, sometimes most of it; the capacity grows
        // by part of it.
        let mut extra = 0.0;
        for family in families.iter_mut().filter(|f| f.resource == r) {
            let share = if s.chance(0.25) { s.between(0.6, 1.5) } else { s.maybe_zero(0.2, 0.05, 0.4) };
            family.setup_time = round_to(base * share, 2);
            extra += family.setup_time * s.between(0.5, 1.0);
        }
        let base = base + extra;
        let (capacity, overtime_max) = match (is_partner, s.below(3)) {
            (true, _) => (base, 0.0),
            (false, 0) => {
                let share = s.between(0.6, 0.9);
                (base * share, base * (1.0 - share))
            }
            (false, 1) => (base, base * s.between(0.0, 0.05)),
            _ => (base, 0.0),
        };
        let capacity = (capacity * 100.0).ceil() / 100.0;
        let mut per_period = vec![capacity; n_periods];
        if is_partner {
            // The partner is closed in some periods.
            for cell in per_period.iter_mut() {
                if s.chance(0.3) {
                    *cell = 0.0;
                }
            }
        } else if s.chance(0.3) {
            per_period[s.below(n_periods)] = 0.0;
        }
        if s.chance(0.15) {
            let t = s.below(n_periods);
            per_period[t] = round_to(capacity * s.between(0.3, 0.8), 2);
        }
        let id = if is_partner { "PARTNER".to_string() } else { format!("LINE-{}", r + 1) };
        resources.push(Resource {
            id,
            capacity: per_period,
            overtime_max: round_to(overtime_max, 2),
            overtime_cost: s.maybe_zero(0.25, 0.5, 30.0),
        });
    }
    (resources, families)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `plan` and reads it back: the same plan (every generated plan is valid input).
    fn assert_reads_back(plan: &PlanInput, seed: u64) {
        let dir = tempfile::tempdir().expect("temp dir");
        crate::input::write::write_plan_dir(plan, dir.path()).expect("write");
        let read = match crate::input::read::read_plan_dir(dir.path()) {
            Ok(read) => read,
            Err(error) => panic!("seed {seed}: written plan does not read back: {error}"),
        };
        assert_eq!(&read, plan, "seed {seed}");
    }
    use crate::input::PeriodOf;
    use std::collections::{BTreeMap, BTreeSet};

    fn spec(seed: u64, items: usize, orders: usize, periods: usize) -> GenerateSpec {
        GenerateSpec { seed, items, orders, periods, ..GenerateSpec::default() }
    }

    fn generated(spec: &GenerateSpec) -> PlanInput {
        match generate(spec) {
            Ok(plan) => plan,
            Err(error) => panic!("generate({spec:?}) failed: {error}"),
        }
    }

    #[test]
    fn same_seed_gives_the_same_plan_and_other_seeds_differ() {
        let first = generated(&spec(7, 60, 400, 8));
        let again = generated(&spec(7, 60, 400, 8));
        assert_eq!(first, again);
        let other = generated(&spec(8, 60, 400, 8));
        assert_ne!(first.orders, other.orders);
        assert_ne!(first.bom, other.bom);
        assert_ne!(first.items, other.items);
    }

    #[test]
    fn the_item_master_does_not_depend_on_the_number_of_orders() {
        let few = generated(&spec(3, 80, 10, 6));
        let many = generated(&spec(3, 80, 2_000, 6));
        assert_eq!(few.bom, many.bom);
        assert_eq!(few.routings, many.routings);
        let ids = |plan: &PlanInput| plan.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&few), ids(&many));
        // The first orders are drawn the same way whatever the count.
        assert_eq!(few.orders.get(..10), many.orders.get(..10));
    }

    /// Every structural invariant the brief and the spec ask of a generated plan.
    fn assert_invariants(plan: &PlanInput, spec: &GenerateSpec) {
        let n_items = plan.items.len();
        let n_periods = plan.n_periods();
        assert_eq!(n_items, spec.items);
        assert_eq!(n_periods, spec.periods);
        assert_eq!(plan.orders.len(), spec.orders);

        let ids: BTreeSet<&str> = plan.items.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids.len(), n_items, "item ids are unique");
        let order_ids: BTreeSet<&str> = plan.orders.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(order_ids.len(), plan.orders.len(), "order ids are unique");
        let resource_ids: BTreeSet<&str> = plan.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(resource_ids.len(), plan.resources.len(), "resource ids are unique");
        assert_eq!(plan.resources.len(), n_items.div_ceil(40).max(1));

        for item in &plan.items {
            let numbers = [
                item.unit_cost,
                item.holding_cost,
                item.initial_inventory,
                item.safety_stock,
                item.safety_stock_penalty,
                item.min_lot,
                item.order_cost,
            ];
            assert!(numbers.iter().all(|v| v.is_finite() && *v >= 0.0), "{item:?}");
            assert!(item.backlog_cost.is_none_or(|v| v.is_finite() && v > item.holding_cost));
            assert!(item.max_lot.is_none());
            assert!(item.lot_multiple.is_none_or(|v| v.is_finite() && v > 0.0), "{item:?}");
            if let Some(multiple) = item.lot_multiple {
                let lots = item.min_lot / multiple;
                assert_eq!(lots, lots.round(), "MOQ is a whole number of packs: {item:?}");
            }
            match item.kind {
                ItemKind::Buy => {
                    assert!((1..=3).contains(&item.lead_time), "{item:?}");
                    assert!(item.backlog_cost.is_none());
                }
                ItemKind::Make => {
                    assert!(item.lead_time <= 1, "{item:?}");
                    assert_eq!(item.min_lot, 0.0);
                    assert_eq!(item.lot_multiple, None);
                }
            }
        }

        // BOM: parents are make items; a component always has a larger index (a deeper level),
        // which makes the graph acyclic; no pair twice; 1-4 components per make item.
        let mut pairs = BTreeSet::new();
        let mut components_per_parent: BTreeMap<usize, usize> = BTreeMap::new();
        for edge in &plan.bom {
            let parent = &plan.items[edge.parent];
            assert_eq!(parent.kind, ItemKind::Make, "{edge:?}");
            assert!(edge.component < n_items && edge.component > edge.parent, "{edge:?}");
            assert!(edge.quantity.is_finite() && edge.quantity > 0.0);
            assert!(pairs.insert((edge.parent, edge.component)), "duplicate {edge:?}");
            *components_per_parent.entry(edge.parent).or_default() += 1;
        }
        for (item_idx, item) in plan.items.iter().enumerate() {
            let n_components = components_per_parent.get(&item_idx).copied().unwrap_or(0);
            match item.kind {
                ItemKind::Buy => assert_eq!(n_components, 0, "buy item {} has components", item.id),
                ItemKind::Make if n_items > 1 => {
                    assert!((1..=4).contains(&n_components), "{}: {n_components}", item.id)
                }
                ItemKind::Make => assert_eq!(n_components, 0),
            }
        }

        // Routings: every make item has one, buy items none; valid resources; no pair twice.
        let mut routed = BTreeSet::new();
        let mut routing_pairs = BTreeSet::new();
        for routing in &plan.routings {
            assert_eq!(plan.items[routing.item].kind, ItemKind::Make, "{routing:?}");
            assert!(routing.resource < plan.resources.len());
            assert!(routing_pairs.insert((routing.item, routing.resource)));
            for value in [routing.unit_time, routing.setup_time, routing.setup_cost] {
                assert!(value.is_finite() && value >= 0.0, "{routing:?}");
            }
            routed.insert(routing.item);
        }
        for (item_idx, item) in plan.items.iter().enumerate() {
            assert_eq!(routed.contains(&item_idx), item.kind == ItemKind::Make, "{}", item.id);
        }

        for resource in &plan.resources {
            assert_eq!(resource.capacity.len(), n_periods);
            assert!(resource.capacity.iter().all(|c| c.is_finite() && *c > 0.0), "{resource:?}");
            assert!(resource.overtime_max.is_finite() && resource.overtime_max >= 0.0);
            assert!(resource.overtime_cost.is_finite() && resource.overtime_cost >= 0.0);
        }
        for receipt in &plan.receipts {
            assert!(receipt.period < n_periods && receipt.quantity > 0.0, "{receipt:?}");
            assert_eq!(plan.items[receipt.item].kind, ItemKind::Buy);
        }

        let markets = ["US", "DE", "UK", "FR", "AE", "JP", "AU"];
        for order in &plan.orders {
            let item = &plan.items[order.item];
            assert!(item.backlog_cost.is_some(), "orders are for end items: {order:?}");
            assert!(order.quantity >= 1.0 && order.quantity <= 20.0, "{order:?}");
            assert_eq!(order.quantity, order.quantity.round());
            assert!(order.market.as_deref().is_some_and(|m| markets.contains(&m)), "{order:?}");
        }
    }

    #[test]
    fn structural_invariants_hold_for_many_sizes() {
        for (seed, items, orders, periods) in [
            (1, 1, 0, 1),
            (2, 1, 5, 1),
            (3, 2, 10, 3),
            (4, 3, 10, 4),
            (5, 5, 30, 2),
            (6, 12, 100, 6),
            (7, 41, 300, 12),
            (8, 250, 2_000, 13),
            (9, 1_000, 5_000, 26),
        ] {
            let spec = spec(seed, items, orders, periods);
            assert_invariants(&generated(&spec), &spec);
        }
        for bucket in [Bucket::Day, Bucket::Month] {
            let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
            let spec = GenerateSpec { bucket, start, ..spec(11, 30, 200, 5) };
            assert_invariants(&generated(&spec), &spec);
        }
    }

    #[test]
    fn adversarial_plans_read_back_unchanged_and_are_deterministic() {
        let mut with_component_dearer = 0;
        for seed in 0..40 {
            let spec = AdversarialSpec::for_seed(seed);
            assert!((3..=8).contains(&spec.items) && (3..=6).contains(&spec.periods), "{spec:?}");
            let plan = match generate_adversarial(&spec) {
                Ok(plan) => plan,
                Err(error) => panic!("{spec:?}: {error}"),
            };
            assert_eq!(generate_adversarial(&spec).ok().as_ref(), Some(&plan));
            assert_eq!(plan.items.len(), spec.items);
            assert!(crate::input::bom::BomGraph::new(&plan).is_ok(), "seed {seed}: BOM rejected");
            assert_reads_back(&plan, seed);
            if plan
                .bom
                .iter()
                .any(|e| plan.items[e.component].holding_cost * e.quantity > plan.items[e.parent].holding_cost)
            {
                with_component_dearer += 1;
            }
        }
        assert!(with_component_dearer >= 10, "{with_component_dearer} of 40");
        assert_eq!(
            refusal(generate_adversarial(&AdversarialSpec { seed: 1, items: 0, periods: 3 })),
            "cannot generate a plan with 0 items; ask for at least 1"
        );
        assert_eq!(
            refusal(generate_adversarial(&AdversarialSpec { seed: 1, items: 3, periods: 0 })),
            "cannot generate a plan with 0 periods; ask for at least 1"
        );
        for items in 1..=3 {
            assert!(generate_adversarial(&AdversarialSpec { seed: 5, items, periods: 1 }).is_ok());
        }
    }

    #[test]
    fn flexible_adversarial_plans_read_back_unchanged_and_are_deterministic() {
        // How many of the plans use each version-2 feature.
        let (mut two_routes, mut partner, mut make_or_buy, mut several_suppliers) = (0, 0, 0, 0);
        let (mut per_period, mut joint, mut shared_family, mut unmet) = (0, 0, 0, 0);
        for seed in 0..60 {
            let spec = AdversarialSpec::for_seed(seed);
            let plan = match generate_flexible_adversarial(&spec) {
                Ok(plan) => plan,
                Err(error) => panic!("{spec:?}: {error}"),
            };
            assert_eq!(generate_flexible_adversarial(&spec).ok().as_ref(), Some(&plan));
            assert_eq!(plan.items.len(), spec.items);
            assert_eq!(plan.n_periods(), spec.periods);
            assert!(crate::input::bom::BomGraph::new(&plan).is_ok(), "seed {seed}: BOM rejected");
            assert_reads_back(&plan, seed);
            let options = crate::input::Options::new(&plan);
            let items = 0..plan.items.len();
            two_routes += usize::from(items.clone().any(|i| options.made_of_item(i).count() >= 2));
            partner += usize::from(plan.routes.iter().any(|route| route.id == "PARTNER"));
            make_or_buy +=
                usize::from(plan.sources.iter().any(|source| plan.items[source.item].kind == ItemKind::Make));
            several_suppliers +=
                usize::from(items.clone().any(|i| plan.sources.iter().filter(|source| source.item == i).count() >= 2));
            per_period += usize::from(plan.sources.iter().any(|source| source.max_per_period.is_some()));
            joint += usize::from(plan.suppliers.iter().any(|supplier| supplier.order_cost > 0.0));
            shared_family += usize::from((0..plan.families.len()).any(|f| {
                let mut members: Vec<usize> =
                    plan.routings.iter().filter(|r| r.family == Some(f)).map(|r| r.item).collect();
                members.dedup();
                members.len() >= 2
            }));
            unmet += usize::from(plan.items.iter().any(|item| item.unmet_cost > 0.0));
        }
        let counts = [two_routes, partner, make_or_buy, several_suppliers, per_period, joint, shared_family, unmet];
        assert!(counts.iter().all(|&count| count >= 10), "{counts:?} of 60");
        // The version-1 generator is untouched: same seed, same plan as before.
        let v1 = generate_adversarial(&AdversarialSpec::for_seed(7)).expect("generate");
        assert!(v1.routes.is_empty() && v1.sources.is_empty() && v1.families.is_empty());
    }

    #[test]
    fn a_single_item_plan_is_one_routed_end_item_without_a_bom() {
        let plan = generated(&spec(1, 1, 0, 1));
        assert_eq!(plan.items.len(), 1);
        assert_eq!(plan.items[0].kind, ItemKind::Make);
        assert!(plan.items[0].backlog_cost.is_some());
        assert!(plan.bom.is_empty() && plan.orders.is_empty() && plan.receipts.is_empty());
        assert_eq!(plan.routings.len(), 1);
        // No demand, so no load: the resource gets the idle capacity.
        assert_eq!(plan.resources.len(), 1);
        assert_eq!(plan.resources[0].capacity, vec![IDLE_CAPACITY]);
    }

    #[test]
    fn layouts_have_three_to_five_levels_when_there_are_enough_items() {
        // (items, expected levels, end items, intermediates, purchased), worked by hand from
        // the 20 % / 50 % split and the intermediate-level thresholds (1-7: 1, 8-29: 2, 30+: 3).
        for (n_items, levels, n_end, n_intermediate, n_purchased) in [
            (1, 1, 1, 0, 0),
            (2, 2, 1, 0, 1),
            (3, 2, 1, 0, 2),
            (5, 3, 1, 1, 3),
            (10, 3, 2, 3, 5),
            (40, 4, 8, 12, 20),
            (100, 5, 20, 30, 50),
            (100_000, 5, 20_000, 30_000, 50_000),
        ] {
            let layout = Layout::new(n_items);
            assert_eq!(layout.levels.len(), levels, "{n_items} items");
            assert_eq!(layout.end_items.len(), n_end, "{n_items} items");
            assert_eq!(layout.intermediates.len(), n_intermediate, "{n_items} items");
            assert_eq!(layout.purchased.len(), n_purchased, "{n_items} items");
            let covered: usize = layout.levels.iter().map(|level| level.len()).sum();
            assert_eq!(covered, n_items);
            assert!(layout.levels.iter().all(|level| !level.is_empty()));
        }
    }

    #[test]
    fn bom_depth_matches_the_layout() {
        // Longest path (in edges) from each item, by memoised recursion over the edges, an
        // independent way to see the levels the BOM really has.
        let plan = generated(&spec(5, 200, 0, 4));
        let n_items = plan.items.len();
        let mut depth = vec![0usize; n_items];
        for item_idx in (0..n_items).rev() {
            depth[item_idx] = plan
                .bom
                .iter()
                .filter(|edge| edge.parent == item_idx)
                .map(|edge| depth[edge.component] + 1)
                .max()
                .unwrap_or(0);
        }
        let levels = depth.iter().max().copied().unwrap_or(0) + 1;
        assert_eq!(levels, Layout::new(200).levels.len());
        // Shared components: some component has several parents.
        let mut parents: BTreeMap<usize, usize> = BTreeMap::new();
        for edge in &plan.bom {
            *parents.entry(edge.component).or_default() += 1;
        }
        assert!(parents.values().any(|&n| n >= 3), "no shared component");
    }

    #[test]
    fn past_due_and_beyond_shares_are_near_their_targets() {
        let plan = generated(&spec(21, 50, 40_000, 12));
        let mut past_due = 0usize;
        let mut beyond = 0usize;
        let mut per_period = [0usize; 12];
        for order in &plan.orders {
            match plan.horizon.locate(order.due_date) {
                PeriodOf::PastDue => past_due += 1,
                PeriodOf::BeyondHorizon => beyond += 1,
                PeriodOf::InHorizon(t) => per_period[t] += 1,
            }
        }
        let n = plan.orders.len() as f64;
        // Three standard deviations of a binomial share at n = 40,000 are ~0.0026 and ~0.0021.
        assert!((past_due as f64 / n - 0.03).abs() < 0.004, "past due {past_due}");
        assert!((beyond as f64 / n - 0.02).abs() < 0.004, "beyond {beyond}");
        // Spread over the horizon: each of the 12 weeks gets about 95 % / 12 of the orders.
        let expected = 0.95 * n / 12.0;
        for (t, &count) in per_period.iter().enumerate() {
            assert!((count as f64 - expected).abs() < 0.1 * expected, "week {t}: {count}");
        }
        // Past-due orders are at most two weeks late; beyond ones within a week after the end.
        let end = plan.horizon.end().unwrap_or(plan.horizon.start);
        for order in &plan.orders {
            assert!(order.due_date >= plan.horizon.start - Days::new(14));
            assert!(order.due_date < end + Days::new(7));
        }
    }

    #[test]
    fn order_popularity_is_skewed_and_markets_are_weighted() {
        let plan = generated(&spec(4, 100, 20_000, 12));
        let mut per_item: BTreeMap<usize, usize> = BTreeMap::new();
        let mut per_market: BTreeMap<&str, usize> = BTreeMap::new();
        for order in &plan.orders {
            *per_item.entry(order.item).or_default() += 1;
            *per_market.entry(order.market.as_deref().unwrap_or("")).or_default() += 1;
        }
        let mut counts: Vec<usize> = per_item.values().copied().collect();
        counts.sort_unstable_by(|a, b| b.cmp(a));
        // With floor(n u^3), the top item of 20 gets P(u < (1/20)^(1/3)) = 36.8 % of orders.
        let top_share = counts[0] as f64 / 20_000.0;
        assert!((top_share - 0.368).abs() < 0.02, "top share {top_share}");
        for (market, weight) in MARKETS {
            let share = per_market.get(market).copied().unwrap_or(0) as f64 / 20_000.0;
            assert!((share - f64::from(weight) / 100.0).abs() < 0.015, "{market}: {share}");
        }
    }

    /// The rough-cut load recomputed independently: requirements by a fixed-point pass over
    /// the BOM edges (no reliance on the item order), then releases offset by lead time.
    fn independent_load(plan: &PlanInput) -> Vec<Vec<f64>> {
        let n_periods = plan.n_periods();
        let n_items = plan.items.len();
        let mut external = vec![vec![0.0; n_periods]; n_items];
        for order in &plan.orders {
            let Some(t) = plan.horizon.planned_period(order.due_date) else { continue };
            external[order.item][t] += order.quantity;
        }
        let releases_of = |gross: &[f64], lead: usize| -> Vec<f64> {
            (0..n_periods).map(|t| gross.get(t + lead).copied().unwrap_or(0.0)).collect()
        };
        let mut gross = external.clone();
        // Iterate to a fixed point: depth <= 5, so 6 rounds suffice.
        for _ in 0..6 {
            let mut next = external.clone();
            for edge in &plan.bom {
                let parent_releases = releases_of(&gross[edge.parent], plan.items[edge.parent].lead_time);
                for t in 0..n_periods {
                    next[edge.component][t] += edge.quantity * parent_releases[t];
                }
            }
            gross = next;
        }
        let mut load = vec![vec![0.0; n_periods]; plan.resources.len()];
        for routing in &plan.routings {
            let releases = releases_of(&gross[routing.item], plan.items[routing.item].lead_time);
            for t in 0..n_periods {
                if releases[t] > 0.0 {
                    load[routing.resource][t] += routing.unit_time * releases[t] + routing.setup_time;
                }
            }
        }
        load
    }

    #[test]
    fn capacity_is_calibrated_to_75_to_85_percent_of_the_rough_cut_load() {
        let plan = generated(&spec(12, 400, 30_000, 12));
        let load = independent_load(&plan);
        let mut loaded = 0;
        for (resource, resource_load) in plan.resources.iter().zip(&load) {
            let total_load: f64 = resource_load.iter().sum();
            let total_capacity: f64 = resource.capacity.iter().sum();
            if total_load == 0.0 {
                continue;
            }
            loaded += 1;
            let utilisation = total_load / total_capacity;
            assert!((0.74..=0.86).contains(&utilisation), "{}: {utilisation}", resource.id);
        }
        assert!(loaded >= plan.resources.len() / 2, "most resources carry load");
        // The holiday week (period 7 of 12) has 60 % of the base capacity everywhere.
        for resource in &plan.resources {
            let base = crate::input::write::most_frequent_value(&resource.capacity);
            assert!((resource.capacity[6] - round_to(base * 0.6, 2)).abs() < 1e-9, "{resource:?}");
        }
    }

    #[test]
    fn initial_inventory_covers_the_requirements_inside_the_lead_time() {
        let plan = generated(&spec(13, 120, 5_000, 10));
        // Gross requirements from the independent load pass's method, per item.
        let n_periods = plan.n_periods();
        let mut gross = vec![vec![0.0; n_periods]; plan.items.len()];
        for order in &plan.orders {
            let Some(t) = plan.horizon.planned_period(order.due_date) else { continue };
            gross[order.item][t] += order.quantity;
        }
        // Items in index order are parents before components.
        for item_idx in 0..plan.items.len() {
            let lead = plan.items[item_idx].lead_time;
            let early: f64 = gross[item_idx].iter().take(lead).sum();
            assert_eq!(plan.items[item_idx].initial_inventory, early.ceil(), "{}", plan.items[item_idx].id);
            let releases: Vec<f64> =
                (0..n_periods).map(|t| gross[item_idx].get(t + lead).copied().unwrap_or(0.0)).collect();
            for edge in plan.bom.iter().filter(|e| e.parent == item_idx) {
                for t in 0..n_periods {
                    gross[edge.component][t] += edge.quantity * releases[t];
                }
            }
        }
    }

    #[test]
    fn backlog_costs_exceed_the_rolled_up_cost_of_an_end_item() {
        let plan = generated(&spec(17, 150, 0, 4));
        // Rolled-up cost by plain recursion over the edges (depth <= 5).
        fn rolled_up(plan: &PlanInput, item_idx: usize) -> f64 {
            let components: f64 = plan
                .bom
                .iter()
                .filter(|edge| edge.parent == item_idx)
                .map(|edge| edge.quantity * rolled_up(plan, edge.component))
                .sum();
            plan.items[item_idx].unit_cost + components
        }
        let mut end_items = 0;
        for (item_idx, item) in plan.items.iter().enumerate() {
            let Some(backlog_cost) = item.backlog_cost else { continue };
            end_items += 1;
            let ratio = backlog_cost / rolled_up(&plan, item_idx);
            assert!((1.19..=2.01).contains(&ratio), "{}: {ratio}", item.id);
        }
        assert_eq!(end_items, 30);
    }

    /// The message of a refused generate request (panics on anything else).
    fn refusal(result: Result<PlanInput>) -> String {
        match result {
            Err(Error::Request { what, message }) if what == "generate" => message,
            other => panic!("expected a refused generate request, got {other:?}"),
        }
    }

    #[test]
    fn bad_specs_are_errors() {
        assert_eq!(refusal(generate(&spec(1, 0, 10, 4))), "cannot generate a plan with 0 items; ask for at least 1");
        assert_eq!(refusal(generate(&spec(1, 10, 10, 0))), "cannot generate a plan with 0 periods; ask for at least 1");
        let month = GenerateSpec { bucket: Bucket::Month, ..spec(1, 10, 10, 3) };
        assert_eq!(refusal(generate(&month)), "a month bucket must start on the 1st of a month, not 2026-01-05");
        let late = GenerateSpec { start: NaiveDate::MAX, ..spec(1, 10, 10, 3) };
        assert_eq!(
            refusal(generate(&late)),
            format!("3 periods from {} end beyond the last supported date", NaiveDate::MAX)
        );
        assert_eq!(
            refusal(generate(&spec(1, 1_000_000, 0, 1_000))),
            "1000000 items x 1000 periods is too large: at most 50000000 item-periods"
        );
        assert_eq!(
            refusal(generate(&spec(1, usize::MAX, 0, 2))),
            format!("{} items x 2 periods is too large: at most 50000000 item-periods", usize::MAX)
        );
    }

    #[test]
    fn samplers_stay_in_range_and_are_uniform_enough() {
        let mut sampler = Sampler::new(99, Stream::Items);
        let mut counts = [0usize; 6];
        for _ in 0..60_000 {
            counts[sampler.below(6)] += 1;
        }
        assert!(counts.iter().all(|&c| (c as f64 - 10_000.0).abs() < 400.0), "{counts:?}");
        for _ in 0..10_000 {
            let u = sampler.unit();
            assert!((0.0..1.0).contains(&u));
            assert!((3..=5).contains(&sampler.int_between(3, 5)));
            assert!((1..=20).contains(&sampler.lumpy_quantity()));
            assert!(sampler.skewed_below(7) < 7);
        }
        assert_eq!(sampler.below(0), 0);
        assert_eq!(sampler.skewed_below(0), 0);
        assert_eq!(sampler.int_between(4, 2), 4);
        let mut values: Vec<usize> = (0..50).collect();
        sampler.shuffle(&mut values);
        let mut sorted = values.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_ne!(values, sorted);
    }

    #[test]
    fn a_generated_plan_writes_the_expected_files() {
        let plan = generated(&spec(5, 6, 8, 3));
        let dir = tempfile::tempdir().expect("temp dir");
        crate::input::write::write_plan_dir(&plan, dir.path()).expect("write");
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
        assert_eq!(
            read("plan.toml"),
            "[horizon]\nstart = \"2026-01-05\"\nbucket = \"week\"\nperiods = 3\n\n[solver]\nmip_gap = 0.01\n"
        );
        // orders.csv rebuilt field by field from the plan.
        let mut expected = String::from("order_id,item,quantity,due_date,market\n");
        for order in &plan.orders {
            let market = order.market.clone().unwrap_or_default();
            let item = &plan.items[order.item].id;
            let line = format!("{},{item},{},{},{market}\n", order.id, order.quantity, order.due_date);
            expected.push_str(&line);
        }
        assert_eq!(read("orders.csv"), expected);
        assert!(read("orders.csv").starts_with("order_id,item,quantity,due_date,market\nSO-000001,FG-"));
        // bom.csv: one line per edge, ids in place of indices.
        let mut expected = String::from("parent,component,quantity\n");
        for edge in &plan.bom {
            let (parent, component) = (&plan.items[edge.parent].id, &plan.items[edge.component].id);
            expected.push_str(&format!("{parent},{component},{}\n", edge.quantity));
        }
        assert_eq!(read("bom.csv"), expected);
        assert!(read("items.csv").starts_with("item,kind,unit_cost,holding_cost,backlog_cost,"));
    }
}
