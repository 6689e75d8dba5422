/** The one table: printed, written as JSON (stable key order), and placed in README.md. */
import type { Row } from './rows.js';

export interface Report {
  command: string;
  size: string;
  environment: { node: string; platform: string; cpus: number; cpuModel: string; memoryGiB: number };
  measuredAt: string;
  rows: Row[];
  notes: string[];
}

const STATUS = { pass: 'pass', miss: '**MISS**', info: '—' } as const;

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| measure | value | target | result |', '| --- | --- | --- | --- |'];
  let section = '';
  for (const row of rows) {
    if (row.section !== section) {
      section = row.section;
      lines.push(`| **${cell(section)}** | | | |`);
    }
    lines.push(`| ${cell(row.measure)} | ${cell(row.display)} | ${cell(row.target)} | ${STATUS[row.status]} |`);
  }
  return lines.join('\n');
}

export function missesAndNotes(report: Report): string {
  const out: string[] = [];
  const misses = report.rows.filter((r) => r.status === 'miss');
  if (misses.length > 0) {
    out.push('**Misses**', '');
    for (const row of misses) out.push(`- **${row.measure}**: ${row.display}, target ${row.target}.${row.note ? ` ${row.note}` : ''}`);
    out.push('');
  }
  const infoNotes = report.rows.filter((r) => r.status !== 'miss' && r.note);
  if (report.notes.length > 0 || infoNotes.length > 0) {
    out.push('**Notes**', '');
    for (const row of infoNotes) out.push(`- ${row.measure}: ${row.note}`);
    for (const note of report.notes) out.push(`- ${note}`);
  }
  return out.join('\n').trimEnd();
}

export function markdownReport(report: Report): string {
  const env = report.environment;
  return [
    `Measured ${report.measuredAt.slice(0, 10)} with \`${report.command}\` (${report.size} size) on Node ${env.node}, ${env.platform}, ${env.cpus} × ${env.cpuModel}, ${env.memoryGiB} GiB, Redis on 127.0.0.1; GitHub is the stateful fake in \`test/support/fake-github\` (loopback only).`,
    '',
    markdownTable(report.rows),
    '',
    missesAndNotes(report),
  ].join('\n');
}

/** JSON with a fixed key order, so two runs diff line by line. */
export function reportJson(report: Report): string {
  const row = (r: Row) => ({
    id: r.id,
    section: r.section,
    measure: r.measure,
    value: r.value,
    unit: r.unit,
    display: r.display,
    target: r.target,
    status: r.status,
    ...(r.note ? { note: r.note } : {}),
  });
  const ordered = {
    command: report.command,
    size: report.size,
    measuredAt: report.measuredAt,
    environment: { node: report.environment.node, platform: report.environment.platform, cpus: report.environment.cpus, cpuModel: report.environment.cpuModel, memoryGiB: report.environment.memoryGiB },
    rows: report.rows.map(row),
    notes: report.notes,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

/** Replace only what lies between the markers. */
export function replaceReadmeRegion(readme: string, body: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} region`);
  return `${readme.slice(0, start + README_START.length)}\n${body}\n${readme.slice(end)}`;
}
