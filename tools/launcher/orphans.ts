import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface RecordedProcess {
  pid: number;
  match: string;
}

const file = (dataDir: string) => join(dataDir, 'launcher.pids.json');

/**
 * A launcher killed with SIGKILL leaves its children running and holding their ports. Their pids are recorded,
 * and the next start stops any that still run the same program (checked through /proc, so a recycled pid is spared).
 */
export function stopOrphans(dataDir: string): void {
  if (!existsSync(file(dataDir))) return;
  const recorded = JSON.parse(readFileSync(file(dataDir), 'utf8')) as RecordedProcess[];
  for (const { pid, match } of recorded) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(match)) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function recordProcesses(dataDir: string, processes: RecordedProcess[]): void {
  writeFileSync(file(dataDir), JSON.stringify(processes));
}
