import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A fact lives in one document and the others link to it: a link that leads nowhere loses the fact.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCUMENTS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

describe('links in the README and docs/', () => {
  it.each(DOCUMENTS)('%s: every relative link leads to a file, and every anchor to a heading', (document) => {
    const path = join(ROOT, document);
    const broken = relativeLinks(readFileSync(path, 'utf8')).flatMap((link) => {
      const [target = '', anchor] = link.split('#', 2);
      const file = target === '' ? path : resolve(dirname(path), decodeURIComponent(target));
      if (!existsSync(file)) return [`${link}: no file ${relative(ROOT, file)}`];
      if (anchor === undefined || !file.endsWith('.md') || statSync(file).isDirectory()) return [];
      return headingAnchors(readFileSync(file, 'utf8')).has(anchor) ? [] : [`${link}: no heading #${anchor} in ${relative(ROOT, file)}`];
    });
    expect(broken).toStrictEqual([]);
  });

  it('makes anchors as GitHub does', () => {
    const anchors = headingAnchors(
      '# Okta: `okta:secret`, `okta:register`\n## What `cdk destroy` keeps\n## Logs\n## Logs\n```\n# not a heading\n```\n',
    );
    expect([...anchors]).toStrictEqual(['okta-oktasecret-oktaregister', 'what-cdk-destroy-keeps', 'logs', 'logs-1']);
  });
});

/** The targets of Markdown links and images outside code, without those to other sites. */
function relativeLinks(markdown: string): string[] {
  const prose = withoutCode(markdown);
  return [...prose.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((match) => match[1] as string)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** The anchors GitHub gives the headings of a Markdown text: lower case, punctuation dropped, spaces as -. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading] of withoutCode(markdown, { keepInline: true }).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = (heading as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** The text with fenced blocks removed, and inline code too unless asked to keep it (headings use it). */
function withoutCode(markdown: string, { keepInline = false } = {}): string {
  const unfenced = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1\s*$/gm, '');
  return keepInline ? unfenced : unfenced.replace(/`[^`\n]*`/g, '');
}
