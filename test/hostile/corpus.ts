/**
 * Hostile inputs: what a pull request's author (or a careless one) can put in the config repo
 * to make the plan job slow, huge or wrong. Each input is generated (no megabytes committed)
 * and says what it must produce: a diagnostic with this code on this file and line. The tests
 * in this folder assert that; bench/parts/hostile.ts runs the same inputs for time and memory.
 */
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { MAX_FILE_BYTES, MAX_SNAPSHOT_BYTES, MAX_SNAPSHOT_FILES } from '../../src/config/limits.js';

export interface Expected {
  code: string;
  file: string;
  /** 1-based; omitted when any line of the file will do. */
  line?: number;
  /** For a problem found at the end of the input: the line, or the one after it. */
  lineAtLeast?: number;
  /** Text the message must contain. */
  says?: string;
}

export interface HostileInput {
  name: string;
  /** What the input is, one line. */
  description: string;
  /** The config repo as files (run through loadModel) or as GitHub's tarball (unpacked first). */
  files?: () => Map<string, string>;
  tarball?: () => Promise<Buffer>;
  expect: Expected[];
}

export const SETTINGS = 'providers:\n  github: {}\n  postgres: { connectionFromEnv: PG_URL }\n';

const repo = (name: string, spec = '  description: x\n') => `kind: github.repository\nname: ${name}\nspec:\n${spec}`;

/** A "billion laughs" chain: `levels` anchors, each a list of `width` aliases to the one before. */
export function aliasChain(levels: number, width: number, indent: string): string {
  const lines = [`${indent}l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
  for (let i = 1; i <= levels; i++) lines.push(`${indent}l${i}: &l${i} [${Array.from({ length: width }, () => `*l${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** A gzipped tarball laid out as GitHub serves it (one top-level folder). */
export async function tarballOf(entries: Iterable<[string, string | Buffer]>): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  for (const [path, content] of entries) {
    await new Promise<void>((resolve, reject) => archive.entry({ name: `acme-config-abc1234/${path}` }, content, (error) => (error ? reject(error) : resolve())));
  }
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks), { level: 1 });
}

const MB = 1_000_000;

export const corpus: HostileInput[] = [
  {
    name: 'alias bomb in a defaults spec',
    description: 'defaults whose spec is 9 levels of 9 aliases (3.9e8 values), selecting every repository',
    files: () =>
      new Map([
        ['converge.yml', SETTINGS],
        ['defaults.yml', `kind: defaults\nname: bomb\nselector: { kind: github.repository }\nspec:\n  x:\n${aliasChain(9, 9, '    ')}  topics: *l9\n`],
        // A harmless alias still loads.
        ['repos/api.yml', repo('api', '  description: &a shared\n  homepage: *a\n')],
      ]),
    expect: [{ code: 'yaml.alias-limit', file: 'defaults.yml', line: 1, says: 'aliases' }],
  },
  {
    name: 'alias bomb in a resource (js-yaml path)',
    description: 'a repository whose spec holds 9 levels of 9 aliases, no syntax error so js-yaml parses it',
    files: () => new Map([['converge.yml', SETTINGS], ['repos/api.yml', `${repo('api', `  x:\n${aliasChain(9, 9, '    ')}`)}`]]),
    expect: [{ code: 'yaml.alias-limit', file: 'repos/api.yml', line: 1 }],
  },
  {
    name: 'alias bomb in a file with a syntax error (yaml path)',
    description: 'the same bomb in a second document after a broken one, so the precise parser reads it',
    files: () => new Map([['converge.yml', SETTINGS], ['repos/api.yml', `${repo('api', '  topics: [a, b\n')}---\n${repo('web', `  x:\n${aliasChain(9, 9, '    ')}`)}`]]),
    expect: [{ code: 'yaml.syntax', file: 'repos/api.yml' }],
  },
  {
    name: 'alias bomb under ruleset rules[].parameters',
    description: 'an open record (rule parameters) holding 6 levels of 10 aliases: 701 bytes, 1e6 values',
    files: () =>
      new Map([
        ['converge.yml', SETTINGS],
        [
          'rulesets/api.yml',
          `kind: github.ruleset\nname: api/main\nspec:\n  rules:\n    - type: pull_request\n      parameters:\n${aliasChain(6, 10, '        ')}`,
        ],
      ]),
    expect: [{ code: 'yaml.alias-limit', file: 'rulesets/api.yml', line: 1 }],
  },
  {
    name: 'aliases under the limit under ruleset parameters',
    description: 'rule parameters expanding to about 47,000 values: accepted, and the plan renders them capped',
    files: () =>
      new Map([
        ['converge.yml', SETTINGS],
        ['rulesets/api.yml', `kind: github.ruleset\nname: api/main\nspec:\n  rules:\n    - type: pull_request\n      parameters:\n${aliasChain(4, 8, '        ')}`],
      ]),
    expect: [],
  },
  {
    name: 'alias cycle',
    description: 'an anchor whose value contains its own alias (a value that never ends)',
    files: () => new Map([['converge.yml', SETTINGS], ['rulesets/api.yml', 'kind: github.ruleset\nname: api/main\nspec:\n  rules:\n    - type: pull_request\n      parameters: &p\n        again: *p\n']]),
    expect: [{ code: 'yaml.alias-cycle', file: 'rulesets/api.yml', line: 1 }],
  },
  {
    name: 'deep nesting',
    description: '150 nested flow sequences',
    files: () => new Map([['converge.yml', SETTINGS], ['repos/api.yml', `${repo('api', `  topics: ${'['.repeat(150)}${']'.repeat(150)}\n`)}`]]),
    expect: [{ code: 'yaml.too-deep', file: 'repos/api.yml', line: 1 }],
  },
  {
    name: 'defaults fan-out',
    description: 'a 60,000-value defaults spec (no aliases) merged under a repository',
    files: () =>
      new Map([
        ['converge.yml', SETTINGS],
        ['defaults.yml', `kind: defaults\nname: wide\nselector: { kind: github.repository }\nspec:\n  topics: [${Array.from({ length: 60_000 }, () => 't').join(',')}]\n`],
        ['repos/api.yml', repo('api')],
      ]),
    expect: [{ code: 'resource.too-large', file: 'repos/api.yml', line: 1 }],
  },
  {
    name: 'ruleset defaults fanned out',
    description: 'defaults with 47,000-value rule parameters (under every per-document limit) selecting 200 rulesets',
    files: () =>
      new Map([
        ['converge.yml', SETTINGS],
        ['defaults.yml', `kind: defaults\nname: wide\nselector: { kind: github.ruleset }\nspec:\n  rules:\n    - type: pull_request\n      parameters:\n${aliasChain(4, 8, '        ')}`],
        ['rulesets.yml', Array.from({ length: 200 }, (_, i) => `kind: github.ruleset\nname: repo-${String(i).padStart(3, '0')}/main\nspec: { enforcement: active }\n`).join('---\n')],
      ]),
    expect: [{ code: 'model.too-large', file: 'rulesets.yml', says: 'more than 5,000,000 values' }],
  },
  {
    name: 'oversize file',
    description: `a resource file of 1.5 MiB (the limit is ${MAX_FILE_BYTES / 1024 / 1024} MiB) in the tarball`,
    tarball: () =>
      tarballOf([
        ['converge.yml', SETTINGS],
        ['repos/small.yml', repo('small')],
        ['repos/big.yml', `${repo('big')}${'# padding padding padding padding\n'.repeat(Math.ceil((1.5 * MAX_FILE_BYTES) / 34))}`],
      ]),
    expect: [{ code: 'file.too-large', file: 'repos/big.yml', line: 1, says: 'not read' }],
  },
  {
    name: 'oversize snapshot',
    // The issue's case was 1,200 such files; unpacking stops at the limit either way.
    description: `100 files of 1 MB each (100 MB unpacked; the limit is ${MAX_SNAPSHOT_BYTES / 1024 / 1024} MiB)`,
    tarball: () => tarballOf(manyFiles(100, MB)),
    expect: [{ code: 'snapshot.too-large', file: 'data/f-0067.yml' }],
  },
  {
    name: 'too many files',
    description: `${(MAX_SNAPSHOT_FILES + 1).toLocaleString('en-US')} small files`,
    tarball: () => tarballOf(manyFiles(MAX_SNAPSHOT_FILES + 1, 10)),
    // converge.yml is the first file, so the last one read is the one before the last.
    expect: [{ code: 'snapshot.too-many-files', file: `data/f-${String(MAX_SNAPSHOT_FILES - 1).padStart(4, '0')}.yml` }],
  },
  {
    name: 'syntax error at the end of a 1 MiB file',
    description: 'a file just under the size limit, broken on its last line: located without a second parse',
    files: () => new Map([['converge.yml', SETTINGS], ['repos/many.yml', nearlyFullFile().text]]),
    get expect() {
      return [{ code: 'yaml.syntax', file: 'repos/many.yml', lineAtLeast: nearlyFullFile().brokenLine }];
    },
  },
  {
    name: 'unknown kinds in converge.yml',
    description: 'typos in scope, drift.kinds and a prune.protected pattern',
    files: () =>
      new Map([
        ['converge.yml', `${SETTINGS}scope:\n  github.repo:\n    exclude: ["archive-*"]\ndrift:\n  kinds:\n    github.lable: revert\nprune:\n  protected: ["github.repositry/archive-*", "api/*"]\n`],
      ]),
    expect: [
      { code: 'settings.unknown-kind', file: 'converge.yml', line: 5, says: 'Did you mean "github.repository"?' },
      { code: 'settings.unknown-kind', file: 'converge.yml', line: 9, says: 'Did you mean "github.label"?' },
      { code: 'settings.unknown-kind', file: 'converge.yml', line: 11, says: 'github.repositry' },
    ],
  },
  ...['99 99 * * *', 'every day', '*/0 * * * *'].map(
    (cron): HostileInput => ({
      name: `invalid cron "${cron}"`,
      description: 'schedule.fullRun that BullMQ cannot schedule',
      files: () => new Map([['converge.yml', `${SETTINGS}schedule:\n  fullRun: "${cron}"\n`]]),
      expect: [{ code: 'settings.schedule', file: 'converge.yml', line: 5, says: cron }],
    }),
  ),
  {
    name: 'repositories differing only in case',
    description: '`Api` and `api`, which GitHub sees as one repository',
    files: () => new Map([['converge.yml', SETTINGS], ['repos/a.yml', repo('Api')], ['repos/b.yml', `# second\n${repo('api')}`]]),
    expect: [{ code: 'resource.duplicate', file: 'repos/b.yml', line: 2, says: 'repos/a.yml:1' }],
  },
  {
    name: 'labels differing only in case',
    description: '`api/Bug` and `API/bug` in one file',
    files: () =>
      new Map([
        ['converge.yml', SETTINGS],
        ['labels.yml', 'kind: github.label\nname: api/Bug\nspec: { color: d73a4a }\n---\nkind: github.label\nname: API/bug\nspec: { color: d73a4a }\n'],
      ]),
    expect: [{ code: 'resource.duplicate', file: 'labels.yml', line: 5 }],
  },
  {
    name: 'label name with a line break',
    description: 'a label name GitHub refuses',
    files: () => new Map([['converge.yml', SETTINGS], ['labels.yml', 'kind: github.label\nname: "api/bad\\nlabel"\nspec: { color: d73a4a }\n']]),
    expect: [{ code: 'resource.name', file: 'labels.yml', line: 2, says: 'line breaks' }],
  },
  {
    name: 'connection limit past int4',
    description: 'postgres.role connectionLimit 2147483648',
    files: () => new Map([['converge.yml', SETTINGS], ['pg.yml', 'kind: postgres.role\nname: app\nspec:\n  connectionLimit: 2147483648\n']]),
    expect: [{ code: 'schema.invalid', file: 'pg.yml', line: 4, says: 'connectionLimit' }],
  },
];

let nearlyFull: { text: string; brokenLine: number } | undefined;

/** Many small repositories filling a file up to just under MAX_FILE_BYTES, the last line broken. */
function nearlyFullFile(): { text: string; brokenLine: number } {
  if (!nearlyFull) {
    let text = '';
    for (let i = 0; text.length < MAX_FILE_BYTES - 200; i++) text += `---\n${repo(`repo-${i}`, `  description: "Repository number ${i}"\n`)}`;
    nearlyFull = { text: `${text}  topics: [a, b\n`, brokenLine: text.split('\n').length };
  }
  return nearlyFull;
}

function* manyFiles(count: number, size: number): Generator<[string, string]> {
  yield ['converge.yml', SETTINGS];
  const body = `# ${'x'.repeat(Math.max(0, size - 3))}\n`.slice(0, size);
  for (let i = 0; i < count; i++) yield [`data/f-${String(i).padStart(4, '0')}.yml`, body];
}
