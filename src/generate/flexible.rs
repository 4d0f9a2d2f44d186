//! Version-2 flexibility for generated plans (`flexplan generate --routes --subcontract
//! --suppliers --joint-order-cost --families --unmet-cost`): alternative routes, partner
//! factories, several suppliers per bought item with joint order costs, setup families and an
//! unmet cost (spec sections 1.2-1.4 and `unmet_cost`).
//!
//! Everything here is added to a finished version-1 plan and drawn from streams of its own
//! ([`Stream::Routes`], [`Stream::Subcontract`], [`Stream::Sources`], [`Stream::Families`]),
//! one per feature, so the version-1 part (items, BOM, orders, the version-1 routing rows and
//! resources) is the plain plan of the same spec, and asking for one feature does not change
//! what another draws. Every item keeps its version-1 way as one option (route `R1` with the
//! item's own values, the first source with the item's own values and no per-period limit),
//! so a flexible plan is at least as feasible as its version-1 plan; the other options trade
//! cost against speed, lead time, lot size and capacity, so the choice matters.

use super::{id_width, round_to, Layout, Sampler, Stream, IDLE_CAPACITY};
use crate::grid::Grid;
use crate::input::bom::Explosion;
use crate::input::{Family, Item, LotTerms, PlanInput, Resource, Route, Routing, Source, Supplier};

/// Most routes per made item [`FlexibleSpec::routes`] may ask for.
pub const MAX_ROUTES: usize = 10;
/// Most suppliers per bought item [`FlexibleSpec::suppliers`] may ask for.
pub const MAX_SUPPLIERS: usize = 10;
/// Most setup families per resource [`FlexibleSpec::families`] may ask for.
pub const MAX_FAMILIES: usize = 50;
/// The unmet-cost factor `flexplan generate --unmet-cost` uses when given no value: a sale
/// never made costs twice the end item's rolled-up cost (lost margin and goodwill).
pub const DEFAULT_UNMET_COST_FACTOR: f64 = 2.0;

/// The version-2 flexibility [`super::generate`] adds to a plan. The default adds none: the
/// plan is the version-1 plan, byte for byte once written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlexibleSpec {
    /// Routes per made item (at most [`MAX_ROUTES`]; 0 and 1 keep the one unnamed version-1
    /// route). With `K >= 2` every made item has routes `R1..RK`: `R1` is its version-1 rows
    /// with the item's own values; each other route copies those rows onto other resources
    /// (shifted resource indices, so distinct rows stay distinct) with run times x0.7-1.5,
    /// setup times and costs x0.5-1.5, a unit cost that is higher where the route is faster
    /// (x0.8-1.17) and a lead time of the item's or one more (in `routes.csv`).
    pub routes: usize,
    /// Share in `[0, 1]` of the made items (chosen at random, rounded to a whole number) that a
    /// partner factory can also make: route `SUB` on a resource `PARTNER-p` (one partner per
    /// four version-1 resources, at most one per such item), run time the item's version-1 run
    /// time per unit, unit cost x1.25-1.6, lead time 1-2 periods longer, an order cost of
    /// 20-60 per lot. A partner's capacity is 30-50 % of the mean lot-for-lot run time of its
    /// items, with no overtime. An item with a partner route names its other rows `R1` even
    /// when `routes < 2`.
    pub subcontract: f64,
    /// Sources per bought item (at most [`MAX_SUPPLIERS`]; 0 keeps version 1's one unnamed
    /// supplier). With `K >= 1` each bought item is bought from `K` distinct suppliers of a
    /// pool `SUP-01..` of `max(K, ceil(bought items / 10))`: the first with the item's own
    /// values and no limit; the others by the supplier's kind (pool index mod 3): a local one
    /// (unit cost x1.08-1.3, lead time one shorter, a quarter of the minimum lot, 60 % of the
    /// order cost, at most 0.5-1.2 mean periods' worth per period), a regional one (unit cost
    /// x0.95-1.05, at most 1-2 periods' worth per period) or an overseas one (unit cost
    /// x0.7-0.88, lead time 1-2 longer, a minimum lot of 2-5 periods' worth, 1.5 times the order
    /// cost). Quantities are whole packs (`lot_multiple`).
    pub suppliers: usize,
    /// Joint order cost of every supplier (`suppliers.csv` `order_cost`, >= 0): paid once per
    /// period in which anything at all is ordered from it. Needs `suppliers >= 1`.
    pub joint_order_cost: f64,
    /// Setup families per resource (at most [`MAX_FAMILIES`]; 0: none). Each made item gets one
    /// of `FAM-1..FAM-N` (like a colour), its family on every version-1 resource it runs on, with
    /// a family setup of 1-4 time units and 20-120 cost per (family, resource) in
    /// `families.csv`. Each resource's capacity grows by the setup times of its families, so
    /// that its load stays calibrated when every family runs every period.
    pub families: usize,
    /// When set, end items get `unmet_cost` = this factor (>= 0) times their rolled-up cost
    /// (the unit costs of the item and its components, per unit).
    pub unmet_cost: Option<f64>,
}

impl FlexibleSpec {
    /// Whether this adds nothing: the plan is exactly the version-1 plan.
    pub fn is_none(&self) -> bool {
        self.routes < 2
            && self.subcontract == 0.0
            && self.suppliers == 0
            && self.joint_order_cost == 0.0
            && self.families == 0
            && self.unmet_cost.is_none()
    }

    /// Why this cannot be generated, if it cannot.
    pub(super) fn check(&self) -> Result<(), String> {
        if self.routes > MAX_ROUTES {
            return Err(format!("at most {MAX_ROUTES} routes per made item, not {}", self.routes));
        }
        if !(0.0..=1.0).contains(&self.subcontract) {
            return Err(format!(
                "the subcontracted share of made items must be between 0 and 1, not {}",
                self.subcontract
            ));
        }
        if self.suppliers > MAX_SUPPLIERS {
            return Err(format!("at most {MAX_SUPPLIERS} suppliers per bought item, not {}", self.suppliers));
        }
        if !(self.joint_order_cost.is_finite() && self.joint_order_cost >= 0.0) {
            return Err(format!("a joint order cost must be a number >= 0, not {}", self.joint_order_cost));
        }
        if self.joint_order_cost > 0.0 && self.suppliers == 0 {
            return Err("a joint order cost needs suppliers: ask for at least 1 supplier per bought item".into());
        }
        if self.families > MAX_FAMILIES {
            return Err(format!("at most {MAX_FAMILIES} setup families per resource, not {}", self.families));
        }
        if let Some(factor) = self.unmet_cost.filter(|f| !(f.is_finite() && *f >= 0.0)) {
            return Err(format!("an unmet-cost factor must be a number >= 0, not {factor}"));
        }
        Ok(())
    }
}

/// Adds `flexible` to the finished version-1 `plan` of `layout`, whose lot-for-lot explosion is
/// `requirements`.
pub(super) fn add_flexibility(
    seed: u64,
    flexible: &FlexibleSpec,
    layout: &Layout,
    plan: &mut PlanInput,
    requirements: &Explosion,
) {
    // The version-1 resources; partner factories are added after them.
    let n_base = plan.resources.len();
    if flexible.routes >= 2 || flexible.subcontract > 0.0 {
        add_routes(seed, flexible, layout, plan, &requirements.releases);
    }
    if flexible.families > 0 {
        add_families(seed, flexible.families, layout, plan, n_base);
    }
    if flexible.suppliers > 0 {
        add_sources(seed, flexible, layout, plan, &requirements.gross);
    }
    if let Some(factor) = flexible.unmet_cost {
        let rolled_up = super::rolled_up_costs(&plan.items, &plan.bom);
        for (item, cost) in plan.items.iter_mut().zip(rolled_up) {
            if item.backlog_cost.is_some() {
                item.unmet_cost = round_to(cost * factor, 2);
            }
        }
    }
}

/// The draws of one alternative route.
struct Alternative {
    /// Run-time factor (a faster route is dearer per unit).
    speed: f64,
    /// Setup-time factor.
    setup_time: f64,
    /// Setup-cost factor.
    setup_cost: f64,
    /// Unit-cost noise added to the speed's factor.
    cost_noise: f64,
    /// Periods added to the item's lead time.
    extra_lead: usize,
}

impl Alternative {
    fn draw(sampler: &mut Sampler) -> Self {
        Alternative {
            speed: sampler.between(0.7, 1.5),
            setup_time: sampler.between(0.5, 1.5),
            setup_cost: sampler.between(0.5, 1.5),
            cost_noise: sampler.between(-0.05, 0.05),
            extra_lead: sampler.below(2),
        }
    }
}

/// Replaces the version-1 routing rows by named routes (`R1..RK`, and `SUB` on a partner
/// factory for the subcontracted share), adding the partner resources.
fn add_routes(seed: u64, flexible: &FlexibleSpec, layout: &Layout, plan: &mut PlanInput, releases: &Grid<f64>) {
    let n_made = layout.intermediates.end;
    let n_base = plan.resources.len();
    let n_periods = releases.periods().max(1);
    let n_routes = flexible.routes.max(1);

    // The subcontracted items: an exact share, chosen at random, spread round-robin over the
    // partners so that each has some.
    let mut partner_sampler = Sampler::new(seed, Stream::Subcontract);
    let mut made: Vec<usize> = (0..n_made).collect();
    partner_sampler.shuffle(&mut made);
    let n_subcontracted = ((flexible.subcontract * n_made as f64).round() as usize).min(n_made);
    let n_partners = n_base.div_ceil(4).clamp(1, n_subcontracted.max(1));
    let mut partner_of = vec![None; n_made];
    for (position, &item) in made.iter().take(n_subcontracted).enumerate() {
        partner_of[item] = Some(position % n_partners);
    }

    let mut sampler = Sampler::new(seed, Stream::Routes);
    let version_1 = std::mem::take(&mut plan.routings);
    let mut routings = Vec::with_capacity(version_1.len() * (n_routes + 1));
    let mut routes = Vec::new();
    let mut partner_load = vec![0.0; n_partners];
    let mut first = 0;
    for item_idx in 0..n_made {
        // The version-1 rows are grouped by item, in item order.
        let count = version_1.get(first..).unwrap_or_default().iter().take_while(|r| r.item == item_idx).count();
        let rows = version_1.get(first..first + count).unwrap_or_default();
        first += count;
        // Drawn for every made item, so that an item's routes do not depend on the others'.
        let mut shifts: Vec<usize> = (1..n_base).collect();
        sampler.shuffle(&mut shifts);
        let alternatives: Vec<Alternative> = (1..n_routes).map(|_| Alternative::draw(&mut sampler)).collect();
        let partner = partner_of.get(item_idx).copied().flatten();
        let Some(item) = plan.items.get(item_idx) else { continue };
        if alternatives.is_empty() && partner.is_none() {
            routings.extend_from_slice(rows);
            continue;
        }
        let main = routes.len();
        routes.push(Route { item: item_idx, id: "R1".into(), terms: LotTerms::default() });
        routings.extend(rows.iter().map(|row| Routing { route: Some(main), ..*row }));
        for (k, alternative) in alternatives.iter().enumerate() {
            let shift = if shifts.is_empty() { 0 } else { shifts[k % shifts.len()] };
            let route = routes.len();
            let cost_factor = 1.0 + 0.4 * (1.0 - alternative.speed) + alternative.cost_noise;
            let terms = LotTerms {
                unit_cost: Some(round_to(item.unit_cost * cost_factor, 2)),
                lead_time: Some(item.lead_time + alternative.extra_lead),
                ..LotTerms::default()
            };
            routes.push(Route { item: item_idx, id: format!("R{}", k + 2), terms });
            routings.extend(rows.iter().map(|row| Routing {
                item: item_idx,
                resource: (row.resource + shift) % n_base,
                unit_time: round_to(row.unit_time * alternative.speed, 3).max(0.001),
                setup_time: round_to(row.setup_time * alternative.setup_time, 2),
                setup_cost: round_to(row.setup_cost * alternative.setup_cost, 2),
                route: Some(route),
                family: None,
            }));
        }
        if let Some(partner) = partner {
            let unit_time = round_to(rows.iter().map(|row| row.unit_time).sum::<f64>(), 3).max(0.001);
            let terms = LotTerms {
                unit_cost: Some(round_to(item.unit_cost * partner_sampler.between(1.25, 1.6), 2)),
                lead_time: Some(item.lead_time + partner_sampler.int_between(1, 2)),
                order_cost: Some(round_to(partner_sampler.between(20.0, 60.0), 2)),
                ..LotTerms::default()
            };
            let route = routes.len();
            routes.push(Route { item: item_idx, id: "SUB".into(), terms });
            let row = Routing::new(item_idx, n_base + partner, unit_time, 0.0, 0.0);
            routings.push(Routing { route: Some(route), ..row });
            let mean_release = releases.row(item_idx).iter().sum::<f64>() / n_periods as f64;
            partner_load[partner] += unit_time * mean_release;
        }
    }
    plan.routings = routings;
    plan.routes = routes;
    if n_subcontracted == 0 {
        return;
    }
    for (partner, load) in partner_load.iter().enumerate() {
        let share = partner_sampler.between(0.3, 0.5);
        let capacity = if *load > 0.0 { (load * share * 100.0).ceil() / 100.0 } else { IDLE_CAPACITY };
        plan.resources.push(Resource {
            id: format!("PARTNER-{}", partner + 1),
            capacity: vec![capacity; n_periods],
            overtime_max: 0.0,
            overtime_cost: 0.0,
        });
    }
}

/// Gives each made item a family on the version-1 resources (the first `n_base`), lists the
/// (family, resource) pairs used in `families.csv` order of first use, and raises each
/// resource's capacity by its families' setup times.
fn add_families(seed: u64, n_families: usize, layout: &Layout, plan: &mut PlanInput, n_base: usize) {
    let mut sampler = Sampler::new(seed, Stream::Families);
    let family_of: Vec<usize> = (0..layout.intermediates.end).map(|_| sampler.below(n_families)).collect();
    // Values of every (resource, family) pair, drawn in a fixed order whatever is used.
    let values: Vec<(f64, f64)> = (0..n_base * n_families)
        .map(|_| (round_to(sampler.between(1.0, 4.0), 2), round_to(sampler.between(20.0, 120.0), 2)))
        .collect();
    let PlanInput { routings, families, resources, .. } = plan;
    let mut index: Vec<Option<usize>> = vec![None; n_base * n_families];
    for routing in routings.iter_mut() {
        let Some(&family) = family_of.get(routing.item) else { continue };
        if routing.resource >= n_base {
            continue;
        }
        let key = routing.resource * n_families + family;
        let Some(slot) = index.get_mut(key) else { continue };
        let family_idx = *slot.get_or_insert_with(|| {
            let (setup_time, setup_cost) = values.get(key).copied().unwrap_or_default();
            let id = format!("FAM-{}", family + 1);
            families.push(Family { id, resource: routing.resource, setup_time, setup_cost });
            families.len() - 1
        });
        routing.family = Some(family_idx);
    }
    for family in families.iter() {
        if let Some(resource) = resources.get_mut(family.resource) {
            for capacity in &mut resource.capacity {
                *capacity = round_to(*capacity + family.setup_time, 2);
            }
        }
    }
}

/// The kinds of supplier in the pool, by pool index mod 3.
#[derive(Debug, Clone, Copy)]
enum SupplierKind {
    /// Fast, dear, small lots, limited capacity.
    Local,
    /// About the item's own values, some capacity limit.
    Regional,
    /// Slow, cheap, big minimum lots.
    Overseas,
}

impl SupplierKind {
    fn of(pool_idx: usize) -> Self {
        match pool_idx % 3 {
            0 => SupplierKind::Local,
            1 => SupplierKind::Regional,
            _ => SupplierKind::Overseas,
        }
    }
}

/// Gives every bought item `flexible.suppliers` sources from distinct suppliers of the pool.
fn add_sources(seed: u64, flexible: &FlexibleSpec, layout: &Layout, plan: &mut PlanInput, gross: &Grid<f64>) {
    let n_sources = flexible.suppliers;
    let pool = n_sources.max(layout.purchased.len().div_ceil(10));
    if layout.purchased.is_empty() || n_sources == 0 {
        return;
    }
    let width = id_width(pool, 2);
    let mut sampler = Sampler::new(seed, Stream::Sources);
    let n_periods = gross.periods().max(1);
    let PlanInput { items, sources, suppliers, .. } = plan;
    // Supplier index (order of first source, as the reader numbers them) of each pool member.
    let mut supplier_of: Vec<Option<usize>> = vec![None; pool];
    // A permutation of the pool whose first `n_sources` are each item's suppliers.
    let mut candidates: Vec<usize> = (0..pool).collect();
    for item_idx in layout.purchased.clone() {
        let Some(item) = items.get(item_idx) else { continue };
        let total: f64 = if item_idx < gross.rows() { gross.row(item_idx).iter().sum() } else { 0.0 };
        let mean = (total / n_periods as f64).max(1.0);
        for slot in 0..n_sources {
            let other = slot + sampler.below(pool - slot);
            candidates.swap(slot, other);
        }
        for (slot, &pool_idx) in candidates.iter().take(n_sources).enumerate() {
            let supplier = *supplier_of[pool_idx].get_or_insert_with(|| {
                let id = format!("SUP-{:0width$}", pool_idx + 1);
                suppliers.push(Supplier { id, order_cost: flexible.joint_order_cost });
                suppliers.len() - 1
            });
            let (terms, max_per_period) = if slot == 0 {
                (LotTerms::default(), None)
            } else {
                source_terms(&mut sampler, SupplierKind::of(pool_idx), item, mean)
            };
            sources.push(Source { item: item_idx, supplier, terms, max_per_period });
        }
    }
}

/// The lot values and per-period limit of a source of `kind` for `item`, whose mean
/// requirement per period is `mean`; quantities in whole packs.
fn source_terms(sampler: &mut Sampler, kind: SupplierKind, item: &Item, mean: f64) -> (LotTerms, Option<f64>) {
    let step = item.lot_multiple.unwrap_or(1.0);
    let packs_up = |value: f64| ((value / step).ceil() * step).max(step);
    let packs_down = |value: f64| ((value / step).floor() * step).max(step);
    match kind {
        SupplierKind::Local => {
            let unit_cost = round_to(item.unit_cost * sampler.between(1.08, 1.3), 2);
            let min_lot = if item.min_lot > 0.0 { packs_up(item.min_lot * 0.25) } else { 0.0 };
            let max_per_period = packs_down(mean * sampler.between(0.5, 1.2)).max(min_lot);
            let terms = LotTerms {
                unit_cost: Some(unit_cost),
                lead_time: Some(item.lead_time.saturating_sub(1)),
                min_lot: Some(min_lot),
                order_cost: Some(round_to(item.order_cost * 0.6, 2)),
                ..LotTerms::default()
            };
            (terms, Some(max_per_period))
        }
        SupplierKind::Regional => {
            let unit_cost = round_to(item.unit_cost * sampler.between(0.95, 1.05), 2);
            let max_per_period = packs_down(mean * sampler.between(1.0, 2.0)).max(item.min_lot);
            (LotTerms { unit_cost: Some(unit_cost), ..LotTerms::default() }, Some(max_per_period))
        }
        SupplierKind::Overseas => {
            let unit_cost = round_to(item.unit_cost * sampler.between(0.7, 0.88), 2);
            let lead_time = item.lead_time + sampler.int_between(1, 2);
            let min_lot = packs_up(item.min_lot.max(mean * sampler.between(2.0, 5.0)));
            let terms = LotTerms {
                unit_cost: Some(unit_cost),
                lead_time: Some(lead_time),
                min_lot: Some(min_lot),
                order_cost: Some(round_to(item.order_cost * 1.5, 2)),
                ..LotTerms::default()
            };
            (terms, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{generate, GenerateSpec};
    use super::*;
    use crate::error::Error;
    use crate::input::ItemKind;
    use std::collections::BTreeSet;

    fn spec(seed: u64, items: usize, flexible: FlexibleSpec) -> GenerateSpec {
        GenerateSpec { seed, items, orders: items * 20, periods: 10, flexible, ..GenerateSpec::default() }
    }

    fn generated(spec: &GenerateSpec) -> PlanInput {
        generate(spec).unwrap_or_else(|e| panic!("generate({spec:?}) failed: {e}"))
    }

    fn all(routes: usize, subcontract: f64, suppliers: usize, families: usize) -> FlexibleSpec {
        let joint_order_cost = if suppliers > 0 { 75.0 } else { 0.0 };
        FlexibleSpec { routes, subcontract, suppliers, joint_order_cost, families, unmet_cost: Some(2.0) }
    }

    #[test]
    fn the_default_adds_nothing() {
        assert!(FlexibleSpec::default().is_none());
        assert!(FlexibleSpec { routes: 1, ..FlexibleSpec::default() }.is_none());
        assert!(!FlexibleSpec { unmet_cost: Some(0.0), ..FlexibleSpec::default() }.is_none());
        let plain = generated(&spec(4, 60, FlexibleSpec::default()));
        assert!(plain.routes.is_empty() && plain.sources.is_empty() && plain.suppliers.is_empty());
        assert!(plain.families.is_empty() && plain.items.iter().all(|item| item.unmet_cost == 0.0));
    }

    #[test]
    fn routes_and_partners_follow_the_spec() {
        for (seed, items, routes, subcontract) in [(1, 1, 2, 1.0), (2, 12, 3, 0.0), (3, 90, 2, 0.3), (4, 300, 4, 0.5)] {
            let plan = generated(&spec(seed, items, all(routes, subcontract, 0, 0)));
            let made: Vec<usize> = (0..plan.items.len()).filter(|&i| plan.items[i].kind == ItemKind::Make).collect();
            let n_base = plan.resources.iter().filter(|r| !r.id.starts_with("PARTNER-")).count();
            let mut subcontracted = 0;
            for &item_idx in &made {
                let ids: Vec<&str> =
                    plan.routes.iter().filter(|route| route.item == item_idx).map(|route| route.id.as_str()).collect();
                let with_partner = ids.contains(&"SUB");
                subcontracted += usize::from(with_partner);
                assert_eq!(ids.len(), routes + usize::from(with_partner), "{ids:?}");
                let rows: Vec<&Routing> = plan.routings_of(item_idx).collect();
                assert!(rows.iter().all(|row| row.route.is_some()), "every row names its route");
                for (route_idx, route) in plan.routes.iter().enumerate().filter(|(_, r)| r.item == item_idx) {
                    let on: Vec<usize> =
                        rows.iter().filter(|row| row.route == Some(route_idx)).map(|row| row.resource).collect();
                    let distinct: BTreeSet<usize> = on.iter().copied().collect();
                    assert_eq!(distinct.len(), on.len(), "{route:?}: a resource twice");
                    if route.id == "SUB" {
                        assert_eq!(on.len(), 1);
                        assert!(on[0] >= n_base && plan.resources[on[0]].overtime_max == 0.0);
                        let item = &plan.items[item_idx];
                        assert!(route.terms.unit_cost.is_some_and(|c| c >= item.unit_cost * 1.2));
                        assert!(route.terms.lead_time.is_some_and(|l| l > item.lead_time));
                    } else {
                        assert!(on.iter().all(|&r| r < n_base), "{route:?}");
                        assert_eq!(route.id == "R1", route.terms == LotTerms::default(), "{route:?}");
                    }
                }
            }
            assert_eq!(subcontracted, (subcontract * made.len() as f64).round() as usize, "{items} items");
            // Every partner makes something.
            for (r, resource) in plan.resources.iter().enumerate().skip(n_base) {
                assert!(plan.routings.iter().any(|row| row.resource == r), "{} unused", resource.id);
                assert!(resource.capacity.iter().all(|&c| c > 0.0));
            }
        }
    }

    #[test]
    fn sources_come_from_distinct_suppliers_listed_in_order_of_first_use() {
        let plan = generated(&spec(5, 200, all(0, 0.0, 3, 0)));
        let mut first_use = Vec::new();
        for source in &plan.sources {
            if !first_use.contains(&source.supplier) {
                first_use.push(source.supplier);
            }
        }
        assert_eq!(first_use, (0..plan.suppliers.len()).collect::<Vec<_>>());
        assert_eq!(plan.suppliers.len(), 10, "a pool of 100 bought items / 10");
        for (item_idx, item) in plan.items.iter().enumerate() {
            let sources: Vec<&Source> = plan.sources.iter().filter(|s| s.item == item_idx).collect();
            if item.kind == ItemKind::Make {
                assert!(sources.is_empty());
                continue;
            }
            assert_eq!(sources.len(), 3, "{}", item.id);
            let suppliers: BTreeSet<usize> = sources.iter().map(|s| s.supplier).collect();
            assert_eq!(suppliers.len(), 3, "{}", item.id);
            // The first is the item's own terms, unlimited; the others differ.
            assert_eq!((sources[0].terms, sources[0].max_per_period), (LotTerms::default(), None));
            let step = item.lot_multiple.unwrap_or(1.0);
            for source in &sources[1..] {
                assert!(source.terms.unit_cost.is_some(), "{source:?}");
                let min_lot = source.terms.min_lot.unwrap_or(item.min_lot);
                assert_eq!((min_lot / step).round() * step, min_lot, "{source:?}: whole packs");
                if let Some(cap) = source.max_per_period {
                    assert!(cap >= min_lot && cap >= step && (cap / step).round() * step == cap, "{source:?}");
                }
            }
        }
        assert!(plan.suppliers.iter().all(|s| s.order_cost == 75.0));
    }

    #[test]
    fn families_cover_the_resources_and_raise_their_capacity() {
        let flexible = all(2, 0.4, 0, 3);
        let plan = generated(&spec(6, 120, flexible.clone()));
        let no_families = generated(&spec(6, 120, FlexibleSpec { families: 0, ..flexible }));
        assert_eq!(plan.routes, no_families.routes);
        let n_base = plan.resources.iter().filter(|r| !r.id.starts_with("PARTNER-")).count();
        let mut used = BTreeSet::new();
        for (row, plain_row) in plan.routings.iter().zip(&no_families.routings) {
            assert_eq!(Routing { family: None, ..*row }, *plain_row);
            match row.family {
                Some(f) => {
                    assert!(row.resource < n_base);
                    assert_eq!(plan.families[f].resource, row.resource);
                    used.insert(f);
                }
                None => assert!(row.resource >= n_base, "{row:?}"),
            }
        }
        assert_eq!(used.len(), plan.families.len(), "every families.csv row is used");
        // An item has one family on every resource.
        for item_idx in 0..plan.items.len() {
            let ids: BTreeSet<&str> =
                plan.routings_of(item_idx).filter_map(|r| r.family).map(|f| plan.families[f].id.as_str()).collect();
            assert!(ids.len() <= 1, "{ids:?}");
        }
        for (r, (with, without)) in plan.resources.iter().zip(&no_families.resources).enumerate() {
            let setups: f64 = plan.families.iter().filter(|f| f.resource == r).map(|f| f.setup_time).sum();
            for (a, b) in with.capacity.iter().zip(&without.capacity) {
                assert!((a - b - setups).abs() < 0.006, "{}: {a} vs {b} + {setups}", with.id);
            }
        }
    }

    #[test]
    fn each_feature_draws_from_its_own_stream() {
        let routes_only = generated(&spec(7, 80, FlexibleSpec { routes: 2, ..FlexibleSpec::default() }));
        let with_suppliers =
            generated(&spec(7, 80, FlexibleSpec { routes: 2, suppliers: 2, ..FlexibleSpec::default() }));
        assert_eq!(routes_only.routings, with_suppliers.routings);
        assert_eq!(routes_only.routes, with_suppliers.routes);
        let suppliers_only = generated(&spec(7, 80, FlexibleSpec { suppliers: 2, ..FlexibleSpec::default() }));
        assert_eq!(suppliers_only.sources, with_suppliers.sources);
        assert_eq!(suppliers_only.suppliers, with_suppliers.suppliers);
    }

    #[test]
    fn unmet_cost_is_a_multiple_of_the_rolled_up_cost_of_end_items() {
        let plan = generated(&spec(8, 50, FlexibleSpec { unmet_cost: Some(3.0), ..FlexibleSpec::default() }));
        let rolled_up = super::super::rolled_up_costs(&plan.items, &plan.bom);
        for (item, cost) in plan.items.iter().zip(rolled_up) {
            let expected = if item.backlog_cost.is_some() { round_to(cost * 3.0, 2) } else { 0.0 };
            assert_eq!(item.unmet_cost, expected, "{}", item.id);
        }
    }

    #[test]
    fn bad_flexible_specs_are_refused() {
        let refusal = |flexible: FlexibleSpec| match generate(&spec(1, 10, flexible)) {
            Err(Error::Request { what, message }) if what == "generate" => message,
            other => panic!("expected a refused request, got {other:?}"),
        };
        let none = FlexibleSpec::default;
        assert_eq!(refusal(FlexibleSpec { routes: 11, ..none() }), "at most 10 routes per made item, not 11");
        assert_eq!(
            refusal(FlexibleSpec { subcontract: 1.5, ..none() }),
            "the subcontracted share of made items must be between 0 and 1, not 1.5"
        );
        assert_eq!(
            refusal(FlexibleSpec { subcontract: f64::NAN, ..none() }),
            "the subcontracted share of made items must be between 0 and 1, not NaN"
        );
        assert_eq!(refusal(FlexibleSpec { suppliers: 11, ..none() }), "at most 10 suppliers per bought item, not 11");
        assert_eq!(
            refusal(FlexibleSpec { joint_order_cost: 50.0, ..none() }),
            "a joint order cost needs suppliers: ask for at least 1 supplier per bought item"
        );
        assert_eq!(
            refusal(FlexibleSpec { suppliers: 1, joint_order_cost: -1.0, ..none() }),
            "a joint order cost must be a number >= 0, not -1"
        );
        assert_eq!(refusal(FlexibleSpec { families: 51, ..none() }), "at most 50 setup families per resource, not 51");
        assert_eq!(
            refusal(FlexibleSpec { unmet_cost: Some(f64::INFINITY), ..none() }),
            "an unmet-cost factor must be a number >= 0, not inf"
        );
    }
}
