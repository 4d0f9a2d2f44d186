//! Generated plans with configurable products (spec section 1.5): small adversarial ones for
//! the differential test ([`generate_configurable_adversarial`]) and storefront-sized ones for
//! benchmarks ([`generate_storefront`], `flexplan generate --storefront`).
//!
//! Both draw the plan as it is written (the ordinary items, then one row per product with its
//! `attributes`; the products' bom and routing lines with `{attribute}` placeholders and `when`
//! conditions; families with placeholders; a product's forecast and mix; orders naming the
//! product with their options; receipts naming a class) and then expand it with the reader's
//! own expansion, [`crate::input::configure::expand`], in memory: no folder is written or read.
//! The lines' `row` fields are the rows [`crate::input::write_plan_dir`] gives them, so a
//! generated plan written and read back is the same `PlanInput`, to the last field (tested for
//! every generator; that test is also what shows the generated rows are valid input, since
//! the reader checks them).
//!
//! As in the rest of [`crate::generate`], every draw comes from a [`ChaCha8Rng`] stream of its
//! own ([`Stream::Configurable`] for the adversarial plans; [`Stream::StorefrontCatalog`] and
//! [`Stream::StorefrontOrders`] for the storefront, so the catalog does not depend on the number
//! of orders) through the portable samplers of [`Sampler`].
//!
//! [`ChaCha8Rng`]: rand_chacha::ChaCha8Rng

use super::{adversarial_horizon, adversarial_lot_rules, flexible_terms, id_width, round_to, Sampler, Stream};
use super::{checked_horizon, refused, AdversarialSpec, FlexibleSpec, GenerateSpec};
use crate::error::{Error, Result};
use crate::input::configure::{expand, relevant_attributes, ClassReceipt, Origin, Unexpanded};
use crate::input::{
    BomEdge, Bucket, ConfigBomLine, ConfigRouting, Configurable, Family, Horizon, Item, ItemKind, LotTerms, MixShare,
    Order, OrderOptions, PlanInput, ProductRoute, Receipt, Resource, Routing, Source, Supplier,
};
use chrono::{Days, NaiveDate};

// ---------------------------------------------------------------------------------------------
// The plan as written, and its expansion

/// A plan with configurable products as it is written, before the expansion.
struct Draft {
    /// The ordinary items followed by one item per product (its items.csv values), the
    /// ordinary tables, and the orders: a product's orders name the product's item (its index
    /// in `items`) and carry their options.
    input: PlanInput,
    /// The products with their rows as written (`row` fields are set by [`expand_draft`]).
    products: Vec<Configurable>,
    /// families.csv's rows with placeholders, after the listed families of `input.families`.
    family_templates: Vec<Family>,
    /// Receipts naming a class: product, the values of its relevant attributes, period, quantity.
    class_receipts: Vec<(usize, Vec<String>, usize, f64)>,
}

/// A line's row as a spreadsheet shows it: the header is row 1.
const FIRST_DATA_ROW: usize = 2;

/// Expands `draft` as the reader would after reading the folder [`crate::input::write_plan_dir`]
/// writes for it: every row number is the one it has in that folder.
fn expand_draft(draft: Draft) -> Result<PlanInput> {
    let Draft { input, mut products, family_templates, class_receipts } = draft;
    let n_ordinary = input.items.len().saturating_sub(products.len());
    let bom_rows = FIRST_DATA_ROW + input.bom.len()..;
    for (row, line) in bom_rows.zip(products.iter_mut().flat_map(|product| &mut product.bom)) {
        line.row = row;
    }
    let routing_rows = FIRST_DATA_ROW + input.routings.len()..;
    for (row, routing) in routing_rows.zip(products.iter_mut().flat_map(|product| &mut product.routings)) {
        routing.row = row;
    }
    let n_listed = input.families.len();
    let family_templates = family_templates
        .into_iter()
        .enumerate()
        .map(|(k, family)| (family, "families.csv".to_string(), FIRST_DATA_ROW + n_listed + k))
        .collect();
    let n_receipts = input.receipts.len();
    let class_receipts = class_receipts
        .into_iter()
        .enumerate()
        .map(|(k, (product, values, period, quantity))| ClassReceipt {
            product,
            values,
            period,
            quantity,
            origin: Origin::Receipt { file: "receipts.csv".to_string(), row: FIRST_DATA_ROW + n_receipts + k },
        })
        .collect();
    let unexpanded = Unexpanded {
        product_of_item: (0..input.items.len()).map(|item| item.checked_sub(n_ordinary)).collect(),
        products,
        family_templates,
        order_rows: (0..input.orders.len()).map(|k| FIRST_DATA_ROW + k).collect(),
        orders_file: "orders.csv".to_string(),
        mix_file: "mix.csv".to_string(),
        class_receipts,
    };
    expand(input, unexpanded).map_err(|problems| {
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        Error::request(
            "generate",
            format!("the generator made an invalid plan (please report this): {}", problems.join("; ")),
        )
    })
}

/// `attr=value;...` in the product's attribute order, as the reader writes an order's options.
fn options_text(attributes: &[String], value: impl Fn(&str) -> String) -> String {
    let pairs: Vec<String> = attributes.iter().map(|attribute| format!("{attribute}={}", value(attribute))).collect();
    pairs.join(";")
}

/// The configurable product's item and its rows, with no lines yet.
fn product(item: Item, attributes: &[&str]) -> Configurable {
    Configurable::new(item, attributes.iter().map(|a| a.to_string()).collect())
}

/// A bom line as written (its row is set by [`expand_draft`]).
fn line(component: String, quantity: f64, when: &str) -> ConfigBomLine {
    ConfigBomLine { row: 0, component, quantity, when: when.to_string() }
}

/// A routing line as written (its row is set by [`expand_draft`]).
#[allow(clippy::too_many_arguments)]
fn routing_line(
    resource: usize,
    unit_time: f64,
    setup_time: f64,
    setup_cost: f64,
    route: Option<&str>,
    family: Option<&str>,
    when: &str,
) -> ConfigRouting {
    ConfigRouting {
        row: 0,
        resource,
        unit_time,
        setup_time,
        setup_cost,
        route: route.map(str::to_string),
        family: family.map(str::to_string),
        when: when.to_string(),
    }
}

/// `colour=navy|black`: the condition that holds for the `dark` colours.
fn dark_condition(dark: &[&str]) -> String {
    format!("colour={}", dark.join("|"))
}

/// Shares of `n` values (1-3) that sum to exactly 1: quarters for two values, eighths for three
/// (exact in binary, so any order of summing gives 1).
fn exact_shares(s: &mut Sampler, n: usize) -> Vec<f64> {
    match n {
        0 => Vec::new(),
        1 => vec![1.0],
        2 => {
            let k = s.int_between(1, 3) as f64;
            vec![k / 4.0, (4.0 - k) / 4.0]
        }
        _ => {
            let a = s.int_between(1, 6);
            let b = s.int_between(1, 7 - a);
            let c = 8 - a - b;
            [a, b, c].iter().map(|&k| k as f64 / 8.0).collect()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Adversarial plans for the differential test

/// What [`generate_configurable_adversarial`] draws: a seed and a few weekly periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigurableSpec {
    /// Seed of the random generator: the same spec always gives the same plan.
    pub seed: u64,
    /// Number of weekly periods (>= 1; 2-4 keeps the MIP small).
    pub periods: usize,
}

impl ConfigurableSpec {
    /// The spec the differential test uses for `seed`: 2-4 periods, drawn from the seed.
    pub fn for_seed(seed: u64) -> Self {
        let periods = Sampler::new(seed, Stream::ConfigurableSize).int_between(2, 4);
        ConfigurableSpec { seed, periods }
    }
}

/// A product kind of the adversarial plans: the product's id, its blanks' prefix, and whether it
/// comes in sizes.
struct Kind {
    product: &'static str,
    blank: &'static str,
    sized: bool,
}

const KINDS: [Kind; 3] = [
    Kind { product: "TEE", blank: "BLANK-TEE", sized: true },
    Kind { product: "HOODIE", blank: "BLANK-HOOD", sized: true },
    Kind { product: "TOTE", blank: "BLANK-TOTE", sized: false },
];
/// The dark colours the adversarial plans draw from (white is the light one).
const DARK_COLOURS: [&str; 3] = ["navy", "black", "red"];
/// Sizes, in order; an adversarial plan takes two neighbours.
const ADVERSARIAL_SIZES: [&str; 4] = ["S", "M", "L", "XL"];
/// Resource indices of the adversarial plans.
const PRINTER: usize = 0;
const PARTNER: usize = 1;
/// The family with placeholders of the adversarial and storefront plans.
const DTG_FAMILY: &str = "DTG-{colour}";

/// Generates a small adversarial plan with configurable products (deterministic for a given
/// spec), to compare the planner with an independent model on it:
/// - 1-2 products (tee, hoodie, tote) with 2-3 attributes (`colour` with 2-3 values, `size`
///   with 2 for tees and hoodies, `design` with 2-6), sometimes with `design` first so that a
///   class id's order is the attribute order, not the alphabet's;
/// - a blank per product kind, colour and size (`BLANK-TEE-{colour}-{size}`), bought with lead
///   times 0-2, some with lot rules and stock; a white underbase ink on a `when` line only the
///   dark colours get, and sometimes a second ink line on one size (lines of one component add
///   up);
/// - the print on `PRINTER` in family `DTG-{colour}` (a family with placeholders, shared by the
///   products' classes of one colour), an underbase row on the dark colours, sometimes in a
///   literal family `WHITE-BASE`; sometimes a second route `PARTNER` on a partner's resource
///   with a lead time and prices of its own (routes.csv);
/// - sometimes an ordinary make item `PATCH` on the printer, sometimes in the literal family
///   `DTG-white` that the white classes resolve to as well (one setup shared across products);
/// - orders with random configurations (several designs per class), some past due or beyond
///   the horizon; sometimes a forecast of a product with a mix over its relevant attributes
///   (shares in quarters or eighths: they sum to exactly 1), sometimes over `design` too;
///   sometimes a receipt naming a class;
/// - the printer at 85-115 % of the lot-for-lot load, some periods closed, sometimes overtime.
///
/// Some plans are infeasible (a product without a backlog cost, a closed printer). Every plan
/// passes the reader's validation: written with [`crate::input::write_plan_dir`] and read back
/// it is the same plan.
pub fn generate_configurable_adversarial(spec: &ConfigurableSpec) -> Result<PlanInput> {
    let horizon = adversarial_horizon(&AdversarialSpec { seed: spec.seed, items: 1, periods: spec.periods })?;
    let n_periods = horizon.periods;
    let mut s = Sampler::new(spec.seed, Stream::Configurable);

    // The attribute values the products share.
    let mut dark_pool = DARK_COLOURS;
    s.shuffle(&mut dark_pool);
    let n_colours = s.int_between(2, 3);
    let with_white = s.chance(0.8);
    let mut colours: Vec<&str> = Vec::new();
    if with_white {
        colours.push("white");
    }
    colours.extend(dark_pool.iter().take(n_colours - colours.len()));
    let dark: Vec<&str> = colours.iter().copied().filter(|c| *c != "white").collect();
    let first_size = s.below(ADVERSARIAL_SIZES.len() - 1);
    let sizes = &ADVERSARIAL_SIZES[first_size..first_size + 2];
    let mut kinds = [0, 1, 2];
    s.shuffle(&mut kinds);
    let n_products = if s.chance(0.4) { 2 } else { 1 };
    let kinds: Vec<&Kind> = kinds[..n_products].iter().map(|&k| &KINDS[k]).collect();

    // Ordinary items: blanks, the white ink, sometimes a patch made on the printer.
    let mut items = Vec::new();
    for kind in &kinds {
        for colour in &colours {
            let ids: Vec<String> = if kind.sized {
                sizes.iter().map(|size| format!("{}-{colour}-{size}", kind.blank)).collect()
            } else {
                vec![format!("{}-{colour}", kind.blank)]
            };
            for id in ids {
                let mut blank = Item::new(id, ItemKind::Buy);
                blank.unit_cost = round_to(s.between(1.0, 6.0), 2);
                blank.holding_cost = s.maybe_zero(0.2, 0.01, 0.3);
                blank.lead_time = s.int_between(0, 2);
                blank.order_cost = s.maybe_zero(0.5, 1.0, 40.0);
                if s.chance(0.5) {
                    adversarial_lot_rules(&mut s, &mut blank);
                }
                items.push(blank);
            }
        }
    }
    let ink = items.len();
    let mut white_ink = Item::new("INK-WHITE", ItemKind::Buy);
    white_ink.unit_cost = round_to(s.between(0.5, 2.0), 2);
    white_ink.holding_cost = s.maybe_zero(0.3, 0.01, 0.1);
    white_ink.lead_time = s.int_between(0, 1);
    white_ink.order_cost = s.maybe_zero(0.5, 1.0, 20.0);
    if s.chance(0.4) {
        adversarial_lot_rules(&mut s, &mut white_ink);
    }
    items.push(white_ink);

    // Families: DTG-{colour} (most plans), WHITE-BASE (some), DTG-white for the patch (some).
    let template = s.chance(0.8).then(|| Family {
        id: DTG_FAMILY.to_string(),
        resource: PRINTER,
        setup_time: s.maybe_zero(0.3, 0.1, 3.0),
        setup_cost: s.maybe_zero(0.3, 5.0, 60.0),
    });
    let mut families = Vec::new();
    let base_family = s.chance(0.5).then(|| {
        families.push(Family {
            id: "WHITE-BASE".to_string(),
            resource: PRINTER,
            setup_time: s.maybe_zero(0.5, 0.1, 1.0),
            setup_cost: s.maybe_zero(0.3, 2.0, 20.0),
        });
        families.len() - 1
    });
    let partner = s.chance(0.5);

    let mut bom = Vec::new();
    let mut routings = Vec::new();
    let mut patch = None;
    if s.chance(0.35) {
        let mut item = Item::new("PATCH", ItemKind::Make);
        item.unit_cost = s.maybe_zero(0.3, 0.2, 3.0);
        item.holding_cost = s.maybe_zero(0.3, 0.01, 0.5);
        item.backlog_cost = Some(round_to(s.between(0.5, 10.0), 2));
        item.order_cost = s.maybe_zero(0.5, 1.0, 20.0);
        let idx = items.len();
        items.push(item);
        bom.push(BomEdge { parent: idx, component: ink, quantity: s.pick(&[0.1, 0.25, 0.5]) });
        let family = match &template {
            Some(template) if s.chance(0.5) => {
                families.push(Family { id: "DTG-white".to_string(), ..template.clone() });
                Some(families.len() - 1)
            }
            _ => None,
        };
        let setup_time = s.maybe_zero(0.4, 0.05, 1.0);
        let setup_cost = s.maybe_zero(0.4, 1.0, 20.0);
        let unit_time = s.unit_time();
        routings.push(Routing { family, ..Routing::new(idx, PRINTER, unit_time, setup_time, setup_cost) });
        patch = Some(idx);
    }

    // The products.
    // White comes with at least one dark colour, so the underbase line holds for some classes
    // (for every class when every colour is dark).
    let dark_when = dark_condition(&dark);
    let mut products = Vec::new();
    let mut designs = Vec::new();
    let mut print_times = Vec::new();
    for kind in &kinds {
        let mut item = Item::new(kind.product, ItemKind::Make);
        item.unit_cost = s.maybe_zero(0.3, 0.5, 8.0);
        item.holding_cost = s.maybe_zero(0.2, 0.05, 1.5);
        if s.chance(0.9) {
            item.backlog_cost = Some(if s.chance(0.08) { 0.0 } else { round_to(s.between(0.5, 20.0), 2) });
        }
        if s.chance(0.3) {
            item.unmet_cost = round_to(s.between(1.0, 30.0), 2);
        }
        // A product that may not ship late is made within its period.
        item.lead_time = usize::from(item.backlog_cost.is_some() && s.chance(0.25));
        item.order_cost = s.maybe_zero(0.5, 1.0, 30.0);
        if s.chance(0.3) {
            adversarial_lot_rules(&mut s, &mut item);
        }
        let mut attributes: Vec<&str> =
            if kind.sized { vec!["colour", "size", "design"] } else { vec!["colour", "design"] };
        if s.chance(0.3) {
            attributes.rotate_right(1);
        }
        let mut product = product(item, &attributes);
        let blank = if kind.sized {
            format!("{}-{{colour}}-{{size}}", kind.blank)
        } else {
            format!("{}-{{colour}}", kind.blank)
        };
        product.bom.push(line(blank, 1.0, ""));
        product.bom.push(line("INK-WHITE".to_string(), s.pick(&[0.05, 0.1, 0.25]), &dark_when));
        if kind.sized && s.chance(0.3) {
            product.bom.push(line("INK-WHITE".to_string(), 0.05, &format!("size={}", sizes[1])));
        }
        let two_routes = partner && s.chance(0.8);
        let dtg = two_routes.then_some("DTG");
        let unit_time = s.unit_time();
        let underbase_time = round_to(s.between(0.01, 0.5), 2);
        let setup_time = s.maybe_zero(0.4, 0.05, 2.0);
        let setup_cost = s.maybe_zero(0.4, 1.0, 30.0);
        let family = template.as_ref().map(|_| DTG_FAMILY);
        product.routings.push(routing_line(PRINTER, unit_time, setup_time, setup_cost, dtg, family, ""));
        let base = base_family.map(|_| "WHITE-BASE");
        product.routings.push(routing_line(PRINTER, underbase_time, 0.0, 0.0, dtg, base, &dark_when));
        print_times.push((unit_time + underbase_time, setup_time));
        if two_routes {
            product.routings.push(routing_line(PARTNER, 1.0, 0.0, 0.0, Some("PARTNER"), None, ""));
            let own = if s.chance(0.3) { flexible_terms(&mut s, &product.item, 0.1) } else { LotTerms::default() };
            let mut partner_terms = flexible_terms(&mut s, &product.item, 0.4);
            partner_terms.lead_time = Some(s.int_between(1, 2));
            partner_terms.unit_cost = Some(round_to(product.item.unit_cost + s.between(1.0, 5.0), 2));
            product.routes.push(ProductRoute { id: "DTG".to_string(), terms: own });
            product.routes.push(ProductRoute { id: "PARTNER".to_string(), terms: partner_terms });
        }
        designs.push(s.int_between(2, 6));
        products.push(product);
    }
    let n_ordinary = items.len();
    items.extend(products.iter().map(|product| product.item.clone()));

    // Orders: random configurations, a few past due or beyond the horizon; the patch's own.
    let mut drafts: Vec<(usize, f64, NaiveDate, Option<OrderOptions>)> = Vec::new();
    let mut units = vec![vec![0.0; n_periods]; products.len()];
    // The ordinary items' gross requirements of the ordered configurations (stock covers them).
    let mut gross = vec![vec![0.0; n_periods]; n_ordinary];
    for (p, product) in products.iter().enumerate() {
        let kind = kinds[p];
        let ink_per_unit = product.bom.get(1).map_or(0.0, |line| line.quantity);
        let mut order = |s: &mut Sampler, due: NaiveDate, period: Option<usize>| {
            let colour = s.pick(&colours);
            let size = s.pick(sizes);
            let design = format!("D-{}", s.below(designs[p]) + 1);
            let text = options_text(&product.attributes, |attribute| match attribute {
                "colour" => colour.to_string(),
                "size" => size.to_string(),
                _ => design.clone(),
            });
            let quantity = round_to(s.between(0.3, 12.0), 2).max(0.01);
            if let Some(t) = period {
                units[p][t] += quantity;
                let blank = if kind.sized {
                    format!("{}-{colour}-{size}", kind.blank)
                } else {
                    format!("{}-{colour}", kind.blank)
                };
                if let Some(b) = items.iter().position(|item| item.id == blank) {
                    gross[b][t] += quantity;
                }
                if dark.contains(&colour) {
                    gross[ink][t] += quantity * ink_per_unit;
                }
            }
            drafts.push((n_ordinary + p, quantity, due, Some(OrderOptions { product: p, text })));
        };
        for t in 0..n_periods {
            if !s.chance(0.7) {
                continue;
            }
            for _ in 0..s.int_between(1, 3) {
                let due = horizon.period_start(t).unwrap_or(horizon.start) + Days::new(s.below(7) as u64);
                order(&mut s, due, Some(t));
            }
        }
        if s.chance(0.1) {
            order(&mut s, horizon.start - Days::new(3), Some(0));
        }
        if s.chance(0.1) {
            order(&mut s, horizon.end().unwrap_or(horizon.start) + Days::new(2), None);
        }
    }
    // Stock: usually what the periods before a lot could arrive need, sometimes much more.
    for (item, gross) in items.iter_mut().zip(&gross).filter(|(item, _)| item.kind == ItemKind::Buy) {
        let early: f64 = gross.iter().take(item.lead_time).sum();
        if s.chance(0.8) {
            item.initial_inventory = round_to(early * s.between(0.8, 1.5), 2);
        }
        if s.chance(0.25) {
            item.initial_inventory = round_to(item.initial_inventory + s.between(2.0, 15.0), 2);
        }
    }
    let mut patch_units = vec![0.0; n_periods];
    if let Some(patch) = patch {
        for (t, cell) in patch_units.iter_mut().enumerate() {
            if s.chance(0.5) {
                let quantity = round_to(s.between(0.5, 10.0), 2);
                *cell += quantity;
                let due = horizon.period_start(t).unwrap_or(horizon.start) + Days::new(s.below(7) as u64);
                drafts.push((patch, quantity, due, None));
            }
        }
    }
    s.shuffle(&mut drafts);
    let orders: Vec<Order> = drafts
        .into_iter()
        .enumerate()
        .map(|(k, (item, quantity, due_date, options))| Order {
            id: format!("O-{}", k + 1),
            item,
            quantity,
            due_date,
            market: None,
            options,
        })
        .collect();

    // Forecasts with their mix over the relevant attributes (and sometimes design).
    for (p, product) in products.iter_mut().enumerate() {
        if !s.chance(0.4) {
            continue;
        }
        product.forecast = (0..n_periods).map(|_| s.maybe_zero(0.3, 1.0, 20.0)).collect();
        for (cell, &forecast) in units[p].iter_mut().zip(&product.forecast) {
            *cell = cell.max(forecast);
        }
        let mut mix_colours = colours.clone();
        if mix_colours.len() > 2 && s.chance(0.2) {
            mix_colours.pop();
        }
        let mut mix: Vec<(&str, Vec<&str>)> = vec![("colour", mix_colours)];
        if product.attributes.iter().any(|a| a == "size") {
            mix.push(("size", sizes.to_vec()));
        }
        if s.chance(0.3) {
            mix.push(("design", vec!["D-1"]));
        }
        for (attribute, values) in mix {
            let shares = exact_shares(&mut s, values.len());
            for (value, share) in values.iter().zip(shares) {
                product.mix.push(MixShare { attribute: attribute.to_string(), value: value.to_string(), share });
            }
        }
    }

    // Receipts: some of the ordinary items' and sometimes one naming a class.
    let mut receipts = Vec::new();
    for item in 0..n_ordinary {
        if s.chance(0.15) {
            receipts.push(Receipt { item, period: s.below(n_periods), quantity: round_to(s.between(1.0, 20.0), 2) });
        }
    }
    let mut class_receipts = Vec::new();
    for (p, product) in products.iter().enumerate() {
        if !s.chance(0.3) {
            continue;
        }
        let values = relevant_attributes(product)
            .into_iter()
            .map(|a| match product.attributes[a].as_str() {
                "colour" => s.pick(&colours).to_string(),
                "size" => s.pick(sizes).to_string(),
                _ => "D-1".to_string(),
            })
            .collect();
        class_receipts.push((p, values, s.below(n_periods), round_to(s.between(0.5, 10.0), 2)));
    }

    // The printer at 85-115 % of the lot-for-lot load, the partner at 20-60 % of the units.
    let mut load = vec![0.0; n_periods];
    for (p, &(unit_time, setup_time)) in print_times.iter().enumerate() {
        for (cell, &quantity) in load.iter_mut().zip(&units[p]) {
            if quantity > 0.0 {
                *cell += unit_time * quantity + setup_time;
            }
        }
    }
    if let Some(patch) = patch {
        let unit_time = routings.iter().find(|r| r.item == patch).map_or(0.0, |r| r.unit_time);
        for (cell, &quantity) in load.iter_mut().zip(&patch_units) {
            *cell += unit_time * quantity;
        }
    }
    let family_time = template.as_ref().map_or(0.0, |t| t.setup_time * colours.len() as f64);
    let mean_load = load.iter().sum::<f64>() / n_periods as f64 + family_time;
    let capacity = ((mean_load / s.between(0.85, 1.15)).max(1.0) * 100.0).ceil() / 100.0;
    let mut per_period = vec![capacity; n_periods];
    if s.chance(0.25) {
        per_period[s.below(n_periods)] = 0.0;
    }
    let overtime_max = if s.chance(0.5) { round_to(capacity * s.between(0.1, 0.4), 2) } else { 0.0 };
    let mut resources = vec![Resource {
        id: "PRINTER".to_string(),
        capacity: per_period,
        overtime_max,
        overtime_cost: if overtime_max > 0.0 { s.maybe_zero(0.3, 0.5, 20.0) } else { 0.0 },
    }];
    if partner {
        let mean_units = units.iter().flatten().sum::<f64>() / n_periods as f64;
        let capacity = round_to((mean_units * s.between(0.2, 0.6)).max(1.0), 2);
        let mut per_period = vec![capacity; n_periods];
        if s.chance(0.3) {
            per_period[s.below(n_periods)] = 0.0;
        }
        resources.push(Resource {
            id: "PARTNER".to_string(),
            capacity: per_period,
            overtime_max: 0.0,
            overtime_cost: 0.0,
        });
    }

    let draft = Draft {
        input: PlanInput { items, bom, resources, routings, receipts, orders, families, ..PlanInput::new(horizon) },
        products,
        family_templates: template.into_iter().collect(),
        class_receipts,
    };
    expand_draft(draft)
}

// ---------------------------------------------------------------------------------------------
// Storefront plans for benchmarks

/// Most colours [`StorefrontSpec::colours`] may ask for.
pub const MAX_COLOURS: usize = 16;
/// Most sizes [`StorefrontSpec::sizes`] may ask for.
pub const MAX_SIZES: usize = 8;

/// A storefront's colours by popularity, each with whether it is dark (printed on a white
/// underbase) and its popularity weight; `colours = n` offers the first `n`.
const COLOURS: [(&str, bool, u32); MAX_COLOURS] = [
    ("white", false, 30),
    ("black", true, 26),
    ("navy", true, 14),
    ("heather", false, 9),
    ("red", true, 7),
    ("royal", true, 5),
    ("forest", true, 4),
    ("maroon", true, 3),
    ("sand", false, 3),
    ("pink", false, 2),
    ("purple", true, 2),
    ("charcoal", true, 2),
    ("orange", false, 1),
    ("gold", false, 1),
    ("olive", true, 1),
    ("teal", true, 1),
];
/// Sizes in size order with their popularity weights; `sizes = n` offers the `n` most popular,
/// listed in size order.
const SIZES: [(&str, u32); MAX_SIZES] =
    [("XS", 3), ("S", 14), ("M", 28), ("L", 27), ("XL", 17), ("2XL", 7), ("3XL", 4), ("4XL", 1)];

/// A garment a storefront prints on: its products' id prefix, its blanks' prefix, whether it
/// comes in sizes, the blank's price, the print's hours per unit, and the mill's pack size and
/// minimum order.
struct Garment {
    name: &'static str,
    blank: &'static str,
    sized: bool,
    blank_cost: f64,
    print_hours: f64,
    pack: f64,
    moq: f64,
}

const GARMENTS: [Garment; 3] = [
    Garment { name: "TEE", blank: "BLANK-TEE", sized: true, blank_cost: 2.8, print_hours: 0.03, pack: 12.0, moq: 72.0 },
    Garment {
        name: "HOODIE",
        blank: "BLANK-HOODIE",
        sized: true,
        blank_cost: 11.5,
        print_hours: 0.05,
        pack: 6.0,
        moq: 36.0,
    },
    Garment {
        name: "TOTE",
        blank: "BLANK-TOTE",
        sized: false,
        blank_cost: 1.9,
        print_hours: 0.025,
        pack: 10.0,
        moq: 50.0,
    },
];
/// Product `k` is a garment of kind `GARMENT_CYCLE[k % 4]`: half tees, a quarter each hoodies
/// and totes.
const GARMENT_CYCLE: [usize; 4] = [0, 1, 0, 2];
/// Storefront resources.
const STORE_PRINTER: usize = 0;
const STORE_PARTNER: usize = 1;
/// The wholesaler every blank can also be bought from (dearer, faster, no minimum).
const WHOLESALER: &str = "WHOLESALE";
/// The share of orders due before the horizon, and after it.
const STORE_PAST_DUE: f64 = 0.01;
const STORE_BEYOND: f64 = 0.01;

/// What [`generate_storefront`] makes: a print-on-demand storefront's plan.
#[derive(Debug, Clone, PartialEq)]
pub struct StorefrontSpec {
    /// Seed of the random generator: the same spec always gives the same plan.
    pub seed: u64,
    /// Configurable products (>= 1): half tees, a quarter hoodies, a quarter totes.
    pub products: usize,
    /// Colours offered (1 to [`MAX_COLOURS`]), the most popular first.
    pub colours: usize,
    /// Sizes of tees and hoodies (1 to [`MAX_SIZES`]), the most popular.
    pub sizes: usize,
    /// Distinct designs (>= 1): the first `designs` orders have one each, later orders reorder
    /// them by a skewed popularity.
    pub designs: usize,
    /// Orders (may be 0).
    pub orders: usize,
    /// Weekly periods (>= 1).
    pub periods: usize,
    /// First day of period 1.
    pub start: NaiveDate,
}

impl Default for StorefrontSpec {
    /// Seed 1, 50 products, 8 colours, 6 sizes, 100,000 designs, 200,000 orders, 26 weeks from
    /// Monday 2026-01-05.
    fn default() -> Self {
        StorefrontSpec {
            seed: 1,
            products: 50,
            colours: 8,
            sizes: 6,
            designs: 100_000,
            orders: 200_000,
            periods: 26,
            start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap_or_default(),
        }
    }
}

impl StorefrontSpec {
    /// The horizon, or why the spec cannot be generated.
    fn horizon(&self) -> Result<Horizon> {
        let at_least_one = [("products", self.products), ("colours", self.colours), ("sizes", self.sizes)];
        for (what, value) in at_least_one.into_iter().chain([("designs", self.designs)]) {
            if value == 0 {
                return Err(refused(format!("a storefront needs at least 1 of {what}")));
            }
        }
        if self.colours > MAX_COLOURS {
            return Err(refused(format!("at most {MAX_COLOURS} colours, not {}", self.colours)));
        }
        if self.sizes > MAX_SIZES {
            return Err(refused(format!("at most {MAX_SIZES} sizes, not {}", self.sizes)));
        }
        checked_horizon(&GenerateSpec {
            seed: self.seed,
            items: self.products,
            orders: self.orders,
            periods: self.periods,
            bucket: Bucket::Week,
            start: self.start,
            flexible: FlexibleSpec::default(),
        })
    }
}

/// The storefront's catalog while it is drawn: what the orders and the calibration need.
struct Catalog {
    colours: Vec<(&'static str, bool, u32)>,
    sizes: Vec<(&'static str, u32)>,
    /// Per product: its garment index.
    garment_of: Vec<usize>,
    /// Per product: hours per unit on the printer, and the underbase's on dark colours.
    print_hours: Vec<(f64, f64)>,
    /// Per garment: the index of its first blank (colour-major, then size), if it is used.
    first_blank: Vec<Option<usize>>,
}

/// Generates a print-on-demand storefront's plan (deterministic for a given spec): `products`
/// configurable products (`TEE-01`, `HOODIE-02`, ..., `TOTE-04`; attributes `colour;size;design`,
/// totes `colour;design`), each printed on a blank of its garment, colour and size
/// (`BLANK-TEE-{colour}-{size}`) with CMYK ink, and white underbase ink on the dark colours (a
/// `when` line), on route `DTG` on the `PRINTER` (family `DTG-{colour}`: a colour changeover once
/// per week and colour, whatever the products) or route `PARTNER` at a partner factory (dearer,
/// a week slower, a minimum lot; routes.csv).
///
/// Blanks are bought from their garment's mill (`MILL-TEE`: a two-week lead time, a minimum
/// order and pack size, and a joint shipment cost in suppliers.csv) or from a wholesaler (30 %
/// dearer, one week, any quantity); stock covers the first two weeks. Orders are mostly single
/// units with a product, colour and size by skewed popularity and a design (each of the first
/// `designs` orders a new one, later orders a popular one); due dates follow a rising trend
/// with a seasonal peak at three quarters of the horizon (so pre-building and lots matter), 1 %
/// past due and 1 % beyond the horizon. The printer's capacity is the lot-for-lot load's mean
/// over the horizon at 85 % utilisation (the peak weeks need pre-building, the 20 % overtime or
/// the partner, whose capacity is a quarter of the mean weekly units).
///
/// The catalog (products, blanks, rows, prices) is drawn from a stream of its own, so the
/// number of orders does not change it; stock and capacities are computed from the orders.
/// Written with [`crate::input::write_plan_dir`] and read back, the plan is the same.
pub fn generate_storefront(spec: &StorefrontSpec) -> Result<PlanInput> {
    let horizon = spec.horizon()?;
    let (mut draft, catalog) = storefront_catalog(spec, &horizon);
    let units = storefront_orders(spec, &horizon, &catalog, &mut draft);
    calibrate_storefront(&catalog, &units, &mut draft);
    expand_draft(draft)
}

/// The catalog: blanks and inks with their sources, the products with their rows, the
/// resources (capacities 0 until calibrated), the family with placeholders.
fn storefront_catalog(spec: &StorefrontSpec, horizon: &Horizon) -> (Draft, Catalog) {
    let mut s = Sampler::new(spec.seed, Stream::StorefrontCatalog);
    let colours = COLOURS[..spec.colours].to_vec();
    let mut by_popularity: Vec<usize> = (0..MAX_SIZES).collect();
    by_popularity.sort_by_key(|&k| std::cmp::Reverse(SIZES[k].1));
    let mut chosen: Vec<usize> = by_popularity[..spec.sizes].to_vec();
    chosen.sort_unstable();
    let sizes: Vec<(&str, u32)> = chosen.iter().map(|&k| SIZES[k]).collect();
    let garment_of: Vec<usize> = (0..spec.products).map(|k| GARMENT_CYCLE[k % GARMENT_CYCLE.len()]).collect();
    let dark: Vec<&str> = colours.iter().filter(|(_, dark, _)| *dark).map(|(name, _, _)| *name).collect();

    // Blanks of the garments in use, each from its mill and from the wholesaler; the inks.
    let mut items = Vec::new();
    let mut sources = Vec::new();
    let mut suppliers: Vec<Supplier> = Vec::new();
    let mut supplier_idx = |id: String, order_cost: f64| match suppliers.iter().position(|s| s.id == id) {
        Some(idx) => idx,
        None => {
            suppliers.push(Supplier { id, order_cost });
            suppliers.len() - 1
        }
    };
    let mut first_blank = vec![None; GARMENTS.len()];
    for (g, garment) in GARMENTS.iter().enumerate() {
        if !garment_of.contains(&g) {
            continue;
        }
        first_blank[g] = Some(items.len());
        for &(colour, _, _) in &colours {
            let ids: Vec<String> = if garment.sized {
                sizes.iter().map(|(size, _)| format!("{}-{colour}-{size}", garment.blank)).collect()
            } else {
                vec![format!("{}-{colour}", garment.blank)]
            };
            for id in ids {
                let mut blank = Item::new(id, ItemKind::Buy);
                let dyed = if colour == "white" { 1.0 } else { 1.08 };
                blank.unit_cost = round_to(garment.blank_cost * dyed, 2);
                blank.holding_cost = round_to(blank.unit_cost * 0.005, 4);
                blank.lead_time = 2;
                blank.min_lot = garment.moq;
                blank.lot_multiple = Some(garment.pack);
                blank.order_cost = 15.0;
                let item = items.len();
                let mill = supplier_idx(format!("MILL-{}", garment.name), 120.0);
                sources.push(Source { item, supplier: mill, terms: LotTerms::default(), max_per_period: None });
                let wholesale = supplier_idx(WHOLESALER.to_string(), 0.0);
                let terms = LotTerms {
                    unit_cost: Some(round_to(blank.unit_cost * 1.3, 2)),
                    lead_time: Some(1),
                    min_lot: Some(0.0),
                    lot_multiple: Some(1.0),
                    order_cost: Some(8.0),
                    ..LotTerms::default()
                };
                sources.push(Source { item, supplier: wholesale, terms, max_per_period: None });
                items.push(blank);
            }
        }
    }
    for (id, unit_cost) in [("INK-CMYK", 45.0), ("INK-WHITE", 35.0)] {
        let mut ink = Item::new(id, ItemKind::Buy);
        ink.unit_cost = unit_cost;
        ink.holding_cost = 0.05;
        ink.lead_time = 1;
        ink.min_lot = 5.0;
        ink.lot_multiple = Some(1.0);
        ink.order_cost = 20.0;
        items.push(ink);
    }

    // The products.
    let width = id_width(spec.products, 2);
    let dark_when = dark_condition(&dark);
    let mut products = Vec::with_capacity(spec.products);
    let mut print_hours = Vec::with_capacity(spec.products);
    for (k, &g) in garment_of.iter().enumerate() {
        let garment = &GARMENTS[g];
        let mut item = Item::new(format!("{}-{:0width$}", garment.name, k + 1), ItemKind::Make);
        item.unit_cost = round_to(s.between(0.8, 2.5), 2);
        let value = garment.blank_cost + item.unit_cost;
        item.holding_cost = round_to(value * 0.01, 4);
        item.backlog_cost = Some(round_to(value * s.between(0.15, 0.3), 2));
        item.unmet_cost = round_to(value * 2.0, 2);
        let attributes: &[&str] = if garment.sized { &["colour", "size", "design"] } else { &["colour", "design"] };
        let mut product = product(item, attributes);
        let blank = if garment.sized {
            format!("{}-{{colour}}-{{size}}", garment.blank)
        } else {
            format!("{}-{{colour}}", garment.blank)
        };
        product.bom.push(line(blank, 1.0, ""));
        product.bom.push(line("INK-CMYK".to_string(), 0.015, ""));
        let hours = round_to(garment.print_hours * s.between(0.8, 1.25), 4);
        let underbase = round_to(garment.print_hours * 0.5, 4);
        let dtg = Some("DTG");
        product.routings.push(routing_line(STORE_PRINTER, hours, 0.1, 5.0, dtg, Some(DTG_FAMILY), ""));
        if !dark.is_empty() {
            product.bom.push(line("INK-WHITE".to_string(), 0.02, &dark_when));
            product.routings.push(routing_line(STORE_PRINTER, underbase, 0.0, 0.0, dtg, None, &dark_when));
        }
        product.routings.push(routing_line(STORE_PARTNER, 1.0, 0.0, 0.0, Some("PARTNER"), None, ""));
        let partner_terms = LotTerms {
            unit_cost: Some(round_to(product.item.unit_cost + 2.0 + s.between(0.0, 1.5), 2)),
            lead_time: Some(1),
            min_lot: Some(12.0),
            order_cost: Some(30.0),
            ..LotTerms::default()
        };
        product.routes.push(ProductRoute { id: "DTG".to_string(), terms: LotTerms::default() });
        product.routes.push(ProductRoute { id: "PARTNER".to_string(), terms: partner_terms });
        print_hours.push((hours, underbase));
        products.push(product);
    }
    items.extend(products.iter().map(|product| product.item.clone()));

    let resource = |id: &str| Resource {
        id: id.to_string(),
        capacity: vec![0.0; horizon.periods],
        overtime_max: 0.0,
        overtime_cost: 0.0,
    };
    let draft = Draft {
        input: PlanInput {
            items,
            resources: vec![resource("PRINTER"), resource("PARTNER")],
            sources,
            suppliers,
            ..PlanInput::new(*horizon)
        },
        products,
        family_templates: vec![Family {
            id: DTG_FAMILY.to_string(),
            resource: STORE_PRINTER,
            setup_time: 0.5,
            setup_cost: 20.0,
        }],
        class_receipts: Vec::new(),
    };
    (draft, Catalog { colours, sizes, garment_of, print_hours, first_blank })
}

/// Units ordered per product, colour, size and period, in the horizon (past due in period 1).
struct StoreUnits {
    n_colours: usize,
    n_sizes: usize,
    n_periods: usize,
    cells: Vec<f64>,
}

impl StoreUnits {
    fn index(&self, product: usize, colour: usize, size: usize, period: usize) -> usize {
        ((product * self.n_colours + colour) * self.n_sizes + size) * self.n_periods + period
    }

    /// The units of (product, colour, size) per period.
    fn series(&self, product: usize, colour: usize, size: usize) -> &[f64] {
        let first = self.index(product, colour, size, 0);
        &self.cells[first..first + self.n_periods]
    }
}

/// Draws the orders into `draft` (their product's item, options, due date, quantity) and
/// returns the units per class and period.
fn storefront_orders(spec: &StorefrontSpec, horizon: &Horizon, catalog: &Catalog, draft: &mut Draft) -> StoreUnits {
    let mut s = Sampler::new(spec.seed, Stream::StorefrontOrders);
    let n_periods = horizon.periods;
    let n_ordinary = draft.input.items.len() - draft.products.len();
    let mut rank: Vec<usize> = (0..spec.products).collect();
    s.shuffle(&mut rank);
    let product_weights: Vec<u32> = (0..spec.products).map(|k| (2000 / (k + 2)).max(1) as u32).collect();
    let colour_weights: Vec<u32> = catalog.colours.iter().map(|(_, _, weight)| *weight).collect();
    let size_weights: Vec<u32> = catalog.sizes.iter().map(|(_, weight)| *weight).collect();
    // A rising trend with a seasonal peak at three quarters of the horizon.
    let peak = n_periods * 3 / 4;
    let period_weights: Vec<u32> =
        (0..n_periods).map(|t| (100 + 4 * t + 60usize.saturating_sub(15 * t.abs_diff(peak))) as u32).collect();
    let design_width = id_width(spec.designs, 6);
    let order_width = id_width(spec.orders, 7);
    let mut units = StoreUnits {
        n_colours: catalog.colours.len(),
        n_sizes: catalog.sizes.len(),
        n_periods,
        cells: vec![0.0; spec.products * catalog.colours.len() * catalog.sizes.len() * n_periods],
    };
    let end = horizon.end().unwrap_or(horizon.start);
    let mut orders = Vec::with_capacity(spec.orders);
    for number in 0..spec.orders {
        let roll = s.unit();
        let (due_date, period) = if roll < STORE_PAST_DUE {
            (horizon.start - Days::new(s.int_between(1, 14) as u64), Some(0))
        } else if roll < STORE_PAST_DUE + STORE_BEYOND {
            (end + Days::new(s.below(7) as u64), None)
        } else {
            let t = s.weighted(&period_weights);
            (horizon.period_start(t).unwrap_or(horizon.start) + Days::new(s.below(7) as u64), Some(t))
        };
        let p = rank[s.weighted(&product_weights)];
        let colour = s.weighted(&colour_weights);
        let sized = GARMENTS[catalog.garment_of[p]].sized;
        let size = if sized { s.weighted(&size_weights) } else { 0 };
        let design = if number < spec.designs { number } else { s.skewed_below(spec.designs) };
        let quantity = match s.unit() {
            roll if roll < 0.85 => 1.0,
            roll if roll < 0.95 => 2.0,
            _ => s.int_between(3, 12) as f64,
        };
        if let Some(t) = period {
            let cell = units.index(p, colour, size, t);
            units.cells[cell] += quantity;
        }
        let colour_name = catalog.colours[colour].0;
        let text = if sized {
            format!("colour={colour_name};size={};design=D-{:0design_width$}", catalog.sizes[size].0, design + 1)
        } else {
            format!("colour={colour_name};design=D-{:0design_width$}", design + 1)
        };
        orders.push(Order {
            id: format!("SO-{:0order_width$}", number + 1),
            item: n_ordinary + p,
            quantity,
            due_date,
            market: None,
            options: Some(OrderOptions { product: p, text }),
        });
    }
    draft.input.orders = orders;
    units
}

/// Sets the blanks' and inks' stock (the first two weeks' requirements, in whole packs) and the
/// printer's and the partner's capacities from the ordered units.
fn calibrate_storefront(catalog: &Catalog, units: &StoreUnits, draft: &mut Draft) {
    let n_periods = units.n_periods;
    let mut load = vec![0.0; n_periods];
    let mut colour_runs = vec![vec![false; n_periods]; catalog.colours.len()];
    let mut ink = [vec![0.0; n_periods], vec![0.0; n_periods]];
    let mut total_units = 0.0;
    let items = &mut draft.input.items;
    for (p, &g) in catalog.garment_of.iter().enumerate() {
        let garment = &GARMENTS[g];
        let n_sizes = if garment.sized { catalog.sizes.len() } else { 1 };
        let (hours, underbase) = catalog.print_hours[p];
        for (c, &(_, dark, _)) in catalog.colours.iter().enumerate() {
            for size in 0..n_sizes {
                let series = units.series(p, c, size);
                let blank = catalog.first_blank[g].map(|first| first + c * n_sizes + size);
                let early: f64 = series.iter().take(2).sum();
                if let Some(blank) = blank.and_then(|b| items.get_mut(b)) {
                    blank.initial_inventory += early;
                }
                for (t, &quantity) in series.iter().enumerate() {
                    if quantity > 0.0 {
                        load[t] += quantity * (hours + if dark { underbase } else { 0.0 }) + 0.1;
                        colour_runs[c][t] = true;
                        ink[0][t] += quantity * 0.015;
                        if dark {
                            ink[1][t] += quantity * 0.02;
                        }
                        total_units += quantity;
                    }
                }
            }
        }
    }
    // Stock in whole packs, a tenth above the early requirements.
    for item in items.iter_mut().filter(|item| item.kind == ItemKind::Buy) {
        let pack = item.lot_multiple.unwrap_or(1.0);
        if item.id.starts_with("INK-") {
            let which = usize::from(item.id == "INK-WHITE");
            item.initial_inventory = ink[which].iter().take(2).sum();
        }
        item.initial_inventory = (item.initial_inventory * 1.1 / pack).ceil() * pack;
    }
    for (t, cell) in load.iter_mut().enumerate() {
        *cell += 0.5 * colour_runs.iter().filter(|runs| runs[t]).count() as f64;
    }
    let mean_load = load.iter().sum::<f64>() / n_periods as f64;
    let capacity = (mean_load / 0.85 * 100.0).ceil() / 100.0;
    if let Some(printer) = draft.input.resources.get_mut(STORE_PRINTER) {
        printer.capacity = vec![capacity; n_periods];
        printer.overtime_max = round_to(capacity * 0.2, 2);
        printer.overtime_cost = 45.0;
    }
    if let Some(partner) = draft.input.resources.get_mut(STORE_PARTNER) {
        partner.capacity = vec![round_to(total_units / n_periods as f64 * 0.25, 2); n_periods];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{read_plan_dir, write_plan_dir};

    /// Writes `plan` and reads it back: the same plan, to the lines' rows (every generated plan
    /// is valid input, written as the reader numbers it).
    fn assert_reads_back(plan: &PlanInput, what: &str) {
        let dir = tempfile::tempdir().expect("temp dir");
        write_plan_dir(plan, dir.path()).expect("write");
        let read = match read_plan_dir(dir.path()) {
            Ok(read) => read,
            Err(error) => panic!("{what}: the written plan does not read back: {error}"),
        };
        assert_eq!(read.items, plan.items, "{what}: items");
        assert_eq!(read.orders, plan.orders, "{what}: orders");
        assert_eq!(read.configuration, plan.configuration, "{what}: configuration");
        assert!(&read == plan, "{what}: plans differ");
    }

    fn adversarial(seed: u64) -> PlanInput {
        generate_configurable_adversarial(&ConfigurableSpec::for_seed(seed))
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"))
    }

    #[test]
    fn adversarial_plans_read_back_as_generated_and_repeat_for_a_seed() {
        for seed in 0..300 {
            let plan = adversarial(seed);
            assert_reads_back(&plan, &format!("seed {seed}"));
            assert!((2..=4).contains(&plan.n_periods()));
            assert!(plan == adversarial(seed), "seed {seed}: not deterministic");
        }
        assert!(adversarial(1) != adversarial(2));
    }

    #[test]
    fn adversarial_plans_draw_every_feature() {
        let mut seen = std::collections::BTreeMap::<&str, usize>::new();
        for seed in 0..300 {
            let plan = adversarial(seed);
            let configuration = &plan.configuration;
            let mut count =
                |feature: &'static str, present: bool| *seen.entry(feature).or_default() += usize::from(present);
            let products = &configuration.products;
            count("two products", products.len() == 2);
            count("design first", products.iter().any(|p| p.attributes[0] == "design"));
            count("partner route", products.iter().any(|p| p.routes.iter().any(|r| r.id == "PARTNER")));
            count("forecast with mix", products.iter().any(|p| !p.forecast.is_empty()));
            count("design in the mix", products.iter().any(|p| p.mix.iter().any(|m| m.attribute == "design")));
            count(
                "class receipt",
                plan.receipts.iter().any(|r| r.item >= configuration.first_class_item(plan.items.len())),
            );
            count("patch", plan.item_idx("PATCH").is_some());
            // The patch's literal family DTG-white is the one the white classes resolve to.
            let patch_family = plan.item_idx("PATCH").and_then(|patch| plan.routings_of(patch).find_map(|r| r.family));
            count(
                "family shared with the patch",
                patch_family.is_some_and(|f| {
                    plan.routings.iter().any(|r| r.family == Some(f) && plan.items[r.item].id.contains('['))
                }),
            );
            count("literal family on a class", plan.families.iter().any(|f| f.id == "WHITE-BASE"));
            count("family with placeholders", !configuration.family_templates.is_empty());
            // The underbase line holds for some classes of a product and not for others.
            let ink = plan.item_idx("INK-WHITE").expect("the white ink");
            let with_ink =
                |c: &crate::input::PlanningClass| plan.bom.iter().any(|e| e.parent == c.item && e.component == ink);
            count(
                "a when line for some classes only",
                configuration.classes.iter().any(with_ink) && !configuration.classes.iter().all(with_ink),
            );
            count("several designs in one class", {
                let mut designs = std::collections::BTreeMap::<usize, std::collections::BTreeSet<&str>>::new();
                for order in plan.orders.iter().filter(|o| o.options.is_some()) {
                    designs.entry(order.item).or_default().insert(order.options.as_ref().map_or("", |o| &o.text));
                }
                designs.values().any(|texts| texts.len() > 1)
            });
            count(
                "an order beyond the horizon",
                plan.orders.iter().any(|o| plan.horizon.planned_period(o.due_date).is_none()),
            );
        }
        for (feature, plans) in &seen {
            assert!(*plans >= 10, "{feature}: only {plans} of 300 plans");
        }
        assert_eq!(seen.len(), 13, "{seen:?}");
    }

    #[test]
    fn adversarial_plans_are_planned() {
        use crate::plan::{plan, SolveOptions, SolveStatus};
        let (mut optimal, mut infeasible) = (0, 0);
        for seed in 0..40 {
            let input = adversarial(seed);
            let bom = crate::input::bom::BomGraph::new(&input).expect("acyclic");
            let outcome = plan(&input, &bom, &SolveOptions { mip_gap: 0.0, ..SolveOptions::default() })
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            match outcome.status {
                SolveStatus::Optimal => optimal += 1,
                SolveStatus::Infeasible => infeasible += 1,
                other => panic!("seed {seed}: {other:?}"),
            }
        }
        assert!(optimal >= 28, "{optimal} optimal, {infeasible} infeasible");
    }

    fn storefront(orders: usize) -> StorefrontSpec {
        StorefrontSpec {
            products: 6,
            colours: 3,
            sizes: 2,
            designs: 40,
            orders,
            periods: 8,
            ..StorefrontSpec::default()
        }
    }

    #[test]
    fn a_storefront_reads_back_as_generated() {
        let spec = storefront(600);
        let plan = generate_storefront(&spec).expect("generate");
        assert_reads_back(&plan, "storefront");
        assert!(plan == generate_storefront(&spec).expect("again"), "not deterministic");
        let ids: Vec<&str> = plan.configuration.products.iter().map(|p| p.item.id.as_str()).collect();
        assert_eq!(ids, ["TEE-01", "HOODIE-02", "TEE-03", "TOTE-04", "TEE-05", "HOODIE-06"]);
        // Blanks per garment, colour and size (totes: colour), then the inks.
        let blanks = plan.items.iter().filter(|i| i.id.starts_with("BLANK-")).count();
        assert_eq!(blanks, 2 * 3 * 2 + 3);
        assert_eq!(plan.orders.len(), 600);
        // Classes: colour and size (totes: colour); every design is ordered.
        let designs: std::collections::BTreeSet<&str> = plan
            .orders
            .iter()
            .filter_map(|o| o.options.as_ref().and_then(|o| o.text.split("design=").nth(1)))
            .collect();
        assert_eq!(designs.len(), 40);
        assert!(plan.configuration.classes.len() <= 5 * 3 * 2 + 3);
        assert!(plan.items.iter().any(|i| i.id == "TEE-01[colour=black;size=L]"), "{:?}", plan.items);
        assert!(plan.items.iter().any(|i| i.id.starts_with("TOTE-04[colour=")));
        // Calibrated: the printer's capacity and the blanks' stock come from the orders.
        assert!(plan.resources.iter().all(|r| r.capacity.iter().all(|&c| c > 0.0)));
        assert!(plan.items.iter().filter(|i| i.kind == ItemKind::Buy).all(|i| i.initial_inventory > 0.0));
    }

    #[test]
    fn a_storefronts_catalog_does_not_depend_on_its_orders() {
        let few = generate_storefront(&storefront(50)).expect("few");
        let many = generate_storefront(&storefront(2_000)).expect("many");
        let rows = |plan: &PlanInput| {
            plan.configuration
                .products
                .iter()
                .map(|p| (p.item.clone(), p.bom.clone(), p.routes.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(rows(&few), rows(&many));
        let ids = |plan: &PlanInput| {
            plan.items.iter().filter(|i| i.kind == ItemKind::Buy).map(|i| i.id.clone()).collect::<Vec<_>>()
        };
        assert_eq!(ids(&few), ids(&many));
        // The first orders are drawn alike (their class items are numbered among more classes).
        let options = |plan: &PlanInput| {
            plan.orders[..50]
                .iter()
                .map(|o| (o.id.clone(), o.due_date, o.quantity, o.options.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(options(&few), options(&many));
    }

    #[test]
    fn bad_storefront_specs_are_refused() {
        let cases = [
            (StorefrontSpec { products: 0, ..storefront(1) }, "at least 1 of products"),
            (StorefrontSpec { colours: 17, ..storefront(1) }, "at most 16 colours"),
            (StorefrontSpec { sizes: 9, ..storefront(1) }, "at most 8 sizes"),
            (StorefrontSpec { designs: 0, ..storefront(1) }, "at least 1 of designs"),
            (StorefrontSpec { periods: 0, ..storefront(1) }, "0 periods"),
        ];
        for (spec, message) in cases {
            match generate_storefront(&spec) {
                Err(Error::Request { message: got, .. }) => assert!(got.contains(message), "{got}"),
                other => panic!("{spec:?}: {other:?}"),
            }
        }
    }
}
