//! The dependency graph of `src/`'s top-level modules: no cycle, and ARCHITECTURE.md shows
//! the graph as it is. The same rule holds inside every folder: no two of its files (or
//! subfolders) import each other, even through a third; and no file name is used twice.
//!
//! A module depends on another when its code names `crate::other` (or, for the binary's
//! `main` and `cli`, `copbook::other` too). Comment lines are skipped: a doc link is not a dependency.
//!
//! Inside a folder, a file's references (`crate::a::b`, `super::b`, `super::super::c`) are
//! resolved to the module they name. A folder's `mod.rs` is its front door, not one of
//! its rooms: it declares and may re-export the others, so it is left out. So are a
//! file's inline `#[cfg(test)]` modules: a test that reaches a sibling makes no cycle in
//! the code that ships. There is no allow-list: every folder passes as it is.

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

/// A source file's module path below the crate root: `src/server/edge/access.rs` is
/// `["server", "edge", "access"]`, `src/server/mod.rs` is `["server"]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("a file under src/");
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without comment lines and without its inline test module.
fn shipped_code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod "))
        {
            break;
        }
        if !trimmed.starts_with("//") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The modules a file names, as module paths (only paths that are modules of the crate).
fn references(
    code: &str,
    own: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> BTreeSet<Vec<String>> {
    // `super` of a file `a/b.rs` is `a`; of `a/b/mod.rs` (module path `a::b`) it is `a` too.
    let parent: Vec<String> = own[..own.len().saturating_sub(1)].to_vec();
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut at = 0;
    while at < code.len() {
        let start = at;
        // A path starts at `crate::` or `super::`, not inside another identifier or path.
        let preceded = start > 0 && (is_ident(bytes[start - 1]) || bytes[start - 1] == b':');
        let (mut base, rest) = if !preceded && code[start..].starts_with("crate::") {
            (Vec::new(), start + "crate::".len())
        } else if !preceded && code[start..].starts_with("super::") {
            let mut base = parent.clone();
            let mut rest = start + "super::".len();
            while code[rest..].starts_with("super::") {
                base.pop();
                rest += "super::".len();
            }
            (base, rest)
        } else {
            at += code[start..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        // Read `a::b::c` (a `{` group counts each of its first names).
        let mut end = rest;
        let mut segments: Vec<String> = Vec::new();
        loop {
            let name_end = code[end..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(code.len(), |i| end + i);
            if name_end == end {
                if code[end..].starts_with('{') {
                    let close = code[end..].find('}').map_or(code.len(), |i| end + i);
                    for part in code[end + 1..close].split(',') {
                        let first = part.trim().split("::").next().unwrap_or("").trim();
                        let mut path = base.clone();
                        path.extend(segments.iter().cloned());
                        path.push(first.to_string());
                        if modules.contains(&path) {
                            found.insert(path);
                        }
                    }
                    end = close;
                }
                break;
            }
            segments.push(code[end..name_end].to_string());
            end = name_end;
            if code[end..].starts_with("::") {
                end += 2;
            } else {
                break;
            }
        }
        // The longest prefix that is a module.
        while !segments.is_empty() {
            let mut path = base.clone();
            path.extend(segments.iter().cloned());
            if modules.contains(&path) {
                found.insert(path);
                break;
            }
            segments.pop();
        }
        base.clear();
        at = end.max(start + 1);
    }
    found
}

/// For every folder below `src/` (by module path), the graph of its rooms: its files and
/// subfolders, each with the siblings it names (anything under a subfolder counts for it).
fn folder_graphs(src: &Path) -> BTreeMap<String, Graph> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(src).expect("src/ is readable") {
        let path = entry.expect("src/ entry").path();
        if path.is_dir() {
            collect_rs(&path, &mut files);
        }
    }
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_path(src, f)).collect();
    let mut graphs: BTreeMap<String, Graph> = BTreeMap::new();
    for file in &files {
        let own = module_path(src, file);
        let text = std::fs::read_to_string(file).expect("source is readable");
        let refs = references(&shipped_code(&text), &own, &modules);
        // Each folder that holds this file sees an edge from the room the file is in to
        // the sibling room each reference falls in. A `mod.rs` belongs to its folder's
        // room in the folder above, and is no room of its own folder.
        for level in 1..own.len() {
            let folder = &own[..level];
            let room = &own[level];
            let graph = graphs.entry(folder.join("/")).or_default();
            let deps = graph.entry(room.clone()).or_default();
            for target in &refs {
                if target.len() > level && target[..level] == *folder && target[level] != *room {
                    deps.insert(target[level].clone());
                }
            }
        }
    }
    graphs
}

#[test]
fn no_two_files_of_a_folder_import_each_other() {
    let graphs = folder_graphs(&repo_root().join("src"));
    let server = &graphs["server"];
    assert!(
        server.contains_key("edge") && server["public"].contains("edge"),
        "the folder graph reads the server's rooms: {server:?}"
    );
    let cycles: Vec<String> = graphs
        .iter()
        .filter_map(|(folder, graph)| {
            find_cycle(graph).map(|c| format!("src/{folder}/: {}", c.join(" → ")))
        })
        .collect();
    assert!(
        cycles.is_empty(),
        "files of one folder import each other (move what both need below them):\n{}",
        cycles.join("\n")
    );
}

#[test]
fn no_file_name_is_used_twice() {
    let mut files = Vec::new();
    collect_rs(&repo_root().join("src"), &mut files);
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in &files {
        let name = file
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        if name == "mod.rs" {
            continue;
        }
        seen.entry(name)
            .or_default()
            .push(file.display().to_string());
    }
    let twice: Vec<String> = seen
        .into_iter()
        .filter(|(_, paths)| paths.len() > 1)
        .map(|(name, paths)| format!("{name}: {}", paths.join(", ")))
        .collect();
    assert!(
        twice.is_empty(),
        "file names used twice:\n{}",
        twice.join("\n")
    );
}

#[test]
fn the_folder_reader_resolves_super_and_crate_paths() {
    let modules: BTreeSet<Vec<String>> = [
        vec!["server"],
        vec!["server", "edge"],
        vec!["server", "edge", "csrf"],
        vec!["server", "public"],
        vec!["server", "public", "search_log"],
        vec!["search"],
    ]
    .into_iter()
    .map(|p| p.into_iter().map(str::to_string).collect())
    .collect();
    let own: Vec<String> = ["server", "public", "search_pages"]
        .map(str::to_string)
        .to_vec();
    let code = "use super::search_log::record;\nuse crate::server::edge::{csrf, x};\nlet a = crate::search::Hit;\nuse super::super::edge::csrf::cookie;\n";
    let found = references(code, &own, &modules);
    let found: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        found,
        [
            "search",
            "server::edge",
            "server::edge::csrf",
            "server::public::search_log"
        ]
    );
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
