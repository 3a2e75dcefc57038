// runCommand(argv, io): one `befund` command from dispatch to exit code, with the user-error
// wording of the real command. server/cli.ts runs it with the process's environment and streams;
// tests run it inside the test process with their own (test/helpers/cli.ts), which spares a new
// Node, tsx and PGlite start (2–5 s of CPU) for each call.
//
// `serve` and `run` own their process (signal handlers, process.argv, a module imported once):
// only the real command runs them.
import { Console } from 'node:console';
import { type CommandIo, withCommandIo } from './commands/common.ts';
import { ConfigError } from './config.ts';
import { UserError } from './errors.ts';

export type { CommandIo } from './commands/common.ts';

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

/** The commands that only run in a process of their own (see the header). */
export const OWN_PROCESS: readonly string[] = ['serve', 'run'];

async function dispatch(argv: string[], io: CommandIo): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage}\n`);
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

/** Prints what went wrong the way the user should read it and gives the exit code. */
async function failure(err: unknown, io: CommandIo): Promise<number> {
  // a Console on the given streams: the same formatting (and colours on a terminal) as console.error
  const out = new Console({ stdout: io.stdout, stderr: io.stderr });
  if (err instanceof ConfigError || err instanceof UserError) {
    out.error(`befund: ${err.message}`);
    return err instanceof UserError ? err.exitCode : 1;
  }
  const [{ isConnectionLoss }, { usedServer }] = await Promise.all([import('./db/outage.ts'), import('./db/embedded.ts')]);
  if (usedServer() && (isConnectionLoss(err) || /Query read timeout/.test(messages(err)))) {
    // The command worked through a running server (db/embedded.ts), which went away or froze.
    out.error(
      'befund: Die Verbindung zum Befund-Server ist abgebrochen oder er antwortet nicht mehr: prüfen Sie, ob er läuft, und starten Sie den Befehl noch einmal; was bis dahin gespeichert war, bleibt erhalten.\n' +
        'befund: The connection to the Befund server was lost or it stopped answering: check that it runs and run the command again; what was stored until then is kept.',
    );
    return 1;
  }
  out.error(err);
  return 1;
}

/**
 * Runs `befund <argv…>` with `io`'s environment (instead of process.env) and streams; resolves to
 * the exit code the real command ends with. Its output is complete when the promise resolves.
 */
export async function runCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    await withCommandIo(io, () => dispatch(argv, io));
    return 0;
  } catch (err) {
    return failure(err, io);
  }
}
