import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SCHEMA_DIR, SCHEMA_FILES, schemaTexts } from '../../scripts/json-schema.js';

const committed = (key: keyof typeof SCHEMA_FILES) => readFileSync(join(SCHEMA_DIR, SCHEMA_FILES[key]), 'utf8');
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validResource = ajv.compile(JSON.parse(committed('resources')));
const validSettings = ajv.compile(JSON.parse(committed('settings')));
const yamlBlocks = (file: string) => [...readFileSync(file, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const documents = (block: string) => parseAllDocuments(block).map((d) => d.toJS() as unknown);

describe('the editor JSON Schemas', () => {
  it('are committed as generated from the zod schemas (run `npm run schema` after changing one)', () => {
    const texts = schemaTexts();
    expect(committed('resources')).toBe(texts.resources);
    expect(committed('settings')).toBe(texts.settings);
  });

  it('accept every documented resource, defaults and converge.yml example', () => {
    let resources = 0;
    for (const file of ['README.md', 'src/providers/github/README.md', 'src/providers/postgres/README.md']) {
      for (const block of yamlBlocks(file)) {
        if (/^kind:/m.test(block)) {
          for (const doc of documents(block)) {
            resources++;
            expect(validResource(doc), `${file}: ${JSON.stringify(doc)}\n${ajv.errorsText(validResource.errors)}`).toBe(true);
          }
        } else if (block.startsWith('providers:')) {
          expect(validSettings(documents(block)[0]), `${file}: converge.yml\n${ajv.errorsText(validSettings.errors)}`).toBe(true);
        }
      }
    }
    expect(resources).toBeGreaterThan(20);
  });

  it('reject an unknown field in a spec, in the envelope, in defaults and in converge.yml', () => {
    expect(validResource({ kind: 'github.repository', name: 'api', spec: { descripton: 'typo' } })).toBe(false);
    expect(validResource({ kind: 'github.repository', name: 'api', spec: { description: 'ok' } })).toBe(true);
    expect(validResource({ kind: 'github.repository', nmae: 'api' })).toBe(false);
    expect(validResource({ kind: 'github.nope', name: 'api' })).toBe(false);
    expect(validResource({ kind: 'postgres.role', name: 'app', spec: { superuser: true } })).toBe(false);
    expect(validResource({ kind: 'defaults', name: 'all', selector: { kind: 'github.repository' }, spec: { visibility: 'private' } })).toBe(true);
    expect(validResource({ kind: 'defaults', name: 'all', selector: { kind: 'github.repository' }, spec: { visibilty: 'private' } })).toBe(false);
    expect(validSettings({ providers: { github: {} }, prune: { enabeld: true } })).toBe(false);
    expect(validSettings({ providers: { gitlab: {} } })).toBe(false);
    expect(validSettings({ providers: { postgres: { targets: { main: { connectionFromEnv: 'PG_URL' } } } } })).toBe(true);
  });
});
