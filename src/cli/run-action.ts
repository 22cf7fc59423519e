// A command's action: its module is imported only when it runs (so \`gflow submit\` does not pay
// for what \`gflow config\` needs), and its error is printed in the one place errors are.
import { reportAndExit } from './fail.js';

export function run(load: () => Promise<(...args: never[]) => Promise<void> | void>) {
  return async (...args: unknown[]): Promise<void> => {
    try {
      const fn = (await load()) as (...a: unknown[]) => Promise<void> | void;
      await fn(...args);
    } catch (err) {
      reportAndExit(err);
    }
  };
}
