/**
 * A GitHub-like page around rendered output: a check run's name, conclusion icon and title
 * above its summary and text, or an issue's title above its body. The Markdown goes through
 * the same renderer the tests read (test/support/markdown.ts) and is styled with
 * github-markdown-css, inlined so the page loads nothing.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { CheckConclusion } from '../../src/github-app/render/index.js';
import { markdownToHtml } from '../../test/support/markdown.js';
import type { Frame } from './scenarios.js';

/** Wide enough for GitHub's content column; the screenshot is this wide. */
export const PAGE_WIDTH = 1000;

const markdownCss = readFileSync(createRequire(import.meta.url).resolve('github-markdown-css/github-markdown-light.css'), 'utf8');

const PAGE_CSS = `
  body { margin: 0; background: #fff; color: #1f2328; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Noto Color Emoji"; }
  .repo { padding: 16px 24px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; font-size: 20px; }
  .repo b { font-weight: 600; }
  main { padding: 24px; }
  .box { border: 1px solid #d1d9e0; border-radius: 6px; }
  .box > header { display: flex; align-items: center; gap: 8px; padding: 16px; border-bottom: 1px solid #d1d9e0; background: #f6f8fa; border-radius: 6px 6px 0 0; }
  .check-name { font-size: 20px; font-weight: 600; }
  .check-title { padding: 16px 16px 0; font-size: 24px; font-weight: 400; margin: 0; }
  .markdown-body { padding: 16px; }
  .markdown-body + .markdown-body { border-top: 1px solid #d1d9e0; }
  .issue-title { font-size: 32px; font-weight: 400; margin: 0 0 8px; }
  .state { display: inline-block; padding: 5px 12px; border-radius: 2em; background: #1f883d; color: #fff; font-size: 14px; font-weight: 500; margin-bottom: 16px; }
`;

// After GitHub's 16px conclusion icons: a green tick, a red cross, a grey square for neutral.
const ICONS: Record<CheckConclusion, { color: string; path: string }> = {
  success: { color: '#1a7f37', path: 'M8 16A8 8 0 1 1 8 0a8 8 0 0 1 0 16Zm3.78-9.72a.751.751 0 0 0-.018-1.042.751.751 0 0 0-1.042-.018L6.75 9.19 5.28 7.72a.751.751 0 0 0-1.042.018.751.751 0 0 0-.018 1.042l2 2a.75.75 0 0 0 1.06 0Z' },
  failure: { color: '#d1242f', path: 'M2.343 13.657A8 8 0 1 1 13.658 2.343 8 8 0 0 1 2.343 13.657ZM6.03 4.97a.751.751 0 0 0-1.042.018.751.751 0 0 0-.018 1.042L6.94 8 4.97 9.97a.749.749 0 0 0 .326 1.275.749.749 0 0 0 .734-.215L8 9.06l1.97 1.97a.749.749 0 0 0 1.275-.326.749.749 0 0 0-.215-.734L9.06 8l1.97-1.97a.749.749 0 0 0-.326-1.275.749.749 0 0 0-.734.215L8 6.94Z' },
  neutral: { color: '#59636e', path: 'M5.75 4h4.5c.966 0 1.75.784 1.75 1.75v4.5A1.75 1.75 0 0 1 10.25 12h-4.5A1.75 1.75 0 0 1 4 10.25v-4.5C4 4.784 4.784 4 5.75 4Z' },
  // Waiting for approvals: the neutral shape in GitHub's attention colour.
  action_required: { color: '#9a6700', path: 'M5.75 4h4.5c.966 0 1.75.784 1.75 1.75v4.5A1.75 1.75 0 0 1 10.25 12h-4.5A1.75 1.75 0 0 1 4 10.25v-4.5C4 4.784 4.784 4 5.75 4Z' },
};

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function icon(conclusion: CheckConclusion): string {
  const { color, path } = ICONS[conclusion];
  return `<svg width="24" height="24" viewBox="0 0 16 16" fill="${color}" aria-label="${conclusion}"><path d="${path}"/></svg>`;
}

const markdown = (body: string) => (body.trim() ? `<article class="markdown-body">${markdownToHtml(body)}</article>` : '');

function content(frame: Frame): string {
  if (frame.kind === 'issue') {
    return `<h1 class="issue-title">${escapeHtml(frame.title)}</h1><span class="state">Open</span><div class="box">${markdown(frame.body)}</div>`;
  }
  const { output } = frame;
  return [
    '<div class="box">',
    `<header>${icon(output.conclusion)}<span class="check-name">${escapeHtml(frame.name)}</span></header>`,
    `<h2 class="check-title">${escapeHtml(output.title)}</h2>`,
    markdown(output.summary),
    markdown(output.text),
    '</div>',
  ].join('');
}

export function pageHtml(frame: Frame): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><style>${markdownCss}${PAGE_CSS}</style></head>
<body><div class="repo">acme / <b>config</b></div><main>${content(frame)}</main></body></html>`;
}
