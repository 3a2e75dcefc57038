// The `befund` command: one subcommand per file under server/commands/. User errors are printed
// as one sentence without a stack trace; `--json` gives machine-readable output.
import { ConfigError } from './config.ts';
import { UserError } from './errors.ts';

type Command = (argv: string[]) => Promise<void>;

const commands: Record<string, () => Promise<{ default: Command }>> = {
  serve: () => import('./commands/serve.ts'),
  survey: () => import('./commands/survey.ts'),
  link: () => import('./commands/link.ts'),
  token: () => import('./commands/token.ts'),
  demo: () => import('./commands/demo.ts'),
  run: () => import('./commands/run.ts'),
  analyze: () => import('./commands/analyze.ts'),
  export: () => import('./commands/export.ts'),
  purge: () => import('./commands/purge.ts'),
  release: () => import('./commands/release.ts'),
  participants: () => import('./commands/participants.ts'),
  invite: () => import('./commands/invite.ts'),
};

const usage = `Befund – Befragungen, Bedarfsanalysen und Berichte je Zielgruppe

Aufruf: befund <Befehl> [Optionen]

Befehle:
  serve                         Server starten (wie npm start)
  survey add FILE [--slug S]    Umfrage importieren
  survey list                   Umfragen auflisten
  survey set S [--retention-days N|none] [--archive|--unarchive] [--webhook URL|none]
  link create --survey S --audience A [--label L] [--max N] [--opens ISO] [--closes ISO] [--one-per-browser]
  token create --role researcher|admin [--name N]    (auch: token list, token revoke ID)
  analyze --survey S [--audience A|all] --out DIR [--format json,svg,html,csv] [--min-group N] [--locale de|en]
  export --survey S --format csv|xlsx|sav|json --out FILE [--labels codes|text] [--status complete|all] [--locale de|en]
  demo [--responses N] [--survey S] [--seed N]   Umfrage mit synthetischen Antworten füllen
  purge                         Antworten nach Ablauf der Aufbewahrungsfrist löschen
  release publish|list --survey S   Stand der geteilten Berichte veröffentlichen / anzeigen
  run SCRIPT.ts                 Ein eigenes Auswertungsskript ausführen
  participants import|list|export|erase|purge --survey S …   Teilnehmerliste (Partnerpanel)
  invite --survey S [--reminder] [--dry-run]   Persönliche Einladungen / Erinnerungen senden

Alle Befehle nehmen --json für maschinenlesbare Ausgabe.`;

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return;
  }
  const load = commands[name];
  if (!load) throw new UserError(`Unbekannter Befehl "${name}". Verfügbar: ${Object.keys(commands).join(', ')} (befund --help)`);
  await (await load()).default(rest);
}

/** The messages of an error and its causes (Drizzle wraps the driver's error). */
function messages(err: unknown): string {
  let text = '';
  let e = err as { message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++, e = e.cause as typeof e) text += ` ${String(e.message)}`;
  return text;
}

// A command whose work waits on something that can never finish (a connection to a server that
// died) would let Node exit 0 as if all went well: say so and fail instead.
let finished = false;
process.on('beforeExit', () => {
  if (finished) return;
  console.error(
    'befund: Der Befehl wurde nicht zu Ende ausgeführt (eine Datenbankverbindung kam nicht zurück): starten Sie ihn noch einmal.\n' +
      'befund: The command did not finish (a database connection never came back): run it again.',
  );
  process.exit(1);
});

main(process.argv.slice(2))
  .then(() => {
    finished = true;
  })
  .catch(async (err: unknown) => {
    finished = true;
    if (err instanceof ConfigError || err instanceof UserError) {
      console.error(`befund: ${err.message}`);
      process.exit(err instanceof UserError ? err.exitCode : 1);
    }
    const [{ isConnectionLoss }, { usedServer }] = await Promise.all([import('./db/outage.ts'), import('./db/embedded.ts')]);
    if (usedServer() && (isConnectionLoss(err) || /Query read timeout/.test(messages(err)))) {
      // The command worked through a running server (db/embedded.ts), which went away or froze.
      console.error(
        'befund: Die Verbindung zum Befund-Server ist abgebrochen oder er antwortet nicht mehr: prüfen Sie, ob er läuft, und starten Sie den Befehl noch einmal; was bis dahin gespeichert war, bleibt erhalten.\n' +
          'befund: The connection to the Befund server was lost or it stopped answering: check that it runs and run the command again; what was stored until then is kept.',
      );
      process.exit(1);
    }
    console.error(err);
    process.exit(1);
  });
