import t from 'tap';
import { ConfigError, loadConfig } from '../../server/config.ts';

t.test('defaults give a server on 127.0.0.1:3000 with the embedded database under ./data', async (t) => {
  const c = loadConfig({});
  t.equal(c.port, 3000);
  t.equal(c.host, '127.0.0.1');
  t.equal(c.databaseUrl, undefined);
  t.match(c.dataDir, /\/data$/);
  t.equal(c.minGroupSize, 5);
  t.equal(c.publicUrl, 'http://127.0.0.1:3000');
  t.equal(c.logLevel, 'info');
});

t.test('values from the environment are used', async (t) => {
  const c = loadConfig({
    PORT: '8080',
    HOST: '0.0.0.0',
    DATABASE_URL: 'postgres://u@db:5432/befund',
    MIN_GROUP_SIZE: '10',
    PUBLIC_URL: 'https://befund.example.org/',
    LOG_LEVEL: 'warn',
  });
  t.equal(c.port, 8080);
  t.equal(c.databaseUrl, 'postgres://u@db:5432/befund');
  t.equal(c.minGroupSize, 10);
  t.equal(c.publicUrl, 'https://befund.example.org');
  t.equal(c.logLevel, 'warn');
});

const wrong: [string, Record<string, string>, RegExp][] = [
  ['a port that is not a number', { PORT: 'abc' }, /PORT muss eine Zahl sein/],
  ['a port out of range', { PORT: '70000' }, /PORT muss zwischen 0 und 65535/],
  ['a DATABASE_URL that is not postgres', { DATABASE_URL: 'mysql://x' }, /DATABASE_URL muss mit postgres:\/\//],
  ['a group size below 2', { MIN_GROUP_SIZE: '1' }, /MIN_GROUP_SIZE muss mindestens 2/],
  ['a PUBLIC_URL without scheme', { PUBLIC_URL: 'befund.example.org' }, /PUBLIC_URL muss eine vollständige Adresse/],
  ['an unknown log level', { LOG_LEVEL: 'loud' }, /LOG_LEVEL ist unbekannt; erlaubt sind fatal/],
  ['no room in the PDF queue', { PDF_CONCURRENCY: '0' }, /PDF_CONCURRENCY muss zwischen 1 und 32 liegen, z\. B\. PDF_CONCURRENCY=4/],
];
for (const [what, env, message] of wrong) {
  t.test(`${what} is refused with a sentence naming the variable`, async (t) => {
    t.throws(() => loadConfig(env), { name: 'ConfigError', message });
  });
}

t.test('two wrong values give two sentences in one error', async (t) => {
  try {
    loadConfig({ PORT: 'x', MIN_GROUP_SIZE: '0' });
    t.fail('should throw');
  } catch (err) {
    t.type(err, ConfigError);
    t.match((err as Error).message, /PORT[\s\S]*MIN_GROUP_SIZE/);
  }
});
