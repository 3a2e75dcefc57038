import t from 'tap';
import { canonicalJson, definitionHash } from '../../surveys/hash.ts';

t.test('key order and whitespace do not change the hash', async (t) => {
  const a = JSON.parse('{ "title": "T", "pages": [ { "name": "p", "elements": [] } ] }');
  const b = JSON.parse('{"pages":[{"elements":[],"name":"p"}],"title":"T"}');
  t.equal(definitionHash(a), definitionHash(b));
});

t.test('a changed title gives a different hash', async (t) => {
  t.not(definitionHash({ title: 'A' }), definitionHash({ title: 'B' }));
});

t.test('array order matters, because choice order is meaningful', async (t) => {
  t.not(definitionHash({ choices: [1, 2] }), definitionHash({ choices: [2, 1] }));
});

t.test('canonical JSON sorts keys at every level', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
});

t.test('the hash is the hex sha256 of the canonical JSON', async (t) => {
  t.equal(definitionHash({}), '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
});
