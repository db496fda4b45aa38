// Usage: node possessive.js < words.json
// Each word through the worker's "possessive" pipeline function, as lunr.js runs it.
'use strict'
const fs = require('fs')
const { worker, lunr } = require('./engine')

const words = JSON.parse(fs.readFileSync(0, 'utf8'))
process.stdout.write(JSON.stringify(words.map((w) => worker.possessive(new lunr.Token(w)).toString())))
