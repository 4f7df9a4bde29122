import type { Io } from './output';
import { run } from './run';

const io: Io = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  errIsTty: process.stderr.isTTY === true,
  errStream: process.stderr,
  env: process.env,
  input: process.stdin,
};

void run(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
});
