/**
 * `pnpm bench`: runs every `bench/*.bench.ts` (or those named on the command line) and prints
 * each figure as `area  name  value unit`. Benchmarks print figures; they never assert limits.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Report = (name: string, value: number, unit: string, note?: string) => void;

interface BenchModule {
  run(report: Report): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

for (const file of files) {
  const area = file.replace(/\.bench\.ts$/, '');
  const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  const report: Report = (name, value, unit, note) => {
    const v = Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 3 : 1);
    console.log(
      `${area.padEnd(12)} ${name.padEnd(48)} ${v.padStart(12)} ${unit}${note ? `  (${note})` : ''}`,
    );
  };
  try {
    await mod.run(report);
  } catch (err) {
    console.log(`${area.padEnd(12)} FAILED: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  }
}
