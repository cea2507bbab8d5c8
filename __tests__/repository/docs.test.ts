/** The documentation: generated tables current, links that resolve, a front page that stays one. */
import * as fs from 'fs';
import * as path from 'path';
import { renderDocs } from '../../scripts/docs/render';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** README.md, CONTRIBUTING.md and the pages of docs/ (not the generated API reference). */
function pages(): string[] {
  const docs = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
      const file = path.posix.join(dir, e.name);
      if (e.isDirectory()) return file === 'docs/api' ? [] : docs(file);
      return e.name.endsWith('.md') ? [file] : [];
    });
  return ['README.md', 'CONTRIBUTING.md', ...docs('docs')];
}

/** Markdown text without its fenced blocks, whose contents are code rather than links or headings. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchors of a page's headings. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, title] of prose(text).matchAll(/^#{1,6}\s+(.+?)\s*$/gm)) {
    const slug = title
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** Relative links of a page: `[text](target)`, without those to the web. */
function relativeLinks(text: string): string[] {
  const inline = prose(text).replace(/`[^`\n]*`/g, '');
  return [...inline.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('docs', () => {
  test('every generated table is what its source makes now (npm run docs:tables rewrites them)', () => {
    const stale = Object.entries(renderDocs(ROOT))
      .filter(([page, text]) => read(page) !== text)
      .map(([page]) => page);
    expect(stale).toStrictEqual([]);
  });

  test('every relative link of the README, CONTRIBUTING.md and docs/ points at a file, and at a heading there', () => {
    const broken: string[] = [];
    for (const page of pages()) {
      for (const target of relativeLinks(read(page))) {
        const [file, anchor] = target.split('#');
        const resolved = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
        if (!fs.existsSync(path.join(ROOT, resolved))) broken.push(`${page}: ${target} (no ${resolved})`);
        else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor))
          broken.push(`${page}: ${target} (no heading)`);
      }
    }
    expect(broken).toStrictEqual([]);
  });

  test('the README is a front page: at most 12 KB', () => {
    expect(Buffer.byteLength(read('README.md'))).toBeLessThanOrEqual(12 * 1024);
  });

  test('no page names an issue of this project: upstream references name their repository', () => {
    const found = pages().flatMap((page) =>
      [...read(page).matchAll(/\b(issue|PR|pull request)s?\s+#?\d+|(?<![\w/-])#\d+\b/gi)]
        .filter((m) => !/[\w-]#\d+$/.test(read(page).slice(Math.max(0, (m.index ?? 0) - 40), (m.index ?? 0) + m[0].length)))
        .map((m) => `${page}: ${m[0]}`),
    );
    expect(found).toStrictEqual([]);
  });

  test('the package ships every file the README links to', () => {
    const pkg = JSON.parse(read('package.json')) as { files: string[] };
    const shipped = (file: string): boolean =>
      ['LICENSE', 'package.json'].includes(file) ||
      pkg.files.some((entry) =>
        entry.endsWith('/')
          ? file.startsWith(entry)
          : entry.includes('*')
            ? new RegExp(`^${entry.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`).test(file)
            : file === entry,
      );
    const links = relativeLinks(read('README.md'))
      .map((t) => path.posix.normalize(t.split('#')[0]))
      .filter((t) => t !== '.' && t !== '');
    expect(links.filter((file) => !shipped(file.endsWith('/') ? `${file}x` : file))).toStrictEqual([]);
  });
});
