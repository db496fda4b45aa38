// Usage: node terms.js MANIFEST_JSON < words.json
// Each word as the worker's Engine reads a query's word, for an index whose manifest says
// how words are read (language, pipeline, scripts, elided, letters): whether the index's
// stop-word filter dropped it, and the terms its search pipeline makes of it.
'use strict'
const fs = require('fs')
const { loadScripts, worker, lunr } = require('./engine')

const manifest = { parts: [], ...JSON.parse(process.argv[2]) }
loadScripts(manifest.scripts || [])
const engine = new worker.Engine(manifest, null)
const words = JSON.parse(fs.readFileSync(0, 'utf8'))
process.stdout.write(JSON.stringify(words.map((w) => {
  const trimmed = engine.trim.run([new lunr.Token(w)])[0]
  return [!(trimmed && engine.stopWords(trimmed)), engine.pipeline.runString(w)]
})))
