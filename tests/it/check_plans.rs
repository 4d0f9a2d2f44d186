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
