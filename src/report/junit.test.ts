import { describe, expect, it } from 'vitest';
import { sampleResults } from '../../test/helpers/results.js';
import { renderJUnit, xmlAttr } from './junit.js';

interface El {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: El[];
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+);/g;
const unescape = (s: string): string =>
  s.replace(ENTITY, (_, e: string) => (e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[e]!));

/** A strict little XML reader: balanced tags, quoted attributes, no raw '<' or stray '&'. Enough for JUnit. */
function parseXml(xml: string): El {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: El = { name: '#root', attrs: {}, text: '', children: [] };
  const stack = [root];
  const clean = (s: string): string => {
    expect(s.replace(ENTITY, '')).not.toMatch(/[<&]/);
    return unescape(s);
  };
  for (const tok of body.split(/(<[^>]*>)/)) {
    const top = stack[stack.length - 1]!;
    if (!tok.startsWith('<')) {
      top.text += clean(tok);
      continue;
    }
    const close = /^<\/([\w.-]+)\s*>$/.exec(tok);
    if (close) {
      expect(close[1]).toBe(top.name);
      stack.pop();
      continue;
    }
    const open = /^<([\w.-]+)((?:\s+[\w.-]+="[^"]*")*)\s*(\/?)>$/.exec(tok);
    expect(open, `malformed tag ${tok}`).not.toBeNull();
    const el: El = { name: open![1]!, attrs: {}, text: '', children: [] };
    for (const [, k, v] of open![2]!.matchAll(/([\w.-]+)="([^"]*)"/g)) {
      expect(el.attrs[k!]).toBeUndefined();
      el.attrs[k!] = clean(v!);
    }
    top.children.push(el);
    if (open![3] !== '/') stack.push(el);
  }
  expect(stack).toHaveLength(1);
  expect(root.children).toHaveLength(1);
  return root.children[0]!;
}

const all = (el: El, name: string): El[] => [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];

describe('renderJUnit', () => {
  const results = sampleResults();
  const doc = parseXml(renderJUnit(results));
  const suite = all(doc, 'testsuite');
  const cases = all(doc, 'testcase');

  it('one suite with counts in its attributes', () => {
    expect(doc.name).toBe('testsuites');
    expect(suite).toHaveLength(1);
    const a = suite[0]!.attrs;
    expect(a.name).toBe('llm-bench: steady & "quoted" <chat>');
    expect(a).toMatchObject({ tests: '4', failures: '2', errors: '0', time: '10.000', timestamp: '2025-03-01T12:00:00' });
    expect(doc.attrs).toMatchObject({ tests: '4', failures: '2', errors: '0' });
  });

  it('one testcase per verdict; failures only where the threshold failed', () => {
    expect(cases.map((c) => c.attrs.name)).toEqual(results.thresholds.map((v) => `${v.metric}: ${v.expr}`));
    expect(results.thresholds.map((v) => v.pass)).toEqual([true, false, false, true]);
    cases.forEach((c, i) => {
      const v = results.thresholds[i]!;
      expect(c.attrs.classname).toBe(`thresholds.${v.metric}`);
      expect(c.attrs.time).toBe('10.000');
      expect(all(c, 'failure')).toHaveLength(v.pass ? 0 : 1);
    });
    const [e2e, connect] = [all(cases[1]!, 'failure')[0]!, all(cases[2]!, 'failure')[0]!];
    expect(e2e.attrs.type).toBe('threshold');
    expect(e2e.attrs.message).toBe(`actual ${results.thresholds[1]!.actual!.toFixed(1)} ms vs expected p99 < 50ms`);
    expect(e2e.text).toContain('e2e (all, n=200)');
    expect(connect.attrs.message).toBe('no data vs expected p95 < 5ms');
  });

  it('properties: scenario, seed, target, version; partial runs marked', () => {
    const props = (el: El) => Object.fromEntries(all(el, 'property').map((p) => [p.attrs.name, p.attrs.value]));
    expect(props(doc)).toMatchObject({
      scenario: 'steady & "quoted" <chat>',
      seed: '42',
      'target.model': 'gpt-4o-mini',
      'target.url': 'http://127.0.0.1:8080/v1?a=1&b=2',
      'tool.version': '0.1.0',
    });
    expect(props(doc).partial).toBeUndefined();
    const partial = parseXml(renderJUnit(sampleResults({ partial: 'SIGINT' })));
    expect(props(partial)).toMatchObject({ partial: 'true', 'partial.reason': 'SIGINT' });
  });

  it('no thresholds: one passing "run completed" case', () => {
    const d = parseXml(renderJUnit(sampleResults({ thresholds: {} })));
    const c = all(d, 'testcase');
    expect(c.map((x) => x.attrs.name)).toEqual(['run completed']);
    expect(all(d, 'failure')).toHaveLength(0);
    expect(all(d, 'testsuite')[0]!.attrs).toMatchObject({ tests: '1', failures: '0' });
  });

  it('escapes markup, quotes, line breaks and characters XML cannot hold', () => {
    const r = sampleResults({ scenario: `a<b>&"c'\nd\u0001e` });
    const xml = renderJUnit(r);
    expect(xml).toContain('name="llm-bench: a&lt;b&gt;&amp;&quot;c&apos;&#10;d\uFFFDe"');
    expect(all(parseXml(xml), 'testsuite')[0]!.attrs.name).toBe(`llm-bench: a<b>&"c'\nd\uFFFDe`);
    expect(xmlAttr('\uD800x')).toBe('\uFFFDx'); // a lone surrogate
  });
});
