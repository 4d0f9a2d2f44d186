//! flexplan: a capacitated multi-level lot-sizing and replenishment planner for small-batch,
//! high-frequency (C2B) production.
//!
//! The pipeline, one folder per stage: a plan directory is read into a validated
//! [`input::PlanInput`] with its BOM graph ([`input`]); [`plan`] buckets the demand, builds the
//! mixed-integer model, warm-starts and solves it with HiGHS, repairs the rounding and explains
//! an infeasible plan; [`output`] writes the plan folder; [`validate`] checks a written plan
//! independently of all of that. [`check`] is what `flexplan check` prints before planning.
//! Around it: [`sweep`], [`forecast`], [`generate`], [`import`] and [`suite`] (benchmarks).
//!
//! # Example
//!
//! A printed tee made from a bought blank (two weeks' lead time), on one press with setups:
//! the planner chooses lot sizes and purchase orders that meet the orders at least cost.
//!
//! ```
//! use flexplan::input::bom::BomGraph;
//! use flexplan::input::*;
//! use flexplan::plan::plan;
//! use flexplan::plan::{SolveOptions, SolveStatus};
//! use chrono::NaiveDate;
//!
//! let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
//! let mut tee = Item::new("TEE-PRINTED", ItemKind::Make);
//! tee.holding_cost = 0.2;
//! tee.backlog_cost = Some(5.0);
//! let mut blank = Item::new("TEE-BLANK", ItemKind::Buy);
//! blank.lead_time = 2;
//! blank.order_cost = 40.0;
//! blank.min_lot = 50.0; // the supplier's MOQ
//! blank.holding_cost = 0.05;
//! blank.initial_inventory = 30.0;
//! let order = |id: &str, qty: f64, week: u64| Order {
//!     id: id.into(),
//!     item: 0,
//!     quantity: qty,
//!     due_date: start + chrono::Days::new(7 * week),
//!     market: Some("DE".into()),
//!     options: None,
//! };
//! let input = PlanInput {
//!     items: vec![tee, blank],
//!     bom: vec![BomEdge { parent: 0, component: 1, quantity: 1.0 }],
//!     resources: vec![Resource { id: "PRESS".into(), capacity: vec![40.0; 6], overtime_max: 0.0, overtime_cost: 0.0 }],
//!     routings: vec![Routing::new(0, 0, 1.0, 2.0, 15.0)],
//!     orders: vec![order("A-1", 12.0, 0), order("A-2", 20.0, 1), order("A-3", 35.0, 3), order("A-4", 8.0, 5)],
//!     ..PlanInput::new(Horizon { start, bucket: Bucket::Week, periods: 6 })
//! };
//! let bom = BomGraph::new(&input)?;
//! let outcome = plan(&input, &bom, &SolveOptions::default())?;
//! assert_eq!(outcome.status, SolveStatus::Optimal);
//! let solution = outcome.solution.unwrap();
//! // 75 tees are ordered in all and every one is shipped within the horizon.
//! assert_eq!(solution.shipped.row(0).iter().sum::<f64>(), 75.0);
//! println!("cost {:.2}, gap {:?}", outcome.costs.unwrap().total(), outcome.gap);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![warn(unreachable_pub)]

pub mod check;
pub mod costs;
pub mod error;
pub mod files;
pub mod forecast;
pub(crate) mod format;
pub mod generate;
pub mod grid;
pub mod import;
pub mod input;
pub mod output;
pub mod plan;
pub mod report;
pub mod suite;
pub mod sweep;
pub mod validate;

pub use error::{Diagnostic, Error, ErrorKind, InputError, Result};
pub use input::PlanInput;

/// The planner's parts beneath [`plan::plan`] (the model builder, the warm start, the rounding
/// repair, the table reader, the rounding rule), reachable for flexplan's own integration
/// tests and benches. Not a stable API: use [`plan`], [`output`] and [`validate`].
#[doc(hidden)]
pub mod internals {
    pub use crate::format::{snap, thousands};
    pub use crate::input::table::Table;
    pub use crate::plan::construct::{construct_plan, start_values};
    pub use crate::plan::model::{build_model, setup_big_m, ModelVariant};
    pub use crate::plan::repair::complete_solution;
}

#[cfg(test)]
mod layout {
    //! The folder layout is the pipeline: these tests read the sources and keep the module
    //! graph free of cycles and the checker free of the planner's code.

    use std::collections::{BTreeMap, BTreeSet};
    use std::path::{Path, PathBuf};

    /// The module a source file defines: `src/plan/construct/improve.rs` -> `plan::construct`
    /// (a folder's children count as the folder below the stage), `src/plan/mod.rs` -> `plan`,
    /// `src/validate/stock.rs` -> `validate::stock`.
    fn module_of(file: &Path, src: &Path) -> String {
        let rel = file.strip_prefix(src).expect("under src");
        let mut parts: Vec<String> =
            rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
        if parts.last().is_some_and(|p| p == "mod") {
            parts.pop();
        }
        parts.truncate(2);
        parts.join("::")
    }

    /// The modules a file's code (not its comments) names with `crate::`, at the same depth.
    /// A grouped import names each of its paths, also when rustfmt spreads it over lines:
    /// `use crate::{input::bom::BomGraph, plan};` names `input::bom` and `plan`.
    fn uses(text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
        let code: Vec<&str> = text.lines().map(|line| line.split("//").next().unwrap_or("")).collect();
        let code = code.join(" ");
        let mut found = BTreeSet::new();
        for (at, _) in code.match_indices("crate::") {
            for path in use_tree(&mut code[at + 7..].chars().peekable()) {
                let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
                // The longest known module the path starts with.
                for depth in (1..=segments.len().min(2)).rev() {
                    let candidate = segments[..depth].join("::");
                    if known.contains(&candidate) {
                        found.insert(candidate);
                        break;
                    }
                }
            }
        }
        found
    }

    /// The paths of the path or `use` tree the text starts with: `a::b(x)` -> `a::b`,
    /// `a::{b::c, d as e, f::{g}}` -> `a::b::c`, `a::d`, `a::f::g`.
    fn use_tree(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Vec<String> {
        let mut prefix = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_alphanumeric() || c == '_' || c == ':' {
                prefix.push(c);
            } else if !(c.is_whitespace() && prefix.is_empty()) {
                break;
            }
            chars.next();
        }
        if !(prefix.is_empty() || prefix.ends_with("::")) || chars.peek() != Some(&'{') {
            return vec![prefix];
        }
        chars.next();
        let mut paths = Vec::new();
        loop {
            // A trailing comma (rustfmt's, in a group spread over lines) ends the group.
            while chars.peek().is_some_and(|c| c.is_whitespace()) {
                chars.next();
            }
            if chars.peek() == Some(&'}') {
                chars.next();
                return paths;
            }
            paths.extend(use_tree(chars).into_iter().map(|path| format!("{prefix}{path}")));
            // Skip a rename (`as e`) up to the next path or the end of the group.
            match chars.find(|c| *c == ',' || *c == '}') {
                Some(',') => continue,
                _ => return paths,
            }
        }
    }

    fn sources() -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("read src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
        out.sort();
        out
    }

    /// Module -> the modules it uses (a module does not depend on itself).
    fn graph() -> BTreeMap<String, BTreeSet<String>> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        // The binary (main.rs and the cli/ folder) is not part of the library's graph.
        let files: Vec<(String, String)> = sources()
            .into_iter()
            .filter(|f| !matches!(f.file_name().and_then(|n| n.to_str()), Some("lib.rs" | "main.rs")))
            .filter(|f| !f.strip_prefix(&src).is_ok_and(|rel| rel.starts_with("cli")))
            .map(|f| (module_of(&f, &src), std::fs::read_to_string(&f).expect("read source")))
            .collect();
        let known: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (module, text) in &files {
            let entry = graph.entry(module.clone()).or_default();
            for used in uses(text, &known) {
                if &used != module {
                    entry.insert(used);
                }
            }
        }
        graph
    }

    #[test]
    fn the_module_graph_has_no_cycle() {
        let graph = graph();
        // Depth-first search; a back edge is a cycle, reported as its path.
        fn visit(
            node: &str,
            graph: &BTreeMap<String, BTreeSet<String>>,
            state: &mut BTreeMap<String, u8>,
            path: &mut Vec<String>,
        ) -> Option<Vec<String>> {
            state.insert(node.to_string(), 1);
            path.push(node.to_string());
            for next in graph.get(node).into_iter().flatten() {
                match state.get(next.as_str()).copied().unwrap_or(0) {
                    1 => {
                        let from = path.iter().position(|p| p == next).unwrap_or(0);
                        let mut cycle = path[from..].to_vec();
                        cycle.push(next.clone());
                        return Some(cycle);
                    }
                    0 => {
                        if let Some(cycle) = visit(next, graph, state, path) {
                            return Some(cycle);
                        }
                    }
                    _ => {}
                }
            }
            path.pop();
            state.insert(node.to_string(), 2);
            None
        }
        let mut state = BTreeMap::new();
        for node in graph.keys() {
            if state.get(node.as_str()).copied().unwrap_or(0) == 0 {
                let cycle = visit(node, &graph, &mut state, &mut Vec::new());
                assert!(cycle.is_none(), "import cycle: {}", cycle.unwrap_or_default().join(" -> "));
            }
        }
    }

    /// The checker is `validate` and the modules of its folder (`validate::files`, ...).
    fn is_checker(module: &str) -> bool {
        module == "validate" || module.starts_with("validate::")
    }

    /// What of `input` the checker may not use: the planner's derivation of the options
    /// (`input::options`, re-exported as `input::{Options, SupplyOption, Way}`). The checker
    /// derives each item's routes and suppliers from the spec's words itself.
    const PLANNERS_OPTIONS: [&str; 4] = ["input::options", "input::Options", "input::SupplyOption", "input::Way"];

    /// The uses of the planner's options in a file's code (not its comments): a `crate::` path
    /// or a grouped import naming one of [`PLANNERS_OPTIONS`], a glob import of `input` (which
    /// would bring them in), or the names `Options` and `SupplyOption` however reached.
    fn planners_options_used(text: &str) -> Vec<String> {
        let code: Vec<&str> = text.lines().map(|line| line.split("//").next().unwrap_or("")).collect();
        let code = code.join(" ");
        let mut found = Vec::new();
        for (at, _) in code.match_indices("crate::") {
            for path in use_tree(&mut code[at + 7..].chars().peekable()) {
                let path = path.replace(' ', "");
                let named = PLANNERS_OPTIONS.iter().any(|p| path == *p || path.starts_with(&format!("{p}::")));
                // A glob (`input::*`) ends the path before its `*`.
                if named || path == "input::" || path.is_empty() {
                    found.push(format!("crate::{path}"));
                }
            }
        }
        for word in code.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
            if matches!(word, "Options" | "SupplyOption") {
                found.push(word.to_string());
            }
        }
        found
    }

    #[test]
    fn the_checker_uses_only_the_input_types() {
        let graph = graph();
        // `input` means its types; `input::options` is a module of its own (not allowed), and its
        // re-exports at `input::` are refused below.
        let allowed: BTreeSet<String> =
            ["costs", "error", "input", "format", "grid"].iter().map(|s| s.to_string()).collect();
        let checker: Vec<(&String, &BTreeSet<String>)> = graph.iter().filter(|(m, _)| is_checker(m)).collect();
        // Guards the reader: the checker is a folder, and every file of it is a node.
        for module in ["validate", "validate::files", "validate::stock", "validate::costs"] {
            assert!(checker.iter().any(|(m, _)| m.as_str() == module), "no node {module}: {graph:?}");
        }
        let broken: Vec<String> = checker
            .iter()
            .filter_map(|(module, used)| {
                let outside: Vec<&String> = used.iter().filter(|u| !allowed.contains(*u) && !is_checker(u)).collect();
                (!outside.is_empty()).then(|| format!("{module} uses {outside:?}"))
            })
            .collect();
        assert!(broken.is_empty(), "{}; the checker may use only {allowed:?} and its own modules", broken.join("; "));
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let checker_files: Vec<PathBuf> = sources().into_iter().filter(|f| is_checker(&module_of(f, &src))).collect();
        assert!(checker_files.len() >= 8, "{checker_files:?}");
        let options_used: Vec<String> = checker_files
            .iter()
            .filter_map(|file| {
                let used = planners_options_used(&std::fs::read_to_string(file).expect("read source"));
                (!used.is_empty()).then(|| format!("{} uses {used:?}", file.display()))
            })
            .collect();
        assert!(
            options_used.is_empty(),
            "{}; the checker derives the options itself (validate/ways.rs), not with input::options",
            options_used.join("; ")
        );
    }

    #[test]
    fn the_options_guard_sees_every_way_in() {
        let cases = [
            ("use crate::input::options::Options;", true),
            ("use crate::input::{PlanInput, Options};", true),
            ("use crate::{\n    costs::CostBreakdown,\n    input::{\n        Item,\n        SupplyOption as S,\n    },\n};", true),
            ("fn f(i: &PlanInput) { crate::input::Options::new(i); }", true),
            ("use crate::input::Way;", true),
            ("use crate::input::*;", true),
            ("use crate::input;\nfn f(i: &input::PlanInput) { let _ = input::Options::new(i); }", true),
            ("use crate::input::{Item, PlanInput, Route, Source}; // not crate::input::Options\nstruct Ways;", false),
            ("use super::ways::{Way, Ways};\nuse crate::input::{ItemKind, LotTerms};", false),
            ("use crate::input::{\n    ItemKind,\n    LotTerms,\n};", false),
            ("use crate::input::{ItemKind, *};", true),
        ];
        for (text, uses_options) in cases {
            assert_eq!(!planners_options_used(text).is_empty(), uses_options, "{text}");
        }
    }

    #[test]
    fn the_reader_sees_grouped_and_spread_imports() {
        let known: BTreeSet<String> =
            ["input", "input::bom", "plan", "plan::model", "costs"].iter().map(|s| s.to_string()).collect();
        let text = "use crate::{\n    costs::CostBreakdown, // crate::plan in a comment\n    input::{bom::BomGraph as G, PlanInput},\n};\nfn f() { crate::plan::model::build_model(x); }\n";
        let expected: BTreeSet<String> =
            ["costs", "input", "input::bom", "plan::model"].iter().map(|s| s.to_string()).collect();
        assert_eq!(uses(text, &known), expected);
    }

    /// The library never prints and never draws a progress bar: that is the binary's (cli/),
    /// which gets progress through [`crate::sweep::Progress`]. Test modules (at the end of a
    /// file) and comments, doc examples included, are not library code.
    #[test]
    fn the_library_never_prints() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for file in sources() {
            let rel = file.strip_prefix(&src).expect("under src").to_path_buf();
            if rel.starts_with("cli") || rel == Path::new("main.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&file).expect("read source");
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for (line_idx, line) in code.lines().enumerate() {
                let line = line.split("//").next().unwrap_or("");
                // `print!` and `eprint!` also catch `println!` and `eprintln!`.
                if ["print!", "eprint!", "indicatif", "dbg!"].iter().any(|word| line.contains(word)) {
                    found.push(format!("{}:{}: {}", rel.display(), line_idx + 1, line.trim()));
                }
            }
        }
        assert!(found.is_empty(), "the library prints:\n{}", found.join("\n"));
    }

    #[test]
    fn the_graph_sees_the_pipeline() {
        // Guards the reader above: the planner uses the input, the output uses the plan.
        let graph = graph();
        assert!(graph["plan"].contains("input"), "{graph:?}");
        assert!(graph["output"].contains("plan"), "{graph:?}");
        assert!(graph["plan::construct"].contains("plan::repair"), "{graph:?}");
    }
}
