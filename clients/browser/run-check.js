// Runs a browser check as a command, the same way for every check script: reads its options, prints
// its result as one JSON line, and exits 0 when every check holds, 1 when one fails, 2 when the
// options are wrong or the browser could not be driven.
'use strict';

async function runCheck(options, check) {
  let opts;
  try {
    opts = options(process.argv.slice(2));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, failures: [error.message] }));
    process.exit(2);
  }
  try {
    const result = await check(opts);
    console.log(JSON.stringify(result));
    process.exit(result.ok ? 0 : 1);
  } catch (error) {
    console.log(JSON.stringify({ ok: false, failures: [`could not drive the browser: ${error.message}`] }));
    process.exit(2);
  }
}

module.exports = { runCheck };
