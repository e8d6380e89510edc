// Ranks a relevance set as mdBook's browser search would, for comparison with copbook's
// server-side search (tests/relevance.rs). mdBook builds an elasticlunr index with one
// document per section (title, body, breadcrumbs) and searches it with its defaults:
// any word may match (bool OR), prefix expansion on, title boosted 2, body and
// breadcrumbs 1, 30 results. The sections are those copbook found (corpus.json from
// `copbook build`), which split chapters at the same headings.
//
// Usage (see tests/relevance/README.md):
//   npm ci --prefix tests/relevance/elasticlunr
//   copbook build --book tests/relevance/book --out /tmp/first
//   node tests/relevance/elasticlunr/compare.mjs /tmp/first/corpus.json tests/relevance/queries.toml
import { readFileSync } from "node:fs";
import elasticlunr from "elasticlunr";
import { parse } from "smol-toml";

const [corpusPath, queriesPath] = process.argv.slice(2);
if (!corpusPath || !queriesPath) {
  console.error("usage: node compare.mjs CORPUS.json QUERIES.toml");
  process.exit(2);
}
const corpus = JSON.parse(readFileSync(corpusPath, "utf8"));
const queries = parse(readFileSync(queriesPath, "utf8")).query;
const chapterTitle = new Map(corpus.chapters.map((c) => [c.source, c.title]));

const index = elasticlunr(function () {
  this.addField("title");
  this.addField("body");
  this.addField("breadcrumbs");
  this.setRef("id");
});
const sourceOf = new Map();
for (const e of corpus.entries) {
  const chapter = chapterTitle.get(e.source) ?? "";
  const breadcrumbs = e.id.includes("#") ? `${chapter} » ${e.title}` : chapter;
  index.addDoc({ id: e.id, title: e.title, body: e.text, breadcrumbs }, false);
  sourceOf.set(e.id, e.source);
}
const options = {
  bool: "OR",
  expand: true,
  fields: { title: { boost: 2 }, body: { boost: 1 }, breadcrumbs: { boost: 1 } },
};

const K = 10;
const dcg = (gains) => gains.reduce((s, g, i) => s + (2 ** g - 1) / Math.log2(i + 2), 0);
const per = new Map();
for (const q of queries) {
  const ranked = [];
  for (const r of index.search(q.text, options).slice(0, 30)) {
    const s = sourceOf.get(r.ref);
    if (!ranked.includes(s)) ranked.push(s);
  }
  const grade = (c) => q.grades[c] ?? 0;
  const ideal = Object.values(q.grades).sort((a, b) => b - a).slice(0, K);
  const best = dcg(ideal);
  const ndcg = best > 0 ? dcg(ranked.slice(0, K).map(grade)) / best : 0;
  const first = ranked.findIndex((c) => grade(c) >= 2);
  const rr = first < 0 ? 0 : 1 / (first + 1);
  for (const kind of ["all", q.who]) {
    if (!per.has(kind)) per.set(kind, []);
    per.get(kind).push([ndcg, rr]);
  }
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
let line = "elasticlunr";
for (const kind of [...per.keys()].sort()) {
  const xs = per.get(kind);
  line += ` | ${kind} (${xs.length}) nDCG@10 ${mean(xs.map((x) => x[0])).toFixed(3)} MRR ${mean(xs.map((x) => x[1])).toFixed(3)}`;
}
console.log(line);
