/**
 * Summarizes V8 CPU profiles (`node --cpu-prof`, or `npm run bench -- --profile cpu`):
 * the functions with the most self time, their total (inclusive) time, and
 * self time per file, so hot spots can be read without opening DevTools.
 *
 *   node bench/profile-summary.mjs [--top N] [--callers TEXT] <file.cpuprofile> [...]
 *
 * `--callers TEXT` also lists, for the functions whose name contains TEXT,
 * which callers their self time came from (V8 shows native code such as
 * Buffer.from's encoder as "(anonymous)": this says whose it is).
 *
 * Several files are summarized together (e.g. every run of a scenario). Self
 * time is the time the function itself was on top of the stack; total time
 * counts each sample once per function on its stack, so recursion is not
 * counted twice. Percentages are of all sampled time, idle included.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT } from './lib/paths.mjs';

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' }, callers: { type: 'string' } }, allowPositionals: true });
if (positionals.length === 0) {
  process.stderr.write('usage: node bench/profile-summary.mjs [--top N] [--callers TEXT] <file.cpuprofile> [...]\n');
  process.exit(2);
}
const top = Number(values.top);
// Piped into `head`, the rest of the output has nowhere to go: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const self = new Map();
const total = new Map();
const byFile = new Map();
const callers = new Map();
let sampledMs = 0;

for (const file of positionals) {
  const profile = JSON.parse(await readFile(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // timeDeltas[i] is the time since the previous sample; it is charged to sample i.
  for (let index = 0; index < profile.samples.length; index++) {
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    if (ms <= 0) continue;
    sampledMs += ms;
    const leaf = nodes.get(profile.samples[index]);
    const leafName = describe(leaf.callFrame);
    add(self, leafName, ms);
    add(byFile, fileOf(leaf.callFrame), ms);
    if (values.callers !== undefined && leafName.includes(values.callers)) {
      const caller = nodes.get(parent.get(leaf.id));
      add(callers, `${leafName}  <-  ${caller === undefined ? '(root)' : describe(caller.callFrame)}`, ms);
    }
    const seen = new Set();
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
      const name = describe(nodes.get(id).callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      add(total, name, ms);
    }
  }
}

const percent = (ms) => `${((100 * ms) / sampledMs).toFixed(1)}%`.padStart(6);
const msText = (ms) => `${Math.round(ms)}`.padStart(7);
process.stdout.write(`${positionals.length} profile(s), ${(sampledMs / 1000).toFixed(2)} s sampled\n\n`);
process.stdout.write(`top ${top} functions by self time\n   self ms  self %  total %  function (location)\n`);
for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`  ${msText(ms)}  ${percent(ms)}  ${percent(total.get(name) ?? ms)}   ${name}\n`);
}
process.stdout.write(`\ntop ${top} functions by total time\n  total ms total %   self %  function (location)\n`);
for (const [name, ms] of [...total].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`  ${msText(ms)}  ${percent(ms)}  ${percent(self.get(name) ?? 0)}   ${name}\n`);
}
if (values.callers !== undefined) {
  process.stdout.write(`\nself time of functions matching "${values.callers}", by caller\n   self ms  self %  function  <-  caller\n`);
  for (const [name, ms] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`  ${msText(ms)}  ${percent(ms)}   ${name}\n`);
  }
}
process.stdout.write(`\nself time by file\n   self ms  self %  file\n`);
for (const [name, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  process.stdout.write(`  ${msText(ms)}  ${percent(ms)}   ${name}\n`);
}

function add(map, key, ms) {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function describe(frame) {
  const name = frame.functionName || '(anonymous)';
  if (frame.url === '') return name;
  return `${name} (${shorten(frame.url)}:${frame.lineNumber + 1})`;
}

function fileOf(frame) {
  return frame.url === '' ? frame.functionName || '(anonymous)' : shorten(frame.url);
}

/** Paths relative to the repository, node_modules folded to the package path. */
function shorten(url) {
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const modules = file.lastIndexOf('/node_modules/');
  if (modules !== -1) return file.slice(modules + '/node_modules/'.length);
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}
