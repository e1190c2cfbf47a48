// Types of espruino-subset.mjs (read by the TypeScript bundle checker).
export declare const PORTABLE_FOLDERS: string[];
export declare const MISSING_GLOBALS: string[];
export declare const MISSING_MEMBERS: [string, string, string][];
export declare function regexProblem(pattern: string): string;
