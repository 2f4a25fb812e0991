/** The output targets, in the order their files are listed. Each target lives in its own folder. */
import type { Target } from './files.ts';

export const targets: readonly Target[] = [];
