import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GflowError } from '../../src/protocol/errors.js';
import {
  MAX_TASKS,
  expandParams,
  parseArraySpec,
  parseParamCsv,
  parseParamSpecs,
  substituteParams,
} from '../../src/core/sweep.js';

function usage(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof GflowError, 'expected a GflowError');
    assert.equal(err.code, 'usage');
    assert.match(err.message, pattern);
    assert.ok(err.hint && err.hint.length > 0, 'expected a hint');
    assert.ok(!err.message.includes('\n'), 'message is one line');
    return true;
  };
}

describe('parseArraySpec', () => {
  it('reads ranges, lists, steps and mixes', () => {
    assert.deepEqual(parseArraySpec('1-5'), { tasks: [1, 2, 3, 4, 5] });
    assert.deepEqual(parseArraySpec('1,3,7'), { tasks: [1, 3, 7] });
    assert.deepEqual(parseArraySpec('0-20:5'), { tasks: [0, 5, 10, 15, 20] });
    assert.deepEqual(parseArraySpec('0-22:5'), { tasks: [0, 5, 10, 15, 20] });
    assert.deepEqual(parseArraySpec('1-3,8'), { tasks: [1, 2, 3, 8] });
    assert.deepEqual(parseArraySpec('0'), { tasks: [0] });
    assert.deepEqual(parseArraySpec('4-4'), { tasks: [4] });
  });

  it('sorts and deduplicates', () => {
    assert.deepEqual(parseArraySpec('8,1-3,2,3-4'), { tasks: [1, 2, 3, 4, 8] });
    assert.deepEqual(parseArraySpec(' 5 , 5 '), { tasks: [5] });
  });

  it('reads the %N concurrency cap', () => {
    const spec = parseArraySpec('1-100%4');
    assert.equal(spec.tasks.length, 100);
    assert.equal(spec.tasks[0], 1);
    assert.equal(spec.tasks[99], 100);
    assert.equal(spec.maxConcurrent, 4);
    assert.deepEqual(parseArraySpec('1,3%1'), { tasks: [1, 3], maxConcurrent: 1 });
    assert.equal('maxConcurrent' in parseArraySpec('1-3'), false);
  });

  it('accepts exactly MAX_TASKS tasks and refuses one more', () => {
    assert.equal(MAX_TASKS, 100_000);
    assert.equal(parseArraySpec(`1-${MAX_TASKS}`).tasks.length, MAX_TASKS);
    assert.throws(() => parseArraySpec(`0-${MAX_TASKS}`), usage(/more than 100000 tasks/));
    assert.throws(() => parseArraySpec(`1-${MAX_TASKS},${MAX_TASKS + 1}`), usage(/more than 100000 tasks/));
    assert.throws(() => parseArraySpec('0-999999999999'), usage(/more than 100000 tasks/));
    // overlapping ranges count once
    assert.equal(parseArraySpec(`1-${MAX_TASKS},1-${MAX_TASKS}`).tasks.length, MAX_TASKS);
  });

  it('refuses bad specs', () => {
    assert.throws(() => parseArraySpec(''), usage(/no tasks/));
    assert.throws(() => parseArraySpec('   '), usage(/no tasks/));
    assert.throws(() => parseArraySpec('%4'), usage(/no tasks/));
    assert.throws(() => parseArraySpec('-3'), usage(/negative/));
    assert.throws(() => parseArraySpec('1,-3'), usage(/negative/));
    assert.throws(() => parseArraySpec('10-1'), usage(/ends before it starts/));
    assert.throws(() => parseArraySpec('0-20:0'), usage(/step .* at least 1/));
    assert.throws(() => parseArraySpec('0-20:-5'), usage(/step .* at least 1/));
    assert.throws(() => parseArraySpec('1-10%0'), usage(/at least 1/));
    assert.throws(() => parseArraySpec('1-10%'), usage(/not a whole number/));
    assert.throws(() => parseArraySpec('1-10%x'), usage(/not a whole number/));
    assert.throws(() => parseArraySpec('1-10%-2'), usage(/not a whole number/));
    for (const bad of ['a', '1.5', '1-', '1-b', '1,,2', '1,', '3:2', '1-5:2:1', '0x10', '1-10%%4', '99999999999999999999']) {
      assert.throws(() => parseArraySpec(bad), usage(/invalid array spec/), bad);
    }
  });
});

describe('parseParamSpecs', () => {
  it('reads lists in the order given', () => {
    assert.deepEqual(parseParamSpecs(['lr=0.1,0.01', 'model=resnet,vit']), {
      names: ['lr', 'model'],
      values: { lr: ['0.1', '0.01'], model: ['resnet', 'vit'] },
    });
    assert.deepEqual(parseParamSpecs(['b=z,a, m ']).values.b, ['z', 'a', 'm']);
    assert.deepEqual(parseParamSpecs(['opt=--x=1']).values.opt, ['--x=1']);
  });

  it('reads inclusive numeric ranges', () => {
    assert.deepEqual(parseParamSpecs(['seed=1:5']).values.seed, ['1', '2', '3', '4', '5']);
    assert.deepEqual(parseParamSpecs(['x=0:10:5']).values.x, ['0', '5', '10']);
    assert.deepEqual(parseParamSpecs(['x=0:9:5']).values.x, ['0', '5']);
    assert.deepEqual(parseParamSpecs(['x=3:3']).values.x, ['3']);
    assert.deepEqual(parseParamSpecs(['x=-2:1']).values.x, ['-2', '-1', '0', '1']);
  });

  it('formats fractional steps without floating-point noise', () => {
    assert.deepEqual(parseParamSpecs(['p=0:1:0.25']).values.p, ['0', '0.25', '0.5', '0.75', '1']);
    assert.deepEqual(parseParamSpecs(['p=0:0.3:0.1']).values.p, ['0', '0.1', '0.2', '0.3']);
    assert.deepEqual(parseParamSpecs(['p=0.1:0.7:0.2']).values.p, ['0.1', '0.3', '0.5', '0.7']);
    assert.deepEqual(parseParamSpecs(['p=-0.2:0.2:0.1']).values.p, ['-0.2', '-0.1', '0', '0.1', '0.2']);
    const ten = parseParamSpecs(['p=0:1:0.1']).values.p!;
    assert.equal(ten.length, 11);
    assert.equal(ten[3], '0.3');
    assert.equal(ten[10], '1');
  });

  it('treats colon values that are not all numbers as a plain value', () => {
    assert.deepEqual(parseParamSpecs(['host=node1:8080']).values.host, ['node1:8080']);
    assert.deepEqual(parseParamSpecs(['t=1:2,3:4']).values.t, ['1:2', '3:4']);
  });

  it('returns nothing for no specs', () => {
    assert.deepEqual(parseParamSpecs([]), { names: [], values: {} });
  });

  it('refuses bad specs', () => {
    assert.throws(() => parseParamSpecs(['lr']), usage(/missing '='/));
    assert.throws(() => parseParamSpecs(['=1,2']), usage(/not a valid name/));
    assert.throws(() => parseParamSpecs(['1x=1']), usage(/not a valid name/));
    assert.throws(() => parseParamSpecs(['a-b=1']), usage(/not a valid name/));
    assert.throws(() => parseParamSpecs(['lr=1', 'lr=2']), usage(/more than once/));
    assert.throws(() => parseParamSpecs(['lr=']), usage(/no values/));
    assert.throws(() => parseParamSpecs(['lr=  ']), usage(/no values/));
    assert.throws(() => parseParamSpecs(['lr=1,,2']), usage(/empty value/));
    assert.throws(() => parseParamSpecs(['lr=1,']), usage(/empty value/));
    assert.throws(() => parseParamSpecs(['x=5:1']), usage(/ends before it starts/));
    assert.throws(() => parseParamSpecs(['x=0:1:0']), usage(/step must be greater than 0/));
    assert.throws(() => parseParamSpecs(['x=0:1:-0.5']), usage(/step must be greater than 0/));
    assert.throws(() => parseParamSpecs([`x=1:${MAX_TASKS + 1}`]), usage(/more than 100000/));
    assert.equal(parseParamSpecs([`x=1:${MAX_TASKS}`]).values.x!.length, MAX_TASKS);
  });
});

describe('parseParamCsv', () => {
  it('reads a header and rows', () => {
    assert.deepEqual(parseParamCsv('lr,model\n0.1,resnet\n0.01,vit\n'), {
      names: ['lr', 'model'],
      rows: [
        { lr: '0.1', model: 'resnet' },
        { lr: '0.01', model: 'vit' },
      ],
    });
  });

  it('skips blank lines, handles CRLF, a BOM and spaces around fields', () => {
    assert.deepEqual(parseParamCsv('\uFEFF a , b \r\n\r\n1, 2\r\n  \r\n3 ,4'), {
      names: ['a', 'b'],
      rows: [
        { a: '1', b: '2' },
        { a: '3', b: '4' },
      ],
    });
  });

  it('reads quoted fields with commas and "" escapes', () => {
    const csv = parseParamCsv('name,args\n"a,b","say ""hi"""\n"",x\n " padded " , y');
    assert.deepEqual(csv.rows, [
      { name: 'a,b', args: 'say "hi"' },
      { name: '', args: 'x' },
      { name: ' padded ', args: 'y' },
    ]);
  });

  it('allows empty unquoted fields', () => {
    assert.deepEqual(parseParamCsv('a,b\n1,\n,2').rows, [
      { a: '1', b: '' },
      { a: '', b: '2' },
    ]);
  });

  it('refuses bad files, naming the line', () => {
    assert.throws(() => parseParamCsv('a,b\n1,2\n\n3'), usage(/line 4: 1 fields, the header has 2/));
    assert.throws(() => parseParamCsv('a,b\n1,2,3'), usage(/line 2: 3 fields/));
    assert.throws(() => parseParamCsv('a\n"open'), usage(/line 2: unterminated quoted field/));
    assert.throws(() => parseParamCsv('a\n"x"y'), usage(/line 2: text after a closing quote/));
    assert.throws(() => parseParamCsv('a,1b\n1,2'), usage(/line 1: '1b' is not a valid parameter name/));
    assert.throws(() => parseParamCsv('a,,b\n1,2,3'), usage(/line 1: '' is not a valid/));
    assert.throws(() => parseParamCsv('a,a\n1,2'), usage(/line 1: 'a' appears twice/));
    assert.throws(() => parseParamCsv(''), usage(/CSV is empty/));
    assert.throws(() => parseParamCsv('\n  \n'), usage(/CSV is empty/));
    assert.throws(() => parseParamCsv('a,b\n'), usage(/header but no rows/));
  });
});

describe('expandParams', () => {
  it('takes the Cartesian product, first name slowest', () => {
    const specs = parseParamSpecs(['a=1,2', 'b=x,y,z']);
    assert.deepEqual(expandParams(specs), [
      { a: '1', b: 'x' },
      { a: '1', b: 'y' },
      { a: '1', b: 'z' },
      { a: '2', b: 'x' },
      { a: '2', b: 'y' },
      { a: '2', b: 'z' },
    ]);
    assert.deepEqual(expandParams(parseParamSpecs(['only=7'])), [{ only: '7' }]);
  });

  it('crosses CSV rows (outer) with the spec product (inner)', () => {
    const csv = parseParamCsv('model,data\nresnet,c10\nvit,in1k');
    const specs = parseParamSpecs(['seed=1:2']);
    const out = expandParams(specs, csv);
    assert.deepEqual(out, [
      { model: 'resnet', data: 'c10', seed: '1' },
      { model: 'resnet', data: 'c10', seed: '2' },
      { model: 'vit', data: 'in1k', seed: '1' },
      { model: 'vit', data: 'in1k', seed: '2' },
    ]);
    assert.deepEqual(Object.keys(out[0]!), ['model', 'data', 'seed']);
  });

  it('uses the CSV rows alone when there are no specs', () => {
    const csv = parseParamCsv('a\n1\n2');
    const out = expandParams({ names: [], values: {} }, csv);
    assert.deepEqual(out, [{ a: '1' }, { a: '2' }]);
    assert.notEqual(out[0], csv.rows[0], 'returns copies, not the parsed rows');
  });

  it('returns [] with no specs and no CSV', () => {
    assert.deepEqual(expandParams({ names: [], values: {} }), []);
  });

  it('refuses a name in both, and expansions over MAX_TASKS', () => {
    const csv = parseParamCsv('lr\n0.1');
    assert.throws(() => expandParams(parseParamSpecs(['lr=1,2']), csv), usage(/'lr' is given both/));
    const big = parseParamSpecs(['a=1:1000', 'b=1:101']);
    assert.throws(() => expandParams(big), usage(/more than 100000 tasks/));
    assert.equal(expandParams(parseParamSpecs(['a=1:1000', 'b=1:100'])).length, MAX_TASKS);
    const rows = parseParamCsv('c\n1\n2');
    assert.throws(() => expandParams(parseParamSpecs(['a=1:1000', 'b=1:51']), rows), usage(/more than 100000/));
  });
});

describe('substituteParams', () => {
  it('replaces {name} for known names, every occurrence', () => {
    assert.equal(substituteParams('train --lr {lr} --out runs/{lr}_{seed}', { lr: '0.1', seed: '3' }), 'train --lr 0.1 --out runs/0.1_3');
  });

  it('leaves everything else exactly as written', () => {
    const p = { lr: '0.1' };
    assert.equal(substituteParams('echo ${HOME} {unknown} {{ }} { lr } {lr', p), 'echo ${HOME} {unknown} {{ }} { lr } {lr');
    assert.equal(substituteParams('awk "{print $1}"', p), 'awk "{print $1}"');
    assert.equal(substituteParams('{constructor} {toString}', p), '{constructor} {toString}');
    assert.equal(substituteParams('', p), '');
  });

  it('substitutes once, without re-reading values', () => {
    assert.equal(substituteParams('{a}', { a: '{b}', b: 'no' }), '{b}');
    assert.equal(substituteParams('{a}', { a: '$&' }), '$&');
  });

  it('replaces a known name even inside ${...} and {{...}}', () => {
    assert.equal(substituteParams('${lr} {{lr}}', { lr: '0.1' }), '$0.1 {0.1}');
  });
});
