import { describe, expect, it } from 'vitest';
import { buildReport, formatReport } from '../../../src/cli/report';
import { trapSummary } from '../../../src/core/analysis';

describe('the check report', () => {
  it('lists our own failures, so a run that lost capture to a bug of ours says so', () => {
    const r = buildReport('http://app/', Date.now(), [], [], trapSummary([], []), [{ where: 'hook:fetch', message: 'TypeError: x is not a function', count: 3 }]);
    expect(r.internalErrors).toEqual([{ where: 'hook:fetch', message: 'TypeError: x is not a function', count: 3 }]);
    expect(formatReport(r)).toContain("The inspector's own code failed (the page was not affected; please report this):\n    hook:fetch ×3: TypeError: x is not a function");
    expect(formatReport(buildReport('http://app/', Date.now(), [], [], trapSummary([], [])))).not.toContain('own code failed');
  });
});
