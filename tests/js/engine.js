// Shared by the node scripts: the search worker's Engine over files on disk.
'use strict'
const fs = require('fs')
const path = require('path')
const root = path.resolve(__dirname, '..', '..')
global.lunr = require(path.join(root, 'node_modules', 'lunr'))
// lunr-languages' stemmers and stop words, as the worker loads the index language's scripts
const languages = path.join(root, 'node_modules', 'lunr-languages')
require(path.join(languages, 'lunr.stemmer.support.js'))(global.lunr)
for (const code of ['da', 'de', 'es', 'fi', 'fr', 'hu', 'it', 'nl', 'no', 'pt', 'ro', 'ru', 'sv']) {
  require(path.join(languages, 'min', `lunr.${code}.min.js`))(global.lunr)
}
const worker = require(path.join(root, 'themes', 'default', 'static', 'search-worker.js'))

// An Engine reading parts next to the manifest; `loaded` lists every file it read.
function open (manifestPath) {
  const dir = path.dirname(manifestPath)
  const loaded = []
  const load = (name) => new Promise((resolve) => {
    loaded.push(name)
    resolve(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')))
  })
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'))
  // The messages in the theme's English (SEARCH_TEXTS: its search_js_ texts, as the page sends them).
  const engine = new worker.Engine(manifest, load, worker.wording(JSON.parse(process.env.SEARCH_TEXTS || '{}'), 'en'))
  if (process.env.SEARCH_MAX_BYTES) engine.maxBytes = Number(process.env.SEARCH_MAX_BYTES) // a smaller budget, as a larger index meets
  return { engine, loaded, dir }
}

module.exports = { open, worker, lunr: global.lunr }
