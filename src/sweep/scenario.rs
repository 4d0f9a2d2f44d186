//! The scenario file (TOML): settings, named scenarios, grids and Monte-Carlo blocks, parsed
//! and validated against the base plan, then expanded into a flat, numbered list.
//!
//! Every problem is collected with the scenario and key it is in (`scenario "x", key
//! "capacity_scale.SEWING": ...`), so a whole file is fixed in one round.

use crate::costs::CostBreakdown;
use crate::error::{Error, Result, ScenarioProblem};
use crate::input::PlanInput;
use crate::plan::solve::SolveOptions;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How each scenario is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Solve the MIP per scenario.
    Reoptimize,
    /// Keep one plan's lots fixed and simulate each scenario's demand on them (no solver).
    Evaluate,
}

impl Mode {
    /// The spelling used in the scenario file and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Reoptimize => "reoptimize",
            Mode::Evaluate => "evaluate",
        }
    }
}

/// `[sweep]`: settings for the whole sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSettings {
    /// Reoptimize or evaluate.
    pub mode: Mode,
    /// Seed of every Monte-Carlo draw (mixed with the scenario index).
    pub seed: u64,
    /// Relative MIP gap per solve.
    pub mip_gap: f64,
    /// Branch-and-bound node limit per solve (a deterministic work limit).
    pub node_limit: Option<u64>,
    /// Wall-clock limit per solve (makes truncated solves timing-dependent).
    pub time_limit_s: Option<f64>,
    /// Whether scenario 0 is the unchanged base plan (default true; needed for "delta vs base").
    pub include_base: bool,
}

impl Default for SweepSettings {
    fn default() -> Self {
        SweepSettings {
            mode: Mode::Reoptimize,
            seed: 0,
            mip_gap: 0.01,
            node_limit: Some(5_000),
            time_limit_s: None,
            include_base: true,
        }
    }
}

impl SweepSettings {
    /// The solve options of one scenario: always one HiGHS thread (the sweep runs one solve
    /// per rayon worker, so `--jobs N` uses N cores and never more).
    pub fn solve_options(&self) -> SolveOptions {
        SolveOptions {
            time_limit_s: self.time_limit_s,
            mip_gap: self.mip_gap,
            threads: 1,
            node_limit: self.node_limit,
            verbose: false,
            clock_started: None,
        }
    }
}

/// A capacity change for one resource over a window of periods (an outage when `scale` is 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapacityWindow {
    /// Resource id.
    pub resource: String,
    /// Factor on the capacity (>= 0).
    pub scale: f64,
    /// First 0-based period of the window.
    pub from: usize,
    /// Last 0-based period of the window (inclusive).
    pub to: usize,
}

/// Factors on the cost terms of the objective (1 = unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CostScales(pub CostBreakdown);

impl Default for CostScales {
    fn default() -> Self {
        CostScales(CostBreakdown::splat(1.0))
    }
}

impl std::ops::Deref for CostScales {
    type Target = CostBreakdown;

    fn deref(&self) -> &CostBreakdown {
        &self.0
    }
}

/// The distribution of a Monte-Carlo demand draw per item and period.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "distribution")]
pub enum Distribution {
    /// Poisson with the bucket's planned demand as mean.
    Poisson,
    /// Negative binomial (gamma-Poisson) with the bucket's demand as mean and variance
    /// `mean + mean^2 * dispersion`.
    NegativeBinomial {
        /// Extra variance factor (> 0).
        dispersion: f64,
    },
}

/// Random demand around the (scaled) base: each item-period bucket is redrawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RandomDemand {
    /// The distribution.
    pub distribution: Distribution,
    /// The seed of this scenario's draws, from the sweep seed and the scenario index.
    pub seed: u64,
}

/// Every change a scenario makes to the base plan. The default changes nothing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ScenarioChanges {
    /// Factor on all demand (orders and forecast); `None` = 1.
    pub demand_scale: Option<f64>,
    /// Factor on the orders of a market.
    pub market_demand: BTreeMap<String, f64>,
    /// Factor on the demand of the items matching a pattern.
    pub item_demand: BTreeMap<String, f64>,
    /// Factor on a resource's capacity in every period.
    pub capacity_scale: BTreeMap<String, f64>,
    /// Factor on a resource's capacity in a window of periods.
    pub capacity_windows: Vec<CapacityWindow>,
    /// Periods added to (or, negative, taken from) the lead time of matching items (floor 0).
    pub lead_time: BTreeMap<String, i64>,
    /// Factors on the cost terms.
    pub cost_scale: CostScales,
    /// New minimum lot (MOQ) for matching items.
    pub moq: BTreeMap<String, f64>,
    /// Items (patterns) whose demand may no longer ship late.
    pub no_backlog: Vec<String>,
    /// Periods added to (or, negative, taken from) the lead time of every source of the
    /// suppliers matching a pattern (floor 0), after the item's own `lead_time` change (v2).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub supplier_lead_time: BTreeMap<String, i64>,
    /// New `max_per_period` of every source of the suppliers matching a pattern (v2).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub supplier_max: BTreeMap<String, f64>,
    /// Routes removed, written `ITEM/ROUTE` (the item part a pattern, the route an id) (v2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_route: Vec<String>,
    /// Suppliers (patterns) removed: every source of theirs (v2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub no_supplier: Vec<String>,
    /// New mix shares of configurable products, keyed `PRODUCT/ATTRIBUTE/VALUE` (a colour
    /// trend): the value gets the share and the attribute's other values share the rest in
    /// their old proportions (v2, spec section 1.5).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mix: BTreeMap<String, f64>,
    /// Monte-Carlo demand, when this is a sample.
    pub random_demand: Option<RandomDemand>,
}

/// Where a scenario came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioKind {
    /// The unchanged base plan.
    Base,
    /// A `[[scenario]]`.
    Named,
    /// One point of a `[[grid]]`.
    Grid,
    /// One sample of a `[[monte_carlo]]` block.
    MonteCarlo,
}

impl ScenarioKind {
    /// Name used in the results.
    pub fn as_str(self) -> &'static str {
        match self {
            ScenarioKind::Base => "base",
            ScenarioKind::Named => "named",
            ScenarioKind::Grid => "grid",
            ScenarioKind::MonteCarlo => "monte_carlo",
        }
    }
}

/// One scenario of the expanded list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Position in the expanded list (0-based); results are keyed and sorted by it.
    pub index: usize,
    /// Unique name (grid points: `grid[key=value,...]`, samples: `block#0007`).
    pub name: String,
    /// Where it came from.
    pub kind: ScenarioKind,
    /// What it changes.
    pub changes: ScenarioChanges,
}

/// A parsed, validated and expanded scenario file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioFile {
    /// `[sweep]`.
    pub settings: SweepSettings,
    /// Every scenario, numbered from 0.
    pub scenarios: Vec<Scenario>,
}

impl ScenarioFile {
    /// Changes the sweep seed (e.g. from `--seed`) and re-derives every sample's seed.
    pub fn reseed(&mut self, seed: u64) {
        self.settings.seed = seed;
        for s in &mut self.scenarios {
            if let Some(r) = &mut s.changes.random_demand {
                r.seed = scenario_seed(seed, s.index);
            }
        }
    }
}

/// At most this many scenarios in one file (grids multiply quickly).
pub const MAX_SCENARIOS: usize = 10_000_000;

/// Does `id` match `pattern` (`*` = any run of characters, `?` = one character)?
pub fn pattern_matches(pattern: &str, id: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = id.chars().collect();
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, si));
                pi += 1;
            }
            Some(&c) if c == '?' || c == s[si] => {
                pi += 1;
                si += 1;
            }
            _ => match star {
                Some((sp, ss)) => {
                    pi = sp + 1;
                    si = ss + 1;
                    star = Some((sp, ss + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == '*')
}

/// Parses, validates and expands a scenario file's text. `file_name` is used in messages.
pub fn parse_scenarios(text: &str, file_name: &str, input: &PlanInput) -> Result<ScenarioFile> {
    let invalid = |problems: Vec<ScenarioProblem>| Error::Scenarios { file: file_name.to_string(), problems };
    let root: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        invalid(vec![ScenarioProblem {
            scenario: "the file".into(),
            key: String::new(),
            message: format!("not valid TOML: {}", e.message()),
        }])
    })?;
    let mut parser = Parser { input, markets: markets(input), problems: Vec::new() };
    let file = parser.file(&root);
    if parser.problems.is_empty() {
        Ok(file)
    } else {
        Err(invalid(parser.problems))
    }
}

fn markets(input: &PlanInput) -> BTreeSet<String> {
    input.orders.iter().filter_map(|o| o.market.clone()).collect()
}

/// Keys of a change set, shared by scenarios, grids and Monte-Carlo blocks.
const CHANGE_KEYS: [&str; 14] = [
    "demand_scale",
    "market_demand",
    "item_demand",
    "mix",
    "capacity_scale",
    "capacity",
    "lead_time",
    "cost_scale",
    "moq",
    "no_backlog",
    "supplier_lead_time",
    "supplier_max",
    "no_route",
    "no_supplier",
];

/// Change keys that hold a list of ids, not values: not a grid axis.
const LIST_KEYS: [&str; 4] = ["capacity", "no_backlog", "no_route", "no_supplier"];

struct Parser<'a> {
    input: &'a PlanInput,
    markets: BTreeSet<String>,
    problems: Vec<ScenarioProblem>,
}

/// Who is being parsed, for messages.
#[derive(Clone)]
struct Context {
    label: String,
    prefix: String,
}

impl Context {
    fn key(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }
}

fn suggestion(word: &str, candidates: &[&str]) -> String {
    match crate::input::table::closest(word, candidates.iter().copied()) {
        Some(c) => format!(" (did you mean \"{c}\"?)"),
        None => format!(" (expected one of: {})", candidates.join(", ")),
    }
}

fn type_name(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

impl Parser<'_> {
    fn problem(&mut self, ctx: &Context, key: &str, message: impl Into<String>) {
        let p = ScenarioProblem { scenario: ctx.label.clone(), key: ctx.key(key), message: message.into() };
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    fn file(&mut self, root: &toml::Table) -> ScenarioFile {
        let top = Context { label: "the file".into(), prefix: String::new() };
        for key in root.keys() {
            if !["sweep", "scenario", "grid", "monte_carlo"].contains(&key.as_str()) {
                let hint = suggestion(key, &["sweep", "scenario", "grid", "monte_carlo"]);
                self.problem(&top, key, format!("unknown section{hint}"));
            }
        }
        let settings = match root.get("sweep") {
            Some(toml::Value::Table(t)) => self.settings(t),
            Some(other) => {
                self.problem(&top, "sweep", format!("expected a table, found {}", type_name(other)));
                SweepSettings::default()
            }
            None => SweepSettings::default(),
        };
        let mut scenarios = Vec::new();
        if settings.include_base {
            scenarios.push(Scenario {
                index: 0,
                name: "base".into(),
                kind: ScenarioKind::Base,
                changes: ScenarioChanges::default(),
            });
        }
        for (section, kind) in
            [("scenario", ScenarioKind::Named), ("grid", ScenarioKind::Grid), ("monte_carlo", ScenarioKind::MonteCarlo)]
        {
            let Some(value) = root.get(section) else { continue };
            let Some(blocks) = value.as_array() else {
                self.problem(&top, section, format!("expected [[{section}]] blocks, found {}", type_name(value)));
                continue;
            };
            for (position, block) in blocks.iter().enumerate() {
                let Some(table) = block.as_table() else {
                    self.problem(
                        &top,
                        section,
                        format!("block {} is {}, expected a table", position + 1, type_name(block)),
                    );
                    continue;
                };
                let label_name = table.get("name").and_then(|n| n.as_str()).map(str::to_string);
                let ctx = Context {
                    label: match &label_name {
                        Some(n) => format!("{section} \"{n}\""),
                        None => format!("{section} #{}", position + 1),
                    },
                    prefix: String::new(),
                };
                let Some(name) = self.name(&ctx, table) else { continue };
                match kind {
                    ScenarioKind::Grid => self.grid(&ctx, &name, table, &mut scenarios),
                    ScenarioKind::MonteCarlo => self.monte_carlo(&ctx, &name, table, &settings, &mut scenarios),
                    _ => {
                        let changes = self.changes(&ctx, table, &["name"]);
                        scenarios.push(Scenario { index: 0, name, kind, changes });
                    }
                }
                if scenarios.len() > MAX_SCENARIOS {
                    self.problem(&ctx, "", format!("the file expands to more than {MAX_SCENARIOS} scenarios"));
                    return ScenarioFile { settings, scenarios: Vec::new() };
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (index, s) in scenarios.iter_mut().enumerate() {
            s.index = index;
            if !seen.insert(s.name.clone()) {
                let ctx = Context { label: format!("scenario \"{}\"", s.name), prefix: String::new() };
                let p = ScenarioProblem {
                    scenario: ctx.label,
                    key: "name".into(),
                    message: "the name is used twice".into(),
                };
                if !self.problems.contains(&p) {
                    self.problems.push(p);
                }
            }
            if let Some(r) = &mut s.changes.random_demand {
                r.seed = scenario_seed(settings.seed, index);
            }
        }
        ScenarioFile { settings, scenarios }
    }

    fn name(&mut self, ctx: &Context, table: &toml::Table) -> Option<String> {
        match table.get("name") {
            Some(toml::Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(toml::Value::String(_)) => {
                self.problem(ctx, "name", "the name is empty");
                None
            }
            Some(other) => {
                self.problem(ctx, "name", format!("expected a string, found {}", type_name(other)));
                None
            }
            None => {
                self.problem(ctx, "name", "missing; every scenario needs a name");
                None
            }
        }
    }

    fn settings(&mut self, t: &toml::Table) -> SweepSettings {
        let ctx = Context { label: "[sweep]".into(), prefix: String::new() };
        let known = ["mode", "seed", "mip_gap", "node_limit", "time_limit_s", "include_base"];
        let mut s = SweepSettings::default();
        for (key, value) in t {
            match key.as_str() {
                "mode" => match value.as_str() {
                    Some("reoptimize") => s.mode = Mode::Reoptimize,
                    Some("evaluate") => s.mode = Mode::Evaluate,
                    _ => self.problem(&ctx, key, format!("expected \"reoptimize\" or \"evaluate\", found {value}")),
                },
                "seed" => match value.as_integer() {
                    Some(v) if v >= 0 => s.seed = v as u64,
                    _ => self.problem(&ctx, key, format!("expected a whole number >= 0, found {value}")),
                },
                "mip_gap" => {
                    if let Some(v) = self.number(&ctx, key, value) {
                        s.mip_gap = v;
                    }
                }
                "node_limit" => match value.as_integer() {
                    Some(v) if v > 0 => s.node_limit = Some(v as u64),
                    Some(0) => s.node_limit = None,
                    _ => self.problem(&ctx, key, format!("expected a whole number >= 0 (0 = no limit), found {value}")),
                },
                "time_limit_s" => match self.number(&ctx, key, value) {
                    Some(v) if v > 0.0 => s.time_limit_s = Some(v),
                    Some(_) => self.problem(&ctx, key, "expected a number > 0"),
                    None => {}
                },
                "include_base" => match value.as_bool() {
                    Some(b) => s.include_base = b,
                    None => self.problem(&ctx, key, format!("expected true or false, found {value}")),
                },
                _ => self.problem(&ctx, key, format!("unknown key{}", suggestion(key, &known))),
            }
        }
        s
    }

    /// A finite number >= 0 (integer or float).
    fn number(&mut self, ctx: &Context, key: &str, value: &toml::Value) -> Option<f64> {
        let v = match value {
            toml::Value::Integer(i) => *i as f64,
            toml::Value::Float(f) => *f,
            other => {
                self.problem(ctx, key, format!("expected a number, found {}", type_name(other)));
                return None;
            }
        };
        if !v.is_finite() || v < 0.0 {
            self.problem(ctx, key, format!("expected a finite number >= 0, found {value}"));
            return None;
        }
        Some(v)
    }

    fn table<'t>(&mut self, ctx: &Context, key: &str, value: &'t toml::Value) -> Option<&'t toml::Table> {
        match value.as_table() {
            Some(t) => Some(t),
            None => {
                self.problem(
                    ctx,
                    key,
                    format!("expected a table such as {key} = {{ NAME = 1.5 }}, found {}", type_name(value)),
                );
                None
            }
        }
    }

    /// The items matching `pattern`; reports a pattern matching nothing.
    fn item_pattern(&mut self, ctx: &Context, key: &str, pattern: &str) -> bool {
        if pattern.trim().is_empty() {
            self.problem(ctx, key, "empty item pattern");
            return false;
        }
        let products = self.input.configuration.products.iter().map(|p| p.item.id.as_str());
        if self.input.items.iter().map(|it| it.id.as_str()).chain(products).any(|id| pattern_matches(pattern, id)) {
            return true;
        }
        let products = self.input.configuration.products.iter().map(|p| p.item.id.as_str());
        let ids: Vec<&str> = self.input.items.iter().map(|i| i.id.as_str()).chain(products).collect();
        let hint = match crate::input::table::closest(pattern, ids.iter().copied()) {
            Some(c) => format!(" (did you mean \"{c}\"?)"),
            None => " (use an item id, or * and ? as wildcards)".into(),
        };
        self.problem(ctx, key, format!("item pattern \"{pattern}\" matches no item{hint}"));
        false
    }

    /// Whether `key` (`PRODUCT/ATTRIBUTE/VALUE`) names a value of a configurable product's mix,
    /// and `share` is one; reports what is wrong.
    fn mix_share(&mut self, ctx: &Context, key: &str, name: &str, share: f64) -> bool {
        let parts: Vec<&str> = name.split('/').collect();
        let [product_id, attribute, value] = parts.as_slice() else {
            self.problem(ctx, key, "a mix key is PRODUCT/ATTRIBUTE/VALUE, as \"TEE/colour/navy\"");
            return false;
        };
        let products = &self.input.configuration.products;
        let Some(product) = products.iter().find(|p| p.item.id == *product_id) else {
            let ids: Vec<&str> = products.iter().map(|p| p.item.id.as_str()).collect();
            let hint = if ids.is_empty() { " (the plan has none)".to_string() } else { suggestion(product_id, &ids) };
            self.problem(ctx, key, format!("\"{product_id}\" is not a configurable product{hint}"));
            return false;
        };
        let values: Vec<&str> =
            product.mix.iter().filter(|m| m.attribute == *attribute).map(|m| m.value.as_str()).collect();
        if !values.contains(value) {
            let message = if values.is_empty() {
                format!("{product_id} has no mix for attribute \"{attribute}\" in mix.csv")
            } else {
                format!("{product_id}'s mix of {attribute} has no value \"{value}\"{}", suggestion(value, &values))
            };
            self.problem(ctx, key, message);
            return false;
        }
        if !(0.0..=1.0).contains(&share) {
            self.problem(ctx, key, format!("a share is from 0 to 1, found {share}"));
            return false;
        }
        true
    }

    /// Whether `pattern` matches a supplier (of `sources.csv`); reports one matching nothing.
    fn supplier_pattern(&mut self, ctx: &Context, key: &str, pattern: &str) -> bool {
        if pattern.trim().is_empty() {
            self.problem(ctx, key, "empty supplier pattern");
            return false;
        }
        if self.input.suppliers.iter().any(|v| pattern_matches(pattern, &v.id)) {
            return true;
        }
        let ids: Vec<&str> = self.input.suppliers.iter().map(|v| v.id.as_str()).collect();
        let hint = match crate::input::table::closest(pattern, ids.iter().copied()) {
            Some(c) => format!(" (did you mean \"{c}\"?)"),
            None if ids.is_empty() => " (the plan has no suppliers; they are named in sources.csv)".into(),
            None => format!(" (suppliers: {})", ids.join(", ")),
        };
        self.problem(ctx, key, format!("supplier pattern \"{pattern}\" matches no supplier{hint}"));
        false
    }

    /// Whether `spec`, written `ITEM/ROUTE` (the item part a pattern, the route after the last
    /// `/` an id), names a route of some item the pattern matches; reports one that does not.
    fn route_pattern(&mut self, ctx: &Context, key: &str, spec: &str) -> bool {
        let Some((item_pattern, route)) = spec.rsplit_once('/').filter(|(i, r)| !i.trim().is_empty() && !r.is_empty())
        else {
            self.problem(
                ctx,
                key,
                format!("expected a route written ITEM/ROUTE (e.g. \"TEE/SCREEN\"), found \"{spec}\""),
            );
            return false;
        };
        if !self.item_pattern(ctx, key, item_pattern) {
            return false;
        }
        let input = self.input;
        let routes: Vec<&str> = input
            .routes
            .iter()
            .filter(|r| input.items.get(r.item).is_some_and(|it| pattern_matches(item_pattern, &it.id)))
            .map(|r| r.id.as_str())
            .collect();
        if routes.contains(&route) {
            return true;
        }
        let mut ids: Vec<String> = routes.iter().map(|r| format!("{item_pattern}/{r}")).collect();
        ids.sort_unstable();
        ids.dedup();
        let hint = match crate::input::table::closest(spec, ids.iter().map(String::as_str)) {
            Some(c) => format!(" (did you mean \"{c}\"?)"),
            None if ids.is_empty() => {
                format!(" (no item matching \"{item_pattern}\" has a named route; routes are named in routings.csv)")
            }
            None => format!(" (routes of the items it matches: {})", ids.join(", ")),
        };
        self.problem(ctx, key, format!("route \"{spec}\" matches no route{hint}"));
        false
    }

    fn resource(&mut self, ctx: &Context, key: &str, id: &str) -> bool {
        if self.input.resource_idx(id).is_some() {
            return true;
        }
        let ids: Vec<&str> = self.input.resources.iter().map(|r| r.id.as_str()).collect();
        let hint = match crate::input::table::closest(id, ids.iter().copied()) {
            Some(c) => format!(" (did you mean \"{c}\"?)"),
            None => format!(" (resources: {})", ids.join(", ")),
        };
        self.problem(ctx, key, format!("unknown resource \"{id}\"{hint}"));
        false
    }

    fn market(&mut self, ctx: &Context, key: &str, id: &str) -> bool {
        if self.markets.contains(id) {
            return true;
        }
        let ids: Vec<&str> = self.markets.iter().map(String::as_str).collect();
        let hint = match crate::input::table::closest(id, ids.iter().copied()) {
            Some(c) => format!(" (did you mean \"{c}\"?)"),
            None => format!(" (markets in orders: {})", ids.join(", ")),
        };
        self.problem(ctx, key, format!("unknown market \"{id}\"{hint}"));
        false
    }

    /// Parses the change keys of `table`; `extra` are the block's own keys (name, ...).
    fn changes(&mut self, ctx: &Context, table: &toml::Table, extra: &[&str]) -> ScenarioChanges {
        let mut c = ScenarioChanges::default();
        for (key, value) in table {
            if extra.contains(&key.as_str()) {
                continue;
            }
            match key.as_str() {
                "demand_scale" => c.demand_scale = self.number(ctx, key, value),
                "market_demand" | "item_demand" | "capacity_scale" | "moq" | "supplier_max" | "mix" => {
                    let Some(t) = self.table(ctx, key, value) else { continue };
                    for (name, v) in t {
                        let sub = format!("{key}.{name}");
                        let Some(x) = self.number(ctx, &sub, v) else { continue };
                        let known = match key.as_str() {
                            "market_demand" => self.market(ctx, &sub, name),
                            "capacity_scale" => self.resource(ctx, &sub, name),
                            "supplier_max" => self.supplier_pattern(ctx, &sub, name),
                            "mix" => self.mix_share(ctx, &sub, name, x),
                            _ => self.item_pattern(ctx, &sub, name),
                        };
                        if known {
                            let map = match key.as_str() {
                                "market_demand" => &mut c.market_demand,
                                "item_demand" => &mut c.item_demand,
                                "capacity_scale" => &mut c.capacity_scale,
                                "supplier_max" => &mut c.supplier_max,
                                "mix" => &mut c.mix,
                                _ => &mut c.moq,
                            };
                            map.insert(name.clone(), x);
                        }
                    }
                }
                "lead_time" | "supplier_lead_time" => {
                    let Some(t) = self.table(ctx, key, value) else { continue };
                    for (name, v) in t {
                        let sub = format!("{key}.{name}");
                        match v.as_integer() {
                            Some(d) if d.abs() <= 10_000 => {
                                if key == "lead_time" {
                                    if self.item_pattern(ctx, &sub, name) {
                                        c.lead_time.insert(name.clone(), d);
                                    }
                                } else if self.supplier_pattern(ctx, &sub, name) {
                                    c.supplier_lead_time.insert(name.clone(), d);
                                }
                            }
                            _ => self.problem(
                                ctx,
                                &sub,
                                format!("expected a whole number of periods to add (may be negative), found {v}"),
                            ),
                        }
                    }
                }
                "cost_scale" => {
                    let Some(t) = self.table(ctx, key, value) else { continue };
                    for (term, v) in t {
                        let sub = format!("{key}.{term}");
                        let Some(x) = self.number(ctx, &sub, v) else { continue };
                        match c.cost_scale.0.term_mut(term) {
                            Some(scale) => *scale = x,
                            None => self.problem(
                                ctx,
                                &sub,
                                format!("unknown cost term{}", suggestion(term, &CostBreakdown::NAMES)),
                            ),
                        }
                    }
                }
                "capacity" => self.windows(ctx, key, value, &mut c),
                "no_backlog" | "no_route" | "no_supplier" => {
                    let what = match key.as_str() {
                        "no_backlog" => "item patterns",
                        "no_route" => "routes written ITEM/ROUTE",
                        _ => "supplier patterns",
                    };
                    let Some(list) = value.as_array() else {
                        self.problem(ctx, key, format!("expected a list of {what}, found {}", type_name(value)));
                        continue;
                    };
                    for v in list {
                        let Some(p) = v.as_str() else {
                            self.problem(ctx, key, format!("expected {what} (strings), found {}", type_name(v)));
                            continue;
                        };
                        let (known, list) = match key.as_str() {
                            "no_backlog" => (self.item_pattern(ctx, key, p), &mut c.no_backlog),
                            "no_route" => (self.route_pattern(ctx, key, p), &mut c.no_route),
                            _ => (self.supplier_pattern(ctx, key, p), &mut c.no_supplier),
                        };
                        if known {
                            list.push(p.to_string());
                        }
                    }
                }
                _ => {
                    let mut known: Vec<&str> = CHANGE_KEYS.to_vec();
                    known.extend_from_slice(extra);
                    self.problem(ctx, key, format!("unknown key{}", suggestion(key, &known)));
                }
            }
        }
        c
    }

    fn windows(&mut self, ctx: &Context, key: &str, value: &toml::Value, c: &mut ScenarioChanges) {
        let Some(list) = value.as_array() else {
            self.problem(ctx, key, format!(
                "expected a list such as capacity = [{{ resource = \"SEWING\", scale = 0, from = 3, to = 4 }}], found {}",
                type_name(value)
            ));
            return;
        };
        let n_periods = self.input.n_periods();
        for (w, entry) in list.iter().enumerate() {
            let sub = format!("{key}[{w}]");
            let Some(t) = entry.as_table() else {
                self.problem(ctx, &sub, format!("expected a table, found {}", type_name(entry)));
                continue;
            };
            let mut window =
                CapacityWindow { resource: String::new(), scale: 1.0, from: 0, to: n_periods.saturating_sub(1) };
            let mut ok = true;
            for (k, v) in t {
                let field = format!("{sub}.{k}");
                match k.as_str() {
                    "resource" => match v.as_str() {
                        Some(r) => {
                            ok &= self.resource(ctx, &field, r);
                            window.resource = r.to_string();
                        }
                        None => {
                            self.problem(ctx, &field, format!("expected a resource id, found {}", type_name(v)));
                            ok = false;
                        }
                    },
                    "scale" => match self.number(ctx, &field, v) {
                        Some(x) => window.scale = x,
                        None => ok = false,
                    },
                    "from" | "to" => match v.as_integer() {
                        Some(p) if p >= 1 && (p as u64) <= n_periods as u64 => {
                            if k == "from" {
                                window.from = p as usize - 1;
                            } else {
                                window.to = p as usize - 1;
                            }
                        }
                        _ => {
                            self.problem(ctx, &field, format!("expected a period from 1 to {n_periods}, found {v}"));
                            ok = false;
                        }
                    },
                    _ => {
                        self.problem(
                            ctx,
                            &field,
                            format!("unknown key{}", suggestion(k, &["resource", "scale", "from", "to"])),
                        );
                        ok = false;
                    }
                }
            }
            if !t.contains_key("resource") {
                self.problem(ctx, &format!("{sub}.resource"), "missing");
                ok = false;
            }
            if ok && window.from > window.to {
                self.problem(ctx, &sub, format!("from = {} is after to = {}", window.from + 1, window.to + 1));
                ok = false;
            }
            if ok {
                c.capacity_windows.push(window);
            }
        }
    }

    fn grid(&mut self, ctx: &Context, name: &str, table: &toml::Table, out: &mut Vec<Scenario>) {
        // Axes: every leaf list (top-level `demand_scale = [..]` or `map.KEY = [..]`).
        let mut axes: Vec<(Vec<String>, Vec<toml::Value>)> = Vec::new();
        for (key, value) in table {
            if key == "name" {
                continue;
            }
            if LIST_KEYS.contains(&key.as_str()) {
                let instead = if key == "capacity" { "a named scenario, or capacity_scale" } else { "named scenarios" };
                self.problem(ctx, key, format!("not allowed in a grid (use {instead})"));
                continue;
            }
            match value {
                toml::Value::Array(list) => axes.push((vec![key.clone()], list.clone())),
                toml::Value::Table(t) if CHANGE_KEYS.contains(&key.as_str()) => {
                    for (sub, v) in t {
                        match v {
                            toml::Value::Array(list) => axes.push((vec![key.clone(), sub.clone()], list.clone())),
                            other => self.problem(
                                ctx,
                                &format!("{key}.{sub}"),
                                format!("a grid axis is a list of values, found {}", type_name(other)),
                            ),
                        }
                    }
                }
                _ if !CHANGE_KEYS.contains(&key.as_str()) => {
                    let mut known: Vec<&str> = CHANGE_KEYS.to_vec();
                    known.push("name");
                    self.problem(ctx, key, format!("unknown key{}", suggestion(key, &known)));
                }
                other => self.problem(ctx, key, format!("a grid axis is a list of values, found {}", type_name(other))),
            }
        }
        if axes.is_empty() {
            self.problem(ctx, "", "a grid needs at least one axis (a key with a list of values)");
            return;
        }
        if let Some((path, _)) = axes.iter().find(|(_, values)| values.is_empty()) {
            self.problem(ctx, &path.join("."), "an axis needs at least one value");
            return;
        }
        let total = axes.iter().try_fold(1usize, |acc, (_, v)| acc.checked_mul(v.len()));
        if total.is_none_or(|n| n > MAX_SCENARIOS) {
            self.problem(ctx, "", format!("the grid has more than {MAX_SCENARIOS} points"));
            return;
        }
        let mut choice = vec![0usize; axes.len()];
        loop {
            let mut point = toml::Table::new();
            let mut label = Vec::new();
            for ((path, values), &c) in axes.iter().zip(&choice) {
                let value = values[c].clone();
                label.push(format!("{}={}", path.join("."), value));
                match path.as_slice() {
                    [key] => {
                        point.insert(key.clone(), value);
                    }
                    [key, sub] => {
                        let entry = point.entry(key.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
                        if let Some(t) = entry.as_table_mut() {
                            t.insert(sub.clone(), value);
                        }
                    }
                    _ => {}
                }
            }
            let changes = self.changes(ctx, &point, &[]);
            out.push(Scenario {
                index: 0,
                name: format!("{name}[{}]", label.join(",")),
                kind: ScenarioKind::Grid,
                changes,
            });
            // Odometer: the last axis varies fastest.
            let mut a = axes.len();
            loop {
                if a == 0 {
                    return;
                }
                a -= 1;
                choice[a] += 1;
                if choice[a] < axes[a].1.len() {
                    break;
                }
                choice[a] = 0;
            }
        }
    }

    fn monte_carlo(
        &mut self,
        ctx: &Context,
        name: &str,
        table: &toml::Table,
        settings: &SweepSettings,
        out: &mut Vec<Scenario>,
    ) {
        let own = ["name", "samples", "distribution", "dispersion"];
        let mut changes = self.changes(ctx, table, &own);
        let samples = match table.get("samples").map(|v| (v, v.as_integer())) {
            Some((_, Some(n))) if n >= 1 && (n as u64) <= MAX_SCENARIOS as u64 => n as usize,
            Some((v, _)) => {
                self.problem(ctx, "samples", format!("expected a whole number from 1 to {MAX_SCENARIOS}, found {v}"));
                return;
            }
            None => {
                self.problem(ctx, "samples", "missing; how many samples to draw");
                return;
            }
        };
        let dispersion = table.get("dispersion");
        let distribution = match table.get("distribution").map(|v| (v, v.as_str())) {
            None | Some((_, Some("poisson"))) => {
                if dispersion.is_some() {
                    self.problem(ctx, "dispersion", "only for distribution = \"negative_binomial\"");
                }
                Distribution::Poisson
            }
            Some((_, Some("negative_binomial"))) => match dispersion {
                Some(v) => match self.number(ctx, "dispersion", v) {
                    Some(d) if d > 0.0 => Distribution::NegativeBinomial { dispersion: d },
                    Some(_) => {
                        self.problem(ctx, "dispersion", "expected a number > 0");
                        return;
                    }
                    None => return,
                },
                None => {
                    self.problem(
                        ctx,
                        "dispersion",
                        "missing; negative_binomial needs a dispersion > 0 (variance = mean + dispersion * mean^2)",
                    );
                    return;
                }
            },
            Some((v, _)) => {
                self.problem(ctx, "distribution", format!("expected \"poisson\" or \"negative_binomial\", found {v}"));
                return;
            }
        };
        if self.input.configuration.products.iter().any(|p| !p.forecast.is_empty()) {
            self.problem(
                ctx,
                "",
                "Monte-Carlo demand is not available for a plan whose configurable products have a forecast \
                 (a draw per class cannot be split between its orders and the product's forecast); use \
                 item_demand, mix and demand_scale scenarios",
            );
            return;
        }
        changes.random_demand = Some(RandomDemand { distribution, seed: settings.seed });
        let width = samples.saturating_sub(1).to_string().len().max(4);
        for s in 0..samples {
            out.push(Scenario {
                index: 0,
                name: format!("{name}#{s:0width$}"),
                kind: ScenarioKind::MonteCarlo,
                changes: changes.clone(),
            });
        }
    }
}

/// The seed of scenario `index`'s random draws: a SplitMix64 mix of the sweep seed and the
/// index, so draws never depend on which thread runs the scenario or in what order.
pub fn scenario_seed(sweep_seed: u64, index: usize) -> u64 {
    let mut z = sweep_seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A compact, deterministic JSON of what a scenario changes (for the `parameters` column):
/// only the keys that differ from the base.
pub fn describe_changes(c: &ScenarioChanges) -> String {
    let mut m = serde_json::Map::new();
    if let Some(s) = c.demand_scale {
        m.insert("demand_scale".into(), s.into());
    }
    let mut map = |key: &str, v: serde_json::Value, empty: bool| {
        if !empty {
            m.insert(key.into(), v);
        }
    };
    map("market_demand", serde_json::json!(c.market_demand), c.market_demand.is_empty());
    map("item_demand", serde_json::json!(c.item_demand), c.item_demand.is_empty());
    map("capacity_scale", serde_json::json!(c.capacity_scale), c.capacity_scale.is_empty());
    let windows: Vec<_> = c
        .capacity_windows
        .iter()
        .map(|w| serde_json::json!({"resource": w.resource, "scale": w.scale, "from": w.from + 1, "to": w.to + 1}))
        .collect();
    map("capacity", serde_json::json!(windows), windows.is_empty());
    map("lead_time", serde_json::json!(c.lead_time), c.lead_time.is_empty());
    let d = CostScales::default();
    let mut costs = serde_json::Map::new();
    for ((name, v), base) in c.cost_scale.terms().zip(d.values()) {
        if v != base {
            costs.insert(name.into(), v.into());
        }
    }
    let no_costs = costs.is_empty();
    map("cost_scale", serde_json::Value::Object(costs), no_costs);
    map("moq", serde_json::json!(c.moq), c.moq.is_empty());
    map("no_backlog", serde_json::json!(c.no_backlog), c.no_backlog.is_empty());
    map("supplier_lead_time", serde_json::json!(c.supplier_lead_time), c.supplier_lead_time.is_empty());
    map("supplier_max", serde_json::json!(c.supplier_max), c.supplier_max.is_empty());
    map("no_route", serde_json::json!(c.no_route), c.no_route.is_empty());
    map("no_supplier", serde_json::json!(c.no_supplier), c.no_supplier.is_empty());
    map("mix", serde_json::json!(c.mix), c.mix.is_empty());
    if let Some(r) = c.random_demand {
        let dist = match r.distribution {
            Distribution::Poisson => serde_json::json!({"distribution": "poisson"}),
            Distribution::NegativeBinomial { dispersion } => {
                serde_json::json!({"distribution": "negative_binomial", "dispersion": dispersion})
            }
        };
        m.insert("random_demand".into(), dist);
    }
    serde_json::Value::Object(m).to_string()
}
