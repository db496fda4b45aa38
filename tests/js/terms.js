// Usage: node terms.js PIPELINE_NAMES_JSON STOP_FILTER_NAME ELIDED_JSON LETTERS_JSON SCRIPTS_JSON
// Each word as the worker reads a query's word: whether the index's stop-word filter (after
// "possessive" and any "elision-<language>", made of ELIDED as from the manifest) drops it,
// and the terms the index's search pipeline makes of it.
'use strict'
const fs = require('fs')
const { loadScripts, worker, lunr } = require('./engine')

loadScripts(JSON.parse(process.argv[6]))

const names = JSON.parse(process.argv[2])
const elide = names.find((name) => name.startsWith('elision-'))
if (elide) lunr.Pipeline.registerFunction(worker.elision(JSON.parse(process.argv[4])), elide)
const alike = names.find((name) => name.startsWith('letters-'))
if (alike) lunr.Pipeline.registerFunction(worker.spelledAlike(JSON.parse(process.argv[5])), alike)
const pipeline = lunr.Pipeline.load(names)
const trim = lunr.Pipeline.load(names.filter((name) => name === 'possessive' || name === elide))
const stop = lunr.Pipeline.registeredFunctions[process.argv[3]]
const words = JSON.parse(fs.readFileSync(0, 'utf8'))
process.stdout.write(JSON.stringify(words.map((w) => {
  const trimmed = trim.run([new lunr.Token(w)])[0]
  return [!(trimmed && stop(trimmed)), pipeline.runString(w)]
})))
