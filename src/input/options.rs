//! The options of every item (spec section 2): the ways to replenish it, each with its own lot
//! values. A make item's options are its routes (section 1.2) and, for "make or buy", its
//! suppliers; a buy item's options are its suppliers (section 1.3). A version-1 item has
//! exactly one option with the item's own values, so a version-1 plan has option `o` = item
//! `o`.
//!
//! Options are numbered item by item, in item order: the options of item `i` are the
//! contiguous range [`Options::of_item`]`(i)`. Within an item, routes come first, in the order
//! their first routing row appears in `routings.csv`, then suppliers in `sources.csv` order.

use crate::input::{LotTerms, PlanInput};
use std::ops::Range;

/// How an option replenishes its item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Way {
    /// Made on a route: every routing row in `routings` (indices into `PlanInput::routings`)
    /// is used by every lot. `route` is `None` for an item's unnamed route (its rows name no
    /// route, or it has no rows and uses no resource). Made lots consume the item's components.
    Route {
        /// The route's name, as in `routings.csv`.
        route: Option<String>,
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

    /// The route's name (`None` for an unnamed route or a bought option).
    pub fn route(&self) -> Option<&str> {
        match &self.way {
            Way::Route { route, .. } => route.as_deref(),
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
}

impl Options {
    /// The options of `input`, by the rules of the module docs. Expects a [`PlanInput`] that
    /// the reader accepted (every index in range, an item's routing rows all named or all
    /// unnamed); rows breaking that are skipped, never trusted.
    pub fn new(input: &PlanInput) -> Self {
        let n_items = input.items.len();
        let mut routes_of: Vec<Vec<(Option<String>, Vec<usize>)>> = vec![Vec::new(); n_items];
        for (row, routing) in input.routings.iter().enumerate() {
            let Some(routes) = routes_of.get_mut(routing.item) else { continue };
            match routes.iter_mut().find(|(name, _)| *name == routing.route) {
                Some((_, rows)) => rows.push(row),
                None => routes.push((routing.route.clone(), vec![row])),
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
                    let terms = route
                        .as_deref()
                        .and_then(|name| input.routes.iter().find(|r| r.item == i && r.route == name))
                        .map(|r| r.terms)
                        .unwrap_or_default();
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
        Options { list, start }
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

    /// True when every item has exactly one option with the item's own values (a version-1
    /// plan): then option `o` is item `o`.
    pub fn one_per_item(&self) -> bool {
        self.list.len() + 1 == self.start.len()
    }
}
