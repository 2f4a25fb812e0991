/** The bundle format version (runtimeHash.mjs). */
export declare const runtimeBundleFormat: number;
/** A hash of runtime/ under the package root `root`, and of the bundle's format. */
export declare function runtimeSourceHash(root: string): string;
