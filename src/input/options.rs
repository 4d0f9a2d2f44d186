//! The options of every item (spec section 2): the ways to replenish it, each with its own lot
//! values. A make item's options are its routes (section 1.2) and, for "make or buy", its
//! suppliers; a buy item's options are its suppliers (section 1.3). A version-1 item has
//! exactly one option with the item's own values, so a version-1 plan has option `o` = item
//! `o`.
//!
//! Options are numbered item by item, in item order: the options of item `i` are the
//! contiguous range [`Options::of_item`]`(i)`. Within an item, routes come first, in the order
//! their first routing row appears in `routings.csv`, then suppliers in `sources.csv` order.

use crate::format::snap;
use crate::grid::Grid;
use crate::input::{LotTerms, PeriodOf, PlanInput};
use std::ops::Range;

/// How an option replenishes its item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Way {
    /// Made on a route: every routing row in `routings` (indices into `PlanInput::routings`)
    /// is used by every lot. `route` is `None` for an item's unnamed route (its rows name no
    /// route, or it has no rows and uses no resource). Made lots consume the item's components.
    Route {
        /// The route (an index into `PlanInput::routes`), `None` for the unnamed route.
        route: Option<usize>,
        /// The routing rows of this route.
        routings: Vec<usize>,
    },
    /// Bought: from `supplier` (an index into `PlanInput::suppliers`), or from the item's one
    /// unnamed supplier (`None`: a buy item without sources). Bought lots consume nothing.
    Supplier {
        /// The supplier, when named in `sources.csv`.
        supplier: Option<usize>,
    },
}

/// One option `o` of an item, with its values (`c_o, L_o, min_o, max_o, mult_o, oc_o, cap_o`).
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyOption {
    /// The item it replenishes.
    pub item: usize,
    /// Made on a route or bought from a supplier.
    pub way: Way,
    /// Cost per unit.
    pub unit_cost: f64,
    /// Periods from start or order until the lot is available.
    pub lead_time: usize,
    /// A lot, if any, is at least this.
    pub min_lot: f64,
    /// A lot is at most this.
    pub max_lot: Option<f64>,
    /// A lot is an integer multiple of this.
    pub lot_multiple: Option<f64>,
    /// Fixed cost per lot.
    pub order_cost: f64,
    /// Most units per period of ordering (`max_per_period` of a source).
    pub max_per_period: Option<f64>,
}

impl SupplyOption {
    /// Whether lots of this option are made (and so consume the item's components).
    pub fn is_made(&self) -> bool {
        matches!(self.way, Way::Route { .. })
    }

    /// The routing rows every lot of this option uses (none for a bought option).
    pub fn routings(&self) -> &[usize] {
        match &self.way {
            Way::Route { routings, .. } => routings,
            Way::Supplier { .. } => &[],
        }
    }

    /// The route (an index into `PlanInput::routes`; `None` for an unnamed route or a bought
    /// option).
    pub fn route(&self) -> Option<usize> {
        match self.way {
            Way::Route { route, .. } => route,
            Way::Supplier { .. } => None,
        }
    }

    /// The supplier's index (`None` for a made option or the unnamed supplier).
    pub fn supplier(&self) -> Option<usize> {
        match self.way {
            Way::Supplier { supplier } => supplier,
            Way::Route { .. } => None,
        }
    }
}

/// Every option of a plan, numbered item by item.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    list: Vec<SupplyOption>,
    /// `start[i]..start[i + 1]` are item `i`'s options.
    start: Vec<usize>,
    /// The option of each routing row.
    of_row: Vec<Option<usize>>,
    /// `xp[o, t]` when replanning ([`Options::previous`]).
    previous: Option<Grid<f64>>,
}

impl Options {
    /// The options of `input`, by the rules of the module docs. Expects a [`PlanInput`] that
    /// the reader accepted (every index in range, an item's routing rows all named or all
    /// unnamed); rows breaking that are skipped, never trusted.
    pub fn new(input: &PlanInput) -> Self {
        let n_items = input.items.len();
        let mut routes_of: Vec<Vec<(Option<usize>, Vec<usize>)>> = vec![Vec::new(); n_items];
        for (row, routing) in input.routings.iter().enumerate() {
            let Some(routes) = routes_of.get_mut(routing.item) else { continue };
            match routes.iter_mut().find(|(name, _)| *name == routing.route) {
                Some((_, rows)) => rows.push(row),
                None => routes.push((routing.route, vec![row])),
            }
        }
        let mut sources_of: Vec<Vec<usize>> = vec![Vec::new(); n_items];
        for (row, source) in input.sources.iter().enumerate() {
            if let Some(list) = sources_of.get_mut(source.item) {
                list.push(row);
            }
        }
        let mut list = Vec::with_capacity(n_items);
        let mut start = Vec::with_capacity(n_items + 1);
        for (i, item) in input.items.iter().enumerate() {
            start.push(list.len());
            let own = |way: Way, terms: &LotTerms, max_per_period: Option<f64>| SupplyOption {
                item: i,
                way,
                unit_cost: terms.unit_cost.unwrap_or(item.unit_cost),
                lead_time: terms.lead_time.unwrap_or(item.lead_time),
                min_lot: terms.min_lot.unwrap_or(item.min_lot),
                max_lot: terms.max_lot.or(item.max_lot),
                lot_multiple: terms.lot_multiple.or(item.lot_multiple),
                order_cost: terms.order_cost.unwrap_or(item.order_cost),
                max_per_period,
            };
            if item.kind == crate::input::ItemKind::Make {
                let routes = std::mem::take(&mut routes_of[i]);
                let routes = if routes.is_empty() { vec![(None, Vec::new())] } else { routes };
                for (route, routings) in routes {
                    let terms = route.and_then(|r| input.routes.get(r)).map(|r| r.terms).unwrap_or_default();
                    list.push(own(Way::Route { route, routings }, &terms, None));
                }
            } else if sources_of[i].is_empty() {
                list.push(own(Way::Supplier { supplier: None }, &LotTerms::default(), None));
            }
            for &row in &sources_of[i] {
                let source = &input.sources[row];
                list.push(own(Way::Supplier { supplier: Some(source.supplier) }, &source.terms, source.max_per_period));
            }
        }
        start.push(list.len());
        let mut of_row = vec![None; input.routings.len()];
        for (o, option) in list.iter().enumerate() {
            for &row in option.routings() {
                of_row[row] = Some(o);
            }
        }
        let mut options = Options { list, start, of_row, previous: None };
        options.previous = options.previous_lots(input);
        options
    }

    /// `xp[o, t]` of replanning (spec section 1.6): the previous plan's quantity of option `o`
    /// started in period `t` (0 where it had none); `None` without replanning.
    pub fn previous(&self) -> Option<&Grid<f64>> {
        self.previous.as_ref()
    }

    /// The option routing row `row` belongs to (`None` for a row of a buy item, which the
    /// reader refuses).
    pub fn of_routing_row(&self, row: usize) -> Option<usize> {
        self.of_row.get(row).copied().flatten()
    }

    /// Number of options.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when there are no options (no items).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every option, numbered item by item.
    pub fn all(&self) -> &[SupplyOption] {
        &self.list
    }

    /// Option `o`.
    pub fn get(&self, o: usize) -> &SupplyOption {
        &self.list[o]
    }

    /// The options of item `i` (an empty range out of range).
    pub fn of_item(&self, i: usize) -> Range<usize> {
        match (self.start.get(i), self.start.get(i + 1)) {
            (Some(&from), Some(&to)) => from..to,
            _ => 0..0,
        }
    }

    /// The made options (routes) of item `i`: the ones whose lots consume its components.
    pub fn made_of_item(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.of_item(i).filter(|&o| self.list[o].is_made())
    }

    /// The `(route, supplier)` ids a lot row of option `o` carries in `lots.csv` (empty for the
    /// unnamed version-1 ways).
    pub fn way_ids<'a>(&self, input: &'a PlanInput, o: usize) -> (&'a str, &'a str) {
        let option = &self.list[o];
        let route = option.route().and_then(|r| input.routes.get(r)).map_or("", |r| r.id.as_str());
        let supplier = option.supplier().and_then(|v| input.suppliers.get(v)).map_or("", |v| v.id.as_str());
        (route, supplier)
    }

    /// The option of item `i` that a lot row naming `route` and `supplier` belongs to (the
    /// inverse of [`Options::way_ids`]).
    pub fn named(&self, input: &PlanInput, i: usize, route: &str, supplier: &str) -> Option<usize> {
        self.of_item(i).find(|&o| self.way_ids(input, o) == (route, supplier))
    }

    /// `xp[o, t]` of replanning: the previous plan's quantity of option `o` started in period
    /// `t`, summed over its lots whose start date the period's dates hold.
    /// Left out: lots before or after the horizon, lots of an item or way that no longer
    /// exists (an input error inside the fence, already reported by the reader), and lots
    /// that could no longer start in their period (`t + L_o >= T`). `None` without replanning.
    fn previous_lots(&self, input: &PlanInput) -> Option<Grid<f64>> {
        let replan = input.replan.as_ref()?;
        let n_periods = input.n_periods();
        let item_of = input.item_index_map();
        let mut grid = Grid::new(self.len(), n_periods, 0.0);
        for lot in &replan.lots {
            let PeriodOf::InHorizon(t) = input.horizon.locate(lot.start_date) else { continue };
            let Some(&i) = item_of.get(lot.item.as_str()) else { continue };
            let Some(o) = self.named(input, i, &lot.route, &lot.supplier) else { continue };
            if t + self.list[o].lead_time < n_periods {
                grid[(o, t)] = snap(grid[(o, t)] + lot.quantity);
            }
        }
        Some(grid)
    }

    /// True when every item has exactly one option with the item's own values (a version-1
    /// plan): then option `o` is item `o`.
    pub fn one_per_item(&self) -> bool {
        self.list.len() + 1 == self.start.len()
    }

    /// True when some item can be made in more than one way (alternative routes, a partner
    /// route).
    pub fn has_alternative_routes(&self) -> bool {
        (0..self.start.len().saturating_sub(1)).any(|i| self.made_of_item(i).nth(1).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{Bucket, Horizon, Item, ItemKind, Route, Routing, Source, Supplier};

    fn plan() -> PlanInput {
        let horizon = Horizon {
            start: chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("a date"),
            bucket: Bucket::Week,
            periods: 4,
        };
        let tee = Item { unit_cost: 2.0, lead_time: 1, min_lot: 10.0, ..Item::new("TEE", ItemKind::Make) };
        let blank = Item { unit_cost: 1.0, lead_time: 2, ..Item::new("BLANK", ItemKind::Buy) };
        let ink = Item::new("INK", ItemKind::Buy);
        let bag = Item::new("BAG", ItemKind::Make);
        PlanInput { items: vec![tee, blank, ink, bag], ..PlanInput::new(horizon) }
    }

    #[test]
    fn a_version_1_plan_has_one_option_per_item_with_the_items_values() {
        let mut input = plan();
        input.routings = vec![Routing::new(0, 0, 1.0, 0.0, 0.0), Routing::new(0, 1, 1.0, 0.0, 0.0)];
        let options = Options::new(&input);
        assert!(options.one_per_item());
        assert_eq!(options.len(), 4);
        let tee = options.get(0);
        assert_eq!((tee.unit_cost, tee.lead_time, tee.min_lot), (2.0, 1, 10.0));
        assert_eq!(tee.routings(), [0, 1]);
        assert_eq!(tee.route(), None);
        assert_eq!(options.get(1).way, Way::Supplier { supplier: None });
        // A make item without routing rows has one unnamed route on no resource.
        assert_eq!(options.get(3).way, Way::Route { route: None, routings: vec![] });
        assert_eq!(options.of_item(2), 2..3);
    }

    #[test]
    fn routes_then_suppliers_each_with_its_own_values() {
        let mut input = plan();
        let on = |resource, route| Routing { route: Some(route), ..Routing::new(0, resource, 1.0, 0.0, 0.0) };
        input.routes = vec![
            Route { item: 0, id: "DTG".into(), terms: LotTerms { lead_time: Some(0), ..LotTerms::default() } },
            Route { item: 0, id: "SCREEN".into(), terms: LotTerms::default() },
        ];
        // Rows of the second route come first: routes are ordered by their first row.
        input.routings = vec![on(1, 1), on(0, 0), on(2, 1)];
        input.suppliers =
            vec![Supplier { id: "MILL".into(), order_cost: 5.0 }, Supplier { id: "PARTNER".into(), order_cost: 0.0 }];
        input.sources = vec![
            Source {
                item: 1,
                supplier: 0,
                terms: LotTerms { unit_cost: Some(0.8), ..LotTerms::default() },
                max_per_period: Some(100.0),
            },
            Source { item: 0, supplier: 1, terms: LotTerms::default(), max_per_period: None },
        ];
        let options = Options::new(&input);
        assert!(!options.one_per_item());
        assert_eq!(options.of_item(0), 0..3);
        let (screen, dtg, bought) = (options.get(0), options.get(1), options.get(2));
        assert_eq!((screen.route(), screen.routings(), screen.lead_time), (Some(1), &[0, 2][..], 1));
        assert_eq!((dtg.route(), dtg.routings(), dtg.lead_time), (Some(0), &[1][..], 0));
        assert!(screen.is_made() && dtg.is_made() && !bought.is_made());
        assert_eq!((bought.supplier(), bought.unit_cost, bought.min_lot), (Some(1), 2.0, 10.0));
        assert_eq!(options.made_of_item(0).collect::<Vec<_>>(), [0, 1]);
        // A buy item with sources is bought only from them.
        assert_eq!(options.of_item(1), 3..4);
        let mill = options.get(3);
        assert_eq!((mill.supplier(), mill.unit_cost, mill.max_per_period), (Some(0), 0.8, Some(100.0)));
    }
}
