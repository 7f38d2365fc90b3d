// The main step's logic, as `npx @github/local-action` runs it from source (it looks for `run`).
import '../shared/cjs-globals.js';

export { runMain as run } from './run.js';
