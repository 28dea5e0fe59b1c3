/** PromQL aggregations: a series read inside one of these no longer stands for a single pod. */
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'absent',
  'absent_over_time',
]);
/** Words followed by a parenthesised label list, not by an expression. */
const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const OPERATORS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'atan2']);

/**
 * The metric selectors of a PromQL expression that are not inside any aggregation, e.g. `x` in
 * `x == 0` or in `rate(x[5m]) > 1` (an alert per pod), but not in `max(x) == 0` or
 * `histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))`. A small scanner, enough for
 * alert rules: strings, label matchers and ranges are skipped.
 */
export function unaggregatedSelectors(expr: string): string[] {
  const found: string[] = [];
  const stack: boolean[] = [];
  let pendingAggregation = false;
  let skipList = false;
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i]!;
    if (ch === '"' || ch === "'" || ch === '`') {
      const end = expr.indexOf(ch, i + 1);
      i = end < 0 ? expr.length : end + 1;
    } else if (ch === '{' || ch === '[') {
      const end = expr.indexOf(ch === '{' ? '}' : ']', i + 1);
      i = end < 0 ? expr.length : end + 1;
    } else if (ch === '(') {
      if (skipList) {
        const end = expr.indexOf(')', i + 1);
        i = end < 0 ? expr.length : end + 1;
        skipList = false;
        continue;
      }
      stack.push(pendingAggregation);
      pendingAggregation = false;
      i++;
    } else if (ch === ')') {
      stack.pop();
      i++;
    } else if (/[A-Za-z_:]/.test(ch)) {
      const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i))![0];
      i += word.length;
      const callsFunction = /^\s*\(/.test(expr.slice(i));
      if (GROUPING.has(word)) skipList = true;
      else if (AGGREGATIONS.has(word)) pendingAggregation = true;
      else if (!callsFunction && !OPERATORS.has(word) && !stack.some(Boolean)) found.push(word);
    } else {
      i++;
    }
  }
  return found;
}

/**
 * The anchors GitHub gives the headings of a Markdown text (`## Runbooks` → `runbooks`,
 * `### SwitchboardDashboardDown` → `switchboarddashboarddown`), outside fenced code blocks.
 */
export function githubAnchors(markdown: string): string[] {
  const anchors: string[] = [];
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.push(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}
