// find-process 2.1 ships ESM declarations whose relative imports lack extensions, which
// NodeNext rejects (TS2835). This file gives the package its real types without
// skipLibCheck: the types come from the package's own (self-contained) types.d.ts.
import type { FindConfig, FindMethod, ProcessInfo } from '../node_modules/find-process/dist/esm/types.js';

export type { FindConfig, FindMethod, ProcessInfo };
declare function find(by: FindMethod, value: string | RegExp | number, options?: FindConfig | boolean): Promise<ProcessInfo[]>;
export default find;
