// The `befund` command: one subcommand per file under server/commands/, dispatched by
// runCommand (cli-run.ts). User errors are printed as one sentence without a stack trace;
// `--json` gives machine-readable output.
import { runCommand } from './cli-run.ts';

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

runCommand(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then((code) => {
  finished = true;
  // a failed command ends at once (pending work is abandoned); a successful one once its work is done
  if (code !== 0) process.exit(code);
});
