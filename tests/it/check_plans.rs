//! The plan checker on a hand-built input and hand-written plan folders: a correct plan whose
//! costs are worked out by hand, then one mutation at a time with the exact violation expected.

use chrono::NaiveDate;
use flexplan::costs::CostBreakdown;
use flexplan::input::{
    BomEdge, Bucket, ForecastEntry, Horizon, Item, ItemKind, Order, PlanInput, Receipt, Resource, Routing,
};
use flexplan::validate::{validate_plan, ValidationReport, ViolationKind};
use flexplan::Error;
use std::path::Path;

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test dates are valid")
}

/// Weekly buckets from Monday 2026-01-05, 4 periods (the horizon ends on 2026-02-02).
///
/// - FG-TEE-1 (make): unit 2, holding 0.5, backlog 3, lead time 1, 5 on hand, safety stock 2
///   (penalty 4), lots in 10..=30 by multiples of 5; 3 units of work in progress arrive in
///   period 3. Made from 2 RM-BLANK per unit on PRESS (1 per unit, setup 2, setup cost 3).
/// - RM-BLANK (buy): unit 1, holding 0.1, no backlog allowed, 20 on hand, order cost 7.
/// - PRESS: capacity 20, overridden to 10 in period 2; up to 10 overtime at 6.
/// - Orders for FG-TEE-1: SO-1 6 past due (period 1), SO-2 8 (period 2), SO-3 12 (period 3),
///   SO-4 4 (period 4), SO-9 beyond the horizon. Forecast 10 in period 3 (below the orders)
///   and 4 in period 4 (equal). So D = [6, 8, 12, 4].
fn input() -> PlanInput {
    let finished = Item {
        unit_cost: 2.0,
        holding_cost: 0.5,
        backlog_cost: Some(3.0),
        lead_time: 1,
        initial_inventory: 5.0,
        safety_stock: 2.0,
        safety_stock_penalty: 4.0,
        min_lot: 10.0,
        max_lot: Some(30.0),
        lot_multiple: Some(5.0),
        ..Item::new("FG-TEE-1", ItemKind::Make)
    };
    let blank = Item {
        unit_cost: 1.0,
        holding_cost: 0.1,
        initial_inventory: 20.0,
        order_cost: 7.0,
        ..Item::new("RM-BLANK", ItemKind::Buy)
    };
    let order = |id: &str, quantity: f64, due: &str| Order {
        id: id.to_string(),
        item: 0,
        quantity,
        due_date: date(due),
        market: None,
        options: None,
    };
    PlanInput {
        items: vec![finished, blank],
        bom: vec![BomEdge { parent: 0, component: 1, quantity: 2.0 }],
        resources: vec![Resource {
            id: "PRESS".to_string(),
            capacity: vec![20.0, 10.0, 20.0, 20.0],
            overtime_max: 10.0,
            overtime_cost: 6.0,
        }],
        routings: vec![Routing::new(0, 0, 1.0, 2.0, 3.0)],
        receipts: vec![Receipt { item: 0, period: 2, quantity: 3.0 }],
        orders: vec![
            order("SO-2", 8.0, "2026-01-13"),
            order("SO-1", 6.0, "2026-01-01"),
            order("SO-3", 12.0, "2026-01-20"),
            order("SO-4", 4.0, "2026-01-30"),
            order("SO-9", 5.0, "2026-03-01"),
        ],
        forecast: vec![
            ForecastEntry { item: 0, period: 2, quantity: 10.0 },
            ForecastEntry { item: 0, period: 3, quantity: 4.0 },
        ],
        ..PlanInput::new(Horizon { start: date("2026-01-05"), bucket: Bucket::Week, periods: 4 })
    }
}

/// The plan files as text, so a test can change one thing.
#[derive(Clone)]
struct PlanFiles {
    lots: String,
    inventory: String,
    resources: String,
    promises: String,
    summary: String,
}

impl PlanFiles {
    /// A feasible plan for [`input`], worked out by hand (periods 1-based):
    ///
    /// Lots: FG-TEE-1 10 in period 1 (arrives 2) and 15 in period 2 (arrives 3); RM-BLANK 30
    /// in period 2 (lead time 0).
    ///
    /// FG-TEE-1 balance, I = I_prev + arriving - shipped; B = B_prev + D - F:
    /// - t1: I = 5 + 0 - 5 = 0; B = 0 + 6 - 5 = 1; S = 2 - 0 = 2
    /// - t2: I = 0 + 10 - 9 = 1; B = 1 + 8 - 9 = 0; S = 1
    /// - t3: I = 1 + (15 + 3 receipt) - 12 = 7; B = 0; S = 0
    /// - t4: I = 7 + 0 - 3 = 4; B = 0 + 4 - 3 = 1; S = 0
    ///
    /// RM-BLANK: t1: 20 + 0 - 2*10 = 0; t2: 0 + 30 - 2*15 = 0; then 0.
    ///
    /// PRESS load: t1 10 + 2 = 12 <= 20; t2 15 + 2 = 17 > 10, so 7 overtime (<= 10).
    ///
    /// Costs: unit 2*25 + 1*30 = 80; holding 0.5*(0+1+7+4) = 6; backlog 3*(1+1) = 6;
    /// safety 4*(2+1) = 12; ordering 7*1 = 7; setup 3*2 = 6; overtime 6*7 = 42; total 159.
    ///
    /// Promises, shipments [5, 9, 12, 3] earliest due first: SO-1 gets 5 in t1 and 1 in t2
    /// (promised 2, 1 late); SO-2 gets 8 in t2 (on time); SO-3 12 in t3 (on time); SO-4 gets
    /// 3 of 4 in t4 (not served). Fill rate 29/30; on-time rate 2/4.
    fn correct() -> Self {
        PlanFiles {
            lots: "item,kind,period,start_date,available_period,quantity\n\
                   FG-TEE-1,make,1,2026-01-05,2,10\n\
                   FG-TEE-1,make,2,2026-01-12,3,15\n\
                   RM-BLANK,buy,2,2026-01-12,2,30\n"
                .to_string(),
            inventory: "item,period,demand,shipped,inventory,backlog,safety_shortfall\n\
                        FG-TEE-1,1,6,5,0,1,2\n\
                        FG-TEE-1,2,8,9,1,0,1\n\
                        FG-TEE-1,3,12,12,7,0,0\n\
                        FG-TEE-1,4,4,3,4,1,0\n\
                        RM-BLANK,1,0,0,0,0,0\n\
                        RM-BLANK,2,0,0,0,0,0\n\
                        RM-BLANK,3,0,0,0,0,0\n\
                        RM-BLANK,4,0,0,0,0,0\n"
                .to_string(),
            resources: "resource,period,capacity,run_time,setup_time,overtime,utilization\n\
                        PRESS,1,20,10,2,0,0.6\n\
                        PRESS,2,10,15,2,7,1.7\n\
                        PRESS,3,20,0,0,0,0\n\
                        PRESS,4,20,0,0,0,0\n"
                .to_string(),
            promises: "order_id,item,quantity,due_period,promised_period,periods_late\n\
                       SO-1,FG-TEE-1,6,1,2,1\n\
                       SO-2,FG-TEE-1,8,2,2,0\n\
                       SO-3,FG-TEE-1,12,3,3,0\n\
                       SO-4,FG-TEE-1,4,4,,\n"
                .to_string(),
            summary: summary_json(159.0),
        }
    }

    fn write(&self, dir: &Path) {
        let files = [
            ("lots.csv", &self.lots),
            ("inventory.csv", &self.inventory),
            ("resources.csv", &self.resources),
            ("order_promises.csv", &self.promises),
            ("summary.json", &self.summary),
        ];
        for (name, text) in files {
            std::fs::write(dir.join(name), text).expect("the temporary folder is writable");
        }
    }
}

fn summary_json(objective: f64) -> String {
    format!(
        r#"{{"status": "optimal", "objective": {objective}, "best_bound": {objective}, "gap": 0,
            "costs": {{"unit": 80, "holding": 6, "backlog": 6, "safety_stock": 12, "ordering": 7,
                       "setup": 6, "overtime": 42}},
            "fill_rate": {}, "on_time_rate": 0.5, "orders_beyond_horizon": 1}}"#,
        29.0 / 30.0
    )
}

/// Replaces exactly one occurrence of `from`.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once in {text:?}");
    text.replacen(from, to, 1)
}

fn run(input: &PlanInput, files: &PlanFiles) -> Result<ValidationReport, Error> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    files.write(dir.path());
    validate_plan(input, dir.path())
}

fn check(input: &PlanInput, files: &PlanFiles) -> ValidationReport {
    run(input, files).expect("the plan files are well-formed")
}

/// The violations as (kind, subject, period), in report order.
fn found(report: &ValidationReport) -> Vec<(ViolationKind, String, Option<usize>)> {
    report.violations.iter().map(|v| (v.kind, v.subject.clone(), v.period)).collect()
}

fn expect(kind: ViolationKind, subject: &str, period: Option<usize>) -> (ViolationKind, String, Option<usize>) {
    (kind, subject.to_string(), period)
}

#[test]
fn the_correct_plan_passes_with_hand_computed_costs() {
    let report = check(&input(), &PlanFiles::correct());
    assert_eq!(found(&report), vec![], "{}", report.to_text());
    let hand = CostBreakdown {
        unit: 80.0,
        holding: 6.0,
        backlog: 6.0,
        safety_stock: 12.0,
        ordering: 7.0,
        setup: 6.0,
        overtime: 42.0,
        ..CostBreakdown::default()
    };
    assert_eq!(report.costs, hand);
    assert_eq!(report.objective, 159.0);
    assert_eq!(report.reported_objective, Some(159.0));
    assert_eq!(report.fill_rate, 29.0 / 30.0);
    assert_eq!(report.on_time_rate, 0.5);
    assert!(report.is_ok());
    assert!(report.to_text().starts_with("Plan check: OK"), "{}", report.to_text());
}

#[test]
fn the_report_serializes_to_json() {
    let mut input = input();
    input.items[0].min_lot = 12.0;
    let report = check(&input, &PlanFiles::correct());
    let json = serde_json::to_value(&report).expect("the report serializes");
    assert_eq!(json["violations"][0]["kind"], "min_lot");
    assert_eq!(json["violations"][0]["period"], 1);
    assert_eq!(json["costs"]["overtime"], 42.0);
}

#[test]
fn a_lot_below_the_moq_is_reported() {
    let mut input = input();
    input.items[0].min_lot = 12.0;
    let report = check(&input, &PlanFiles::correct());
    assert_eq!(found(&report), vec![expect(ViolationKind::MinLot, "FG-TEE-1", Some(1))]);
    assert_eq!(report.violations[0].amount, 2.0);
    assert!(report.to_text().contains("[min_lot] FG-TEE-1 period 1: lot of 10 is below min_lot 12"));
}

#[test]
fn a_lot_off_the_lot_multiple_or_above_max_lot_is_reported() {
    let mut input = input();
    input.items[0].lot_multiple = Some(4.0); // 10 = 2.5 x 4, 15 = 3.75 x 4
    input.items[0].max_lot = Some(14.0);
    let report = check(&input, &PlanFiles::correct());
    assert_eq!(
        found(&report),
        vec![
            expect(ViolationKind::LotMultiple, "FG-TEE-1", Some(1)),
            expect(ViolationKind::MaxLot, "FG-TEE-1", Some(2)),
            expect(ViolationKind::LotMultiple, "FG-TEE-1", Some(2)),
        ]
    );
}

#[test]
fn a_broken_balance_is_reported_where_it_is() {
    let mut files = PlanFiles::correct();
    files.inventory = replace_once(&files.inventory, "FG-TEE-1,3,12,12,7,0,0", "FG-TEE-1,3,12,12,8,0,0");
    let report = check(&input(), &files);
    // Period 3 claims 8 instead of 7; period 4 then expects 8 - 3 = 5 but says 4. Holding
    // rises by 0.5 so the holding cost and the objective no longer match summary.json.
    assert_eq!(
        found(&report),
        vec![
            expect(ViolationKind::Balance, "FG-TEE-1", Some(3)),
            expect(ViolationKind::Balance, "FG-TEE-1", Some(4)),
            expect(ViolationKind::Cost, "holding", None),
            expect(ViolationKind::Objective, "objective", None),
        ]
    );
    assert_eq!(
        report.violations[0].message,
        "FG-TEE-1 period 3: inventory balance off by 1 (reported 8, expected 7 = 1 on hand + 18 arriving - 0 used - 12 shipped)"
    );
    assert_eq!(report.costs.holding, 6.5);
}

#[test]
fn load_beyond_capacity_plus_overtime_is_reported() {
    let mut input = input();
    input.resources[0].overtime_max = 5.0; // period 2 needs 17 - 10 = 7
    let report = check(&input, &PlanFiles::correct());
    assert_eq!(
        found(&report),
        vec![
            expect(ViolationKind::CapacityExceeded, "PRESS", Some(2)),
            expect(ViolationKind::Overtime, "PRESS", Some(2)),
        ]
    );
    assert_eq!(report.violations[0].amount, 2.0);
}

#[test]
fn understated_overtime_is_reported() {
    let mut files = PlanFiles::correct();
    files.resources = replace_once(&files.resources, "PRESS,2,10,15,2,7,1.7", "PRESS,2,10,15,2,6,1.7");
    files.summary = files.summary.replace("\"overtime\": 42", "\"overtime\": 36").replace("159", "153");
    let report = check(&input(), &files);
    assert_eq!(found(&report), vec![expect(ViolationKind::Overtime, "PRESS", Some(2))]);
    assert_eq!(report.objective, 153.0);
}

#[test]
fn a_wrong_objective_in_the_summary_is_reported() {
    let mut files = PlanFiles::correct();
    files.summary = summary_json(158.0);
    let report = check(&input(), &files);
    assert_eq!(found(&report), vec![expect(ViolationKind::Objective, "objective", None)]);
    assert_eq!(report.reported_objective, Some(158.0));
    assert_eq!(report.violations[0].amount, 1.0);
}

#[test]
fn a_missing_inventory_row_is_reported() {
    let mut files = PlanFiles::correct();
    files.inventory = replace_once(&files.inventory, "RM-BLANK,3,0,0,0,0,0\n", "");
    let report = check(&input(), &files);
    assert_eq!(found(&report), vec![expect(ViolationKind::MissingRow, "RM-BLANK", Some(3))]);
}

#[test]
fn a_lot_arriving_after_the_horizon_is_reported() {
    let mut files = PlanFiles::correct();
    files.lots.push_str("FG-TEE-1,make,4,2026-01-26,5,10\n");
    let report = check(&input(), &files);
    // The lot still starts in period 4: it uses 20 RM-BLANK and 12 PRESS time units there,
    // and costs 2*10 + 3 setup, none of which the rest of the plan accounts for.
    assert_eq!(
        found(&report),
        vec![
            expect(ViolationKind::LotAfterHorizon, "FG-TEE-1", Some(4)),
            expect(ViolationKind::Balance, "RM-BLANK", Some(4)),
            expect(ViolationKind::RunTime, "PRESS", Some(4)),
            expect(ViolationKind::SetupTime, "PRESS", Some(4)),
            expect(ViolationKind::Cost, "unit", None),
            expect(ViolationKind::Cost, "setup", None),
            expect(ViolationKind::Objective, "objective", None),
        ]
    );
    assert_eq!(report.costs.unit, 100.0);
    assert_eq!(report.costs.setup, 9.0);
}

#[test]
fn wrong_lot_columns_are_reported() {
    let mut files = PlanFiles::correct();
    files.lots = replace_once(&files.lots, "RM-BLANK,buy,2,2026-01-12,2,30", "RM-BLANK,make,2,2026-01-13,3,30");
    files.lots.push_str("FG-TEE-1,make,2,2026-01-12,3,15\nGHOST,buy,1,2026-01-05,1,4\n");
    let report = check(&input(), &files);
    let kinds: Vec<ViolationKind> = report.violations.iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds[..5],
        [
            ViolationKind::KindMismatch,
            ViolationKind::AvailablePeriod,
            ViolationKind::StartDate,
            ViolationKind::DuplicateRow,
            ViolationKind::UnknownItem,
        ]
    );
    assert_eq!(report.violations[3].subject, "FG-TEE-1");
    assert_eq!(report.violations[4].subject, "GHOST");
}

#[test]
fn a_wrong_promise_is_reported() {
    let mut files = PlanFiles::correct();
    files.promises = replace_once(&files.promises, "SO-1,FG-TEE-1,6,1,2,1", "SO-1,FG-TEE-1,6,1,1,0");
    let report = check(&input(), &files);
    assert_eq!(found(&report), vec![expect(ViolationKind::Promise, "SO-1", Some(1))]);
}

#[test]
fn a_promise_for_an_unserved_order_is_reported_and_missing_rows_too() {
    let mut files = PlanFiles::correct();
    files.promises = replace_once(&files.promises, "SO-4,FG-TEE-1,4,4,,", "SO-4,FG-TEE-1,4,4,4,0");
    files.promises = replace_once(&files.promises, "SO-3,FG-TEE-1,12,3,3,0\n", "");
    files.promises.push_str("SO-9,FG-TEE-1,5,5,,\n");
    let report = check(&input(), &files);
    assert_eq!(
        found(&report),
        vec![
            expect(ViolationKind::Promise, "SO-4", Some(4)),
            expect(ViolationKind::UnknownOrder, "SO-9", None),
            expect(ViolationKind::MissingRow, "SO-3", Some(3)),
        ]
    );
}

#[test]
fn demand_is_recomputed_from_orders_and_forecast() {
    let mut input = input();
    input.forecast[0].quantity = 13.0; // above the 12 ordered: D[3] becomes 13
    let report = check(&input, &PlanFiles::correct());
    assert_eq!(
        found(&report),
        vec![
            expect(ViolationKind::Demand, "FG-TEE-1", Some(3)),
            expect(ViolationKind::Backlog, "FG-TEE-1", Some(3)),
            expect(ViolationKind::FillRate, "fill_rate", None),
        ]
    );
    assert_eq!(report.fill_rate, 29.0 / 31.0);
}

#[test]
fn backlog_is_refused_when_the_item_has_no_backlog_cost() {
    let mut input = input();
    input.items[0].backlog_cost = None;
    let report = check(&input, &PlanFiles::correct());
    assert_eq!(
        found(&report),
        vec![
            expect(ViolationKind::BacklogNotAllowed, "FG-TEE-1", Some(1)),
            expect(ViolationKind::BacklogNotAllowed, "FG-TEE-1", Some(4)),
            expect(ViolationKind::Cost, "backlog", None),
            expect(ViolationKind::Objective, "objective", None),
        ]
    );
    assert_eq!(report.costs.backlog, 0.0);
}

#[test]
fn shipments_of_an_item_without_demand_and_safety_shortfalls_are_reported() {
    let mut files = PlanFiles::correct();
    files.inventory = replace_once(&files.inventory, "RM-BLANK,4,0,0,0,0,0", "RM-BLANK,4,0,0,0,1,0");
    files.inventory = replace_once(&files.inventory, "FG-TEE-1,2,8,9,1,0,1", "FG-TEE-1,2,8,9,1,0,0");
    files.summary = files.summary.replace("\"safety_stock\": 12", "\"safety_stock\": 8").replace("159", "155");
    let report = check(&input(), &files);
    assert_eq!(
        found(&report),
        vec![
            expect(ViolationKind::SafetyShortfall, "FG-TEE-1", Some(2)),
            expect(ViolationKind::NoDemand, "RM-BLANK", Some(4)),
        ]
    );
}

#[test]
fn a_non_numeric_quantity_is_an_error_naming_file_row_and_column() {
    let mut files = PlanFiles::correct();
    files.lots = replace_once(&files.lots, "FG-TEE-1,make,2,2026-01-12,3,15", "FG-TEE-1,make,2,2026-01-12,3,ten");
    let error = run(&input(), &files).expect_err("a malformed lot quantity");
    let Error::Plan { problems, .. } = &error else { panic!("expected a malformed plan file, got {error:?}") };
    let [diagnostic] = problems.diagnostics.as_slice() else { panic!("expected one problem, got {problems:?}") };
    assert_eq!(diagnostic.file, "lots.csv");
    assert_eq!(diagnostic.row, Some(3));
    assert_eq!(diagnostic.column.as_deref(), Some("quantity"));
    assert_eq!(diagnostic.value.as_deref(), Some("ten"));
    assert!(error.to_string().contains("lots.csv, row 3, column quantity, value \"ten\""), "{error}");
}

#[test]
fn a_missing_column_or_file_is_an_error() {
    let mut files = PlanFiles::correct();
    files.resources = files.resources.replace("utilization", "usage");
    let error = run(&input(), &files).expect_err("a missing column");
    assert!(error.to_string().contains("resources.csv, row 1, column utilization"), "{error}");

    let dir = tempfile::tempdir().expect("a temporary folder");
    PlanFiles::correct().write(dir.path());
    std::fs::remove_file(dir.path().join("summary.json")).expect("the file exists");
    let error = validate_plan(&input(), dir.path()).expect_err("a missing summary");
    assert!(
        matches!(&error, Error::Plan { problems, .. } if problems.diagnostics[0].file == "summary.json"),
        "{error:?}"
    );
}

#[test]
fn a_parquet_table_is_read_when_there_is_no_csv() {
    use polars::prelude::*;
    let dir = tempfile::tempdir().expect("a temporary folder");
    PlanFiles::correct().write(dir.path());
    std::fs::remove_file(dir.path().join("lots.csv")).expect("the file exists");
    let mut frame = DataFrame::new_infer_height(vec![
        Column::new("item".into(), ["FG-TEE-1", "FG-TEE-1", "RM-BLANK"]),
        Column::new("kind".into(), ["make", "make", "buy"]),
        Column::new("period".into(), [1_i64, 2, 2]),
        Column::new("start_date".into(), ["2026-01-05", "2026-01-12", "2026-01-12"]),
        Column::new("available_period".into(), [2_i64, 3, 2]),
        Column::new("quantity".into(), [10.0_f64, 15.0, 30.0]),
    ])
    .expect("a valid frame");
    let file = std::fs::File::create(dir.path().join("lots.parquet")).expect("writable");
    ParquetWriter::new(file).finish(&mut frame).expect("parquet written");
    let report = validate_plan(&input(), dir.path()).expect("the plan is readable");
    assert_eq!(found(&report), vec![]);
    assert_eq!(report.costs.unit, 80.0);
}

// -------------------------------------------------------------------------------------------
// Random plans built by forward simulation, a second way to get a consistent plan and its cost.

mod simulated {
    use super::*;
    use proptest::prelude::*;

    /// A random two-level plan: A (make, on R) is made from 2 C (buy).
    #[derive(Debug, Clone)]
    pub struct Scenario {
        pub n_periods: usize,
        pub lead_a: usize,
        pub lead_c: usize,
        /// Lot of A per period, in multiples of 5.
        pub lots_a: Vec<u32>,
        pub lots_c: Vec<u32>,
        pub receipts_a: Vec<u32>,
        /// (quantity, 0-based due period) of A's orders.
        pub orders: Vec<(u32, usize)>,
        pub safety_stock: u32,
        pub capacity: u32,
    }

    pub fn scenario() -> impl Strategy<Value = Scenario> {
        (2..6_usize).prop_flat_map(|n_periods| {
            (
                0..2_usize,
                0..2_usize,
                proptest::collection::vec(0..4_u32, n_periods),
                proptest::collection::vec(0..3_u32, n_periods),
                proptest::collection::vec(0..3_u32, n_periods),
                proptest::collection::vec((1..10_u32, 0..n_periods), 0..5),
                0..5_u32,
                5..30_u32,
            )
                .prop_map(
                    move |(lead_a, lead_c, lots_a, lots_c, receipts_a, orders, safety_stock, capacity)| Scenario {
                        n_periods,
                        lead_a,
                        lead_c,
                        lots_a,
                        lots_c,
                        receipts_a,
                        orders,
                        safety_stock,
                        capacity,
                    },
                )
        })
    }

    pub fn input_of(scenario: &Scenario) -> PlanInput {
        let start = date("2026-01-05");
        let item_a = Item {
            unit_cost: 2.0,
            holding_cost: 0.5,
            backlog_cost: Some(3.0),
            lead_time: scenario.lead_a,
            initial_inventory: 3.0,
            safety_stock: f64::from(scenario.safety_stock),
            safety_stock_penalty: 4.0,
            lot_multiple: Some(5.0),
            order_cost: 1.5,
            ..Item::new("A", ItemKind::Make)
        };
        let item_c = Item {
            unit_cost: 1.0,
            holding_cost: 0.25,
            lead_time: scenario.lead_c,
            initial_inventory: 1000.0,
            order_cost: 7.0,
            ..Item::new("C", ItemKind::Buy)
        };
        let orders = scenario
            .orders
            .iter()
            .enumerate()
            .map(|(k, (quantity, due))| Order {
                id: format!("O{k}"),
                item: 0,
                quantity: f64::from(*quantity),
                due_date: start + chrono::Days::new(7 * *due as u64 + 3),
                market: None,
                options: None,
            })
            .collect();
        let receipts = (0..scenario.n_periods)
            .filter(|t| scenario.receipts_a[*t] > 0)
            .map(|t| Receipt { item: 0, period: t, quantity: f64::from(scenario.receipts_a[t]) })
            .collect();
        PlanInput {
            items: vec![item_a, item_c],
            bom: vec![BomEdge { parent: 0, component: 1, quantity: 2.0 }],
            resources: vec![Resource {
                id: "R".to_string(),
                capacity: vec![f64::from(scenario.capacity); scenario.n_periods],
                overtime_max: 1000.0,
                overtime_cost: 6.0,
            }],
            routings: vec![Routing::new(0, 0, 1.0, 2.0, 3.0)],
            receipts,
            orders,
            ..PlanInput::new(Horizon { start, bucket: Bucket::Week, periods: scenario.n_periods })
        }
    }

    /// Writes the plan of `scenario` by simulating forward (ship as much as is on hand and
    /// owed), and returns the total cost summed along the way.
    pub fn simulate(scenario: &Scenario, input: &PlanInput) -> (PlanFiles, f64) {
        let n = scenario.n_periods;
        let start = input.horizon.start;
        let lot_a: Vec<f64> =
            (0..n).map(|t| if t + scenario.lead_a < n { 5.0 * f64::from(scenario.lots_a[t]) } else { 0.0 }).collect();
        let lot_c: Vec<f64> =
            (0..n).map(|t| if t + scenario.lead_c < n { 10.0 * f64::from(scenario.lots_c[t]) } else { 0.0 }).collect();
        let mut demand = vec![0.0; n];
        for (quantity, due) in &scenario.orders {
            demand[*due] += f64::from(*quantity);
        }
        let mut total = 0.0;
        let mut lots = String::from("item,kind,period,start_date,available_period,quantity\n");
        for (id, kind, lead, quantities, unit, fixed) in
            [("A", "make", scenario.lead_a, &lot_a, 2.0, 1.5 + 3.0), ("C", "buy", scenario.lead_c, &lot_c, 1.0, 7.0)]
        {
            for (t, quantity) in quantities.iter().enumerate().filter(|(_, q)| **q > 0.0) {
                let day = start + chrono::Days::new(7 * t as u64);
                lots.push_str(&format!("{id},{kind},{},{day},{},{quantity}\n", t + 1, t + 1 + lead));
                total += unit * quantity + fixed;
            }
        }
        let mut inventory = String::from("item,period,demand,shipped,inventory,backlog,safety_shortfall\n");
        let (mut on_hand, mut owed) = (3.0, 0.0);
        let mut shipped = vec![0.0; n];
        let safety = f64::from(scenario.safety_stock);
        for t in 0..n {
            let arriving = t.checked_sub(scenario.lead_a).map_or(0.0, |s| lot_a[s]) + f64::from(scenario.receipts_a[t]);
            let available = on_hand + arriving;
            shipped[t] = f64::min(available, owed + demand[t]);
            on_hand = available - shipped[t];
            owed = owed + demand[t] - shipped[t];
            let shortfall = (safety - on_hand).max(0.0);
            total += 0.5 * on_hand + 3.0 * owed + 4.0 * shortfall;
            inventory.push_str(&format!("A,{},{},{},{on_hand},{owed},{shortfall}\n", t + 1, demand[t], shipped[t]));
        }
        let mut on_hand_c = 1000.0;
        for (t, lot) in lot_a.iter().enumerate() {
            on_hand_c += t.checked_sub(scenario.lead_c).map_or(0.0, |s| lot_c[s]) - 2.0 * lot;
            total += 0.25 * on_hand_c;
            inventory.push_str(&format!("C,{},0,0,{on_hand_c},0,0\n", t + 1));
        }
        let mut resources = String::from("resource,period,capacity,run_time,setup_time,overtime,utilization\n");
        let capacity = f64::from(scenario.capacity);
        for (t, lot) in lot_a.iter().enumerate() {
            let setup = if *lot > 0.0 { 2.0 } else { 0.0 };
            let overtime = (lot + setup - capacity).max(0.0);
            total += 6.0 * overtime;
            let utilization = (lot + setup) / capacity;
            resources.push_str(&format!("R,{},{capacity},{lot},{setup},{overtime},{utilization}\n", t + 1));
        }
        let (promises, on_time_rate) = promises_by_cumulative_shipments(scenario, &shipped);
        let total_demand: f64 = demand.iter().sum();
        let fill_rate = if total_demand > 0.0 { shipped.iter().sum::<f64>() / total_demand } else { 1.0 };
        let summary = format!(
            r#"{{"status": "feasible", "objective": {total}, "costs": {{"unit": {}, "holding": {}, "backlog": {},
                "safety_stock": {}, "ordering": {}, "setup": {}, "overtime": {}}},
                "fill_rate": {fill_rate}, "on_time_rate": {on_time_rate}}}"#,
            0, 0, 0, 0, 0, 0, 0
        );
        (PlanFiles { lots, inventory, resources, promises, summary }, total)
    }

    /// Shipments never exceed what is owed, so every unit shipped goes to an order: order k
    /// (earliest due first, then id) is served in the first period whose cumulative shipments
    /// cover the cumulative quantity of orders up to and including k.
    fn promises_by_cumulative_shipments(scenario: &Scenario, shipped: &[f64]) -> (String, f64) {
        let mut sorted: Vec<(usize, String, u32)> =
            scenario.orders.iter().enumerate().map(|(k, (q, due))| (*due, format!("O{k}"), *q)).collect();
        sorted.sort();
        let cumulative_shipped: Vec<f64> = shipped
            .iter()
            .scan(0.0, |sum, value| {
                *sum += value;
                Some(*sum)
            })
            .collect();
        let mut text = String::from("order_id,item,quantity,due_period,promised_period,periods_late\n");
        let mut cumulative_ordered = 0.0;
        let mut on_time = 0;
        for (due, id, quantity) in &sorted {
            cumulative_ordered += f64::from(*quantity);
            match cumulative_shipped.iter().position(|sum| *sum >= cumulative_ordered - 1e-9) {
                Some(t) => {
                    text.push_str(&format!("{id},A,{quantity},{},{},{}\n", due + 1, t + 1, t - due));
                    on_time += usize::from(t == *due);
                }
                None => text.push_str(&format!("{id},A,{quantity},{},,\n", due + 1)),
            }
        }
        let rate = if sorted.is_empty() { 1.0 } else { on_time as f64 / sorted.len() as f64 };
        (text, rate)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn simulated_plans_pass_and_cost_what_the_simulation_summed(scenario in scenario()) {
            let input = input_of(&scenario);
            let (files, total) = simulate(&scenario, &input);
            let report = check(&input, &files);
            // The summary's cost breakdown is written as zeros on purpose: only the objective,
            // rates and the plan rows are compared here.
            let unexpected: Vec<_> = report.violations.iter().filter(|v| v.kind != ViolationKind::Cost).collect();
            prop_assert!(unexpected.is_empty(), "{}", report.to_text());
            prop_assert!((report.objective - total).abs() < 1e-9, "{} vs {total}", report.objective);
        }

        #[test]
        fn a_changed_inventory_cell_is_caught_in_its_period(
            scenario in scenario(),
            cell in 0..10_usize,
            delta in 1..5_u32,
        ) {
            let input = input_of(&scenario);
            let (mut files, _) = simulate(&scenario, &input);
            let (item, t) = if cell % 2 == 0 { ("A", cell / 2 % scenario.n_periods) } else { ("C", cell / 2 % scenario.n_periods) };
            let mut lines: Vec<String> = files.inventory.lines().map(str::to_string).collect();
            let row = lines.iter().position(|line| line.starts_with(&format!("{item},{},", t + 1))).expect("row exists");
            let mut cells: Vec<String> = lines[row].split(',').map(str::to_string).collect();
            let inventory: f64 = cells[4].parse().expect("a number");
            cells[4] = format!("{}", inventory + f64::from(delta));
            lines[row] = cells.join(",");
            files.inventory = lines.join("\n") + "\n";
            let report = check(&input, &files);
            let caught = report.violations.iter().any(|v| {
                v.kind == ViolationKind::Balance && v.subject == item && v.period == Some(t + 1)
            });
            prop_assert!(caught, "{}", report.to_text());
        }
    }
}

// -------------------------------------------------------------------------------------------
// Version 2 of the spec: routes, suppliers, families, unmet demand.

mod version_2 {
    use super::*;
    use flexplan::input::{Family, LotTerms, Route, Source, Supplier};

    /// Weekly buckets from Monday 2026-01-05, 3 periods.
    ///
    /// - TEE (make): unit 2, backlog 1, unmet 10, lead time 0, order cost 0; 1 BLANK per unit.
    ///   Three routes (routings.csv rows in this order):
    ///   - DTG on PRINT: 0.25 per unit, setup 1, setup cost 4, family INK; the item's values
    ///     (lead time 0, unit 2);
    ///   - SCREEN on SCREEN: 0.05 per unit, setup 2, setup cost 6; routes.csv: unit 1.5, lead
    ///     time 1, min_lot 40;
    ///   - PARTNER on the partner factory PARTNER: 1 per unit; routes.csv: unit 3, lead time 2,
    ///     order cost 5.
    /// - HOODIE (make or buy): unit 4, lead time 1, no backlog allowed; 1 BLANK per unit. Its
    ///   one routing row names no route (its unnamed route): PRINT, 0.25 per unit, setup 0.5,
    ///   setup cost 2, family INK. Bought from MILL-B at 9 with lead time 0.
    /// - BLANK (buy): unit 1.2, holding 0.1, lead time 2, 100 on hand, min_lot 20, order cost
    ///   3. Bought from MILL-A (unit 1, lead time 0; the item's min_lot and order cost) and
    ///   MILL-B (unit 0.8, lead time 1, min_lot 0, lot_multiple 10, order cost 0, at most 50
    ///   per period).
    /// - Suppliers: MILL-A (no joint cost), MILL-B (joint order cost 7).
    /// - Family INK on PRINT: setup time 1.5, setup cost 9.
    /// - PRINT: capacity 12, up to 5 overtime at 3; SCREEN: 10; PARTNER: 60.
    /// - Orders: TEE O1 30 (period 1), O2 50 (period 2), O3 70 (period 3); HOODIE H1 20
    ///   (period 2).
    pub(super) fn input() -> PlanInput {
        let tee =
            Item { unit_cost: 2.0, backlog_cost: Some(1.0), unmet_cost: 10.0, ..Item::new("TEE", ItemKind::Make) };
        let hoodie = Item { unit_cost: 4.0, lead_time: 1, ..Item::new("HOODIE", ItemKind::Make) };
        let blank = Item {
            unit_cost: 1.2,
            holding_cost: 0.1,
            lead_time: 2,
            initial_inventory: 100.0,
            min_lot: 20.0,
            order_cost: 3.0,
            ..Item::new("BLANK", ItemKind::Buy)
        };
        let resource = |id: &str, capacity: f64, overtime_max: f64, overtime_cost: f64| Resource {
            id: id.to_string(),
            capacity: vec![capacity; 3],
            overtime_max,
            overtime_cost,
        };
        let on_route = |route, resource, unit_time, setup_time, setup_cost| Routing {
            route: Some(route),
            ..Routing::new(0, resource, unit_time, setup_time, setup_cost)
        };
        let order = |id: &str, item, quantity, due: &str| Order {
            id: id.to_string(),
            item,
            quantity,
            due_date: date(due),
            market: None,
            options: None,
        };
        PlanInput {
            items: vec![tee, hoodie, blank],
            bom: vec![
                BomEdge { parent: 0, component: 2, quantity: 1.0 },
                BomEdge { parent: 1, component: 2, quantity: 1.0 },
            ],
            resources: vec![
                resource("PRINT", 12.0, 5.0, 3.0),
                resource("SCREEN", 10.0, 0.0, 0.0),
                resource("PARTNER", 60.0, 0.0, 0.0),
            ],
            routings: vec![
                Routing { family: Some(0), ..on_route(0, 0, 0.25, 1.0, 4.0) },
                on_route(1, 1, 0.05, 2.0, 6.0),
                on_route(2, 2, 1.0, 0.0, 0.0),
                Routing { family: Some(0), ..Routing::new(1, 0, 0.25, 0.5, 2.0) },
            ],
            routes: vec![
                Route { item: 0, id: "DTG".to_string(), terms: LotTerms::default() },
                Route {
                    item: 0,
                    id: "SCREEN".to_string(),
                    terms: LotTerms {
                        unit_cost: Some(1.5),
                        lead_time: Some(1),
                        min_lot: Some(40.0),
                        ..LotTerms::default()
                    },
                },
                Route {
                    item: 0,
                    id: "PARTNER".to_string(),
                    terms: LotTerms {
                        unit_cost: Some(3.0),
                        lead_time: Some(2),
                        order_cost: Some(5.0),
                        ..LotTerms::default()
                    },
                },
            ],
            sources: vec![
                Source {
                    item: 2,
                    supplier: 0,
                    terms: LotTerms { unit_cost: Some(1.0), lead_time: Some(0), ..LotTerms::default() },
                    max_per_period: None,
                },
                Source {
                    item: 2,
                    supplier: 1,
                    terms: LotTerms {
                        unit_cost: Some(0.8),
                        lead_time: Some(1),
                        min_lot: Some(0.0),
                        lot_multiple: Some(10.0),
                        order_cost: Some(0.0),
                        ..LotTerms::default()
                    },
                    max_per_period: Some(50.0),
                },
                Source {
                    item: 1,
                    supplier: 1,
                    terms: LotTerms { unit_cost: Some(9.0), lead_time: Some(0), ..LotTerms::default() },
                    max_per_period: None,
                },
            ],
            suppliers: vec![
                Supplier { id: "MILL-A".to_string(), order_cost: 0.0 },
                Supplier { id: "MILL-B".to_string(), order_cost: 7.0 },
            ],
            families: vec![Family { id: "INK".to_string(), resource: 0, setup_time: 1.5, setup_cost: 9.0 }],
            orders: vec![
                order("O1", 0, 30.0, "2026-01-07"),
                order("O2", 0, 50.0, "2026-01-14"),
                order("O3", 0, 70.0, "2026-01-21"),
                order("H1", 1, 20.0, "2026-01-16"),
            ],
            ..PlanInput::new(Horizon { start: date("2026-01-05"), bucket: Bucket::Week, periods: 3 })
        }
    }

    /// A feasible plan for [`input`], worked out by hand (periods 1-based).
    ///
    /// Lots: TEE on DTG 30 in period 1 (arrives 1) and 10 in period 3 (arrives 3), on SCREEN
    /// 50 in period 1 (arrives 2), on PARTNER 55 in period 1 (arrives 3); HOODIE made 12 in
    /// period 1 (arrives 2) and bought 8 from MILL-B in period 2 (arrives 2); BLANK 57 from
    /// MILL-A in period 1 (arrives 1) and 10 from MILL-B in period 2 (arrives 3).
    ///
    /// Balances (I = I_prev + arriving - used - shipped; B = B_prev + D - F):
    /// - TEE: t1 0 + 30 - 30 = 0; t2 0 + 50 - 50 = 0; t3 0 + (55 + 10) - 65 = 0, B = 70 - 65 = 5.
    /// - HOODIE: t1 0; t2 0 + (12 + 8) - 20 = 0; t3 0.
    /// - BLANK: t1 100 + 57 - (30 + 50 + 55 made TEE + 12 made HOODIE = 147) = 10; t2 10 + 0 -
    ///   0 = 10 (the bought HOODIE lot consumes nothing); t3 10 + 10 - 10 (TEE on DTG) = 10.
    ///
    /// Resources (run; routing setups + family setups):
    /// - PRINT t1: 0.25*30 + 0.25*12 = 10.5; 1 + 0.5 + INK 1.5 once = 3; load 13.5 over 12:
    ///   overtime 1.5, utilization 1.125. t3: 0.25*10 = 2.5; 1 + 1.5 = 2.5; utilization 5/12.
    /// - SCREEN t1: 0.05*50 = 2.5; 2; utilization 0.45. PARTNER t1: 55; utilization 55/60.
    ///
    /// Costs:
    /// - unit: TEE 2*(30 + 10) + 1.5*50 + 3*55 = 320; HOODIE 4*12 + 9*8 = 120; BLANK 1*57 +
    ///   0.8*10 = 65; total 505.
    /// - holding: BLANK 0.1*(10 + 10 + 10) = 3. backlog: TEE 1*5 = 5. safety stock 0.
    /// - ordering: PARTNER's 5 + BLANK from MILL-A at the item's 3 = 8 (MILL-B's is 0).
    /// - setup: DTG 4 per lot * 2 + SCREEN 6 + HOODIE's 2 = 16. overtime: 3*1.5 = 4.5.
    /// - family_setup: INK runs in periods 1 and 3: 9*2 = 18.
    /// - joint_order: MILL-B in period 2 only (BLANK and HOODIE together): 7.
    /// - unmet: TEE 10 * its backlog 5 at the end of period 3 = 50.
    /// - total 505 + 3 + 5 + 8 + 16 + 4.5 + 18 + 7 + 50 = 616.5.
    ///
    /// Promises: TEE ships [30, 50, 65]: O1 and O2 on time, O3 not served; HOODIE ships 20 in
    /// period 2: H1 on time. Fill rate 165/170; on-time rate 3/4.
    pub(super) fn correct() -> PlanFiles {
        PlanFiles {
            lots: "item,kind,route,supplier,period,start_date,available_period,quantity\n\
                   TEE,make,DTG,,1,2026-01-05,1,30\n\
                   TEE,make,SCREEN,,1,2026-01-05,2,50\n\
                   TEE,make,PARTNER,,1,2026-01-05,3,55\n\
                   TEE,make,DTG,,3,2026-01-19,3,10\n\
                   HOODIE,make,,,1,2026-01-05,2,12\n\
                   HOODIE,buy,,MILL-B,2,2026-01-12,2,8\n\
                   BLANK,buy,,MILL-A,1,2026-01-05,1,57\n\
                   BLANK,buy,,MILL-B,2,2026-01-12,3,10\n"
                .to_string(),
            inventory: "item,period,demand,shipped,inventory,backlog,safety_shortfall\n\
                        TEE,1,30,30,0,0,0\n\
                        TEE,2,50,50,0,0,0\n\
                        TEE,3,70,65,0,5,0\n\
                        HOODIE,1,0,0,0,0,0\n\
                        HOODIE,2,20,20,0,0,0\n\
                        HOODIE,3,0,0,0,0,0\n\
                        BLANK,1,0,0,10,0,0\n\
                        BLANK,2,0,0,10,0,0\n\
                        BLANK,3,0,0,10,0,0\n"
                .to_string(),
            resources: "resource,period,capacity,run_time,setup_time,overtime,utilization\n\
                        PRINT,1,12,10.5,3,1.5,1.125\n\
                        PRINT,2,12,0,0,0,0\n\
                        PRINT,3,12,2.5,2.5,0,0.416667\n\
                        SCREEN,1,10,2.5,2,0,0.45\n\
                        SCREEN,2,10,0,0,0,0\n\
                        SCREEN,3,10,0,0,0,0\n\
                        PARTNER,1,60,55,0,0,0.916667\n\
                        PARTNER,2,60,0,0,0,0\n\
                        PARTNER,3,60,0,0,0,0\n"
                .to_string(),
            promises: "order_id,item,quantity,due_period,promised_period,periods_late\n\
                       O1,TEE,30,1,1,0\n\
                       O2,TEE,50,2,2,0\n\
                       O3,TEE,70,3,,\n\
                       H1,HOODIE,20,2,2,0\n"
                .to_string(),
            summary: summary(&hand_costs()),
        }
    }

    /// The costs worked out in [`correct`].
    fn hand_costs() -> CostBreakdown {
        CostBreakdown {
            unit: 505.0,
            holding: 3.0,
            backlog: 5.0,
            safety_stock: 0.0,
            ordering: 8.0,
            setup: 16.0,
            overtime: 4.5,
            family_setup: 18.0,
            joint_order: 7.0,
            unmet: 50.0,
            change: 0.0,
            new_lot: 0.0,
        }
    }

    /// `summary.json` claiming `costs` and their total.
    fn summary(costs: &CostBreakdown) -> String {
        let summary = serde_json::json!({
            "status": "optimal",
            "objective": costs.total(),
            "costs": costs,
            "fill_rate": 165.0 / 170.0,
            "on_time_rate": 0.75,
        });
        summary.to_string()
    }

    #[test]
    fn the_correct_version_2_plan_passes_with_hand_computed_costs() {
        let report = check(&input(), &correct());
        assert_eq!(found(&report), vec![], "{}", report.to_text());
        assert_eq!(report.costs, hand_costs());
        assert_eq!(report.objective, 616.5);
        assert_eq!(report.reported_objective, Some(616.5));
        assert_eq!(report.fill_rate, 165.0 / 170.0);
        assert_eq!(report.on_time_rate, 0.75);
    }

    use crate::common::{at, located};

    fn message(report: &ValidationReport, kind: ViolationKind) -> String {
        report.violations.iter().find(|v| v.kind == kind).map(|v| v.message.clone()).unwrap_or_default()
    }

    #[test]
    fn a_lot_on_a_route_the_item_does_not_have_is_reported_and_counts_nowhere() {
        let mut files = correct();
        files.lots = replace_once(&files.lots, "TEE,make,DTG,,3,", "TEE,make,DTG2,,3,");
        let report = check(&input(), &files);
        // The lot's lead time, consumption, load and costs are unknown: TEE lacks its 10 in
        // period 3, BLANK keeps the 10 it fed it, PRINT's run and setups (DTG's and the INK
        // family's) are not accounted for, and neither are its unit, setup and family costs.
        assert_eq!(
            located(&report),
            vec![
                at(ViolationKind::UnknownRoute, "TEE", Some("DTG2"), None, Some(3)),
                at(ViolationKind::Balance, "TEE", None, None, Some(3)),
                at(ViolationKind::Balance, "BLANK", None, None, Some(3)),
                at(ViolationKind::RunTime, "PRINT", None, None, Some(3)),
                at(ViolationKind::SetupTime, "PRINT", None, None, Some(3)),
                at(ViolationKind::Cost, "unit", None, None, None),
                at(ViolationKind::Cost, "setup", None, None, None),
                at(ViolationKind::Cost, "family_setup", None, None, None),
                at(ViolationKind::Objective, "objective", None, None, None),
            ]
        );
        assert_eq!(
            report.violations[0].message,
            "TEE route DTG2 period 3: route \"DTG2\" is not a route of TEE in routings.csv (its routes: DTG, SCREEN, PARTNER)"
        );
        assert_eq!((report.costs.unit, report.costs.setup, report.costs.family_setup), (485.0, 12.0, 9.0));
        // A route of another item is no route of this one.
        let mut files = correct();
        files.lots = replace_once(&files.lots, "HOODIE,make,,,1,", "HOODIE,make,SCREEN,,1,");
        let report = check(&input(), &files);
        assert_eq!(
            message(&report, ViolationKind::UnknownRoute),
            "HOODIE route SCREEN period 1: route \"SCREEN\" is not a route of HOODIE in routings.csv (the routing rows \
             of HOODIE name no route: leave route empty for its one route)"
        );
    }

    #[test]
    fn a_lot_from_a_supplier_that_does_not_supply_the_item_is_reported() {
        let mut files = correct();
        files.lots = replace_once(&files.lots, "HOODIE,buy,,MILL-B,", "HOODIE,buy,,MILL-A,");
        let report = check(&input(), &files);
        // HOODIE's 8 never arrive; MILL-B still has BLANK's lot in period 2 (joint cost kept).
        assert_eq!(
            located(&report),
            vec![
                at(ViolationKind::UnknownSupplier, "HOODIE", None, Some("MILL-A"), Some(2)),
                at(ViolationKind::Balance, "HOODIE", None, None, Some(2)),
                at(ViolationKind::Cost, "unit", None, None, None),
                at(ViolationKind::Objective, "objective", None, None, None),
            ]
        );
        assert_eq!(
            report.violations[0].message,
            "HOODIE supplier MILL-A period 2: supplier \"MILL-A\" does not supply HOODIE in sources.csv (its suppliers: MILL-B)"
        );
        assert_eq!((report.costs.unit, report.costs.joint_order), (433.0, 7.0));
    }

    #[test]
    fn a_kind_that_does_not_fit_the_way_is_reported() {
        let mut files = correct();
        files.lots = replace_once(&files.lots, "HOODIE,buy,,MILL-B,", "HOODIE,make,,MILL-B,");
        files.lots = replace_once(&files.lots, "TEE,make,SCREEN,", "TEE,buy,SCREEN,");
        let report = check(&input(), &files);
        // The named way decides: the lots still count as bought and made.
        assert_eq!(
            located(&report),
            vec![
                at(ViolationKind::KindMismatch, "TEE", Some("SCREEN"), None, Some(1)),
                at(ViolationKind::KindMismatch, "HOODIE", None, Some("MILL-B"), Some(2)),
            ]
        );
        assert_eq!(
            report.violations[0].message,
            "TEE route SCREEN period 1: lot kind \"buy\" but a lot on route SCREEN is made (\"make\")"
        );
        assert_eq!(
            report.violations[1].message,
            "HOODIE supplier MILL-B period 2: lot kind \"make\" but a lot from supplier MILL-B is bought (\"buy\")"
        );
    }

    #[test]
    fn a_lot_from_no_supplier_of_an_item_with_sources_is_reported() {
        let mut files = correct();
        files.lots = replace_once(&files.lots, "BLANK,buy,,MILL-A,", "BLANK,buy,,,");
        let report = check(&input(), &files);
        assert_eq!(
            located(&report),
            vec![
                at(ViolationKind::UnnamedSupplier, "BLANK", None, None, Some(1)),
                at(ViolationKind::Balance, "BLANK", None, None, Some(1)),
                at(ViolationKind::Cost, "unit", None, None, None),
                at(ViolationKind::Cost, "ordering", None, None, None),
                at(ViolationKind::Objective, "objective", None, None, None),
            ]
        );
        assert_eq!(
            report.violations[0].message,
            "BLANK period 1: a bought lot names no supplier, but BLANK is bought only from its suppliers in \
             sources.csv (MILL-A, MILL-B)"
        );
        // A make-or-buy item is not bought from no supplier either.
        let mut files = correct();
        files.lots = replace_once(&files.lots, "HOODIE,buy,,MILL-B,", "HOODIE,buy,,,");
        let report = check(&input(), &files);
        assert_eq!(found(&report)[0], expect(ViolationKind::UnnamedSupplier, "HOODIE", Some(2)));
        // Nor is a buy item with sources made.
        let mut files = correct();
        files.lots = replace_once(&files.lots, "BLANK,buy,,MILL-A,", "BLANK,make,,,");
        let report = check(&input(), &files);
        assert_eq!(
            report.violations[0].message,
            "BLANK period 1: a lot of kind \"make\" names no route or supplier, but BLANK is a buy item, bought \
             only from its suppliers in sources.csv (MILL-A, MILL-B)"
        );
    }

    #[test]
    fn a_made_lot_without_a_route_or_with_a_route_and_a_supplier_is_reported() {
        let mut files = correct();
        files.lots = replace_once(&files.lots, "TEE,make,DTG,,3,", "TEE,make,,,3,");
        files.lots = replace_once(&files.lots, "TEE,make,SCREEN,,1,", "TEE,make,SCREEN,MILL-A,1,");
        let report = check(&input(), &files);
        let kinds: Vec<ViolationKind> = report.violations.iter().map(|v| v.kind).collect();
        assert_eq!(kinds[..2], [ViolationKind::RouteAndSupplier, ViolationKind::UnnamedRoute]);
        assert_eq!(
            report.violations[1].message,
            "TEE period 3: a made lot names no route, but the routes of TEE in routings.csv are named (DTG, SCREEN, PARTNER)"
        );
    }

    #[test]
    fn the_min_lot_of_each_way_applies_to_its_lots() {
        let mut input = input();
        // TEE's own min_lot holds on DTG (no routes.csv value): its lot of 10 in period 3 is
        // below. SCREEN's 40 replaces it (its lot of 50 passes until SCREEN asks for 60), and
        // PARTNER's lot of 55 passes.
        input.items[0].min_lot = 20.0;
        let report = check(&input, &correct());
        assert_eq!(located(&report), vec![at(ViolationKind::MinLot, "TEE", Some("DTG"), None, Some(3))]);
        assert_eq!(report.violations[0].message, "TEE route DTG period 3: lot of 10 is below min_lot 20");
        input.routes[1].terms.min_lot = Some(60.0);
        let report = check(&input, &correct());
        assert_eq!(
            located(&report),
            vec![
                at(ViolationKind::MinLot, "TEE", Some("DTG"), None, Some(3)),
                at(ViolationKind::MinLot, "TEE", Some("SCREEN"), None, Some(1)),
            ]
        );
        // BLANK's min_lot (20) holds from MILL-A, not from MILL-B (0): its lot of 10 passes.
        assert!(report.violations.iter().all(|v| v.subject != "BLANK"), "{}", report.to_text());
    }

    #[test]
    fn the_max_lot_of_each_way_applies_to_its_lots() {
        let mut input = input();
        input.sources[0].terms.max_lot = Some(50.0); // MILL-A's lot of BLANK is 57
        let report = check(&input, &correct());
        assert_eq!(located(&report), vec![at(ViolationKind::MaxLot, "BLANK", None, Some("MILL-A"), Some(1))]);
        assert_eq!(report.violations[0].amount, 7.0);
        // The item's max_lot holds where a way sets none: MILL-B sets none (its lot is 10).
        input.items[2].max_lot = Some(9.0);
        let report = check(&input, &correct());
        assert_eq!(
            located(&report),
            vec![
                at(ViolationKind::MaxLot, "BLANK", None, Some("MILL-A"), Some(1)),
                at(ViolationKind::MaxLot, "BLANK", None, Some("MILL-B"), Some(2)),
            ]
        );
    }

    #[test]
    fn the_lot_multiple_of_each_way_applies_to_its_lots() {
        let mut input = input();
        input.routes[2].terms.lot_multiple = Some(10.0); // PARTNER's lot is 55
        let report = check(&input, &correct());
        assert_eq!(located(&report), vec![at(ViolationKind::LotMultiple, "TEE", Some("PARTNER"), None, Some(1))]);
        assert_eq!(
            report.violations[0].message,
            "TEE route PARTNER period 1: lot of 55 is not a multiple of lot_multiple 10 (5.5 lots of it)"
        );
    }

    #[test]
    fn a_lot_above_the_suppliers_max_per_period_is_reported() {
        let mut input = input();
        input.sources[1].max_per_period = Some(8.0); // MILL-B's lot of BLANK is 10
        let report = check(&input, &correct());
        assert_eq!(located(&report), vec![at(ViolationKind::MaxPerPeriod, "BLANK", None, Some("MILL-B"), Some(2))]);
        assert_eq!(report.violations[0].amount, 2.0);
        assert_eq!(
            report.violations[0].message,
            "BLANK supplier MILL-B period 2: lot of 10 is above the supplier's max_per_period 8 for the item"
        );
        let json = serde_json::to_value(&report).expect("the report serializes");
        assert_eq!(json["violations"][0]["kind"], "max_per_period");
        assert_eq!(json["violations"][0]["supplier"], "MILL-B");
        assert!(json["violations"][0].get("route").is_none(), "{json}");
    }

    #[test]
    fn each_way_has_its_own_lead_time() {
        // SCREEN's lot arrives after SCREEN's lead time (1), not the item's (0).
        let mut files = correct();
        files.lots =
            replace_once(&files.lots, "TEE,make,SCREEN,,1,2026-01-05,2,50", "TEE,make,SCREEN,,1,2026-01-05,1,50");
        let report = check(&input(), &files);
        assert_eq!(located(&report), vec![at(ViolationKind::AvailablePeriod, "TEE", Some("SCREEN"), None, Some(1))]);
        assert_eq!(
            report.violations[0].message,
            "TEE route SCREEN period 1: available_period 1 but period 1 + lead time 1 = 2"
        );
        // A lot on PARTNER (lead time 2) in period 2 would arrive after the 3-period horizon,
        // though the item's own lead time (0) would allow it.
        let mut files = correct();
        files.lots.push_str("TEE,make,PARTNER,,2,2026-01-12,4,10\n");
        let report = check(&input(), &files);
        assert_eq!(
            located(&report),
            vec![
                at(ViolationKind::LotAfterHorizon, "TEE", Some("PARTNER"), None, Some(2)),
                at(ViolationKind::Balance, "BLANK", None, None, Some(2)),
                at(ViolationKind::RunTime, "PARTNER", None, None, Some(2)),
                at(ViolationKind::Cost, "unit", None, None, None),
                at(ViolationKind::Cost, "ordering", None, None, None),
                at(ViolationKind::Objective, "objective", None, None, None),
            ]
        );
        // Stock receives each way's lots after that way's lead time: TEE's inventory and
        // shipments written as if SCREEN's lot arrived in period 1 break the balance twice.
        let mut files = correct();
        files.inventory = replace_once(&files.inventory, "TEE,1,30,30,0,0,0", "TEE,1,30,30,50,0,0");
        let report = check(&input(), &files);
        let balance: Vec<_> = located(&report).into_iter().filter(|v| v.0 == ViolationKind::Balance).collect();
        assert_eq!(
            balance,
            vec![
                at(ViolationKind::Balance, "TEE", None, None, Some(1)),
                at(ViolationKind::Balance, "TEE", None, None, Some(2))
            ]
        );
    }

    #[test]
    fn a_bought_lot_consumes_no_components() {
        // A planner that counted HOODIE's bought lot (8 in period 2) as consuming 8 BLANK
        // writes BLANK 10, 2, 2 (and holding 1.4 instead of 3). Every lot of a parent
        // consuming would make this plan pass; only made lots consume, so its period 2 does not
        // balance (period 3 balances on the reported period 2).
        let mut files = correct();
        files.inventory = replace_once(&files.inventory, "BLANK,2,0,0,10,0,0", "BLANK,2,0,0,2,0,0");
        files.inventory = replace_once(&files.inventory, "BLANK,3,0,0,10,0,0", "BLANK,3,0,0,2,0,0");
        let costs = CostBreakdown { holding: 0.1 * 10.0 + 0.1 * 2.0 + 0.1 * 2.0, ..hand_costs() };
        files.summary = summary(&costs);
        let report = check(&input(), &files);
        assert_eq!(located(&report), vec![at(ViolationKind::Balance, "BLANK", None, None, Some(2))]);
        assert_eq!(
            report.violations[0].message,
            "BLANK period 2: inventory balance off by -8 (reported 2, expected 10 = 10 on hand + 0 arriving - 0 used - 0 shipped)"
        );
    }

    #[test]
    fn a_family_setup_missing_from_setup_time_is_reported() {
        // A planner that left out INK's setup in period 1 writes PRINT's setup time 1.5 (DTG's
        // 1 and HOODIE's 0.5), a load of 12 and so no overtime (and no overtime cost).
        let mut files = correct();
        files.resources = replace_once(&files.resources, "PRINT,1,12,10.5,3,1.5,1.125", "PRINT,1,12,10.5,1.5,0,1");
        files.summary = summary(&CostBreakdown { overtime: 0.0, ..hand_costs() });
        let report = check(&input(), &files);
        assert_eq!(
            located(&report),
            vec![
                at(ViolationKind::SetupTime, "PRINT", None, None, Some(1)),
                at(ViolationKind::Overtime, "PRINT", None, None, Some(1))
            ]
        );
        assert_eq!(
            report.violations[0].message,
            "PRINT period 1: setup_time 1.5 but the sum of setup_time per lot and of the family setups is 3 (family \
             setups: INK 1.5)"
        );
        assert_eq!(
            report.violations[1].message,
            "PRINT period 1: overtime 0 but the load 13.5 over capacity 12 needs 1.5"
        );
    }

    #[test]
    fn a_wrong_joint_order_cost_is_reported() {
        // MILL-B's joint cost charged per lot (two in period 2), not once per period.
        let mut files = correct();
        files.summary = summary(&CostBreakdown { joint_order: 14.0, ..hand_costs() });
        let report = check(&input(), &files);
        assert_eq!(
            found(&report),
            vec![expect(ViolationKind::Cost, "joint_order", None), expect(ViolationKind::Objective, "objective", None)]
        );
        assert_eq!(
            report.violations[0].message,
            "joint_order: summary.json says 14 but the plan's cost recomputes to 7 (difference 7)"
        );
    }

    /// `summary.json` of [`correct`] with a `suppliers` list.
    fn summary_with_suppliers(suppliers: serde_json::Value) -> String {
        let mut summary: serde_json::Value = serde_json::from_str(&summary(&hand_costs())).expect("JSON");
        summary["suppliers"] = suppliers;
        summary.to_string()
    }

    #[test]
    fn units_and_spend_per_supplier_are_recomputed() {
        // MILL-A: BLANK 57 at 1 + the item's order cost 3 = 60. MILL-B: HOODIE 8 at 9 and BLANK
        // 10 at 0.8 (order costs 0) = 80, plus its joint order cost 7 once (both in period 2).
        let mut files = correct();
        files.summary = summary_with_suppliers(serde_json::json!([
            {"supplier": "MILL-A", "units": 57.0, "lots": 1, "orders": 1, "spend": 60.0},
            {"supplier": "MILL-B", "units": 18.0, "lots": 2, "orders": 1, "spend": 87.0},
        ]));
        let report = check(&input(), &files);
        assert_eq!(found(&report), vec![], "{}", report.to_text());

        // A summary that forgot MILL-B's joint order in its spend, and names a supplier the
        // plan does not have.
        files.summary = summary_with_suppliers(serde_json::json!([
            {"supplier": "MILL-B", "units": 18.0, "spend": 80.0},
            {"supplier": "MILL-C", "units": 0.0, "spend": 0.0},
        ]));
        let report = check(&input(), &files);
        assert_eq!(
            found(&report),
            vec![
                expect(ViolationKind::Cost, "suppliers.MILL-B.spend", None),
                expect(ViolationKind::SummaryField, "suppliers.MILL-C", None)
            ],
            "{}",
            report.to_text()
        );
        assert_eq!(
            report.violations[0].message,
            "suppliers.MILL-B.spend: summary.json says 80 but the plan's spend recomputes to 87 (difference -7)"
        );
    }

    #[test]
    fn a_wrong_unmet_cost_is_reported() {
        // A planner that forgot TEE's 5 units still owed at the end of the horizon.
        let mut files = correct();
        files.summary = summary(&CostBreakdown { unmet: 0.0, ..hand_costs() });
        let report = check(&input(), &files);
        assert_eq!(
            found(&report),
            vec![expect(ViolationKind::Cost, "unmet", None), expect(ViolationKind::Objective, "objective", None)]
        );
        assert_eq!(report.costs.unmet, 50.0);
        // A summary without the version-2 terms is a version-1 planner's: refused here, since
        // they do not recompute to 0.
        let mut files = correct();
        let mut summary: serde_json::Value = serde_json::from_str(&files.summary).expect("json");
        for term in ["family_setup", "joint_order", "unmet"] {
            summary["costs"].as_object_mut().expect("an object").remove(term);
        }
        files.summary = summary.to_string();
        let report = check(&input(), &files);
        assert_eq!(
            found(&report),
            vec![
                expect(ViolationKind::SummaryField, "family_setup", None),
                expect(ViolationKind::SummaryField, "joint_order", None),
                expect(ViolationKind::SummaryField, "unmet", None),
            ]
        );
    }

    /// Plans `input` exactly (gap 0, one thread), writes the plan as `flexplan plan` does and
    /// checks it; the checker's costs must be the planner's, term by term.
    fn plan_and_check(input: &PlanInput, what: &str) -> ValidationReport {
        use flexplan::input::BomGraph;
        use flexplan::output::{write_outcome, TableFormat};
        use flexplan::plan::{plan, SolveOptions};
        let bom = BomGraph::new(input).unwrap_or_else(|e| panic!("{what}: {e}"));
        let options = SolveOptions { mip_gap: 0.0, threads: 1, ..SolveOptions::default() };
        let outcome = plan(input, &bom, &options).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(outcome.status.as_str(), "optimal", "{what}");
        let dir = tempfile::tempdir().expect("a temporary folder");
        let out = dir.path().join("plan");
        let (_, written) =
            write_outcome(input, &outcome, &options, &out, TableFormat::Csv).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(written, "{what}: no plan written");
        let report = validate_plan(input, &out).unwrap_or_else(|e| panic!("{what}: {e}"));
        let lots = std::fs::read_to_string(out.join("lots.csv")).unwrap_or_default();
        assert!(
            report.is_ok(),
            "{what}: the checker refuses the planner's plan:\n{}\nlots.csv:\n{lots}",
            report.to_text()
        );
        let planned = outcome.costs.expect("a written plan has costs");
        for ((name, checked), (_, by_planner)) in report.costs.terms().zip(planned.terms()) {
            let close = (checked - by_planner).abs() <= 1e-6 + 1e-7 * checked.abs().max(by_planner.abs());
            assert!(close, "{what}: {name} {checked} by the checker, {by_planner} by the planner");
        }
        report
    }

    #[test]
    fn the_planners_version_2_plans_pass_the_checker() {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/v2_full_plan");
        let input = flexplan::input::read_plan_dir(&fixture).expect("v2_full_plan is valid");
        let report = plan_and_check(&input, "v2_full_plan");
        // TEE on DTG, HOODIE on DTG: the DTG-INK family runs once; INK from MILL-B (joint cost).
        assert_eq!((report.costs.family_setup, report.costs.joint_order), (15.0, 25.0));

        // Short of printing, screening and partner capacity, with more TEE ordered than can be
        // made and HOODIE due last and dear to leave late: TEE is made on all three routes,
        // HOODIE is bought (make or buy), and TEE's unmet demand is paid for.
        let mut short = input.clone();
        let capacity = |plan: &mut PlanInput, id: &str, capacity: f64, overtime_max: f64| {
            let idx = plan.resource_idx(id).expect("a resource of the fixture");
            plan.resources[idx].capacity = vec![capacity; plan.n_periods()];
            plan.resources[idx].overtime_max = overtime_max;
        };
        capacity(&mut short, "DTG-PRINT", 2.0, 0.0);
        capacity(&mut short, "SCREEN-1", 10.0, 0.0);
        capacity(&mut short, "PARTNER-FACTORY", 100.0, 0.0);
        for order in &mut short.orders {
            match order.id.as_str() {
                "O1" => order.quantity = 300.0,
                "O2" => order.quantity = 400.0,
                _ => order.due_date = date("2026-01-27"),
            }
        }
        let hoodie = short.item_idx("HOODIE").expect("HOODIE");
        short.items[hoodie].backlog_cost = Some(20.0);
        let report = plan_and_check(&short, "v2_full_plan short of capacity");
        assert!(report.costs.unmet > 0.0 && report.costs.family_setup > 15.0, "{}", report.to_text());
    }
}
