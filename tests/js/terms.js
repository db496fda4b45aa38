// Usage: node terms.js PIPELINE_NAMES_JSON STOP_FILTER_NAME < words.json
// Each word as the worker reads a query's word: whether the index's stop-word filter (after
// "possessive") drops it, and the terms the index's search pipeline makes of it.
'use strict'
const fs = require('fs')
const { worker, lunr } = require('./engine')

const pipeline = lunr.Pipeline.load(JSON.parse(process.argv[2]))
const stop = lunr.Pipeline.registeredFunctions[process.argv[3]]
const words = JSON.parse(fs.readFileSync(0, 'utf8'))
process.stdout.write(JSON.stringify(words.map((w) => [
  !stop(worker.possessive(new lunr.Token(w))),
  pipeline.runString(w)
])))
