//! The dependency graph of `src/`'s top-level modules: no cycle, and ARCHITECTURE.md shows
//! the graph as it is.
//!
//! A module depends on another when its code names `crate::other` (or, for the binary's
//! `main` and `cli`, `copbook::other` too). Comment lines are skipped: a doc link is not a dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::helpers::repo_root;

const START: &str = "<!-- module-graph:start -->";
const END: &str = "<!-- module-graph:end -->";

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every top-level module of `src/` (and `main` and `cli`, the binary's), with the modules
/// it names.
fn module_graph(src: &Path) -> Graph {
    let mut modules = BTreeMap::new();
    let entries = std::fs::read_dir(src).expect("src/ is readable");
    for entry in entries.map(|e| e.expect("src/ entry")) {
        let path = entry.path();
        let name = path
            .file_stem()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        if name == "lib" {
            continue;
        }
        let mut files = Vec::new();
        collect_rs(&path, &mut files);
        if !files.is_empty() {
            modules.insert(name, files);
        }
    }
    let names: BTreeSet<String> = modules.keys().cloned().collect();
    modules
        .into_iter()
        .map(|(name, files)| {
            // The binary (main.rs and cli/) names the library's modules `copbook::…`
            // and its own `crate::…`.
            let prefixes: &[&str] = if name == "main" || name == "cli" {
                &["copbook::", "crate::"]
            } else {
                &["crate::"]
            };
            let mut deps = BTreeSet::new();
            for file in files {
                let text = std::fs::read_to_string(&file).expect("source is readable");
                let lines = text.lines().filter(|l| !l.trim_start().starts_with("//"));
                for (line, prefix) in lines.flat_map(|l| prefixes.iter().map(move |p| (l, *p))) {
                    for (at, _) in line.match_indices(prefix) {
                        let rest = &line[at + prefix.len()..];
                        let end = rest
                            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                            .unwrap_or(rest.len());
                        let target = &rest[..end];
                        if target != name && names.contains(target) {
                            deps.insert(target.to_string());
                        }
                    }
                    // `use crate::{a, b}` names several at once.
                    if let Some(group) = line.split(&format!("{prefix}{{")).nth(1) {
                        for part in group.split([',', '}']) {
                            let target = part.trim().split("::").next().unwrap_or("");
                            if target != name && names.contains(target) {
                                deps.insert(target.to_string());
                            }
                        }
                    }
                }
            }
            (name, deps)
        })
        .collect()
}

fn collect_rs(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).expect("folder is readable") {
            collect_rs(&entry.expect("folder entry").path(), out);
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        out.push(path.to_path_buf());
    }
}

/// A cycle of modules, if there is one (depth-first search).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit<'a>(
        node: &'a str,
        graph: &'a Graph,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node);
        for dep in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(dep, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node);
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

/// The graph as ARCHITECTURE.md shows it: one line per module, highest layer first.
fn render(graph: &Graph) -> String {
    // Order by layer: a module comes after every module that depends on it.
    let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
    fn height<'a>(n: &'a str, g: &'a Graph, memo: &mut BTreeMap<&'a str, usize>) -> usize {
        if let Some(h) = memo.get(n) {
            return *h;
        }
        let h = g
            .get(n)
            .into_iter()
            .flatten()
            .map(|d| height(d, g, memo) + 1)
            .max()
            .unwrap_or(0);
        memo.insert(n, h);
        h
    }
    let mut order: Vec<&str> = graph.keys().map(String::as_str).collect();
    for n in &order {
        height(n, graph, &mut depth);
    }
    order.sort_by_key(|n| (std::cmp::Reverse(depth[n]), *n));
    let mut out = String::from("```\n");
    for n in order {
        let deps: Vec<&str> = graph[n].iter().map(String::as_str).collect();
        let deps = if deps.is_empty() {
            "-".to_string()
        } else {
            deps.join(", ")
        };
        out.push_str(&format!("{n:<11} → {deps}\n"));
    }
    out.push_str("```\n");
    out
}

#[test]
fn no_two_modules_import_each_other() {
    let graph = module_graph(&repo_root().join("src"));
    assert!(graph.contains_key("server") && graph.contains_key("book"));
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the modules of src/ import each other: {}",
            cycle.join(" → ")
        );
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph: Graph = [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"])]
        .into_iter()
        .map(|(n, d)| (n.to_string(), d.into_iter().map(str::to_string).collect()))
        .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

#[test]
fn architecture_shows_the_module_graph() {
    let shown = render(&module_graph(&repo_root().join("src")));
    let doc = std::fs::read_to_string(repo_root().join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md is readable");
    let block = doc
        .split(START)
        .nth(1)
        .and_then(|rest| rest.split(END).next())
        .map(str::trim)
        .unwrap_or("");
    assert_eq!(
        block,
        shown.trim(),
        "ARCHITECTURE.md's module graph is out of date; put this between {START} and {END}:\n{shown}"
    );
}
