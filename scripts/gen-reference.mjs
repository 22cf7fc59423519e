// `npm run docs`: writes the command reference (docs/reference/) from the built command
// definitions. test/cli/reference.test.ts fails when the committed pages are not what this writes.
import fs from 'node:fs';
import { referencePages } from '../dist/src/cli/reference-pages.js';

for (const [file, text] of Object.entries(referencePages())) fs.writeFileSync(file, text);
