/**
 * Adopting drift: the config repo's files edited so that what they declare matches what is
 * live, for the drifted resources given. Pure: files and the plan's changes in, edited files
 * and an account of what was adopted (and what was not, with why) out. The edited files are
 * loaded again and diffed against live before they are offered: an edit that would still
 * leave a difference (a defaults document overriding a new document's field) is completed
 * once, and whatever still differs is reported, never hidden.
 */
import { hasErrors } from '../core/diagnostics.js';
import { diffSpecs } from '../core/diff.js';
import type { Change } from '../core/plan-types.js';
import type { Registry } from '../core/registry.js';
import { resourceKey, type ActualResource, type DesiredResource } from '../core/resource.js';
import { loadModel, type ConfigFiles, type Model } from '../config/load.js';
import { REPO_CONFIG_FILE } from '../config/schema.js';
import { isSensitivePath, looksSecret } from '../github-app/render/values.js';
import { renderImport } from '../importer/render.js';
import { appendDocument, editResource, type FieldEdit } from './edit.js';

/** What one resource's adoption wrote, for the PR body. */
export interface AdoptedResource {
  key: string;
  file: string;
  /** Dotted spec paths written, with the live value each took. */
  fields: Array<{ path: string; value: unknown }>;
  /** A new document (the resource was live, not declared). */
  created: boolean;
  /** Said in the PR: fields a defaults document set, now set in the resource's own spec. */
  notes: string[];
}

export interface AdoptionResult {
  /** Only the files that changed, with their new text. */
  files: Map<string, string>;
  adopted: AdoptedResource[];
  skipped: Array<{ key: string; why: string }>;
}

/**
 * Fields never adopted: secrets are not in the repo, and a field that names where a secret
 * comes from (`passwordFromEnv`) says nothing live can tell.
 */
const SECRET_FIELD = /(fromenv|password|secret|token|privatekey)$/i;
export const isSecretField = (path: string) => isSensitivePath(path) || path.split('.').some((part) => SECRET_FIELD.test(part));

/** A live value that reads like a credential (a token, a key) is never written into the repo either. */
const isSecretValue = (value: unknown) => typeof value === 'string' && looksSecret(value);

/** The new document of a live resource, as the importer writes it (only what differs from a new one), and the file it goes to. */
function newDocument(registry: Registry<any>, model: Model, exists: (file: string) => boolean, actual: ActualResource): { file: string; text: string } {
  const rendered = [...renderImport({ registry, providers: {}, resources: [actual] })].find(([path]) => path !== REPO_CONFIG_FILE && !path.startsWith('.converge/'))!;
  let [file, text] = rendered;
  // A repository's child goes beside its repository, wherever the user keeps that.
  const slash = actual.name.indexOf('/');
  if (slash > 0 && actual.kind.startsWith('github.') && actual.kind !== 'github.team-repository') {
    const parent = model.byKey.get(resourceKey({ kind: 'github.repository', target: actual.target, name: actual.name.slice(0, slash) }));
    if (parent) file = parent.source.file;
  }
  // The schema line belongs at the top of a new file only.
  if (exists(file)) text = text.replace(/^# yaml-language-server:[^\n]*\n/, '');
  return { file, text };
}

interface Pending {
  key: string;
  change: Change;
  live: Record<string, unknown>;
  entry: AdoptedResource;
}

function fieldEdits(change: Change, declared: DesiredResource | undefined, entry: AdoptedResource, skippedFields: string[]): FieldEdit[] {
  const edits: FieldEdit[] = [];
  for (const field of change.fields) {
    if (isSecretField(field.path) || isSecretValue(field.before)) {
      skippedFields.push(`${field.path} (a secret, or where one comes from: never adopted)`);
      continue;
    }
    if (field.before === undefined) {
      skippedFields.push(`${field.path} (live reports no value)`);
      continue;
    }
    const from = declared?.locateField?.(field.path);
    if (from) entry.notes.push(`\`${field.path}\` was set by the defaults in ${from.file} (line ${from.line}); it is now set in the resource's own spec, and ${from.file} is left as it is.`);
    edits.push({ path: field.path.split('.'), value: field.before });
    entry.fields.push({ path: field.path, value: field.before });
  }
  return edits;
}

/**
 * Edit `files` so the changes' resources are declared as they are live. `model` is the model
 * of `files`; `changes` come from a plan of that model against live (drift and extraneous).
 */
export function adoptChanges(input: { files: ConfigFiles; model: Model; registry: Registry<any>; changes: readonly Change[] }): AdoptionResult {
  const { files, model, registry } = input;
  const edited = new Map<string, string>();
  const text = (file: string) => edited.get(file) ?? files.get(file);
  const skipped: AdoptionResult['skipped'] = [];
  const pending: Pending[] = [];

  for (const change of input.changes) {
    const key = resourceKey(change);
    const declared = model.byKey.get(key);
    if (change.action === 'update' && declared) {
      const entry: AdoptedResource = { key, file: declared.source.file, fields: [], created: false, notes: [] };
      const skippedFields: string[] = [];
      const edits = fieldEdits(change, declared, entry, skippedFields);
      if (skippedFields.length > 0) entry.notes.push(`Not adopted: ${skippedFields.join('; ')}.`);
      if (edits.length === 0) {
        skipped.push({ key, why: skippedFields.length > 0 ? `nothing can be adopted: ${skippedFields.join('; ')}` : 'no field differs' });
        continue;
      }
      edited.set(entry.file, editResource(entry.file, text(entry.file)!, { kind: declared.kind, name: declared.name }, edits));
      pending.push({ key, change, live: change.actual ?? {}, entry });
    } else if (change.action === 'delete' && change.origin === 'extraneous' && change.actual) {
      const actual: ActualResource = { kind: change.kind, target: change.target, name: change.name, spec: change.actual };
      const secret = Object.keys(change.actual).filter(isSecretField);
      if (secret.length > 0) {
        skipped.push({ key, why: `its live spec holds ${secret.join(', ')}, which are never adopted` });
        continue;
      }
      const { file, text: document } = newDocument(registry, model, (f) => text(f) !== undefined, actual);
      edited.set(file, appendDocument(text(file), document));
      pending.push({ key, change, live: change.actual, entry: { key, file, fields: [], created: true, notes: [] } });
    } else if (change.action === 'create') {
      skipped.push({ key, why: 'it is declared but missing live; adopting that would delete its declaration, which is left to a person' });
    } else {
      skipped.push({ key, why: `${change.action === 'update' ? 'an update of a resource the configuration does not declare' : `a ${change.action}`} cannot be adopted` });
    }
  }
  if (pending.length === 0) return { files: new Map(), adopted: [], skipped };

  // Read back as a convergence would, and complete what defaults still override (once).
  const check = () => {
    const merged = new Map([...files, ...edited]);
    const reloaded = loadModel(merged, registry);
    return { reloaded, errors: reloaded.diagnostics.filter((d) => d.severity === 'error') };
  };
  let { reloaded, errors } = check();
  if (hasErrors(reloaded.diagnostics)) {
    const first = errors[0]!;
    return { files: new Map(), adopted: [], skipped: [...skipped, ...pending.map((p) => ({ key: p.key, why: `the edited configuration would not load (${first.message})` }))] };
  }
  const remainingOf = (p: Pending) => {
    const now = reloaded.byKey.get(p.key);
    if (!now) return undefined;
    return diffSpecs(now.spec, p.live, now.lifecycle.ignoreFields).filter((f) => !isSecretField(f.path) && f.before !== undefined);
  };
  for (const p of pending) {
    const remaining = remainingOf(p);
    if (!remaining || remaining.length === 0) continue;
    const file = p.entry.file;
    const now = reloaded.byKey.get(p.key)!;
    edited.set(file, editResource(file, text(file)!, { kind: now.kind, name: now.name }, remaining.map((f) => ({ path: f.path.split('.'), value: f.before }))));
    for (const f of remaining) {
      p.entry.fields.push({ path: f.path, value: f.before });
      p.entry.notes.push(`\`${f.path}\` is written out because a defaults document would otherwise set it differently.`);
    }
  }
  ({ reloaded, errors } = check());
  const adopted: AdoptedResource[] = [];
  for (const p of pending) {
    const remaining = remainingOf(p);
    if (remaining === undefined) skipped.push({ key: p.key, why: `the new document in ${p.entry.file} is not loaded (is the file outside \`include\` in converge.yml?)` });
    else {
      if (remaining.length > 0) p.entry.notes.push(`Still differs after the edit: ${remaining.map((f) => f.path).join(', ')}.`);
      adopted.push(p.entry);
    }
  }
  if (errors.length > 0) return { files: new Map(), adopted: [], skipped: [...skipped, ...pending.map((p) => ({ key: p.key, why: `the edited configuration would not load (${errors[0]!.message})` }))] };
  const changed = new Map([...edited].filter(([file, body]) => files.get(file) !== body));
  return { files: changed, adopted, skipped };
}
