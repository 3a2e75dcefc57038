// Types of scripts/test-files.js (plain JavaScript: scripts/database-tests.js runs on node without tsx).
export function testFiles(options?: { browser?: boolean }): string[];
