//! The checker on a plan with a configurable product (spec section 1.5): it resolves the
//! product's planning classes itself, so a plan is matched against the checker's classes, not
//! the reader's expansion; and `order_promises.csv` names each order's item, options and class.

use crate::common::{at, located};
use chrono::NaiveDate;
use flexplan::input::{
    BomEdge, Bucket, ConfigBomLine, Configurable, Configuration, Horizon, Item, ItemKind, Order, OrderOptions,
    PlanInput, PlanningClass,
};
use flexplan::validate::{resolve_configuration, validate_plan, ValidationReport, ViolationKind};

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
}

/// Weekly from Monday 2026-01-05, 2 periods. INK-navy and INK-black (buy, unit 1); TEE
/// (colour, size; unit 2) made from 1 `INK-{colour}`: only colour is relevant. Orders O1
/// navy/M 5 in period 1 and O2 navy/L 3 in period 2, both of class `TEE[colour=navy]`; this
/// input is the reader's expansion done right (item 2 is that class).
fn input() -> PlanInput {
    let tee = Item { unit_cost: 2.0, ..Item::new("TEE", ItemKind::Make) };
    let ink = |id: &str| Item { unit_cost: 1.0, ..Item::new(id, ItemKind::Buy) };
    let order = |id: &str, text: &str, quantity: f64, due: &str| Order {
        id: id.to_string(),
        item: 2,
        quantity,
        due_date: date(due),
        market: None,
        options: Some(OrderOptions { product: 0, text: text.to_string() }),
    };
    PlanInput {
        items: vec![ink("INK-navy"), ink("INK-black"), Item { id: "TEE[colour=navy]".to_string(), ..tee.clone() }],
        bom: vec![BomEdge { parent: 2, component: 0, quantity: 1.0 }],
        orders: vec![
            order("O1", "colour=navy;size=M", 5.0, "2026-01-05"),
            order("O2", "colour=navy;size=L", 3.0, "2026-01-12"),
        ],
        configuration: Configuration {
            products: vec![Configurable {
                item: tee,
                attributes: vec!["colour".to_string(), "size".to_string()],
                bom: vec![ConfigBomLine {
                    row: 2,
                    component: "INK-{colour}".to_string(),
                    quantity: 1.0,
                    when: String::new(),
                }],
                routings: Vec::new(),
                routes: Vec::new(),
                forecast: Vec::new(),
                mix: Vec::new(),
            }],
            relevant: vec![vec![0]],
            classes: vec![PlanningClass { item: 2, product: 0, values: vec!["navy".to_string()] }],
            family_templates: Vec::new(),
            listed_families: 0,
        },
        ..PlanInput::new(Horizon { start: date("2026-01-05"), bucket: Bucket::Week, periods: 2 })
    }
}

/// The reader's expansion done wrong: a class per colour and size (size is not relevant).
fn input_split_by_size() -> PlanInput {
    let mut input = input();
    let class = input.items[2].clone();
    input.items[2].id = "TEE[colour=navy;size=L]".to_string();
    input.items.push(Item { id: "TEE[colour=navy;size=M]".to_string(), ..class });
    input.bom.push(BomEdge { parent: 3, component: 0, quantity: 1.0 });
    input.orders[0].item = 3;
    input.configuration.relevant = vec![vec![0, 1]];
    input.configuration.classes = vec![
        PlanningClass { item: 2, product: 0, values: vec!["navy".to_string(), "L".to_string()] },
        PlanningClass { item: 3, product: 0, values: vec!["navy".to_string(), "M".to_string()] },
    ];
    input
}

struct PlanFiles {
    lots: String,
    inventory: String,
    promises: String,
}

impl PlanFiles {
    /// The plan by the spec: TEE[colour=navy] made 5 and 3 (lead time 0) with its ink bought
    /// alongside; everything shipped on time. Costs: unit 2 * 8 + 1 * 8 = 24.
    fn correct() -> Self {
        PlanFiles {
            lots: "item,kind,route,supplier,period,start_date,available_period,quantity\n\
                   TEE[colour=navy],make,,,1,2026-01-05,1,5\n\
                   TEE[colour=navy],make,,,2,2026-01-12,2,3\n\
                   INK-navy,buy,,,1,2026-01-05,1,5\n\
                   INK-navy,buy,,,2,2026-01-12,2,3\n"
                .to_string(),
            inventory: "item,period,demand,shipped,inventory,backlog,safety_shortfall\n\
                        INK-navy,1,0,0,0,0,0\n\
                        INK-navy,2,0,0,0,0,0\n\
                        INK-black,1,0,0,0,0,0\n\
                        INK-black,2,0,0,0,0,0\n\
                        TEE[colour=navy],1,5,5,0,0,0\n\
                        TEE[colour=navy],2,3,3,0,0,0\n"
                .to_string(),
            promises: "order_id,item,options,class,quantity,due_period,promised_period,periods_late\n\
                       O1,TEE,colour=navy;size=M,TEE[colour=navy],5,1,1,0\n\
                       O2,TEE,colour=navy;size=L,TEE[colour=navy],3,2,2,0\n"
                .to_string(),
        }
    }

    fn check(&self, input: &PlanInput) -> ValidationReport {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let summary = r#"{"status": "optimal", "objective": 24, "costs": {"unit": 24, "holding": 0, "backlog": 0,
            "safety_stock": 0, "ordering": 0, "setup": 0, "overtime": 0}, "fill_rate": 1, "on_time_rate": 1}"#;
        let files = [
            ("lots.csv", self.lots.as_str()),
            ("inventory.csv", self.inventory.as_str()),
            ("resources.csv", "resource,period,capacity,run_time,setup_time,overtime,utilization\n"),
            ("order_promises.csv", self.promises.as_str()),
            ("summary.json", summary),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("the temporary folder is writable");
        }
        validate_plan(input, dir.path()).expect("the plan files are well-formed")
    }
}

#[test]
fn validate_config_the_plan_by_the_spec_passes_whatever_the_readers_expansion() {
    let report = PlanFiles::correct().check(&input());
    assert_eq!(located(&report), vec![], "{}", report.to_text());
    assert!((report.objective - 24.0).abs() < 1e-9);
    // The reader's classes split by size are not trusted: the checker's are the spec's.
    let report = PlanFiles::correct().check(&input_split_by_size());
    assert_eq!(located(&report), vec![], "{}", report.to_text());
    let expansion = resolve_configuration(&input_split_by_size());
    let classes: Vec<&str> = expansion.input.items[2..].iter().map(|item| item.id.as_str()).collect();
    assert_eq!(classes, vec!["TEE[colour=navy]"]);
}

#[test]
fn validate_config_a_plan_of_classes_the_checker_does_not_derive_is_reported() {
    // The plan the wrong expansion would give: a class per size.
    let mut files = PlanFiles::correct();
    files.lots = files
        .lots
        .replace("TEE[colour=navy],make,,,1", "TEE[colour=navy;size=M],make,,,1")
        .replace("TEE[colour=navy],make,,,2", "TEE[colour=navy;size=L],make,,,2");
    files.inventory = files.inventory.replace("TEE[colour=navy],1", "TEE[colour=navy;size=M],1");
    let report = files.check(&input_split_by_size());
    let found = located(&report);
    use ViolationKind::{Balance, Cost, MissingRow, Objective, UnknownItem};
    let tee = "TEE[colour=navy]";
    for expected in [
        at(UnknownItem, "TEE[colour=navy;size=M]", None, None, Some(1)),
        at(UnknownItem, "TEE[colour=navy;size=L]", None, None, Some(2)),
        at(UnknownItem, "TEE[colour=navy;size=M]", None, None, Some(1)),
        at(MissingRow, tee, None, None, Some(1)),
        at(Balance, "INK-navy", None, None, Some(1)),
        at(Cost, "unit", None, None, None),
        at(Objective, "objective", None, None, None),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:#?}");
    }
    let message = &report.violations[0].message;
    assert!(message.contains("nor a planning class of the input's configurable products"), "{message}");
}

#[test]
fn validate_config_each_promise_column_names_what_the_order_is() {
    for (from, to) in [
        ("O1,TEE,", "O1,TEE[colour=navy],"),
        ("O1,TEE,colour=navy;size=M,", "O1,TEE,colour=navy;size=L,"),
        ("O1,TEE,colour=navy;size=M,TEE[colour=navy]", "O1,TEE,colour=navy;size=M,TEE[colour=navy;size=M]"),
    ] {
        let mut files = PlanFiles::correct();
        assert_eq!(files.promises.matches(from).count(), 1, "{from}");
        files.promises = files.promises.replacen(from, to, 1);
        let report = files.check(&input());
        assert_eq!(located(&report), vec![at(ViolationKind::Promise, "O1", None, None, Some(1))], "{to}");
    }
    // A promise file of a planner from before configurable products: no options, no class.
    let mut files = PlanFiles::correct();
    files.promises = "order_id,item,quantity,due_period,promised_period,periods_late\n\
                      O1,TEE,5,1,1,0\n\
                      O2,TEE,3,2,2,0\n"
        .to_string();
    let report = files.check(&input());
    let want = vec![
        at(ViolationKind::Promise, "O1", None, None, Some(1)),
        at(ViolationKind::Promise, "O2", None, None, Some(2)),
    ];
    assert_eq!(located(&report), want);
    assert!(report.violations[0].message.contains("no options column"), "{}", report.to_text());
}

#[test]
fn validate_config_an_order_whose_options_name_no_class_is_a_configuration_violation() {
    let mut input = input();
    input.orders[1].options = Some(OrderOptions { product: 0, text: "colour=navy".to_string() });
    let mut files = PlanFiles::correct();
    // The plan without O2: TEE[colour=navy] made 5 only.
    files.lots = files.lots.replace("TEE[colour=navy],make,,,2,2026-01-12,2,3\n", "");
    files.lots = files.lots.replace("INK-navy,buy,,,2,2026-01-12,2,3\n", "");
    files.inventory = files.inventory.replace("TEE[colour=navy],2,3,3,0,0,0", "TEE[colour=navy],2,0,0,0,0,0");
    let report = files.check(&input);
    let found = located(&report);
    assert_eq!(found.first(), Some(&at(ViolationKind::Configuration, "O2", None, None, None)), "{found:#?}");
    assert!(report.violations[0].message.contains("do not parse: no value for size"));
    // Its promise row is not reported again as an unknown order.
    assert!(!found.iter().any(|v| v.0 == ViolationKind::UnknownOrder), "{found:#?}");
}
