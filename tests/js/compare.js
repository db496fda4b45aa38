// Usage: node compare.js MANIFEST WHOLE_INDEX.json < queries.json
// For each query: the top results (ref, score) of the whole index and of the split
// parts merged by the worker's Engine, or the error each gave.
'use strict'
const fs = require('fs')
const { open, lunr } = require('./engine')

async function main () {
  const [manifestPath, wholePath] = process.argv.slice(2)
  const queries = JSON.parse(fs.readFileSync(0, 'utf8'))
  const whole = lunr.Index.load(JSON.parse(fs.readFileSync(wholePath, 'utf8')))
  const out = {}
  for (const q of queries) {
    const row = {}
    try {
      row.whole = whole.search(q).map((r) => [r.ref, r.score])
    } catch (err) {
      row.whole = { error: err.name }
    }
    const { engine, loaded } = open(manifestPath)
    try {
      const results = await engine.query(q)
      row.split = results.map((r) => [r.ref, r.score])
      row.parts = loaded.length
    } catch (err) {
      row.split = { error: err.name, message: err.message }
    }
    out[q] = row
  }
  process.stdout.write(JSON.stringify(out))
}
main().catch((err) => { console.error(err); process.exit(1) })
